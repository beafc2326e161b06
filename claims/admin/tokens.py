"""API keys in the admin: who has one and since when, and revoking them — never the key.

Only a hash of each key is stored (django-rest-knox). Administrators cannot create keys
here: a key created for someone else would let its creator act as that person through
the API (an editor's key approves claims). People create their own at /review/token/.
"""

from __future__ import annotations

from django.contrib import admin
from knox.models import AuthToken

admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    ordering = ["-created"]
    # Nothing that identifies the key itself: not its digest, not its first characters.
    fields = ["user", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

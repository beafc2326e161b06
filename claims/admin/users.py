"""Users in the admin: the roles are their groups."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .. import roles

User = get_user_model()


class RoleUserAdmin(UserAdmin):
    list_display = [*UserAdmin.list_display, "role"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="role")
    def role(self, user) -> str:
        names = {group.name for group in user.groups.all()}
        if user.is_superuser or roles.EDITORS in names:
            return "editor"
        if roles.REVIEWERS in names:
            return "reviewer"
        return "—"


admin.site.unregister(User)
admin.site.register(User, RoleUserAdmin)

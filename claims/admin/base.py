"""What every admin page of the domain shares: view-only rows written by the domain."""

from __future__ import annotations

from django.contrib import admin
from django.db import models


class ViewOnlyMixin:
    """Rows written by the domain, never by hand: no add, change or delete for anyone."""

    # Read-only pages still build forms: say which scheme URLs lack (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ViewOnlyInline(ViewOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True
    can_delete = False

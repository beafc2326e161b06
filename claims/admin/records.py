"""Notes, the history and corrections in the admin: append-only records."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from .. import editing, roles
from ..models import (
    ClaimEvent,
    Correction,
    Note,
)
from .base import ViewOnlyMixin


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["claim", "body"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    """Internal notes: readable, and addable (through ``editing.add_note``) by
    administrators who also have a reviewer role; never edited afterwards."""

    form = NoteForm
    list_display = ["__str__", "author", "created_at"]
    list_select_related = ["author", "claim"]
    search_fields = ["body", "claim__statement", "author__username"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["claim"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and roles.is_reviewer(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["claim", "author", "body", "created_at"] if obj is not None else []

    def get_fields(self, request, obj=None):
        return ["claim", "author", "body", "created_at"] if obj is not None else ["claim", "body"]

    def save_model(self, request, obj, form, change) -> None:
        created = editing.add_note(obj.claim, by=request.user, body=form.cleaned_data["body"])
        obj.pk, obj.author, obj.created_at = created.pk, created.author, created.created_at


@admin.register(ClaimEvent)
class ClaimEventAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "claim", "action", "actor", "from_status", "to_status", "version"]
    list_filter = ["action", "public", "to_status"]
    list_select_related = ["claim", "actor"]
    search_fields = ["claim__statement", "comment", "actor__username"]
    date_hierarchy = "created_at"


@admin.register(Correction)
class CorrectionAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "claim", "rating_before", "rating_after"]
    list_filter = ["rating_after"]
    list_select_related = ["claim"]
    search_fields = ["claim__statement", "note"]
    date_hierarchy = "created_at"

"""Notes, the history, corrections and proposals in the admin.

History and corrections are append-only (the database refuses changes too); proposals are
decided by actions that call the same domain functions as the reviewer UI and the API, so
four eyes holds here as everywhere (``claims.approvals``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from .. import approvals, editing, proposals, roles
from ..errors import WorkflowError
from ..models import (
    ClaimEvent,
    Correction,
    Note,
    Proposal,
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


@admin.register(Proposal)
class ProposalAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Changes waiting for a second editor; approve or cancel them with the actions."""

    list_display = ["kind", "state", "claim", "article", "proposed_by", "proposed_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["claim", "article", "proposed_by"]
    search_fields = ["note", "claim__statement", "article__title", "proposed_by__username"]
    date_hierarchy = "proposed_at"
    actions = ["approve", "cancel"]

    def _decide(self, request, queryset, decide, done: str) -> None:
        for proposal in queryset.select_related("claim", "article", "proposed_by").order_by("pk"):
            label = str(proposal)
            try:
                decide(proposal)
            except WorkflowError as exc:
                self.message_user(request, f"{label}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{label}: {done}", messages.SUCCESS)

    @admin.action(description="Approve the selected proposals (four eyes apply)")
    def approve(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda p: approvals.approve_proposal(p, by=request.user),
            "approved and applied.",
        )

    @admin.action(description="Cancel the selected proposals")
    def cancel(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda p: proposals.cancel_proposal(p, by=request.user),
            "cancelled.",
        )

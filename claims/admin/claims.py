"""Claims in the admin: read-only content, workflow actions, exports."""

from __future__ import annotations

import csv
import json

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from .. import proposals, workflow
from ..enums import Action, ClaimStatus
from ..errors import WorkflowError
from ..forms import ReaffirmForm, TransitionForm
from ..models import (
    Claim,
    ClaimEvent,
    Note,
    Proposal,
    Source,
)
from .base import ViewOnlyInline
from .exports import EXPORT_FIELDS, csv_cell, export_row
from .sources import queue_checks


class SourceInline(ViewOnlyInline):
    model = Source
    fields = ["title", "url", "publisher", "kind", "stance", "accessed_at", "version"]
    readonly_fields = fields


class NoteInline(ViewOnlyInline):
    model = Note
    fields = ["created_at", "author", "body"]
    readonly_fields = fields


class EventInline(ViewOnlyInline):
    """The claim's history, oldest first."""

    model = ClaimEvent
    fields = [
        "created_at",
        "actor",
        "action",
        "from_status",
        "to_status",
        "rating_before",
        "rating_after",
        "comment",
        "public",
        "changes",
        "version",
    ]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    show_change_link = False
    verbose_name_plural = "history"


class ProposalInline(ViewOnlyInline):
    """Proposals on this claim (decided in the proposals admin, or the reviewer UI)."""

    model = Proposal
    fk_name = "claim"
    fields = ["kind", "state", "proposed_by", "proposed_at", "note", "decided_by", "decided_at"]
    readonly_fields = fields
    ordering = ["-proposed_at"]
    show_change_link = True


def _transition_action(transition):
    """An admin action for one transition, with its label from the rule book."""

    def run(modeladmin, request, queryset):
        if transition.has_comment:
            return modeladmin._with_comment(request, queryset, transition)
        modeladmin._perform(request, queryset.order_by("pk"), transition)
        return None

    run.__name__ = transition.action.value
    suffix = "…" if transition.has_comment else ""
    return admin.action(description=f"{transition.label} (selected claims){suffix}")(run)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = [
        "short_statement",
        "article",
        "status",
        "rating",
        "version",
        "updated_at",
        "published_at",
        "assignee",
        "due_date",
    ]
    list_filter = ["status", "rating", "claimant_kind", "tags"]
    list_select_related = ["article", "assignee"]
    search_fields = ["statement", "quote", "claimant", "summary", "slug", "article__title"]
    date_hierarchy = "updated_at"
    inlines = [SourceInline, NoteInline, ProposalInline, EventInline]
    fieldsets = [
        (None, {"fields": ["links", "article", "slug", "status", "version"]}),
        (
            "Content",
            {
                "fields": [
                    "statement",
                    "claimant",
                    "claimant_kind",
                    "quote",
                    "start_offset",
                    "end_offset",
                    "prefix",
                    "suffix",
                    "tags",
                ]
            },
        ),
        ("Verdict", {"fields": ["rating", "summary", "explanation"]}),
        # Changed in the reviewer UI or the API (claims.assignment), with events.
        ("Coordination", {"fields": ["assignee", "due_date", "requested_approver"]}),
        (
            "Workflow",
            {
                "fields": [
                    "created_at",
                    "updated_at",
                    "submitted_by",
                    "approved_by",
                    "published_at",
                    "withdrawn_at",
                    "withdrawal_reason",
                ]
            },
        ),
    ]
    actions = [
        *(_transition_action(t) for t in workflow.TRANSITIONS.values()),
        "reaffirm",
        "check_sources",
        "export_csv",
        "export_json",
    ]

    def get_readonly_fields(self, request, obj=None):
        # Everything: content changes go through the reviewer UI or the API (with a
        # version, writing an event), status and verdict through the actions below.
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def has_add_permission(self, request) -> bool:
        return False  # claims are anchored with the reviewer UI's selection tool, or the API

    def has_change_permission(self, request, obj=None) -> bool:
        # Not even a no-op save: Claim.save() would write back every field as loaded,
        # undoing a workflow change made meanwhile, without an event. The actions below
        # need only the view permission (and the workflow's own role checks).
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the audit trail stays whole: withdraw a published claim instead

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("submitted_by", "approved_by", "assignee", "requested_approver")
        )

    @admin.display(description="statement", ordering="statement")
    def short_statement(self, claim: Claim) -> str:
        return str(claim)

    @admin.display(description="open in")
    def links(self, claim: Claim) -> str:
        review = reverse("claims:review_claim", args=[claim.pk])
        if claim.status in (ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN):
            public = reverse("claims:claim", args=[claim.slug])
            return format_html(
                '<a href="{}">the reviewer UI</a> · <a href="{}">its public page</a>',
                review,
                public,
            )
        return format_html('<a href="{}">the reviewer UI</a>', review)

    # --- Workflow actions ------------------------------------------------------------------

    def _perform(self, request, claims, transition, *, versions=None, **options) -> None:
        """Each claim through the same door as the reviewer UI and the API
        (``proposals.act``: a transition, or a proposal for correct and withdraw), as the
        signed-in user; one message per claim."""
        for claim in claims:
            version = (versions or {}).get(claim.pk, claim.version)
            try:
                proposals.act(claim, transition.action, by=request.user, version=version, **options)
            except WorkflowError as exc:
                self.message_user(request, f"“{claim}”: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"“{claim}”: {transition.done}", messages.SUCCESS)

    def _versions(self, request, claims) -> dict[int, int | None]:
        versions = {}
        for claim in claims:
            try:
                versions[claim.pk] = int(request.POST.get(f"version-{claim.pk}", ""))
            except ValueError:
                versions[claim.pk] = None  # refused by the workflow as incomplete
        return versions

    def _with_comment(self, request, queryset, transition):
        """An intermediate page asking for the comment (and, for a correction, the new
        verdict); the versions it was shown with travel along, so a claim changed in the
        meantime is refused as stale."""
        claims = list(queryset.select_related("article").order_by("pk"))
        if transition.action == Action.CORRECT and len(claims) != 1:
            self.message_user(
                request, "Correct one fact-check at a time: select exactly one.", messages.ERROR
            )
            return None
        single = claims[0] if len(claims) == 1 else None
        data = request.POST if "apply" in request.POST else None
        form = TransitionForm(data, transition=transition, claim=single, with_version=False)
        if data is not None and form.is_valid():
            self._perform(
                request,
                claims,
                transition,
                versions=self._versions(request, claims),
                comment=form.comment_text(),
                verdict=form.verdict(),
            )
            return None  # back to the changelist, with the messages
        return self._intermediate(
            request, claims, form, transition.label, transition.action, transition.confirm
        )

    def _intermediate(self, request, claims, form, title: str, action: str, confirm: str = ""):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "confirm": confirm,
            "opts": self.model._meta,
            "claims": claims,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/claims/claim/transition.html", context)

    @admin.action(description=f"{workflow.REAFFIRM.label} (selected fact-checks)…")
    def reaffirm(self, request, queryset):
        claims = list(queryset.select_related("article").order_by("pk"))
        data = request.POST if "apply" in request.POST else None
        form = ReaffirmForm(data)
        del form.fields["version"]
        if data is not None and form.is_valid():
            versions = self._versions(request, claims)
            for claim in claims:
                try:
                    workflow.reaffirm_claim(
                        claim,
                        by=request.user,
                        version=versions[claim.pk],
                        note=form.cleaned_data["comment"],
                    )
                except WorkflowError as exc:
                    self.message_user(request, f"“{claim}”: {exc.message}", messages.ERROR)
                else:
                    self.message_user(
                        request, f"“{claim}”: {workflow.REAFFIRM.done}", messages.SUCCESS
                    )
            return None
        return self._intermediate(request, claims, form, workflow.REAFFIRM.label, "reaffirm")

    # --- Link checks -----------------------------------------------------------------------

    @admin.action(description="Check the selected claims' sources now")
    def check_sources(self, request, queryset):
        queue_checks(request, Source.objects.filter(claim__in=queryset))

    # --- Export ----------------------------------------------------------------------------

    def _export_rows(self, queryset):
        claims = queryset.select_related("article", "submitted_by", "approved_by")
        return [export_row(claim) for claim in claims.prefetch_related("tags").order_by("pk")]

    @admin.action(description="Export the selected claims as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="claims.csv"'
        response["Cache-Control"] = "private, no-store"
        writer = csv.writer(response)
        writer.writerow(EXPORT_FIELDS)
        for row in self._export_rows(queryset):
            writer.writerow([csv_cell(row[name]) for name in EXPORT_FIELDS])
        return response

    @admin.action(description="Export the selected claims as JSON")
    def export_json(self, request, queryset):
        body = json.dumps(self._export_rows(queryset), cls=DjangoJSONEncoder, indent=2)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="claims.json"'
        response["Cache-Control"] = "private, no-store"
        return response

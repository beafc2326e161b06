"""Claims in the admin: read-only content, workflow actions, exports."""

from __future__ import annotations

import csv
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from .. import workflow
from ..enums import Action, ClaimStatus, Rating
from ..errors import WorkflowError
from ..models import (
    Claim,
    ClaimEvent,
    Note,
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


class TransitionForm(forms.Form):
    """The intermediate page of reject, withdraw and correct."""

    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
    rating = forms.ChoiceField(choices=Rating.choices, required=False)
    summary = forms.CharField(max_length=300, required=False)
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False)

    LABELS = {
        Action.REJECT: "What needs to change (added to the claim's notes)",
        Action.WITHDRAW: "Public reason for withdrawing (shown to readers)",
        Action.CORRECT: "Public correction note: what changed and why (shown to readers)",
    }

    def __init__(self, *args, action: Action, claim: Claim | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = self.LABELS[action]
        if action != Action.CORRECT:
            for name in workflow.VERDICT_FIELDS:
                del self.fields[name]
        elif claim is not None and not self.is_bound:
            for name in workflow.VERDICT_FIELDS:
                self.fields[name].initial = getattr(claim, name)

    def verdict(self) -> dict | None:
        if "rating" not in self.fields:
            return None
        return {name: self.cleaned_data[name] for name in workflow.VERDICT_FIELDS}


TITLES = {
    Action.REJECT: "Send claims back for changes",
    Action.WITHDRAW: "Withdraw fact-checks",
    Action.CORRECT: "Publish a correction",
}
DONE = {
    Action.START: "research started",
    Action.SUBMIT: "submitted for review",
    Action.APPROVE: "approved and published",
    Action.REJECT: "sent back for changes",
    Action.WITHDRAW: "withdrawn",
    Action.CORRECT: "correction published",
}


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
    inlines = [SourceInline, NoteInline, EventInline]
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
        "start",
        "submit",
        "approve",
        "reject",
        "withdraw",
        "correct",
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

    def _perform(self, request, claims, action: Action, *, versions=None, **options) -> None:
        """``workflow.perform`` on each claim as the signed-in user; one message per claim."""
        for claim in claims:
            version = (versions or {}).get(claim.pk, claim.version)
            try:
                workflow.perform(claim, action, by=request.user, version=version, **options)
            except WorkflowError as exc:
                self.message_user(request, f"“{claim}”: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"“{claim}”: {DONE[action]}.", messages.SUCCESS)

    @admin.action(description="Start research on the selected claims")
    def start(self, request, queryset):
        self._perform(request, queryset.order_by("pk"), Action.START)

    @admin.action(description="Submit the selected claims for review")
    def submit(self, request, queryset):
        self._perform(request, queryset.order_by("pk"), Action.SUBMIT)

    @admin.action(description="Approve and publish the selected claims (four eyes apply)")
    def approve(self, request, queryset):
        self._perform(request, queryset.order_by("pk"), Action.APPROVE)

    @admin.action(description="Send the selected claims back for changes…")
    def reject(self, request, queryset):
        return self._with_comment(request, queryset, Action.REJECT)

    @admin.action(description="Withdraw the selected fact-checks…")
    def withdraw(self, request, queryset):
        return self._with_comment(request, queryset, Action.WITHDRAW)

    @admin.action(description="Publish a correction to the selected fact-check…")
    def correct(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Correct one fact-check at a time: select exactly one.", messages.ERROR
            )
            return None
        return self._with_comment(request, queryset, Action.CORRECT)

    def _with_comment(self, request, queryset, action: Action):
        """An intermediate page asking for the comment; the versions it was shown with
        travel along, so a claim changed in the meantime is refused as stale."""
        claims = list(queryset.select_related("article").order_by("pk"))
        single = claims[0] if len(claims) == 1 else None
        if "apply" in request.POST:
            form = TransitionForm(request.POST, action=action, claim=single)
            versions = {}
            for claim in claims:
                try:
                    versions[claim.pk] = int(request.POST.get(f"version-{claim.pk}", ""))
                except ValueError:
                    versions[claim.pk] = None  # refused by the workflow as incomplete
            if form.is_valid():
                self._perform(
                    request,
                    claims,
                    action,
                    versions=versions,
                    comment=form.cleaned_data["comment"],
                    verdict=form.verdict(),
                )
                return None  # back to the changelist, with the messages
        else:
            form = TransitionForm(action=action, claim=single)
        context = {
            **self.admin_site.each_context(request),
            "title": TITLES[action],
            "opts": self.model._meta,
            "claims": claims,
            "form": form,
            "action": action.value,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/claims/claim/transition.html", context)

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

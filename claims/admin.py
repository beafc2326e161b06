"""The Django admin: users and roles, articles and tags, and a read-only view of claims.

Claims change only through :mod:`claims.workflow` and :mod:`claims.editing`, which check
roles, four eyes and versions and write the audit trail. So in the admin:

- a claim's form is read-only (content is edited in the reviewer UI or the API, with a
  version, so an event is written); claims are created there too, anchored by the
  selection tool, and never deleted (withdraw a published one instead);
- status changes are admin actions that call ``workflow.perform`` with the same guards —
  an administrator cannot bypass four eyes or act without an editor's role — and report
  each claim's success or refusal; reject, withdraw and correct ask for their comment on
  an intermediate page;
- sources, events and corrections are view-only (events and corrections are append-only
  for everyone, superusers included); notes may be added, through ``editing.add_note``.
"""

from __future__ import annotations

import csv
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Count
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from . import editing, roles, workflow
from .enums import Action, ClaimStatus, Rating
from .errors import WorkflowError
from .models import (
    Article,
    Claim,
    ClaimEvent,
    Correction,
    HostThrottle,
    LinkCheck,
    Note,
    Source,
    Tag,
    WorkerHeartbeat,
)

User = get_user_model()


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


# --- Articles and tags --------------------------------------------------------------------


class ClaimOfArticleInline(ViewOnlyInline):
    model = Claim
    fields = ["statement", "quote", "status", "rating"]
    readonly_fields = fields
    ordering = ["start_offset"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Articles are plain data: saving one moves its claims along with their words (the
    model refuses a body edit that deletes quoted words), so the form is editable."""

    list_display = ["title", "outlet", "published_at", "claim_count", "created_at"]
    list_filter = ["outlet", "language"]
    search_fields = ["title", "outlet", "author", "slug"]
    date_hierarchy = "published_at"
    readonly_fields = ["slug", "created_at", "updated_at"]
    inlines = [ClaimOfArticleInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_claims=Count("claims"))

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, article: Article) -> int:
        return article.n_claims


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "claim_count"]
    search_fields = ["name", "slug"]
    # The slug is in public URLs (?tag=...): renaming a tag keeps it.
    readonly_fields = ["slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_claims=Count("claims"))

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, tag: Tag) -> int:
        return tag.n_claims

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting a tag in use would change claims without an event in their history.
        if obj is not None and obj.claims.exists():
            return False
        return super().has_delete_permission(request, obj)


# --- Claims -------------------------------------------------------------------------------


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

EXPORT_FIELDS = [
    "id",
    "slug",
    "status",
    "article",
    "statement",
    "claimant",
    "quote",
    "start_offset",
    "end_offset",
    "rating",
    "summary",
    "explanation",
    "tags",
    "version",
    "created_at",
    "updated_at",
    "published_at",
    "submitted_by",
    "approved_by",
    "withdrawn_at",
    "withdrawal_reason",
]


def export_row(claim: Claim) -> dict:
    return {
        "id": claim.pk,
        "slug": claim.slug,
        "status": claim.status,
        "article": claim.article.slug,
        "statement": claim.statement,
        "claimant": claim.claimant,
        "quote": claim.quote,
        "start_offset": claim.start_offset,
        "end_offset": claim.end_offset,
        "rating": claim.rating,
        "summary": claim.summary,
        "explanation": claim.explanation,
        "tags": [tag.name for tag in claim.tags.all()],
        "version": claim.version,
        "created_at": claim.created_at,
        "updated_at": claim.updated_at,
        "published_at": claim.published_at,
        "submitted_by": claim.submitted_by.get_username() if claim.submitted_by else None,
        "approved_by": claim.approved_by.get_username() if claim.approved_by else None,
        "withdrawn_at": claim.withdrawn_at,
        "withdrawal_reason": claim.withdrawal_reason,
    }


def _csv_cell(value) -> str:
    """A spreadsheet-safe cell: text that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


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
    ]
    list_filter = ["status", "rating", "claimant_kind", "tags"]
    list_select_related = ["article"]
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
        return super().get_queryset(request).select_related("submitted_by", "approved_by")

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
            writer.writerow([_csv_cell(row[name]) for name in EXPORT_FIELDS])
        return response

    @admin.action(description="Export the selected claims as JSON")
    def export_json(self, request, queryset):
        body = json.dumps(self._export_rows(queryset), cls=DjangoJSONEncoder, indent=2)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="claims.json"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- Sources, notes and the append-only tables -------------------------------------------------


def queue_checks(request, sources) -> None:
    """The "check now" admin action: the same hand-out as the reviewer UI's button."""
    queued = skipped = 0
    for source in sources:
        try:
            if editing.request_source_check(source, by=request.user):
                queued += 1
            else:
                skipped += 1
        except WorkflowError as exc:
            messages.error(request, exc.message)
            return
    messages.success(
        request,
        f"{queued} source check(s) queued"
        + (f"; {skipped} already under way." if skipped else "."),
    )


class LinkCheckInline(ViewOnlyInline):
    model = LinkCheck
    fields = ["checked_at", "outcome", "http_status", "final_url", "passage_found", "detail"]
    ordering = ["-checked_at"]
    max_num = 0
    extra = 0


@admin.register(Source)
class SourceAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """View-only: sources change in the reviewer UI or the API, which write an event and
    refuse changes to a claim under review or published."""

    list_display = ["title", "publisher", "health", "last_checked_at", "claim", "accessed_at"]
    list_filter = ["health", "kind", "stance"]
    list_select_related = ["claim"]
    inlines = [LinkCheckInline]
    actions = ["check_now"]

    @admin.action(description="Check the selected sources now")
    def check_now(self, request, queryset):
        queue_checks(request, queryset)

    search_fields = ["title", "url", "publisher", "passage", "claim__statement"]
    date_hierarchy = "accessed_at"
    fields = [
        "claim",
        "url",
        "archived_url",
        "title",
        "publisher",
        "kind",
        "stance",
        "passage",
        "accessed_at",
        "version",
        "created_at",
        "updated_at",
        "health",
        "health_changed_at",
        "last_checked_at",
        "next_check_at",
        "consecutive_failures",
    ]


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


@admin.register(LinkCheck)
class LinkCheckAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Every check the link checker made: append-only, like the claims' history."""

    list_display = [
        "checked_at",
        "source",
        "outcome",
        "http_status",
        "passage_found",
        "health_after",
    ]
    list_filter = ["outcome", "health_after", "passage_found"]
    list_select_related = ["source"]
    search_fields = ["url", "final_url", "source__title"]
    date_hierarchy = "checked_at"
    exclude = ["token"]


@admin.register(HostThrottle)
class HostThrottleAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Politeness bookkeeping of the link checker without Redis (which worker owns a site)."""

    list_display = ["host", "owner", "owned_until", "last_start_at"]
    search_fields = ["host"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Written by the Celery workers; an administrator may only remove a worker that is
    gone for good."""

    list_display = ["hostname", "seen_at"]
    search_fields = ["hostname"]
    ordering = ["-seen_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- Users: the roles are their groups ---------------------------------------------------


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

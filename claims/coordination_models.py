"""Tables of the desk's coordination: readers' reports, right of reply, transparency pages.

Kept apart from :mod:`claims.models` (which imports them at its end, so Django registers
them with the app). As there, models hold data and constraints only; the rules — roles,
versions, events — are in :mod:`claims.reports`, :mod:`claims.reply` and
:mod:`claims.transparency`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .enums import ContactChannel, PageKind, ReplyOutcome, ReportKind, ReportStatus
from .models import Claim, Note, WebURLField, http_url_validator

# Size caps of a reader's report (the form and the domain both hold them).
REPORT_TEXT_MAX = 5000
REPORT_URL_MAX = 2000


class ReaderReportQuerySet(models.QuerySet):
    def awaiting(self) -> ReaderReportQuerySet:
        return self.filter(status=ReportStatus.NEW)

    def for_queue(self) -> ReaderReportQuerySet:
        """What the moderation queue lists: with the claim and moderator, oldest first."""
        return self.select_related("claim", "handled_by").order_by("created_at", "pk")


class ReaderReport(models.Model):
    """A reader's report of an error in a fact-check, or a suggestion of a claim to check.

    Never shown publicly: only the desk's queue reads these rows, and the transparency
    page counts them. ``client_key`` is a keyed hash of the sender's address (never the
    address itself), so moderators can see several reports came from one sender.
    """

    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="reader_reports"
    )
    text = models.TextField(help_text="What the reader wrote.")
    url = WebURLField("URL", max_length=REPORT_URL_MAX, blank=True, validators=[http_url_validator])
    email = models.EmailField(blank=True, help_text="Optional: to answer the reader.")
    client_key = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW, editable=False
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    handled_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution = models.TextField(
        blank=True, editable=False, help_text="The moderator's reason or comment."
    )
    # What accepting it produced: a note on the reported claim, or a new draft claim.
    note = models.ForeignKey(
        Note, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    new_claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    # When the desk was told by email (None: not yet; the periodic digest retries).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReaderReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="report_status_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="report_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            # An error report is about a claim; a suggestion is not (yet).
            models.CheckConstraint(
                condition=Q(kind=ReportKind.ERROR, claim__isnull=False)
                | Q(kind=ReportKind.SUGGESTION, claim__isnull=True),
                name="report_claim_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ReplyRequestQuerySet(models.QuerySet):
    def published(self) -> ReplyRequestQuerySet:
        return self.filter(published=True).order_by("contacted_at", "pk")


class ReplyRequest(models.Model):
    """Right of reply: one contact with a claimant, and their answer or silence.

    Internal until an editor marks it for publication; then the claim page says "We asked
    <claimant> on <date>; they replied / did not reply by <date>", quoting ``quote`` (the
    part of the answer the desk chose), never the full ``reply``.
    """

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="reply_requests")
    contacted_at = models.DateTimeField(help_text="When we asked.")
    channel = models.CharField(max_length=20, choices=ContactChannel.choices)
    contact = models.CharField(
        max_length=300, blank=True, help_text="Whom we reached and how (internal)."
    )
    question = models.TextField(help_text="What we asked (internal).")
    reply_by = models.DateTimeField(help_text="The deadline we gave for an answer.")
    outcome = models.CharField(
        max_length=20, choices=ReplyOutcome.choices, default=ReplyOutcome.AWAITING
    )
    reply = models.TextField(blank=True, help_text="Their answer in full (internal).")
    replied_at = models.DateTimeField(null=True, blank=True)
    quote = models.TextField(
        blank=True, help_text="The words of the answer readers see, when published."
    )
    published = models.BooleanField(default=False)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReplyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "contacted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=ContactChannel.values), name="reply_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ReplyOutcome.values), name="reply_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Right of reply on claim {self.claim_id} ({self.get_outcome_display().lower()})"


class TransparencyPage(models.Model):
    """One of the pages an administrator writes (markdown), linked from every footer."""

    kind = models.CharField(max_length=40, choices=PageKind.choices, unique=True)
    body = models.TextField(
        help_text="Markdown: **bold**, *italic*, [links](https://example.org), lists, "
        "### headings. Raw HTML is not allowed."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PageKind.values), name="transparency_page_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def title(self) -> str:
        return self.get_kind_display()

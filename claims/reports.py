"""Readers' reports: "Report an error" on a fact-check, "Suggest a claim to check".

Both land in a moderated queue in the reviewer UI and are never shown publicly. The rules:

- **Spam**, without a third-party service: a honeypot field people never see (a filled
  one is accepted silently and dropped), and a minimum fill time — the form carries the
  moment it was served, signed (``issue_form_token``), so a bot that posts at once, or
  replays an old form, is refused (``check_form_token``).
- **Rate limit** per client address, counted in the shared cache (Redis in production,
  so every web process counts together): ``check_rate``. Addresses are never stored;
  a report keeps a keyed hash of its sender's, so moderators can see repeats.
- **Size caps**: text, URL and email lengths here and in the form; the view refuses an
  oversized request body before parsing it.
- **Stored first**: ``submit_report`` writes the row and nothing else. The desk hears of
  new reports from a periodic email digest (``notify_desk``) that retries until the mail
  server takes it, so a report is never lost to an email outage.

Moderation (``accept_error_report``, ``accept_suggestion``, ``dismiss_report``) happens
once per report: the conditional ``UPDATE ... WHERE status = 'new'`` lets only the first
moderator win. Reviewers accept — an error report becomes an internal note on its claim
(and an event in its history), a suggestion becomes a new draft claim; only editors
dismiss, with a reason.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import editing, roles, signals
from .clientip import client_ip
from .coordination_models import REPORT_TEXT_MAX, ReaderReport
from .enums import Action, ClaimantKind, ClaimStatus, ReportKind, ReportStatus
from .errors import Incomplete, Invalid, InvalidTransition, WorkflowError
from .models import Claim
from .workflow import EDITOR, REVIEWER, record_event, require_role

logger = logging.getLogger(__name__)

TOKEN_SALT = "claims.reports.form"  # noqa: S105 - a signing salt, not a secret
RATE_KEY = "reader-reports:rate"


class SpamCheckFailed(WorkflowError):
    """The form was sent too soon after it was served, or is too old or tampered with."""

    code = "spam_check"
    http_status = 422


class RateLimited(WorkflowError):
    code = "throttled"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AlreadyHandled(InvalidTransition):
    """Someone moderated the report first."""

    code = "already_handled"


# --- Who is sending -----------------------------------------------------------------------


def client_address(request) -> str:
    """The sender's address, read exactly as the sign-in lockouts and the API's throttles
    read it (``claims.clientip``: behind ``TRUSTED_PROXY_COUNT`` trusted proxies), so a
    client cannot choose its own address."""
    return client_ip(request)


def client_key(address: str) -> str:
    """A keyed hash of an address: the same sender gives the same key, and the key does
    not give the address back."""
    key = hashlib.sha256(f"{settings.SECRET_KEY}:reader-reports".encode()).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/hour"`` → ``(5, 3600)``."""
    count, _, period = rate.partition("/")
    seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}[period]
    return int(count), seconds


def check_rate(address: str) -> None:
    """Count one submission from ``address``; refuse past ``READER_REPORTS_RATE``.

    A fixed window in the shared cache: ``add`` then ``incr`` is atomic on Redis, so
    concurrent requests on several web processes cannot all slip under the limit.
    """
    limit, window = parse_rate(settings.READER_REPORTS_RATE)
    now = time.time()
    key = f"{RATE_KEY}:{client_key(address)}:{int(now // window)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        retry_after = max(1, int(window - now % window))
        raise RateLimited(
            "You have sent several reports in a short time. Please wait a while and send "
            "this one again; your text is still in the form.",
            retry_after=retry_after,
        )


# --- Spam checks --------------------------------------------------------------------------


def issue_form_token(*, now: float | None = None) -> str:
    """A signed token holding the moment the form is served."""
    served = now if now is not None else time.time()
    return signing.Signer(salt=TOKEN_SALT).sign(f"{served:.3f}")


def check_form_token(token: str, *, now: float | None = None) -> None:
    """Refuse a form sent sooner than ``READER_REPORTS_MIN_SECONDS`` after it was served,
    older than ``READER_REPORTS_FORM_MAX_AGE_HOURS``, or with a forged token."""
    try:
        served = float(signing.Signer(salt=TOKEN_SALT).unsign(token or ""))
    except (signing.BadSignature, ValueError):
        raise SpamCheckFailed(
            "The form could not be checked. Please send it again from this page."
        ) from None
    elapsed = (now if now is not None else time.time()) - served
    if elapsed > settings.READER_REPORTS_FORM_MAX_AGE_HOURS * 3600:
        raise SpamCheckFailed(
            "This form was open for a long time, so we could not tell it from an old copy. "
            "Please check your text and send it again."
        )
    if elapsed < settings.READER_REPORTS_MIN_SECONDS:
        raise SpamCheckFailed(
            "That was sent very quickly, so our spam check held it back. Please read your "
            "text over and send it again."
        )


# --- Submitting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """What a reader sent, already parsed by the form."""

    text: str
    url: str = ""
    email: str = ""


def submit_report(
    *, kind: ReportKind, submission: Submission, address: str, claim: Claim | None = None
) -> ReaderReport:
    """Store a reader's report (an error in ``claim``, or a suggestion). Nothing else:
    the desk's email digest picks it up later.

    Error reports are taken only for claims with a public page (published or withdrawn).
    """
    text = (submission.text or "").strip()
    if not text:
        raise Incomplete("Write what you want to tell us.", {"text": "This field is required."})
    if len(text) > REPORT_TEXT_MAX:
        raise Invalid(
            f"Keep it under {REPORT_TEXT_MAX} characters.",
            {"text": f"At most {REPORT_TEXT_MAX} characters."},
        )
    if kind == ReportKind.ERROR and (
        claim is None or claim.status not in (ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN)
    ):
        raise Invalid("Errors are reported on a published fact-check.")
    report = ReaderReport(
        kind=kind,
        claim=claim if kind == ReportKind.ERROR else None,
        text=text,
        url=(submission.url or "").strip(),
        email=(submission.email or "").strip(),
        client_key=client_key(address),
    )
    try:
        report.full_clean()
    except ValidationError as exc:
        raise Invalid.from_validation_error(exc) from None
    report.save()
    logger.info("reader report %s stored (%s)", report.pk, kind)
    return report


# --- Moderating -------------------------------------------------------------------------


def _mark_handled(report: ReaderReport, *, by, status: ReportStatus, **values) -> None:
    """The one write of moderation: only if the report is still new."""
    rows = ReaderReport.objects.filter(pk=report.pk, status=ReportStatus.NEW).update(
        status=status, handled_by=by, handled_at=timezone.now(), **values
    )
    if rows == 0:
        current = ReaderReport.objects.select_related("handled_by").get(pk=report.pk)
        raise AlreadyHandled(
            f"This report was already {current.get_status_display().lower()} by "
            f"{roles.display_name(current.handled_by)}. Nothing was changed."
        )


def _require_new(report: ReaderReport, kind: ReportKind) -> None:
    if report.kind != kind:
        raise Invalid(f"This report is a {report.get_kind_display().lower()}.")
    if report.status != ReportStatus.NEW:
        raise AlreadyHandled(
            f"This report was already {report.get_status_display().lower()} by "
            f"{roles.display_name(report.handled_by)}. Nothing was changed."
        )


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def accept_error_report(report: ReaderReport, *, by, comment: str = "") -> ReaderReport:
    """Take an error report into the corrections process.

    Side effects: an internal note on the claim quoting the report and linking it back,
    one ``accept_report`` event on the claim, and the report marked accepted (with the
    note). Whether the verdict changes is then the editors' decision, through a
    correction or a withdrawal.
    """
    require_role(by, REVIEWER, "accept readers' reports")
    _require_new(report, ReportKind.ERROR)
    comment = (comment or "").strip()
    link = reverse("claims:review_report", args=[report.pk])
    parts = [
        f"**Reader's report #{report.pk}** (received "
        f"{timezone.localtime(report.created_at):%d %b %Y, %H:%M}), accepted by "
        f"{roles.display_name(by)} for the corrections process:",
        _quoted(report.text),
    ]
    if report.url:
        parts.append(f"Evidence the reader points to: <{report.url}>")
    if comment:
        parts.append(comment)
    parts.append(f"[Open the report]({link})")
    with transaction.atomic():
        claim = Claim.objects.select_for_update().get(pk=report.claim_id)
        note = editing.add_note(claim, by=by, body="\n\n".join(parts))
        _mark_handled(report, by=by, status=ReportStatus.ACCEPTED, resolution=comment, note=note)
        event = record_event(
            claim,
            by=by,
            action=Action.ACCEPT_REPORT,
            from_status=claim.status,
            to_status=claim.status,
            comment=f"Reader's report #{report.pk}: see the notes.",
            changes=[{"field": "reader_report", "before": None, "after": report.pk}],
            version=claim.version,
        )
        signals.send_after_commit(event)
    report.refresh_from_db()
    return report


def accept_suggestion(
    report: ReaderReport,
    *,
    by,
    article: dict,
    quote: str,
    statement: str,
    claimant: str,
    claimant_kind: str = ClaimantKind.PERSON,
) -> Claim:
    """Turn a suggestion into a new draft claim, in a new article holding the words.

    ``article`` holds the new article's fields (title, body, url, outlet...); ``quote``
    must occur in its body (its first occurrence is the claim's span).

    Side effects: the article, the claim (with its ``create`` event), and the report
    marked accepted, pointing at the new claim.
    """
    require_role(by, REVIEWER, "accept readers' suggestions")
    _require_new(report, ReportKind.SUGGESTION)
    from .anchoring import AnchorError

    with transaction.atomic():
        new_article = editing.create_article(by=by, **article)
        try:
            claim = editing.create_claim_from_words(
                new_article,
                by=by,
                quote=quote,
                occurrence=1,
                statement=statement,
                claimant=claimant,
                claimant_kind=claimant_kind,
            )
        except AnchorError as exc:
            raise Invalid(str(exc), {"quote": str(exc)}) from None
        _mark_handled(
            report,
            by=by,
            status=ReportStatus.ACCEPTED,
            resolution=f"Accepted as claim #{claim.pk}.",
            new_claim=claim,
        )
    return claim


def dismiss_report(report: ReaderReport, *, by, reason: str) -> ReaderReport:
    """Dismiss a report, with the reason (internal). Editors only: turning a reader's
    complaint away is an editorial decision."""
    require_role(by, EDITOR, "dismiss readers' reports")
    reason = (reason or "").strip()
    if not reason:
        raise Incomplete(
            "Say why the report is dismissed.", {"reason": "A reason is required to dismiss."}
        )
    _mark_handled(report, by=by, status=ReportStatus.DISMISSED, resolution=reason)
    report.refresh_from_db()
    return report


# --- Telling the desk ---------------------------------------------------------------------


def notify_desk(*, limit: int = 200) -> int:
    """Email the desk (``READER_REPORTS_NOTIFY_EMAILS``) one digest of the reports it
    has not been told of; mark them told once the mail server took the message.

    If sending fails the exception propagates and nothing is marked: the next run sends
    them again. Returns how many reports the digest listed.
    """
    recipients = settings.READER_REPORTS_NOTIFY_EMAILS
    if not recipients:
        return 0
    reports = list(
        ReaderReport.objects.filter(notified_at__isnull=True)
        .select_related("claim")
        .order_by("created_at", "pk")[:limit]
    )
    if not reports:
        return 0
    base = settings.SITE_URL
    lines = [f"{len(reports)} new reader report(s) await moderation:", ""]
    for report in reports:
        about = f"on “{report.claim}”" if report.claim else "(a claim to check)"
        lines.append(
            f"- #{report.pk} {report.get_kind_display()} {about}: "
            f"{base}{reverse('claims:review_report', args=[report.pk])}"
        )
    lines += ["", f"The queue: {base}{reverse('claims:review_reports')}"]
    # No report text in the email: it may be long, personal or hostile; the queue shows it
    # to people signed in with a role.
    send_mail(
        subject=f"[{settings.FACTCHECK_ORGANIZATION_NAME}] {len(reports)} new reader report(s)",
        message="\n".join(lines),
        from_email=None,
        recipient_list=recipients,
    )
    ReaderReport.objects.filter(pk__in=[r.pk for r in reports], notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    return len(reports)

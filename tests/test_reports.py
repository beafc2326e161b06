"""claims.reports: spam checks, the rate limit, size caps, moderation and the desk's
email digest."""

import smtplib
import uuid

import pytest
from django.core import mail

from claims import reports
from claims.coordination_models import REPORT_TEXT_MAX, ReaderReport
from claims.enums import Action, ReportKind, ReportStatus
from claims.errors import Invalid, NotPermitted
from claims.models import Article, ClaimEvent, Note
from tests.factories import PublishedClaimFactory, ResearchingClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_rate_counts(monkeypatch):
    """Counts of this test only: the cache is shared (Redis) with parallel test workers."""
    monkeypatch.setattr(reports, "RATE_KEY", f"test-reader-reports:{uuid.uuid4().hex}")


def _error_report(claim=None, text="The rate was 4.5%, not 4.3%.", **kwargs):
    return reports.submit_report(
        kind=ReportKind.ERROR,
        claim=claim or PublishedClaimFactory(),
        submission=reports.Submission(text=text, **kwargs),
        address="198.51.100.7",
    )


def _suggestion(text="The mayor said bus fares fell by half."):
    return reports.submit_report(
        kind=ReportKind.SUGGESTION,
        submission=reports.Submission(text=text, url="https://example.org/speech"),
        address="198.51.100.7",
    )


# --- Spam checks and limits ---------------------------------------------------------------


def test_form_token_refuses_a_form_sent_too_soon(settings):
    settings.READER_REPORTS_MIN_SECONDS = 3
    token = reports.issue_form_token(now=1000.0)
    with pytest.raises(reports.SpamCheckFailed, match="sent very quickly"):
        reports.check_form_token(token, now=1002.0)
    reports.check_form_token(token, now=1003.5)  # no exception


def test_form_token_expires_and_cannot_be_forged(settings):
    settings.READER_REPORTS_FORM_MAX_AGE_HOURS = 1
    token = reports.issue_form_token(now=1000.0)
    with pytest.raises(reports.SpamCheckFailed, match="open for a long time"):
        reports.check_form_token(token, now=1000.0 + 3601)
    _, _, signature = token.rpartition(":")
    forged = f"1.000:{signature}"  # an earlier time, with the old signature
    with pytest.raises(reports.SpamCheckFailed, match="could not be checked"):
        reports.check_form_token(forged, now=1010.0)
    with pytest.raises(reports.SpamCheckFailed, match="could not be checked"):
        reports.check_form_token("", now=1010.0)


def test_rate_limit_counts_per_address(settings):
    settings.READER_REPORTS_RATE = "3/hour"
    for _ in range(3):
        reports.check_rate("198.51.100.7")
    with pytest.raises(reports.RateLimited) as refused:
        reports.check_rate("198.51.100.7")
    assert 1 <= refused.value.retry_after <= 3600
    reports.check_rate("203.0.113.9")  # another address has its own budget


def test_client_address_trusts_only_the_configured_proxies(settings, rf):
    request = rf.post("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXY_COUNT = 0
    assert reports.client_address(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert reports.client_address(request) == "203.0.113.9"


def test_the_address_is_stored_only_as_a_keyed_hash():
    report = _error_report()
    assert report.client_key == reports.client_key("198.51.100.7")
    assert "198.51.100.7" not in report.client_key
    assert len(report.client_key) == 32


def test_text_over_the_cap_is_refused_and_nothing_stored():
    with pytest.raises(Invalid) as refused:
        _error_report(text="x" * (REPORT_TEXT_MAX + 1))
    assert refused.value.fields == {"text": f"At most {REPORT_TEXT_MAX} characters."}
    assert ReaderReport.objects.count() == 0


def test_errors_are_reported_only_on_public_fact_checks():
    with pytest.raises(Invalid):
        _error_report(claim=ResearchingClaimFactory())
    assert ReaderReport.objects.count() == 0


def test_a_report_is_stored_with_what_the_reader_sent():
    claim = PublishedClaimFactory()
    report = _error_report(claim, url="https://stats.example.org/x", email="reader@example.org")
    assert ReaderReport.objects.filter(pk=report.pk).values(
        "kind", "claim", "text", "url", "email", "status", "notified_at"
    ).get() == {
        "kind": "error",
        "claim": claim.pk,
        "text": "The rate was 4.5%, not 4.3%.",
        "url": "https://stats.example.org/x",
        "email": "reader@example.org",
        "status": "new",
        "notified_at": None,
    }


# --- Moderation ---------------------------------------------------------------------------


def test_accepting_an_error_report_notes_it_on_the_claim_with_an_event(reviewer):
    claim = PublishedClaimFactory()
    report = _error_report(claim, url="https://stats.example.org/x")

    reports.accept_error_report(report, by=reviewer, comment="Check the March revision.")

    report.refresh_from_db()
    assert (report.status, report.handled_by, report.resolution) == (
        ReportStatus.ACCEPTED,
        reviewer,
        "Check the March revision.",
    )
    note = Note.objects.get(claim=claim)
    assert report.note == note
    assert note.author == reviewer
    assert "> The rate was 4.5%, not 4.3%." in note.body
    assert f"[Open the report](/review/reports/{report.pk}/)" in note.body
    assert "Evidence the reader points to: <https://stats.example.org/x>" in note.body
    event = ClaimEvent.objects.get(claim=claim)
    assert (event.action, event.actor, event.public, event.changes, event.version) == (
        Action.ACCEPT_REPORT,
        reviewer,
        False,
        [{"field": "reader_report", "before": None, "after": report.pk}],
        claim.version,
    )


def test_a_report_is_moderated_once(reviewer, editor):
    report = _error_report()
    stale_copy = ReaderReport.objects.get(pk=report.pk)
    reports.accept_error_report(report, by=reviewer)

    with pytest.raises(reports.AlreadyHandled, match="already accepted by Rita"):
        reports.dismiss_report(stale_copy, by=editor, reason="Duplicate")
    with pytest.raises(reports.AlreadyHandled):
        reports.accept_error_report(stale_copy, by=editor)
    assert Note.objects.count() == 1
    assert ReaderReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED


def test_only_editors_dismiss_and_only_with_a_reason(reviewer, editor):
    report = _error_report()
    with pytest.raises(NotPermitted):
        reports.dismiss_report(report, by=reviewer, reason="Not an error")
    with pytest.raises(reports.Incomplete):
        reports.dismiss_report(report, by=editor, reason="  ")
    reports.dismiss_report(report, by=editor, reason="The reader misread the table.")
    report.refresh_from_db()
    assert (report.status, report.resolution) == (
        ReportStatus.DISMISSED,
        "The reader misread the table.",
    )


def test_people_without_a_role_cannot_moderate(outsider):
    report = _error_report()
    with pytest.raises(NotPermitted):
        reports.accept_error_report(report, by=outsider)
    assert ReaderReport.objects.get(pk=report.pk).status == ReportStatus.NEW


def test_accepting_a_suggestion_creates_a_draft_claim(reviewer):
    report = _suggestion()

    claim = reports.accept_suggestion(
        report,
        by=reviewer,
        article={"title": "Mayor's speech", "body": report.text, "url": report.url},
        quote="bus fares fell by half",
        statement="Bus fares fell by 50%.",
        claimant="The mayor",
    )

    report.refresh_from_db()
    assert (report.status, report.new_claim) == (ReportStatus.ACCEPTED, claim)
    assert (claim.status, claim.quote, claim.article.url) == (
        "draft",
        "bus fares fell by half",
        "https://example.org/speech",
    )
    assert claim.article.body[claim.start_offset : claim.end_offset] == "bus fares fell by half"
    assert list(claim.events.values_list("action", flat=True)) == [Action.CREATE]


def test_a_suggestion_whose_quote_is_not_in_the_text_is_refused_whole(reviewer):
    report = _suggestion()
    with pytest.raises(Invalid) as refused:
        reports.accept_suggestion(
            report,
            by=reviewer,
            article={"title": "Speech", "body": report.text},
            quote="taxes doubled",
            statement="Taxes doubled.",
            claimant="The mayor",
        )
    assert set(refused.value.fields) == {"quote"}
    assert Article.objects.count() == 0
    assert ReaderReport.objects.get(pk=report.pk).status == ReportStatus.NEW


# --- The desk's email digest ----------------------------------------------------------------


def test_digest_emails_new_reports_once_without_their_text(settings):
    settings.READER_REPORTS_NOTIFY_EMAILS = ["desk@example.org"]
    first, second = _error_report(), _suggestion()

    assert reports.notify_desk() == 2
    assert reports.notify_desk() == 0

    (message,) = mail.outbox
    assert message.to == ["desk@example.org"]
    assert message.subject == "[Example Fact Desk] 2 new reader report(s)"
    assert f"https://factcheck.example.org/review/reports/{first.pk}/" in message.body
    assert f"https://factcheck.example.org/review/reports/{second.pk}/" in message.body
    assert first.text not in message.body and second.text not in message.body


def test_reports_are_kept_and_sent_later_when_email_is_down(settings, monkeypatch):
    from claims import tasks

    settings.READER_REPORTS_NOTIFY_EMAILS = ["desk@example.org"]
    report = _error_report()

    def down(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "mail server down")

    monkeypatch.setattr(reports, "send_mail", down)
    assert tasks.task_email_reader_reports_digest() == 0
    assert ReaderReport.objects.get(pk=report.pk).notified_at is None

    monkeypatch.undo()
    assert tasks.task_email_reader_reports_digest() == 1
    assert ReaderReport.objects.get(pk=report.pk).notified_at is not None
    assert len(mail.outbox) == 1


def test_no_recipients_no_email(settings):
    settings.READER_REPORTS_NOTIFY_EMAILS = []
    _error_report()
    assert reports.notify_desk() == 0
    assert mail.outbox == []


def test_digest_is_scheduled_on_beat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["email-reader-reports-digest"]["task"] == (
        "claims.email_reader_reports_digest"
    )

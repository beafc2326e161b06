"""Readers' reports over HTTP: the public forms (honeypot, minimum time, size cap, rate
limit, never public) and the desk's moderation queue (actions, permissions, queries)."""

import re
import time
import uuid

import pytest
from django.urls import reverse

from claims import reports
from claims.coordination_models import REPORT_TEXT_MAX, ReaderReport
from claims.enums import ReportKind, ReportStatus
from claims.models import Claim, Note
from tests.factories import PublishedClaimFactory, SourceFactory
from tests.views.pages import error_summary, shown_messages

pytestmark = pytest.mark.django_db

SECRET_TEXT = "Zanzibar-7731: your figure for 2022 is the provisional one."


@pytest.fixture(autouse=True)
def _own_rate_counts(monkeypatch):
    """Counts of this test only: the cache is shared (Redis) with parallel test workers."""
    monkeypatch.setattr(reports, "RATE_KEY", f"test-reader-reports:{uuid.uuid4().hex}")


@pytest.fixture
def claim():
    claim = PublishedClaimFactory()
    SourceFactory(claim=claim)
    return claim


def _form(text=SECRET_TEXT, *, age: float = 10, **extra) -> dict:
    data = {
        "text": text,
        "url": "",
        "email": "",
        "website": "",
        "started": reports.issue_form_token(now=time.time() - age),
    }
    data.update(extra)
    return data


def _report_url(claim) -> str:
    return reverse("claims:report_error", args=[claim.slug])


def test_every_public_claim_page_links_to_report_an_error(client, claim):
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert (
        f'<p class="report-link"><a href="/claims/{claim.slug}/report/">Report an error</a> '
        "in this fact-check.</p>"
    ) in html


def test_every_page_links_to_suggest_a_claim_and_the_transparency_pages(client, claim):
    for url in ("/", reverse("claims:claim", args=[claim.slug]), reverse("claims:methodology")):
        html = client.get(url).content.decode()
        footer = re.search(r'<nav class="footer-links".*?</nav>', html, re.S).group(0)
        assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', footer) == [
            ("/transparency/", "Transparency"),
            ("/about/funding/", "Funding and ownership"),
            ("/about/team/", "Our team"),
            ("/about/contact/", "Contact us"),
            ("/about/corrections-policy/", "Corrections and complaints policy"),
            ("/suggest/", "Suggest a claim to check"),
        ]


def test_a_reader_reports_an_error(client, claim):
    page = client.get(_report_url(claim))
    assert page.status_code == 200
    assert page["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"

    response = client.post(_report_url(claim), _form(email="reader@example.org"))

    assert response.status_code == 302
    assert response["Location"] == reverse("claims:report_thanks")
    report = ReaderReport.objects.get()
    assert (report.kind, report.claim, report.text, report.email) == (
        ReportKind.ERROR,
        claim,
        SECRET_TEXT,
        "reader@example.org",
    )


def test_a_reader_suggests_a_claim(client):
    response = client.post(
        reverse("claims:suggest_claim"), _form("Fares fell by half", url="example.org/speech")
    )
    assert response.status_code == 302
    report = ReaderReport.objects.get()
    assert (report.kind, report.claim, report.text, report.url) == (
        ReportKind.SUGGESTION,
        None,
        "Fares fell by half",
        "https://example.org/speech",
    )


def test_the_honeypot_drops_the_report_but_answers_as_if_it_worked(client, claim):
    response = client.post(_report_url(claim), _form(website="https://spam.example"))
    assert (response.status_code, response["Location"]) == (302, reverse("claims:report_thanks"))
    assert ReaderReport.objects.count() == 0


def test_a_form_sent_too_soon_is_held_back_with_the_text_kept(client, claim, settings):
    settings.READER_REPORTS_MIN_SECONDS = 3
    response = client.post(_report_url(claim), _form(age=0.5))
    assert response.status_code == 422
    assert error_summary(response) == [
        "That was sent very quickly, so our spam check held it back. Please read your "
        "text over and send it again."
    ]
    form = response.context["form"]
    assert form["text"].value() == SECRET_TEXT
    # A fresh token, so sending it again now works.
    assert form["started"].value() != response.wsgi_request.POST["started"]
    assert ReaderReport.objects.count() == 0


def test_a_forged_token_is_refused(client, claim):
    response = client.post(_report_url(claim), _form(started="12.0:forged"))
    assert response.status_code == 422
    assert ReaderReport.objects.count() == 0


def test_text_over_the_cap_is_a_field_error(client, claim):
    response = client.post(_report_url(claim), _form("x" * (REPORT_TEXT_MAX + 1)))
    assert response.status_code == 422
    assert error_summary(response) == [
        f"What is wrong?: Ensure this value has at most {REPORT_TEXT_MAX} characters "
        f"(it has {REPORT_TEXT_MAX + 1})."
    ]
    assert ReaderReport.objects.count() == 0


def test_an_oversized_body_is_refused_before_it_is_read(client, claim, settings):
    settings.READER_REPORTS_MAX_BODY_BYTES = 4096
    response = client.post(_report_url(claim), _form("y" * 4000, email="a" * 200 + "@x.org"))
    assert response.status_code == 413
    assert error_summary(response) == [
        "That is more than we can take in one report. Please shorten it."
    ]
    assert ReaderReport.objects.count() == 0


def test_reports_are_rate_limited_per_address(client, claim, settings):
    settings.READER_REPORTS_RATE = "2/hour"
    for _ in range(2):
        assert client.post(_report_url(claim), _form()).status_code == 302

    refused = client.post(_report_url(claim), _form())
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert refused.context["form"]["text"].value() == SECRET_TEXT
    other = client.post(reverse("claims:suggest_claim"), _form(), REMOTE_ADDR="203.0.113.5")
    assert other.status_code == 302
    assert ReaderReport.objects.count() == 3


def test_no_report_is_public(client, api_client, claim, editor):
    reports.submit_report(
        kind=ReportKind.ERROR,
        claim=claim,
        submission=reports.Submission(text=SECRET_TEXT, email="reader@example.org"),
        address="198.51.100.7",
    )
    anonymous = [
        "/",
        reverse("claims:claim", args=[claim.slug]),
        reverse("claims:article", args=[claim.article.slug]),
        reverse("claims:corrections"),
        reverse("claims:transparency"),
        reverse("claims:report_thanks"),
        _report_url(claim),
        reverse("claims:feed_rss"),
        reverse("sitemap"),
        f"/api/v1/claims/{claim.slug}/",
        "/api/v1/claims/",
    ]
    for url in anonymous:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert SECRET_TEXT not in body and "reader@example.org" not in body, url
    for url in (reverse("claims:review_reports"), reverse("claims:review_report", args=[1])):
        assert client.get(url).status_code == 302  # to the login page


# --- The desk's queue ---------------------------------------------------------------------


def _stored(claim, text=SECRET_TEXT) -> ReaderReport:
    return reports.submit_report(
        kind=ReportKind.ERROR,
        claim=claim,
        submission=reports.Submission(text=text),
        address="198.51.100.7",
    )


def _stored_suggestion(text="The mayor said bus fares fell by half.") -> ReaderReport:
    return reports.submit_report(
        kind=ReportKind.SUGGESTION,
        submission=reports.Submission(text=text),
        address="198.51.100.8",
    )


def test_the_queue_lists_reports_awaiting_moderation(client, reviewer, claim):
    first, second = _stored(claim, "First"), _stored_suggestion("Second")
    done = _stored(claim, "Done")
    reports.accept_error_report(done, by=reviewer)
    client.force_login(reviewer)

    response = client.get(reverse("claims:review_reports"))

    assert [r.pk for r in response.context["page"]] == [first.pk, second.pk]
    accepted = client.get(reverse("claims:review_reports"), {"status": "accepted"})
    assert [r.pk for r in accepted.context["page"]] == [done.pk]
    dashboard = client.get(reverse("claims:review_dashboard")).content.decode()
    assert "<strong>2 reader reports</strong> await moderation." in dashboard


def test_outsiders_cannot_see_the_queue(client, outsider, claim):
    report = _stored(claim)
    client.force_login(outsider)
    for url in (
        reverse("claims:review_reports"),
        reverse("claims:review_report", args=[report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert SECRET_TEXT not in response.content.decode()


def test_a_reviewer_accepts_an_error_report_into_the_corrections_process(client, reviewer, claim):
    report = _stored(claim)
    client.force_login(reviewer)

    response = client.post(
        reverse("claims:review_report_accept", args=[report.pk]),
        {"accept-comment": "Looks right: check the revision."},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("claims:review_claim", args=[claim.pk]) + "#notes"
    report.refresh_from_db()
    assert (report.status, report.handled_by) == (ReportStatus.ACCEPTED, reviewer)
    assert Note.objects.get(claim=claim) == report.note
    editor_page = client.get(reverse("claims:review_claim", args=[claim.pk])).content.decode()
    assert f'href="/review/reports/{report.pk}/"' in editor_page


def test_a_reviewer_accepts_a_suggestion_as_a_new_claim(client, reviewer):
    report = _stored_suggestion()
    client.force_login(reviewer)
    form = client.get(reverse("claims:review_report", args=[report.pk])).context["suggestion_form"]
    assert form.initial["body"] == report.text

    response = client.post(
        reverse("claims:review_report_accept", args=[report.pk]),
        {
            "suggestion-title": "Mayor's speech",
            "suggestion-body": report.text,
            "suggestion-quote": "bus fares fell by half",
            "suggestion-statement": "Bus fares fell by 50%.",
            "suggestion-claimant": "The mayor",
            "suggestion-claimant_kind": "person",
        },
    )

    claim = Claim.objects.get(statement="Bus fares fell by 50%.")
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:review_claim", args=[claim.pk])
    report.refresh_from_db()
    assert (report.status, report.new_claim) == (ReportStatus.ACCEPTED, claim)


def test_a_reviewer_cannot_dismiss_an_editor_can(client, reviewer, editor, claim):
    report = _stored(claim)
    url = reverse("claims:review_report_dismiss", args=[report.pk])
    client.force_login(reviewer)

    refused = client.post(url, {"dismiss-reason": "Not an error"})
    assert refused.status_code == 403
    assert shown_messages(refused) == [("error", "Only an editor can dismiss readers' reports.")]
    assert ReaderReport.objects.get(pk=report.pk).status == ReportStatus.NEW

    client.force_login(editor)
    response = client.post(url, {"dismiss-reason": "The reader misread the table."})
    assert (response.status_code, response["Location"]) == (302, reverse("claims:review_reports"))
    report.refresh_from_db()
    assert (report.status, report.handled_by, report.resolution) == (
        ReportStatus.DISMISSED,
        editor,
        "The reader misread the table.",
    )


def test_dismissing_needs_a_reason(client, editor, claim):
    report = _stored(claim)
    client.force_login(editor)
    response = client.post(reverse("claims:review_report_dismiss", args=[report.pk]), {})
    assert response.status_code == 422
    assert ReaderReport.objects.get(pk=report.pk).status == ReportStatus.NEW


def test_a_second_moderator_is_told_it_was_done(client, reviewer, editor, claim):
    report = _stored(claim)
    reports.accept_error_report(report, by=reviewer)
    client.force_login(editor)
    response = client.post(
        reverse("claims:review_report_dismiss", args=[report.pk]), {"dismiss-reason": "Dup"}
    )
    # The page shows the report as accepted now, without the moderation forms.
    assert response.status_code == 409
    assert shown_messages(response) == [
        ("error", "This report was already accepted by Rita. Nothing was changed.")
    ]
    assert ReaderReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED


def test_queue_query_count_does_not_grow(client, reviewer, claim, django_assert_num_queries):
    client.force_login(reviewer)
    url = reverse("claims:review_reports")
    _stored(claim)
    # session, user, groups, the page's count, the page, reports awaiting
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["page"]) == 1
    for i in range(30):
        _stored(claim, f"Report {i}")
        _stored_suggestion(f"Suggestion {i}")
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["page"]) == 25

"""A reader reports an error in a real browser; the report reaches the desk's queue, and
an editor accepts it into the corrections process."""

import uuid

import pytest

from claims import reports
from claims.coordination_models import ReaderReport
from claims.enums import ReportStatus
from tests.factories import PublishedClaimFactory, SourceFactory, user_with_role
from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_reports_an_error_and_an_editor_accepts_it(page, settings, monkeypatch):
    settings.READER_REPORTS_MIN_SECONDS = 1
    # This test's own rate-limit counts (the cache is shared with parallel test workers).
    monkeypatch.setattr(reports, "RATE_KEY", f"test-reader-reports:{uuid.uuid4().hex}")
    claim = PublishedClaimFactory()
    SourceFactory(claim=claim)
    user_with_role("eddie", "Editors")

    page.goto(f"/claims/{claim.slug}/")
    page.get_by_role("link", name="Report an error").click()
    page.wait_for_url(f"**/claims/{claim.slug}/report/")
    # The honeypot is out of sight and out of the tab order; people never fill it.
    assert page.locator("#id_website").is_visible() is True  # in the DOM and rendered...
    box = page.locator("#id_website").bounding_box()
    assert box["x"] < 0  # ...but off-screen
    page.get_by_label("What is wrong?").fill("The 2022 figure was revised to 4.5%.")
    page.get_by_label("A link to your evidence").fill("https://stats.example.org/revision")
    page.wait_for_timeout(1200)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url("**/reports/thanks/")
    assert page.locator("h1").inner_text() == "Thank you"

    report = ReaderReport.objects.get()
    log_in(page, "eddie")
    page.goto("/review/reports/")
    page.get_by_role("link", name=f"#{report.pk} · Error in a fact-check").click()
    page.get_by_label("Note for the desk").fill("Check the March revision.")
    page.get_by_role("button", name="Accept the report").click()
    page.wait_for_url(f"**/review/claims/{claim.pk}/#notes")
    assert "The 2022 figure was revised to 4.5%." in page.locator("#notes").inner_text()
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED

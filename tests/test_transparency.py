"""Transparency: the figures on known data (pure helpers and the event queries), the
public page, and the pages administrators write in the admin."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import transparency
from claims.coordination_models import ReaderReport, TransparencyPage
from claims.enums import Action, PageKind, ReportKind, ReportStatus
from claims.models import ClaimEvent
from tests.factories import PublishedClaimFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 20)  # a Wednesday


def at(y, m, d, h=12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(y, m, d, h))


# --- Pure helpers -----------------------------------------------------------------------


def test_month_and_week_buckets():
    assert transparency.last_months(datetime.date(2026, 2, 10), 3) == [
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
    assert transparency.last_weeks(TODAY, 3) == [
        datetime.date(2026, 5, 4),
        datetime.date(2026, 5, 11),
        datetime.date(2026, 5, 18),
    ]
    days = [datetime.date(2026, 5, 18), datetime.date(2026, 5, 24), datetime.date(2026, 5, 25)]
    assert transparency.count_per(
        days, transparency.last_weeks(TODAY, 2), transparency.week_start
    ) == [0, 2]


def test_median_days():
    spans = [
        (at(2026, 1, 1), at(2026, 1, 2)),  # 1 day
        (at(2026, 1, 1), at(2026, 1, 4)),  # 3 days
        (at(2026, 1, 1), at(2026, 1, 11)),  # 10 days
        (at(2026, 1, 1, 12), at(2026, 1, 5, 0)),  # 3.5 days
    ]
    assert transparency.median_days(spans) == 3.2  # (3 + 3.5) / 2, to one decimal
    assert transparency.median_days([]) is None


# --- Figures from the audit trail on known data -------------------------------------------


def _event(claim, action, moment, actor=None):
    return ClaimEvent.objects.create(
        claim=claim, actor=actor, action=action, version=1, created_at=moment
    )


def _report(created, *, status=ReportStatus.NEW, handled=None, claim=None):
    return ReaderReport.objects.create(
        kind=ReportKind.ERROR if claim else ReportKind.SUGGESTION,
        claim=claim,
        text="x",
        created_at=created,
        status=status,
        handled_at=handled,
    )


def test_figures_on_known_data():
    a, b, c = PublishedClaimFactory(), PublishedClaimFactory(), PublishedClaimFactory()
    # a: created 1 May, published 3 May (2 days); corrected 10 May, withdrawn 19 May.
    _event(a, Action.CREATE, at(2026, 5, 1))
    _event(a, Action.APPROVE, at(2026, 5, 3))
    _event(a, Action.CORRECT, at(2026, 5, 10))
    _event(a, Action.WITHDRAW, at(2026, 5, 19))
    # b: created 1 April, published 11 April (10 days); published again after a
    # rejection cannot happen, so its first approval is what counts.
    _event(b, Action.CREATE, at(2026, 4, 1))
    _event(b, Action.APPROVE, at(2026, 4, 11))
    # c: created 1 March 2025, published 5 May 2025 (65 days): more than 12 months ago.
    _event(c, Action.CREATE, at(2025, 3, 1))
    _event(c, Action.APPROVE, at(2025, 5, 5))
    _event(c, Action.CORRECT, at(2025, 5, 6))  # outside the 12 months shown
    # Reports: two in April (one accepted in May), one in May dismissed in May.
    _report(at(2026, 4, 2), status=ReportStatus.ACCEPTED, handled=at(2026, 5, 2), claim=a)
    _report(at(2026, 4, 28))
    _report(at(2026, 5, 7), status=ReportStatus.DISMISSED, handled=at(2026, 5, 8))
    _report(at(2025, 1, 1))  # too old for the table

    figures = transparency.figures(today=TODAY)

    assert figures.median_days_recent == 6.0  # median of 2 and 10
    assert figures.published_recent == 2
    assert figures.median_days_all == 10.0  # median of 2, 10 and 65
    assert figures.published_all == 3
    assert [(row.month, row.received, row.accepted, row.dismissed) for row in figures.reports][
        -2:
    ] == [
        (datetime.date(2026, 4, 1), 2, 0, 0),
        (datetime.date(2026, 5, 1), 1, 1, 1),
    ]
    assert len(figures.reports) == 12 and figures.reports[0].month == datetime.date(2025, 6, 1)
    assert (figures.reports_received, figures.reports_accepted) == (3, 1)
    assert [(row.month, row.corrections, row.withdrawals) for row in figures.corrections][-2:] == [
        (datetime.date(2026, 4, 1), 0, 0),
        (datetime.date(2026, 5, 1), 1, 1),
    ]
    assert sum(row.corrections for row in figures.corrections) == 1
    assert figures.factchecks[-3:] == [
        (datetime.date(2026, 5, 4), 0),
        (datetime.date(2026, 5, 11), 0),
        (datetime.date(2026, 5, 18), 0),
    ]
    weeks = dict(figures.factchecks)
    assert weeks[datetime.date(2026, 4, 27)] == 1  # a: Sunday 3 May is in the week of 27 April
    assert weeks[datetime.date(2026, 4, 6)] == 1  # b: Saturday 11 April
    assert figures.factchecks_total == 2


def test_transparency_page_shows_the_figures(client):
    claim = PublishedClaimFactory()
    now = timezone.now()
    _event(claim, Action.CREATE, now - datetime.timedelta(days=4))
    _event(claim, Action.APPROVE, now)
    html = client.get(reverse("claims:transparency")).content.decode()
    assert re.search(
        r"<dt>Median days from a claim's creation to its publication, last 12 months</dt>\s*"
        r"<dd>4.0 days \(1 fact-check\)</dd>",
        html,
    )
    table = re.search(
        r'<table class="figures-table" id="factchecks-per-week">.*?</table>', html, re.S
    )
    assert re.findall(r"<td>(\d+)</td>", table.group(0))[-1] == "1"


def test_transparency_page_query_count_is_fixed(client, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            claim = PublishedClaimFactory()
            _event(claim, Action.CREATE, timezone.now() - datetime.timedelta(days=2))
            _event(claim, Action.APPROVE, timezone.now())
            _report(timezone.now(), claim=claim)

    grow(1)
    # reports received, reports handled, approvals, corrections; creations, approvals
    with django_assert_num_queries(6):
        client.get(reverse("claims:transparency"))
    grow(20)
    with django_assert_num_queries(6):
        client.get(reverse("claims:transparency"))


# --- The administrator's pages ----------------------------------------------------------


def test_an_administrator_writes_a_page_in_the_admin(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:claims_transparencypage_add"),
        {"kind": PageKind.FUNDING, "body": "We are funded by **readers**.<script>x()</script>"},
    )
    assert response.status_code == 302
    page = TransparencyPage.objects.get()
    assert page.updated_by == superuser

    client.logout()
    html = client.get(reverse("claims:about", args=["funding"])).content.decode()
    body = re.search(r'<div class="prose">(.*?)</div>', html, re.S).group(1)
    assert (
        body.strip()
        == "<p>We are funded by <strong>readers</strong>.&lt;script&gt;x()&lt;/script&gt;</p>"
    )


def test_a_page_not_written_yet_says_so(client):
    html = client.get(reverse("claims:about", args=["team"])).content.decode()
    assert "<p>Example Fact Desk has not published this page yet.</p>" in html
    assert client.get("/about/no-such-page/").status_code == 404

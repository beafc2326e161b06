"""The link-health chart: rows by outcome, markers by shape, time left to right."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from claims.enums import CheckOutcome
from claims.healthchart import LEFT, RIGHT, WIDTH, describe, render_svg, row_of

START = datetime(2026, 3, 1, 12, tzinfo=UTC)


@dataclass
class Check:
    checked_at: datetime
    outcome: str
    http_status: int | None = None


def markers(svg: str) -> list[tuple[str, str]]:
    return re.findall(r'<(circle|polygon|rect|path) class="hc-mark hc-(\w+)', svg)


def test_each_outcome_has_its_row_and_shape():
    checks = [
        Check(START, CheckOutcome.OK, 200),
        Check(START + timedelta(days=1), CheckOutcome.REDIRECTED, 301),
        Check(START + timedelta(days=2), CheckOutcome.BLOCKED, 403),
        Check(START + timedelta(days=3), CheckOutcome.TIMEOUT),
    ]
    svg = render_svg(list(reversed(checks)), title="Checks", id_prefix="s1")
    assert markers(svg) == [
        ("circle", "ok"),
        ("polygon", "moved"),
        ("rect", "blocked"),
        ("path", "failed"),
    ]
    assert re.findall(r'<text class="hc-label"[^>]*>(\w+)</text>', svg) == [
        "OK",
        "Moved",
        "Blocked",
        "Failed",
    ]
    assert re.findall(r'<text class="hc-date"[^>]*>([^<]+)</text>', svg) == [
        "1 Mar 2026",
        "4 Mar 2026",
    ]


def test_time_runs_left_to_right_in_proportion():
    checks = [
        Check(START, CheckOutcome.OK),
        Check(START + timedelta(days=1), CheckOutcome.OK),
        Check(START + timedelta(days=4), CheckOutcome.OK),
    ]
    svg = render_svg(checks, title="t", id_prefix="p")
    xs = [float(x) for x in re.findall(r'<circle class="hc-mark hc-ok" cx="([\d.]+)"', svg)]
    assert xs[0] < xs[1] < xs[2]
    assert (xs[1] - xs[0]) * 4 == (xs[2] - xs[0])
    assert xs[0] >= LEFT and xs[2] <= WIDTH - RIGHT


def test_the_description_sums_the_chart_up():
    checks = [
        Check(START, CheckOutcome.OK, 200),
        Check(START + timedelta(days=2), CheckOutcome.OK, 200),
        Check(START + timedelta(days=5), CheckOutcome.GONE, 404),
    ]
    assert describe(checks) == (
        "3 checks from 1 Mar 2026 to 6 Mar 2026: 2 OK, 1 Gone (404/410). "
        "Latest: Gone (404/410) (HTTP 404)."
    )
    assert describe([checks[0]]) == "1 check on 1 Mar 2026: 1 OK. Latest: OK (HTTP 200)."
    assert describe([]) == "No checks yet."


def test_titles_are_escaped_and_every_marker_has_a_text():
    svg = render_svg([Check(START, CheckOutcome.OK, 200)], title='<b>"x"</b>', id_prefix="q")
    assert svg.startswith(
        '<svg class="health-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 118" '
        'role="img" data-chart="q"><title>&lt;b&gt;&quot;x&quot;&lt;/b&gt;</title><desc>'
    )
    assert "<title>1 Mar 2026: OK (HTTP 200)</title>" in svg
    assert "<b>" not in svg


def test_checks_on_one_day_get_one_date_label():
    checks = [Check(START, CheckOutcome.OK), Check(START + timedelta(hours=3), CheckOutcome.OK)]
    svg = render_svg(checks, title="t", id_prefix="d")
    assert re.findall(r'<text class="hc-date"[^>]*>([^<]+)</text>', svg) == ["1 Mar 2026"]


def test_unknown_outcomes_count_as_failed():
    assert row_of("something_new").key == "failed"

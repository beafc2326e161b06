"""A source's recent link checks as a small SVG chart, drawn on the server.

Time runs left to right (oldest first, spaced by when the checks happened); each outcome
has its own row and its own marker — a dot for OK, a diamond for moved, a square for
blocked, a cross for failed — so the chart reads without colour. The chart is an image
with a title and a description that sum it up; the template lists the same checks as a
table for anyone who wants the data as text.

Pure: it takes the check rows (anything with ``checked_at``, ``outcome``,
``http_status``) and returns markup, escaped here and marked safe once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .enums import CheckOutcome

WIDTH, HEIGHT = 480, 118
LEFT, RIGHT = 78, 14  # room for the row labels; a margin on the right
TOP, ROW = 10, 22
AXIS_Y = TOP + 4 * ROW + 4


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    marker: str  # dot, diamond, square, cross
    outcomes: frozenset[str]


ROWS = (
    Row("ok", "OK", "dot", frozenset({CheckOutcome.OK})),
    Row("moved", "Moved", "diamond", frozenset({CheckOutcome.REDIRECTED, CheckOutcome.TOO_LARGE})),
    Row("blocked", "Blocked", "square", frozenset({CheckOutcome.BLOCKED})),
    Row(
        "failed",
        "Failed",
        "cross",
        frozenset(
            {
                CheckOutcome.GONE,
                CheckOutcome.SERVER_ERROR,
                CheckOutcome.TIMEOUT,
                CheckOutcome.DNS_ERROR,
                CheckOutcome.CONNECTION_ERROR,
                CheckOutcome.TLS_ERROR,
                CheckOutcome.REFUSED,
            }
        ),
    ),
)


def row_of(outcome: str) -> Row:
    for row in ROWS:
        if outcome in row.outcomes:
            return row
    return ROWS[-1]


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "j M Y")


def describe(checks: Sequence) -> str:
    """The chart in one or two sentences (its SVG ``<desc>``)."""
    if not checks:
        return "No checks yet."
    ordered = sorted(checks, key=lambda c: c.checked_at)
    counts = Counter(CheckOutcome(c.outcome).label for c in ordered)
    tally = ", ".join(f"{n} {label}" for label, n in counts.most_common())
    first, last = ordered[0], ordered[-1]
    span = _day(first.checked_at)
    if _day(last.checked_at) != span:
        span = f"from {span} to {_day(last.checked_at)}"
    else:
        span = f"on {span}"
    latest = CheckOutcome(last.outcome).label
    if last.http_status:
        latest += f" (HTTP {last.http_status})"
    plural = "check" if len(ordered) == 1 else "checks"
    return f"{len(ordered)} {plural} {span}: {tally}. Latest: {latest}."


def _marker(kind: str, x: float, y: float, css: str, label: str) -> str:
    title = f"<title>{escape(label)}</title>"
    if kind == "dot":
        return f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="5">{title}</circle>'
    if kind == "diamond":
        points = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"
        return f'<polygon class="{css}" points="{points}">{title}</polygon>'
    if kind == "square":
        return (
            f'<rect class="{css}" x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9">'
            f"{title}</rect>"
        )
    a, b, c, e = x - 4.5, x + 4.5, y - 4.5, y + 4.5
    d = f"M{a:.1f} {c:.1f}L{b:.1f} {e:.1f}M{a:.1f} {e:.1f}L{b:.1f} {c:.1f}"
    return f'<path class="{css} hc-cross" d="{d}">{title}</path>'


def render_svg(checks: Sequence, *, title: str, id_prefix: str) -> SafeString:
    """The chart of ``checks`` (any order) as inline SVG markup."""
    ordered = sorted(checks, key=lambda c: c.checked_at)
    # The accessible name and description are the first <title> and the <desc> (SVG-AAM);
    # no ids, so htmx's swap of the fragment has nothing to "settle" from the old chart.
    parts = [
        f'<svg class="health-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" role="img" data-chart="{escape(id_prefix)}">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(describe(ordered))}</desc>",
    ]
    for index, row in enumerate(ROWS):
        y = TOP + index * ROW + ROW / 2
        parts.append(
            f'<line class="hc-lane" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="hc-label" x="{LEFT - 10}" y="{y + 4:.1f}" text-anchor="end">'
            f"{row.label}</text>"
        )
    parts.append(
        f'<line class="hc-axis" x1="{LEFT}" y1="{AXIS_Y}" x2="{WIDTH - RIGHT}" y2="{AXIS_Y}"/>'
    )
    if ordered:
        start, end = ordered[0].checked_at, ordered[-1].checked_at
        span = (end - start).total_seconds()
        plot = WIDTH - LEFT - RIGHT - 16

        def x_of(moment) -> float:
            if span <= 0:
                return LEFT + 8 + plot / 2
            return LEFT + 8 + plot * (moment - start).total_seconds() / span

        points = []
        for check in ordered:
            row = row_of(check.outcome)
            points.append(
                (x_of(check.checked_at), TOP + ROWS.index(row) * ROW + ROW / 2, row, check)
            )
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            parts.append(f'<polyline class="hc-path" points="{path}"/>')
        for x, y, row, check in points:
            label = f"{_day(check.checked_at)}: {CheckOutcome(check.outcome).label}"
            if check.http_status:
                label += f" (HTTP {check.http_status})"
            parts.append(_marker(row.marker, x, y, f"hc-mark hc-{row.key}", label))
        parts.append(
            f'<text class="hc-date" x="{LEFT}" y="{HEIGHT - 2}">{escape(_day(start))}</text>'
        )
        if _day(end) != _day(start):
            parts.append(
                f'<text class="hc-date" x="{WIDTH - RIGHT}" y="{HEIGHT - 2}" '
                f'text-anchor="end">{escape(_day(end))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above

"""The figures of the public transparency page, computed from the audit trail.

IFCN asks signatories to publish how they work; these are the numbers a reader can check
against the corrections log and the fact-checks themselves:

- readers' reports received, accepted and dismissed, per month;
- fact-checks published per week (``approve`` events: a fact-check withdrawn later still
  counts in the week it was published);
- corrections and withdrawals per month (``correct``/``withdraw`` events);
- the median number of days from a claim's creation (its ``create`` event) to its
  publication (its first ``approve`` event).

The bucketing and the median are pure functions of dates; the queryset parts fetch only
timestamps (one query each), so the page costs a fixed number of queries.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone

from .coordination_models import ReaderReport
from .enums import Action, ReportStatus
from .models import ClaimEvent

MONTHS = 12
WEEKS = 12

# --- Pure helpers ---------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s ISO week."""
    return day - datetime.timedelta(days=day.weekday())


def last_months(today: datetime.date, n: int = MONTHS) -> list[datetime.date]:
    """The first days of the ``n`` months up to ``today``'s, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(n):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def last_weeks(today: datetime.date, n: int = WEEKS) -> list[datetime.date]:
    """The Mondays of the ``n`` weeks up to ``today``'s, oldest first."""
    this_week = week_start(today)
    return [this_week - datetime.timedelta(weeks=k) for k in range(n - 1, -1, -1)]


def count_per(days: Iterable[datetime.date], buckets: list[datetime.date], key) -> list[int]:
    """How many of ``days`` fall in each bucket (``key`` maps a day to its bucket)."""
    counts = Counter(key(day) for day in days)
    return [counts.get(bucket, 0) for bucket in buckets]


def median_days(spans: Iterable[tuple[datetime.datetime, datetime.datetime]]) -> float | None:
    """The median of ``end - start`` in days (to one decimal), or None without spans."""
    days = [(end - start).total_seconds() / 86400 for start, end in spans if end >= start]
    if not days:
        return None
    return round(statistics.median(days), 1)


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- Figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthReports:
    month: datetime.date
    received: int
    accepted: int
    dismissed: int


@dataclass(frozen=True)
class MonthCorrections:
    month: datetime.date
    corrections: int
    withdrawals: int


@dataclass(frozen=True)
class Figures:
    reports: list[MonthReports]
    factchecks: list[tuple[datetime.date, int]]
    corrections: list[MonthCorrections]
    median_days_recent: float | None
    published_recent: int
    median_days_all: float | None
    published_all: int

    @property
    def reports_received(self) -> int:
        return sum(row.received for row in self.reports)

    @property
    def reports_accepted(self) -> int:
        return sum(row.accepted for row in self.reports)

    @property
    def factchecks_total(self) -> int:
        return sum(count for _, count in self.factchecks)


def report_figures(today: datetime.date, n: int = MONTHS) -> list[MonthReports]:
    months = last_months(today, n)
    since = _midnight(months[0])
    received = ReaderReport.objects.filter(created_at__gte=since).values_list(
        "created_at", flat=True
    )
    handled = ReaderReport.objects.filter(handled_at__gte=since).values_list("handled_at", "status")
    handled = list(handled)
    got = count_per((local_day(t) for t in received), months, month_start)
    accepted = count_per(
        (local_day(t) for t, s in handled if s == ReportStatus.ACCEPTED), months, month_start
    )
    dismissed = count_per(
        (local_day(t) for t, s in handled if s == ReportStatus.DISMISSED), months, month_start
    )
    return [MonthReports(*row) for row in zip(months, got, accepted, dismissed, strict=True)]


def factchecks_per_week(today: datetime.date, n: int = WEEKS) -> list[tuple[datetime.date, int]]:
    weeks = last_weeks(today, n)
    moments = ClaimEvent.objects.filter(
        action=Action.APPROVE, created_at__gte=_midnight(weeks[0])
    ).values_list("created_at", flat=True)
    return list(
        zip(weeks, count_per((local_day(t) for t in moments), weeks, week_start), strict=True)
    )


def corrections_per_month(today: datetime.date, n: int = MONTHS) -> list[MonthCorrections]:
    months = last_months(today, n)
    rows = list(
        ClaimEvent.objects.filter(
            action__in=(Action.CORRECT, Action.WITHDRAW), created_at__gte=_midnight(months[0])
        ).values_list("created_at", "action")
    )
    corrections = count_per(
        (local_day(t) for t, a in rows if a == Action.CORRECT), months, month_start
    )
    withdrawals = count_per(
        (local_day(t) for t, a in rows if a == Action.WITHDRAW), months, month_start
    )
    return [MonthCorrections(*row) for row in zip(months, corrections, withdrawals, strict=True)]


def publication_spans() -> list[tuple[datetime.datetime, datetime.datetime]]:
    """(created, first published) of every claim published at least once, from events."""
    first = ClaimEvent.objects.values("claim_id").annotate(at=Min("created_at"))
    created = dict(first.filter(action=Action.CREATE).values_list("claim_id", "at"))
    published = first.filter(action=Action.APPROVE).values_list("claim_id", "at")
    return [(created[claim], at) for claim, at in published if claim in created]


def figures(today: datetime.date | None = None) -> Figures:
    today = today or timezone.localdate()
    spans = publication_spans()
    recent_since = _midnight(last_months(today, MONTHS)[0])
    recent = [(start, end) for start, end in spans if end >= recent_since]
    return Figures(
        reports=report_figures(today),
        factchecks=factchecks_per_week(today),
        corrections=corrections_per_month(today),
        median_days_recent=median_days(recent),
        published_recent=len(recent),
        median_days_all=median_days(spans),
        published_all=len(spans),
    )

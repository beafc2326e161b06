"""From one check's outcome to a source's health, and when to check it next.

Pure rules, no I/O, so every case is a unit test:

- a failure (gone, server error, timeout, DNS, connection, TLS, refused) makes a source
  ``failing``; it becomes ``dead`` only after ``dead_after`` consecutive failures, each at
  least ``failure_spacing`` after the previous counted one — a site down for an afternoon
  is not dead;
- one success resets the count;
- ``blocked`` (401/403/429, bot walls) says nothing about the page: it neither counts
  towards dead nor resets the count, and the health stays as it was;
- on success the page is compared with what the verdict was based on: the quoted passage
  missing beats the text having changed materially, which beats a permanent move.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .enums import REREVIEW_HEALTH, CheckOutcome, SourceHealth

FAILURES = frozenset(
    {
        CheckOutcome.GONE,
        CheckOutcome.SERVER_ERROR,
        CheckOutcome.TIMEOUT,
        CheckOutcome.DNS_ERROR,
        CheckOutcome.CONNECTION_ERROR,
        CheckOutcome.TLS_ERROR,
        CheckOutcome.REFUSED,
    }
)
# Worth retrying within the same check, with backoff: the next minute may differ.
TRANSIENT = frozenset(
    {
        CheckOutcome.SERVER_ERROR,
        CheckOutcome.TIMEOUT,
        CheckOutcome.CONNECTION_ERROR,
        CheckOutcome.DNS_ERROR,
    }
)


@dataclass(frozen=True)
class HealthPolicy:
    dead_after: int = 3
    failure_spacing: timedelta = timedelta(hours=24)
    # Share of the baseline's word shingles that must still be on the page.
    change_threshold: float = 0.8
    recheck: dict = field(
        default_factory=lambda: {
            SourceHealth.UNKNOWN: timedelta(days=1),
            SourceHealth.OK: timedelta(days=7),
            SourceHealth.MOVED: timedelta(days=1),
            SourceHealth.CHANGED: timedelta(days=1),
            SourceHealth.PASSAGE_MISSING: timedelta(days=1),
            SourceHealth.FAILING: timedelta(days=1),
            SourceHealth.DEAD: timedelta(days=7),
        }
    )
    max_retry_after: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class SourceState:
    health: str = SourceHealth.UNKNOWN
    consecutive_failures: int = 0
    last_failure_counted_at: datetime | None = None
    baseline_text: str = ""


@dataclass(frozen=True)
class Observation:
    """What the health rules need from one check."""

    outcome: str
    permanent_redirect: bool = False
    cross_site: bool = False
    to_root: bool = False
    passage_found: bool | None = None
    text: str = ""
    retry_after_s: float | None = None


@dataclass(frozen=True)
class HealthUpdate:
    health: str
    consecutive_failures: int
    last_failure_counted_at: datetime | None
    next_check_at: datetime
    counted_failure: bool = False
    text_similarity: float | None = None


_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def text_similarity(baseline: str, current: str) -> float:
    """How much of the baseline's text is still there (1.0 = all of it), in linear time."""
    before = shingles(baseline)
    if not before:
        return 1.0
    return len(before & shingles(current)) / len(before)


def assess(
    state: SourceState, seen: Observation, *, now: datetime, policy: HealthPolicy | None = None
) -> HealthUpdate:
    policy = policy or HealthPolicy()
    failures = state.consecutive_failures
    counted_at = state.last_failure_counted_at
    similarity = None

    if seen.outcome == CheckOutcome.BLOCKED:
        health = state.health
        counted = False
    elif seen.outcome in FAILURES:
        counted = counted_at is None or now - counted_at >= policy.failure_spacing
        if counted:
            failures += 1
            counted_at = now
        health = SourceHealth.DEAD if failures >= policy.dead_after else SourceHealth.FAILING
    else:  # ok, redirected, too_large: the page is there
        failures, counted_at, counted = 0, None, False
        if seen.passage_found is False:
            health = SourceHealth.PASSAGE_MISSING
        else:
            if state.baseline_text and seen.text:
                similarity = text_similarity(state.baseline_text, seen.text)
            if similarity is not None and similarity < policy.change_threshold:
                health = SourceHealth.CHANGED
            elif seen.outcome == CheckOutcome.REDIRECTED and (
                seen.permanent_redirect or seen.cross_site or seen.to_root
            ):
                health = SourceHealth.MOVED
            else:
                health = SourceHealth.OK

    wait = policy.recheck[SourceHealth(health)]
    if seen.retry_after_s:
        wait = max(wait, min(timedelta(seconds=seen.retry_after_s), policy.max_retry_after))
    return HealthUpdate(
        health=health,
        consecutive_failures=failures,
        last_failure_counted_at=counted_at,
        next_check_at=now + wait,
        counted_failure=counted,
        text_similarity=similarity,
    )


# --- What readers and the desk are told ----------------------------------------------------


ARCHIVED = " — archived copy"


@dataclass(frozen=True)
class LinkStatus:
    """One source's link health in words, for readers and for the desk.

    The public claim page, the API's public sources and the reviewers' dashboard all take
    their words from :func:`link_status`, so readers and the desk are never told different
    things. ``reader`` is ``None`` when readers are told nothing: not checked yet, a check
    the safety guard refused (nothing was fetched, so nothing is known), or failures that
    have not yet made the page dead (a site down for an afternoon is not news).
    """

    state: str
    reader: str | None
    desk: str
    needs_attention: bool = False
    failing: bool = False

    @property
    def reader_lead(self) -> str | None:
        """The reader's words without the archived-copy tail (pages link the copy there)."""
        return self.reader.removesuffix(ARCHIVED) if self.reader else None


def link_status(
    *,
    health: str,
    checked: bool,
    last_outcome: str = "",
    last_detail: str = "",
    consecutive_failures: int = 0,
    dead_after: int = 3,
    passage: str = "",
    passage_found: bool | None = None,
    archived_url: str = "",
    archive_verified: bool | None = None,
) -> LinkStatus:
    """The reader-facing and desk-facing state of one source (pure)."""
    archived = ARCHIVED if archived_url else ""
    if archived_url and archive_verified is True:
        archive_desk = " An archived copy is recorded and verified."
    elif archived_url and archive_verified is False:
        archive_desk = " The archived copy could not be verified: it does not count."
    elif archived_url:
        archive_desk = " An archived copy is recorded, not verified yet."
    else:
        archive_desk = ""
    if not checked or health == SourceHealth.UNKNOWN:
        return LinkStatus("unchecked", None, "Not checked yet.")
    if last_outcome == CheckOutcome.REFUSED:
        detail = f" ({last_detail})" if last_detail else ""
        desk = (
            f"The link checker's safety guard refused this address{detail}: nothing was "
            "fetched. Check the link by hand."
        )
        return LinkStatus(
            "refused", None, desk + archive_desk, needs_attention=health in REREVIEW_HEALTH
        )
    if health == SourceHealth.OK:
        reader = "The page is still online"
        if passage and passage_found is True:
            reader += " and still contains the quoted passage"
        return LinkStatus("ok", reader, "OK: " + reader.lower() + ".")
    if health == SourceHealth.MOVED:
        return LinkStatus(
            "moved", "The page has moved", "Moved: the link redirects elsewhere." + archive_desk
        )
    if health == SourceHealth.FAILING:
        count = f"{consecutive_failures} of {dead_after} failed checks"
        outcome = f" (last: {CheckOutcome(last_outcome).label.lower()})" if last_outcome else ""
        return LinkStatus(
            "failing",
            None,
            f"Failing, not yet dead: {count}{outcome}. Readers are told nothing yet.",
            failing=True,
        )
    if health == SourceHealth.DEAD:
        return LinkStatus(
            "dead_archived" if archived_url else "dead",
            "The page no longer exists" + archived,
            f"Dead after {consecutive_failures} failed checks." + archive_desk,
            needs_attention=True,
        )
    if health == SourceHealth.CHANGED:
        return LinkStatus(
            "changed",
            "The page has changed since we checked it" + archived,
            "Changed since publication: much of the text the verdict was based on is gone."
            + archive_desk,
            needs_attention=True,
        )
    if health == SourceHealth.PASSAGE_MISSING:
        return LinkStatus(
            "passage_missing",
            "The quoted passage is no longer on the page" + archived,
            "The quoted passage is no longer on the page." + archive_desk,
            needs_attention=True,
        )
    return LinkStatus("unchecked", None, "Not checked yet.")


def archive_verdict(
    *, outcome: str, status: int | None, passage: str, passage_found: bool | None, text: str
) -> tuple[bool, str]:
    """Does a fetched archived copy count as evidence? ``(verified, why)``.

    It counts only if the guarded fetcher got the page — directly or through redirects, as
    archives often answer — and it contains the quoted passage; with no passage to look
    for, it must have answered 200 with some text. A page the guard refused, one that
    failed, or one without the passage does not count, whatever its address says.
    """
    if outcome not in (CheckOutcome.OK, CheckOutcome.REDIRECTED):
        label = CheckOutcome(outcome).label if outcome in CheckOutcome.values else outcome
        return False, f"The archived copy could not be fetched: {label.lower()}."
    if status != 200:
        return False, f"The archived copy answered HTTP {status}, not 200."
    if passage:
        if passage_found is True:
            return True, "The archived copy contains the quoted passage."
        return False, "The archived copy does not contain the quoted passage."
    if not text.strip():
        return False, "The archived copy has no readable text."
    return True, "The archived copy answered 200 with text (the source quotes no passage)."

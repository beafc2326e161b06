"""Checking cited sources: hand-out, fetch, record. The database is the queue of record.

Celery only carries triggers. A check goes through three steps:

1. **Hand-out** — :func:`claim_due` (the periodic sweep) or :func:`request_check` (a new
   source, a changed URL, "Check now") writes a fresh ``check_token`` and a lease on the
   source's row with a conditional update, so two sweepers never hand out the same row.
   The ticket (id, token) is enqueued *after commit*. If the broker is down, the lease is
   dropped at once and the next sweep hands the source out again: a lost message delays a
   check, it never loses it.
2. **Fetch** — :func:`run_checks` checks many sources concurrently on one event loop
   (``claims.linkcheck``), under global, per-process and cross-worker per-host limits
   (``claims.hostlimits``), retrying transient failures with exponential backoff and jitter.
   No database transaction is open while the network is awaited.
3. **Record** — :func:`record_result` writes one append-only ``LinkCheck`` and the
   source's new health (``claims.linkhealth``) only if the row still carries the ticket's
   token: a redelivered task finds it spent and changes nothing, so failures are never
   counted twice.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import random
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import hostlimits, linkcheck, linkhealth, public_cache, textmatch
from .enums import REREVIEW_HEALTH, Action, CheckOutcome, ClaimStatus, SourceHealth
from .models import ClaimEvent, LinkCheck, Source

logger = logging.getLogger(__name__)

# After this many hand-outs without a recorded result (a poison message, a worker that
# always dies on this URL), the source is parked for a day instead of retried in a loop.
MAX_ATTEMPTS = 5
# Results recorded per transaction, at most.
RECORD_CHUNK = 100


@dataclass(frozen=True)
class Ticket:
    source_id: int
    token: str

    def as_list(self) -> list:
        return [self.source_id, self.token]

    @classmethod
    def from_list(cls, item) -> Ticket:
        return cls(int(item[0]), str(item[1]))


def health_policy() -> linkhealth.HealthPolicy:
    return linkhealth.HealthPolicy(
        dead_after=settings.LINKCHECK_DEAD_AFTER,
        failure_spacing=timedelta(hours=settings.LINKCHECK_FAILURE_SPACING_HOURS),
    )


# --- 1. Hand-out ------------------------------------------------------------------------


def _lease() -> timedelta:
    return timedelta(minutes=settings.LINKCHECK_LEASE_MINUTES)


def _not_leased(now: datetime) -> Q:
    return Q(check_token__isnull=True) | Q(check_leased_until__lt=now)


def _hand_out(source_id: int, now: datetime, extra: Q | None = None) -> Ticket | None:
    token = uuid.uuid4()
    condition = Q(pk=source_id) & _not_leased(now) & (extra or Q())
    rows = Source.objects.filter(condition).update(
        check_token=token,
        check_leased_until=now + _lease(),
        check_attempts=F("check_attempts") + 1,
    )
    return Ticket(source_id, str(token)) if rows else None


def claim_due(*, now: datetime | None = None, limit: int | None = None) -> list[Ticket]:
    """Hand out up to ``limit`` sources whose check is due; park poison ones."""
    now = now or timezone.now()
    limit = limit or settings.LINKCHECK_SWEEP_LIMIT
    due = Source.objects.filter(Q(next_check_at__lte=now) & _not_leased(now))
    parked = due.filter(check_attempts__gte=MAX_ATTEMPTS).update(
        next_check_at=now + timedelta(days=1), check_attempts=0, check_token=None
    )
    if parked:
        logger.warning("parked %d sources whose checks never completed", parked)
    ids = list(due.order_by("next_check_at", "pk").values_list("pk", flat=True)[:limit])
    tickets = []
    for source_id in ids:
        # Conditional: another sweeper may have handed it out since the SELECT.
        ticket = _hand_out(source_id, now, Q(next_check_at__lte=now))
        if ticket:
            tickets.append(ticket)
    return tickets


def request_check(source: Source, *, now: datetime | None = None) -> Ticket | None:
    """Hand out one source now (new source, URL changed, "Check now") and enqueue it after
    commit. ``None`` if a check of it is already under way."""
    now = now or timezone.now()
    Source.objects.filter(pk=source.pk).update(next_check_at=now)
    ticket = _hand_out(source.pk, now)
    if ticket:
        enqueue([ticket])
    return ticket


def enqueue(tickets: list[Ticket]) -> None:
    """Send tickets to the workers once the surrounding transaction has committed."""
    if not tickets:
        return
    size = settings.LINKCHECK_BATCH_SIZE
    for start in range(0, len(tickets), size):
        batch = tickets[start : start + size]
        transaction.on_commit(lambda batch=batch: _send(batch))


def _send(batch: list[Ticket]) -> None:
    from .tasks import task_check_sources  # tasks import this module

    try:
        task_check_sources.delay(tickets=[t.as_list() for t in batch])
    except Exception:  # broker down: the row is the record, the sweep will retry
        logger.exception("could not enqueue %d checks; the sweep will hand them out", len(batch))
        now = timezone.now()
        for ticket in batch:
            Source.objects.filter(pk=ticket.source_id, check_token=ticket.token).update(
                check_leased_until=now, next_check_at=now
            )


# --- 2. Fetch -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    ticket: Ticket
    url: str
    passage: str


async def _check_with_retries(checker, job: _Job, retries: int, base: float):
    result = await checker.check(job.url, passage=job.passage, want_content=True)
    for attempt in range(retries):
        if result.outcome not in linkhealth.TRANSIENT:
            break
        # Exponential backoff with full jitter: many sources on one ailing site do not
        # come back in lockstep.
        await asyncio.sleep(random.uniform(0, base * 2**attempt) + base * 2**attempt / 2)  # noqa: S311
        result = await checker.check(job.url, passage=job.passage, want_content=True)
    return result


def run_checks(
    tickets: Iterable[Ticket],
    *,
    policy: linkcheck.FetchPolicy | None = None,
    resolver=None,
    limiter: hostlimits.HostLimiter | None = None,
    on_result: Callable[[Ticket, linkcheck.CheckResult, LinkCheck], None] | None = None,
) -> int:
    """Fetch the ticketed sources concurrently; record each result as it arrives.

    The network runs on an event loop in a thread of its own; this thread only records
    (short transactions, in Django's usual synchronous world). Returns how many results
    were recorded — spent or vanished tickets are skipped.
    """
    tickets = list(tickets)
    rows = Source.objects.filter(pk__in=[t.source_id for t in tickets]).values(
        "pk", "url", "passage", "check_token"
    )
    by_id = {row["pk"]: row for row in rows}
    jobs = [
        _Job(t, by_id[t.source_id]["url"], by_id[t.source_id]["passage"])
        for t in tickets
        if t.source_id in by_id and str(by_id[t.source_id]["check_token"]) == t.token
    ]
    if not jobs:
        return 0
    results: queue.Queue = queue.Queue()
    done = object()

    async def fetch_all() -> None:
        own_limiter = limiter or hostlimits.limiter_from_settings()
        try:
            async with linkcheck.LinkChecker(
                policy, resolver=resolver, host_limiter=own_limiter
            ) as checker:

                async def one(job: _Job) -> None:
                    result = await _check_with_retries(
                        checker,
                        job,
                        settings.LINKCHECK_RETRIES,
                        settings.LINKCHECK_RETRY_BASE_SECONDS,
                    )
                    results.put((job.ticket, result))

                await asyncio.gather(*(one(job) for job in jobs))
        finally:
            if limiter is None:
                await own_limiter.close()

    def network_thread() -> None:
        try:
            asyncio.run(fetch_all())
        except BaseException as exc:  # handed to the recording thread, which re-raises
            results.put(exc)
        finally:
            results.put(done)

    thread = threading.Thread(target=network_thread, name="linkcheck-fetch", daemon=True)
    thread.start()
    recorded, finished = 0, False
    while not finished:
        # Whatever has arrived is recorded in one transaction: one commit for many checks.
        chunk = [results.get()]
        while len(chunk) < RECORD_CHUNK:
            try:
                chunk.append(results.get_nowait())
            except queue.Empty:
                break
        if chunk[-1] is done:
            finished = True
            chunk.pop()
        for item in chunk:
            if isinstance(item, BaseException):
                raise item
        stored = record_results(chunk)
        recorded += len(stored)
        if on_result:
            for ticket, result in chunk:
                if ticket in stored:
                    on_result(ticket, result, stored[ticket])
    thread.join()
    return recorded


# --- 3. Record ----------------------------------------------------------------------------


def _observation(result: linkcheck.CheckResult) -> linkhealth.Observation:
    return linkhealth.Observation(
        outcome=result.outcome,
        permanent_redirect=result.redirect_kind == "permanent",
        cross_site=result.cross_site,
        to_root=result.to_root,
        passage_found=result.passage_found,
        text=result.text,
        retry_after_s=result.retry_after_s,
    )


def record_result(
    ticket: Ticket, result: linkcheck.CheckResult, *, now: datetime | None = None
) -> LinkCheck | None:
    """Store one check and the source's new health; ``None`` if the ticket is spent."""
    return record_results([(ticket, result)], now=now).get(ticket)


def record_results(
    pairs: list[tuple[Ticket, linkcheck.CheckResult]], *, now: datetime | None = None
) -> dict[Ticket, LinkCheck]:
    """Store checks and their sources' new health in one transaction.

    A ticket that no longer matches its source's ``check_token`` (redelivered, superseded,
    or the source was removed) is skipped. Side effects, per recorded check: one
    ``LinkCheck``; the source's health and schedule; when a published claim's source turns
    dead, changed or passage-missing, one ``flag`` event (the claim joins the dashboard's
    "needs attention" queue); public pages refreshed when a published claim's source
    health changes. Returns the stored checks by ticket.
    """
    now = now or timezone.now()
    with transaction.atomic():
        tokens = {t.source_id: t.token for t, _ in pairs}
        sources = {
            s.pk: s
            for s in Source.objects.select_for_update()
            .select_related("claim")
            .filter(pk__in=tokens)
            if str(s.check_token) == tokens[s.pk]
        }
        # Recorded already under this token (a redelivery racing its original): skip.
        done = set(
            LinkCheck.objects.filter(token__in=list(tokens.values())).values_list(
                "token", flat=True
            )
        )
        plans = []
        for ticket, result in pairs:
            source = sources.get(ticket.source_id)
            if source is None or uuid.UUID(ticket.token) in done:
                continue
            plans.append(_plan(source, ticket, result, now))
        checks = LinkCheck.objects.bulk_create([plan.check for plan in plans])
        invalidate = False
        for plan, check in zip(plans, checks, strict=True):
            Source.objects.filter(pk=plan.source.pk).update(last_check=check, **plan.values)
            if plan.flag:
                ClaimEvent.objects.create(**plan.flag)
            invalidate |= plan.public_change
        if invalidate:
            transaction.on_commit(public_cache.invalidate)
    return {plan.ticket: check for plan, check in zip(plans, checks, strict=True)}


@dataclass
class _Plan:
    ticket: Ticket
    source: Source
    check: LinkCheck
    values: dict
    flag: dict | None
    public_change: bool


def _plan(source: Source, ticket: Ticket, result: linkcheck.CheckResult, now: datetime) -> _Plan:
    """What to write for one check: pure, given the source's current row."""
    claim = source.claim
    published = claim.status == ClaimStatus.PUBLISHED
    baseline, new_baseline = source.baseline_text, None
    if published and not baseline and result.text:
        # What the verdict was based on: the text seen before publication if there is one,
        # else this first look after it.
        checked_before = (
            source.last_checked_at and claim.published_at
            and source.last_checked_at <= claim.published_at and source.last_text
        )  # fmt: skip
        baseline = new_baseline = source.last_text if checked_before else result.text
    update = linkhealth.assess(
        linkhealth.SourceState(
            health=source.health,
            consecutive_failures=source.consecutive_failures,
            last_failure_counted_at=source.last_failure_counted_at,
            baseline_text=baseline,
        ),
        _observation(result),
        now=now,
        policy=health_policy(),
    )
    check = LinkCheck(
        source=source,
        token=ticket.token,
        checked_at=now,
        url=result.url[:2000],
        outcome=result.outcome,
        detail=result.reason[:300],
        http_status=result.status,
        final_url=result.final_url[:2000],
        redirect_chain=[
            {"status": hop.status, "url": hop.url, "location": hop.location}
            for hop in result.redirects
        ],
        elapsed_ms=result.elapsed_ms,
        content_type=result.content_type[:200],
        bytes_read=result.bytes_read,
        body_sha256=result.sha256,
        text_hash=result.text_hash,
        title=result.title[:500],
        passage_found=result.passage_found,
        passage_score=result.passage_score,
        health_after=update.health,
    )
    changed = update.health != source.health
    values = {
        "health": update.health,
        "last_checked_at": now,
        "next_check_at": update.next_check_at,
        "consecutive_failures": update.consecutive_failures,
        "last_failure_counted_at": update.last_failure_counted_at,
        "check_token": None,
        "check_leased_until": None,
        "check_attempts": 0,
    }
    if changed:
        values["health_changed_at"] = now
    if result.text and result.outcome != CheckOutcome.BLOCKED:
        values["last_text"] = result.text
    if new_baseline is not None:
        values.update(
            baseline_text=new_baseline,
            baseline_text_hash=textmatch.text_hash(new_baseline),
            baseline_at=now,
        )
    flag = None
    if published and changed and update.health in REREVIEW_HEALTH:
        reason = f", {result.reason}" if result.reason else ""
        flag = {
            "claim": claim,
            "actor": None,
            "action": Action.FLAG,
            "from_status": claim.status,
            "to_status": claim.status,
            "rating_before": claim.rating,
            "rating_after": claim.rating,
            "comment": (
                f"Source “{source.title}” is now "
                f"{SourceHealth(update.health).label.lower()} ({result.outcome}{reason})."
            )[:1000],
            "changes": [source.url],
            "version": claim.version,
        }
    return _Plan(ticket, source, check, values, flag, published and changed)


def hand_out(source_ids: Iterable[int], *, now: datetime | None = None) -> list[Ticket]:
    """Tickets for these sources, whether due or not (skipping ones already handed out)."""
    now = now or timezone.now()
    return [t for source_id in source_ids if (t := _hand_out(source_id, now))]

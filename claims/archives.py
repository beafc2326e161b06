"""Verifying archived copies: does the copy really hold the evidence?

An archived copy takes a flagged fact-check out of the "needs attention" queue only once
it is *verified*: fetched through the guarded fetcher (``claims.linkcheck``, with its SSRF
guard, deadlines and size cap) and found to contain the source's quoted passage — or, for
a source that quotes none, to answer 200 with text. Any address can be typed into the
form, ``web.archive.org`` ones included; only what the page says counts.

The fetch never runs in a web request: recording a copy queues a verification after
commit (``queue_verification``), a Celery task calls :func:`verify_archived_copy`, and a
periodic sweep (:func:`unverified_sources`) re-queues any whose message was lost. The row
is the record: ``archive_verified`` is null until a verification of the current address
is stored.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import linkcheck, linkhealth, public_cache
from .models import Source

logger = logging.getLogger(__name__)

TASK_NAME = "claims.verify_archived_copy"
SWEEP_LIMIT = 100
# A verification started this long ago without a result was lost (a worker died): retry.
LOST_AFTER = timedelta(hours=1)


def queue_verification(source_id: int, archived_url: str) -> None:
    """Ask a worker to verify the copy once the surrounding transaction has committed."""
    transaction.on_commit(lambda: _send(source_id, archived_url))


def _send(source_id: int, archived_url: str) -> None:
    try:
        # By name: the task module imports this one.
        current_app.send_task(
            TASK_NAME, kwargs={"source_id": source_id, "archived_url": archived_url}
        )
    except Exception:  # broker down: the row stays unverified and the sweep re-queues it
        logger.exception("could not queue the verification of source %s's archive", source_id)


def verify_archived_copy(*, source_id: int, archived_url: str) -> bool | None:
    """Fetch the archived copy and store whether it holds the evidence.

    ``None`` if the source is gone or its archived copy is no longer ``archived_url``
    (a newer copy's verification is on its way). The fetch runs outside any transaction;
    the result is stored with a conditional update on the address it is about.
    """
    source = Source.objects.filter(pk=source_id).first()
    if source is None or source.archived_url != archived_url or not archived_url:
        return None
    # Mark it under way, so the sweep leaves it alone unless the result never comes.
    Source.objects.filter(pk=source_id, archived_url=archived_url).update(
        archive_checked_at=timezone.now()
    )
    result = linkcheck.check_url(
        archived_url, policy=linkcheck.FetchPolicy.from_settings(), passage=source.passage
    )
    verified, why = linkhealth.archive_verdict(
        outcome=result.outcome,
        status=result.status,
        passage=source.passage,
        passage_found=result.passage_found,
        text=result.text,
    )
    if result.reason and not verified:
        why = f"{why} ({result.reason})"
    with transaction.atomic():
        stored = Source.objects.filter(pk=source_id, archived_url=archived_url).update(
            archive_verified=verified,
            archive_checked_at=timezone.now(),
            archive_check_detail=why[:300],
        )
        if stored:
            transaction.on_commit(public_cache.invalidate)
    return verified if stored else None


def unverified_sources(limit: int = SWEEP_LIMIT) -> list[tuple[int, str]]:
    """Archived copies with no verification result: never sent (the message was lost), or
    started so long ago that the worker must have died."""
    lost = timezone.now() - LOST_AFTER
    pending = Source.objects.exclude(archived_url="").filter(archive_verified__isnull=True)
    pending = pending.filter(Q(archive_checked_at__isnull=True) | Q(archive_checked_at__lt=lost))
    return list(pending.order_by("pk").values_list("pk", "archived_url")[:limit])


def sweep_unverified() -> int:
    found = unverified_sources()
    for source_id, archived_url in found:
        _send(source_id, archived_url)
    return len(found)

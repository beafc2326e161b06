"""Celery tasks: thin wrappers that take ids, look rows up and call the domain modules.

Link checks: the database is the queue of record (``claims.checking``). These tasks only
carry triggers, so a lost message delays work but never loses it.
"""

import logging
import socket

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready

from . import archives, checking, heartbeat, reports

logger = logging.getLogger(__name__)


@shared_task(name="claims.record_heartbeat", bind=True, ignore_result=True, acks_late=False)
def task_record_heartbeat(self) -> None:
    """Record that a worker is alive (sent by beat every minute; read by the dashboard)."""
    hostname = self.request.hostname or socket.gethostname()
    heartbeat.record_heartbeat(hostname=hostname)
    logger.debug("heartbeat from %s", hostname)


@worker_ready.connect
def record_heartbeat_on_start(sender, **kwargs) -> None:
    """A worker counts as alive from the moment it is ready, not a minute later."""
    try:
        heartbeat.record_heartbeat(hostname=sender.hostname)
    except Exception:  # a database hiccup must not stop the worker from starting
        logger.exception("could not record the start-up heartbeat")


@shared_task(
    name="claims.check_sources",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=240,
    time_limit=270,
)
def task_check_sources(*, tickets: list[list]) -> int:
    """Check a batch of handed-out sources concurrently and record the results.

    Idempotent: a redelivered batch finds its tickets spent and records nothing twice.
    """
    try:
        return checking.run_checks([checking.Ticket.from_list(t) for t in tickets])
    except SoftTimeLimitExceeded:
        # Results recorded so far are kept; the rest keep their lease, which expires, and
        # the sweep hands them out again.
        logger.warning("link-check batch of %d cut short by the time limit", len(tickets))
        return 0


@shared_task(name="claims.sweep_due_sources", ignore_result=True, acks_late=False)
def task_sweep_due_sources() -> int:
    """Hand out every source whose check is due, in batches (beat, every few minutes)."""
    tickets = checking.claim_due()
    checking.enqueue(tickets)
    if tickets:
        logger.info("handed out %d due source checks", len(tickets))
    return len(tickets)


@shared_task(name="claims.email_reader_reports_digest", ignore_result=True, acks_late=False)
def task_email_reader_reports_digest() -> int:
    """Email the desk the readers' reports it has not heard of (beat, every few minutes).

    The reports are already stored; if the mail server is down this run fails, marks
    nothing, and the next run sends them.
    """
    try:
        sent = reports.notify_desk()
    except OSError:  # smtplib's errors are OSErrors: log, and let the next run retry
        logger.exception("could not email the readers' reports digest; will retry")
        return 0
    if sent:
        logger.info("emailed the desk a digest of %d reader report(s)", sent)
    return sent


@shared_task(
    name="claims.verify_archived_copy",
    ignore_result=True,
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def task_verify_archived_copy(*, source_id: int, archived_url: str) -> bool | None:
    """Fetch an archived copy through the guarded fetcher; store whether it holds the
    evidence (``claims.archives``). Idempotent: a repeat stores the same answer."""
    try:
        return archives.verify_archived_copy(source_id=source_id, archived_url=archived_url)
    except SoftTimeLimitExceeded:
        # Nothing stored: the row stays unverified and the sweep queues it again later.
        logger.warning("verification of source %s's archived copy cut short", source_id)
        return None


@shared_task(name="claims.sweep_archived_copies", ignore_result=True, acks_late=False)
def task_sweep_archived_copies() -> int:
    """Queue the verification of archived copies that never got one (beat)."""
    return archives.sweep_unverified()

"""Celery tasks: thin wrappers that look rows up and call the domain modules."""

import logging
import socket

from celery import shared_task
from celery.signals import worker_ready

from . import heartbeat

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

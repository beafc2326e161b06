"""Signals for what the desk records, so notifications can hook on without the domain
knowing about them.

``claim_event_committed`` is sent once the transaction that wrote a claim event has
committed — never for a change that was rolled back — with ``event_id`` and ``action``.
The desk's coordination (``claims.assignment``, ``claims.reply``, ``claims.reports``)
sends it for each event it writes; a receiver that fails is logged, and the change it
was told about stays done (``robust=True``). Receivers should be quick: enqueue a task.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

claim_event_committed = Signal()


def send_after_commit(event) -> None:
    """Send ``claim_event_committed`` for ``event`` after the current transaction."""
    event_id, action = event.pk, event.action
    transaction.on_commit(
        lambda: claim_event_committed.send_robust(
            sender=type(event), event_id=event_id, action=action
        ),
        robust=True,
    )

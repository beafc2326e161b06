"""What a claim's events keep: the values before and after every change.

``ClaimEvent.changes`` is a list of entries ``{"field", "before", "after"}``:

- ``statement``, ``claimant``, ``claimant_kind``, ``rating``, ``summary``,
  ``explanation``, ``withdrawal_reason``: the text (or value) itself;
- ``span``: the quote with its offsets and context, ``{"quote", "start", "end",
  "prefix", "suffix"}``;
- ``tags``: the sorted list of tag names;
- ``source`` (with ``"source": id``): the source's fields before and after — ``before``
  is ``None`` for a source added, ``after`` is ``None`` for one removed;
- ``submitted_by``, ``approved_by`` (user ids), ``published_at``, ``withdrawn_at`` (ISO
  8601): what the transitions set;
- ``sources`` (only in the ``create`` event): every source by id.

The ``create`` event holds the whole initial state (every field, ``before`` null), so the
events alone rebuild every past version (``claims.history``, which reads these entries).
Entries with ``"recorded": false`` come from before values were kept (data migration
``0004``): they name a field but hold no values.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .enums import Action
from .models import Claim, ClaimEvent, Source

# Source fields an event keeps (what readers and reviewers see of a source).
SOURCE_VALUE_FIELDS = (
    "url",
    "title",
    "publisher",
    "kind",
    "passage",
    "stance",
    "accessed_at",
    "archived_url",
)
SCALAR_FIELDS = ("statement", "claimant", "claimant_kind", "rating", "summary", "explanation")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def change(field: str, before: Any, after: Any, **extra: Any) -> dict:
    return {"field": field, "before": before, "after": after, **extra}


def span_of(claim: Claim) -> dict:
    return {
        "quote": claim.quote,
        "start": claim.start_offset,
        "end": claim.end_offset,
        "prefix": claim.prefix,
        "suffix": claim.suffix,
    }


def source_values(source: Source) -> dict:
    values = {name: getattr(source, name) for name in SOURCE_VALUE_FIELDS}
    values["accessed_at"] = _iso(source.accessed_at)
    return values


def source_change(source_id: int, before: dict | None, after: dict | None) -> dict:
    return change("source", before, after, source=source_id)


def tag_names(claim: Claim) -> list[str]:
    return sorted(tag.name for tag in claim.tags.all())


def claim_state(claim: Claim) -> dict:
    """Everything about a claim that its history rebuilds: the shape of a version."""
    state: dict[str, Any] = {"status": claim.status}
    state.update({name: getattr(claim, name) for name in SCALAR_FIELDS})
    state.update(
        span=span_of(claim),
        tags=tag_names(claim),
        sources={
            str(source.pk): source_values(source)
            for source in sorted(claim.sources.all(), key=lambda s: s.pk)
        },
        submitted_by=claim.submitted_by_id,
        approved_by=claim.approved_by_id,
        published_at=_iso(claim.published_at),
        withdrawn_at=_iso(claim.withdrawn_at),
        withdrawal_reason=claim.withdrawal_reason,
        slug=claim.slug,
    )
    return state


def initial_changes(claim: Claim) -> list[dict]:
    """The ``create`` event's entries: the whole initial state."""
    return [change(name, None, value) for name, value in claim_state(claim).items()]


def field_names(entries: Iterable[Any]) -> list[str]:
    """The names of the fields an event changed (old entries may be plain strings)."""
    names: list[str] = []
    for entry in entries:
        name = entry.get("field", "") if isinstance(entry, dict) else str(entry)
        if name and name not in names:
            names.append(name)
    return names


def record_event(
    claim: Claim,
    *,
    by,
    action: Action,
    from_status: str = "",
    to_status: str = "",
    rating_before: str = "",
    rating_after: str = "",
    comment: str = "",
    public: bool = False,
    changes: Iterable[dict] = (),
    version: int,
    proposal=None,
) -> ClaimEvent:
    """Append one event to a claim's history (inside the caller's transaction)."""
    return ClaimEvent.objects.create(
        claim_id=claim.pk,
        actor=by if getattr(by, "pk", None) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        rating_before=rating_before,
        rating_after=rating_after,
        comment=comment,
        public=public,
        changes=list(changes),
        version=version,
        proposal=proposal,
    )

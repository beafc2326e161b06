"""Every past version of a claim, rebuilt from its events, and readable diffs of them.

Pure: functions of event-like objects (``action``, ``from_status``, ``to_status``,
``changes``, ``version``, ``created_at``, ``actor_id``, ``pk``, ``comment``) and plain
dicts, no database. The entries of ``ClaimEvent.changes`` are described in
``claims.events``; a version's ``state`` has the shape of ``claims.events.claim_state``.

- :func:`replay` runs the events forwards from the ``create`` event, which holds the whole
  initial state.
- :func:`rewind` runs them backwards from the claim as it is now, undoing each entry with
  its ``before`` value. For claims created before events kept values it recovers whatever
  the later, recorded events allow; fields only an unrecorded entry touched are marked
  unknown from there back.
- :func:`versions` picks the right one; :func:`verdict_versions` is what readers see:
  the published verdict and each version after it, never anything from before publication.
- :func:`word_diff` and :func:`describe` turn entries into what the reviewer history and
  the public page show (word-level for prose, with stdlib ``difflib``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from .enums import Action, ClaimantKind, ClaimStatus, Rating, SourceKind, Stance

SOURCE_ACTIONS = frozenset(
    {Action.ADD_SOURCE, Action.EDIT_SOURCE, Action.REMOVE_SOURCE, Action.ARCHIVE_SOURCE}
)
# Entries written before values were kept named these fields (and sources by URL).
_LEGACY_SPAN = {"quote", "start_offset", "end_offset"}


@dataclass(frozen=True)
class Version:
    """The claim as it stood right after one event."""

    number: int  # the claim's version after the event
    event_id: int | None
    action: str
    at: datetime | None
    actor_id: int | None
    state: dict
    unknown: frozenset[str]  # fields whose value at this point was never recorded
    entries: tuple[dict, ...]  # what this event changed
    comment: str = ""


def entries(event: Any) -> list[dict]:
    """The event's entries, old ones (names only, or plain strings) marked unrecorded."""
    found = []
    for raw in event.changes or ():
        if isinstance(raw, dict) and raw.get("recorded", True):
            found.append(raw)
            continue
        label = raw.get("label", raw.get("field", "")) if isinstance(raw, dict) else str(raw)
        name = raw.get("field", "") if isinstance(raw, dict) else str(raw)
        if event.action in SOURCE_ACTIONS:
            name = "sources"
        elif event.action not in (Action.EDIT, Action.CORRECT, Action.CREATE):
            continue  # flags and the like name a URL: no part of the claim changed
        elif name in _LEGACY_SPAN:
            name = "span"
        if name:
            found.append({"field": name, "recorded": False, "label": label})
    return found


def _apply(state: dict, unknown: set[str], entry: dict, *, undo: bool = False) -> None:
    name = entry["field"]
    if not entry.get("recorded", True):
        unknown.add(name)
        return
    value = entry.get("before") if undo else entry.get("after")
    if name == "source":
        if entry.get("source") is None:
            unknown.add("sources")
            return
        sources = state.setdefault("sources", {})
        key = str(entry["source"])
        if value is None:
            sources.pop(key, None)
        else:
            sources[key] = copy.deepcopy(value)
        return
    state[name] = copy.deepcopy(value)
    unknown.discard(name)


def _version(event: Any, state: dict, unknown: set[str], found: list[dict]) -> Version:
    return Version(
        number=event.version,
        event_id=event.pk,
        action=event.action,
        at=event.created_at,
        actor_id=event.actor_id,
        state=copy.deepcopy(state),
        unknown=frozenset(unknown),
        entries=tuple(found),
        comment=event.comment,
    )


def _recorded_create(events: Sequence[Any]) -> bool:
    if not events or events[0].action != Action.CREATE:
        return False
    found = entries(events[0])
    return bool(found) and all(entry.get("recorded", True) for entry in found)


def replay(events: Iterable[Any]) -> list[Version]:
    """Run the events forwards: the state after each one, oldest first."""
    events = list(events)
    state: dict = {}
    unknown: set[str] = set() if _recorded_create(events) else {"*"}
    result = []
    for event in events:
        found = entries(event)
        for entry in found:
            _apply(state, unknown, entry)
        if event.to_status:
            state["status"] = event.to_status
        result.append(_version(event, state, unknown, found))
    return result


def rewind(current: dict, events: Iterable[Any]) -> list[Version]:
    """Run the events backwards from ``current`` (the claim as it is now): the state
    after each one, oldest first."""
    events = list(events)
    state = copy.deepcopy(current)
    unknown: set[str] = set()
    result: list[Version] = []
    for event in reversed(events):
        found = entries(event)
        result.append(_version(event, state, unknown, found))
        for entry in reversed(found):
            _apply(state, unknown, entry, undo=True)
        if event.to_status and event.from_status:
            state["status"] = event.from_status
    result.reverse()
    return result


def versions(events: Iterable[Any], current: dict | None = None) -> list[Version]:
    """Every past version: replayed from the recorded creation when there is one, else
    rewound from ``current``."""
    events = list(events)
    if _recorded_create(events) or current is None:
        return replay(events)
    return rewind(current, events)


# --- Diffs --------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
EQUAL, INSERT, DELETE = "equal", "insert", "delete"


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """``[(op, text), ...]`` with op ``equal``, ``delete`` or ``insert``, word by word
    (whitespace and punctuation are tokens of their own); adjacent pieces merged."""
    a, b = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append((EQUAL, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append((DELETE, "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append((INSERT, "".join(b[j1:j2])))
    merged: list[tuple[str, str]] = []
    for op, text in pieces:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def text_diff(before: str, after: str) -> list[list[tuple[str, str]]]:
    """A long text's diff, paragraph by paragraph: unchanged paragraphs whole, changed
    ones word by word (quadratic matching stays within a paragraph)."""
    a, b = (before or "").split("\n\n"), (after or "").split("\n\n")
    result: list[list[tuple[str, str]]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            result.extend([[(EQUAL, paragraph)] for paragraph in a[i1:i2]])
        elif op == "replace" and i2 - i1 == j2 - j1:
            result.extend(word_diff(x, y) for x, y in zip(a[i1:i2], b[j1:j2], strict=True))
        else:
            result.extend([[(DELETE, paragraph)] for paragraph in a[i1:i2]])
            result.extend([[(INSERT, paragraph)] for paragraph in b[j1:j2]])
    return result


FIELD_LABELS = {
    "statement": "Statement",
    "claimant": "Claimant",
    "claimant_kind": "The claimant is",
    "span": "Quote",
    "tags": "Tags",
    "rating": "Rating",
    "summary": "Summary",
    "explanation": "Explanation",
    "withdrawal_reason": "Public reason for withdrawing",
    "sources": "Sources",
    # The desk's coordination (claims.assignment, claims.reply): not part of a version of
    # the claim, but on its record.
    "assignee": "Assignee",
    "due_date": "Due date",
    "requested_approver": "Approver requested",
    "reply_outcome": "The claimant's answer",
    "reply_published": "Shown to readers",
}
SOURCE_LABELS = {
    "url": "URL",
    "title": "Title",
    "publisher": "Publisher",
    "kind": "Kind",
    "passage": "Passage",
    "stance": "Stance",
    "accessed_at": "Accessed",
    "archived_url": "Archived copy",
}
PROSE = frozenset({"statement", "summary", "explanation", "withdrawal_reason", "passage", "title"})
_CHOICES = {
    "rating": Rating,
    "claimant_kind": ClaimantKind,
    "kind": SourceKind,
    "stance": Stance,
    "status": ClaimStatus,
}


@dataclass(frozen=True)
class ChangeView:
    """One change, ready to show: a word diff, a value before and after, names added and
    removed, or the fields of a source."""

    label: str
    kind: str  # "diff", "value", "list", "source", "unrecorded"
    diff: tuple[tuple[str, str], ...] = ()
    before: str = ""
    after: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    parts: tuple[ChangeView, ...] = field(default=())
    note: str = ""


def display(name: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    choices = _CHOICES.get(name)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return str(value)


def _field_view(label: str, name: str, before: Any, after: Any) -> ChangeView | None:
    if (before or "") == (after or ""):
        return None
    if name in PROSE:
        return ChangeView(label, "diff", diff=tuple(word_diff(before or "", after or "")))
    return ChangeView(label, "value", before=display(name, before), after=display(name, after))


def describe(entry: dict) -> ChangeView | None:
    """What one entry says, for people; ``None`` for bookkeeping fields (who approved,
    when: the event itself says so)."""
    name = entry.get("field", "")
    label = FIELD_LABELS.get(name)
    if not entry.get("recorded", True):
        shown = label or entry.get("label") or name
        return ChangeView(shown, "unrecorded", note="changed (values not recorded)")
    if name == "source":
        return _source_view(entry)
    if label is None:
        return None
    before, after = entry.get("before"), entry.get("after")
    if name == "tags":
        before, after = before or [], after or []
        if before == after:
            return None
        return ChangeView(
            label,
            "list",
            added=tuple(t for t in after if t not in before),
            removed=tuple(t for t in before if t not in after),
        )
    if name == "span":
        return ChangeView(
            label,
            "diff",
            diff=tuple(word_diff((before or {}).get("quote", ""), (after or {}).get("quote", ""))),
            note=_offsets(before) + " → " + _offsets(after),
        )
    if name == "sources":
        titles = [s.get("title", "") for s in (after or {}).values()]
        return ChangeView(label, "list", added=tuple(titles)) if titles else None
    return _field_view(label, name, before, after)


def _offsets(span: dict | None) -> str:
    return f"characters {span['start']}–{span['end']}" if span else "none"


def _source_view(entry: dict) -> ChangeView:
    before, after = entry.get("before"), entry.get("after")
    if before is None:
        return ChangeView(f"Source added: “{after.get('title', '')}”", "source", after=after["url"])
    if after is None:
        return ChangeView(
            f"Source removed: “{before.get('title', '')}”", "source", before=before["url"]
        )
    parts = tuple(
        view
        for name, label in SOURCE_LABELS.items()
        if (view := _field_view(label, name, before.get(name), after.get(name))) is not None
    )
    return ChangeView(f"Source “{after.get('title', '')}”", "source", parts=parts)


def describe_all(found: Iterable[dict]) -> list[ChangeView]:
    return [view for entry in found if (view := describe(entry)) is not None]


# --- What readers see: the verdict from publication on -----------------------------------

VERDICT = ("rating", "summary", "explanation")


@dataclass(frozen=True)
class VerdictVersion:
    """One public version of the verdict: as published, or as a correction left it."""

    number: int  # 1 = as first published
    action: str  # approve, correct or withdraw
    at: datetime | None
    event_id: int | None
    actor_id: int | None
    verdict: dict  # rating, summary, explanation of this version
    unknown: frozenset[str]
    changes: tuple[ChangeView, ...]  # against the previous public version
    changed: tuple[str, ...]  # the verdict fields this version changed
    note: str  # the correction note, or the withdrawal reason


def verdict_versions(all_versions: Sequence[Version]) -> list[VerdictVersion]:
    """The verdict as published and as every correction after it changed it, and the
    withdrawal if there was one. Nothing before the first publication is included."""
    result: list[VerdictVersion] = []
    published = False
    for version in all_versions:
        if version.action == Action.APPROVE:
            published = True
        if not published or version.action not in (Action.APPROVE, Action.CORRECT, Action.WITHDRAW):
            continue
        changes, changed = (), ()
        if version.action == Action.CORRECT:
            verdict_entries = [e for e in version.entries if e.get("field") in VERDICT]
            changes = tuple(describe_all(verdict_entries))
            changed = tuple(n for n in VERDICT if any(e["field"] == n for e in verdict_entries))
        result.append(
            VerdictVersion(
                number=len(result) + 1,
                action=version.action,
                at=version.at,
                event_id=version.event_id,
                actor_id=version.actor_id,
                verdict={
                    **{name: version.state.get(name) for name in VERDICT},
                    "rating_label": display("rating", version.state.get("rating")),
                },
                unknown=frozenset(
                    n for n in VERDICT if n in version.unknown or "*" in version.unknown
                ),
                changes=changes,
                changed=changed,
                note=version.comment if version.action != Action.APPROVE else "",
            )
        )
    return result

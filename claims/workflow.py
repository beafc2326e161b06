"""The verdict workflow: the only code that changes a claim's status or verdict.

States and transitions (the table below is the whole rule book)::

    draft --start--> researching --submit--> in_review --approve--> published
                          ^                      |                   |  ^  |
                          +-------reject---------+           correct +--+  +--withdraw--> withdrawn

Every change goes through :func:`_commit`, the single choke point:

1. check the actor's role for the action;
2. read the claim's current row (locked on PostgreSQL) and refuse a stale ``version``,
   naming who changed what since;
3. check the state and the action's guards (four eyes, completeness, required comment);
4. write with a conditional ``UPDATE ... WHERE status = old AND version = n`` — zero rows
   means someone else got there first, and the caller gets the same stale refusal;
5. append exactly one :class:`~claims.models.ClaimEvent` in the same transaction.

Refusals raise the specific errors of :mod:`claims.errors`; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import anchoring, public_cache, roles
from .enums import Action, ClaimStatus
from .errors import (
    Incomplete,
    Invalid,
    InvalidTransition,
    Locked,
    NotPermitted,
    StaleVersion,
)
from .models import Claim, ClaimEvent, Correction, Note, Tag

REVIEWER = "reviewer"
EDITOR = "editor"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[ClaimStatus]
    target: ClaimStatus
    role: str


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.START, frozenset({ClaimStatus.DRAFT}), ClaimStatus.RESEARCHING, REVIEWER),
        Transition(
            Action.SUBMIT, frozenset({ClaimStatus.RESEARCHING}), ClaimStatus.IN_REVIEW, REVIEWER
        ),
        Transition(
            Action.APPROVE, frozenset({ClaimStatus.IN_REVIEW}), ClaimStatus.PUBLISHED, EDITOR
        ),
        Transition(
            Action.REJECT, frozenset({ClaimStatus.IN_REVIEW}), ClaimStatus.RESEARCHING, EDITOR
        ),
        Transition(
            Action.WITHDRAW, frozenset({ClaimStatus.PUBLISHED}), ClaimStatus.WITHDRAWN, EDITOR
        ),
        Transition(
            Action.CORRECT, frozenset({ClaimStatus.PUBLISHED}), ClaimStatus.PUBLISHED, EDITOR
        ),
    )
}

# Actions that change what readers see: public pages are invalidated after they commit.
PUBLIC_ACTIONS = frozenset({Action.APPROVE, Action.CORRECT, Action.WITHDRAW})

# Content (statement, claimant, tags, span) and verdict can be edited only while the claim
# is being researched: what an editor approves is exactly what was submitted, and a
# published verdict changes only through a public correction.
EDITABLE_STATES = frozenset({ClaimStatus.DRAFT, ClaimStatus.RESEARCHING})
VERDICT_FIELDS = ("rating", "summary", "explanation")
EDITABLE_FIELDS = (
    "statement",
    "claimant",
    "claimant_kind",
    "quote",
    "start_offset",
    "end_offset",
    *VERDICT_FIELDS,
)

_LOCKED_MESSAGES = {
    ClaimStatus.IN_REVIEW: (
        "This claim is in review, so it cannot be edited: an editor approves exactly what "
        "was submitted. Ask an editor to send it back for changes."
    ),
    ClaimStatus.PUBLISHED: (
        "This claim is published. Its verdict changes only through a public correction (editors)."
    ),
    ClaimStatus.WITHDRAWN: "This claim has been withdrawn and can no longer be edited.",
}


# --- Questions the UI and the API ask ------------------------------------------------------


def has_role(user, role: str) -> bool:
    return roles.is_editor(user) if role == EDITOR else roles.is_reviewer(user)


def allowed_actions(claim: Claim, user) -> list[Action]:
    """The transitions ``user`` may perform on ``claim`` now (guards aside)."""
    allowed = []
    for transition in TRANSITIONS.values():
        if claim.status not in transition.sources or not has_role(user, transition.role):
            continue
        if transition.action == Action.APPROVE and claim.submitted_by_id == user.pk:
            continue
        allowed.append(transition.action)
    return allowed


def can_edit(claim: Claim, user) -> bool:
    return claim.status in EDITABLE_STATES and roles.is_reviewer(user)


def locked_reason(claim: Claim) -> str:
    """Why the claim's content cannot be edited now ("" when it can)."""
    return _LOCKED_MESSAGES.get(claim.status, "")


def missing_for_submission(claim: Claim) -> dict[str, str]:
    """What a claim still needs before it can be submitted for review."""
    missing = {}
    if not claim.rating:
        missing["rating"] = "Choose a rating."
    if not claim.summary.strip():
        missing["summary"] = "Write the one-line verdict."
    if not claim.explanation.strip():
        missing["explanation"] = "Explain the verdict."
    if not claim.sources.exists():
        missing["sources"] = "Cite at least one source."
    return missing


# --- Shared checks ----------------------------------------------------------------------


def require_role(user, role: str, what: str) -> None:
    if not has_role(user, role):
        needed = "an editor" if role == EDITOR else "a reviewer or an editor"
        raise NotPermitted(f"Only {needed} can {what}.")


def _describe_changes_since(claim_id: int, version: int) -> str:
    events = (
        ClaimEvent.objects.filter(claim_id=claim_id, version__gt=version)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    parts = []
    for event in events:
        what = event.get_action_display().lower()
        if event.action == Action.EDIT and event.changes:
            what = "edited " + ", ".join(event.changes)
        parts.append(
            f"{roles.display_name(event.actor)} {what} at "
            f"{timezone.localtime(event.created_at):%H:%M:%S on %d %b}"
        )
    return "; ".join(parts)


def _stale(claim_id: int, version: int, current_version: int) -> StaleVersion:
    since = _describe_changes_since(claim_id, version)
    detail = f" Since then: {since}." if since else ""
    return StaleVersion(
        f"This claim changed after you loaded it (you had version {version}; it is now "
        f"version {current_version}).{detail} Nothing was saved: reload to see the current "
        "version and make your change again.",
        current_version=current_version,
    )


def _lock_current(claim: Claim, version: int | None) -> Claim:
    """The claim's current row, locked until the transaction ends (PostgreSQL).

    On SQLite the IMMEDIATE transaction already holds the database's write lock.
    """
    current = Claim.objects.select_for_update().select_related("article").get(pk=claim.pk)
    if version is None:
        raise Incomplete(
            "The claim's version is missing, so a concurrent change could not be detected.",
            {"version": "Send the version of the claim this change is based on."},
        )
    if int(version) != current.version:
        raise _stale(claim.pk, int(version), current.version)
    return current


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
    changes: Iterable[str] = (),
    version: int,
) -> ClaimEvent:
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
    )


def _conditional_update(current: Claim, *, to_status: str, **values: Any) -> int:
    """``UPDATE claim SET ... WHERE id, status and version are as read``; new version."""
    new_version = current.version + 1
    rows = Claim.objects.filter(
        pk=current.pk, status=current.status, version=current.version
    ).update(status=to_status, version=new_version, updated_at=timezone.now(), **values)
    if rows == 0:
        # Someone else wrote between our read and our write (possible where rows are not
        # locked): refuse exactly as if the version had been stale from the start.
        fresh = Claim.objects.values_list("version", flat=True).get(pk=current.pk)
        raise _stale(current.pk, current.version, fresh)
    return new_version


def _validated(current: Claim, changes: dict[str, Any]) -> Claim:
    """A copy of ``current`` with ``changes`` applied, checked by the model's validators."""
    candidate = Claim.objects.select_related("article").get(pk=current.pk)
    for name, value in changes.items():
        setattr(candidate, name, value)
    try:
        candidate.full_clean(exclude=["tags", "slug"])
    except ValidationError as exc:
        raise Invalid.from_validation_error(exc) from None
    return candidate


# --- Transitions ----------------------------------------------------------------------------


def _commit(
    claim: Claim,
    action: Action,
    *,
    by,
    version: int | None,
    comment: str = "",
    verdict: dict[str, Any] | None = None,
) -> Claim:
    """Perform ``action`` on ``claim`` (the choke point; see the module docstring)."""
    transition = TRANSITIONS[action]
    require_role(by, transition.role, _VERBS[action])
    comment = (comment or "").strip()
    with transaction.atomic():
        current = _lock_current(claim, version)
        if current.status not in transition.sources:
            raise InvalidTransition(
                f"A claim that is {current.get_status_display().lower()} cannot be "
                f"{_past_tense(action)}."
            )
        values: dict[str, Any] = {}
        rating_after = current.rating
        changes: list[str] = []
        public = False

        if action == Action.SUBMIT:
            missing = missing_for_submission(current)
            if missing:
                raise Incomplete("Not ready for review: " + " ".join(missing.values()), missing)
            values["submitted_by"] = by
        elif action == Action.APPROVE:
            if current.submitted_by_id == by.pk:
                raise NotPermitted(
                    "You submitted this claim, so someone else must approve it: every "
                    "verdict is checked by two people."
                )
            values.update(approved_by=by, published_at=timezone.now())
            current.give_public_slug()  # from the approved statement; never changed after
        elif action == Action.REJECT:
            if not comment:
                raise Incomplete(
                    "Say what needs to change: the comment goes to the reviewer's notes.",
                    {"comment": "A comment is required when sending a claim back."},
                )
            Note.objects.create(claim=current, author=by, body=comment)
        elif action == Action.WITHDRAW:
            if not comment:
                raise Incomplete(
                    "Give the public reason for withdrawing this fact-check.",
                    {"comment": "A public reason is required to withdraw."},
                )
            values.update(withdrawn_at=timezone.now(), withdrawal_reason=comment)
            public = True
        elif action == Action.CORRECT:
            values, changes = _correction_values(current, verdict or {}, comment)
            rating_after = values.get("rating", current.rating)
            public = True

        new_version = _conditional_update(current, to_status=transition.target, **values)
        event = record_event(
            current,
            by=by,
            action=action,
            from_status=current.status,
            to_status=transition.target,
            rating_before=current.rating,
            rating_after=rating_after,
            comment=comment,
            public=public,
            changes=changes,
            version=new_version,
        )
        if action in PUBLIC_ACTIONS:
            transaction.on_commit(public_cache.invalidate)
        if action == Action.CORRECT:
            Correction.objects.create(
                claim_id=current.pk,
                event=event,
                changed_fields=changes,
                rating_before=current.rating,
                rating_after=rating_after,
                note=comment,
                created_at=event.created_at,
            )
    claim.refresh_from_db()
    return claim


_VERBS = {
    Action.START: "start research on a claim",
    Action.SUBMIT: "submit a claim for review",
    Action.APPROVE: "approve a claim",
    Action.REJECT: "send a claim back for changes",
    Action.WITHDRAW: "withdraw a fact-check",
    Action.CORRECT: "correct a published verdict",
}


def _past_tense(action: Action) -> str:
    return {
        Action.START: "started",
        Action.SUBMIT: "submitted for review",
        Action.APPROVE: "approved",
        Action.REJECT: "sent back for changes",
        Action.WITHDRAW: "withdrawn",
        Action.CORRECT: "corrected",
    }[action]


def _correction_values(
    current: Claim, verdict: dict[str, Any], note: str
) -> tuple[dict[str, Any], list[str]]:
    if not note:
        raise Incomplete(
            "A correction needs a public note saying what changed and why.",
            {"comment": "A public correction note is required."},
        )
    unknown = set(verdict) - set(VERDICT_FIELDS)
    if unknown:
        raise Invalid(
            "Only the rating, summary and explanation can be corrected.",
            {name: "Cannot be changed by a correction." for name in sorted(unknown)},
        )
    changes = {
        name: value
        for name, value in verdict.items()
        if value is not None and value != getattr(current, name)
    }
    if not changes:
        raise Incomplete(
            "A correction must change the rating, the summary or the explanation.",
            {"rating": "Nothing was changed."},
        )
    if "rating" in changes and not changes["rating"]:
        raise Invalid("A published claim keeps a rating.", {"rating": "Choose a rating."})
    _validated(current, changes)
    return changes, [name for name in VERDICT_FIELDS if name in changes]


def start_claim(claim: Claim, *, by, version: int | None) -> Claim:
    """draft → researching. Side effects: one event."""
    return _commit(claim, Action.START, by=by, version=version)


def submit_claim(claim: Claim, *, by, version: int | None) -> Claim:
    """researching → in_review once rated, summarised, explained and sourced.

    Side effects: records the submitter (who researched it); one event.
    """
    return _commit(claim, Action.SUBMIT, by=by, version=version)


def approve_claim(claim: Claim, *, by, version: int | None) -> Claim:
    """in_review → published, by an editor who did not submit it (four eyes).

    Side effects: sets ``published_at`` and ``approved_by``; gives the claim its public
    slug (from the approved statement) the first time; one event.
    """
    return _commit(claim, Action.APPROVE, by=by, version=version)


def reject_claim(claim: Claim, *, by, version: int | None, comment: str) -> Claim:
    """in_review → researching, with a required comment.

    Side effects: the comment is added to the claim's notes; one (internal) event.
    """
    return _commit(claim, Action.REJECT, by=by, version=version, comment=comment)


def withdraw_claim(claim: Claim, *, by, version: int | None, reason: str) -> Claim:
    """published → withdrawn, with a required public reason.

    Side effects: sets ``withdrawn_at``/``withdrawal_reason``; one public event.
    """
    return _commit(claim, Action.WITHDRAW, by=by, version=version, comment=reason)


def correct_claim(
    claim: Claim,
    *,
    by,
    version: int | None,
    note: str,
    rating: str | None = None,
    summary: str | None = None,
    explanation: str | None = None,
) -> Claim:
    """Change a published verdict, in public.

    Side effects: one public event and one :class:`Correction` (what changed, rating before
    and after, the note), shown on the claim page.
    """
    verdict = {"rating": rating, "summary": summary, "explanation": explanation}
    return _commit(
        claim,
        Action.CORRECT,
        by=by,
        version=version,
        comment=note,
        verdict={k: v for k, v in verdict.items() if v is not None},
    )


def perform(
    claim: Claim,
    action: str,
    *,
    by,
    version: int | None,
    comment: str = "",
    verdict: dict[str, Any] | None = None,
) -> Claim:
    """Dispatch a transition by name (the UI's buttons and the API's ``transitions``)."""
    try:
        action = Action(action)
    except ValueError:
        action = None
    if action not in TRANSITIONS:
        raise Invalid(
            f"Unknown action {action!r}.",
            {"action": "Choose one of: " + ", ".join(TRANSITIONS) + "."},
        )
    return _commit(claim, action, by=by, version=version, comment=comment, verdict=verdict)


# --- Edits ------------------------------------------------------------------------------


def edit_claim(
    claim: Claim,
    *,
    by,
    version: int | None,
    changes: dict[str, Any],
    tags: Iterable[str] | None = None,
) -> Claim:
    """Edit a claim's content or verdict while it is draft or researching.

    ``changes`` maps field names of :data:`EDITABLE_FIELDS` to new values; ``tags`` (names)
    replaces the claim's tags when given. Unchanged values are ignored; if nothing changed,
    nothing is written. Side effects: the version goes up by one; one ``edit`` event
    naming the changed fields (with the rating before and after).
    """
    require_role(by, REVIEWER, "edit claims")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(
            "These fields cannot be edited here: " + ", ".join(sorted(unknown)),
            {name: "Not editable." for name in sorted(unknown)},
        )
    with transaction.atomic():
        current = _lock_current(claim, version)
        if current.status not in EDITABLE_STATES:
            raise Locked(_LOCKED_MESSAGES[current.status])
        changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
        tag_names = None
        if tags is not None:
            tag_names = sorted({name.strip() for name in tags if name.strip()})
            if tag_names == sorted(current.tags.values_list("name", flat=True)):
                tag_names = None
        if not changed and tag_names is None:
            return claim
        values = dict(changed)
        if changed:
            candidate = _validated(current, changed)
            if {"quote", "start_offset", "end_offset"} & set(changed):
                selector = anchoring.select(
                    candidate.article.body, candidate.start_offset, candidate.end_offset
                )
                values.update(prefix=selector.prefix, suffix=selector.suffix)
        new_version = _conditional_update(current, to_status=current.status, **values)
        names = [name for name in EDITABLE_FIELDS if name in changed]
        if tag_names is not None:
            current.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tag_names])
            names.append("tags")
        record_event(
            current,
            by=by,
            action=Action.EDIT,
            from_status=current.status,
            to_status=current.status,
            rating_before=current.rating,
            rating_after=changed.get("rating", current.rating),
            changes=names,
            version=new_version,
        )
    claim.refresh_from_db()
    return claim

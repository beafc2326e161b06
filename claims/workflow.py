"""The verdict workflow: the only code that changes a claim's status or verdict.

States and transitions (``claims.rules.TRANSITIONS`` is the whole rule book, wording
included; its names are importable from here too)::

    draft --start--> researching --submit--> in_review --approve--> published
                          ^                      |                   |  ^  |
                          +-------reject---------+           correct +--+  +--withdraw--> withdrawn

Correct and withdraw are *proposed* by an editor and take effect only when a second
editor approves the proposal (``claims.proposals``); until then readers see the claim as
it is.

Every change goes through :func:`_commit`, the single choke point:

1. check the actor's role for the action;
2. read the claim's current row (locked on PostgreSQL) and refuse a stale ``version``,
   naming who changed what since;
3. check the state and the action's guards: four eyes on contribution
   (:func:`contributions`), completeness, required comment;
4. write with a conditional ``UPDATE ... WHERE status = old AND version = n`` — zero rows
   means someone else got there first, and the caller gets the same stale refusal;
5. append exactly one :class:`~claims.models.ClaimEvent`, with the values before and
   after (``claims.events``), in the same transaction.

Refusals raise the specific errors of :mod:`claims.errors`; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import anchoring, events, public_cache, roles
from .contribution import (  # noqa: F401  (contributions, researchers: public names here too)
    CONTRIBUTING_ACTIONS,
    contribution_events,
    contributions,
    require_non_contributor,
    researchers,
)
from .enums import Action, ClaimStatus, ProposalState
from .errors import (
    Incomplete,
    Invalid,
    InvalidTransition,
    Locked,
    StaleVersion,
)
from .events import change, record_event, span_of
from .models import Claim, ClaimEvent, Correction, Note, Tag
from .rules import (  # noqa: F401  (the rule book's names are the workflow's public names)
    EDITABLE_FIELDS,
    EDITABLE_STATES,
    EDITOR,
    LOCKED_MESSAGES,
    NO_ACTION_REASONS,
    PROPOSED_ACTIONS,
    REAFFIRM,
    REVIEWER,
    SPAN_FIELDS,
    TRANSITIONS,
    VERDICT_FIELDS,
    Transition,
    has_role,
    require_role,
)

# --- Questions the UI and the API ask ------------------------------------------------------


def _pending_kinds(claim: Claim) -> set[str]:
    prefetched = getattr(claim, "pending_proposals", None)
    if prefetched is not None:
        return {p.kind for p in prefetched if p.source_id is None}
    pending = claim.proposals.filter(state=ProposalState.PENDING, source__isnull=True)
    return set(pending.values_list("kind", flat=True))


def allowed_actions(claim: Claim, user) -> list[Action]:
    """The transitions ``user`` may start on ``claim`` now.

    Approve only for an editor who did not contribute; correct and withdraw (which file a
    proposal) only while no proposal of the kind is already waiting.
    """
    allowed = []
    for transition in TRANSITIONS.values():
        if claim.status not in transition.sources or not has_role(user, transition.role):
            continue
        if transition.action == Action.APPROVE and user.pk in contributions(claim, Action.APPROVE):
            continue
        if transition.proposed and transition.proposal_kind in _pending_kinds(claim):
            continue
        allowed.append(transition.action)
    return allowed


def can_edit(claim: Claim, user) -> bool:
    return claim.status in EDITABLE_STATES and roles.is_reviewer(user)


def can_reaffirm(claim: Claim, user) -> bool:
    return claim.status == ClaimStatus.PUBLISHED and roles.is_editor(user)


def locked_reason(claim: Claim) -> str:
    """Why the claim's content cannot be edited now ("" when it can)."""
    return LOCKED_MESSAGES.get(claim.status, "")


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


def _describe_changes_since(claim_id: int, version: int) -> str:
    since = (
        ClaimEvent.objects.filter(claim_id=claim_id, version__gt=version)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    parts = []
    for event in since:
        what = event.get_action_display().lower()
        if event.action == Action.EDIT and event.changes:
            what = "edited " + ", ".join(events.field_names(event.changes))
        parts.append(
            f"{roles.display_name(event.actor)} {what} at "
            f"{timezone.localtime(event.created_at):%H:%M:%S on %d %b}"
        )
    return "; ".join(parts)


def stale(claim_id: int, version: int, current_version: int) -> StaleVersion:
    since = _describe_changes_since(claim_id, version)
    detail = f" Since then: {since}." if since else ""
    return StaleVersion(
        f"This claim changed after you loaded it (you had version {version}; it is now "
        f"version {current_version}).{detail} Nothing was saved: reload to see the current "
        "version and make your change again.",
        current_version=current_version,
    )


def require_version(version: int | None, what: str = "claim") -> int:
    if version is None:
        raise Incomplete(
            f"The {what}'s version is missing, so a concurrent change could not be detected.",
            {"version": f"Send the version of the {what} this change is based on."},
        )
    return int(version)


def lock_current(claim: Claim, version: int | None) -> Claim:
    """The claim's current row, locked until the transaction ends (PostgreSQL).

    On SQLite the IMMEDIATE transaction already holds the database's write lock.
    """
    current = Claim.objects.select_for_update().select_related("article").get(pk=claim.pk)
    version = require_version(version)
    if version != current.version:
        raise stale(claim.pk, version, current.version)
    return current


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
        raise stale(current.pk, current.version, fresh)
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


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


# --- Transitions ----------------------------------------------------------------------------


def _commit(
    claim: Claim,
    action: Action,
    *,
    by,
    version: int | None,
    comment: str = "",
    verdict: dict[str, Any] | None = None,
    proposal=None,
) -> Claim:
    """Perform ``action`` on ``claim`` (the choke point; see the module docstring).

    A proposed action (correct, withdraw) runs only as the approval of its ``proposal``,
    by an editor who did not propose it (``claims.proposals.approve_proposal``).
    """
    transition = TRANSITIONS[action]
    require_role(by, transition.role, transition.verb)
    if transition.proposed and proposal is None:
        raise InvalidTransition(
            f"A fact-check is {transition.past} only when a second editor approves a "
            "proposal: propose it, and another editor approves it."
        )
    comment = (comment or "").strip()
    with transaction.atomic():
        current = lock_current(claim, version)
        if current.status not in transition.sources:
            raise InvalidTransition(
                f"A claim that is {current.get_status_display().lower()} cannot be "
                f"{transition.past}."
            )
        if transition.comment_missing and not comment:
            raise Incomplete(transition.comment_missing, {"comment": transition.comment_field})
        if action == Action.APPROVE or proposal is not None:
            require_non_contributor(current, by, action, proposal=proposal)
        values: dict[str, Any] = {}
        rating_after = current.rating
        changes: list[dict] = []

        if action == Action.SUBMIT:
            missing = missing_for_submission(current)
            if missing:
                raise Incomplete("Not ready for review: " + " ".join(missing.values()), missing)
            values["submitted_by"] = by
            changes.append(change("submitted_by", current.submitted_by_id, by.pk))
        elif action == Action.APPROVE:
            now = timezone.now()
            values.update(approved_by=by, published_at=now)
            changes += [
                change("approved_by", current.approved_by_id, by.pk),
                change("published_at", _iso(current.published_at), _iso(now)),
            ]
            # The public slug, from the approved statement, the first time; never changed.
            slug_before = current.slug
            current.give_public_slug()
            if current.slug != slug_before:
                changes.append(change("slug", slug_before, current.slug))
        elif action == Action.REJECT:
            Note.objects.create(claim=current, author=by, body=comment)
        elif action == Action.WITHDRAW:
            now = timezone.now()
            values.update(withdrawn_at=now, withdrawal_reason=comment)
            changes += [
                change("withdrawn_at", _iso(current.withdrawn_at), _iso(now)),
                change("withdrawal_reason", current.withdrawal_reason, comment),
            ]
        elif action == Action.CORRECT:
            values = correction_changes(current, verdict or {})
            rating_after = values.get("rating", current.rating)
            changes += [
                change(name, getattr(current, name), values[name])
                for name in VERDICT_FIELDS
                if name in values
            ]

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
            # The comments of proposed steps are public notes (the correction note, the
            # withdrawal reason); the others stay internal.
            public=transition.proposed,
            changes=changes,
            version=new_version,
            proposal=proposal,
        )
        if transition.public:
            transaction.on_commit(public_cache.invalidate)
        if action == Action.CORRECT:
            Correction.objects.create(
                claim_id=current.pk,
                event=event,
                changed_fields=[name for name in VERDICT_FIELDS if name in values],
                rating_before=current.rating,
                rating_after=rating_after,
                note=comment,
                created_at=event.created_at,
            )
    claim.refresh_from_db()
    return claim


def correction_changes(current: Claim, verdict: dict[str, Any]) -> dict[str, Any]:
    """The verdict fields a correction changes, validated; refuses a correction that
    changes nothing or anything but the verdict."""
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
    return changes


def start_claim(claim: Claim, *, by, version: int | None) -> Claim:
    """draft → researching. Side effects: one event."""
    return _commit(claim, Action.START, by=by, version=version)


def submit_claim(claim: Claim, *, by, version: int | None) -> Claim:
    """researching → in_review once rated, summarised, explained and sourced.

    Side effects: records the submitter; one event.
    """
    return _commit(claim, Action.SUBMIT, by=by, version=version)


def approve_claim(claim: Claim, *, by, version: int | None) -> Claim:
    """in_review → published, by an editor who did not contribute to it (four eyes).

    Side effects: sets ``published_at`` and ``approved_by``; gives the claim its public
    slug (from the approved statement) the first time; one event; public pages refreshed.
    """
    return _commit(claim, Action.APPROVE, by=by, version=version)


def reject_claim(claim: Claim, *, by, version: int | None, comment: str) -> Claim:
    """in_review → researching, with a required comment.

    Side effects: the comment is added to the claim's notes; one (internal) event.
    """
    return _commit(claim, Action.REJECT, by=by, version=version, comment=comment)


def apply_proposed(claim: Claim, proposal, *, by) -> Claim:
    """Publish an approved correction or withdrawal (called by ``claims.proposals``).

    Side effects: a correction writes one public event and one :class:`Correction`; a
    withdrawal sets ``withdrawn_at``/``withdrawal_reason`` and writes one public event;
    public pages refreshed. A stale ``based_on_version`` is refused.
    """
    action = PROPOSED_ACTIONS[proposal.kind]
    verdict = proposal.values if action == Action.CORRECT else None
    return _commit(
        claim,
        action,
        by=by,
        version=proposal.based_on_version,
        comment=proposal.note,
        verdict=verdict,
        proposal=proposal,
    )


def perform(claim: Claim, action: str, *, by, version: int | None, comment: str = "") -> Claim:
    """Dispatch a direct transition by name (start, submit, approve, reject).

    Correct and withdraw are proposals (``claims.proposals.propose``).
    """
    transition = transition_named(action)
    if transition.proposed:
        raise InvalidTransition(
            f"To have a fact-check {transition.past}, propose it: a second editor approves."
        )
    return _commit(claim, transition.action, by=by, version=version, comment=comment)


def transition_named(action: str) -> Transition:
    try:
        return TRANSITIONS[Action(action)]
    except (ValueError, KeyError):
        raise Invalid(
            f"Unknown action {action!r}.",
            {"action": "Choose one of: " + ", ".join(TRANSITIONS) + "."},
        ) from None


def reaffirm_claim(claim: Claim, *, by, version: int | None, note: str) -> Claim:
    """Record that an editor re-checked the evidence and the published verdict stands.

    Neither status nor verdict changes (the version stays). It takes the claim out of the
    "needs attention" queue for the source problems seen so far. Side effects: one public
    event (readers see "Evidence re-checked on …" with the note); public pages refreshed.
    """
    require_role(by, EDITOR, "record that the evidence was re-checked")
    note = (note or "").strip()
    with transaction.atomic():
        current = lock_current(claim, version)
        if current.status != ClaimStatus.PUBLISHED:
            raise InvalidTransition(
                "Only a published fact-check's evidence is re-checked; this one is "
                f"{current.get_status_display().lower()}."
            )
        if not note:
            raise Incomplete(REAFFIRM.comment_missing, {"comment": "A public note is required."})
        record_event(
            current,
            by=by,
            action=Action.REAFFIRM,
            from_status=current.status,
            to_status=current.status,
            rating_before=current.rating,
            rating_after=current.rating,
            comment=note,
            public=True,
            version=current.version,
        )
        transaction.on_commit(public_cache.invalidate)
    claim.refresh_from_db()
    return claim


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
    nothing is written. Side effects: the version goes up by one; one ``edit`` event with
    every changed value before and after (the span as one entry, tags as name lists).
    """
    require_role(by, REVIEWER, "edit claims")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(
            "These fields cannot be edited here: " + ", ".join(sorted(unknown)),
            {name: "Not editable." for name in sorted(unknown)},
        )
    with transaction.atomic():
        current = lock_current(claim, version)
        if current.status not in EDITABLE_STATES:
            raise Locked(LOCKED_MESSAGES[current.status])
        changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
        old_tags = events.tag_names(current)
        tag_names = None
        if tags is not None:
            tag_names = sorted({name.strip() for name in tags if name.strip()})
            if tag_names == old_tags:
                tag_names = None
        if not changed and tag_names is None:
            return claim
        values = dict(changed)
        entries = [
            change(name, getattr(current, name), changed[name])
            for name in EDITABLE_FIELDS
            if name in changed and name not in SPAN_FIELDS
        ]
        if changed:
            candidate = _validated(current, changed)
            if set(SPAN_FIELDS) & set(changed):
                selector = anchoring.select(
                    candidate.article.body, candidate.start_offset, candidate.end_offset
                )
                values.update(prefix=selector.prefix, suffix=selector.suffix)
                candidate.prefix, candidate.suffix = selector.prefix, selector.suffix
                entries.append(change("span", span_of(current), span_of(candidate)))
        new_version = _conditional_update(current, to_status=current.status, **values)
        if tag_names is not None:
            current.tags.set([Tag.objects.get_or_create(name=name)[0] for name in tag_names])
            entries.append(change("tags", old_tags, tag_names))
        record_event(
            current,
            by=by,
            action=Action.EDIT,
            from_status=current.status,
            to_status=current.status,
            rating_before=current.rating,
            rating_after=changed.get("rating", current.rating),
            changes=entries,
            version=new_version,
        )
    claim.refresh_from_db()
    return claim

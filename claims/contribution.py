"""Four eyes on contribution: who may approve what reaches readers.

One rule, read by :func:`claims.workflow.allowed_actions`, every approval guard and the
public page's credits: the approver of a change that reaches readers must not have
contributed to it. For a claim's first publication, contributing is what its events say
(:data:`CONTRIBUTING_ACTIONS`); for a proposal — a correction, a withdrawal, an article
edit, an archived copy — it is proposing it. Superusers are bound like everyone else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from . import events, roles
from .enums import Action
from .errors import FourEyes
from .models import Claim, ClaimEvent

# Events whose actor contributed to what approving the claim would publish.
CONTRIBUTING_ACTIONS = frozenset(
    {
        Action.CREATE,
        Action.EDIT,
        Action.ADD_SOURCE,
        Action.EDIT_SOURCE,
        Action.REMOVE_SOURCE,
        Action.ARCHIVE_SOURCE,
        Action.SUBMIT,
        Action.RENAME_TAG,
    }
)
_CONTRIBUTION_WORDS = {
    Action.CREATE: "created it",
    Action.SUBMIT: "submitted it",
    Action.ADD_SOURCE: "cited a source",
    Action.EDIT_SOURCE: "edited a source",
    Action.REMOVE_SOURCE: "removed a source",
    Action.ARCHIVE_SOURCE: "recorded an archived copy",
    Action.RENAME_TAG: "renamed one of its tags",
}
_EDIT_WORDS = {
    "statement": "edited the statement",
    "claimant": "edited the claimant",
    "claimant_kind": "edited the claimant",
    "span": "moved the quote",
    "quote": "moved the quote",
    "start_offset": "moved the quote",
    "end_offset": "moved the quote",
    "tags": "changed the tags",
    "rating": "edited the verdict",
    "summary": "edited the verdict",
    "explanation": "edited the verdict",
}
MAX_NAMED_APPROVERS = 5


def contribution_events(claim: Claim) -> list[ClaimEvent]:
    """The claim's contributing events, oldest first: prefetched ones when there are."""
    prefetched = getattr(claim, "contribution_events", None)
    if prefetched is None and "events" in getattr(claim, "_prefetched_objects_cache", {}):
        prefetched = claim.events.all()
    if prefetched is None:
        prefetched = ClaimEvent.objects.filter(claim_id=claim.pk).select_related("actor")
        prefetched = prefetched.filter(action__in=CONTRIBUTING_ACTIONS).order_by("created_at", "pk")
    return [e for e in prefetched if e.action in CONTRIBUTING_ACTIONS]


def _what(event: ClaimEvent) -> list[str]:
    if event.action != Action.EDIT:
        return [_CONTRIBUTION_WORDS[event.action]]
    words = [_EDIT_WORDS.get(name, "edited it") for name in events.field_names(event.changes)]
    return list(dict.fromkeys(words)) or ["edited it"]


def contributions(claim: Claim, action: Action, *, proposal=None) -> dict[int, list[str]]:
    """Who contributed to what ``action`` would publish: user id → what they did.

    - approve: everyone whose events created the claim or changed its statement,
      claimant, quote, verdict, tags or sources since it was created, and everyone who
      submitted it (superusers included: this is the rule, not a permission);
    - a proposal (correct, withdraw, an article edit, an archived copy): its proposer.

    ``allowed_actions``, the approval guards and every UI, API and admin path read this
    one answer.
    """
    if proposal is not None:
        return {proposal.proposed_by_id: ["proposed it"]}
    if action != Action.APPROVE:
        return {}
    found: dict[int, list[str]] = {}
    for event in contribution_events(claim):
        if event.actor_id is None:
            continue
        did = found.setdefault(event.actor_id, [])
        did.extend(word for word in _what(event) if word not in did)
    # The recorded submitter, even without an event (claims imported with one).
    if claim.submitted_by_id is not None:
        did = found.setdefault(claim.submitted_by_id, [])
        if "submitted it" not in did:
            did.append("submitted it")
    return found


def contributed_by(user) -> Q:
    """The claims ``user`` contributed to (a filter): the same rule, as a query."""
    events_by = ClaimEvent.objects.filter(
        claim=OuterRef("pk"), actor=user, action__in=CONTRIBUTING_ACTIONS
    )
    return Q(Exists(events_by)) | Q(submitted_by=user)


def researchers(claim: Claim) -> list:
    """Everyone who contributed to the verdict before it was published, in order: the
    people the public page credits as having researched it."""
    people: dict[int, Any] = {}
    prefetched = getattr(claim, "public_record_events", None)
    record = prefetched if prefetched is not None else claim.events.select_related("actor")
    for event in record:
        if event.action == Action.APPROVE:
            break
        if event.action in CONTRIBUTING_ACTIONS and event.actor_id is not None:
            people.setdefault(event.actor_id, event.actor)
    # The recorded submitter, even without an event (claims imported with one).
    if claim.submitted_by_id is not None:
        people.setdefault(claim.submitted_by_id, claim.submitted_by)
    return list(people.values())


def editors():
    """Every active editor (Editors group or superuser), by display name."""
    users = get_user_model().objects.filter(is_active=True)
    users = users.filter(Q(is_superuser=True) | Q(groups__name=roles.EDITORS)).distinct()
    return sorted(users, key=lambda user: roles.display_name(user).casefold())


def may_approve_instead(excluded: Iterable[int]) -> list[str]:
    """The display names of the editors who did not contribute."""
    excluded = set(excluded)
    return [roles.display_name(u) for u in editors() if u.pk not in excluded]


def _join(words: list[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]


def four_eyes_refusal(did: list[str], contributors: Iterable[int], *, what: str) -> FourEyes:
    """The refusal of an approval by someone who contributed, naming who may instead."""
    names = may_approve_instead(contributors)
    if not names:
        instead = "Ask another editor to approve it."
    elif len(names) > MAX_NAMED_APPROVERS:
        others = len(names) - MAX_NAMED_APPROVERS
        instead = (
            f"It may be approved by {', '.join(names[:MAX_NAMED_APPROVERS])} or "
            f"{others} other editor{'s' if others > 1 else ''}."
        )
    else:
        instead = f"It may be approved by {_join(names, 'or')}."
    return FourEyes(
        f"You {_join(did)}, so you cannot approve {what}: everything readers see is checked "
        f"by two people. {instead}",
        contributed=did,
        may_approve=names,
    )


def require_non_contributor(claim: Claim, user, action: Action, *, proposal=None) -> None:
    found = contributions(claim, action, proposal=proposal)
    if user.pk in found:
        what = f"this {proposal.get_kind_display().lower()}" if proposal else "this claim"
        raise four_eyes_refusal(found[user.pk], found, what=what)

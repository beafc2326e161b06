"""The workflow's rule book as data: its transitions, with every word people read.

Each transition carries its button label, confirmation, messages and who may take it; the
reviewer UI, the API, the admin and the public methodology page all read them from here,
and :mod:`claims.workflow` enforces them. A leaf of the domain: it imports only the
vocabularies (:mod:`claims.enums`), the roles and the errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import roles
from .enums import Action, ClaimStatus, ProposalKind
from .errors import NotPermitted

REVIEWER = "reviewer"
EDITOR = "editor"


@dataclass(frozen=True)
class Transition:
    """One step of the workflow, with every word the UI, API, admin and methodology use.

    ``label`` is the button; ``done`` the message after it; ``verb`` completes "Only an
    editor can …"; ``past`` completes "A claim that is draft cannot be …"; ``who`` says
    who may take it (methodology page, README). An action with ``comment_label`` asks
    for a comment, required when ``comment_missing`` says what to write. ``confirm`` is
    asked before acting. ``proposed`` steps are filed as a proposal (``proposal_kind``)
    that a second editor approves.
    """

    action: Action
    sources: frozenset[ClaimStatus]
    target: ClaimStatus
    role: str
    label: str
    done: str
    verb: str
    past: str
    who: str
    comment_label: str = ""
    comment_missing: str = ""
    comment_field: str = ""
    confirm: str = ""
    proposed: bool = False
    proposal_kind: ProposalKind | None = None
    public: bool = False

    @property
    def has_comment(self) -> bool:
        return bool(self.comment_label)


def _states(*states: ClaimStatus) -> frozenset[ClaimStatus]:
    return frozenset(states)


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(
            Action.START,
            _states(ClaimStatus.DRAFT),
            ClaimStatus.RESEARCHING,
            REVIEWER,
            label="Start research",
            done="Research started.",
            verb="start research on a claim",
            past="started",
            who="A reviewer or an editor",
        ),
        Transition(
            Action.SUBMIT,
            _states(ClaimStatus.RESEARCHING),
            ClaimStatus.IN_REVIEW,
            REVIEWER,
            label="Submit for review",
            done="Submitted for review: an editor who did not work on it will check it.",
            verb="submit a claim for review",
            past="submitted for review",
            who="A reviewer or an editor, once it has a rating, a one-line verdict, an "
            "explanation and at least one source",
        ),
        Transition(
            Action.APPROVE,
            _states(ClaimStatus.IN_REVIEW),
            ClaimStatus.PUBLISHED,
            EDITOR,
            label="Approve and publish",
            done="Approved: the fact-check is published.",
            verb="approve a claim",
            past="approved",
            who="An editor who did not contribute to it: who did not create it, edit its "
            "statement, quote or verdict, cite or change its sources, or submit it",
            confirm="Readers see this verdict as soon as you approve it.",
            public=True,
        ),
        Transition(
            Action.REJECT,
            _states(ClaimStatus.IN_REVIEW),
            ClaimStatus.RESEARCHING,
            EDITOR,
            label="Send back for changes",
            done="Sent back for changes; your comment is in the notes.",
            verb="send a claim back for changes",
            past="sent back for changes",
            who="An editor, saying what needs to change",
            comment_label="What needs to change (added to the notes)",
            comment_missing="Say what needs to change: the comment goes to the reviewer's notes.",
            comment_field="A comment is required when sending a claim back.",
        ),
        Transition(
            Action.WITHDRAW,
            _states(ClaimStatus.PUBLISHED),
            ClaimStatus.WITHDRAWN,
            EDITOR,
            label="Propose withdrawing this fact-check",
            done="Withdrawal proposed: readers see the fact-check as it is until another "
            "editor approves it.",
            verb="withdraw a fact-check",
            past="withdrawn",
            who="Proposed by an editor with a public reason; takes effect when a second "
            "editor, who did not propose it, approves",
            comment_label="Public reason for withdrawing (shown to readers)",
            comment_missing="Give the public reason for withdrawing this fact-check.",
            comment_field="A public reason is required to withdraw.",
            confirm="Readers keep seeing the fact-check until another editor approves the "
            "withdrawal.",
            proposed=True,
            proposal_kind=ProposalKind.WITHDRAWAL,
            public=True,
        ),
        Transition(
            Action.CORRECT,
            _states(ClaimStatus.PUBLISHED),
            ClaimStatus.PUBLISHED,
            EDITOR,
            label="Propose a correction",
            done="Correction proposed: readers see the current verdict until another editor "
            "approves it.",
            verb="correct a published verdict",
            past="corrected",
            who="Proposed by an editor with a public note; published when a second editor, "
            "who did not propose it, approves",
            comment_label="Public correction note: what changed and why (shown to readers)",
            comment_missing="A correction needs a public note saying what changed and why.",
            comment_field="A public correction note is required.",
            confirm="Readers keep seeing the current verdict until another editor approves "
            "the correction.",
            proposed=True,
            proposal_kind=ProposalKind.CORRECTION,
            public=True,
        ),
    )
}
PROPOSED_ACTIONS = {t.proposal_kind: t.action for t in TRANSITIONS.values() if t.proposed}


@dataclass(frozen=True)
class Step:
    """An editor's act on a published claim that is not a transition (no state change)."""

    label: str
    done: str
    who: str
    comment_label: str
    comment_missing: str


REAFFIRM = Step(
    label="Record that the evidence was re-checked",
    done="Recorded: readers see that the evidence was re-checked and the verdict stands.",
    who="An editor who re-checked the evidence and found the verdict stands",
    comment_label="What was re-checked, and why the verdict stands (shown to readers)",
    comment_missing="Say what was re-checked and why the verdict stands.",
)

# Why a claim offers this user no workflow button at all.
NO_ACTION_REASONS = {
    ClaimStatus.IN_REVIEW: "An editor who did not work on it will approve it or send it back "
    "for changes.",
    ClaimStatus.PUBLISHED: "Only editors can propose a correction or a withdrawal of a "
    "published fact-check.",
    ClaimStatus.WITHDRAWN: "A withdrawn fact-check is final: nothing more can be done to it.",
}

# Content (statement, claimant, tags, span) and verdict can be edited only while the claim
# is being researched: what an editor approves is exactly what was submitted, and a
# published verdict changes only through a public correction.
EDITABLE_STATES = frozenset({ClaimStatus.DRAFT, ClaimStatus.RESEARCHING})
VERDICT_FIELDS = ("rating", "summary", "explanation")
SPAN_FIELDS = ("quote", "start_offset", "end_offset")
EDITABLE_FIELDS = ("statement", "claimant", "claimant_kind", *SPAN_FIELDS, *VERDICT_FIELDS)

LOCKED_MESSAGES = {
    ClaimStatus.IN_REVIEW: (
        "This claim is in review, so it cannot be edited: an editor approves exactly what "
        "was submitted. Ask an editor to send it back for changes."
    ),
    ClaimStatus.PUBLISHED: (
        "This claim is published. Its verdict changes only through a public correction, "
        "proposed by an editor and approved by another."
    ),
    ClaimStatus.WITHDRAWN: "This claim has been withdrawn and can no longer be edited.",
}


def has_role(user, role: str) -> bool:
    return roles.is_editor(user) if role == EDITOR else roles.is_reviewer(user)


def require_role(user, role: str, what: str) -> None:
    """Refuse (``NotPermitted``) unless ``user`` has ``role``; ``what`` completes "Only an
    editor can …"."""
    if not has_role(user, role):
        needed = "an editor" if role == EDITOR else "a reviewer or an editor"
        raise NotPermitted(f"Only {needed} can {what}.")

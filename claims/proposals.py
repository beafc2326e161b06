"""Proposals: changes that reach readers only when a second editor approves them.

One mechanism for everything that needs two people after publication: corrections and
withdrawals of published fact-checks, edits of articles readers can see, and archived-copy
links on public fact-checks. Here a proposal is filed, cancelled or superseded;
``claims.approvals`` approves it (and applies it through ``claims.workflow`` or
``claims.editing``).

The rules, for every kind:

1. a proposal is written against a version of its claim, article or source, and refused
   if that version is stale when it is filed;
2. one pending proposal of a kind per thing (a second one is refused while the first
   waits);
3. readers keep seeing the current state until approval;
4. the proposer, or any editor, may cancel it;
5. when what it is based on changes (another proposal was approved first), it is
   superseded, never applied over the newer state;
6. every step is an event on the claim's history (``ClaimEvent.proposal``) — for an
   article edit, on the proposal row itself (who decided, when) and, once applied, on the
   article's revisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import roles, rules, workflow
from .enums import Action, ClaimStatus, ProposalKind, ProposalState
from .errors import Incomplete, InvalidTransition, NotPermitted
from .events import record_event
from .models import Article, Claim, Proposal, Source


@dataclass(frozen=True)
class ProposalRule:
    """Who may propose a kind of change, and the words of its steps."""

    kind: ProposalKind
    role: str  # who may propose it; approving always takes an editor
    noun: str  # "correction": "this correction", "approve a correction"
    article: str  # "a" or "an"
    approve_label: str
    approved: str
    cancelled: str = "Proposal cancelled: nothing changes for readers."


RULES: dict[str, ProposalRule] = {
    rule.kind: rule
    for rule in (
        ProposalRule(
            ProposalKind.CORRECTION,
            rules.EDITOR,
            "correction",
            "a",
            approve_label="Approve and publish the correction",
            approved="Correction approved and published.",
        ),
        ProposalRule(
            ProposalKind.WITHDRAWAL,
            rules.EDITOR,
            "withdrawal",
            "a",
            approve_label="Approve the withdrawal",
            approved="Withdrawal approved: readers now see the reason instead of the verdict.",
        ),
        ProposalRule(
            ProposalKind.ARTICLE_EDIT,
            rules.REVIEWER,
            "article edit",
            "an",
            approve_label="Approve the article edit",
            approved="Article edit approved: readers now see the new revision.",
        ),
        ProposalRule(
            ProposalKind.ARCHIVED_COPY,
            rules.REVIEWER,
            "archived copy",
            "an",
            approve_label="Approve the archived copy",
            approved="Archived copy approved: readers see it beside the original link.",
        ),
    )
}
PUBLIC_STATES = (ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN)


def _event(proposal: Proposal, *, by, action: Action, comment: str = "") -> None:
    """A step of the proposal on its claim's history (an article edit has no claim: its
    steps are on the proposal row, and its approval on the article's revisions)."""
    if proposal.claim_id is None:
        return
    claim = Claim.objects.get(pk=proposal.claim_id)
    record_event(
        claim,
        by=by,
        action=action,
        from_status=claim.status,
        to_status=claim.status,
        rating_before=claim.rating,
        rating_after=claim.rating,
        comment=comment,
        version=claim.version,
        proposal=proposal,
    )


def _already_pending(**target: Any) -> InvalidTransition | None:
    waiting = Proposal.objects.pending().filter(**target).select_related("proposed_by").first()
    if waiting is None:
        return None
    when = timezone.localtime(waiting.proposed_at)
    return InvalidTransition(
        f"{waiting.get_kind_display()} proposed by {roles.display_name(waiting.proposed_by)} "
        f"on {when:%d %b at %H:%M} is already waiting for a second editor: approve or "
        "cancel it first."
    )


def file_proposal(
    kind: ProposalKind,
    *,
    by,
    based_on_version: int,
    values: dict[str, Any],
    note: str = "",
    claim: Claim | None = None,
    article: Article | None = None,
    source: Source | None = None,
) -> Proposal:
    """Store a pending proposal and record it (inside the caller's transaction, which has
    already checked the role, the state and the version). Side effects: one ``propose``
    event on the claim's history (none for an article edit)."""
    target = {"kind": kind}
    if source is not None:
        target["source"] = source
    elif article is not None:
        target["article"] = article
    else:
        target.update(claim=claim, source__isnull=True)
    refusal = _already_pending(**target)
    if refusal:
        raise refusal
    try:
        # A savepoint: the unique constraint catches two proposals filed at the same moment.
        with transaction.atomic():
            proposal = Proposal.objects.create(
                kind=kind,
                claim=claim,
                article=article,
                source=source,
                values=values,
                note=note,
                based_on_version=based_on_version,
                proposed_by=by,
            )
    except IntegrityError:
        raise _already_pending(**target) or InvalidTransition(
            "Another proposal of this kind was filed at the same moment: reload the page."
        ) from None
    _event(proposal, by=by, action=Action.PROPOSE, comment=note)
    return proposal


def propose(claim: Claim, action: str, *, by, version: int | None, comment: str = "", verdict=None):
    """Propose a correction or a withdrawal by the transition's name (the UI's buttons,
    the API's ``transitions``, the admin's actions)."""
    transition = workflow.transition_named(action)
    if not transition.proposed:
        raise InvalidTransition(f"“{transition.label}” takes effect at once: nothing to propose.")
    if transition.action == Action.CORRECT:
        return propose_correction(claim, by=by, version=version, note=comment, **(verdict or {}))
    return propose_withdrawal(claim, by=by, version=version, reason=comment)


def act(claim: Claim, action: str, *, by, version: int | None, comment: str = "", verdict=None):
    """One workflow button, whatever it does: a direct transition returns the claim; a
    correction or a withdrawal files a proposal and returns it. The reviewer UI, the API's
    ``transitions`` and the admin's actions all come through here."""
    transition = workflow.transition_named(action)
    if transition.proposed:
        return propose(
            claim, transition.action, by=by, version=version, comment=comment, verdict=verdict
        )
    return workflow.perform(claim, transition.action, by=by, version=version, comment=comment)


def _proposable(claim: Claim, action: Action, *, by, version: int | None, note: str) -> Claim:
    """The claim's current row, once role, version, state and note allow proposing."""
    transition = rules.TRANSITIONS[action]
    rules.require_role(by, transition.role, transition.verb)
    current = workflow.lock_current(claim, version)
    if current.status not in transition.sources:
        raise InvalidTransition(
            f"A claim that is {current.get_status_display().lower()} cannot be {transition.past}."
        )
    if not note:
        raise Incomplete(transition.comment_missing, {"comment": transition.comment_field})
    return current


def propose_correction(
    claim: Claim,
    *,
    by,
    version: int | None,
    note: str,
    rating: str | None = None,
    summary: str | None = None,
    explanation: str | None = None,
) -> Proposal:
    """An editor proposes a new verdict for a published claim, with a public note.

    Readers see the current verdict until a second editor approves. Side effects: one
    pending proposal; one ``propose`` event.
    """
    note = (note or "").strip()
    verdict = {"rating": rating, "summary": summary, "explanation": explanation}
    verdict = {name: value for name, value in verdict.items() if value is not None}
    with transaction.atomic():
        current = _proposable(claim, Action.CORRECT, by=by, version=version, note=note)
        values = workflow.correction_changes(current, verdict)
        return file_proposal(
            ProposalKind.CORRECTION,
            by=by,
            claim=current,
            based_on_version=current.version,
            values=values,
            note=note,
        )


def propose_withdrawal(claim: Claim, *, by, version: int | None, reason: str) -> Proposal:
    """An editor proposes withdrawing a published fact-check, with the public reason.

    Side effects: one pending proposal; one ``propose`` event.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        current = _proposable(claim, Action.WITHDRAW, by=by, version=version, note=reason)
        return file_proposal(
            ProposalKind.WITHDRAWAL,
            by=by,
            claim=current,
            based_on_version=current.version,
            values={},
            note=reason,
        )


def decide(proposal: Proposal, state: ProposalState, *, by, note: str = "") -> Proposal:
    """Move a pending proposal to ``state`` with a conditional update (zero rows: someone
    else decided first)."""
    rows = Proposal.objects.filter(pk=proposal.pk, state=ProposalState.PENDING).update(
        state=state, decided_by=by, decided_at=timezone.now(), decision_note=note
    )
    if rows == 0:
        current = Proposal.objects.get(pk=proposal.pk)
        raise InvalidTransition(
            f"This proposal is no longer pending: it is {current.get_state_display().lower()}."
        )
    proposal.refresh_from_db()
    return proposal


def cancel_proposal(proposal: Proposal, *, by, reason: str = "") -> Proposal:
    """The proposer, or any editor, withdraws a pending proposal; nothing changes for
    readers. Side effects: the proposal is cancelled; one ``cancel_proposal`` event."""
    rules.require_role(by, rules.REVIEWER, "cancel proposals")
    if proposal.proposed_by_id != by.pk and not roles.is_editor(by):
        raise NotPermitted("Only the editor who proposed it, or another editor, can cancel it.")
    with transaction.atomic():
        current = Proposal.objects.select_for_update().get(pk=proposal.pk)
        decide(current, ProposalState.CANCELLED, by=by, note=(reason or "").strip())
        _event(current, by=by, action=Action.CANCEL_PROPOSAL, comment=(reason or "").strip())
    proposal.refresh_from_db()
    return proposal


def supersede(proposal: Proposal, *, by, why: str) -> Proposal:
    """Mark a pending proposal superseded: what it was written against has changed.

    Side effects: the proposal is superseded; one ``supersede_proposal`` event.
    """
    decide(proposal, ProposalState.SUPERSEDED, by=by, note=why)
    _event(proposal, by=by, action=Action.SUPERSEDE_PROPOSAL, comment=why)
    return proposal


def supersede_stale_claim_proposals(claim: Claim, *, by) -> None:
    """After a correction or withdrawal is published: the claim's other pending proposals
    were written against an older version, so none of them is applied over the new one."""
    current_version = Claim.objects.values_list("version", flat=True).get(pk=claim.pk)
    stale = Proposal.objects.pending().filter(
        claim=claim, source__isnull=True, based_on_version__lt=current_version
    )
    for proposal in stale.select_for_update():
        supersede(
            proposal,
            by=by,
            why=f"The fact-check changed (now version {current_version}) after this was "
            "proposed: propose it again if it still applies.",
        )

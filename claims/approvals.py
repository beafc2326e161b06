"""The second editor's approval of a proposal: what makes it reach readers.

Above ``claims.workflow`` (which publishes corrections and withdrawals) and
``claims.editing`` (which applies article edits and archived copies) in the import order,
so both stay the only code that changes what they own.
"""

from __future__ import annotations

from django.db import transaction

from . import contribution, editing, proposals, rules, workflow
from .enums import ProposalKind, ProposalState
from .errors import InvalidTransition, StaleVersion
from .models import Proposal


def approve_proposal(proposal: Proposal, *, by) -> Proposal:
    """Approve a pending proposal and apply it, in one transaction.

    1. Only an editor, and not the one who proposed it (four eyes; superusers included).
    2. The proposal must still be pending (a conditional update: two editors approving at
       once cannot both win).
    3. What it was written against must not have changed: a stale proposal is refused,
       and marked superseded (in a transaction of its own, so the mark survives the
       refusal).
    4. Applied by the module that owns the change: a correction or withdrawal by
       ``claims.workflow`` (public event, ``Correction``), an article edit by
       ``claims.editing`` (a revision, an event on each claim whose words moved), an
       archived copy by ``claims.editing`` (its verification queued).
    5. The claim's other pending proposals, now written against an older version, are
       superseded.
    """
    rule = proposals.RULES[proposal.kind]
    rules.require_role(by, rules.EDITOR, f"approve {rule.article} {rule.noun}")
    try:
        with transaction.atomic():
            current = Proposal.objects.select_for_update().get(pk=proposal.pk)
            if current.state != ProposalState.PENDING:
                raise InvalidTransition(
                    f"This proposal is no longer pending: it is "
                    f"{current.get_state_display().lower()}."
                )
            contribution.require_non_contributor(None, by, None, proposal=current)
            if current.kind in (ProposalKind.CORRECTION, ProposalKind.WITHDRAWAL):
                workflow.apply_proposed(current.claim, current, by=by)
            elif current.kind == ProposalKind.ARTICLE_EDIT:
                editing.apply_article_edit(current, by=by)
            else:
                editing.apply_archived_copy(current, by=by)
            proposals.decide(current, ProposalState.APPROVED, by=by)
            if current.claim_id and current.source_id is None:
                proposals.supersede_stale_claim_proposals(current.claim, by=by)
    except StaleVersion as exc:
        with transaction.atomic():
            stale = Proposal.objects.select_for_update().get(pk=proposal.pk)
            if stale.state == ProposalState.PENDING:
                proposals.supersede(
                    stale,
                    by=by,
                    why="What this was written against changed before it was approved: "
                    "propose it again if it still applies.",
                )
        raise StaleVersion(
            f"This {rule.noun} was written against version {proposal.based_on_version}, "
            f"which is no longer current (now version {exc.current_version}). It has been "
            "marked superseded: propose it again if it still applies.",
            current_version=exc.current_version,
        ) from None
    proposal.refresh_from_db()
    return proposal

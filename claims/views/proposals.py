"""Reviewer views of proposals: a second editor approves, the proposer (or an editor)
cancels. Plain POSTs that redirect to where the proposal is shown (its claim's editor, or
its article's page) with a message; refusals come back as a message, with nothing saved."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import approvals, contribution, proposals, roles
from ..enums import Action
from ..errors import WorkflowError
from ..forms import CancelProposalForm
from ..models import Proposal
from .access import reviewer_required


def proposal_rights(proposal: Proposal, user) -> dict:
    """Who may do what with a pending proposal: approve (an editor who did not propose
    it — the four-eyes rule of ``claims.contribution``), or cancel (its proposer, or any
    editor); and, for its proposer, why not approve."""
    found = contribution.contributions(None, Action.APPROVE, proposal=proposal)
    refusal = ""
    if roles.is_editor(user) and user.pk in found:
        what = f"this {proposal.get_kind_display().lower()}"
        refusal = contribution.four_eyes_refusal(found[user.pk], found, what=what).message
    return {
        "proposal": proposal,
        "rule": proposals.RULES[proposal.kind],
        "can_approve": roles.is_editor(user) and user.pk not in found,
        "refusal": refusal,
        "can_cancel": proposal.proposed_by_id == user.pk or roles.is_editor(user),
        "cancel_form": CancelProposalForm(prefix=f"cancel-{proposal.pk}"),
    }


def proposal_page(proposal: Proposal) -> str:
    """Where a proposal is shown: its claim's editor, or its article's page."""
    if proposal.claim_id:
        return reverse("claims:review_claim", args=[proposal.claim_id]) + "#proposals"
    return reverse("claims:review_article", args=[proposal.article.slug]) + "#proposals"


@reviewer_required
@require_POST
def proposal_approve(request, pk: int):
    proposal = get_object_or_404(Proposal.objects.select_related("article"), pk=pk)
    try:
        approvals.approve_proposal(proposal, by=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, proposals.RULES[proposal.kind].approved)
    return redirect(proposal_page(proposal))


@reviewer_required
@require_POST
def proposal_cancel(request, pk: int):
    proposal = get_object_or_404(Proposal.objects.select_related("article"), pk=pk)
    form = CancelProposalForm(request.POST, prefix=f"cancel-{proposal.pk}")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        proposals.cancel_proposal(proposal, by=request.user, reason=reason)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, proposals.RULES[proposal.kind].cancelled)
    return redirect(proposal_page(proposal))

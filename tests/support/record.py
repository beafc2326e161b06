"""Helpers for tests that need a published correction or withdrawal: both take two
editors now (one proposes, another approves), exactly as in production."""

from claims import approvals, proposals


def second_editor():
    from tests.factories import user_with_role

    return user_with_role("second-editor", "Editors")


def publish_correction(claim, *, by, approver=None, note="Corrected.", **verdict):
    """Propose a correction as ``by`` and approve it as ``approver`` (another editor)."""
    proposal = proposals.propose_correction(
        claim, by=by, version=claim.version, note=note, **verdict
    )
    approvals.approve_proposal(proposal, by=approver or second_editor())
    claim.refresh_from_db()
    return claim


def publish_withdrawal(claim, *, by, approver=None, reason="Withdrawn."):
    """Propose a withdrawal as ``by`` and approve it as ``approver`` (another editor)."""
    proposal = proposals.propose_withdrawal(claim, by=by, version=claim.version, reason=reason)
    approvals.approve_proposal(proposal, by=approver or second_editor())
    claim.refresh_from_db()
    return claim

"""Proposals: readers keep the current version until a second editor approves; the
proposer (or any editor) cancels; a stale proposal is refused and superseded; one waits
per kind; every step is on the record."""

import pytest
from django.db.models import F
from django.urls import reverse

from claims import approvals, editing, proposals
from claims.enums import Action, ClaimStatus, ProposalKind, ProposalState, Rating
from claims.errors import FourEyes, Incomplete, InvalidTransition, NotPermitted, StaleVersion
from claims.models import Article, Claim, ClaimEvent, Correction, Proposal, Source
from tests.factories import BODY, PublishedClaimFactory, SourceFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(db):
    claim = PublishedClaimFactory(rating=Rating.MIXED, summary="Partly right.")
    SourceFactory(claim=claim)
    return claim


def actions(claim) -> list[str]:
    return list(ClaimEvent.objects.filter(claim=claim).values_list("action", flat=True))


def test_readers_see_the_old_verdict_until_a_second_editor_approves(
    client, api_client, claim, editor, other_editor
):
    proposal = proposals.propose_correction(
        claim, by=editor, version=1, note="The figure was revised.", rating=Rating.FALSE
    )
    page = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    api = api_client.get(f"/api/v1/claims/{claim.slug}/").json()
    assert '<span class="badge badge--mixed">Mixed</span>' in page
    assert "The figure was revised." not in page
    assert (api["rating"]["value"], api["corrections"]) == ("mixed", [])
    assert (Claim.objects.get().version, Correction.objects.count()) == (1, 0)

    approvals.approve_proposal(proposal, by=other_editor)

    page = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert '<span class="badge badge--false">False</span>' in page
    assert "The figure was revised." in page
    assert "Proposed by Eddie, approved by Erin." in page
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by, proposal.decided_at is not None) == (
        ProposalState.APPROVED,
        other_editor,
        True,
    )
    assert actions(claim) == [Action.PROPOSE, Action.CORRECT]


def test_the_proposer_cannot_approve(claim, editor):
    proposal = proposals.propose_withdrawal(claim, by=editor, version=1, reason="Misquoted.")
    with pytest.raises(FourEyes):
        approvals.approve_proposal(proposal, by=editor)
    assert (Proposal.objects.get().state, Claim.objects.get().status) == (
        ProposalState.PENDING,
        ClaimStatus.PUBLISHED,
    )


def test_a_reviewer_cannot_approve_even_an_archived_copy_they_did_not_propose(
    claim, reviewer, editor
):
    source = claim.sources.get()
    result = editing.record_archived_copy(source, by=editor, archived_url="https://a.example/1")
    with pytest.raises(NotPermitted) as excinfo:
        approvals.approve_proposal(result.proposal, by=reviewer)
    assert excinfo.value.message == "Only an editor can approve an archived copy."


def test_the_proposer_or_another_editor_cancels_a_reviewer_does_not(
    claim, reviewer, editor, other_editor
):
    first = proposals.propose_withdrawal(claim, by=editor, version=1, reason="Misquoted.")
    with pytest.raises(NotPermitted):
        proposals.cancel_proposal(first, by=reviewer)
    proposals.cancel_proposal(first, by=editor, reason="Second thoughts.")
    first.refresh_from_db()
    assert (first.state, first.decided_by, first.decision_note) == (
        ProposalState.CANCELLED,
        editor,
        "Second thoughts.",
    )
    second = proposals.propose_withdrawal(claim, by=editor, version=1, reason="Misquoted.")
    proposals.cancel_proposal(second, by=other_editor)
    with pytest.raises(InvalidTransition) as excinfo:
        approvals.approve_proposal(second, by=other_editor)
    assert excinfo.value.message == "This proposal is no longer pending: it is cancelled."
    assert Claim.objects.get().status == ClaimStatus.PUBLISHED
    assert actions(claim) == [
        Action.PROPOSE,
        Action.CANCEL_PROPOSAL,
        Action.PROPOSE,
        Action.CANCEL_PROPOSAL,
    ]


def test_one_proposal_of_a_kind_waits_at_a_time(claim, editor, other_editor):
    proposals.propose_correction(claim, by=editor, version=1, note="A.", summary="One.")
    with pytest.raises(InvalidTransition) as excinfo:
        proposals.propose_correction(claim, by=other_editor, version=1, note="B.", summary="Two.")
    assert excinfo.value.message.startswith("Correction proposed by Eddie on ")
    assert excinfo.value.message.endswith(
        "is already waiting for a second editor: approve or cancel it first."
    )
    # Another kind may wait beside it.
    proposals.propose_withdrawal(claim, by=other_editor, version=1, reason="Gone.")
    assert Proposal.objects.pending().count() == 2


def test_a_proposal_written_against_a_stale_version_is_refused(claim, editor):
    with pytest.raises(StaleVersion):
        proposals.propose_correction(claim, by=editor, version=7, note="N.", summary="S.")
    assert Proposal.objects.count() == 0


def test_approving_one_proposal_supersedes_the_others_on_that_claim(claim, editor, other_editor):
    withdrawal = proposals.propose_withdrawal(claim, by=editor, version=1, reason="Gone.")
    correction = proposals.propose_correction(
        claim, by=editor, version=1, note="Revised.", summary="Now right."
    )
    approvals.approve_proposal(correction, by=other_editor)
    withdrawal.refresh_from_db()
    assert (withdrawal.state, withdrawal.decided_by) == (ProposalState.SUPERSEDED, other_editor)
    with pytest.raises(InvalidTransition):
        approvals.approve_proposal(withdrawal, by=other_editor)
    assert Claim.objects.get().status == ClaimStatus.PUBLISHED
    assert actions(claim) == [
        Action.PROPOSE,
        Action.PROPOSE,
        Action.CORRECT,
        Action.SUPERSEDE_PROPOSAL,
    ]


def test_a_proposal_whose_claim_moved_on_is_refused_and_marked_superseded(
    claim, editor, other_editor
):
    proposal = proposals.propose_correction(claim, by=editor, version=1, note="N.", summary="S.")
    Claim.objects.filter(pk=claim.pk).update(version=F("version") + 1)  # changed meanwhile
    with pytest.raises(StaleVersion) as excinfo:
        approvals.approve_proposal(proposal, by=other_editor)
    assert excinfo.value.message == (
        "This correction was written against version 1, which is no longer current (now "
        "version 2). It has been marked superseded: propose it again if it still applies."
    )
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUPERSEDED
    assert (Claim.objects.get().summary, Correction.objects.count()) == ("Partly right.", 0)


def test_a_correction_proposal_is_validated_when_filed(claim, editor):
    with pytest.raises(Incomplete) as excinfo:
        proposals.propose_correction(claim, by=editor, version=1, note="  ", summary="New.")
    assert excinfo.value.fields == {"comment": "A public correction note is required."}
    with pytest.raises(Incomplete):
        proposals.propose_correction(
            claim, by=editor, version=1, note="N.", summary="Partly right."
        )
    assert Proposal.objects.count() == 0


def test_queryset_pending_and_awaiting_decision_by(claim, reviewer, editor, other_editor):
    mine = proposals.propose_correction(claim, by=editor, version=1, note="N.", summary="S.")
    theirs = proposals.propose_withdrawal(claim, by=other_editor, version=1, reason="R.")
    assert set(Proposal.objects.pending()) == {mine, theirs}
    assert list(Proposal.objects.awaiting_decision_by(editor)) == [theirs]
    assert list(Proposal.objects.awaiting_decision_by(other_editor)) == [mine]
    assert list(Proposal.objects.awaiting_decision_by(reviewer)) == []


# --- Archived copies and article edits --------------------------------------------------------


def test_an_archived_copy_on_a_public_claim_waits_for_an_editor(claim, reviewer, editor):
    source = claim.sources.get()
    result = editing.record_archived_copy(
        source, by=reviewer, archived_url="https://web.archive.org/web/2024/x"
    )
    assert (result.proposal.kind, result.proposal.values) == (
        ProposalKind.ARCHIVED_COPY,
        {"archived_url": "https://web.archive.org/web/2024/x"},
    )
    assert Source.objects.get().archived_url == ""
    approvals.approve_proposal(result.proposal, by=editor)
    source.refresh_from_db()
    assert (source.archived_url, source.version, source.archive_verified) == (
        "https://web.archive.org/web/2024/x",
        2,
        None,
    )
    event = ClaimEvent.objects.get(action=Action.ARCHIVE_SOURCE)
    assert (event.actor, event.proposal, event.changes[0]["after"]["archived_url"]) == (
        editor,
        result.proposal,
        "https://web.archive.org/web/2024/x",
    )


def test_an_edit_of_an_article_readers_see_waits_for_a_second_editor(
    client, claim, reviewer, editor
):
    article = claim.article
    edit = editing.update_article(
        article,
        by=reviewer,
        version=1,
        fields={"title": "A new headline", "url": "https://elsewhere.example/story"},
        comment="The outlet changed its headline.",
    )
    assert (edit.revision, edit.proposal.kind, edit.proposal.values) == (
        None,
        ProposalKind.ARTICLE_EDIT,
        {"title": "A new headline", "url": "https://elsewhere.example/story"},
    )
    # Readers and ClaimReview still see the article as it was.
    page = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert article.title in page and "A new headline" not in page
    assert '"url": "https://elsewhere.example/story"' not in page
    assert Article.objects.get().version == 1

    approvals.approve_proposal(edit.proposal, by=editor)
    article.refresh_from_db()
    revision = article.revisions.get(number=2)
    assert (article.title, article.version) == ("A new headline", 2)
    assert (revision.actor, revision.approved_by, revision.changed_fields, revision.comment) == (
        reviewer,
        editor,
        ["title", "url"],
        "The outlet changed its headline.",
    )
    page = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert '"url": "https://elsewhere.example/story"' in page


def test_an_article_edit_proposal_that_would_now_lose_quoted_words_is_refused(
    claim, reviewer, editor
):
    """Approval re-checks the edit against the claims as they are then."""
    from claims import anchoring

    article = claim.article
    edit = editing.update_article(
        article, by=reviewer, version=1, fields={"body": BODY.replace("part-time workers", "")}
    )
    start = BODY.index("part-time workers")
    editing.create_claim(
        article, by=reviewer, quote="part-time workers", start_offset=start,
        end_offset=start + len("part-time workers"), statement="S", claimant="C",
    )  # fmt: skip
    with pytest.raises(editing.Invalid) as excinfo:
        approvals.approve_proposal(edit.proposal, by=editor)
    assert "“part-time workers”" in excinfo.value.fields["body"]
    assert (Article.objects.get().body, Proposal.objects.get().state) == (
        anchoring.normalise_body(BODY),
        ProposalState.PENDING,
    )


def test_a_stale_article_edit_is_refused(claim, reviewer):
    with pytest.raises(StaleVersion) as excinfo:
        editing.update_article(claim.article, by=reviewer, version=5, fields={"title": "T"})
    assert excinfo.value.current_version == 1
    assert Proposal.objects.count() == 0


def test_only_an_editor_approves(claim, editor):
    user = user_with_role("rick", "Reviewers")
    proposal = proposals.propose_correction(claim, by=editor, version=1, note="N.", summary="S.")
    with pytest.raises(NotPermitted) as excinfo:
        approvals.approve_proposal(proposal, by=user)
    assert excinfo.value.message == "Only an editor can approve a correction."

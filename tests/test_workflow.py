import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from claims import proposals, workflow
from claims.enums import Action, ClaimStatus, ProposalKind, ProposalState, Rating
from claims.errors import (
    FourEyes,
    Incomplete,
    Invalid,
    InvalidTransition,
    Locked,
    NotPermitted,
    StaleVersion,
)
from claims.models import AppendOnlyError, Claim, ClaimEvent, Correction, Note, Proposal
from tests.factories import (
    ClaimFactory,
    InReviewClaimFactory,
    SourceFactory,
    user_with_role,
)
from tests.support.record import publish_correction, publish_withdrawal

pytestmark = pytest.mark.django_db

# The rule book, written out from the issue rather than derived from the code under test.
# Correct and withdraw are proposed: allowed, they file a proposal and change nothing yet.
PROPOSED = {Action.CORRECT: ProposalKind.CORRECTION, Action.WITHDRAW: ProposalKind.WITHDRAWAL}
ALLOWED = {
    (ClaimStatus.DRAFT, Action.START): ClaimStatus.RESEARCHING,
    (ClaimStatus.RESEARCHING, Action.SUBMIT): ClaimStatus.IN_REVIEW,
    (ClaimStatus.IN_REVIEW, Action.APPROVE): ClaimStatus.PUBLISHED,
    (ClaimStatus.IN_REVIEW, Action.REJECT): ClaimStatus.RESEARCHING,
    (ClaimStatus.PUBLISHED, Action.WITHDRAW): ClaimStatus.WITHDRAWN,
    (ClaimStatus.PUBLISHED, Action.CORRECT): ClaimStatus.PUBLISHED,
}
EDITOR_ACTIONS = {Action.APPROVE, Action.REJECT, Action.WITHDRAW, Action.CORRECT}
ROLES = ("anonymous", "outsider", "reviewer", "editor", "superuser")
ROLE_GROUPS = {"outsider": None, "reviewer": "Reviewers", "editor": "Editors", "superuser": None}


def make_actor(role: str):
    if role == "anonymous":
        return AnonymousUser()
    extra = {"is_superuser": True, "is_staff": True} if role == "superuser" else {}
    return user_with_role(f"actor-{role}", ROLE_GROUPS[role], **extra)


def complete_claim(status: str, **kwargs) -> Claim:
    """A claim in ``status`` with everything the guards ask for, submitted by someone else."""
    submitter = user_with_role("sam", "Reviewers")
    claim = InReviewClaimFactory(status=status, submitted_by=submitter, **kwargs)
    SourceFactory(claim=claim)
    return claim


def arguments(action: Action) -> dict:
    return {
        Action.REJECT: {"comment": "Check the seasonally adjusted figure."},
        Action.WITHDRAW: {"comment": "The quote was misattributed."},
        Action.CORRECT: {
            "comment": "The summary gave the wrong figure.",
            "verdict": {"summary": "Close: the official figure is 4.4%."},
        },
    }.get(action, {})


def state_of(claim: Claim) -> dict:
    """Everything a refused action must leave untouched."""
    return {
        "claim": Claim.objects.filter(pk=claim.pk).values().get(),
        "events": ClaimEvent.objects.count(),
        "notes": Note.objects.count(),
        "corrections": Correction.objects.count(),
        "proposals": Proposal.objects.count(),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(Action)[:6])
@pytest.mark.parametrize("status", list(ClaimStatus))
def test_workflow_matrix(status, action, role):
    claim = complete_claim(status)
    actor = make_actor(role)
    before = state_of(claim)
    target = ALLOWED.get((status, action))
    permitted = role in {"editor", "superuser"} or (
        role == "reviewer" and action not in EDITOR_ACTIONS
    )

    if not permitted:
        with pytest.raises(NotPermitted):
            proposals.act(claim, action, by=actor, version=claim.version, **arguments(action))
        assert state_of(claim) == before
        return
    if target is None:
        with pytest.raises(InvalidTransition) as excinfo:
            proposals.act(claim, action, by=actor, version=claim.version, **arguments(action))
        assert type(excinfo.value) is InvalidTransition
        assert state_of(claim) == before
        return

    version = claim.version
    result = proposals.act(claim, action, by=actor, version=version, **arguments(action))
    if action in PROPOSED:
        # Filed for a second editor: the claim is exactly as it was; one "propose" event.
        assert (result.kind, result.state, result.proposed_by, result.based_on_version) == (
            PROPOSED[action],
            ProposalState.PENDING,
            actor,
            version,
        )
        assert {**state_of(claim), "events": 0, "proposals": 0} == {
            **before,
            "events": 0,
            "proposals": 0,
        }
        event = ClaimEvent.objects.get(action=Action.PROPOSE)
        assert (event.actor, event.proposal, event.version, event.public) == (
            actor,
            result,
            version,
            False,
        )
        assert ClaimEvent.objects.count() == before["events"] + 1
        return
    stored = Claim.objects.get(pk=claim.pk)
    assert (result.status, stored.status, stored.version) == (target, target, version + 1)
    event = ClaimEvent.objects.get(version=version + 1)
    assert ClaimEvent.objects.count() == before["events"] + 1
    assert (event.claim_id, event.actor, event.action, event.from_status, event.to_status) == (
        claim.pk,
        actor,
        action,
        status,
        target,
    )
    assert event.comment == arguments(action).get("comment", "")
    assert event.public is False


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_submitter_cannot_approve_whatever_their_role(role):
    actor = make_actor(role)
    other = user_with_role("erin", "Editors")
    claim = complete_claim(ClaimStatus.IN_REVIEW)
    Claim.objects.filter(pk=claim.pk).update(submitted_by=actor)
    claim.refresh_from_db()
    before = state_of(claim)
    with pytest.raises(FourEyes) as excinfo:
        workflow.approve_claim(claim, by=actor, version=claim.version)
    assert str(excinfo.value) == (
        "You submitted it, so you cannot approve this claim: everything readers see is "
        f"checked by two people. It may be approved by {other.get_full_name()}."
    )
    assert excinfo.value.may_approve == [other.get_full_name()]
    assert state_of(claim) == before
    assert Action.APPROVE not in workflow.allowed_actions(claim, actor)


def test_full_path_needs_two_people(reviewer, editor):
    claim = ClaimFactory()
    workflow.start_claim(claim, by=reviewer, version=claim.version)
    SourceFactory(claim=claim)
    workflow.edit_claim(
        claim,
        by=reviewer,
        version=claim.version,
        changes={"rating": Rating.ACCURATE, "summary": "Right.", "explanation": "It is."},
    )
    workflow.submit_claim(claim, by=reviewer, version=claim.version)
    workflow.approve_claim(claim, by=editor, version=claim.version)
    claim.refresh_from_db()
    assert (claim.status, claim.submitted_by, claim.approved_by) == (
        ClaimStatus.PUBLISHED,
        reviewer,
        editor,
    )
    assert claim.published_at is not None
    assert list(claim.events.values_list("action", "actor__username")) == [
        (Action.START, "rita"),
        (Action.EDIT, "rita"),
        (Action.SUBMIT, "rita"),
        (Action.APPROVE, "eddie"),
    ]


def test_submit_lists_everything_missing(reviewer):
    claim = ClaimFactory(status=ClaimStatus.RESEARCHING)
    with pytest.raises(Incomplete) as excinfo:
        workflow.submit_claim(claim, by=reviewer, version=claim.version)
    assert excinfo.value.fields == {
        "rating": "Choose a rating.",
        "summary": "Write the one-line verdict.",
        "explanation": "Explain the verdict.",
        "sources": "Cite at least one source.",
    }
    assert Claim.objects.get(pk=claim.pk).status == ClaimStatus.RESEARCHING


@pytest.mark.parametrize(
    ("status", "action", "field"),
    [
        (ClaimStatus.IN_REVIEW, Action.REJECT, "comment"),
        (ClaimStatus.PUBLISHED, Action.WITHDRAW, "comment"),
        (ClaimStatus.PUBLISHED, Action.CORRECT, "comment"),
    ],
)
def test_actions_that_need_a_comment_refuse_without_one(editor, status, action, field):
    claim = complete_claim(status)
    before = state_of(claim)
    verdict = {"summary": "x"} if action == Action.CORRECT else None
    with pytest.raises(Incomplete) as excinfo:
        proposals.act(
            claim, action, by=editor, version=claim.version, comment="   ", verdict=verdict
        )
    assert list(excinfo.value.fields) == [field]
    assert state_of(claim) == before


def test_reject_comment_goes_to_the_notes(editor):
    claim = complete_claim(ClaimStatus.IN_REVIEW)
    workflow.reject_claim(claim, by=editor, version=claim.version, comment="Needs a 2nd source.")
    assert list(claim.notes.values_list("author__username", "body")) == [
        ("eddie", "Needs a 2nd source.")
    ]
    assert ClaimEvent.objects.get(action=Action.REJECT).public is False


def test_withdraw_records_the_public_reason(editor, other_editor):
    claim = complete_claim(ClaimStatus.PUBLISHED)
    publish_withdrawal(claim, by=editor, approver=other_editor, reason="Misattributed.")
    assert (claim.status, claim.withdrawal_reason) == (ClaimStatus.WITHDRAWN, "Misattributed.")
    assert claim.withdrawn_at is not None
    event = ClaimEvent.objects.get(action=Action.WITHDRAW)
    assert (event.actor, event.public, event.proposal.proposed_by) == (other_editor, True, editor)


def test_correct_appends_a_correction(editor, other_editor):
    claim = complete_claim(ClaimStatus.PUBLISHED, rating=Rating.MOSTLY_ACCURATE)
    publish_correction(
        claim,
        by=editor,
        approver=other_editor,
        note="We misread the table.",
        rating=Rating.MISLEADING,
        summary=claim.summary,  # unchanged values are not "changes"
    )
    claim.refresh_from_db()
    correction = Correction.objects.get()
    assert (
        claim.rating,
        correction.claim,
        correction.changed_fields,
        correction.rating_before,
        correction.rating_after,
        correction.note,
    ) == (
        Rating.MISLEADING,
        claim,
        ["rating"],
        Rating.MOSTLY_ACCURATE,
        Rating.MISLEADING,
        "We misread the table.",
    )
    event = correction.event
    assert (event.rating_before, event.rating_after, event.public) == (
        Rating.MOSTLY_ACCURATE,
        Rating.MISLEADING,
        True,
    )


def test_correct_must_change_something(editor):
    claim = complete_claim(ClaimStatus.PUBLISHED)
    with pytest.raises(Incomplete):
        proposals.propose_correction(
            claim, by=editor, version=claim.version, note="n", summary=claim.summary
        )
    assert (Correction.objects.count(), Proposal.objects.count()) == (0, 0)


def test_correct_refuses_an_unknown_rating(editor):
    claim = complete_claim(ClaimStatus.PUBLISHED)
    with pytest.raises(Invalid) as excinfo:
        proposals.propose_correction(
            claim, by=editor, version=claim.version, note="n", rating="meh"
        )
    assert list(excinfo.value.fields) == ["rating"]


@pytest.mark.parametrize("action", [Action.CORRECT, Action.WITHDRAW])
def test_correct_and_withdraw_never_take_effect_without_a_proposal(editor, action):
    """No path applies a correction or a withdrawal on one editor's word."""
    claim = complete_claim(ClaimStatus.PUBLISHED)
    before = state_of(claim)
    with pytest.raises(InvalidTransition):
        workflow.perform(claim, action, by=editor, version=claim.version, comment="Because.")
    with pytest.raises(InvalidTransition):
        workflow._commit(claim, action, by=editor, version=claim.version, comment="Because.")
    assert state_of(claim) == before


def test_unknown_action_is_invalid(editor):
    claim = complete_claim(ClaimStatus.PUBLISHED)
    with pytest.raises(Invalid) as excinfo:
        workflow.perform(claim, "publish", by=editor, version=claim.version)
    assert list(excinfo.value.fields) == ["action"]


def test_missing_version_is_refused(editor):
    claim = complete_claim(ClaimStatus.IN_REVIEW)
    with pytest.raises(Incomplete) as excinfo:
        workflow.approve_claim(claim, by=editor, version=None)
    assert list(excinfo.value.fields) == ["version"]


# --- Edits --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [ClaimStatus.DRAFT, ClaimStatus.RESEARCHING])
def test_edit_while_researching_writes_one_event(reviewer, status):
    claim = ClaimFactory(status=status)
    workflow.edit_claim(
        claim,
        by=reviewer,
        version=claim.version,
        changes={"summary": "New summary", "rating": Rating.FALSE, "claimant": "The minister"},
        tags=["economy", " jobs "],
    )
    claim.refresh_from_db()
    assert (claim.summary, claim.rating, claim.version) == ("New summary", Rating.FALSE, 2)
    assert sorted(claim.tags.values_list("name", flat=True)) == ["economy", "jobs"]
    event = ClaimEvent.objects.get()
    assert (event.action, event.changes, event.rating_before, event.rating_after) == (
        Action.EDIT,
        [
            {"field": "rating", "before": "", "after": Rating.FALSE},
            {"field": "summary", "before": "", "after": "New summary"},
            {"field": "tags", "before": [], "after": ["economy", "jobs"]},
        ],
        "",
        Rating.FALSE,
    )


def test_edit_with_no_change_writes_nothing(reviewer):
    claim = ClaimFactory()
    workflow.edit_claim(claim, by=reviewer, version=1, changes={"claimant": claim.claimant})
    assert (Claim.objects.get(pk=claim.pk).version, ClaimEvent.objects.count()) == (1, 0)


@pytest.mark.parametrize(
    "status", [ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN]
)
def test_edit_is_locked_outside_research(editor, status):
    claim = complete_claim(status)
    before = state_of(claim)
    with pytest.raises(Locked):
        workflow.edit_claim(claim, by=editor, version=claim.version, changes={"summary": "x"})
    assert state_of(claim) == before


def test_edit_can_move_the_span_and_recomputes_context(reviewer):
    claim = ClaimFactory()
    body = claim.article.body
    start = body.index("wages had not kept up")
    end = start + len("wages had not kept up")
    workflow.edit_claim(
        claim,
        by=reviewer,
        version=1,
        changes={"quote": "wages had not kept up", "start_offset": start, "end_offset": end},
    )
    claim.refresh_from_db()
    assert (claim.quote, claim.prefix) == ("wages had not kept up", body[start - 32 : start])


def test_edit_with_a_span_that_does_not_match_is_invalid(reviewer):
    claim = ClaimFactory()
    before = state_of(claim)
    with pytest.raises(Invalid) as excinfo:
        workflow.edit_claim(claim, by=reviewer, version=1, changes={"quote": "something else"})
    assert list(excinfo.value.fields) == ["quote"]
    assert state_of(claim) == before


def test_edit_refuses_fields_outside_the_editable_set(reviewer):
    claim = ClaimFactory()
    with pytest.raises(Invalid):
        workflow.edit_claim(claim, by=reviewer, version=1, changes={"status": "published"})


def test_outsider_cannot_edit(outsider):
    claim = ClaimFactory()
    with pytest.raises(NotPermitted):
        workflow.edit_claim(claim, by=outsider, version=1, changes={"summary": "x"})


# --- Lost updates and races ---------------------------------------------------------------


def test_lost_update_second_edit_on_the_same_version_is_refused(reviewer, editor):
    claim = ClaimFactory(status=ClaimStatus.RESEARCHING)
    mine = Claim.objects.get(pk=claim.pk)
    theirs = Claim.objects.get(pk=claim.pk)
    workflow.edit_claim(theirs, by=editor, version=1, changes={"summary": "Theirs"})
    with pytest.raises(StaleVersion) as excinfo:
        workflow.edit_claim(mine, by=reviewer, version=1, changes={"summary": "Mine"})
    assert excinfo.value.current_version == 2
    message = str(excinfo.value)
    assert message.startswith(
        "This claim changed after you loaded it (you had version 1; it is now version 2). "
        "Since then: Eddie edited summary at "
    )
    assert message.endswith(
        "Nothing was saved: reload to see the current version and make your change again."
    )
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.summary, stored.version) == ("Theirs", 2)


def test_lost_update_second_transition_on_the_same_version_is_refused(editor, other_editor):
    claim = complete_claim(ClaimStatus.IN_REVIEW)
    version = claim.version
    workflow.approve_claim(claim, by=editor, version=version)
    with pytest.raises(StaleVersion):
        workflow.reject_claim(claim, by=other_editor, version=version, comment="No")
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.approved_by) == (ClaimStatus.PUBLISHED, editor)
    assert ClaimEvent.objects.filter(claim=claim).count() == 1


def test_conditional_update_refuses_when_the_row_moved_under_it(editor):
    """The last line of defence: the UPDATE itself checks status and version."""
    claim = complete_claim(ClaimStatus.IN_REVIEW)
    read = Claim.objects.get(pk=claim.pk)  # what a racing writer read
    Claim.objects.filter(pk=claim.pk).update(version=read.version + 1, summary="Someone else")
    with pytest.raises(StaleVersion):
        workflow._conditional_update(read, to_status=ClaimStatus.PUBLISHED)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.summary) == (ClaimStatus.IN_REVIEW, "Someone else")


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_only_one_wins():
    """Two editors act on the same version at the same moment, in two connections."""
    editor_a = user_with_role("alice", "Editors")
    editor_b = user_with_role("bob", "Editors")
    claim = complete_claim(ClaimStatus.IN_REVIEW)
    version = claim.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def act(name, fn):
        try:
            barrier.wait(timeout=10)
            fn()
            outcomes[name] = "ok"
        except Exception as exc:  # recorded for the assertion below
            outcomes[name] = type(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act,
            args=("approve", lambda: workflow.approve_claim(claim, by=editor_a, version=version)),
        ),
        threading.Thread(
            target=act,
            args=(
                "reject",
                lambda: workflow.reject_claim(claim, by=editor_b, version=version, comment="No"),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(map(str, outcomes.values())) == sorted(["ok", str(StaleVersion)])
    assert ClaimEvent.objects.filter(claim=claim).count() == 1
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.version == version + 1
    winner = "approve" if outcomes["approve"] == "ok" else "reject"
    expected = ClaimStatus.PUBLISHED if winner == "approve" else ClaimStatus.RESEARCHING
    assert stored.status == expected


# --- The audit trail is append-only -------------------------------------------------------


def test_events_cannot_be_changed_or_deleted(reviewer):
    claim = ClaimFactory()
    workflow.start_claim(claim, by=reviewer, version=1)
    event = ClaimEvent.objects.get()
    event.comment = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ClaimEvent.objects.filter(pk=event.pk).update(comment="rewritten")
    with pytest.raises(AppendOnlyError):
        ClaimEvent.objects.all().delete()
    assert ClaimEvent.objects.get().comment == ""

"""claims.assignment: assignee, due date and requested approver — roles, four eyes,
versions, and one event with the value before and after for each change."""

import datetime

import pytest
from django.utils import timezone

from claims import assignment
from claims.enums import Action
from claims.errors import Incomplete, Invalid, Locked, NotPermitted, StaleVersion
from claims.models import ClaimEvent
from tests.factories import (
    ClaimFactory,
    InReviewClaimFactory,
    PublishedClaimFactory,
    ResearchingClaimFactory,
    WithdrawnClaimFactory,
)

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _events(claim):
    return list(
        ClaimEvent.objects.filter(claim=claim)
        .order_by("version", "pk")
        .values_list("action", "changes", "version", "actor__username")
    )


def test_editor_assigns_sets_due_date_and_requests_approver_each_as_an_event(
    editor, reviewer, other_editor
):
    claim = ResearchingClaimFactory()

    saved = assignment.update_assignment(
        claim,
        by=editor,
        version=1,
        assignee=reviewer,
        due_date=TOMORROW,
        approver=other_editor,
    )

    assert (saved.assignee, saved.due_date, saved.requested_approver, saved.version) == (
        reviewer,
        TOMORROW,
        other_editor,
        4,
    )
    assert _events(claim) == [
        (
            Action.ASSIGN,
            [{"field": "assignee", "before": None, "after": "rita"}],
            2,
            "eddie",
        ),
        (
            Action.SET_DUE_DATE,
            [{"field": "due_date", "before": None, "after": TOMORROW.isoformat()}],
            3,
            "eddie",
        ),
        (
            Action.REQUEST_APPROVER,
            [{"field": "requested_approver", "before": None, "after": "erin"}],
            4,
            "eddie",
        ),
    ]


def test_reassigning_records_before_and_after(editor, reviewer, other_editor):
    claim = ResearchingClaimFactory(assignee=reviewer)

    assignment.assign_claim(claim, by=editor, version=1, assignee=other_editor)
    assignment.assign_claim(claim, by=editor, version=2, assignee=None)

    assert [changes for _, changes, _, _ in _events(claim)] == [
        [{"field": "assignee", "before": "rita", "after": "erin"}],
        [{"field": "assignee", "before": "erin", "after": None}],
    ]
    claim.refresh_from_db()
    assert (claim.assignee, claim.version) == (None, 3)


def test_unchanged_values_write_nothing(editor, reviewer):
    claim = ResearchingClaimFactory(assignee=reviewer, due_date=TOMORROW)

    saved = assignment.update_assignment(
        claim, by=editor, version=1, assignee=reviewer, due_date=TOMORROW, approver=None
    )

    assert saved.version == 1
    assert _events(claim) == []


def test_a_reviewer_may_take_an_unassigned_claim_and_give_it_up(reviewer):
    claim = ResearchingClaimFactory()

    assignment.assign_claim(claim, by=reviewer, version=1, assignee=reviewer)
    assert claim.assignee == reviewer
    assignment.assign_claim(claim, by=reviewer, version=2, assignee=None)
    assert claim.assignee is None
    assert [a for a, *_ in _events(claim)] == [Action.ASSIGN, Action.ASSIGN]


@pytest.mark.parametrize("case", ["someone_else", "take_from_other", "unassign_other"])
def test_a_reviewer_cannot_assign_others_or_take_their_claims(case, reviewer, editor, other_editor):
    claim = ResearchingClaimFactory(assignee=editor if case != "someone_else" else None)
    target = {"someone_else": other_editor, "take_from_other": reviewer, "unassign_other": None}

    with pytest.raises(NotPermitted, match="Only an editor can assign a claim to someone else"):
        assignment.assign_claim(claim, by=reviewer, version=1, assignee=target[case])

    claim.refresh_from_db()
    assert (claim.version, _events(claim)) == (1, [])


def test_only_editors_set_due_dates(reviewer):
    claim = ResearchingClaimFactory(assignee=reviewer)

    with pytest.raises(NotPermitted, match="Only an editor can set due dates"):
        assignment.set_due_date(claim, by=reviewer, version=1, due_date=TOMORROW)

    claim.refresh_from_db()
    assert (claim.due_date, claim.version) == (None, 1)


def test_people_without_a_role_can_neither_assign_nor_be_assigned(editor, outsider):
    claim = ResearchingClaimFactory()
    with pytest.raises(NotPermitted):
        assignment.assign_claim(claim, by=outsider, version=1, assignee=None)
    with pytest.raises(Invalid) as refused:
        assignment.assign_claim(claim, by=editor, version=1, assignee=outsider)
    assert refused.value.fields == {"assignee": "Choose someone in the Reviewers or Editors group."}
    assert _events(claim) == []


def test_a_due_date_in_the_past_is_refused(editor):
    claim = ResearchingClaimFactory()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    with pytest.raises(Invalid) as refused:
        assignment.set_due_date(claim, by=editor, version=1, due_date=yesterday)

    assert refused.value.fields == {"due_date": "Choose today or a later date."}


def test_the_requested_approver_must_be_an_editor(editor, reviewer):
    claim = ResearchingClaimFactory()
    with pytest.raises(Invalid) as refused:
        assignment.request_approver(claim, by=editor, version=1, approver=reviewer)
    assert refused.value.fields == {"requested_approver": "Choose someone in the Editors group."}


def test_four_eyes_the_submitter_cannot_be_the_requested_approver(editor, reviewer):
    claim = InReviewClaimFactory(submitted_by=editor)
    with pytest.raises(NotPermitted, match="Eddie submitted this claim"):
        assignment.request_approver(claim, by=reviewer, version=1, approver=editor)


def test_four_eyes_the_assignee_cannot_be_the_requested_approver(editor, other_editor):
    claim = ResearchingClaimFactory(assignee=other_editor)
    with pytest.raises(NotPermitted, match="Erin is assigned to research this claim"):
        assignment.request_approver(claim, by=editor, version=1, approver=other_editor)

    # Nor can the requested approver be given the research.
    claim = ResearchingClaimFactory(requested_approver=other_editor)
    with pytest.raises(NotPermitted, match="Erin is assigned to research this claim"):
        assignment.assign_claim(claim, by=editor, version=1, assignee=other_editor)
    claim.refresh_from_db()
    assert (claim.assignee, claim.version) == (None, 1)


def test_a_stale_version_is_refused_naming_the_change(editor, reviewer, other_editor):
    claim = ResearchingClaimFactory()
    assignment.assign_claim(claim, by=editor, version=1, assignee=reviewer)

    with pytest.raises(StaleVersion) as refused:
        assignment.assign_claim(claim, by=other_editor, version=1, assignee=other_editor)

    assert refused.value.current_version == 2
    assert refused.value.message.startswith(
        "This claim changed after you loaded it (you had version 1; it is now version 2). "
        "Since then: Eddie changed the assignee at "
    )
    claim.refresh_from_db()
    assert claim.assignee == reviewer


def test_a_missing_version_is_refused(editor, reviewer):
    with pytest.raises(Incomplete):
        assignment.assign_claim(
            ResearchingClaimFactory(), by=editor, version=None, assignee=reviewer
        )


@pytest.mark.parametrize("factory", [PublishedClaimFactory, WithdrawnClaimFactory])
def test_only_claims_in_progress_are_coordinated(factory, editor, reviewer):
    claim = factory()
    with pytest.raises(Locked):
        assignment.assign_claim(claim, by=editor, version=1, assignee=reviewer)


def test_the_conditional_write_loses_a_race_cleanly(editor, reviewer, monkeypatch):
    """Between the locked read and the write someone bumped the version (possible where
    rows are not locked): the write finds zero rows and refuses as stale."""
    claim = ClaimFactory()
    real = assignment._lock_current

    def read_then_someone_writes(claim_, version):
        current = real(claim_, version)
        type(current).objects.filter(pk=current.pk).update(version=5)
        return current

    monkeypatch.setattr(assignment, "_lock_current", read_then_someone_writes)
    with pytest.raises(StaleVersion) as refused:
        assignment.assign_claim(claim, by=editor, version=1, assignee=reviewer)
    assert refused.value.current_version == 5
    claim.refresh_from_db()
    assert claim.assignee is None
    assert _events(claim) == []


def test_dashboard_questions(editor, reviewer, other_editor):
    today = timezone.localdate()
    mine = ResearchingClaimFactory(assignee=reviewer, due_date=today)
    late = ResearchingClaimFactory(assignee=editor, due_date=today - datetime.timedelta(days=2))
    done_late = PublishedClaimFactory(assignee=reviewer, due_date=today - datetime.timedelta(3))
    asked = InReviewClaimFactory(requested_approver=other_editor)

    assert list(assignment.assigned_to(reviewer)) == [mine]
    assert list(assignment.overdue(today=today)) == [late]
    assert list(assignment.approval_requested_from(other_editor)) == [asked]
    assert assignment.is_overdue(late, today=today) is True
    assert assignment.is_overdue(mine, today=today) is False
    assert assignment.is_overdue(done_late, today=today) is False


def test_each_change_is_signalled_after_commit_only(
    editor, reviewer, django_capture_on_commit_callbacks
):
    from claims.signals import claim_event_committed

    received = []

    def receiver(sender, event_id, action, **kwargs):
        received.append((ClaimEvent.objects.get(pk=event_id).action, action))

    claim_event_committed.connect(receiver)
    try:
        claim = ResearchingClaimFactory()
        with django_capture_on_commit_callbacks(execute=True):
            assignment.update_assignment(
                claim, by=editor, version=1, assignee=reviewer, due_date=TOMORROW
            )
            assert received == []  # not before the commit
        assert received == [
            (Action.ASSIGN, Action.ASSIGN),
            (Action.SET_DUE_DATE, Action.SET_DUE_DATE),
        ]
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(NotPermitted),
        ):
            later = TOMORROW + datetime.timedelta(days=1)
            assignment.set_due_date(claim, by=reviewer, version=3, due_date=later)
        assert callbacks == []
    finally:
        claim_event_committed.disconnect(receiver)

"""The desk's coordination: who works on a claim, by when, and which editor approves it.

Three changes, each its own event in the claim's history (``assign``, ``set_due_date``,
``request_approver``) with the value before and after in ``changes``:

- **assign** a claim to a person with a reviewer role. Editors assign anyone; a reviewer
  may take an unassigned claim for themselves, or give up their own.
- **set the due date** (editors). A date in the past is refused, so a typo cannot make
  a claim overdue at once.
- **request an approver**: an editor asked to approve the claim (anyone on the desk may
  ask). Four eyes hold here too: neither the claim's submitter nor its assignee can be
  the requested approver.

Only open claims (draft, researching, in review) are coordinated. Each change is checked
against the claim's ``version`` and bumps it, as every other claim edit does, so two
people assigning the same claim at once cannot both win. ``updated_at`` is left alone:
readers see it as "last updated", and coordination changes nothing they read.

The dashboard's questions ("assigned to me", "overdue", "sent back to me", "waiting for
my approval") are the querysets at the end.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from . import roles, signals
from .enums import Action, ClaimStatus
from .errors import Incomplete, Invalid, Locked, NotPermitted, StaleVersion
from .models import Claim, ClaimEvent
from .workflow import EDITOR, REVIEWER, record_event, require_role

# Claims whose work is still to be done: the only ones assigned, due or awaiting approval.
OPEN_STATES = (ClaimStatus.DRAFT, ClaimStatus.RESEARCHING, ClaimStatus.IN_REVIEW)

# "Not given": update_assignment changes only what it is passed.
UNSET: Any = object()

User = get_user_model()


# --- Changes ------------------------------------------------------------------------------


def assign_claim(claim: Claim, *, by, version: int | None, assignee) -> Claim:
    """Give the claim to ``assignee`` (a user with a reviewer role), or to nobody (None).

    Side effects: the version goes up by one; one ``assign`` event.
    """
    return update_assignment(claim, by=by, version=version, assignee=assignee)


def set_due_date(claim: Claim, *, by, version: int | None, due_date) -> Claim:
    """Set or clear (None) the date the claim's work is due. Editors only.

    Side effects: the version goes up by one; one ``set_due_date`` event.
    """
    return update_assignment(claim, by=by, version=version, due_date=due_date)


def request_approver(claim: Claim, *, by, version: int | None, approver) -> Claim:
    """Ask ``approver`` (an editor) to approve the claim, or withdraw the request (None).

    Side effects: the version goes up by one; one ``request_approver`` event.
    """
    return update_assignment(claim, by=by, version=version, approver=approver)


def update_assignment(
    claim: Claim,
    *,
    by,
    version: int | None,
    assignee=UNSET,
    due_date=UNSET,
    approver=UNSET,
) -> Claim:
    """Apply whichever of the three changes are given and differ from what is saved.

    1. check the actor has a reviewer role at all;
    2. lock the claim's row and refuse a stale ``version`` (naming what changed since);
    3. refuse a claim that is no longer open, and check each change's own rule;
    4. write each change with a conditional ``UPDATE ... WHERE version = n`` and append
       its event (version n+1, then n+2...), all in one transaction.

    Nothing is written when nothing changes, and nothing at all when any rule refuses.
    """
    require_role(by, REVIEWER, "assign claims")
    with transaction.atomic():
        current = _lock_current(claim, version)
        if current.status not in OPEN_STATES:
            raise Locked(
                f"This claim is {current.get_status_display().lower()}: only claims in "
                "progress (draft, researching or in review) are assigned and given due dates."
            )
        planned: list[tuple[Action, str, Any, Any]] = []
        next_assignee = current.assignee
        if assignee is not UNSET and _pk(assignee) != current.assignee_id:
            _check_assignee(current, by=by, assignee=assignee)
            planned.append((Action.ASSIGN, "assignee", current.assignee, assignee))
            next_assignee = assignee
        if due_date is not UNSET and due_date != current.due_date:
            _check_due_date(by=by, due_date=due_date)
            planned.append((Action.SET_DUE_DATE, "due_date", current.due_date, due_date))
        next_approver = current.requested_approver
        approver_changes = approver is not UNSET and _pk(approver) != current.requested_approver_id
        if approver_changes:
            next_approver = approver
            planned.append(
                (
                    Action.REQUEST_APPROVER,
                    "requested_approver",
                    current.requested_approver,
                    approver,
                )
            )
        # A new approver, or a new assignee who may be the approver already requested.
        assignee_changes = any(action == Action.ASSIGN for action, *_ in planned)
        if next_approver is not None and (approver_changes or assignee_changes):
            _check_approver(current, approver=next_approver, assignee=next_assignee)
        for action, field, before, after in planned:
            current = _write(current, by=by, action=action, field=field, before=before, after=after)
    claim.refresh_from_db()
    return claim


def _pk(user) -> int | None:
    return None if user is None else user.pk


def _check_assignee(current: Claim, *, by, assignee) -> None:
    if assignee is not None and not roles.is_reviewer(assignee):
        raise Invalid(
            f"{roles.display_name(assignee)} has no reviewer role, so cannot be assigned.",
            {"assignee": "Choose someone in the Reviewers or Editors group."},
        )
    if roles.is_editor(by):
        return
    # A reviewer may take an unassigned claim for themselves, or give up their own.
    taking = assignee is not None and assignee.pk == by.pk and current.assignee_id is None
    giving_up = assignee is None and current.assignee_id == by.pk
    if not (taking or giving_up):
        raise NotPermitted(
            "Only an editor can assign a claim to someone else or take it from its "
            "assignee; you can take an unassigned claim yourself."
        )


def _check_due_date(*, by, due_date) -> None:
    require_role(by, EDITOR, "set due dates")
    if due_date is not None and due_date < timezone.localdate():
        raise Invalid(
            "The due date is in the past.",
            {"due_date": "Choose today or a later date."},
        )


def _check_approver(current: Claim, *, approver, assignee) -> None:
    if not roles.is_editor(approver):
        raise Invalid(
            f"{roles.display_name(approver)} is not an editor, so cannot approve claims.",
            {"requested_approver": "Choose someone in the Editors group."},
        )
    if approver.pk == current.submitted_by_id:
        raise NotPermitted(
            f"{roles.display_name(approver)} submitted this claim, so someone else must "
            "approve it: every verdict is checked by two people."
        )
    if assignee is not None and approver.pk == assignee.pk:
        raise NotPermitted(
            f"{roles.display_name(approver)} is assigned to research this claim, so someone "
            "else must approve it: every verdict is checked by two people."
        )


def _lock_current(claim: Claim, version: int | None) -> Claim:
    """The claim's row, locked until the transaction ends (PostgreSQL; SQLite's IMMEDIATE
    transaction already holds the write lock), checked against ``version``."""
    if version is None:
        raise Incomplete(
            "The claim's version is missing, so a concurrent change could not be detected.",
            {"version": "Send the version of the claim this change is based on."},
        )
    # Lock the claim's row only ("self"): PostgreSQL cannot lock the nullable side of the
    # outer joins that bring the assignee and approver along.
    current = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("assignee", "requested_approver")
        .get(pk=claim.pk)
    )
    if int(version) != current.version:
        raise _stale(current.pk, int(version), current.version)
    return current


def _stale(claim_id: int, version: int, current_version: int) -> StaleVersion:
    events = (
        ClaimEvent.objects.filter(claim_id=claim_id, version__gt=version)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    since = "; ".join(
        f"{roles.display_name(event.actor)} {event.get_action_display().lower()} at "
        f"{timezone.localtime(event.created_at):%H:%M:%S on %d %b}"
        for event in events
    )
    return StaleVersion(
        f"This claim changed after you loaded it (you had version {version}; it is now "
        f"version {current_version}).{f' Since then: {since}.' if since else ''} Nothing "
        "was saved: reload to see the current version and make your change again.",
        current_version=current_version,
    )


def _value(value) -> str | None:
    """How an event stores a value: a username, an ISO date, or None."""
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value.get_username()


def _write(current: Claim, *, by, action: Action, field: str, before, after) -> Claim:
    new_version = current.version + 1
    rows = Claim.objects.filter(pk=current.pk, version=current.version).update(
        **{field: after, "version": new_version}
    )
    if rows == 0:  # someone wrote between our read and our write (where rows are not locked)
        fresh = Claim.objects.values_list("version", flat=True).get(pk=current.pk)
        raise _stale(current.pk, current.version, fresh)
    event = record_event(
        current,
        by=by,
        action=action,
        from_status=current.status,
        to_status=current.status,
        changes=[{"field": field, "before": _value(before), "after": _value(after)}],
        version=new_version,
    )
    signals.send_after_commit(event)  # notifications hook on here
    setattr(current, field, after)
    current.version = new_version
    return current


# --- Who can be chosen ----------------------------------------------------------------------


def assignable_people() -> QuerySet:
    """Active people with a reviewer role (Reviewers, Editors, superusers)."""
    from .roles import EDITORS, REVIEWERS

    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=(REVIEWERS, EDITORS)))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def possible_approvers() -> QuerySet:
    """Active editors (the Editors group and superusers)."""
    from .roles import EDITORS

    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=EDITORS))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# --- The dashboard's questions --------------------------------------------------------------


def assigned_to(user) -> QuerySet:
    """Open claims assigned to ``user``, the soonest due first (undated last)."""
    return Claim.objects.filter(assignee=user, status__in=OPEN_STATES)


def overdue(*, today: datetime.date | None = None) -> QuerySet:
    """Open claims whose due date has passed (the whole desk's)."""
    today = today or timezone.localdate()
    return Claim.objects.filter(status__in=OPEN_STATES, due_date__lt=today)


def _rejections():
    return ClaimEvent.objects.filter(claim=OuterRef("pk"), action=Action.REJECT)


def sent_back_to(user) -> QuerySet:
    """Claims an editor sent back that ``user`` submitted or is assigned, with the id of
    the latest ``reject`` event as ``rejection_id`` (its comment goes on top).

    A claim in research that was ever rejected is still sent back: research starts from
    draft only, so the last transition of such a claim was the rejection.
    """
    latest = _rejections().order_by("-created_at", "-pk").values("pk")[:1]
    return (
        Claim.objects.filter(status=ClaimStatus.RESEARCHING)
        .filter(Q(submitted_by=user) | Q(assignee=user))
        .filter(Exists(_rejections()))
        .annotate(rejection_id=Subquery(latest))
    )


def approval_requested_from(user) -> QuerySet:
    """Claims in review whose requested approver is ``user``.

    The dashboard's "waiting for my approval" section lists these; other kinds of work
    awaiting one editor's approval (proposals awaiting a second editor) join that section
    through ``claims.views.desk.APPROVAL_SOURCES``.
    """
    return Claim.objects.filter(status=ClaimStatus.IN_REVIEW, requested_approver=user)


def is_overdue(claim: Claim, *, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(claim.due_date and claim.status in OPEN_STATES and claim.due_date < today)

"""The desk's coordination in the reviewer UI: the dashboard's personal sections, and the
claim editor's assignment box (assignee, due date, requested approver)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, F, Q
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import assignment, roles
from ..coordination_models import ReaderReport
from ..desk_forms import AssignmentForm
from ..enums import ClaimStatus
from ..errors import WorkflowError
from ..models import Claim, ClaimEvent
from .access import refuse, reviewer_required

SECTION_SIZE = 20


def _approval_requests(user, is_editor: bool, counts: dict) -> dict | None:
    """Claims in review whose approval was requested from ``user`` (editors)."""
    if not is_editor:
        return None
    return {
        "id": "my_approval",
        "title": "Waiting for my approval",
        "description": "Claims in review whose researcher asked you to approve them.",
        "count": counts["approval"],
        "claims": assignment.approval_requested_from(user)
        .select_related("article", "assignee", "submitted_by")
        .order_by("updated_at", "pk"),
        "empty": "Nobody has asked you to approve a claim.",
        "show_submitter": True,
    }


# The "waiting for my approval" section is built from these: each takes (user, is_editor,
# the counts of the claims' aggregate) and returns a section — "count" and "claims" (a
# queryset or list), or None. Other kinds of work awaiting one editor's approval —
# proposals awaiting a second editor — are added here as sources of their own.
APPROVAL_SOURCES = [_approval_requests]


def coordination_sections(user) -> list[dict]:
    """The dashboard's personal sections, first on the page: assigned to me, sent back to
    me (with the editor's comment), waiting for my approval, and the desk's overdue claims.

    One query counts them all; one query per list; one query for the comments.
    """
    today = timezone.localdate()
    is_editor = roles.is_editor(user)
    open_states = Q(status__in=assignment.OPEN_STATES)
    sent_back = assignment.sent_back_to(user)
    counts = Claim.objects.aggregate(
        assigned=Count("pk", filter=open_states & Q(assignee=user)),
        overdue=Count("pk", filter=open_states & Q(due_date__lt=today)),
        sent_back=Count("pk", filter=Q(pk__in=sent_back.values("pk"))),
        approval=Count("pk", filter=Q(status=ClaimStatus.IN_REVIEW, requested_approver=user)),
    )
    approvals = [
        section
        for section in (source(user, is_editor, counts) for source in APPROVAL_SOURCES)
        if section
    ]
    claims = Claim.objects.select_related("article", "assignee")
    sections = [
        {
            "id": "assigned",
            "title": "Assigned to me",
            "description": "Claims in progress that you are assigned, the soonest due first.",
            "count": counts["assigned"],
            "claims": claims.filter(open_states, assignee=user).order_by(
                F("due_date").asc(nulls_last=True), "-updated_at", "-pk"
            ),
            "empty": "Nothing is assigned to you.",
        },
        {
            "id": "sent_back",
            "title": "Sent back to me",
            "description": "Claims an editor sent back for changes that you submitted or "
            "are assigned, with what the editor asked for.",
            "count": counts["sent_back"],
            "claims": sent_back.select_related("article", "assignee").order_by(
                "-updated_at", "-pk"
            ),
            "empty": "Nothing has been sent back to you.",
            "show_rejection": True,
        },
    ]
    sections.extend(approvals)
    sections.append(
        {
            "id": "overdue",
            "title": "Overdue",
            "description": "Claims of the whole desk in progress past their due date.",
            "count": counts["overdue"],
            "claims": claims.filter(open_states, due_date__lt=today).order_by("due_date", "pk"),
            "empty": "Nothing is overdue.",
        }
    )
    for section in sections:
        section["claims"] = list(section["claims"][:SECTION_SIZE])
        for claim in section["claims"]:
            claim.is_overdue = assignment.is_overdue(claim, today=today)
    _attach_rejections([c for s in sections if s.get("show_rejection") for c in s["claims"]])
    return sections


def _attach_rejections(claims: list[Claim]) -> None:
    """Each sent-back claim's latest ``reject`` event (its comment goes on top)."""
    ids = [claim.rejection_id for claim in claims if claim.rejection_id]
    events = ClaimEvent.objects.select_related("actor").in_bulk(ids) if ids else {}
    for claim in claims:
        claim.rejection = events.get(claim.rejection_id)


def reports_awaiting() -> int:
    return ReaderReport.objects.awaiting().count()


# --- The claim editor's assignment box ------------------------------------------------------


def assignment_context(request, claim: Claim, *, form: AssignmentForm | None = None) -> dict:
    coordinated = claim.status in assignment.OPEN_STATES
    return {
        "assignment_form": form
        or (AssignmentForm(claim=claim, user=request.user) if coordinated else None),
        "assignment_open": coordinated,
        "claim_overdue": assignment.is_overdue(claim),
    }


@reviewer_required
@require_POST
def claim_assignment(request, pk: int):
    """Save the assignment box: each changed value is its own event."""
    from .claim_editor import load_claim, render_claim

    claim = load_claim(pk)
    form = AssignmentForm(request.POST, claim=claim, user=request.user)
    if not form.is_valid():
        return render_claim(request, claim, assignment_form=form, status=422)
    version = form.cleaned_data["version"]
    try:
        saved = assignment.update_assignment(
            claim, by=request.user, version=version, **form.changes()
        )
    except WorkflowError as exc:
        # Nothing was written: ``claim`` is the current row, the form keeps the input.
        status = refuse(request, form, exc)
        return render_claim(request, claim, assignment_form=form, status=status)
    if saved.version == version:
        messages.info(request, "Nothing to save: the assignment did not change.")
    else:
        messages.success(request, "Assignment saved.")
    return redirect("claims:review_claim", claim.pk)

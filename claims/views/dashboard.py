"""The reviewer's dashboard: my work, the desk's, the review queue, what needs attention."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .. import heartbeat, roles, workflow
from ..enums import REREVIEW_HEALTH, ClaimStatus
from ..models import Claim, ClaimEvent, Source
from . import desk
from .access import reviewer_required

# How many claims each dashboard section lists (its heading counts them all).
SECTION_SIZE = 20


def needing_attention():
    """Published fact-checks whose evidence needs a reviewer: re-review queue.

    A source that the link checker found dead, changed since publication, or no longer
    carrying the quoted passage — unless an archived copy of it has been recorded — or no
    source at all (possible only for claims whose sources were removed in the admin).
    """
    rotten = Source.objects.filter(
        claim=OuterRef("pk"), health__in=REREVIEW_HEALTH, archived_url=""
    )
    return Claim.objects.published().filter(
        Exists(rotten) | ~Exists(Source.objects.filter(claim=OuterRef("pk")))
    )


def _worked_on_by(user) -> Exists:
    """Claims with an event by ``user``: created, started, edited or sourced by them."""
    return Exists(ClaimEvent.objects.filter(claim=OuterRef("pk"), actor=user))


@reviewer_required
@require_safe
def dashboard(request):
    """My work, the desk's unassigned research, the review queue, recent publications."""
    user = request.user
    is_editor = roles.is_editor(user)
    in_progress = Q(status__in=workflow.EDITABLE_STATES)
    mine = _worked_on_by(user)
    in_review = Q(status=ClaimStatus.IN_REVIEW)
    to_review = in_review & ~Q(submitted_by=user) if is_editor else in_review
    attention = Q(pk__in=needing_attention().values("pk"))
    # Every section's count in one query; the lists are one query each.
    counts = Claim.objects.aggregate(
        mine=Count("pk", filter=in_progress & Q(mine)),
        desk=Count("pk", filter=in_progress & ~Q(mine)),
        to_review=Count("pk", filter=to_review),
        my_submissions=Count("pk", filter=in_review & Q(submitted_by=user)),
        published=Count("pk", filter=Q(status=ClaimStatus.PUBLISHED)),
        attention=Count("pk", filter=attention),
    )
    claims = Claim.objects.select_related("article")
    sections = [
        {
            "id": "mine",
            "title": "My drafts and research",
            "description": "Draft and researching claims you created, started, edited or "
            "cited sources for.",
            "count": counts["mine"],
            "claims": claims.filter(in_progress, mine).order_by("-updated_at", "-pk"),
            "empty": "Nothing in progress. Open an article and select a claim to start one.",
        },
        {
            "id": "desk",
            "title": "Other drafts and research on the desk",
            "description": "Claims in progress that you have not worked on: pick one up.",
            "count": counts["desk"],
            "claims": claims.filter(in_progress).exclude(mine).order_by("-updated_at", "-pk"),
            "empty": "No other claims in progress.",
        },
        {
            "id": "review",
            "title": "Awaiting your review" if is_editor else "Awaiting review by an editor",
            "description": (
                "Submitted claims you can approve or send back (your own submissions "
                "need another editor)."
                if is_editor
                else "Submitted claims waiting for an editor's approval."
            ),
            "count": counts["to_review"],
            "claims": claims.select_related("submitted_by")
            .filter(to_review)
            .order_by("updated_at", "pk"),
            "empty": "Nothing is waiting for review.",
            "show_submitter": True,
        },
        {
            "id": "published",
            "title": "Recently published",
            "description": "The newest published fact-checks.",
            "count": counts["published"],
            "claims": claims.filter(status=ClaimStatus.PUBLISHED).order_by("-published_at", "-pk"),
            "empty": "Nothing has been published yet.",
            "show_rating": True,
        },
        {
            "id": "attention",
            "title": "Needs attention",
            "description": "Published fact-checks whose evidence has rotted: a source is "
            "dead, has changed since publication, or no longer contains the quoted passage "
            "(or the claim cites none). Record an archived copy of the source, correct the "
            "verdict, or withdraw it.",
            "count": counts["attention"],
            "claims": needing_attention()
            .select_related("article")
            .order_by("-published_at", "-pk"),
            "empty": "Every published fact-check's sources are healthy or archived.",
            "show_rating": True,
        },
    ]
    for section in sections:
        section["claims"] = list(section["claims"][:SECTION_SIZE])
    context = {
        # The desk's coordination (views/desk.py): personal sections first, and the
        # readers' reports awaiting moderation.
        "coordination": desk.coordination_sections(user),
        "reports_awaiting": desk.reports_awaiting(),
        "sections": sections,
        "is_editor": is_editor,
        "my_submissions": counts["my_submissions"],
        "workers": heartbeat.live_workers(),
        "workers_window_minutes": int(heartbeat.ALIVE_WITHIN.total_seconds() // 60),
    }
    return render(request, "review/dashboard.html", context)

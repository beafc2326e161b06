"""The reviewer's dashboard: my work, the desk's, the review queue, proposals waiting for
a second editor, and what needs attention — in the words readers are given."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .. import contribution, heartbeat, roles, workflow
from ..enums import REREVIEW_HEALTH, ClaimStatus, SourceHealth
from ..models import Claim, ClaimEvent, Proposal, Source
from . import desk
from .access import reviewer_required

# How many claims each dashboard section lists (its heading counts them all).
SECTION_SIZE = 20


def _worked_on_by(user) -> Exists:
    """Claims with an event by ``user``: created, started, edited or sourced by them."""
    return Exists(ClaimEvent.objects.filter(claim=OuterRef("pk"), actor=user))


def _with_sources(claims, health):
    """Each claim with its sources in ``health`` (``problem_sources``), for their words."""
    problems = Source.objects.select_related("last_check").filter(health__in=health)
    return claims.select_related("article").prefetch_related(
        Prefetch("sources", queryset=problems.order_by("pk"), to_attr="problem_sources")
    )


@reviewer_required
@require_safe
def dashboard(request):
    """My work, the desk's research, the review queue, proposals, what needs attention."""
    user = request.user
    is_editor = roles.is_editor(user)
    in_progress = Q(status__in=workflow.EDITABLE_STATES)
    mine = _worked_on_by(user)
    in_review = Q(status=ClaimStatus.IN_REVIEW)
    contributed = contribution.contributed_by(user)
    to_review = in_review & ~contributed if is_editor else in_review
    attention = Q(pk__in=Claim.objects.needing_attention().values("pk"))
    failing_source = Source.objects.filter(claim=OuterRef("pk"), health=SourceHealth.FAILING)
    failing = Q(status=ClaimStatus.PUBLISHED) & Q(Exists(failing_source))
    # Every section's count in one query; the lists are one query each.
    counts = Claim.objects.aggregate(
        mine=Count("pk", filter=in_progress & Q(mine)),
        desk=Count("pk", filter=in_progress & ~Q(mine)),
        to_review=Count("pk", filter=to_review),
        my_submissions=Count("pk", filter=in_review & contributed),
        published=Count("pk", filter=Q(status=ClaimStatus.PUBLISHED)),
        attention=Count("pk", filter=attention),
        failing=Count("pk", filter=failing),
    )
    pending = Proposal.objects.pending()
    awaiting_me = Proposal.objects.awaiting_decision_by(user)
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
                "Submitted claims you can approve or send back (claims you contributed to "
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
            "id": "proposals",
            "title": "Proposals awaiting a second editor",
            "description": "Corrections, withdrawals, article edits and archived copies "
            "that reach readers only once an editor who did not propose them approves."
            + (" Marked: the ones you can approve." if is_editor else ""),
            "count": pending.count(),
            "proposals": pending.for_display(),
            "awaiting_me": set(awaiting_me.values_list("pk", flat=True)),
            "empty": "No proposal is waiting.",
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
            "gone, has changed since publication, or no longer contains the quoted passage "
            "(or the claim cites none). It stays here until a correction or a withdrawal is "
            "approved, an editor records that the evidence was re-checked and the verdict "
            "stands, the source recovers, or an archived copy is verified to hold the "
            "passage.",
            "count": counts["attention"],
            "claims": _with_sources(Claim.objects.needing_attention(), REREVIEW_HEALTH).order_by(
                "-published_at", "-pk"
            ),
            "empty": "No published fact-check's evidence needs attention.",
            "show_rating": True,
            "show_sources": True,
        },
        {
            "id": "failing",
            "title": "Links failing, not yet dead",
            "description": "Published fact-checks with a source whose recent checks failed, "
            "but not often enough, on enough different days, to call the page gone. Readers "
            "are told nothing yet; look before it is.",
            "count": counts["failing"],
            "claims": _with_sources(claims.filter(failing), {SourceHealth.FAILING}).order_by(
                "-published_at", "-pk"
            ),
            "empty": "No published fact-check has a failing link.",
            "show_rating": True,
            "show_sources": True,
        },
    ]
    for section in sections:
        if "claims" in section:
            section["claims"] = list(section["claims"][:SECTION_SIZE])
        else:
            section["proposals"] = list(section["proposals"][:SECTION_SIZE])
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

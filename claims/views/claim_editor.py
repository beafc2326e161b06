"""The claim editor: content and verdict, the workflow buttons, the preview, notes."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import contribution, editing, history, proposals, roles, workflow
from ..enums import Action, ClaimStatus, ProposalKind, Rating
from ..errors import StaleVersion, WorkflowError
from ..forms import (
    ClaimForm,
    NoteForm,
    ReaffirmForm,
    SourceEditForm,
    SourceForm,
    TransitionForm,
    normalise_newlines,
)
from ..markdown import render_markdown
from ..models import Claim, ClaimEvent, Note, Proposal, ReplyRequest, Source
from . import desk, reply
from .access import refuse, reviewer_required
from .proposals import proposal_rights

SOURCE_PREFIX = "source"
NOTE_PREFIX = "note"
REAFFIRM_PREFIX = "reaffirm"


def load_claim(pk: int) -> Claim:
    """A claim with everything its editor shows, in a fixed number of queries."""
    queryset = Claim.objects.select_related(
        "article", "submitted_by", "approved_by", "assignee", "requested_approver"
    )
    queryset = queryset.prefetch_related(
        "tags",
        # The desk's coordination: right-of-reply entries (claims/views/reply.py).
        Prefetch("reply_requests", queryset=ReplyRequest.objects.order_by("contacted_at", "pk")),
        Prefetch("sources", queryset=Source.objects.with_health().order_by("pk")),
        Prefetch("notes", queryset=Note.objects.select_related("author").order_by("pk")),
        Prefetch(
            "events",
            queryset=ClaimEvent.objects.select_related("actor", "proposal").order_by(
                "created_at", "pk"
            ),
        ),
        Prefetch(
            "proposals",
            queryset=Proposal.objects.pending().select_related("proposed_by", "source"),
            to_attr="pending_proposals",
        ),
    )
    return get_object_or_404(queryset, pk=pk)


def transition_form(action: Action, claim: Claim, data=None) -> TransitionForm:
    transition = workflow.TRANSITIONS[action]
    return TransitionForm(
        data,
        prefix=action.value,
        initial={"version": claim.version},
        transition=transition,
        claim=claim,
    )


def _waiting_note(claim: Claim, user) -> str:
    """Why an editor sees no approve button on a claim in review: four eyes."""
    if claim.status != ClaimStatus.IN_REVIEW or not roles.is_editor(user):
        return ""
    found = workflow.contributions(claim, Action.APPROVE)
    if user.pk not in found:
        return ""
    return contribution.four_eyes_refusal(found[user.pk], found, what="this claim").message


def proposal_view(proposal: Proposal, claim: Claim, user) -> dict:
    """A pending proposal as the claim editor shows it: what would change, who may act."""
    changes = []
    if proposal.kind == ProposalKind.CORRECTION:
        changes = history.describe_all(
            {"field": name, "before": getattr(claim, name), "after": value}
            for name, value in proposal.values.items()
        )
    elif proposal.kind == ProposalKind.ARCHIVED_COPY:
        changes = [
            history.ChangeView(
                f"Archived copy of “{proposal.source.title}”",
                "value",
                before=proposal.source.archived_url,
                after=proposal.values.get("archived_url", "") or "(none)",
            )
        ]
    return {**proposal_rights(proposal, user), "changes": changes}


def event_view(event: ClaimEvent) -> dict:
    return {"event": event, "changes": history.describe_all(history.entries(event))}


def source_edit_form(source: Source, data=None) -> SourceEditForm:
    initial = {name: getattr(source, name) for name in SourceForm.Meta.fields}
    initial["version"] = source.version
    return SourceEditForm(data, prefix=f"{SOURCE_PREFIX}-{source.pk}", initial=initial)


def claim_context(
    request,
    claim: Claim,
    *,
    form=None,
    action_form=None,
    source_form=None,
    note_form=None,
    reaffirm_form=None,
    preview=None,
    conflict: bool = False,
    assignment_form=None,
    reply_contact_form=None,
    reply_bound=None,
) -> dict:
    user = request.user
    editable = workflow.can_edit(claim, user)
    actions = []
    for action in workflow.allowed_actions(claim, user):
        if action_form and action_form[0] == action:
            bound = action_form[1]
        else:
            bound = transition_form(action, claim)
        actions.append({"transition": workflow.TRANSITIONS[action], "form": bound})
    form = form or ClaimForm(initial=ClaimForm.initial_for(claim))
    # The desk's coordination: assignment box and right of reply (views/desk.py, reply.py).
    coordination = {
        **desk.assignment_context(request, claim, form=assignment_form),
        **reply.reply_context(request, claim, contact_form=reply_contact_form, bound=reply_bound),
    }
    pending = [proposal_view(p, claim, user) for p in claim.pending_proposals]
    return {
        **coordination,
        "claim": claim,
        "article": claim.article,
        "editable": editable,
        # A refused edit keeps its form on the page even if the claim is now locked.
        "show_form": editable or form.is_bound,
        "locked_reason": "" if editable else workflow.locked_reason(claim),
        "form": form,
        "ratings": list(Rating),
        "preview": render_markdown(claim.explanation) if preview is None else preview,
        "actions": actions,
        "waiting_note": _waiting_note(claim, user),
        "no_action_reason": "" if pending else workflow.NO_ACTION_REASONS.get(claim.status, ""),
        "proposals": pending,
        "reaffirm": workflow.REAFFIRM if workflow.can_reaffirm(claim, user) else None,
        "reaffirm_form": reaffirm_form
        or ReaffirmForm(prefix=REAFFIRM_PREFIX, initial={"version": claim.version}),
        "conflict": conflict,
        "missing": workflow.missing_for_submission(claim)
        if claim.status == ClaimStatus.RESEARCHING
        else {},
        "sources": list(claim.sources.all()),
        "source_form": source_form or SourceForm(prefix=SOURCE_PREFIX),
        "notes": list(claim.notes.all()),
        "note_form": note_form or NoteForm(prefix=NOTE_PREFIX),
        "events": [event_view(event) for event in claim.events.all()],
    }


def render_claim(request, claim: Claim, *, status: int = 200, **options):
    context = claim_context(request, claim, **options)
    return render(request, "review/claim.html", context, status=status)


@reviewer_required
@require_http_methods(["GET", "POST"])
def claim_editor(request, pk: int):
    """Show a claim; POST saves its content and verdict (while draft or researching)."""
    claim = load_claim(pk)
    if request.method == "GET":
        return render_claim(request, claim)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return render_claim(request, claim, form=form, status=422)
    version = form.cleaned_data["version"]
    try:
        saved = workflow.edit_claim(
            claim,
            by=request.user,
            version=version,
            changes=form.changes(),
            tags=form.cleaned_data["tags"],
        )
    except WorkflowError as exc:
        # Nothing was written: ``claim`` is still the current row, shown beside the
        # user's own text, which the bound form keeps.
        status = refuse(request, form, exc)
        conflict = isinstance(exc, StaleVersion)
        return render_claim(request, claim, form=form, status=status, conflict=conflict)
    if saved.version == version:
        messages.info(request, "Nothing to save: no field changed.")
    else:
        messages.success(request, f"Saved. The claim is now at version {saved.version}.")
    return redirect("claims:review_claim", claim.pk)


@reviewer_required
@require_POST
def claim_preview(request, pk: int):
    """The explanation as readers will see it, without saving anything."""
    claim = load_claim(pk)
    preview = render_markdown(normalise_newlines(request.POST.get("explanation", "")))
    if request.htmx:
        return render(request, "review/includes/preview.html", {"preview": preview})
    # Without JavaScript: the whole editor again, holding what was typed (unvalidated, so
    # a preview shows no errors).
    typed = {name: request.POST.get(name, "") for name in ClaimForm.base_fields}
    return render_claim(request, claim, form=ClaimForm(initial=typed), preview=preview)


@reviewer_required
@require_POST
def claim_transition(request, pk: int, action: str):
    """One workflow button: start, submit, approve, reject — or propose a correction or a
    withdrawal, which a second editor approves."""
    claim = load_claim(pk)
    try:
        transition = workflow.TRANSITIONS[Action(action)]
    except (ValueError, KeyError):
        raise Http404("No such action.") from None
    form = transition_form(transition.action, claim, request.POST)
    if not form.is_valid():
        return render_claim(request, claim, action_form=(transition.action, form), status=422)
    data = form.cleaned_data
    try:
        proposals.act(
            claim,
            transition.action,
            by=request.user,
            version=data["version"],
            comment=form.comment_text(),
            verdict=form.verdict(),
        )
    except WorkflowError as exc:
        status = refuse(request, form, exc)
        return render_claim(request, claim, action_form=(transition.action, form), status=status)
    messages.success(request, transition.done)
    return redirect("claims:review_claim", claim.pk)


@reviewer_required
@require_POST
def claim_reaffirm(request, pk: int):
    """An editor records that the evidence was re-checked and the verdict stands."""
    claim = load_claim(pk)
    form = ReaffirmForm(request.POST, prefix=REAFFIRM_PREFIX)
    if not form.is_valid():
        return render_claim(request, claim, reaffirm_form=form, status=422)
    try:
        workflow.reaffirm_claim(
            claim,
            by=request.user,
            version=form.cleaned_data["version"],
            note=form.cleaned_data["comment"],
        )
    except WorkflowError as exc:
        status = refuse(request, form, exc)
        return render_claim(request, claim, reaffirm_form=form, status=status)
    messages.success(request, workflow.REAFFIRM.done)
    return redirect("claims:review_claim", claim.pk)


def claim_section(request, pk: int, section: str):
    """After a change: the section's partial for htmx, else back to the editor."""
    if request.htmx:
        claim = load_claim(pk)
        return render(request, f"review/partials/{section}.html", claim_context(request, claim))
    return redirect(reverse("claims:review_claim", args=[pk]) + f"#{section}")


@reviewer_required
@require_POST
def note_add(request, pk: int):
    claim = load_claim(pk)
    form = NoteForm(request.POST, prefix=NOTE_PREFIX)
    status = 422
    if form.is_valid():
        try:
            editing.add_note(claim, by=request.user, body=form.cleaned_data["body"])
        except WorkflowError as exc:
            status = refuse(request, form, exc)
        else:
            messages.success(request, "Note added.")
            return claim_section(request, pk, "notes")
    template = "review/partials/notes.html" if request.htmx else "review/claim.html"
    context = claim_context(request, claim, note_form=form)
    return render(request, template, context, status=status)

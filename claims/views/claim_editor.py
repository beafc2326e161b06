"""The claim editor: content and verdict, the workflow buttons, the preview, notes."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import editing, workflow
from ..enums import Action, ClaimStatus, Rating
from ..errors import StaleVersion, WorkflowError
from ..forms import (
    ClaimForm,
    CorrectionForm,
    NoteForm,
    SourceEditForm,
    SourceForm,
    TransitionForm,
    normalise_newlines,
)
from ..markdown import render_markdown
from ..models import Claim, ClaimEvent, Note, ReplyRequest, Source
from . import desk, reply
from .access import refuse, reviewer_required

SOURCE_PREFIX = "source"
NOTE_PREFIX = "note"

ACTION_LABELS = {
    Action.START: "Start research",
    Action.SUBMIT: "Submit for review",
    Action.APPROVE: "Approve and publish",
    Action.REJECT: "Send back for changes",
    Action.WITHDRAW: "Withdraw this fact-check",
    Action.CORRECT: "Publish a correction",
}
# The label of the comment box, for the actions that need one (the others have none).
COMMENT_LABELS = {
    Action.REJECT: "What needs to change (added to the notes)",
    Action.WITHDRAW: "Public reason for withdrawing (shown to readers)",
    Action.CORRECT: "Public correction note: what changed and why (shown to readers)",
}
# Why a claim offers this user no workflow button at all.
NO_ACTION_REASONS = {
    ClaimStatus.IN_REVIEW: "An editor will approve it or send it back for changes.",
    ClaimStatus.PUBLISHED: "Only editors can correct or withdraw a published fact-check.",
    ClaimStatus.WITHDRAWN: "A withdrawn fact-check is final: nothing more can be done to it.",
}
DONE_MESSAGES = {
    Action.START: "Research started.",
    Action.SUBMIT: "Submitted for review: an editor other than you will check it.",
    Action.APPROVE: "Approved: the fact-check is published.",
    Action.REJECT: "Sent back for changes; your comment is in the notes.",
    Action.WITHDRAW: "Withdrawn: readers now see the reason instead of the verdict.",
    Action.CORRECT: "Correction published.",
}


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
            queryset=ClaimEvent.objects.select_related("actor").order_by("created_at", "pk"),
        ),
    )
    return get_object_or_404(queryset, pk=pk)


def _transition_form(action: Action, claim: Claim, data=None):
    form_class = CorrectionForm if action == Action.CORRECT else TransitionForm
    initial = {"version": claim.version}
    if action == Action.CORRECT:
        initial.update(rating=claim.rating, summary=claim.summary, explanation=claim.explanation)
    form = form_class(data, prefix=action.value, initial=initial)
    if action in COMMENT_LABELS:
        form.fields["comment"].label = COMMENT_LABELS[action]
        # The browser asks before sending; the workflow refuses an empty one anyway.
        form.fields["comment"].widget.attrs["required"] = True
    return form


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
    preview=None,
    conflict: bool = False,
    assignment_form=None,
    reply_contact_form=None,
    reply_bound=None,
) -> dict:
    user = request.user
    waiting_note = ""
    if claim.status == ClaimStatus.IN_REVIEW and claim.submitted_by_id == user.pk:
        waiting_note = (
            "You submitted it, so another editor must approve it: every verdict is "
            "checked by two people."
        )
    editable = workflow.can_edit(claim, user)
    actions = []
    for action in workflow.allowed_actions(claim, user):
        if action_form and action_form[0] == action:
            bound = action_form[1]
        else:
            bound = _transition_form(action, claim)
        actions.append(
            {
                "action": action,
                "label": ACTION_LABELS[action],
                "form": bound,
                "has_comment": action in COMMENT_LABELS,
            }
        )
    form = form or ClaimForm(initial=ClaimForm.initial_for(claim))
    # The desk's coordination: assignment box and right of reply (views/desk.py, reply.py).
    coordination = {
        **desk.assignment_context(request, claim, form=assignment_form),
        **reply.reply_context(request, claim, contact_form=reply_contact_form, bound=reply_bound),
    }
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
        "waiting_note": waiting_note,
        "no_action_reason": NO_ACTION_REASONS.get(claim.status, ""),
        "conflict": conflict,
        "missing": workflow.missing_for_submission(claim)
        if claim.status == ClaimStatus.RESEARCHING
        else {},
        "sources": list(claim.sources.all()),
        "source_form": source_form or SourceForm(prefix=SOURCE_PREFIX),
        "notes": list(claim.notes.all()),
        "note_form": note_form or NoteForm(prefix=NOTE_PREFIX),
        "events": list(claim.events.all()),
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
    """One workflow button: start, submit, approve, reject, withdraw or correct."""
    claim = load_claim(pk)
    try:
        action = Action(action)
    except ValueError:
        raise Http404("No such action.") from None
    if action not in workflow.TRANSITIONS:
        raise Http404("No such action.")
    form = _transition_form(action, claim, request.POST)
    if not form.is_valid():
        return render_claim(request, claim, action_form=(action, form), status=422)
    data = form.cleaned_data
    try:
        workflow.perform(
            claim,
            action,
            by=request.user,
            version=data["version"],
            comment=data["comment"],
            verdict=form.verdict() if action == Action.CORRECT else None,
        )
    except WorkflowError as exc:
        status = refuse(request, form, exc)
        return render_claim(request, claim, action_form=(action, form), status=status)
    messages.success(request, DONE_MESSAGES[action])
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

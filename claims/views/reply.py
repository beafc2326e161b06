"""Right of reply in the claim editor: log a contact, record the answer, choose what
readers see (:mod:`claims.reply` holds the rules)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import reply, roles
from ..coordination_models import ReplyRequest
from ..desk_forms import ReplyAnswerForm, ReplyContactForm, ReplyPublicationForm
from ..enums import ClaimStatus, ReplyOutcome
from ..errors import WorkflowError
from .access import refuse, reviewer_required

CONTACT_PREFIX = "reply"


def _answer_form(entry: ReplyRequest, data=None) -> ReplyAnswerForm:
    initial = {
        "outcome": entry.outcome if entry.outcome != ReplyOutcome.AWAITING else "",
        "reply": entry.reply,
        "replied_at": entry.replied_at,
        "version": entry.version,
    }
    return ReplyAnswerForm(data, prefix=f"answer-{entry.pk}", initial=initial)


def _publication_form(entry: ReplyRequest, data=None) -> ReplyPublicationForm:
    initial = {"published": entry.published, "quote": entry.quote, "version": entry.version}
    return ReplyPublicationForm(data, prefix=f"publish-{entry.pk}", initial=initial)


def reply_context(request, claim, *, contact_form=None, bound=None) -> dict:
    """The claim editor's right-of-reply section. ``bound`` is a refused form to show
    again: ``(entry_pk, "answer" | "publish", form)``."""
    entries = []
    for entry in claim.reply_requests.all():
        answer = _answer_form(entry)
        publication = _publication_form(entry)
        if bound and bound[0] == entry.pk:
            answer = bound[2] if bound[1] == "answer" else answer
            publication = bound[2] if bound[1] == "publish" else publication
        entries.append(
            {
                "entry": entry,
                "answer_form": answer,
                "publication_form": publication,
                "public": reply.public_statement(entry, claimant=claim.claimant),
            }
        )
    return {
        "reply_entries": entries,
        "reply_contact_form": contact_form or ReplyContactForm(prefix=CONTACT_PREFIX),
        "reply_open": claim.status != ClaimStatus.WITHDRAWN,
        "can_publish_replies": roles.is_editor(request.user),
    }


def _back(pk: int):
    return redirect(reverse("claims:review_claim", args=[pk]) + "#reply")


def _refused(request, pk: int, status: int, **options):
    from .claim_editor import load_claim, render_claim

    return render_claim(request, load_claim(pk), status=status, **options)


@reviewer_required
@require_POST
def reply_add(request, pk: int):
    from .claim_editor import load_claim

    claim = load_claim(pk)
    form = ReplyContactForm(request.POST, prefix=CONTACT_PREFIX)
    status = 422
    if form.is_valid():
        try:
            reply.log_contact(claim, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            status = refuse(request, form, exc)
        else:
            messages.success(request, "Contact with the claimant logged.")
            return _back(pk)
    return _refused(request, pk, status, reply_contact_form=form)


def _entry(pk: int, entry_pk: int) -> ReplyRequest:
    return get_object_or_404(ReplyRequest.objects.select_related("claim"), pk=entry_pk, claim_id=pk)


@reviewer_required
@require_POST
def reply_answer(request, pk: int, entry_pk: int):
    entry = _entry(pk, entry_pk)
    form = _answer_form(entry, request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            reply.record_answer(
                entry,
                by=request.user,
                version=data["version"],
                outcome=data["outcome"],
                reply=data["reply"],
                replied_at=data["replied_at"],
            )
        except WorkflowError as exc:
            status = refuse(request, form, exc)
        else:
            messages.success(request, "The claimant's answer is recorded.")
            return _back(pk)
    return _refused(request, pk, status, reply_bound=(entry.pk, "answer", form))


@reviewer_required
@require_POST
def reply_publication(request, pk: int, entry_pk: int):
    entry = _entry(pk, entry_pk)
    form = _publication_form(entry, request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = reply.set_publication(
                entry,
                by=request.user,
                version=data["version"],
                published=data["published"],
                quote=data["quote"],
            )
        except WorkflowError as exc:
            status = refuse(request, form, exc)
        else:
            messages.success(
                request,
                "Readers now see this entry."
                if saved.published
                else "This entry is not shown to readers.",
            )
            return _back(pk)
    return _refused(request, pk, status, reply_bound=(entry.pk, "publish", form))

"""Reviewer views for source link health: "Check now", its progress, archived copies.

Same shape as the rest of the reviewer UI (``access.reviewer_required``, a domain call, a
redirect or an htmx fragment). The web request never fetches anything itself: "Check now"
hands the source to the workers and the page polls for the result.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from .. import editing, weburl
from ..errors import WorkflowError
from ..models import Source
from .access import reviewer_required


class ArchivedCopyForm(forms.Form):
    archived_url = weburl.WebURLFormField(
        label="Archived copy (web archive URL)",
        required=False,
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://web.archive.org/web/…"}),
    )


def _source(pk: int, source_pk: int) -> Source:
    queryset = Source.objects.with_health().select_related("claim")
    return get_object_or_404(queryset, pk=source_pk, claim_id=pk)


def _health(request, source: Source, *, pending: bool, status: int = 200, messages_too=False):
    """The source's health partial; after an action (not a poll), with the messages swapped
    in out of band, so htmx users see what happened (an archived copy may be a proposal)."""
    context = {
        "source": source,
        "claim": source.claim,
        "pending": pending,
        "messages_too": messages_too,
        "archive_form": ArchivedCopyForm(initial={"archived_url": source.archived_url}),
    }
    return render(request, "review/includes/source_health.html", context, status=status)


def _back(pk: int, source_pk: int):
    return redirect(reverse("claims:review_claim", args=[pk]) + f"#source-{source_pk}")


@reviewer_required
@require_POST
def source_check(request, pk: int, source_pk: int):
    """Queue a check of this source now; htmx then polls :func:`source_health`."""
    source = _source(pk, source_pk)
    try:
        queued = editing.request_source_check(source, by=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        if request.htmx:
            return _health(
                request, source, pending=False, status=exc.http_status, messages_too=True
            )
        return _back(pk, source_pk)
    if not request.htmx:
        messages.success(
            request,
            "Check queued: the result appears here within a minute."
            if queued
            else "A check of this source is already under way.",
        )
        return _back(pk, source_pk)
    source.refresh_from_db()
    return _health(request, source, pending=True)


@reviewer_required
@require_safe
def source_health(request, pk: int, source_pk: int):
    """The source's health and timeline; still "checking" while a check is handed out."""
    source = _source(pk, source_pk)
    return _health(request, source, pending=source.check_token is not None)


@reviewer_required
@require_POST
def source_archive(request, pk: int, source_pk: int):
    source = _source(pk, source_pk)
    form = ArchivedCopyForm(request.POST)
    if form.is_valid():
        try:
            result = editing.record_archived_copy(
                source, by=request.user, archived_url=form.cleaned_data["archived_url"]
            )
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                "Archived copy proposed: readers see it once an editor who did not propose "
                "it approves."
                if result.proposal
                else "Archived copy saved. It counts as evidence once it is verified to hold "
                "the quoted passage.",
            )
    else:
        messages.error(request, " ".join(form.errors.get("archived_url", ["Invalid URL."])))
    if request.htmx:
        return _health(request, _source(pk, source_pk), pending=False, messages_too=True)
    return _back(pk, source_pk)

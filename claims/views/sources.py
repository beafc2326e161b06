"""Reviewer views of a claim's sources: cite, edit, remove."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from .. import editing
from ..errors import WorkflowError
from ..forms import (
    SourceForm,
    VersionForm,
)
from ..models import Claim, Source
from .access import refuse, reviewer_required
from .claim_editor import SOURCE_PREFIX, claim_context, claim_section, load_claim, source_edit_form


def _source(claim: Claim, source_pk: int) -> Source:
    for source in claim.sources.all():
        if source.pk == source_pk:
            return source
    raise Http404("No such source on this claim.")


@reviewer_required
@require_POST
def source_add(request, pk: int):
    claim = load_claim(pk)
    form = SourceForm(request.POST, prefix=SOURCE_PREFIX)
    status = 422
    if form.is_valid():
        try:
            editing.add_source(claim, by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            status = refuse(request, form, exc)
        else:
            messages.success(request, "Source added.")
            return claim_section(request, pk, "sources")
    template = "review/partials/sources.html" if request.htmx else "review/claim.html"
    context = claim_context(request, claim, source_form=form)
    return render(request, template, context, status=status)


@reviewer_required
@require_http_methods(["GET", "POST"])
def source_edit(request, pk: int, source_pk: int):
    """Edit one source: inline with htmx, on its own page without."""
    claim = load_claim(pk)
    source = _source(claim, source_pk)
    form = source_edit_form(source, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                editing.update_source(
                    source,
                    by=request.user,
                    version=form.cleaned_data["version"],
                    **form.source_fields(),
                )
            except WorkflowError as exc:
                status = refuse(request, form, exc)
            else:
                messages.success(request, "Source saved.")
                return claim_section(request, pk, "sources")
    context = {"claim": claim, "source": source, "form": form}
    if not request.htmx:
        return render(request, "review/source_edit.html", context, status=status)
    response = render(request, "review/partials/source_edit.html", context, status=status)
    # The form targets the whole section (what a save returns); a refusal returns just
    # this source's form, so it goes back in place of itself.
    return reswap(retarget(response, f"#source-{source.pk}"), "outerHTML")


@reviewer_required
@require_POST
def source_remove(request, pk: int, source_pk: int):
    claim = load_claim(pk)
    source = _source(claim, source_pk)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            editing.remove_source(source, by=request.user, version=form.cleaned_data["version"])
        except WorkflowError as exc:
            status = refuse(request, form, exc)
        else:
            messages.success(request, f"Source removed: {source.title}.")
            return claim_section(request, pk, "sources")
    else:
        messages.error(request, "The source's version is missing: reload the page and try again.")
        status = 422
    template = "review/partials/sources.html" if request.htmx else "review/claim.html"
    return render(request, template, claim_context(request, claim), status=status)

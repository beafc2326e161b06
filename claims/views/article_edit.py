"""Editing an article: paste the new text, preview what it does to the claims, save it
as a revision (or propose it, when readers can see the article); its revisions.

Same shape as every reviewer view; the rules — versions, claims that move or would lose
their words, four eyes for public articles — are ``claims.revisions``'.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from .. import editing, history, revisions
from ..errors import WorkflowError
from ..forms import ArticleEditForm
from ..models import ARTICLE_FIELDS, Article, ArticleRevision
from .access import refuse, reviewer_required


def plan_view(plan: revisions.ArticleEditPlan, before: Article) -> dict:
    """What the preview shows: each changed field, the body's diff, each claim's fate."""
    moves = [
        {
            "claim": move.claim,
            "before": (move.claim.start_offset, move.claim.end_offset),
            "after": (move.selector.start, move.selector.end),
            "prefix": move.selector.prefix,
            "suffix": move.selector.suffix,
        }
        for move in plan.moves
    ]
    fields = [
        history.ChangeView(
            str(Article._meta.get_field(name).verbose_name).capitalize(),
            "value",
            before=str(getattr(before, name) or ""),
            after=str(getattr(plan.article, name) or ""),
        )
        for name in plan.changed
        if name != "body"
    ]
    body = history.text_diff(before.body, plan.article.body) if "body" in plan.changed else []
    return {"plan": plan, "moves": moves, "fields": fields, "body_diff": body}


def _initial(article: Article) -> dict:
    initial = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    initial["version"] = article.version
    return initial


@reviewer_required
@require_http_methods(["GET", "POST"])
def article_edit(request, slug: str):
    """GET: the form. POST with ``preview``: what the edit would do, nothing saved. POST:
    save it as the next revision — or, for an article readers can see, propose it."""
    article = get_object_or_404(Article, slug=slug)
    form = ArticleEditForm(request.POST or None, initial=_initial(article))
    context = {"article": article, "form": form, "public": article.is_public()}
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            fields = form.fields_for_domain()
            if "preview" in request.POST:
                plan = editing.plan_article_edit(article, fields=fields)
                context.update(plan_view(plan, article))
                status = 200
            else:
                try:
                    edit = editing.update_article(
                        article,
                        by=request.user,
                        version=form.cleaned_data["version"],
                        fields=fields,
                        comment=form.cleaned_data["comment"],
                    )
                except WorkflowError as exc:
                    status = refuse(request, form, exc)
                else:
                    if edit.proposal:
                        messages.success(
                            request,
                            "Edit proposed: readers see the current revision until an editor "
                            "who did not make it approves.",
                        )
                    elif edit.revision:
                        messages.success(request, f"Saved as revision {edit.revision.number}.")
                    else:
                        messages.info(request, "Nothing to save: no field changed.")
                    return redirect("claims:review_article", article.slug)
    return render(request, "review/article_edit.html", context, status=status)


@reviewer_required
@require_safe
def article_revision(request, slug: str, number: int):
    """One revision: who, when, what it changed against the one before."""
    article = get_object_or_404(Article, slug=slug)
    revision = get_object_or_404(
        ArticleRevision.objects.select_related("actor", "approved_by"),
        article=article,
        number=number,
    )
    previous = article.revisions.filter(number__lt=number).order_by("-number").first()
    fields = []
    if previous is not None:
        fields = [
            history.ChangeView(
                str(Article._meta.get_field(name).verbose_name).capitalize(),
                "value",
                before=str(getattr(previous, name) or ""),
                after=str(getattr(revision, name) or ""),
            )
            for name in ARTICLE_FIELDS
            if name != "body" and getattr(previous, name) != getattr(revision, name)
        ]
    body_diff = history.text_diff(previous.body, revision.body) if previous else []
    context = {
        "article": article,
        "revision": revision,
        "previous": previous,
        "fields": fields,
        "body_diff": body_diff,
    }
    return render(request, "review/article_revision.html", context)

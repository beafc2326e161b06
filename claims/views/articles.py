"""Reviewer views of articles: the list, adding one, and anchoring new claims in its text."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import anchoring, annotate, editing, revisions
from ..enums import ClaimStatus
from ..errors import WorkflowError
from ..forms import (
    ArticleForm,
    ClaimFromOffsetsForm,
    ClaimFromWordsForm,
)
from ..models import Article, Claim, Proposal
from .access import invalid_status, refuse, reviewer_required
from .article_edit import plan_view
from .proposals import proposal_rights

ARTICLES_PER_PAGE = 50
OCCURRENCE_CONTEXT = 40

# Form prefixes: several forms share field names on one page (and their HTML ids).
SELECTION_PREFIX = "selection"
WORDS_PREFIX = "words"


@reviewer_required
@require_safe
def article_list(request):
    status_counts = {
        f"n_{status}": Count("claims", filter=Q(claims__status=status))
        for status in ClaimStatus.values
    }
    articles = Article.objects.annotate(n_claims=Count("claims"), **status_counts).order_by(
        "-created_at", "-pk"
    )
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    for article in page:
        article.status_counts = [
            (label, getattr(article, f"n_{value}"))
            for value, label in ClaimStatus.choices
            if getattr(article, f"n_{value}")
        ]
    return render(request, "review/article_list.html", {"page": page})


@reviewer_required
@require_http_methods(["GET", "POST"])
def article_new(request):
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = editing.create_article(by=request.user, **form.cleaned_data)
        except WorkflowError as exc:
            status = refuse(request, form, exc)
        else:
            messages.success(request, "Article added. Select a claim in its text to start.")
            return redirect("claims:review_article", article.slug)
    else:
        status = invalid_status(form)
    return render(request, "review/article_new.html", {"form": form}, status=status)


def _article_context(article: Article, user) -> dict:
    claims = list(article.claims.order_by("start_offset", "end_offset", "pk"))
    pending = Proposal.objects.pending().filter(article=article).select_related("proposed_by")
    return {
        "article": article,
        "claims": claims,
        "paragraphs": annotate.paragraphs(article.body, claims),
        "revisions": list(
            article.revisions.select_related("actor", "approved_by").order_by("-number")
        ),
        "proposals": [article_proposal_view(p, article, user) for p in pending],
    }


def article_proposal_view(proposal: Proposal, article: Article, user) -> dict:
    """A pending article edit: what it changes and which claims it moves."""
    plan = editing.plan_article_edit(article, fields=revisions.fields_from_json(proposal.values))
    return {**proposal_rights(proposal, user), **plan_view(plan, article)}


def _render_article(request, article, *, selection_form=None, words_form=None, status=200):
    context = _article_context(article, request.user)
    context.update(
        selection_form=selection_form or ClaimFromOffsetsForm(prefix=SELECTION_PREFIX),
        words_form=words_form or ClaimFromWordsForm(prefix=WORDS_PREFIX),
    )
    return render(request, "review/article.html", context, status=status)


@reviewer_required
@require_safe
def article_detail(request, slug: str):
    """The article with every claim highlighted, and the forms that create new ones."""
    article = get_object_or_404(Article, slug=slug)
    return _render_article(request, article)


def _claim_created(request, claim: Claim):
    messages.success(request, "Claim created as a draft. Start research when you are ready.")
    return redirect("claims:review_claim", claim.pk)


@reviewer_required
@require_POST
def claim_new_from_selection(request, slug: str):
    """A new claim from a mouse selection (review.js sends the offsets and the quote)."""
    article = get_object_or_404(Article, slug=slug)
    form = ClaimFromOffsetsForm(request.POST, prefix=SELECTION_PREFIX)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            # create_claim checks article.body[start:end] == quote and refuses a mismatch.
            claim = editing.create_claim(
                article,
                by=request.user,
                quote=data["quote"],
                start_offset=data["start_offset"],
                end_offset=data["end_offset"],
                **form.claim_fields(),
            )
        except WorkflowError as exc:
            status = refuse(request, form, exc)
        else:
            return _claim_created(request, claim)
    return _render_article(request, article, selection_form=form, status=status)


def _occurrences(body: str, spans: list[anchoring.Span]) -> list[dict]:
    """Each candidate span with some text on either side, to choose from."""
    result = []
    for number, span in enumerate(spans, start=1):
        before_start = max(0, span.start - OCCURRENCE_CONTEXT)
        after_end = min(len(body), span.end + OCCURRENCE_CONTEXT)
        result.append(
            {
                "number": number,
                "before": ("…" if before_start else "") + body[before_start : span.start],
                "quote": body[span.start : span.end],
                "after": body[span.end : after_end] + ("…" if after_end < len(body) else ""),
            }
        )
    return result


@reviewer_required
@require_http_methods(["GET", "POST"])
def claim_new_from_words(request, slug: str):
    """A new claim from its quoted words; asks which occurrence when they repeat."""
    article = get_object_or_404(Article, slug=slug)
    form = ClaimFromWordsForm(request.POST or None, prefix=WORDS_PREFIX)
    occurrences: list[dict] = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = editing.create_claim_from_words(
                    article,
                    by=request.user,
                    quote=data["quote"],
                    occurrence=data["occurrence"],
                    **form.claim_fields(),
                )
            except anchoring.AmbiguousQuote as exc:
                # Not an error: a question. The form comes back with a choice to make.
                messages.info(request, str(exc))
                occurrences = _occurrences(article.body, exc.spans)
                status = 200
            except anchoring.AnchorError as exc:
                form.add_error("quote", str(exc))
            except WorkflowError as exc:
                status = refuse(request, form, exc)
            else:
                return _claim_created(request, claim)
    context = {"article": article, "form": form, "occurrences": occurrences}
    return render(request, "review/claim_new.html", context, status=status)

"""Pages for readers. Only published claims ever reach these views' templates."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from .. import annotate
from ..models import Article, Claim


def _published_claims():
    return Claim.objects.published().prefetch_related("tags").order_by("start_offset")


def _article_context(article: Article) -> dict:
    claims = list(article.published_claims)
    return {
        "article": article,
        "claims": claims,
        "paragraphs": annotate.paragraphs(article.body, claims),
    }


def _articles():
    return Article.objects.prefetch_related(
        Prefetch("claims", queryset=_published_claims(), to_attr="published_claims")
    )


def home(request):
    """The newest article, annotated with its published fact-checks."""
    article = _articles().first()
    context = _article_context(article) if article else {"article": None}
    return render(request, "public/home.html", context)


def article_detail(request, slug: str):
    article = get_object_or_404(_articles(), slug=slug)
    return render(request, "public/article.html", _article_context(article))

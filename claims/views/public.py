"""Pages for readers. Only published claims (and withdrawn ones, as notices) reach them.

Every view here runs a fixed number of queries whatever the number of claims, sources or
corrections, and is cached whole for anonymous readers (see ``claims.public_cache``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .. import annotate, claimreview, events, history, reply, workflow
from ..enums import Action, ClaimStatus, Rating
from ..filters import PublicClaimFilter
from ..models import Article, Claim, ClaimEvent, Correction, ReplyRequest, Source
from ..public_cache import cached_public_page
from ..rules import REAFFIRM, TRANSITIONS
from ..siteurl import absolute_url


def _page(request, items, per_page: int | None = None):
    paginator = Paginator(items, per_page or settings.PUBLIC_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


@require_safe
@cached_public_page
def home(request):
    """Published fact-checks, newest first; filter by rating, article and tag; search."""
    claims = PublicClaimFilter(request.GET, queryset=Claim.objects.for_reader_list())
    page = _page(request, claims.qs if claims.is_valid() else Claim.objects.none())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public/home.html",
        {
            "filter": claims,
            "page": page,
            "query_string": query.urlencode(),
            "canonical_url": absolute_url(request, reverse("claims:home")),
        },
    )


# The events a public claim page reads: who researched it (contributions before it was
# published), who approved it, and its reaffirmations.
PUBLIC_RECORD_ACTIONS = workflow.CONTRIBUTING_ACTIONS | {Action.APPROVE, Action.REAFFIRM}


def _public_claim(slug: str) -> Claim:
    record = ClaimEvent.objects.filter(action__in=PUBLIC_RECORD_ACTIONS).select_related("actor")
    queryset = (
        Claim.objects.public()
        .select_related("article", "submitted_by", "approved_by")
        .prefetch_related(
            "tags",
            Prefetch(
                "sources", queryset=Source.objects.select_related("last_check").order_by("id")
            ),
            Prefetch(
                "corrections",
                queryset=Correction.objects.select_related(
                    "event__actor", "event__proposal__proposed_by"
                ),
            ),
            Prefetch(
                "events",
                queryset=record.order_by("created_at", "pk"),
                to_attr="public_record_events",
            ),
            # Right of reply: only the entries an editor marked for publication.
            Prefetch(
                "reply_requests",
                queryset=ReplyRequest.objects.published(),
                to_attr="public_replies",
            ),
        )
    )
    return get_object_or_404(queryset, slug=slug)


@require_safe
@cached_public_page
def claim_detail(request, slug: str):
    claim = _public_claim(slug)
    url = absolute_url(request, reverse("claims:claim", args=[claim.slug]))
    json_ld = None
    if claim.status == ClaimStatus.PUBLISHED:
        json_ld = claimreview.as_json_ld(claimreview.claim_review(claim, url=url))
    reaffirmed = [e for e in claim.public_record_events if e.action == Action.REAFFIRM]
    return render(
        request,
        "public/claim.html",
        {
            "claim": claim,
            "rating": Rating(claim.rating) if claim.rating else None,
            "canonical_url": url,
            "json_ld": json_ld,
            # A withdrawn claim is not highlighted in its article (whose page may not exist).
            "article_url": reverse("claims:article", args=[claim.article.slug])
            + f"#quote-{claim.slug}"
            if claim.status == ClaimStatus.PUBLISHED
            else "",
            "right_of_reply": [
                reply.public_statement(entry, claimant=claim.claimant)
                for entry in claim.public_replies
            ],
            "researchers": workflow.researchers(claim),
            "reaffirmed": reaffirmed[-1] if reaffirmed else None,
            "sources": [(source, source.link_status) for source in claim.sources.all()],
        },
    )


@require_safe
@cached_public_page
def claim_versions(request, slug: str):
    """The previous versions of the verdict, dated, with what changed: from the first
    publication on, never anything from before it (drafts and research stay internal).
    A withdrawn fact-check lists its versions' dates and notes but, as its page does, no
    longer shows the verdict itself."""
    claim = get_object_or_404(
        Claim.objects.public().select_related("article").prefetch_related("tags", "sources"),
        slug=slug,
    )
    record = (
        ClaimEvent.objects.filter(claim=claim).select_related("actor").order_by("created_at", "pk")
    )
    versions = history.verdict_versions(history.versions(record, events.claim_state(claim)))
    return render(
        request,
        "public/claim_versions.html",
        {
            "claim": claim,
            "versions": list(reversed(versions)),
            "show_verdict": claim.status == ClaimStatus.PUBLISHED,
            "canonical_url": absolute_url(request, reverse("claims:claim_versions", args=[slug])),
        },
    )


@require_safe
@cached_public_page
def article_detail(request, slug: str):
    """The article with every published claim highlighted at its exact span.

    An article without a published claim has no public page (404, as in the API and the
    sitemap): readers see articles only as the context of published fact-checks.
    """
    published = Claim.objects.published().prefetch_related("tags").order_by("start_offset")
    article = get_object_or_404(
        Article.objects.filter(
            Exists(Claim.objects.published().filter(article=OuterRef("pk")))
        ).prefetch_related(Prefetch("claims", queryset=published, to_attr="published_claims")),
        slug=slug,
    )
    claims = article.published_claims
    return render(
        request,
        "public/article.html",
        {
            "article": article,
            "claims": claims,
            "paragraphs": annotate.paragraphs(article.body, claims),
            "canonical_url": absolute_url(request, reverse("claims:article", args=[slug])),
        },
    )


@require_safe
@cached_public_page
def corrections(request):
    """Every public correction and withdrawal, newest first (from the audit trail)."""
    return render(
        request,
        "public/corrections.html",
        {
            "page": _page(request, ClaimEvent.objects.corrections_log()),
            "canonical_url": absolute_url(request, reverse("claims:corrections")),
        },
    )


@require_safe
@cached_public_page
def methodology(request):
    """The rating scale and the process, from the same definitions the code enforces."""
    return render(
        request,
        "public/methodology.html",
        {
            "ratings": list(Rating),
            "transitions": TRANSITIONS.values(),
            "reaffirm": REAFFIRM,
            "canonical_url": absolute_url(request, reverse("claims:methodology")),
        },
    )


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /review/",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "",
        "Sitemap: " + absolute_url(request, reverse("sitemap")),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

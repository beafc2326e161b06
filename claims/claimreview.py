"""schema.org ClaimReview for a published claim, as a plain dict ready for JSON-LD.

Follows schema.org and Google's fact-check markup guidelines: ``claimReviewed`` is the
claim itself (never the verdict), the rating carries its label as ``alternateName`` and,
where the scale has a value for it, ``ratingValue`` between ``worstRating`` and
``bestRating``. ``itemReviewed`` says who made the claim, when, and where it appeared.
"""

from __future__ import annotations

import json

from django.conf import settings

from .enums import BEST_RATING_VALUE, WORST_RATING_VALUE, ClaimantKind, Rating
from .models import Claim

_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def organisation() -> dict:
    return {
        "@type": "Organization",
        "name": settings.FACTCHECK_ORGANIZATION_NAME,
        "url": settings.FACTCHECK_ORGANIZATION_URL,
    }


def claim_review(claim: Claim, *, url: str) -> dict:
    """The ClaimReview of ``claim`` whose canonical page is ``url``."""
    rating = Rating(claim.rating)
    review_rating: dict = {"@type": "Rating", "alternateName": rating.label}
    if rating.rating_value is not None:
        review_rating.update(
            ratingValue=rating.rating_value,
            bestRating=BEST_RATING_VALUE,
            worstRating=WORST_RATING_VALUE,
        )
    article = claim.article
    appearance: dict = {"@type": "NewsArticle", "headline": article.title}
    if article.url:
        appearance["url"] = article.url
    if article.outlet:
        appearance["publisher"] = {"@type": "Organization", "name": article.outlet}
    if article.published_at:
        appearance["datePublished"] = article.published_at.date().isoformat()
    is_organization = claim.claimant_kind == ClaimantKind.ORGANIZATION
    item: dict = {
        "@type": "Claim",
        "author": {
            "@type": "Organization" if is_organization else "Person",
            "name": claim.claimant,
        },
        "appearance": appearance,
    }
    if article.published_at:
        item["datePublished"] = article.published_at.date().isoformat()
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.statement,
        "datePublished": claim.published_at.date().isoformat(),
        "author": organisation(),
        "reviewRating": review_rating,
        "itemReviewed": item,
    }


def as_json_ld(data: dict) -> str:
    """JSON for a ``<script type="application/ld+json">`` block, safe inside HTML."""
    return json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_JSON_SCRIPT_ESCAPES)

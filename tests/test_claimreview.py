import json
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from claims.enums import ClaimantKind, Rating
from tests.factories import ArticleFactory, PublishedClaimFactory

pytestmark = pytest.mark.django_db


def json_ld_blocks(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S
        )
    ]


def test_claim_page_carries_one_valid_claimreview(client):
    article = ArticleFactory(
        title="Budget day",
        url="https://news.example.org/budget",
        outlet="The Daily Test",
        published_at=datetime(2023, 5, 30, 12, tzinfo=UTC),
    )
    claim = PublishedClaimFactory(
        article=article,
        statement="Unemployment fell to 4.2% in 2022.",
        claimant="The minister",
        claimant_kind=ClaimantKind.PERSON,
        rating=Rating.MOSTLY_ACCURATE,
        published_at=datetime(2023, 6, 2, 9, tzinfo=UTC),
    )
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    blocks = json_ld_blocks(html)
    assert len(blocks) == 1
    url = f"https://factcheck.example.org/claims/{claim.slug}/"
    assert blocks[0] == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": "Unemployment fell to 4.2% in 2022.",
        "datePublished": "2023-06-02",
        "author": {
            "@type": "Organization",
            "name": "Example Fact Desk",
            "url": "https://factcheck.example.org/",
        },
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Mostly accurate",
            "ratingValue": 4,
            "bestRating": 5,
            "worstRating": 1,
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "The minister"},
            "datePublished": "2023-05-30",
            "appearance": {
                "@type": "NewsArticle",
                "headline": "Budget day",
                "url": "https://news.example.org/budget",
                "publisher": {"@type": "Organization", "name": "The Daily Test"},
                "datePublished": "2023-05-30",
            },
        },
    }
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html


def test_unsupported_rating_has_no_rating_value(client):
    claim = PublishedClaimFactory(
        rating=Rating.UNSUPPORTED, claimant="Ministry", claimant_kind=ClaimantKind.ORGANIZATION
    )
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    (block,) = json_ld_blocks(html)
    assert block["reviewRating"] == {"@type": "Rating", "alternateName": "Unsupported"}
    assert block["itemReviewed"]["author"] == {"@type": "Organization", "name": "Ministry"}


@pytest.mark.parametrize("rating", [r for r in Rating if r.rating_value is not None])
def test_rating_values_follow_the_scale(client, rating):
    claim = PublishedClaimFactory(rating=rating)
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    (block,) = json_ld_blocks(html)
    assert block["reviewRating"]["ratingValue"] == rating.rating_value
    assert 1 <= rating.rating_value <= 5


def test_json_ld_cannot_break_out_of_its_script(client):
    claim = PublishedClaimFactory(statement="</script><script>alert(1)</script>")
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert "<script>alert(1)" not in html
    (block,) = json_ld_blocks(html)
    assert block["claimReviewed"] == "</script><script>alert(1)</script>"

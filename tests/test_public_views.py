import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from claims.models import Claim
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    InReviewClaimFactory,
    PublishedClaimFactory,
    ResearchingClaimFactory,
)

pytestmark = pytest.mark.django_db


def test_home_shows_the_seed_article_with_its_published_claims(client):
    call_command("seed_demo", stdout=io.StringIO())
    response = client.get(reverse("claims:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "In Baku, Azerbaijan’s president thanks Herzog for Israeli arms supply" in html
    for claim in Claim.objects.all():
        highlight = f'href="#claim-{claim.slug}"><mark>{claim.quote}</mark>'
        if claim.status == "published":
            assert highlight in html
        else:
            assert highlight not in html
            assert claim.slug not in html


def test_unpublished_claims_are_not_hinted_at(client):
    article = ArticleFactory()
    secret = "Critics replied that wages had not kept up with prices"
    for factory in (ClaimFactory, ResearchingClaimFactory, InReviewClaimFactory):
        factory(article=article, quote_text=secret, statement=f"Secret {factory.__name__}")
    response = client.get(reverse("claims:article", args=[article.slug]))
    html = response.content.decode()
    assert "<mark>" not in html
    assert "Secret" not in html
    assert "No claims in this article have been published yet." in html


def test_article_page_query_count_does_not_grow(client, django_assert_num_queries):
    article = ArticleFactory()
    PublishedClaimFactory(article=article)
    with django_assert_num_queries(3):
        client.get(reverse("claims:article", args=[article.slug]))
    PublishedClaimFactory.create_batch(
        10, article=article, quote_text="wages had not kept up with prices"
    )
    with django_assert_num_queries(3):
        response = client.get(reverse("claims:article", args=[article.slug]))
    assert response.content.decode().count('class="claim-card"') == 11


def test_unknown_article_is_404(client):
    assert client.get(reverse("claims:article", args=["nope"])).status_code == 404

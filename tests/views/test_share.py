"""The share image of a fact-check: served for published claims only, cached with the
public pages, linked from the claim page's OpenGraph and Twitter tags."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from claims import public_cache, shareimage
from claims.enums import Rating
from tests.factories import (
    ClaimFactory,
    InReviewClaimFactory,
    PublishedClaimFactory,
    ResearchingClaimFactory,
    WithdrawnClaimFactory,
)
from tests.support.record import publish_correction, publish_withdrawal

pytestmark = pytest.mark.django_db


@pytest.fixture
def caching(settings):
    settings.PUBLIC_CACHE_SECONDS = 300
    public_cache.invalidate()


def image_url(claim) -> str:
    return reverse("claims:claim_share_image", args=[claim.slug])


def test_a_published_claim_has_a_1200_by_630_png(client, caching):
    claim = PublishedClaimFactory(rating=Rating.FALSE)
    response = client.get(image_url(claim))
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    image = Image.open(io.BytesIO(response.content))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    assert response.content == shareimage.render(shareimage.card_for(claim))
    assert response["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize(
    "factory", [ClaimFactory, ResearchingClaimFactory, InReviewClaimFactory, WithdrawnClaimFactory]
)
def test_claims_that_are_not_published_have_no_image(client, factory):
    claim = factory()
    assert client.get(image_url(claim)).status_code == 404


def test_the_image_is_cached_and_redrawn_after_a_correction(
    client, caching, editor, django_capture_on_commit_callbacks
):
    claim = PublishedClaimFactory(rating=Rating.ACCURATE)
    first = client.get(image_url(claim))
    again = client.get(image_url(claim))
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content

    with django_capture_on_commit_callbacks(execute=True):
        publish_correction(claim, by=editor, note="n", rating="false")
    claim.refresh_from_db()
    corrected = client.get(image_url(claim))
    assert corrected["X-Cache"] == "miss"
    assert corrected.content == shareimage.render(shareimage.card_for(claim))
    assert corrected.content != first.content


def test_a_withdrawn_claims_cached_image_is_gone_at_once(
    client, caching, editor, django_capture_on_commit_callbacks
):
    claim = PublishedClaimFactory()
    assert client.get(image_url(claim)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        publish_withdrawal(claim, by=editor, reason="Wrong quote.")
    assert client.get(image_url(claim)).status_code == 404


def test_a_matching_etag_gets_304(client):
    claim = PublishedClaimFactory()
    etag = client.get(image_url(claim))["ETag"]
    response = client.get(image_url(claim), HTTP_IF_NONE_MATCH=etag)
    assert (response.status_code, response.content) == (304, b"")


def test_random_query_strings_do_not_draw_new_images(client, caching, monkeypatch):
    claim = PublishedClaimFactory()
    client.get(image_url(claim))
    drawn = []
    monkeypatch.setattr(shareimage, "render", lambda card: drawn.append(card) or b"")
    for n in range(3):
        assert client.get(image_url(claim) + f"?v={n}")["X-Cache"] == "hit"
    assert drawn == []


def meta(html: str) -> dict[str, str]:
    found = re.findall(
        r'<meta (?:property|name)="((?:og|twitter):[\w:]+)" content="([^"]*)">', html
    )
    return dict(found)


def test_the_claim_page_links_its_share_image(client, settings):
    settings.SITE_URL = "https://checks.example.org"
    claim = PublishedClaimFactory(rating=Rating.MIXED, statement="Prices doubled.")
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    fingerprint = shareimage.fingerprint(shareimage.card_for(claim))
    url = f"https://checks.example.org{image_url(claim)}?v={fingerprint}"
    tags = meta(html)
    assert {k: v for k, v in tags.items() if "image" in k or k == "twitter:card"} == {
        "og:image": url,
        "og:image:type": "image/png",
        "og:image:width": "1200",
        "og:image:height": "630",
        "og:image:alt": "Mixed: Prices doubled.",
        "twitter:card": "summary_large_image",
        "twitter:image": url,
        "twitter:image:alt": "Mixed: Prices doubled.",
    }


def test_a_withdrawn_claims_page_has_no_share_image(client):
    claim = WithdrawnClaimFactory()
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    tags = meta(html)
    assert [k for k in tags if "image" in k] == []
    assert tags["twitter:card"] == "summary"


def test_without_site_url_the_image_url_is_the_requests_own(client, settings):
    settings.SITE_URL = ""
    claim = PublishedClaimFactory()
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert meta(html)["og:image"].startswith(f"http://testserver{image_url(claim)}?v=")

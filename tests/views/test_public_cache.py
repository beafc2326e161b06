import pytest
from django.urls import reverse

from claims import public_cache, workflow
from claims.enums import Rating
from tests.factories import InReviewClaimFactory, PublishedClaimFactory, SourceFactory
from tests.support.record import publish_correction, publish_withdrawal

pytestmark = pytest.mark.django_db


@pytest.fixture
def caching(settings):
    settings.PUBLIC_CACHE_SECONDS = 300
    public_cache.invalidate()


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get("X-Cache"), response.content.decode()


def test_public_page_is_served_from_the_cache(client, caching):
    claim = PublishedClaimFactory()
    url = reverse("claims:claim", args=[claim.slug])
    assert get(client, url)[0] == "miss"
    assert get(client, url)[0] == "hit"


def test_logged_in_users_bypass_the_cache(client, caching, reviewer):
    claim = PublishedClaimFactory()
    client.force_login(reviewer)
    url = reverse("claims:claim", args=[claim.slug])
    assert get(client, url)[0] is None
    assert get(client, url)[0] is None


def test_publishing_invalidates(client, caching, editor, django_capture_on_commit_callbacks):
    claim = InReviewClaimFactory()
    SourceFactory(claim=claim)
    home = reverse("claims:home")
    assert claim.statement not in get(client, home)[1]
    assert get(client, home)[0] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_claim(claim, by=editor, version=claim.version)
    status, html = get(client, home)
    assert (status, claim.statement in html) == ("miss", True)


def test_correcting_invalidates(client, caching, editor, django_capture_on_commit_callbacks):
    claim = PublishedClaimFactory(rating=Rating.ACCURATE)
    url = reverse("claims:claim", args=[claim.slug])
    get(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        publish_correction(claim, by=editor, note="n", rating="false")
    status, html = get(client, url)
    assert status == "miss"
    assert '<span class="badge badge--false">False</span>' in html


def test_withdrawing_invalidates(client, caching, editor, django_capture_on_commit_callbacks):
    claim = PublishedClaimFactory()
    PublishedClaimFactory(article=claim.article, quote_text="part-time workers")
    url = reverse("claims:article", args=[claim.article.slug])
    marked = f'data-claim="{claim.slug}"'
    assert marked in get(client, url)[1]
    with django_capture_on_commit_callbacks(execute=True):
        publish_withdrawal(claim, by=editor, reason="r")
    status, html = get(client, url)
    assert (status, marked in html) == ("miss", False)

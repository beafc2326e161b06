import io
import json

import pytest
from django.core.management import call_command

from claims.models import Claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_goes_from_home_to_the_article_to_a_verdict(page):
    call_command("seed_demo", stdout=io.StringIO())
    published = list(Claim.objects.published().select_related("article").order_by("start_offset"))
    article = published[0].article

    page.goto("/")
    assert page.locator(".claim-card").count() == len(published)
    page.get_by_role("link", name=article.title).first.click()
    page.wait_for_url(f"**/articles/{article.slug}/")
    assert page.locator(".article-body mark").all_inner_texts() == [c.quote for c in published]

    oil = next(c for c in published if "oil" in c.quote)
    page.locator(".article-body a.claim-mark", has_text=oil.quote).click()
    page.wait_for_url(f"**/claims/{oil.slug}/")
    assert page.locator("h1").inner_text() == oil.statement
    assert page.locator(".verdict-rating .badge").inner_text() == "Mostly accurate"
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert (data["@type"], data["claimReviewed"]) == ("ClaimReview", oil.statement)

    # "See the claim in the article" lands on its highlight.
    page.get_by_role("link", name="See the claim in the article").click()
    page.wait_for_url(f"**/articles/{article.slug}/#quote-{oil.slug}")


def test_keyboard_users_get_a_visible_skip_link_and_focus_ring(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement") is True
    assert skip.bounding_box()["x"] >= 0
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"


def test_pages_fit_a_360px_screen(page):
    call_command("seed_demo", stdout=io.StringIO())
    page.set_viewport_size({"width": 360, "height": 740})
    claim = Claim.objects.published().first()
    for url in ("/", f"/claims/{claim.slug}/", f"/articles/{claim.article.slug}/", "/methodology/"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 360, url

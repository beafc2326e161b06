"""The public design in a real browser, on a desktop and on a 360 px phone: the layouts,
the rating shapes, the share image, one navigation bar, and no console error or CSP
violation on any page this design touches. Screenshots go to var/artifacts/browser/."""

import io

import pytest
from django.core.management import call_command
from PIL import Image

from claims.models import Claim
from tests.support.browser import log_in, screenshot, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-password-for-tests"  # tests/settings.py DEMO_PASSWORD
PHONE = {"width": 360, "height": 640}


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    return list(Claim.objects.published().select_related("article").order_by("-published_at"))


def box(locator):
    return locator.bounding_box()


def test_phone_home_shows_the_first_fact_check_at_once_and_folds_the_filters(page, demo):
    page.set_viewport_size(PHONE)
    page.goto("/")
    first_title = page.locator(".claim-card .card-title").first
    assert first_title.inner_text() == demo[0].statement
    # The first fact-check's rating and title are on the first screen, unscrolled.
    assert box(page.locator(".claim-card .badge").first)["y"] > 0
    title = box(first_title)
    assert title["y"] + title["height"] <= PHONE["height"]
    # The filters fold behind one button…
    form = page.locator("form.filters")
    assert form.is_visible() is False
    toggle = page.get_by_text("Search and filter", exact=True)
    assert box(toggle)["height"] >= 44  # a finger-sized target
    screenshot(page, "phone-home")
    toggle.click()
    assert form.is_visible() is True
    assert page.get_by_label("Search", exact=True).is_visible()
    # …and the site's links behind one menu button in one header bar.
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Corrections").is_visible() is False
    page.locator(".menu__button").click()
    assert nav.get_by_role("link", name="Corrections").is_visible() is True
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_desktop_home_is_a_grid_of_cards_beside_the_filters(page, demo):
    page.goto("/")
    cards = page.locator(".claim-card")
    first, second = box(cards.nth(0)), box(cards.nth(1))
    assert first["y"] == second["y"] and second["x"] > first["x"] + first["width"]
    form = box(page.locator("form.filters"))
    assert form["x"] + form["width"] <= first["x"]  # a column of its own, left of the cards
    assert page.locator(".filters-fold__button").is_visible() is False
    screenshot(page, "desktop-home")


def test_every_badge_carries_its_shape_not_only_its_colour(page, demo):
    page.goto("/methodology/")
    shapes = page.locator(".rating-scale .badge").evaluate_all(
        """badges => badges.map((b) => [
            b.textContent,
            getComputedStyle(b, "::before").maskImage
              .replace(/^.*\\/ratings\\//, "").replace(/"\\)$/, ""),
            getComputedStyle(b).backgroundColor])"""
    )
    assert [(label, shape) for label, shape, _ in shapes] == [
        ("Accurate", "accurate.svg"),
        ("Mostly accurate", "mostly_accurate.svg"),
        ("Mixed", "mixed.svg"),
        ("Misleading", "misleading.svg"),
        ("False", "false.svg"),
        ("Unsupported", "unsupported.svg"),
    ]
    assert len({colour for _, _, colour in shapes}) == 6
    screenshot(page, "desktop-methodology", full_page=True)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_claim_page_leads_with_the_claim_the_verdict_and_its_line(page, demo, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    claim = demo[0]
    page.goto(f"/claims/{claim.slug}/")
    order = [
        box(page.locator(selector))["y"]
        for selector in ("h1", ".verdict-rating .badge", ".verdict-summary", "#sources-heading")
    ]
    assert order == sorted(order)
    height = (viewport or {"height": 900})["height"]
    summary = box(page.locator(".verdict-summary"))
    assert summary["y"] + summary["height"] <= height  # the verdict is on the first screen
    assert page.locator(".verdict-summary").inner_text() == claim.summary
    name = "phone" if viewport else "desktop"
    screenshot(page, f"{name}-claim", full_page=True)


def test_the_share_image_is_linked_and_served(page, demo):
    claim = demo[0]
    page.goto(f"/claims/{claim.slug}/")
    url = page.locator('meta[property="og:image"]').get_attribute("content")
    # tests/settings.py sets SITE_URL: fetch the same path from the live server.
    assert url.startswith(f"https://factcheck.example.org/claims/{claim.slug}/share.png?v=")
    url = url.removeprefix("https://factcheck.example.org")
    assert page.locator('meta[name="twitter:card"]').get_attribute("content") == (
        "summary_large_image"
    )
    response = page.request.get(page.url.split("/claims/")[0] + url)
    assert (response.status, response.headers["content-type"]) == (200, "image/png")
    image = Image.open(io.BytesIO(response.body()))
    assert image.size == (1200, 630)
    image.save(screenshot.__globals__["ARTIFACTS"] / "share-image.png")


def test_the_article_page_puts_claims_in_the_margin_on_wide_screens(page, demo):
    article = demo[0].article
    page.goto(f"/articles/{article.slug}/")
    notes = page.locator(".margin-note")
    assert notes.count() == len(demo)
    text = box(page.locator(".article-body p").first)
    note = box(notes.first)
    assert note["x"] >= text["x"] + text["width"]  # beside the text, not under it
    assert page.locator(".claims--after-article").is_visible() is False
    screenshot(page, "desktop-article", full_page=True)

    page.set_viewport_size(PHONE)
    assert notes.first.is_visible() is False
    assert page.locator(".claims--after-article").is_visible() is True
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "phone-article")


def test_reviewers_on_a_phone_have_one_navigation_bar(page, demo):
    page.set_viewport_size(PHONE)
    log_in(page, "reviewer", PASSWORD)
    page.goto("/review/")
    header = box(page.locator(".site-header"))
    assert header["height"] <= 64
    # Below the one bar, only the page's own messages (the sign-in's) before its heading.
    messages = box(page.locator("#messages"))["height"]
    assert box(page.locator("h1"))["y"] - messages < 110  # was 248 with two bars
    assert page.locator(".review-nav").is_visible() is False
    page.locator(".menu__button").click()
    desk = page.locator(".menu__desk")
    assert desk.get_by_role("link", name="Dashboard").is_visible()
    assert desk.get_by_role("link", name="Add an article").is_visible()
    screenshot(page, "phone-review-menu")


def test_no_console_error_or_csp_violation_on_the_pages_this_design_touches(page, demo):
    problems = watch(page)
    claim = demo[0]
    article = claim.article
    public = [
        "/",
        "/?q=oil&rating=mostly_accurate",
        f"/claims/{claim.slug}/",
        f"/articles/{article.slug}/",
        "/corrections/",
        "/methodology/",
    ]
    for url in public:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_text("Search and filter", exact=True).click()
    page.locator(".menu__button").click()
    log_in(page, "reviewer", PASSWORD)
    source = claim.sources.first()
    for url in (
        "/review/",
        f"/review/articles/{article.slug}/",
        f"/review/claims/{source.claim_id}/",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert problems.found() == []

"""Anchoring claims in a real browser: selections that start inside or run over existing
highlights, overlapping claims that stay distinguishable, and the keyboard-only path."""

import pytest

from claims.models import Claim
from tests.factories import ArticleFactory, ClaimFactory, user_with_role
from tests.support.browser import drag_select, log_in, screenshot, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "The minister said unemployment fell to 4.2 percent last year. Critics 🙄 replied "
    "that wages had not kept up with prices. Nobody disputed the figure.\n\n"
    "Officials promised a new survey. It will be published in May."
)


def create_from_form(page, statement: str) -> Claim:
    form = page.locator("#new-claim-selection")
    form.get_by_label("Statement", exact=True).fill(statement)
    form.get_by_label("Claimant", exact=True).fill("The minister")
    form.get_by_role("button", name="Create the claim").click()
    page.wait_for_url("**/review/claims/*/")
    return Claim.objects.get(statement=statement)


def test_a_selection_starting_inside_a_highlight_creates_the_claim(page):
    user_with_role("rita", "Reviewers")
    article = ArticleFactory(body=BODY)
    ClaimFactory(article=article, quote_text="unemployment fell to 4.2 percent")
    log_in(page, "rita")
    page.goto(f"/review/articles/{article.slug}/")

    # From inside the existing highlight ("fell"), past its end and its label.
    drag_select(page, "fell to", "replied")
    quote = "fell to 4.2 percent last year. Critics 🙄 replied"
    screenshot(page, "anchoring-selection-from-inside-a-highlight")
    assert page.locator("[data-selection-status]").inner_text() == (
        f"Selected: “{quote}”. Choose “New claim” to quote it."
    )
    page.get_by_role("button", name="New claim", exact=True).click()
    claim = create_from_form(page, "It fell to 4.2% last year.")
    start = BODY.index(quote)
    assert (claim.quote, claim.start_offset, claim.end_offset) == (quote, start, start + len(quote))


def test_a_selection_inside_a_highlight_quotes_part_of_it(page):
    user_with_role("rita", "Reviewers")
    article = ArticleFactory(body=BODY)
    ClaimFactory(article=article, quote_text="unemployment fell to 4.2 percent last year")
    log_in(page, "rita")
    page.goto(f"/review/articles/{article.slug}/")
    drag_select(page, "4.2", "percent")
    page.get_by_role("button", name="New claim", exact=True).click()
    claim = create_from_form(page, "The rate was 4.2%.")
    assert (claim.quote, claim.start_offset) == ("4.2 percent", BODY.index("4.2 percent"))


def test_overlapping_claims_are_distinguishable_and_hovering_one_shows_which(page):
    user_with_role("rita", "Reviewers")
    article = ArticleFactory(body=BODY)
    first = ClaimFactory(
        article=article, quote_text="unemployment fell to 4.2 percent", statement="Fell to 4.2%."
    )
    second = ClaimFactory(
        article=article, quote_text="4.2 percent last year", statement="4.2% was last year's."
    )
    problems = watch(page)
    log_in(page, "rita")
    page.goto(f"/review/articles/{article.slug}/")

    marks = page.locator("mark.hl")
    # The shared words "4.2 percent" are one mark inside the other, each in its own lane.
    shared = page.locator(f'mark[data-claim="{second.pk}"] > mark[data-claim="{first.pk}"]')
    assert shared.inner_text() == "4.2 percent"
    lanes = {
        slug: page.locator(f'mark[data-claim="{slug}"]').first.get_attribute("class")
        for slug in (first.pk, second.pk)
    }
    assert lanes == {
        first.pk: "hl lane-0 hl--start",
        second.pk: "hl lane-1 hl--start",
    }
    # Each lane draws its underline at its own depth below the same text line.
    inner = shared.evaluate("el => el.getBoundingClientRect().bottom")
    outer = page.locator(f'mark[data-claim="{second.pk}"]').first.evaluate(
        "el => el.getBoundingClientRect().bottom"
    )
    assert outer - inner >= 3
    styles = shared.evaluate(
        "el => [el, el.parentElement].map((m) => getComputedStyle(m).borderBottomStyle)"
    )
    assert styles == ["solid", "dashed"]

    def active():
        return sorted(
            {
                m.get_attribute("data-claim")
                for m in marks.all()
                if "is-active" in m.get_attribute("class")
            }
        )

    # Hovering the part only the second claim covers lights up all of the second claim.
    page.locator(f'mark[data-claim="{second.pk}"]', has_text="last year").hover()
    assert active() == [str(second.pk)]
    info = page.locator("[data-claim-info]")
    assert info.inner_text() == "Claim: 4.2% was last year's. (Draft)"
    screenshot(page, "anchoring-overlap-hover")

    # Focusing a claim's status label (its link) shows that claim.
    page.locator(f'.mark-status[data-claim="{first.pk}"]').focus()
    assert active() == [str(first.pk)]
    assert info.inner_text() == "Claim: Fell to 4.2%. (Draft)"
    assert problems.found() == []


def test_a_claim_anchored_with_the_keyboard_alone(page):
    user_with_role("rita", "Reviewers")
    article = ArticleFactory(body=BODY)
    ClaimFactory(article=article, quote_text="Nobody disputed the figure.")
    problems = watch(page)
    log_in(page, "rita")
    page.goto(f"/review/articles/{article.slug}/")
    assert page.locator("[data-keyboard-help]").is_visible()

    # Tab to the article text (a handful of presses, not 35).
    presses = 0
    while not page.evaluate("document.activeElement.hasAttribute('data-article-body')"):
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 15, "the article text is not a few Tab presses away"

    keys = page.keyboard
    keys.press("ArrowDown")  # the first sentence
    keys.press("ArrowDown")  # the second: "Critics 🙄 replied that wages … prices."
    status = page.locator("[data-selection-status]")
    assert status.inner_text() == (
        "Selected: “Critics 🙄 replied that wages had not kept up with prices.”. "
        "Choose “New claim” to quote it."
    )
    keys.press("Shift+ArrowLeft")  # the end back a word: "…kept up with"
    keys.press("ArrowRight")  # the start on a word: "🙄 replied…"
    keys.press("ArrowRight")  # and another: "replied…"
    quote = "replied that wages had not kept up with"
    assert status.inner_text() == f"Selected: “{quote}”. Choose “New claim” to quote it."
    screenshot(page, "anchoring-keyboard-selection")
    keys.press("Enter")  # New claim: the form opens with the focus in its first field

    assert page.evaluate("document.activeElement.name") == "selection-statement"
    keys.type("Wages lagged behind prices.")
    keys.press("Tab")
    keys.type("Critics")
    keys.press("Enter")  # submits the form from the claimant field
    page.wait_for_url("**/review/claims/*/")
    claim = Claim.objects.get(statement="Wages lagged behind prices.")
    start = BODY.index(quote)
    assert (claim.quote, claim.start_offset, claim.end_offset) == (quote, start, start + len(quote))
    assert problems.found() == []


def test_the_keyboard_goes_across_paragraphs_and_back(page):
    user_with_role("rita", "Reviewers")
    article = ArticleFactory(body=BODY)
    log_in(page, "rita")
    page.goto(f"/review/articles/{article.slug}/")
    page.locator("[data-article-body]").focus()
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    status = page.locator("[data-selection-status]")
    assert status.inner_text() == (
        "Selected: “Officials promised a new survey.”. Choose “New claim” to quote it."
    )
    page.keyboard.press("ArrowUp")
    assert status.inner_text() == (
        "Selected: “Nobody disputed the figure.”. Choose “New claim” to quote it."
    )
    page.keyboard.press("Shift+ArrowRight")  # the end into the next paragraph
    assert status.inner_text() == (
        "Selected: “Nobody disputed the figure. Officials”. Choose “New claim” to quote it."
    )

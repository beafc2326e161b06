"""The reviewers' UI in a real browser: selecting words with the mouse, and htmx swaps."""

import pytest

from claims.models import Claim, Source
from tests.factories import ArticleFactory, ClaimFactory, ResearchingClaimFactory, user_with_role
from tests.support.browser import drag_select, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Astral characters (two UTF-16 code units, one code point) before the quotes, and a
# highlighted claim with its status label in between: the offsets must still be Python's.
BODY = (
    "Rockets 🚀 launched at dawn. The minister said unemployment fell to 4.2 percent "
    "last year.\n\n"
    "Critics 🙄 replied that wages had not kept up with prices."
)


def test_selecting_words_with_the_mouse_creates_the_claim(page):
    user_with_role("rita", "Reviewers")
    article = ArticleFactory(body=BODY)
    ClaimFactory(article=article, quote_text="The minister said")
    log_in(page, "rita")
    page.goto(f"/review/articles/{article.slug}/")

    drag_select(page, "unemployment", "percent")
    quote = "unemployment fell to 4.2 percent"
    status = page.locator("[data-selection-status]")
    assert status.inner_text() == f"Selected: “{quote}”. Choose “New claim” to quote it."
    page.get_by_role("button", name="New claim", exact=True).click()
    form = page.locator("#new-claim-selection")
    assert form.locator("[data-selection-quote]").inner_text() == quote
    form.get_by_label("Statement", exact=True).fill("Unemployment fell to 4.2%.")
    form.get_by_label("Claimant", exact=True).fill("The minister")
    form.get_by_role("button", name="Create the claim").click()

    page.wait_for_url("**/review/claims/*/")
    claim = Claim.objects.get(statement="Unemployment fell to 4.2%.")
    start = BODY.index(quote)  # code points, as Python counts
    assert (claim.quote, claim.start_offset, claim.end_offset) == (
        quote,
        start,
        start + len(quote),
    )
    assert page.locator(".message--success").inner_text() == (
        "Claim created as a draft. Start research when you are ready."
    )


def test_a_selection_across_paragraphs_and_past_a_status_label(page):
    user_with_role("rita", "Reviewers")
    article = ArticleFactory(body=BODY)
    ClaimFactory(article=article, quote_text="last year.")
    log_in(page, "rita")
    page.goto(f"/review/articles/{article.slug}/")

    drag_select(page, "percent", "replied")
    page.get_by_role("button", name="New claim", exact=True).click()
    form = page.locator("#new-claim-selection")
    form.get_by_label("Statement", exact=True).fill("Across paragraphs.")
    form.get_by_label("Claimant", exact=True).fill("The minister")
    form.get_by_role("button", name="Create the claim").click()

    page.wait_for_url("**/review/claims/*/")
    claim = Claim.objects.get(statement="Across paragraphs.")
    quote = "percent last year.\n\nCritics 🙄 replied"
    assert (claim.quote, claim.start_offset) == (quote, BODY.index(quote))


def test_sources_are_added_and_refused_inline_with_htmx(page):
    user_with_role("rita", "Reviewers")
    claim = ResearchingClaimFactory()
    # Whatever the Content-Security-Policy blocks is reported on the console.
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    log_in(page, "rita")
    response = page.goto(f"/review/claims/{claim.pk}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.evaluate("window.notReloaded = true")

    form = page.locator("form.add-source")
    form.get_by_label("URL").fill("ftp://stats.example.org/labour")  # the browser lets it by
    form.get_by_label("Title").fill("Labour market overview")
    form.get_by_role("button", name="Add the source").click()
    # A refusal (422) is swapped in with its errors and the input kept.
    page.locator("#sources .error-summary").wait_for()
    assert page.locator("#sources .error-summary li").all_inner_texts() == [
        "URL: Enter a web address starting with http:// or https://."
    ]
    form = page.locator("form.add-source")
    assert form.get_by_label("Title").input_value() == "Labour market overview"

    form.get_by_label("URL").fill("https://stats.example.org/labour")
    form.get_by_role("button", name="Add the source").click()
    page.locator("#sources .source__title").wait_for()
    assert page.locator("#sources .source__title").all_inner_texts() == ["Labour market overview"]
    assert page.locator("#messages").inner_text() == "Source added."
    assert page.locator("#history .event__what").count() == 1
    assert page.evaluate("window.notReloaded") is True
    assert list(Source.objects.values_list("url", flat=True)) == [
        "https://stats.example.org/labour"
    ]
    assert [e for e in console_errors if "Content Security Policy" in e] == []

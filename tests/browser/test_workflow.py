"""The whole desk in a real browser: a reviewer takes a sentence of the seed article from
a selection to a submitted verdict, a second person (an editor) approves it, and readers
see it — every step through the pages, every step in the history."""

import io

import pytest
from django.core.management import call_command

from claims.enums import Action, ClaimStatus
from claims.models import Claim
from tests.support.browser import drag_select, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-password-for-tests"  # tests/settings.py DEMO_PASSWORD
QUOTE = "cybersecurity as a field in which bilateral cooperation is growing"


def test_seed_claim_goes_from_selection_to_published_by_two_people(page, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    article_slug = Claim.objects.first().article.slug

    # The reviewer anchors a new claim by selecting its words.
    log_in(page, "reviewer", PASSWORD)
    page.goto(f"/review/articles/{article_slug}/")
    drag_select(page, "cybersecurity as", "is growing")
    page.get_by_role("button", name="New claim", exact=True).click()
    form = page.locator("#new-claim-selection")
    form.get_by_label("Statement", exact=True).fill(
        "Israel and Azerbaijan's cooperation on cybersecurity is growing."
    )
    form.get_by_label("Claimant", exact=True).fill("Ilham Aliyev")
    form.get_by_role("button", name="Create the claim").click()
    page.wait_for_url("**/review/claims/*/")
    claim = Claim.objects.latest("created_at")
    assert claim.quote == QUOTE
    assert claim.article.body[claim.start_offset : claim.end_offset] == QUOTE

    # Research: start, cite a source, write the verdict, submit.
    page.get_by_role("button", name="Start research").click()
    page.wait_for_load_state()
    sources = page.locator("#sources form.add-source")
    sources.get_by_label("URL").fill("https://en.president.az/articles/view/59851")
    sources.get_by_label("Title").fill("Ilham Aliyev and Isaac Herzog made press statements")
    sources.get_by_label("Passage").fill("cooperation in the field of cybersecurity")
    sources.get_by_role("button", name="Add the source").click()
    page.locator("#sources .source").first.wait_for()
    page.get_by_label("Mostly accurate", exact=True).check()
    page.get_by_label("Summary").fill("Both presidents named cybersecurity as a growing field.")
    page.get_by_label("Explanation").fill("Aliyev **said so**; the figures are not public.")
    page.locator("#claim-form").get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    claim.refresh_from_db()
    assert (claim.status, claim.submitted_by.username) == (ClaimStatus.IN_REVIEW, "reviewer")
    # The reviewer has no approve button; nobody can approve their own submission.
    assert page.get_by_role("button", name="Approve and publish").count() == 0
    page.get_by_role("button", name="Log out").click()

    # A second person, an editor, approves from the review queue.
    log_in(page, "editor", PASSWORD)
    page.goto("/review/")
    page.locator("#review").get_by_role("link", name=claim.statement).click()
    page.wait_for_url(f"**/review/claims/{claim.pk}/")
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_load_state()
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by.username) == (ClaimStatus.PUBLISHED, "editor")
    assert list(claim.events.values_list("action", "actor__username")) == [
        (Action.CREATE, "reviewer"),
        (Action.START, "reviewer"),
        (Action.ADD_SOURCE, "reviewer"),
        (Action.EDIT, "reviewer"),
        (Action.SUBMIT, "reviewer"),
        (Action.APPROVE, "editor"),
    ]
    history = page.locator("#history").inner_text()
    assert "Approved and published" in history and "Submitted for review" in history
    page.get_by_role("button", name="Log out").click()

    # Readers see the verdict, highlighted in the article.
    page.goto(f"/articles/{article_slug}/")
    page.locator(".article-body a.claim-mark", has_text=QUOTE).click()
    page.wait_for_url(f"**/claims/{claim.slug}/")
    assert page.locator(".verdict-rating .badge").inner_text() == "Mostly accurate"

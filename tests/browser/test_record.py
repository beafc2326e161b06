"""A correction in a real browser: one editor proposes it, readers still see the old
verdict, a second editor approves it from the dashboard, and readers then see the new
verdict, the correction and the previous version."""

import io

import pytest
from django.core.management import call_command

from claims.enums import Action, ClaimStatus
from claims.models import Claim
from tests.support.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-password-for-tests"  # tests/settings.py DEMO_PASSWORD


def test_a_correction_takes_two_editors_and_keeps_the_previous_version(page, live_server):
    call_command("seed_demo", stdout=io.StringIO())
    claim = Claim.objects.filter(status=ClaimStatus.PUBLISHED).first()
    old_summary = claim.summary

    # The demo editor approved it; now they propose a correction.
    log_in(page, "editor", PASSWORD)
    page.goto(f"/review/claims/{claim.pk}/")
    form = page.locator("form.action-form--correct")
    form.get_by_label("Summary").fill("Corrected: the share was lower than stated.")
    form.get_by_label("Public correction note", exact=False).fill("The SIPRI table was misread.")
    form.get_by_role("button", name="Propose a correction").click()
    page.wait_for_load_state()
    assert "Correction proposed" in page.locator("#messages").inner_text()
    # Not theirs to approve: the proposal says who may.
    proposal = page.locator("#proposals")
    assert "You proposed it, so you cannot approve this correction" in proposal.inner_text()
    assert proposal.get_by_role("button", name="Approve and publish the correction").count() == 0
    page.get_by_role("button", name="Log out").click()

    # Readers still see the verdict as published.
    page.goto(f"/claims/{claim.slug}/")
    assert page.locator(".verdict-summary").inner_text() == old_summary

    # A second editor (the demo administrator) approves it from the dashboard.
    log_in(page, "admin", PASSWORD)
    page.goto("/review/")
    section = page.locator("#proposals")
    assert "you can approve it" in section.inner_text()
    section.get_by_role("link", name=f"Correction: {claim.statement}").click()
    page.get_by_role("button", name="Approve and publish the correction").click()
    page.wait_for_load_state()
    assert "Correction approved and published." in page.locator("#messages").inner_text()
    claim.refresh_from_db()
    assert claim.summary == "Corrected: the share was lower than stated."
    assert list(claim.events.values_list("action", "actor__username"))[-2:] == [
        (Action.PROPOSE, "editor"),
        (Action.CORRECT, "admin"),
    ]
    page.get_by_role("button", name="Log out").click()

    # Readers see the correction, and can open the previous version.
    page.goto(f"/claims/{claim.slug}/")
    assert page.locator(".verdict-summary").inner_text() == claim.summary
    assert "The SIPRI table was misread." in page.locator(".corrections-list").inner_text()
    page.get_by_role("link", name="See what changed").click()
    page.wait_for_url(f"**/claims/{claim.slug}/versions/*")
    versions = page.locator(".versions").inner_text()
    assert "Version 1: as first published" in versions
    assert old_summary in versions

import io

import pytest
from django.core.management import call_command

from claims.models import Claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_sees_published_claims_highlighted_in_the_article(page):
    call_command("seed_demo", stdout=io.StringIO())
    page.goto("/")
    published = list(Claim.objects.published().order_by("start_offset"))
    marks = page.locator(".article-body mark")
    assert marks.all_inner_texts() == [claim.quote for claim in published]
    # Following a highlight lands on its verdict.
    page.get_by_role("link", name=published[0].quote).click()
    card = page.locator(f"#claim-{published[0].slug}")
    assert card.locator(".badge").inner_text() == published[0].get_rating_display()


def test_keyboard_users_get_a_visible_skip_link(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement") is True
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0

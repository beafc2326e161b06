"""Who may open the reviewer UI, and how it is served (never cached, no inline code)."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from claims.enums import ClaimStatus
from claims.models import Claim, ClaimEvent, Source
from tests.factories import (
    NoteFactory,
    PublishedClaimFactory,
)
from tests.views.pages import claim_url, error_summary

pytestmark = pytest.mark.django_db


# --- Access -------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login_from_every_review_url(client, every_review_url):
    for url in every_review_url:
        for method in (client.get, client.post):
            response = method(url)
            assert (response.status_code, response.url) == (
                302,
                f"{reverse('login')}?next={quote(url)}",
            ), url
    assert Claim.objects.count() == 1 and Source.objects.count() == 1


def test_users_without_a_role_get_403_on_every_review_url(client, outsider, every_review_url):
    client.force_login(outsider)
    for url in every_review_url:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 403, url
            assert response.templates[0].name == "review/forbidden.html"
    assert "You have no reviewer role" in response.content.decode()
    assert ClaimEvent.objects.count() == 0
    assert Claim.objects.get().status == ClaimStatus.RESEARCHING  # the submit did nothing


def test_every_role_can_open_the_dashboard(client, reviewer, editor, superuser):
    for user in (reviewer, editor, superuser):
        client.force_login(user)
        assert client.get(reverse("claims:review_dashboard")).status_code == 200


def test_reviewers_cannot_reach_the_admin(client, reviewer, editor):
    for user in (reviewer, editor):
        client.force_login(user)
        response = client.get("/admin/")
        assert (response.status_code, response.url) == (302, "/admin/login/?next=/admin/")


def test_review_pages_are_never_cached(client, reviewer, outsider):
    url = reverse("claims:review_dashboard")
    assert client.get(url)["Cache-Control"] == "private, no-store"  # the login redirect
    client.force_login(outsider)
    assert client.get(url)["Cache-Control"] == "private, no-store"  # the 403 page
    client.force_login(reviewer)
    response = client.get(url)
    assert (response.status_code, response["Cache-Control"]) == (200, "private, no-store")


def test_review_pages_carry_no_inline_code(client, editor):
    """Scripts and styles come from files only, for the Content-Security-Policy."""
    claim = PublishedClaimFactory()
    NoteFactory(claim=claim)
    client.force_login(editor)
    for url in (
        reverse("claims:review_dashboard"),
        reverse("claims:review_articles"),
        reverse("claims:review_article_new"),
        reverse("claims:review_article", args=[claim.article.slug]),
        claim_url(claim),
    ):
        page = client.get(url).content.decode()
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
        assert [attrs for attrs, body in scripts if body.strip() or "src=" not in attrs] == []
        assert re.findall(r"<[^>]+\s(?:style|on[a-z]+)=|<style", page) == [], url


def test_login_takes_a_reviewer_back_where_they_were_going(client, reviewer):
    url = reverse("claims:review_dashboard")
    response = client.post(
        reverse("login"), {"username": "rita", "password": "password", "next": url}
    )
    assert (response.status_code, response.url) == (302, url)
    assert client.get(url).status_code == 200


def test_login_without_a_destination_opens_the_dashboard(client, reviewer):
    response = client.post(reverse("login"), {"username": "rita", "password": "password"})
    assert (response.status_code, response.url) == (302, reverse("claims:review_dashboard"))


def test_login_refuses_a_wrong_password_with_a_message(client, reviewer):
    response = client.post(reverse("login"), {"username": "rita", "password": "nope"})
    assert response.status_code == 200
    assert error_summary(response) == [
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    ]


def test_logout_is_a_post_form_that_ends_the_session(client, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("claims:review_dashboard")).content.decode()
    assert f'<form class="nav-logout" method="post" action="{reverse("logout")}">' in page
    response = client.post(reverse("logout"))
    assert (response.status_code, response.url) == (302, reverse("claims:home"))
    assert client.get(reverse("claims:review_dashboard")).status_code == 302


def test_nav_shows_review_only_to_reviewers(client, reviewer, outsider):
    def nav_links():
        page = client.get(reverse("claims:methodology")).content.decode()
        nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S).group(1)
        return re.findall(r">([^<>]+)</(?:a|button)>", nav)

    assert nav_links() == ["Fact-checks", "Corrections", "Methodology", "Log in"]
    client.force_login(outsider)
    assert nav_links() == ["Fact-checks", "Corrections", "Methodology", "Log out"]
    client.force_login(reviewer)
    assert nav_links() == ["Fact-checks", "Corrections", "Methodology", "Review", "Log out"]


def test_password_change_page_is_styled_and_works(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "password",
            "new_password1": "a-much-longer-passphrase-42",
            "new_password2": "a-much-longer-passphrase-42",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("password_change_done"), 302)]
    reviewer.refresh_from_db()
    assert reviewer.check_password("a-much-longer-passphrase-42")

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PublishedClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def inline_code(html: str) -> list[str]:
    """Inline scripts (other than JSON-LD data), style attributes and event handlers."""
    found = []
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        if "application/ld+json" not in attrs and body.strip():
            found.append("inline script")
    found += re.findall(r"<[^>]+\sstyle=", html)
    found += re.findall(r"<[^>]+\son[a-z]+=", html)
    found += re.findall(r"<style", html)
    return found


def test_public_pages_send_a_strict_csp_and_contain_no_inline_code(client):
    claim = PublishedClaimFactory()
    for url in (
        reverse("claims:home"),
        reverse("claims:claim", args=[claim.slug]),
        reverse("claims:article", args=[claim.article.slug]),
        reverse("claims:corrections"),
        reverse("claims:methodology"),
        reverse("login"),
    ):
        response = client.get(url)
        assert directives(response["Content-Security-Policy"]) == directives(CSP), url
        assert inline_code(response.content.decode()) == [], url


def test_security_headers(client):
    response = client.get(reverse("claims:home"))
    assert (
        response["X-Content-Type-Options"],
        response["Referrer-Policy"],
        response["X-Frame-Options"],
        response["Cross-Origin-Opener-Policy"],
    ) == ("nosniff", "strict-origin-when-cross-origin", "DENY", "same-origin")


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_PRELOAD=True)
def test_hsts_over_https():
    response = Client().get(reverse("claims:home"), secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_health_probes_are_exempt_from_the_https_redirect():
    client = Client()
    assert client.get(reverse("claims:home")).status_code == 301
    assert client.get(reverse("healthz")).status_code == 200


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_username_on_that_address():
    UserFactory(username="victim", password="right-password-123")
    client = Client(REMOTE_ADDR="127.0.0.9")
    url = reverse("login")
    for _ in range(3):
        response = client.post(url, {"username": "victim", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    # Even the right password is refused until the cool-off ends...
    blocked = client.post(url, {"username": "victim", "password": "right-password-123"})
    assert blocked.status_code == 429
    # ...but only for that username on that address.
    other = Client(REMOTE_ADDR="127.0.0.10")
    ok = other.post(url, {"username": "victim", "password": "right-password-123"})
    assert ok.status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_wrong_old_passwords_on_the_password_change_form_lock_like_failed_sign_ins():
    """Issue 11.7: 10 wrong old passwords, then the right one, was accepted."""
    user = UserFactory(username="victim", password="right-password-123")
    client = Client(REMOTE_ADDR="127.0.0.9")
    client.force_login(user)
    url = reverse("password_change")

    def change(old: str):
        new = "a-much-longer-passphrase-42"
        return client.post(url, {"old_password": old, "new_password1": new, "new_password2": new})

    statuses = [change(f"guess-{n}").status_code for n in range(10)]
    assert statuses == [200] * 4 + [429] * 6
    refused = change("right-password-123")
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.content.decode()
    user.refresh_from_db()
    assert user.check_password("right-password-123")
    # The same lockout as sign-in: this username from this address cannot sign in either...
    sign_in = {"username": "victim", "password": "right-password-123"}
    assert Client(REMOTE_ADDR="127.0.0.9").post(reverse("login"), sign_in).status_code == 429
    # ...while the owner elsewhere still can.
    assert Client(REMOTE_ADDR="127.0.0.10").post(reverse("login"), sign_in).status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_password_change_still_works_with_the_right_old_password_when_not_locked():
    user = UserFactory(username="owner", password="right-password-123")
    client = Client(REMOTE_ADDR="127.0.0.11")
    client.force_login(user)
    new = "a-much-longer-passphrase-42"
    wrong = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": new, "new_password2": new},
    )
    assert "Your old password was entered incorrectly." in wrong.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": "right-password-123", "new_password1": new, "new_password2": new},
    )
    assert (response.status_code, response["Location"]) == (302, reverse("password_change_done"))
    user.refresh_from_db()
    assert user.check_password(new)

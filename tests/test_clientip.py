"""Behind a reverse proxy, lockouts and throttles name the client, not the proxy (issue 11.1).

The proxy connects from ``PROXY`` and appends the address it received the request from to
``X-Forwarded-For``; ``TRUSTED_PROXY_COUNT=1`` says so. Every test goes through Django's
whole middleware stack (axes' middleware included).
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
PROXY = "10.0.0.2"
ALICE, BOB = "203.0.113.7", "198.51.100.9"


def through_proxy(client_address: str) -> Client:
    """A browser at ``client_address`` whose requests reach the app through the proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", None, "192.0.2.1"),
        (0, "192.0.2.1", "203.0.113.7", "192.0.2.1"),  # no proxy: the header is the client's
        (1, PROXY, "203.0.113.7", "203.0.113.7"),
        (1, PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client wrote 6.6.6.6
        (2, PROXY, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, PROXY, "203.0.113.7", "203.0.113.7"),  # skipped the outer proxy
        (1, PROXY, "203.0.113.7:51234", "203.0.113.7"),
        (1, PROXY, "[2001:DB8::1]:443", "2001:db8::1"),
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, " , ", PROXY),
        (1, PROXY, None, PROXY),
    ],
)
def test_client_ip_reads_forwarded_for_only_behind_trusted_proxies(
    settings, proxies, remote, forwarded, expected
):
    from claims.clientip import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **extra)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_failed_sign_ins_behind_a_proxy_lock_only_that_client(settings, behind_one_proxy):
    """The reported attack: 6 failed sign-ins from one client locked the account for a
    different client behind the same proxy (axes recorded the proxy's address)."""
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    UserFactory(username="victim", password="right-password-123")
    url = reverse("login")
    attacker = through_proxy(ALICE)
    failures = [
        attacker.post(url, {"username": "victim", "password": "wrong"}).status_code
        for _ in range(6)
    ]
    assert failures == [200, 200, 200, 200, 429, 429]

    victim = through_proxy(BOB)
    response = victim.post(url, {"username": "victim", "password": "right-password-123"})
    assert (response.status_code, response["Location"]) == (302, reverse("claims:review_dashboard"))
    still_locked = attacker.post(url, {"username": "victim", "password": "right-password-123"})
    assert still_locked.status_code == 429
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [("victim", ALICE)]


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_dodge_the_lockout(settings, behind_one_proxy):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="victim", password="right-password-123")
    url = reverse("login")
    statuses = []
    for n in range(4):
        # The client writes a new address each time; the proxy appends the real one.
        forged = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ALICE}")
        statuses.append(forged.post(url, {"username": "victim", "password": "x"}).status_code)
    assert statuses == [200, 200, 429, 429]


@pytest.fixture
def throttled(settings, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "3/minute"},
    }
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache(f"t-{uuid.uuid4()}", {}))


@pytest.mark.django_db
def test_each_reader_behind_the_proxy_has_their_own_api_budget(throttled, behind_one_proxy):
    """The anonymous API throttle was one bucket shared by every reader behind the proxy."""
    alice, bob = through_proxy(ALICE), through_proxy(BOB)
    statuses = [alice.get("/api/v1/ratings/").status_code for _ in range(3)]
    statuses += [bob.get("/api/v1/ratings/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429, 200, 200, 429]


def test_the_proxy_count_comes_from_the_environment():
    """``TRUSTED_PROXY_COUNT`` (or its old name ``AXES_PROXY_COUNT``) sets the count that
    lockouts and throttles share."""
    script = (
        "from django.conf import settings as s; "
        "print(s.TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'], "
        "s.AXES_CLIENT_IP_CALLABLE, s.AXES_LOCKOUT_PARAMETERS)"
    )
    outputs = []
    for extra in ({"TRUSTED_PROXY_COUNT": "2"}, {"AXES_PROXY_COUNT": "1"}, {}):
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "TRUSTED_PROXY_COUNT", "AXES_PROXY_COUNT"}
        }
        env.update(DEBUG="true", DJANGO_SETTINGS_MODULE="factcheck.settings", **extra)
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        outputs.append(result.stdout.strip().splitlines()[-1])
    lockout = "[['username', 'ip_address']]"
    assert outputs == [
        f"2 2 claims.clientip.client_ip {lockout}",
        f"1 1 claims.clientip.client_ip {lockout}",
        f"0 0 claims.clientip.client_ip {lockout}",
    ]

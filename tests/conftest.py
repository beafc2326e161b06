"""Shared fixtures, and the rule for tests that need a real service.

A test marked ``postgres``, ``redis`` or ``browser`` skips with the reason when the service
is not configured or not reachable — except under ``CI=true``, where that is a failure.
"""

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _service_problem(marker: str) -> str | None:
    if marker == "postgres":
        if connection.vendor != "postgresql":
            return "PostgreSQL not configured (set DATABASE_URL=postgres://...)"
        return None
    if marker == "redis":
        if not settings.REDIS_URL:
            return "Redis not configured (set REDIS_URL=redis://...)"
        parts = urlsplit(settings.REDIS_URL)
        if parts.hostname and not _reachable(parts.hostname, parts.port or 6379):
            return f"Redis not reachable at {parts.hostname}:{parts.port or 6379}"
        return None
    if marker == "browser":
        if not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
            return "Chromium not installed (apt-get install chromium)"
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "Playwright not installed"
        return None
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        problem = _service_problem(marker)
        if problem:
            if IN_CI:
                pytest.fail(f"CI=true but a required service is missing: {problem}")
            pytest.skip(problem)


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker process on the configured broker and the test database."""
    from tests.support.worker import WorkerProcess

    worker = WorkerProcess().start()
    yield worker
    worker.stop()


# --- Users in each role (the groups come from the data migration) -----------------------


@pytest.fixture
def reviewer(db):
    from tests.factories import user_with_role

    return user_with_role("rita", "Reviewers")


@pytest.fixture
def editor(db):
    from tests.factories import user_with_role

    return user_with_role("eddie", "Editors")


@pytest.fixture
def other_editor(db):
    from tests.factories import user_with_role

    return user_with_role("erin", "Editors")


@pytest.fixture
def superuser(db):
    from tests.factories import user_with_role

    return user_with_role("ada", None, is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    """Logged in, but in no role group."""
    from tests.factories import user_with_role

    return user_with_role("olga", None)


# --- A real browser (Debian's chromium driven by Playwright) ----------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Playwright's sync API keeps an event loop running in this thread while it is open, and
    Django refuses ORM calls under a running loop unless told the caller is synchronous
    anyway — which it is: every test, and the live server's view of the test database.
    Module scope (not session) closes that loop before other modules' ``asyncio.run()``.
    """
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield instance
            instance.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(request, browser, live_server):
    """A fresh browser context pointed at the live test server."""
    if request.node.get_closest_marker("browser") is None:
        pytest.fail("tests that use the browser must be marked @pytest.mark.browser")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


# --- Network guard and a local HTTP server (link checks) --------------------------------


@pytest.fixture(scope="session", autouse=True)
def _install_network_guard():
    """Before any other fixture of the session: nothing but loopback from here on."""
    from tests.support import netguard

    netguard.install()
    yield
    netguard.uninstall()


@pytest.fixture(autouse=True)
def _network_guard(_install_network_guard):
    """Fails the test if it tried to reach anything outside loopback (tests/netguard.py),
    even when the code under test swallowed the guard's exception."""
    from tests.support import netguard

    netguard.take_violations()
    yield
    if found := netguard.take_violations():
        pytest.fail("network guard: " + "; ".join(found))


@pytest.fixture
def http_server():
    """A scripted HTTP server on 127.0.0.1 (tests/httpserver.py)."""
    from tests.support.httpserver import TestServer

    with TestServer() as server:
        yield server


@pytest.fixture(scope="session")
def tls_ca():
    """A throwaway certificate authority (trustme), for HTTPS test servers."""
    trustme = pytest.importorskip("trustme")
    return trustme.CA()


@pytest.fixture
def https_server(tls_ca):
    """Like ``http_server``, over TLS with a certificate for ``site.test`` from ``tls_ca``."""
    import ssl

    from tests.support.httpserver import TestServer

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls_ca.issue_cert("site.test").configure_cert(context)
    with TestServer(ssl_context=context) as server:
        yield server


@pytest.fixture
def allow_loopback(settings, http_server):
    """Lets the link checker's settings reach ``http_server``: loopback through the SSRF
    guard, and the server's port. Tests of the guard itself do without."""
    settings.LINKCHECK_ALLOW_NETWORKS = ["127.0.0.0/8", "::1/128"]
    settings.LINKCHECK_ALLOWED_PORTS = [80, 443, http_server.port]
    return http_server


# --- The REST API (tests/test_api*.py) --------------------------------------------------


@pytest.fixture
def api_client(settings):
    """A DRF test client, with throttling off so tests do not spend each other's request
    budget (the throttling tests switch it back on)."""
    from rest_framework.test import APIClient

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None},
    }
    return APIClient()


@pytest.fixture
def token_for():
    """``token_for(user)``: a new API key for the user (django-rest-knox; only its hash is
    stored), as a header dict. The same user gets the same key within a test."""
    from knox.models import AuthToken

    keys: dict[int, str] = {}

    def make(user) -> dict:
        if user.pk not in keys:
            keys[user.pk] = AuthToken.objects.create(user=user, expiry=None)[1]
        return {"HTTP_AUTHORIZATION": f"Token {keys[user.pk]}"}

    return make

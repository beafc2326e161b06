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
    from tests.worker import WorkerProcess

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


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session.

    Playwright's sync API keeps an event loop running in this thread from here on, and
    Django refuses ORM calls under a running loop unless told the caller is synchronous
    anyway — which it is: every test, and the live server's view of the test database.
    """
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


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

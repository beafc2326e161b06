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

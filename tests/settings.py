"""Test overlay on factcheck.settings.

Environment first: these values must be in place before the project settings read them,
and a Celery worker started by a test inherits them, so both sides agree on the broker
folder, the queue and the var/ directory.
"""

import os
import tempfile
import uuid

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("DEBUG", "false")
_scratch = os.environ.setdefault("FACTCHECK_TEST_DIR", tempfile.mkdtemp(prefix="factcheck-test-"))
os.environ.setdefault("VAR_DIR", os.path.join(_scratch, "var"))
os.environ.setdefault("CELERY_BROKER_DIR", os.path.join(_scratch, "broker"))
# One queue per test process, so tests never consume (or leave) another run's messages.
os.environ.setdefault("CELERY_QUEUE", f"factcheck-test-{uuid.uuid4().hex[:12]}")

from factcheck.settings import *  # noqa: E402, F403
from factcheck.settings import CACHES, DATABASES, env_list  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Parallel test processes share one Redis: each keeps its own key space, so one's page-cache
# invalidations, throttles and rate limits never reach another's (a worker started by a
# test inherits CELERY_QUEUE, hence the same prefix).
CACHES["default"]["KEY_PREFIX"] = os.environ["CELERY_QUEUE"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_PASSWORD = "demo-password-for-tests"

# A file, not :memory:, so a worker process started by a test can open the same database.
# The backend is Django's, with a flush that can empty the append-only tables between
# tests (tests/support/sqlite_backend/base.py says why and how).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "tests.support.sqlite_backend"
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_scratch, "test.sqlite3")}

# Whole-page caching is off by default in tests so pages reflect each test's data; the
# cache tests switch it on and start from a fresh generation.
PUBLIC_CACHE_SECONDS = 0
SITE_URL = "https://factcheck.example.org"
FACTCHECK_ORGANIZATION_NAME = "Example Fact Desk"
FACTCHECK_ORGANIZATION_URL = "https://factcheck.example.org/"

# Tests log in with Client.login(), which django-axes cannot see the request of; the
# brute-force tests switch it back on.
AXES_ENABLED = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
STATIC_ROOT = os.path.join(_scratch, "static")
os.makedirs(STATIC_ROOT, exist_ok=True)
LOG_FORMAT = "plain"

# The link checker's SSRF guard stays fully on: a test reaches its local server on
# 127.0.0.1 through the `allow_loopback` fixture or a FetchPolicy of its own. Whatever a
# test does, tests/netguard.py fails it if it connects anywhere but loopback.
# Empty unless a worker started by a test is told otherwise through the environment.
LINKCHECK_ALLOW_NETWORKS: list[str] = env_list("LINKCHECK_ALLOW_NETWORKS")
LINKCHECK_CONTACT_URL = "https://factcheck.example.org/about/link-checker"

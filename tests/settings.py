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
from factcheck.settings import DATABASES  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_PASSWORD = "demo-password-for-tests"

# A file, not :memory:, so a worker process started by a test can open the same database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(_scratch, "test.sqlite3")}

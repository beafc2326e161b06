"""Probes for orchestrators: /healthz (the process is up) and /readyz (it can serve).

/readyz checks everything a request or a check depends on — the database, the cache, the
Celery broker — and that a worker has sent a heartbeat recently. It answers 200 with the
results as JSON when all pass, 503 when any fails; it never caches and never raises.

Anyone may call it (orchestrators do, without credentials), so it tells them only
``ok`` or ``failing`` per check: an exception's text can carry host names, addresses or
credentials in a connection string. What failed and why goes to the log
(``factcheck.health``); signed-in staff also see it, with each check's timing.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from claims import heartbeat

from .celery import app as celery_app

logger = logging.getLogger(__name__)


@require_safe
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("value written was not read back")
    cache.delete(key)
    return "ok"


def _broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _workers() -> str:
    alive = heartbeat.live_workers()
    if not alive:
        raise RuntimeError("no worker heartbeat in the last few minutes")
    return f"ok ({len(alive)} alive)"


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "workers": _workers}


def _shows_details(request) -> bool:
    """Staff signed in; never an error (the session lives in the database being probed)."""
    try:
        return bool(request.user.is_active and request.user.is_staff)
    except Exception:  # the database or cache behind the session is down
        return False


@require_safe
@never_cache
def readyz(request):
    results, ready = {}, True
    details = _shows_details(request)
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            status, detail = "ok", check()
        except Exception as exc:  # a probe reports failures, it does not raise them
            status, detail, ready = "failing", f"{type(exc).__name__}: {exc}"[:300], False
            logger.warning("readyz: %s failing: %s", name, detail, extra={"check": name})
        results[name] = {"status": status}
        if details:
            results[name].update(detail=detail, ms=round((time.monotonic() - started) * 1000))
    return JsonResponse(
        {"status": "ok" if ready else "failing", "checks": results}, status=200 if ready else 503
    )

import logging

import pytest
from django.urls import reverse

from claims import heartbeat

pytestmark = pytest.mark.django_db

CHECK_NAMES = ["database", "cache", "broker", "workers"]


def test_healthz_answers_while_the_process_is_up(client):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_red_without_a_worker_heartbeat(client, caplog):
    with caplog.at_level(logging.WARNING, logger="factcheck.health"):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {
            "database": {"status": "ok"},
            "cache": {"status": "ok"},
            "broker": {"status": "ok"},
            "workers": {"status": "failing"},
        },
    }
    assert [r.getMessage() for r in caplog.records if r.name == "factcheck.health"] == [
        "readyz: workers failing: RuntimeError: no worker heartbeat in the last few minutes"
    ]


def test_readyz_is_green_with_a_recent_heartbeat(client):
    heartbeat.record_heartbeat(hostname="celery@worker-1")
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {name: {"status": "ok"} for name in CHECK_NAMES},
    }


def test_readyz_tells_anonymous_callers_nothing_of_a_failure_but_logs_it(
    client, monkeypatch, caplog
):
    """Issue 11.8: /readyz answered anyone with internal exception text."""
    from factcheck import health

    secret = "connection to postgres://factcheck:hunter2@db.internal:5432 refused"

    def broker_down():
        raise ConnectionRefusedError(secret)

    heartbeat.record_heartbeat(hostname="celery@worker-1")
    monkeypatch.setitem(health.CHECKS, "broker", broker_down)
    with caplog.at_level(logging.WARNING, logger="factcheck.health"):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == {"status": "failing"}
    assert "hunter2" not in response.content.decode()
    assert "ConnectionRefusedError" not in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "factcheck.health"]
    assert (record.levelname, record.getMessage(), record.check) == (
        "WARNING",
        f"readyz: broker failing: ConnectionRefusedError: {secret}",
        "broker",
    )


def test_readyz_shows_staff_what_failed(client, monkeypatch, superuser, reviewer):
    from factcheck import health

    def broker_down():
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    heartbeat.record_heartbeat(hostname="celery@worker-1")
    monkeypatch.setitem(health.CHECKS, "broker", broker_down)
    client.force_login(reviewer)  # signed in, but not staff: no details
    assert client.get(reverse("readyz")).json()["checks"]["broker"] == {"status": "failing"}
    client.force_login(superuser)
    checks = client.get(reverse("readyz")).json()["checks"]
    assert {name: (check["status"], check["detail"]) for name, check in checks.items()} == {
        "database": ("ok", "ok"),
        "cache": ("ok", "ok"),
        "broker": ("failing", "ConnectionRefusedError: [Errno 111] Connection refused"),
        "workers": ("ok", "ok (1 alive)"),
    }
    assert all(isinstance(check["ms"], int) for check in checks.values())

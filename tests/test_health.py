import pytest
from django.urls import reverse

from claims import heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_is_up(client):
    response = client.get(reverse("healthz"))
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_red_without_a_worker_heartbeat(client):
    response = client.get(reverse("readyz"))
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "failing"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "workers": "failing: RuntimeError: no worker heartbeat in the last few minutes",
    }


def test_readyz_is_green_with_a_recent_heartbeat(client):
    heartbeat.record_heartbeat(hostname="celery@worker-1")
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["workers"]["status"] == "ok (1 alive)"


def test_readyz_reports_a_broken_broker_without_raising(client, monkeypatch):
    from factcheck import health

    def broker_down():
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    heartbeat.record_heartbeat(hostname="celery@worker-1")
    monkeypatch.setitem(health.CHECKS, "broker", broker_down)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == (
        "failing: ConnectionRefusedError: [Errno 111] Connection refused"
    )

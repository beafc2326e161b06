import pytest
from django.conf import settings

from claims.models import WorkerHeartbeat
from claims.tasks import task_record_heartbeat
from tests.support.worker import wait_for


def _heartbeat_round_trip(worker) -> None:
    task_record_heartbeat.delay()
    seen = wait_for(
        lambda: WorkerHeartbeat.objects.filter(hostname=worker.hostname).first(), timeout=30
    )
    assert seen is not None, "the worker never ran the task:\n" + worker.output()
    assert seen.hostname == worker.hostname


@pytest.mark.worker
@pytest.mark.skipif(bool(settings.REDIS_URL), reason="REDIS_URL is set: the broker is Redis")
def test_task_runs_on_a_real_worker_through_the_embedded_broker(celery_worker_process):
    assert settings.CELERY_BROKER_URL == "filesystem://"
    _heartbeat_round_trip(celery_worker_process)


@pytest.mark.worker
@pytest.mark.redis
def test_task_runs_on_a_real_worker_through_redis(celery_worker_process):
    assert settings.CELERY_BROKER_URL.startswith("redis")
    _heartbeat_round_trip(celery_worker_process)


@pytest.mark.django_db
def test_heartbeat_task_called_directly_records_the_host():
    task_record_heartbeat.apply(args=()).get()
    assert WorkerHeartbeat.objects.count() == 1

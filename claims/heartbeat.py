"""Worker liveness: each worker records when it last ran the periodic heartbeat task."""

from datetime import timedelta

from django.utils import timezone

from .models import WorkerHeartbeat

# Beat sends the heartbeat every minute; three missed beats mean the workers are down.
ALIVE_WITHIN = timedelta(minutes=3)


def record_heartbeat(*, hostname: str) -> WorkerHeartbeat:
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"seen_at": timezone.now()}
    )
    return heartbeat


def live_workers(*, within: timedelta = ALIVE_WITHIN) -> list[WorkerHeartbeat]:
    since = timezone.now() - within
    return list(WorkerHeartbeat.objects.filter(seen_at__gte=since).order_by("-seen_at"))

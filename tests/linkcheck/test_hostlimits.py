"""Per-host politeness shared by workers: concurrency cap and spacing between starts."""

import asyncio
import time
from itertools import pairwise

import pytest
from django.conf import settings

from claims.hostlimits import DatabaseHostLimiter, RedisHostLimiter


async def exercise(limiter, *, host: str, tasks: int, hold: float):
    """Run ``tasks`` requests to one host; return peak concurrency and start times."""
    in_flight, peak, starts = 0, 0, []

    async def one():
        nonlocal in_flight, peak
        lease = await limiter.acquire(host, timeout=30)
        starts.append(time.monotonic())
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(hold)
        in_flight -= 1
        await limiter.release(lease)

    await asyncio.gather(*(one() for _ in range(tasks)))
    return peak, sorted(starts)


def limiters():
    return [
        pytest.param("database", marks=pytest.mark.django_db(transaction=True), id="database"),
        pytest.param("redis", marks=[pytest.mark.redis, pytest.mark.django_db], id="redis"),
    ]


def make(kind: str, **options):
    if kind == "redis":
        return RedisHostLimiter(settings.REDIS_URL, prefix=f"test:{time.time_ns()}", **options)
    return DatabaseHostLimiter(**options)


@pytest.mark.parametrize("kind", limiters())
def test_at_most_n_requests_in_flight_per_host(kind):
    limiter = make(kind, concurrency=2, interval=0)

    async def main():
        result = await exercise(limiter, host="a.example", tasks=8, hold=0.05)
        await limiter.close()
        return result

    peak, _ = asyncio.run(main())
    assert peak == 2


@pytest.mark.parametrize("kind", limiters())
def test_starts_on_a_host_are_spaced_by_the_interval(kind):
    limiter = make(kind, concurrency=5, interval=0.2)

    async def main():
        result = await exercise(limiter, host="b.example", tasks=4, hold=0.0)
        await limiter.close()
        return result

    _, starts = asyncio.run(main())
    # The limiter spaces the grants; the moments the waiters wake up jitter a little
    # around them on a busy machine, so judge the whole span and allow slack per gap.
    gaps = [b - a for a, b in pairwise(starts)]
    assert starts[-1] - starts[0] >= 3 * 0.2 * 0.9, gaps
    assert min(gaps) >= 0.1, gaps


@pytest.mark.parametrize("kind", limiters())
def test_hosts_do_not_wait_for_each_other(kind):
    limiter = make(kind, concurrency=1, interval=0.5)

    async def main():
        started = time.monotonic()
        await asyncio.gather(
            *(exercise(limiter, host=f"h{i}.example", tasks=1, hold=0) for i in range(5))
        )
        await limiter.close()
        return time.monotonic() - started

    assert asyncio.run(main()) < 0.5


@pytest.mark.parametrize("kind", limiters())
def test_two_worker_processes_share_the_limit(kind):
    """Two limiters stand for two worker processes: together they stay within the cap."""
    prefix = f"test:{time.time_ns()}"

    def one():
        if kind == "redis":
            return RedisHostLimiter(settings.REDIS_URL, prefix=prefix, concurrency=2, interval=0)
        return DatabaseHostLimiter(concurrency=2, interval=0)

    first, second = one(), one()
    in_flight, peak = 0, 0

    async def request(limiter):
        nonlocal in_flight, peak
        lease = await limiter.acquire("shared.example", timeout=30)
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.03)
        in_flight -= 1
        await limiter.release(lease)

    async def main():
        await asyncio.gather(*(request(first if i % 2 else second) for i in range(12)))
        await first.close()
        await second.close()

    asyncio.run(main())
    assert peak == 2


@pytest.mark.django_db(transaction=True)
def test_a_dead_workers_hold_on_a_host_lapses(monkeypatch):
    from claims import hostlimits

    monkeypatch.setattr(hostlimits, "LEASE_SECONDS", 0.3)
    crashed = DatabaseHostLimiter(concurrency=1, interval=0)
    survivor = DatabaseHostLimiter(concurrency=1, interval=0)

    async def main():
        await crashed.acquire("c.example")  # never released: its worker "died"
        started = time.monotonic()
        await survivor.acquire("c.example", timeout=5)
        return time.monotonic() - started

    assert 0.1 < asyncio.run(main()) < 2

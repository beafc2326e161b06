"""Politeness towards the sites we check, shared by every worker process.

At most ``concurrency`` requests in flight per host, and at least ``interval`` seconds
between the starts of two requests to a host — across all workers, which is why this
lives in Redis (when ``REDIS_URL`` is set) or in the database, never in process memory.
Celery's ``rate_limit`` is per worker and cannot do this.

A slot is a lease with an expiry, so a worker killed mid-request cannot hold a host's
slot forever. Both limiters are async: a batch of checks waits on them without blocking
the event loop.
"""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

LEASE_SECONDS = 60
# How long a worker keeps a host it has no request for, before handing it to others.
IDLE_GRACE = 0.25
MIN_POLL = 0.005
MAX_POLL = 0.25


@dataclass(frozen=True)
class Lease:
    host: str
    lease_id: str


class HostLimiter:
    """What both backends offer the link checker: wait for a slot on a host, give it back."""

    def __init__(self, *, concurrency: int, interval: float) -> None:
        self.concurrency = max(1, concurrency)
        self.interval = max(0.0, interval)

    async def acquire(self, host: str, *, timeout: float = 300.0) -> Lease:
        raise NotImplementedError

    async def release(self, lease: Lease) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


# KEYS[1] = the host's lease set, KEYS[2] = the host's last start (ms)
# ARGV = lease id, concurrency, interval ms, lease ms. Returns 0 (granted) or a wait in ms.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local interval = tonumber(ARGV[3])
if now - last < interval then
  return interval - (now - last)
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 20
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) * 2)
redis.call('SET', KEYS[2], now, 'PX', math.max(interval, 1000) * 2)
return 0
"""


class RedisHostLimiter(HostLimiter):
    """One Lua script per attempt: check expired leases, the interval and the count."""

    def __init__(self, url: str, *, prefix: str = "factcheck:hosts", **kwargs) -> None:
        super().__init__(**kwargs)
        import redis.asyncio as redis_asyncio

        self._redis = redis_asyncio.from_url(url)
        self._acquire = self._redis.register_script(_ACQUIRE)
        self.prefix = prefix

    def _keys(self, host: str) -> list[str]:
        return [f"{self.prefix}:{host}:leases", f"{self.prefix}:{host}:last"]

    async def try_acquire(self, host: str) -> tuple[Lease | None, float]:
        """A lease, or ``None`` and how long to wait before trying again."""
        lease_id = uuid.uuid4().hex
        wait_ms = await self._acquire(
            keys=self._keys(host),
            args=[lease_id, self.concurrency, int(self.interval * 1000), LEASE_SECONDS * 1000],
        )
        if int(wait_ms) == 0:
            return Lease(host, lease_id), 0.0
        return None, int(wait_ms) / 1000

    async def acquire(self, host: str, *, timeout: float = 300.0) -> Lease:
        deadline = time.monotonic() + timeout
        while True:
            lease, wait = await self.try_acquire(host)
            if lease is not None:
                return lease
            if time.monotonic() + wait > deadline:
                raise TimeoutError(f"no request slot for {host} within {timeout:.0f} s")
            await asyncio.sleep(min(max(wait, MIN_POLL), MAX_POLL))

    async def release(self, lease: Lease) -> None:
        await self._redis.zrem(self._keys(lease.host)[0], lease.lease_id)

    async def close(self) -> None:
        await self._redis.aclose()


@dataclass
class _Host:
    """This process's view of one host while it owns it."""

    slots: asyncio.Semaphore
    start_lock: asyncio.Lock
    in_flight: int = 0
    waiting: int = 0
    owned_until: float = 0.0  # monotonic
    last_start: float = float("-inf")  # monotonic
    idle_token: int = 0


class DatabaseHostLimiter(HostLimiter):
    """The same rules on the database, for the embedded set-up without Redis.

    Taking a database lock per request would make every request start a write (and on
    SQLite, one writer at a time serves every worker). Instead a process *owns* a host for
    a while — one conditional ``UPDATE`` on the host's row — and enforces the concurrency
    and the interval itself while it does; other processes wait for the host until it is
    released or the ownership lapses (a crashed worker holds it ``LEASE_SECONDS`` at most).
    The release writes the time of the last request start, so the next owner keeps the
    interval too.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.owner = f"{uuid.uuid4().hex[:12]}"
        self._hosts: dict[str, _Host] = {}
        self._pending: set[asyncio.Task] = set()
        # Threads of its own: the event loop's default pool is busy parsing pages, and a
        # slot request must not queue behind that work.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hostlimits")

    async def _call(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, functools.partial(_with_connection_cleanup, fn, *args)
        )

    # Database side (in the pool's threads) -------------------------------------------

    def _claim(self, host: str) -> tuple[bool, float, float | None]:
        """Try to own ``host``: (owned, seconds to wait if not, last start as epoch)."""
        from .models import HostThrottle

        now = timezone.now()
        row = HostThrottle.objects.filter(host=host).values("owner", "owned_until").first()
        if row is None:
            try:
                with transaction.atomic():
                    HostThrottle.objects.create(host=host)
            except IntegrityError:
                pass  # another process created it first
        elif row["owner"] not in ("", self.owner) and row["owned_until"] > now:
            # Owned elsewhere: look again soon, without taking the write lock.
            return False, min(0.1, (row["owned_until"] - now).total_seconds()), None
        owned = (
            HostThrottle.objects.filter(host=host)
            .filter(Q(owner="") | Q(owner=self.owner) | Q(owned_until__lte=now))
            .update(owner=self.owner, owned_until=now + timedelta(seconds=LEASE_SECONDS))
        )
        if not owned:
            return False, 0.05, None
        last = HostThrottle.objects.filter(host=host).values_list("last_start_at", flat=True)[0]
        return True, 0.0, last.timestamp() if last else None

    def _release_host(self, host: str, last_start_epoch: float) -> None:
        from .models import HostThrottle

        HostThrottle.objects.filter(host=host, owner=self.owner).update(
            owner="",
            owned_until=None,
            last_start_at=datetime.fromtimestamp(last_start_epoch, tz=UTC),
        )

    # The event loop side ------------------------------------------------------------

    def _state(self, host: str) -> _Host:
        if host not in self._hosts:
            self._hosts[host] = _Host(asyncio.Semaphore(self.concurrency), asyncio.Lock())
        return self._hosts[host]

    async def _own(self, host: str, state: _Host, deadline: float) -> None:
        while state.owned_until - time.monotonic() < LEASE_SECONDS / 2:
            owned, wait, last_epoch = await self._call(self._claim, host)
            if owned:
                state.owned_until = time.monotonic() + LEASE_SECONDS
                if last_epoch is not None:
                    # The previous owner's last start, in this process's clock.
                    since = time.time() - last_epoch
                    state.last_start = max(state.last_start, time.monotonic() - since)
                return
            if time.monotonic() + wait > deadline:
                raise TimeoutError(f"no request slot for {host}")
            await asyncio.sleep(max(wait, MIN_POLL))

    async def acquire(self, host: str, *, timeout: float = 300.0) -> Lease:
        deadline = time.monotonic() + timeout
        state = self._state(host)
        state.idle_token += 1  # cancels a pending hand-back of the host
        state.waiting += 1
        try:
            await asyncio.wait_for(state.slots.acquire(), timeout)
        finally:
            state.waiting -= 1
        try:
            async with state.start_lock:
                await self._own(host, state, deadline)
                wait = state.last_start + self.interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                state.last_start = time.monotonic()
                state.in_flight += 1
        except BaseException:
            state.slots.release()
            raise
        return Lease(host, self.owner)

    def _idle(self, state: _Host) -> bool:
        return state.in_flight == 0 and state.waiting == 0 and not state.start_lock.locked()

    async def release(self, lease: Lease) -> None:
        state = self._hosts[lease.host]
        state.in_flight -= 1
        state.slots.release()
        if self._idle(state):
            # Idle here: keep the host a moment (the next request of a batch usually comes
            # at once), then let other workers have it.
            state.idle_token += 1
            token = state.idle_token
            task = asyncio.get_running_loop().create_task(self._let_go(lease.host, token))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _let_go(self, host: str, token: int) -> None:
        await asyncio.sleep(IDLE_GRACE)
        state = self._hosts[host]
        if state.idle_token != token or not self._idle(state) or not state.owned_until:
            return
        state.owned_until = 0.0
        last_epoch = time.time() - (time.monotonic() - state.last_start)
        await self._call(self._release_host, host, last_epoch)

    async def close(self) -> None:
        for task in list(self._pending):
            task.cancel()
        for host, state in self._hosts.items():
            if state.owned_until:
                last_epoch = time.time() - (time.monotonic() - state.last_start)
                await self._call(self._release_host, host, last_epoch)
        self._pool.shutdown(wait=True)


def _with_connection_cleanup(fn, *args):
    """Run ``fn`` in a pool thread, then close that thread's database connection.

    These calls are rare (one per site hand-over), so a connection per call costs little,
    and no idle connection outlives the limiter in a thread nobody will clean up.
    """
    try:
        return fn(*args)
    finally:
        connection.close()


def limiter_from_settings() -> HostLimiter:
    from django.conf import settings

    options = {
        "concurrency": settings.LINKCHECK_PER_HOST_CONCURRENCY,
        "interval": settings.LINKCHECK_PER_HOST_INTERVAL,
    }
    if settings.REDIS_URL:
        return RedisHostLimiter(settings.REDIS_URL, **options)
    return DatabaseHostLimiter(**options)

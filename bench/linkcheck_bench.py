"""Link-check throughput: 500 sources on 10 local hosts answering after 100 ms.

    make bench-linkcheck            # embedded defaults (SQLite, filesystem broker, DB limiter)
    REDIS_URL=redis://127.0.0.1:6379/3 make bench-linkcheck     # Redis broker and limiter

The whole real path runs: sources in the database, the sweep's hand-out, Celery messages,
a real worker process (prefork, as `make run` and compose start it), the fetcher with the
SSRF guard, per-host politeness shared across worker processes (limit 2 per host, no
interval), and recording. The ten hosts are 127.0.0.1 … 127.0.0.10 (distinct loopback
addresses, so per-host limits apply per host). Traffic stays on loopback.

Prints the wall time, checks per second, the worker's peak RSS and the ratio to the floor
set by the limits (500 × 0.1 s / (10 hosts × 2) = 2.5 s), then one summary line:

    linkcheck-bench: checks=500 wall_s=… floor_s=2.5 ratio=… peak_rss_mb=…
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOSTS = [f"127.0.0.{i}" for i in range(1, 11)]


# --- The slow sites: one child process, ten addresses, every answer after `latency` -------


def serve(port: int, latency: float) -> None:
    body = b"<title>Release</title><p>The unemployment rate was 4.3 percent.</p>"

    async def handle(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                await asyncio.sleep(latency)
                method = head.split(b" ", 1)[0]
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + (b"" if method == b"HEAD" else body)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main():
        servers = [await asyncio.start_server(handle, host, port) for host in HOSTS]
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        for server in servers:
            server.close()

    asyncio.run(main())


# --- Measuring the worker ------------------------------------------------------------------


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (prefork pool), from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run(n: int, latency: float, per_host: int, worker_concurrency: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from claims import checking
    from claims.models import Article, Claim, LinkCheck, Source

    call_command("migrate", verbosity=0)
    body = "The minister said unemployment fell."
    article = Article.objects.create(title="Bench", body=body)
    claim = Claim.objects.create(
        article=article, quote="unemployment fell", start_offset=18, end_offset=35,
        statement="Bench", claimant="Bench",
    )  # fmt: skip
    port = int(os.environ["BENCH_PORT"])
    far = timezone.now() + timezone.timedelta(days=365)
    Source.objects.bulk_create(
        Source(
            claim=claim,
            url=f"http://{HOSTS[i % len(HOSTS)]}:{port}/release/{i}",
            title=f"Release {i}",
            passage="unemployment rate was 4.3 percent",
            next_check_at=far,
        )
        for i in range(n)
    )

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "--loglevel", "WARNING",
         "--concurrency", str(worker_concurrency), "--without-gossip", "--without-mingle",
         "--hostname", f"bench-{uuid.uuid4().hex[:6]}@localhost"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss_mb(worker.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        time.sleep(3)  # let the worker connect and its pool start
        Source.objects.update(next_check_at=timezone.now())
        started = time.monotonic()
        tickets = checking.claim_due(limit=n)
        checking.enqueue(tickets)  # autocommit: sent at once
        while LinkCheck.objects.count() < n:
            if time.monotonic() - started > 120:
                raise SystemExit(f"timed out with {LinkCheck.objects.count()}/{n} checks")
            time.sleep(0.02)
        wall = time.monotonic() - started
    finally:
        stop.set()
        worker.terminate()
        worker.wait(30)
    outcomes = dict(
        LinkCheck.objects.values_list("outcome").annotate(n=django.db.models.Count("pk"))
    )
    elapsed = list(LinkCheck.objects.values_list("elapsed_ms", flat=True))
    floor = n * latency / (len(HOSTS) * per_host)
    return {
        "checks": n,
        "wall_s": wall,
        "floor_s": floor,
        "ratio": wall / floor,
        "per_s": n / wall,
        "peak_rss_mb": peak,
        "outcomes": outcomes,
        "median_check_ms": statistics.median(elapsed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.latency)
        return

    scratch = Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    port = 18080 + os.getpid() % 1000
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "DEBUG": "true",
            "LOG_LEVEL": "WARNING",
            "VAR_DIR": str(scratch),
            "CELERY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
            "LINKCHECK_ALLOW_NETWORKS": "127.0.0.0/8",
            "LINKCHECK_ALLOWED_PORTS": str(port),
            "LINKCHECK_PER_HOST_CONCURRENCY": str(args.per_host),
            "LINKCHECK_PER_HOST_INTERVAL": "0",
            "LINKCHECK_RETRIES": "0",
            "BENCH_PORT": str(port),
        }
    )
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("run the benchmark on its own database: unset DATABASE_URL")
    sites = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--latency", str(args.latency)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert sites.stdout.readline().strip() == "ready"
        result = run(args.sources, args.latency, args.per_host, args.worker_concurrency)
    finally:
        sites.stdin.close()
        sites.wait(10)
    broker = "redis" if os.environ.get("REDIS_URL") else "embedded filesystem broker"
    print(f"broker/limiter: {broker}; worker: prefork x{args.worker_concurrency}")
    print(f"outcomes: {result['outcomes']}; median check {result['median_check_ms']:.0f} ms")
    print(
        f"wall {result['wall_s']:.2f} s · {result['per_s']:.0f} checks/s · floor "
        f"{result['floor_s']:.2f} s · ratio {result['ratio']:.2f} · worker peak RSS "
        f"{result['peak_rss_mb']:.0f} MB"
    )
    print(
        f"linkcheck-bench: checks={result['checks']} wall_s={result['wall_s']:.2f} "
        f"floor_s={result['floor_s']:.1f} ratio={result['ratio']:.2f} "
        f"peak_rss_mb={result['peak_rss_mb']:.0f}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()

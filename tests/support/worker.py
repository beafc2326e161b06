"""Run a real Celery worker process against the test database and broker."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """A URL for the database this test process is using (the test database)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    credentials = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "localhost"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{s['NAME']}"


class WorkerProcess:
    """``celery -A factcheck worker`` in a subprocess; its output is kept for diagnosis."""

    def __init__(self, *, pool: str = "solo", concurrency: int = 1, extra_env=None) -> None:
        self.hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.queue = settings.CELERY_TASK_DEFAULT_QUEUE
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "tests.settings",
                "DATABASE_URL": database_url(),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(extra_env or {})
        self.command = [
            sys.executable, "-m", "celery", "-A", "factcheck", "worker",
            "--pool", pool, "--concurrency", str(concurrency),
            "--queues", self.queue, "--hostname", self.hostname,
            "--without-gossip", "--without-mingle", "--loglevel", "INFO",
        ]  # fmt: skip
        self.env = env
        self.lines: deque[str] = deque(maxlen=400)
        self.ready = threading.Event()
        self.process: subprocess.Popen | None = None

    def _pump(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.lines.append(line.rstrip())
            if " ready." in line:
                self.ready.set()

    def start(self, timeout: float = 60) -> WorkerProcess:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        threading.Thread(target=self._pump, daemon=True).start()
        if not self.ready.wait(timeout):
            self.stop()
            raise RuntimeError("Celery worker did not start:\n" + self.output())
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def output(self) -> str:
        return "\n".join(self.lines)


def wait_for(predicate, *, timeout: float = 30, interval: float = 0.1):
    """Poll ``predicate`` until it returns something truthy; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            return value
        time.sleep(interval)

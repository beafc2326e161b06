"""CI smoke test of the production service topology, without Docker.

Runs the exact commands docker-compose.yml gives its services — gunicorn (web), celery
worker, celery beat — with production settings (DEBUG off, a real SECRET_KEY, HSTS,
secure cookies behind a proxy that says HTTPS) against the real PostgreSQL and Redis,
then drives them like a newsroom would:

1. a reviewer creates an article, anchors a claim and cites a source through the API (the
   source is a page on a local HTTP server);
2. the worker checks the source (the web process never fetches it);
3. the reviewer completes and submits the claim, an editor approves it;
4. the public claim page shows the source's link health, and /readyz is green.

Every process is stopped by PID at the end, whatever happened.
"""

from __future__ import annotations

import http.server
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("SMOKE_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("SMOKE_REDIS", "redis://127.0.0.1:6379/4")
DB_NAME = "factcheck_smoke"
PAGE = (
    "<html><head><title>Labour market, May</title></head><body>"
    "<p>The unemployment rate was 4.3 percent in May.</p></body></html>"
)
BODY = (
    "The minister said unemployment fell to 4.2 percent last year.\n\n"
    "Critics replied that wages had not kept up with prices."
)
QUOTE = "unemployment fell to 4.2 percent last year"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"[smoke] {message}", flush=True)


class Processes:
    def __init__(self, env: dict, logdir: Path) -> None:
        self.env, self.logdir, self.running = env, logdir, {}

    def start(self, name: str, command: list[str]) -> None:
        out = (self.logdir / f"{name}.log").open("w")
        self.running[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        log(f"started {name} (pid {self.running[name].pid}): {' '.join(command)}")

    def alive(self) -> None:
        for name, process in self.running.items():
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with {process.returncode}:\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 40) -> str:
        text = (self.logdir / f"{name}.log").read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name, process in self.running.items():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
            log(f"stopped {name} (pid {process.pid}, exit {process.returncode})")


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs
    )


def wait(what: str, predicate, timeout: float = 60, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise SystemExit(f"timed out waiting for {what}")


def serve_page(directory: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    (directory / "may.html").write_text(PAGE)
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(  # noqa: E731
        *a, directory=str(directory), **k
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="factcheck-smoke-"))
    (scratch / "var").mkdir()  # the beat volume of the compose file
    pages, page_port = serve_page(scratch)
    web_port = free_port()
    psql = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", "--if-exists", *psql, DB_NAME], check=True)
    subprocess.run(["createdb", *psql, DB_NAME], check=True)
    subprocess.run(["redis-cli", "-u", REDIS, "flushdb"], check=True, stdout=subprocess.DEVNULL)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))},
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS,
        "TRUST_X_FORWARDED_PROTO": "true",
        "SITE_URL": f"https://127.0.0.1:{web_port}",
        "STATIC_ROOT": str(scratch / "static"),
        "VAR_DIR": str(scratch / "var"),
        "CELERY_QUEUE": f"smoke-{secrets.token_hex(4)}",
        "LINKCHECK_ALLOW_NETWORKS": "127.0.0.0/8",
        "LINKCHECK_ALLOWED_PORTS": f"80,443,{page_port}",
        "LINKCHECK_SWEEP_SECONDS": "10",
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "GUNICORN_WORKERS": "2",
        "LOG_FORMAT": "json",
    }
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    log("production checks, migrations, static files")
    manage(env, "check", "--deploy", "--fail-level", "WARNING")
    manage(env, *compose["migrate"]["command"][2:])
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User\n"
        "from knox.models import AuthToken\n"
        "import json\n"
        "tokens = {}\n"
        "for name, group in (('rita', 'Reviewers'), ('eddie', 'Editors')):\n"
        "    user = User.objects.create_user(name, password=None)\n"
        "    user.groups.add(Group.objects.get(name=group))\n"
        "    tokens[name] = AuthToken.objects.create(user=user, expiry=None)[1]\n"
        f"open({str(scratch / 'tokens.json')!r}, 'w').write(json.dumps(tokens))\n",
    )
    tokens = json.loads((scratch / "tokens.json").read_text())

    processes = Processes(env, scratch)
    try:
        # The very commands of the compose services (beat's schedule file under VAR_DIR).
        processes.start("web", compose["web"]["command"])
        worker = [c.replace("${CELERY_CONCURRENCY:-4}", "2") for c in compose["worker"]["command"]]
        processes.start("worker", worker)
        beat = [c.replace("/app/var", str(scratch / "var")) for c in compose["beat"]["command"]]
        processes.start("beat", beat)

        base = f"http://127.0.0.1:{web_port}"
        proxy = {"X-Forwarded-Proto": "https"}  # what the TLS-terminating proxy adds
        client = httpx.Client(base_url=base, headers=proxy, timeout=10)

        def up():
            processes.alive()
            try:
                return client.get("/healthz").status_code == 200
            except httpx.TransportError:
                return False

        wait("the web server", up)
        log("web is up; /healthz 200")

        def api(user, method, path, body=None, expect=(200, 201, 202)):
            response = client.request(
                method, path, json=body, headers={"Authorization": f"Token {tokens[user]}"}
            )
            if response.status_code not in expect:
                raise SystemExit(f"{method} {path}: {response.status_code} {response.text}")
            return response.json()

        article = api("rita", "POST", "/api/v1/articles/", {
            "title": "Smoke test article", "body": BODY, "outlet": "The Daily Test",
            "url": "https://news.example.org/smoke",
        })  # fmt: skip
        start = BODY.index(QUOTE)
        claim = api("rita", "POST", "/api/v1/claims/", {
            "article": article["slug"], "quote": QUOTE, "start_offset": start,
            "end_offset": start + len(QUOTE), "statement": "Unemployment fell to 4.2% last year.",
            "claimant": "The minister",
        })  # fmt: skip
        # Reviewers address a claim by id: it has no public slug until it is published.
        ref = claim["id"]

        def transition(user, action, claim):
            body = {"action": action, "version": claim["version"]}
            return api(user, "POST", f"/api/v1/claims/{ref}/transitions/", body)

        claim = transition("rita", "start", claim)
        source = api("rita", "POST", f"/api/v1/claims/{ref}/sources/", {
            "url": f"http://127.0.0.1:{page_port}/may.html", "title": "Labour market, May",
            "kind": "primary_data", "stance": "refutes",
            "passage": "The unemployment rate was 4.3 percent",
        })  # fmt: skip
        log(f"claim {ref} created, source {source['id']} cited; waiting for the worker")

        def checked():
            processes.alive()
            body = api("rita", "GET", f"/api/v1/sources/{source['id']}/")
            return body if body["last_check"] else None

        checked_source = wait("the worker to check the source", checked, timeout=90)
        assert checked_source["health"] == "ok", checked_source
        assert checked_source["last_check"]["passage_found"] is True, checked_source
        log(f"worker checked the source: {checked_source['last_check']}")

        claim = api("rita", "GET", f"/api/v1/claims/{ref}/")
        claim = api("rita", "PATCH", f"/api/v1/claims/{ref}/", {
            "version": claim["version"], "rating": "mostly_accurate",
            "summary": "Close: the official figure is 4.3%.",
            "explanation": "The statistics office reports **4.3%**.",
        })  # fmt: skip
        claim = transition("rita", "submit", claim)
        refused = client.post(
            f"/api/v1/claims/{ref}/transitions/",
            json={"action": "approve", "version": claim["version"]},
            headers={"Authorization": f"Token {tokens['rita']}"},
        )
        assert refused.status_code == 403, refused.text  # a reviewer cannot approve
        claim = transition("eddie", "approve", claim)
        assert claim["status"] == "published", claim
        slug = claim["slug"]  # given at publication, from the approved statement
        log(f"claim published by a second person at /claims/{slug}/")

        page = client.get(f"/claims/{slug}/")
        html = page.text
        assert page.status_code == 200, page.status_code
        assert (
            '<span class="health health--ok">The page is still online and still contains '
            "the quoted passage</span>"
        ) in html, html
        assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        log("public claim page shows the link health")

        def ready():
            response = client.get("/readyz")
            return response if response.status_code == 200 else None

        log(f"/readyz: {wait('/readyz to be green', ready).json()}")
        log("smoke test passed")
    except BaseException:
        for name in processes.running:
            print(f"--- {name} log (tail) ---\n{processes.tail(name)}", flush=True)
        raise
    finally:
        processes.stop_all()
        pages.shutdown()


if __name__ == "__main__":
    main()

"""A real HTTP(S) server on 127.0.0.1 for link-check tests, scripted per test.

    server.page("/a", "<title>A</title><p>Hello</p>")
    server.redirect("/old", "/a", status=301)
    server.route("/slow", Reply(body=b"x" * 100, drip_interval=0.2))
    server.route("/nohead", Reply(body="ok"), head=Reply(405))
    ...
    assert [r.path for r in server.requests] == ["/old", "/a"]

Unknown paths answer 404. Every request is logged (method, path, headers) before it is
answered, so a test can assert the server received none. With an ``ssl_context`` the
server speaks TLS and records the SNI names clients sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    drip_interval: float = 0.0  # between pieces of the body
    drip_size: int = 1
    reset: bool = False  # drop the connection (TCP RST) instead of answering
    content_length: bool = True  # False: no Content-Length, the body ends at close

    @property
    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class Logged:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names


Handler = Callable[[Logged], Reply]


def _as_handler(reply: Reply | Handler) -> Handler:
    return reply if callable(reply) else (lambda _request: reply)


@functools.cache
def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzipped: about a thousandth of that on the wire."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    parts.append(compressor.compress(b"\0" * (size % len(block))))
    parts.append(compressor.flush())
    return b"".join(parts)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # idle keep-alive connections end on their own
    server: _Server

    def setup(self) -> None:
        super().setup()
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()

    def log_message(self, format, *args) -> None:
        pass

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        logged = Logged(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
        self.server.owner.requests.append(logged)
        reply = self.server.owner.reply_for(logged)
        if reply.delay:
            self.server.owner.stopping.wait(reply.delay)
        if reply.reset:
            # SO_LINGER 0: close() sends RST, as a server that drops the connection does.
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.request.close()
            return
        payload = reply.payload
        self.send_response(reply.status)
        headers = {k.lower(): v for k, v in reply.headers.items()}
        if payload and "content-type" not in headers:
            self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.content_length and "content-length" not in headers:
            self.send_header("Content-Length", str(len(payload)))
        if not reply.content_length:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        try:
            if not reply.drip_interval:
                self.wfile.write(payload)
                return
            for start in range(0, len(payload), reply.drip_size):
                self.wfile.write(payload[start : start + reply.drip_size])
                self.wfile.flush()
                if self.server.owner.stopping.wait(reply.drip_interval):
                    break
        except OSError:
            self.close_connection = True  # the client gave up (deadline, size cap)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops bursts of connects (1 s SYN retries)
    owner: TestServer

    def get_request(self):
        sock, address = super().get_request()
        if self.owner.ssl_context is not None:
            # The handshake happens in the request's thread (setup), not in the one
            # accepting connections, so a client that rejects the certificate stalls nothing.
            sock = self.owner.ssl_context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False
            )
        return sock, address

    def handle_error(self, request, client_address) -> None:
        pass  # resets, failed handshakes and clients that hang up are part of the tests


class TestServer:
    """``with TestServer() as server:`` — or the ``http_server`` fixture."""

    __test__ = False  # not a pytest test class

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.ssl_context = ssl_context
        self.requests: list[Logged] = []
        self.sni_names: list[str | None] = []
        self.stopping = threading.Event()
        self._routes: dict[str, tuple[Handler, Handler | None]] = {}
        if ssl_context is not None:
            ssl_context.sni_callback = self._record_sni
        self._httpd = _Server(("127.0.0.1", 0), _RequestHandler)
        self._httpd.owner = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def scheme(self) -> str:
        return "https" if self.ssl_context is not None else "http"

    def url(self, path: str = "/", *, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    # --- scripting ------------------------------------------------------------------

    def route(
        self, path: str, reply: Reply | Handler, *, head: Reply | Handler | None = None
    ) -> None:
        """Answer ``path`` (with its query) with ``reply``; HEAD with ``head`` if given."""
        self._routes[path] = (_as_handler(reply), _as_handler(head) if head is not None else None)

    def page(self, path: str, html: str, *, status: int = 200, **headers: str) -> None:
        self.route(path, Reply(status=status, body=html, headers=dict(headers)))

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        self.route(path, Reply(status=status, headers={"Location": location}))

    def reply_for(self, request: Logged) -> Reply:
        get, head = self._routes.get(request.path, (None, None))
        if request.method == "HEAD" and head is not None:
            return head(request)
        if get is None:
            return Reply(404, "<title>Not found</title><p>No such page</p>")
        return get(request)

    # --- lifecycle ------------------------------------------------------------------

    def _record_sni(self, _sock, name, _context) -> None:
        self.sni_names.append(name)

    def start(self) -> TestServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> TestServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def run_in_new_loop(coroutine):
    """``asyncio.run`` in a thread of its own: Playwright's sync API (browser tests) keeps
    a loop running in the main thread for the rest of the session."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- A latency server in a process of its own (throughput tests) -----------------------


@contextlib.contextmanager
def latency_server(latency: float):
    """Yields the port of a server in a child process: every path answers after
    ``latency`` seconds, except ``/stats`` — the most requests each Host had in flight at
    once, as JSON. A process of its own, so the client measured does not share its GIL."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.httpserver", str(latency)],
        cwd=Path(__file__).resolve().parents[2],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield int(child.stdout.readline())
    finally:
        child.stdin.close()  # the child serves until its stdin closes
        child.wait(timeout=10)


def _serve_with_latency(latency: float) -> None:
    in_flight: dict[str, int] = {}
    most: dict[str, int] = {}
    lock = threading.Lock()

    def slow(request: Logged) -> Reply:
        if request.path == "/stats":
            return Reply(body=json.dumps(most), headers={"Content-Type": "application/json"})
        host = request.headers.get("host", "").rsplit(":", 1)[0]
        with lock:
            in_flight[host] = in_flight.get(host, 0) + 1
            most[host] = max(most.get(host, 0), in_flight[host])
        time.sleep(latency)
        with lock:
            in_flight[host] -= 1
        return Reply(body="<p>ok</p>")

    with TestServer() as server:
        server.reply_for = slow  # type: ignore[method-assign] - every path
        print(server.port, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    _serve_with_latency(float(sys.argv[1]))

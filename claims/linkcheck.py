"""Link checks: the only code that sends requests to addresses taken from user input.

A check answers "is this source still there, and does it still say what we quoted?" with a
small frozen :class:`CheckResult`. No ORM here: callers save the result afterwards, outside
any long transaction.

How one check runs (:meth:`LinkChecker.check`):

1. The URL is vetted (:func:`vet_url`): http/https only, allowed ports only, no user-info,
   no backslashes, numeric hosts in any spelling read as the IPv4 address they mean.
2. The host is resolved and *every* address vetted (:func:`vet_address`): one address
   that is not globally routable refuses the whole URL, so a name with a public and a
   private record cannot be used to reach the private one.
3. The vetted addresses are pinned for this check. The HTTP client's network backend
   connects only to pinned addresses, so a second DNS answer (rebinding) is never used;
   the URL keeps the host name, so the Host header, TLS SNI and certificate verification
   all use the original name.
4. HEAD when only liveness matters, a streamed GET when content or a passage is needed, or
   when HEAD is refused or lies. Redirects are followed by hand, repeating 1-3 at every
   hop, at most ``max_redirects`` times, loops detected.
5. The body is read as a stream and decompressed here, with the decompressor bounded by
   the remaining budget, so neither a large body nor a compression bomb exceeds the cap.
6. A hard deadline covers the whole check: httpx timeouts are per operation, and a server
   dripping one byte every few seconds would otherwise never time out.

Many checks run concurrently on one event loop through one :class:`LinkChecker` (global
and per-host limits); :func:`check_url` and :func:`check_urls` are the synchronous entry
points for Celery tasks.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import functools
import hashlib
import ipaddress
import logging
import math
import re
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpcore
import httpx

from claims import textmatch
from claims.enums import CheckOutcome

logger = logging.getLogger(__name__)

USER_AGENT_NAME = "factcheck-linkcheck/1.0"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Sequence[str]]


def user_agent(contact_url: str = "") -> str:
    return f"{USER_AGENT_NAME} (+{contact_url})" if contact_url else USER_AGENT_NAME


_SETTINGS = (
    "connect_timeout", "read_timeout", "total_timeout", "max_bytes", "max_redirects",
    "allowed_ports", "allow_networks", "max_concurrency", "per_host_concurrency",
)  # fmt: skip


@dataclass(frozen=True)
class FetchPolicy:
    """Every limit of a check. ``FetchPolicy.from_settings()`` reads ``LINKCHECK_*``."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 10
    allowed_ports: frozenset[int] = frozenset({80, 443})
    # Networks let through the address guard. Empty in production; tests allow loopback.
    allow_networks: tuple[IPNetwork, ...] = ()
    user_agent: str = USER_AGENT_NAME
    max_concurrency: int = 32
    per_host_concurrency: int = 4
    passage_threshold: float = 0.85
    # None: the default trust store. Tests pass one trusting their own CA.
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Accept strings and lists from settings and tests; store hashable, parsed values.
        networks = tuple(ipaddress.ip_network(n) for n in self.allow_networks)
        object.__setattr__(self, "allow_networks", networks)
        object.__setattr__(self, "allowed_ports", frozenset(int(p) for p in self.allowed_ports))

    @classmethod
    def from_settings(cls, **overrides) -> FetchPolicy:
        """The policy configured in Django settings (defaults where a setting is absent)."""
        from django.conf import settings

        values: dict = {}
        if settings.configured:
            for name in _SETTINGS:
                if hasattr(settings, f"LINKCHECK_{name.upper()}"):
                    values[name] = getattr(settings, f"LINKCHECK_{name.upper()}")
            contact = getattr(settings, "LINKCHECK_CONTACT_URL", "")
            values["user_agent"] = getattr(settings, "LINKCHECK_USER_AGENT", "") or user_agent(
                contact
            )
        values.update(overrides)
        return cls(**values)


@dataclass(frozen=True)
class RedirectHop:
    status: int
    url: str  # the URL that answered with a redirect
    location: str  # where it sent us, made absolute


@dataclass(frozen=True)
class CheckResult:
    url: str
    outcome: CheckOutcome
    status: int | None = None
    final_url: str = ""
    redirects: tuple[RedirectHop, ...] = ()
    redirect_kind: str = ""  # "", "permanent", "temporary", "loop", "too_many"
    cross_site: bool = False  # the chain ends on another site
    to_root: bool = False  # the chain ends on a site root: a suspected soft 404
    method: str = ""  # of the last request: HEAD, or GET
    elapsed_ms: int = 0
    content_type: str = ""
    bytes_read: int = 0  # decompressed body bytes
    sha256: str = ""  # of the (decompressed) body
    text_hash: str = ""  # of the normalised visible text
    # The normalised visible text itself (capped at TEXT_KEEP characters): what a later
    # check is compared with to tell a material change from a cosmetic one.
    text: str = field(default="", repr=False)
    title: str = ""
    passage_found: bool | None = None  # None: not looked for, or no text to look in
    passage_score: float | None = None
    retry_after_s: int | None = None
    reason: str = ""  # the guard's refusal, the error, the bot-wall marker...

    def as_dict(self) -> dict:
        """JSON-ready (for a task result or a JSONField)."""
        return asdict(self)


@dataclass(frozen=True)
class CheckRequest:
    url: str
    passage: str = ""
    want_content: bool = True


# --- The address guard ------------------------------------------------------------------


class Refused(Exception):
    """The guard refused a URL or an address; nothing was sent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _DnsError(Exception):
    pass


_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
# What Python 3.11's is_global/is_private miss (multicast, 6to4 relays, deprecated
# site-local, IPv4-compatible IPv6...), refused explicitly.
_NOT_GLOBAL = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/96", "100::/64", "2001::/23", "2001:db8::/32", "64:ff9b:1::/48", "fc00::/7",
        "fe80::/10", "fec0::/10", "ff00::/8",
    )
)  # fmt: skip


def _why_not_global(ip: IPAddress) -> str | None:
    checks = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip in _METADATA, "a link-local address (cloud metadata endpoint)"),
        (ip.is_link_local, "a link-local address"),
        (ip in _CGNAT, "a carrier-grade NAT address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global or any(ip in net for net in _NOT_GLOBAL), "not globally routable"),
    )
    return next((f"{ip} is {what}" for bad, what in checks if bad), None)


def vet_address(
    address: str | IPAddress, allow_networks: Iterable[IPNetwork | str] = ()
) -> str | None:
    """Why ``address`` must not be connected to, or None if it may be.

    IPv4-mapped IPv6 is the IPv4 address itself; 6to4, NAT64 (64:ff9b::/96) and Teredo
    addresses are judged by the IPv4 address they embed, which is where the packets end.
    ``allow_networks`` (tests only) lets an address through, but never an embedded one.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"{address!r} is not an IP address"
    if ip.version == 6 and ip.scope_id:
        return f"{ip} is a scoped (link-local) address"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    networks = [ipaddress.ip_network(n) for n in allow_networks]
    if any(ip.version == net.version and ip in net for net in networks):
        return None
    if ip.version == 6:
        if ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            reason = vet_address(embedded)
            return f"{ip} embeds {embedded} (NAT64): {reason}" if reason else None
        if ip.sixtofour is not None and (reason := vet_address(ip.sixtofour)):
            return f"{ip} embeds {ip.sixtofour} (6to4): {reason}"
        if ip.teredo is not None:
            return f"{ip} is a Teredo address (client {ip.teredo[1]})"
    return _why_not_global(ip)


_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+", re.IGNORECASE)


def literal_address(host: str) -> IPAddress | None:
    """The IP address a URL host spells, in any spelling the resolver would accept.

    ``2130706433``, ``0177.0.0.1``, ``0x7f.1`` and ``127.1`` all mean 127.0.0.1 to
    ``inet_aton``/``getaddrinfo``. As in the WHATWG URL standard, a host whose last label
    is numeric is an IPv4 address or invalid, never a name to look up. None for names.
    """
    if ":" in host:
        try:
            return ipaddress.ip_address(host)
        except ValueError:
            raise Refused(f"malformed IPv6 address {host!r}") from None
    bare = host[:-1] if host.endswith(".") else host
    try:
        return ipaddress.IPv4Address(bare)
    except ValueError:
        pass
    labels = bare.split(".")
    if not _NUMERIC_LABEL.fullmatch(labels[-1]):
        return None
    if len(labels) <= 4 and all(_NUMERIC_LABEL.fullmatch(label) for label in labels):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(bare))
        except OSError:
            pass
    raise Refused(f"numeric host {host!r} is not a valid IPv4 address")


_DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_url(url: str, policy: FetchPolicy) -> httpx.URL:
    """The URL as the client will send it, or :class:`Refused`. No DNS."""
    if not isinstance(url, str) or not url.strip():
        raise Refused("empty URL")
    url = url.strip()
    if "\\" in url:
        raise Refused("backslash in URL")  # browsers read it as "/", parsers disagree
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise Refused("control character in URL")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise Refused(f"malformed URL: {exc}") from None
    if parsed.scheme not in _DEFAULT_PORTS:
        raise Refused(f"scheme {parsed.scheme or '(none)'!r} not allowed")
    if parsed.userinfo or "@" in re.split(r"[/?#]", url.split("//", 1)[-1], maxsplit=1)[0]:
        raise Refused("user-info in URL")
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise Refused("no host in URL")
    port = _DEFAULT_PORTS[parsed.scheme] if parsed.port is None else parsed.port
    if port not in policy.allowed_ports:
        raise Refused(f"port {port} not allowed")
    literal = literal_address(host)
    if literal is not None and (reason := vet_address(literal, policy.allow_networks)):
        raise Refused(reason)
    return parsed.copy_with(fragment=None)


def vet_url(url: str, policy: FetchPolicy | None = None) -> str | None:
    """Why ``url`` is refused before any lookup, or None. Names are vetted after DNS."""
    try:
        parse_url(url, policy or FetchPolicy())
    except Refused as exc:
        return exc.reason
    return None


def system_resolver(host: str) -> list[str]:
    """Every A and AAAA address of ``host``."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def vet_addresses(host: str, addresses: Sequence[str], allow_networks=()) -> list[str]:
    """The addresses to connect to, canonical; :class:`Refused` if any is not allowed."""
    if not addresses:
        raise _DnsError(f"{host} has no address")
    for address in addresses:
        if reason := vet_address(address, allow_networks):
            raise Refused(f"{host} resolves to {reason}")
    return [str(ipaddress.ip_address(a)) for a in addresses]


# --- Pinned connections -----------------------------------------------------------------

# (host, port) -> vetted addresses, for the check running in this task. Connection code
# runs in the task that sent the request, so each check sees only its own pins.
_PINS: contextvars.ContextVar[dict[tuple[str, int], list[str]]] = contextvars.ContextVar("pins")


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects to the addresses the guard vetted for a host, never to a fresh lookup."""

    def __init__(self, allow_networks: tuple[IPNetwork, ...]) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow = allow_networks

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = _PINS.get({}).get((host, port))
        if not addresses:
            raise Refused(f"{host}:{port} was not vetted")  # fail closed
        error: Exception | None = None
        for address in addresses:
            if reason := vet_address(address, self._allow):  # belt and braces
                raise Refused(reason)
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )  # fmt: skip
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc  # try the next vetted address, as a browser would
        raise error  # type: ignore[misc]

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise Refused("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@functools.cache
def _default_ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


class _PinnedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, policy: FetchPolicy) -> None:
        context = policy.ssl_context or _default_ssl_context()
        super().__init__(verify=context, trust_env=False)
        # httpx has no public hook for the network backend, so its pool is rebuilt with
        # ours (httpx is pinned to 0.28; every test that connects goes through this).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=policy.max_concurrency,
            max_keepalive_connections=policy.max_concurrency,
            keepalive_expiry=5.0,
            network_backend=_PinnedBackend(policy.allow_networks),
        )


# --- Reading bodies ---------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class _BoundedBody:
    """Collects a body, decompressing gzip/deflate itself, never past ``limit`` bytes.

    httpx's own decoders inflate a whole network chunk at once (64 KiB of a gzip bomb is
    64 MiB); here each step asks zlib for at most the remaining budget plus one byte.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()
        self.raw_bytes = 0
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._wbits = None
        elif encoding in ("gzip", "x-gzip"):
            self._wbits = 16 + zlib.MAX_WBITS
        elif encoding == "deflate":
            self._wbits = zlib.MAX_WBITS  # zlib-wrapped; raw deflate is tried on error
        else:
            raise ValueError(f"unsupported content-encoding {encoding!r}")
        self._z = zlib.decompressobj(self._wbits) if self._wbits else None

    def _append(self, data: bytes) -> None:
        self.data += data
        if len(self.data) > self.limit:
            raise _TooLarge

    def feed(self, chunk: bytes) -> None:
        self.raw_bytes += len(chunk)
        if self.raw_bytes > self.limit:
            raise _TooLarge
        if self._z is None:
            self._append(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._z.decompress(data, self.limit - len(self.data) + 1)
            except zlib.error:
                if self._wbits != zlib.MAX_WBITS or self.data:
                    raise
                self._wbits = -zlib.MAX_WBITS  # "deflate" sent as raw deflate
                self._z = zlib.decompressobj(self._wbits)
                continue
            self._append(out)
            if self._z.eof:
                data = self._z.unused_data
                if self._wbits != 16 + zlib.MAX_WBITS or not data.strip(b"\0"):
                    return  # trailing bytes after the stream are ignored, as browsers do
                self._z = zlib.decompressobj(self._wbits)  # next gzip member
            else:
                data = self._z.unconsumed_tail

    def finish(self) -> bytes:
        if self._z is not None and not self._z.eof:
            self._append(self._z.flush(self.limit - len(self.data) + 1))
        return bytes(self.data)


# --- Classification ---------------------------------------------------------------------

_REDIRECTS = {301, 302, 303, 307, 308}
_PERMANENT = {301, 308}
_HEAD_LIES = {403, 404, 405, 501}  # servers that refuse or mishandle HEAD
_CHALLENGE_MARKERS = (b"cf-chl", b"challenge-platform", b"<title>just a moment", b"cf_chl_opt")


def classify_status(status: int) -> CheckOutcome:
    if 200 <= status < 300:
        return CheckOutcome.OK
    if status in (404, 410):
        return CheckOutcome.GONE
    if 500 <= status < 600:
        return CheckOutcome.SERVER_ERROR
    return CheckOutcome.BLOCKED  # 401, 403, 429, 451, other 4xx, odd statuses: unknown


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> int | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, math.ceil((when - (now or datetime.now(UTC))).total_seconds()))


def _challenge(response: httpx.Response, body: bytes) -> str:
    """A bot wall's marker, if the response is one ("" otherwise)."""
    headers = response.headers
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return "Cloudflare challenge (cf-mitigated)"
    if headers.get("x-amzn-waf-action", "").lower() in ("challenge", "captcha"):
        return "AWS WAF challenge"
    if "cloudflare" in headers.get("server", "").lower() and any(
        marker in body.lower() for marker in _CHALLENGE_MARKERS
    ):
        return "Cloudflare challenge page"
    return ""


_SECOND_LEVEL = frozenset(["ac", "co", "com", "edu", "go", "gov", "ne", "net", "or", "org"])


def _site(host: str) -> str:
    """The registrable part of a host name, approximately (no public suffix list)."""
    host = host.rstrip(".").lower()
    labels = host.split(".")
    if len(labels) <= 2 or all(label.isdigit() for label in labels) or ":" in host:
        return host
    short_suffix = len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL  # bbc.co.uk
    return ".".join(labels[-3:] if short_suffix else labels[-2:])


def _is_canonicalisation(source: httpx.URL, target: httpx.URL) -> bool:
    """http→https, www. added or dropped, trailing slash: the same page, not news."""
    hosts = {source.host.removeprefix("www."), target.host.removeprefix("www.")}
    return (
        len(hosts) == 1
        and (source.scheme == target.scheme or (source.scheme, target.scheme) == ("http", "https"))
        and source.path.rstrip("/") == target.path.rstrip("/")
        and source.query == target.query
    )


_ROOT_PATHS = {"", "/", "/index.html", "/index.htm", "/index.php"}


# --- The check --------------------------------------------------------------------------


@dataclass
class _Progress:
    """What a check learned so far; kept when the deadline cuts it short."""

    url: str
    outcome: CheckOutcome = CheckOutcome.CONNECTION_ERROR
    status: int | None = None
    final_url: str = ""
    redirects: list[RedirectHop] = field(default_factory=list)
    redirect_kind: str = ""
    method: str = ""
    content_type: str = ""
    bytes_read: int = 0
    sha256: str = ""
    text_hash: str = ""
    text: str = ""
    title: str = ""
    passage_found: bool | None = None
    passage_score: float | None = None
    retry_after_s: int | None = None
    reason: str = ""

    def result(self, elapsed_ms: int) -> CheckResult:
        cross_site = to_root = False
        if self.redirects and self.final_url:
            first, last = httpx.URL(self.url), httpx.URL(self.final_url)
            cross_site = _site(first.host) != _site(last.host)
            to_root = last.path in _ROOT_PATHS and not last.query and first.path not in _ROOT_PATHS
        fields = {k: v for k, v in vars(self).items() if k != "redirects"}
        return CheckResult(
            **fields, redirects=tuple(self.redirects), cross_site=cross_site, to_root=to_root,
            elapsed_ms=elapsed_ms,
        )  # fmt: skip


def _tls_failure(exc: BaseException) -> ssl.SSLError | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


_DNS_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="linkcheck-dns")


class LinkChecker:
    """One HTTP client and one policy for many concurrent checks on one event loop::

        async with LinkChecker(policy) as checker:
            results = await checker.check_many([CheckRequest(url, passage=...), ...])

    Concurrency is bounded globally (``max_concurrency``) and per host
    (``per_host_concurrency``, politeness towards one site).
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolver: Resolver | None = None,
        host_limiter=None,
    ) -> None:
        self.policy = policy or FetchPolicy.from_settings()
        self.resolver = resolver or system_resolver
        # Politeness shared with other worker processes (claims.hostlimits), on top of
        # this process's own per-host semaphores.
        self.host_limiter = host_limiter
        self._client: httpx.AsyncClient | None = None
        self._slots = asyncio.Semaphore(self.policy.max_concurrency)
        self._host_slots: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> LinkChecker:
        policy = self.policy
        self._client = httpx.AsyncClient(
            transport=_PinnedTransport(policy),
            trust_env=False,  # no proxies or netrc from the environment
            follow_redirects=False,  # by hand, vetting every hop
            timeout=httpx.Timeout(
                connect=policy.connect_timeout,
                read=policy.read_timeout,
                write=policy.read_timeout,
                pool=policy.total_timeout,
            ),
            headers={
                "User-Agent": policy.user_agent,
                "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                "Accept-Encoding": "gzip, deflate",  # what _BoundedBody can decode
            },
            # The client keeps no cookies between checks; each check has its own jar.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        )
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def check_many(self, requests: Iterable[CheckRequest | str]) -> list[CheckResult]:
        items = [CheckRequest(r) if isinstance(r, str) else r for r in requests]
        return list(
            await asyncio.gather(
                *(self.check(i.url, passage=i.passage, want_content=i.want_content) for i in items)
            )
        )

    async def check(self, url: str, *, passage: str = "", want_content: bool = True) -> CheckResult:
        try:
            host = httpx.URL(url.strip()).host.lower()
        except Exception:  # any parse error is reported by the check itself
            host = ""
        host_slots = self._host_slots.setdefault(
            host, asyncio.Semaphore(self.policy.per_host_concurrency)
        )
        # Host first, then a global slot: a task waiting for a busy host holds no global slot.
        async with host_slots, self._slots:
            if self.host_limiter is None or not host:
                return await self._check(url, passage, want_content)
            try:
                lease = await self.host_limiter.acquire(host)
            except TimeoutError as exc:
                return CheckResult(url=url, outcome=CheckOutcome.TIMEOUT, reason=str(exc))
            try:
                return await self._check(url, passage, want_content)
            finally:
                await self.host_limiter.release(lease)

    async def _check(self, url: str, passage: str, want_content: bool) -> CheckResult:
        assert self._client is not None, "use LinkChecker as an async context manager"
        started = time.monotonic()
        progress = _Progress(url=url)
        token = _PINS.set({})
        try:
            async with asyncio.timeout(self.policy.total_timeout):
                await self._follow(progress, passage.strip(), want_content)
        except TimeoutError:
            self._fail(
                progress,
                CheckOutcome.TIMEOUT,
                f"no complete answer within {self.policy.total_timeout:g} s",
            )
        except Refused as exc:
            self._fail(progress, CheckOutcome.REFUSED, exc.reason)
            logger.info("link check refused %s: %s", url, exc.reason)
        except _DnsError as exc:
            self._fail(progress, CheckOutcome.DNS_ERROR, str(exc))
        except httpx.TimeoutException as exc:
            self._fail(progress, CheckOutcome.TIMEOUT, f"{type(exc).__name__}: {exc}")
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, zlib.error) as exc:
            # Transport errors, and a body that breaks mid-way (truncated, corrupt gzip).
            tls = _tls_failure(exc)
            outcome = CheckOutcome.TLS_ERROR if tls else CheckOutcome.CONNECTION_ERROR
            self._fail(progress, outcome, f"{type(tls or exc).__name__}: {tls or exc}")
        finally:
            _PINS.reset(token)
        return progress.result(int((time.monotonic() - started) * 1000))

    @staticmethod
    def _fail(progress: _Progress, outcome: CheckOutcome, reason: str) -> None:
        progress.outcome, progress.reason = outcome, reason

    async def _resolve(self, host: str) -> list[str]:
        literal = literal_address(host)
        if literal is not None:
            addresses: Sequence[str] = [str(literal)]
        else:
            loop = asyncio.get_running_loop()
            try:
                # A private pool: asyncio.run() would wait for a hung lookup in its own.
                addresses = await loop.run_in_executor(_DNS_POOL, self.resolver, host)
            except (OSError, UnicodeError) as exc:
                raise _DnsError(f"{host}: {exc}") from None
        return vet_addresses(host, addresses, self.policy.allow_networks)

    async def _follow(self, progress: _Progress, passage: str, want_content: bool) -> None:
        """Steps 1-4 of the module docstring; leaves the final response to _finish."""
        assert self._client is not None
        method = "GET" if want_content or passage else "HEAD"
        current = parse_url(progress.url, self.policy)
        jar = httpx.Cookies()  # this check's cookies: some sites redirect until one is set
        seen: set[tuple[str, str]] = set()
        while True:
            progress.final_url = str(current)
            host = current.raw_host.decode("ascii")
            port = _DEFAULT_PORTS[current.scheme] if current.port is None else current.port
            _PINS.get()[(host, port)] = await self._resolve(host)
            request = self._client.build_request(method, current)
            jar.set_cookie_header(request)
            seen.add((str(current), request.headers.get("cookie", "")))
            progress.method = method
            try:
                response = await self._client.send(request, stream=True)
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
                if method != "HEAD":
                    raise
                method = "GET"  # HEAD reset the connection: ask properly
                continue
            try:
                jar.extract_cookies(response)
                progress.status = response.status_code
                progress.content_type = response.headers.get("content-type", "")
                if method == "HEAD" and response.status_code in _HEAD_LIES:
                    method = "GET"
                    continue
                location = response.headers.get("location", "").strip()
                if response.status_code not in _REDIRECTS or not location:
                    await self._finish(progress, response, passage, want_content)
                    return
                try:
                    target = current.join(location).copy_with(fragment=None)
                except (httpx.InvalidURL, ValueError) as exc:
                    raise Refused(f"malformed redirect location {location!r}: {exc}") from None
                progress.redirects.append(
                    RedirectHop(response.status_code, str(current), str(target))
                )
                statuses = {hop.status for hop in progress.redirects}
                progress.redirect_kind = "permanent" if statuses <= _PERMANENT else "temporary"
                if (str(target), _jar_header(jar, target)) in seen:
                    return self._end_chain(progress, "loop", f"redirect loop back to {target}")
                if len(progress.redirects) > self.policy.max_redirects:
                    return self._end_chain(
                        progress, "too_many", f"more than {self.policy.max_redirects} redirects"
                    )
                current = parse_url(str(target), self.policy)  # the whole guard, every hop
            finally:
                await response.aclose()

    @staticmethod
    def _end_chain(progress: _Progress, kind: str, reason: str) -> None:
        # Blocked, not a failure: with cookies kept per check, what still loops is mostly a
        # consent or bot wall that a browser gets through; it says nothing about the page.
        progress.outcome, progress.redirect_kind, progress.reason = (
            CheckOutcome.BLOCKED,
            kind,
            reason,
        )

    async def _finish(
        self, progress: _Progress, response: httpx.Response, passage: str, want_content: bool
    ) -> None:
        """Outcome, Retry-After, and — for a page that is there — its content (step 5)."""
        status = response.status_code
        progress.outcome = classify_status(status)
        progress.retry_after_s = parse_retry_after(response.headers.get("retry-after"))
        if progress.outcome is not CheckOutcome.OK:
            progress.reason = f"HTTP {status}"
            if status in (403, 429, 503) or response.headers.get("cf-mitigated"):
                sniff = (
                    await self._read(response, 64 * 1024, truncate=True)
                    if response.request.method == "GET"
                    else b""
                )
                if marker := _challenge(response, sniff):
                    progress.outcome, progress.reason = CheckOutcome.BLOCKED, marker
            return
        if marker := _challenge(response, b""):
            progress.outcome, progress.reason = CheckOutcome.BLOCKED, marker
            return
        if progress.redirects and not all(
            _is_canonicalisation(httpx.URL(hop.url), httpx.URL(hop.location))
            for hop in progress.redirects
        ):
            progress.outcome = CheckOutcome.REDIRECTED
        if response.request.method != "GET" or not (want_content or passage):
            return
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.policy.max_bytes:
            progress.outcome, progress.reason = CheckOutcome.TOO_LARGE, f"Content-Length {declared}"
            return
        try:
            body = await self._read(response, self.policy.max_bytes)
        except _TooLarge:
            progress.outcome = CheckOutcome.TOO_LARGE
            progress.reason = f"body larger than {self.policy.max_bytes} bytes"
            progress.bytes_read = self.policy.max_bytes
            return
        except ValueError as exc:  # an unsupported content-encoding
            progress.reason = str(exc)
            return
        progress.bytes_read = len(body)
        progress.sha256 = hashlib.sha256(body).hexdigest()
        # Parsing is CPU work: off the loop, so other checks' I/O keeps moving.
        analysis = await asyncio.to_thread(
            _analyse, body, progress.content_type, passage, self.policy.passage_threshold
        )
        (
            progress.title,
            progress.text_hash,
            progress.text,
            progress.passage_found,
            progress.passage_score,
            note,
        ) = analysis
        progress.reason = progress.reason or note

    async def _read(self, response: httpx.Response, limit: int, *, truncate: bool = False) -> bytes:
        """The decompressed body, at most ``limit`` bytes: _TooLarge, or cut if ``truncate``."""
        try:
            body = _BoundedBody(response.headers.get("content-encoding", ""), limit)
        except ValueError:
            if truncate:
                return b""
            raise
        try:
            async for chunk in response.aiter_raw():
                body.feed(chunk)
            return body.finish()
        except _TooLarge:
            if truncate:
                return bytes(body.data[:limit])
            raise


def _jar_header(jar: httpx.Cookies, url: httpx.URL) -> str:
    """The Cookie header ``jar`` would send to ``url`` (part of a redirect's identity)."""
    probe = httpx.Request("GET", url)
    jar.set_cookie_header(probe)
    return probe.headers.get("cookie", "")


_HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_KEEP = 200_000
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def _analyse(body: bytes, content_type: str, passage: str, threshold: float):
    """(title, text hash, kept text, passage found, passage score, note) of a body."""
    mime = content_type.split(";", 1)[0].strip().lower()
    charset = _CHARSET.search(content_type)
    charset_name = charset.group(1) if charset else None
    sniffed_html = not mime and body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))
    title = ""
    if mime in _HTML_TYPES or sniffed_html:
        title, text = textmatch.html_to_text(textmatch.decode_body(body, charset_name, html=True))
    elif mime.startswith("text/"):
        text = textmatch.decode_body(body, charset_name)
    else:
        note = f"no text extracted from {mime or 'an untyped body'}" if passage else ""
        return title, "", "", None, None, note
    normalized = textmatch.normalize_text(text)
    found, score = textmatch.match_passage(
        passage, normalized, threshold=threshold, normalized=True
    )
    return title, textmatch.text_hash(normalized), normalized[:TEXT_KEEP], found, score, ""


# --- Synchronous entry points (Celery tasks) --------------------------------------------


def _run(coroutine):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    # A loop already runs in this thread (an async caller; Playwright's sync API in tests):
    # ours gets a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def check_url(
    url: str,
    *,
    passage: str = "",
    want_content: bool = True,
    policy: FetchPolicy | None = None,
    resolver: Resolver | None = None,
) -> CheckResult:
    """Check one URL. ``want_content=False`` and no passage: a HEAD is enough."""

    async def run() -> CheckResult:
        async with LinkChecker(policy, resolver=resolver) as checker:
            return await checker.check(url, passage=passage, want_content=want_content)

    return _run(run())


def check_urls(
    requests: Iterable[CheckRequest | str],
    *,
    policy: FetchPolicy | None = None,
    resolver: Resolver | None = None,
) -> list[CheckResult]:
    """Check many URLs concurrently on one event loop; results in the order given."""
    items = list(requests)

    async def run() -> list[CheckResult]:
        async with LinkChecker(policy, resolver=resolver) as checker:
            return await checker.check_many(items)

    return _run(run())

"""The test-wide network guard: no test reaches anything but loopback.

Tests and benchmarks send packets to loopback only (127.0.0.0/8, ::1) and Unix sockets.
This module patches the Python-level entry points every client here goes through —
``socket.socket.connect``/``connect_ex``/``sendto`` (used by ``socket.create_connection``,
asyncio's ``sock_connect``/``create_connection``, anyio, httpx, psycopg's Python side,
redis-py) and ``socket.getaddrinfo``/``gethostbyname`` (a DNS query for a real name would
leave the machine) — and checks the destination *before* calling the real function, so a
forbidden packet is never sent, even if the link checker's own guard were broken.

A violation raises :class:`NetworkGuardError` and is also recorded: the autouse fixture in
``conftest.py`` fails the test at teardown even if the code under test swallowed the error.
Not covered: C extensions that open sockets themselves (libpq connects in C, but only to
the configured loopback or Unix-socket database) and child processes.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading

_LOCAL_NAMES = {"localhost", "localhost.", "ip6-localhost", "ip6-loopback"}


class NetworkGuardError(AssertionError):
    """A test tried to reach something outside loopback."""


violations: list[str] = []
_lock = threading.Lock()
_real: dict[str, object] = {}


def _is_loopback(host: str) -> bool | None:
    """True/False for an IP literal, None for a name."""
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _numeric(host: str) -> bool:
    """Would the resolver answer this without a query? (any IPv4 spelling, or IPv6)."""
    if _is_loopback(host) is not None:
        return True
    try:
        socket.inet_aton(host)
    except (OSError, ValueError):
        return False
    return True


def _violation(what: str) -> NetworkGuardError:
    with _lock:
        violations.append(what)
    return NetworkGuardError(f"network guard: {what} (tests reach loopback only)")


def check_destination(family: int, address) -> None:
    """Raise unless ``address`` (as given to ``connect``) is loopback or a Unix socket."""
    if family == getattr(socket, "AF_UNIX", object()):
        return
    if family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple) and address:
        host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
        loopback = _is_loopback(host)
        if loopback or (loopback is None and host.lower() in _LOCAL_NAMES):
            return
    raise _violation(f"connection to {address!r}")


def check_lookup(host) -> None:
    """Raise unless resolving ``host`` needs no DNS query."""
    if host is None:
        return
    name = host.decode() if isinstance(host, bytes) else str(host)
    if _numeric(name) or name.lower() in _LOCAL_NAMES or name == socket.gethostname():
        return
    raise _violation(f"DNS lookup of {name!r}")


def _connect(self, address):
    check_destination(self.family, address)
    return _real["connect"](self, address)


def _connect_ex(self, address):
    check_destination(self.family, address)
    return _real["connect_ex"](self, address)


def _sendto(self, data, *args):
    address = args[-1]
    check_destination(self.family, address)
    return _real["sendto"](self, data, *args)


def _getaddrinfo(host, *args, **kwargs):
    check_lookup(host)
    return _real["getaddrinfo"](host, *args, **kwargs)


def _gethostbyname(host):
    check_lookup(host)
    return _real["gethostbyname"](host)


def _gethostbyname_ex(host):
    check_lookup(host)
    return _real["gethostbyname_ex"](host)


_PATCHES = {
    (socket.socket, "connect"): _connect,
    (socket.socket, "connect_ex"): _connect_ex,
    (socket.socket, "sendto"): _sendto,
    (socket, "getaddrinfo"): _getaddrinfo,
    (socket, "gethostbyname"): _gethostbyname,
    (socket, "gethostbyname_ex"): _gethostbyname_ex,
}


def install() -> None:
    """Patch the socket module (idempotent)."""
    if _real:
        return
    for (owner, name), guarded in _PATCHES.items():
        _real[name] = getattr(owner, name)
        setattr(owner, name, guarded)


def uninstall() -> None:
    for (owner, name), _guarded in _PATCHES.items():
        if name in _real:
            setattr(owner, name, _real.pop(name))


def take_violations() -> list[str]:
    """The violations recorded so far, clearing the record."""
    with _lock:
        taken = list(violations)
        violations.clear()
    return taken


@contextlib.contextmanager
def expecting_violations():
    """For the guard's own tests: yields the list of violations made inside the block,
    which then do not fail the test."""
    before = take_violations()
    seen: list[str] = []
    try:
        yield seen
    finally:
        seen.extend(take_violations())
        with _lock:
            violations.extend(before)

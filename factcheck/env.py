"""Typed readers of environment variables, for ``factcheck/settings.py``.

Each reader takes the variable's name and a default, and either returns a value of the
right type or raises ``ImproperlyConfigured`` with a message that starts with the
variable's name (``REDIS_URL: expected redis://host:port/db, ...``), so a typo stops the
process at start-up instead of half-working. An unset variable gives the default; for
most readers a blank one does too.

No Django settings are read here: these functions only parse strings.
"""

from __future__ import annotations

import os
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
RATE_PERIODS = ("second", "minute", "hour", "day")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected true/false (1/0, yes/no, on/off), got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {value}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Comma-separated values; blanks between commas are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...], *, upper: bool = False) -> str:
    """One of ``choices`` (compared in upper case when ``upper``)."""
    value = env_str(name, default)
    if upper:
        value = value.upper()
    if value not in choices:
        *others, last = choices
        expected = f"{', '.join(others)} or {last}" if others else last
        raise ImproperlyConfigured(f"{name}: expected {expected}, got {value!r}")
    return value


def env_path(name: str, default: Path) -> Path:
    raw = env_str(name)
    return Path(raw).expanduser().resolve() if raw else default


def env_url(
    name: str,
    default: str = "",
    *,
    schemes: tuple[str, ...] = ("http", "https"),
    origin_only: bool = False,
) -> str:
    """An absolute URL with a host (no trailing slash), or ``""`` when unset.

    ``origin_only``: scheme, host and port only (paths are added to it).
    """
    value = env_str(name, default).rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        parts = parts._replace(netloc="")
    if parts.scheme not in schemes or not parts.hostname:
        raise ImproperlyConfigured(f"{name}: expected {schemes[-1]}://host, got {value!r}")
    if origin_only and (parts.path or parts.query or parts.fragment or parts.username):
        raise ImproperlyConfigured(
            f"{name}: expected {schemes[-1]}://host[:port] without a path, got {value!r}"
        )
    return value


def env_database(
    name: str, default: dict, *, sqlite_options: dict | None = None, conn_max_age: int = 60
) -> dict:
    """Parse a database URL; only PostgreSQL and SQLite are supported.

    PostgreSQL connections are kept ``conn_max_age`` seconds and checked before reuse (a
    restarted server is noticed); SQLite gets ``sqlite_options``.
    """
    raw = env_str(name)
    if not raw:
        return default
    try:
        config = dj_database_url.parse(raw)
    except Exception as exc:  # dj-database-url raises ValueError and friends
        raise ImproperlyConfigured(f"{name}: cannot parse {raw!r}: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.postgresql":
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name}: no database name in {raw!r}")
        config["CONN_MAX_AGE"] = conn_max_age
        config["CONN_HEALTH_CHECKS"] = True
    elif engine == "django.db.backends.sqlite3":
        config["OPTIONS"] = dict(sqlite_options or {})
    else:
        raise ImproperlyConfigured(
            f"{name}: unsupported database {engine or raw!r}; use postgres:// or sqlite:///"
        )
    return config


def env_redis_url(name: str) -> str:
    raw = env_str(name)
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in {"redis", "rediss", "unix"} or not (parts.hostname or parts.path):
        raise ImproperlyConfigured(
            f"{name}: expected redis://host:port/db, rediss://... or unix://..., got {raw!r}"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ImproperlyConfigured(f"{name}: malformed port in {raw!r}") from None
    return raw


def env_timezone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"{name}: unknown time zone {value!r}") from None
    return value


def env_rate(name: str, default: str) -> str:
    """A throttle rate such as ``60/minute`` (per second, minute, hour or day)."""
    rate = env_str(name, default)
    count, _, period = rate.partition("/")
    if not count.isdigit() or period not in RATE_PERIODS:
        raise ImproperlyConfigured(f"{name}: expected N/second|minute|hour|day, got {rate!r}")
    return rate


def env_ports(name: str, default: list[int]) -> list[int]:
    """Comma-separated TCP port numbers."""
    ports = []
    for raw in env_list(name, [str(port) for port in default]):
        if not raw.isdigit() or not 0 < int(raw) < 65536:
            raise ImproperlyConfigured(f"{name}: {raw!r} is not a TCP port")
        ports.append(int(raw))
    return ports


def env_networks(name: str) -> list[str]:
    """Comma-separated CIDRs (``127.0.0.0/8, ::1/128``), checked but kept as strings."""
    networks = env_list(name)
    for network in networks:
        try:
            ip_network(network)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {network!r} is not a CIDR (e.g. 127.0.0.0/8)"
            ) from None
    return networks

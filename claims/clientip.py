"""The client's address: one answer for sign-in lockouts and API throttles.

django-axes (``AXES_CLIENT_IP_CALLABLE``) and the API's throttles
(``claims.api.permissions``) both call :func:`client_ip`, so a lockout and a throttle
bucket always name the same client.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, ``REMOTE_ADDR`` is the nearest proxy and
each proxy appended the address it received the request from to ``X-Forwarded-For``; the
client is therefore the entry that many places from the right (as DRF's ``NUM_PROXIES``
reads it). Anything further left was written by the client and is ignored, so a client
cannot choose its own address. With no proxy (the default), ``X-Forwarded-For`` is not
read at all: the app must then be reachable only through those proxies.
"""

from __future__ import annotations

from ipaddress import ip_address

from django.conf import settings


def _address(value: str) -> str | None:
    """``value`` as a canonical IP address (``[::1]:443`` and ``1.2.3.4:80`` too), or None."""
    value = value.strip()
    candidates = [value]
    if value.startswith("[") and "]" in value:  # [IPv6]:port
        candidates.append(value[1 : value.index("]")])
    elif value.count(":") == 1:  # IPv4:port
        candidates.append(value.split(":", 1)[0])
    for candidate in candidates:
        try:
            return str(ip_address(candidate))
        except ValueError:
            continue
    return None


def client_ip(request) -> str:
    """The address of the client that sent ``request``, as far as trusted proxies say."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies == 0 or not forwarded:
        return _address(remote) or remote
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return _address(remote) or remote
    # Fewer hops than proxies: the request skipped the outer ones, and the leftmost entry is
    # what the first proxy it did pass saw.
    chosen = _address(hops[-min(proxies, len(hops))])
    # A proxy that writes something other than an address is misconfigured: fall back to
    # the peer rather than let an arbitrary string name a client.
    return chosen or _address(remote) or remote

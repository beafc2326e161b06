"""Who may call the API, and how often.

Deny by default: :class:`IsReviewer` is ``DEFAULT_PERMISSION_CLASSES``, so an endpoint is
open to anyone only where its view says so (:class:`ReadOnlyOrReviewer`, on the public
reads). Roles come from :mod:`claims.roles`, as in the reviewer UI; what a reviewer may do
to a claim (four eyes, editor-only transitions) is decided by the workflow itself.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from .. import roles
from ..clientip import client_ip


class IsReviewer(BasePermission):
    """Members of Reviewers or Editors, and superusers (staff status alone is not enough)."""

    message = "Only members of the Reviewers or Editors group can use this endpoint."

    def has_permission(self, request, view) -> bool:
        return roles.is_reviewer(request.user)


class ReadOnlyOrReviewer(IsReviewer):
    """Anyone may read (the view narrows what they see); only reviewers may write."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)


class _SettingsRate:
    """Read the rate when a request comes, not when the class is imported.

    DRF copies ``DEFAULT_THROTTLE_RATES`` into a class attribute at import time, so a
    changed setting (a test, a reload) would otherwise be ignored.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class _ClientAddress:
    """The client's address as sign-in lockouts see it (``claims.clientip``): behind
    ``TRUSTED_PROXY_COUNT`` proxies, from ``X-Forwarded-For``; otherwise the peer."""

    def get_ident(self, request) -> str:
        return client_ip(request)


class AnonThrottle(_ClientAddress, _SettingsRate, AnonRateThrottle):
    """``API_THROTTLE_ANON`` per client address, in the shared (default) cache."""


class UserThrottle(_ClientAddress, _SettingsRate, UserRateThrottle):
    """``API_THROTTLE_USER`` per account (anonymous clients per address)."""

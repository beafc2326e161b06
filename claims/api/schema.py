"""drf-spectacular's schema generator, told about our permission classes."""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.permissions import SAFE_METHODS

from .permissions import ReadOnlyOrReviewer


class KeyScheme(OpenApiAuthenticationExtension):
    """API keys (django-rest-knox), documented under the name and header they always had:
    ``Authorization: Token <key>``. Wins over drf-spectacular's own knox extension."""

    target_class = "knox.auth.TokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        """Public reads need no authentication: say so (``{}``), as drf-spectacular does
        for DRF's own ``IsAuthenticatedOrReadOnly``."""
        auths = super().get_auth()
        public_read = self.method in SAFE_METHODS and any(
            isinstance(permission, ReadOnlyOrReviewer) for permission in self.view.get_permissions()
        )
        if public_read and {} not in auths:
            auths.append({})
        return auths


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _is_blank_string(schema: dict) -> bool:
    return schema == {"type": "string", "maxLength": 0}


def tidy_schema(result: dict, generator, request, public: bool) -> dict:
    """A postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``).

    1. Public representations allow no property beyond their own. Two things follow:
       responses that may be either shape (``ClaimForAnyone``: a reader's
       ``PublicClaim`` or a reviewer's ``Claim``, which is a superset) match exactly one
       branch of their ``oneOf``, as OpenAPI requires; and a schema check (schemathesis)
       fails on any field that leaks into a public response.
    2. drf-spectacular describes a field that may be blank as ``oneOf: [<the format>,
       <the empty string>]``; a validator that does not check formats finds ``""``
       matching both, which ``oneOf`` forbids. ``anyOf`` says the same without that trap.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name, component in schemas.items():
        if name.startswith("Public") and component.get("type") == "object":
            component["additionalProperties"] = False
    for node in _walk(result):
        branches = node.get("oneOf")
        if isinstance(branches, list) and any(_is_blank_string(b) for b in branches):
            node["anyOf"] = node.pop("oneOf")
    return result

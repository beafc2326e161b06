"""One JSON shape for every error the API returns, and its OpenAPI description.

::

    {"error": {"code": "stale_version", "message": "...", "fields": {}, "current_version": 7}}

``code`` is machine-readable and stable; ``message`` is for people; ``fields`` maps the
names of offending input fields to what is wrong with them (``{}`` when none);
``current_version`` is present only with ``stale_version``, ``may_approve`` only with a
four-eyes refusal (the editors who may approve instead). The domain's refusals
(:mod:`claims.errors`) carry their own status, the one the reviewer UI uses too: not
permitted → 403; stale version, invalid transition, locked → 409; incomplete or invalid →
422. Input the API cannot parse (wrong types, lengths, unknown choices) is a 400 before the
domain sees it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from ..anchoring import AnchorError
from ..errors import FourEyes, Incomplete, StaleVersion, WorkflowError


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def error_body(
    code: str, message: str, fields: dict[str, str] | None = None, **extra
) -> dict[str, dict]:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def _flatten(detail, prefix: str = "") -> dict[str, str]:
    """DRF's nested error details → ``{"field": "message", "tags.0": "message"}``."""
    if isinstance(detail, dict):
        flat: dict[str, str] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: " ".join(str(m) for m in messages)}


def _validation_message(fields: dict[str, str]) -> str:
    return "Some values are not valid: " + " ".join(
        f"{name}: {problem}" for name, problem in fields.items()
    )


def _domain_response(exc: WorkflowError) -> Response:
    extra = {}
    if isinstance(exc, StaleVersion):
        extra["current_version"] = exc.current_version
    if isinstance(exc, FourEyes):
        extra["may_approve"] = exc.may_approve
    fields = dict(exc.fields) if isinstance(exc, Incomplete) else {}
    return Response(error_body(exc.code, exc.message, fields, **extra), status=exc.http_status)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: domain refusals and DRF's own errors, one shape."""
    if isinstance(exc, WorkflowError):
        response = _domain_response(exc)
        # Nothing the refused request did may be committed (the domain wrote nothing,
        # but a view might have).
        set_rollback()
        return response
    if isinstance(exc, DjangoValidationError):
        # A model invariant refused the write (e.g. the anchor check in Claim.save()).
        fields = (
            {name: " ".join(problems) for name, problems in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {api_settings.NON_FIELD_ERRORS_KEY: " ".join(exc.messages)}
        )
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, AnchorError):
        exc = exceptions.ValidationError({exc.field: str(exc)})
    elif isinstance(exc, RequestDataTooBig):  # over DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = RequestTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500 handling takes over
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = error_body("invalid", _validation_message(fields), fields)
    else:
        detail = exc.detail
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
        message = str(detail) if not isinstance(detail, list | dict) else str(exc.default_detail)
        response.data = error_body(code, message)
    return response


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request, *args, **kwargs):
    """Any other path under /api/: a 404 in the API's shape, not an HTML page."""
    raise exceptions.NotFound()


# --- OpenAPI --------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Machine-readable: invalid, incomplete, not_authenticated, "
        "authentication_failed, permission_denied, not_permitted, not_found, "
        "method_not_allowed, stale_version, invalid_transition, locked, parse_error, "
        "unsupported_media_type, throttled, ..."
    )
    message = serializers.CharField(help_text="For people.")
    fields = serializers.DictField(
        child=serializers.CharField(),
        help_text="Input field name → what is wrong with it; empty when no field is at fault.",
    )
    current_version = serializers.IntegerField(
        required=False, help_text="Only with stale_version: the version to base a retry on."
    )
    may_approve = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Only with a four-eyes refusal (not_permitted): the editors who may "
        "approve instead, by name (empty: ask another editor).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_DESCRIPTIONS = {
    400: "Input that does not parse: wrong types, lengths or choices (`invalid`), or a body "
    "that is not JSON (`parse_error`); `fields` names what to fix.",
    401: "Not signed in (`not_authenticated`) or a bad token (`authentication_failed`).",
    403: "Not allowed: no reviewer role (`permission_denied`), a failed CSRF check, or a "
    "workflow rule such as four eyes or an editor-only action (`not_permitted`; a four-eyes "
    "refusal names who may approve instead in `may_approve`).",
    404: "No such object, or not visible to this client (`not_found`).",
    409: "Conflict: the `version` sent is stale (`stale_version`, with `current_version`), "
    "or the claim's state does not allow this (`invalid_transition`, `locked`).",
    413: "The request body is larger than the server accepts (`too_large`).",
    422: "Understood, but the rules refuse it: information is missing (`incomplete`) or a "
    "value is refused by the domain (`invalid`: a quote not at its offsets, an edit that "
    "deletes quoted words...); `fields` names what to fix.",
    415: "The body is not JSON (`unsupported_media_type`).",
    429: "Too many requests (`throttled`); retry after the `Retry-After` header's seconds.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """``extend_schema(responses=...)`` entries for the given error statuses."""
    return {s: OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[s]) for s in statuses}

"""The OpenAPI schema: valid OpenAPI 3, complete, public, and true to the API.

The schemathesis tests fuzz every operation in-process through the WSGI application, as
an anonymous client and as a reviewer with a token, and fail on any 5xx and on any
response that the schema does not describe (status, content type, body).
"""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from claims import proposals
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    PublishedClaimFactory,
    SourceFactory,
    WithdrawnClaimFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

# Every operation the API offers, and nothing else: a new endpoint must be added here
# (and to the README's API section) on purpose.
OPERATIONS = {
    ("/api/schema/", "get"),
    ("/api/v1/ratings/", "get"),
    ("/api/v1/claims/", "get"),
    ("/api/v1/claims/", "post"),
    ("/api/v1/claims/{id_or_slug}/", "get"),
    ("/api/v1/claims/{id_or_slug}/", "patch"),
    ("/api/v1/claims/{id_or_slug}/events/", "get"),
    ("/api/v1/claims/{id_or_slug}/transitions/", "post"),
    ("/api/v1/claims/{id_or_slug}/reaffirm/", "post"),
    ("/api/v1/claims/{id_or_slug}/versions/", "get"),
    ("/api/v1/claims/{id_or_slug}/sources/", "get"),
    ("/api/v1/claims/{id_or_slug}/sources/", "post"),
    ("/api/v1/claims/{id_or_slug}/notes/", "get"),
    ("/api/v1/claims/{id_or_slug}/notes/", "post"),
    ("/api/v1/claims/{id_or_slug}/assignment/", "post"),
    ("/api/v1/sources/{id}/", "get"),
    ("/api/v1/sources/{id}/", "patch"),
    ("/api/v1/sources/{id}/", "delete"),
    ("/api/v1/sources/{id}/check/", "post"),
    ("/api/v1/sources/{id}/archive/", "post"),
    ("/api/v1/articles/", "get"),
    ("/api/v1/articles/", "post"),
    ("/api/v1/articles/{slug}/", "get"),
    ("/api/v1/articles/{slug}/", "patch"),
    ("/api/v1/articles/{slug}/preview/", "post"),
    ("/api/v1/articles/{slug}/revisions/", "get"),
    ("/api/v1/proposals/", "get"),
    ("/api/v1/proposals/", "post"),
    ("/api/v1/proposals/{id}/", "get"),
    ("/api/v1/proposals/{id}/approve/", "post"),
    ("/api/v1/proposals/{id}/cancel/", "post"),
}
WRITE_ERRORS = {"400", "401", "403", "404", "409", "413", "415", "422", "429"}


@pytest.fixture
def schema(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    validate(schema)  # raises on any violation of the OpenAPI 3 specification
    assert schema["openapi"].startswith("3.")


def test_schema_generation_has_no_warnings(tmp_path):
    # drf-spectacular's own validation, failing on any warning (an undocumented view,
    # an unresolvable type...).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")
    assert (tmp_path / "s.yaml").read_text().startswith("openapi: 3.")


def test_schema_documents_every_operation(schema):
    operations = {
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert operations == OPERATIONS


def test_schema_documents_how_claims_are_addressed(schema):
    """By id for reviewers (every claim has one), by public slug for anyone."""
    claim_paths = [path for path in schema["paths"] if path.startswith("/api/v1/claims/{")]
    assert len(claim_paths) == 8
    for path in claim_paths:
        for method, operation in schema["paths"][path].items():
            (parameter,) = [p for p in operation["parameters"] if p["in"] == "path"]
            assert (parameter["name"], parameter["schema"]) == (
                "id_or_slug",
                {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
            ), (path, method)
            assert parameter["description"].startswith(
                "The claim's `id` (reviewers and editors: every claim, from its creation) or "
                "its `slug` (anyone: published and withdrawn claims; given at first "
                "publication from the approved statement and never changed)."
            )
    claim = schema["components"]["schemas"]["Claim"]["properties"]
    public = schema["components"]["schemas"]["PublicClaim"]
    assert claim["slug"]["type"] == ["string", "null"]
    assert public["properties"]["slug"]["type"] == "string"
    assert "slug" in public["required"]


def test_schema_documents_the_error_shape_for_every_operation(schema):
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, item in schema["paths"].items():
        if path == "/api/schema/":
            continue  # drf-spectacular's own view
        for method, operation in item.items():
            errors = {
                code: response["content"]["application/json"]["schema"]
                for code, response in operation["responses"].items()
                if code >= "400"
            }
            assert all(value == error_ref for value in errors.values()), (path, method)
            assert {"401", "429"} <= set(errors), (path, method)
            if method in {"post", "patch"}:
                assert set(errors) == WRITE_ERRORS, (path, method)
    assert schema["components"]["schemas"]["ErrorDetail"]["required"] == [
        "code",
        "fields",
        "message",
    ]


def test_schema_is_public_and_whole_for_anonymous_clients(api_client, reviewer, token_for):
    """Decision: anyone may read the whole schema, write operations included."""
    anonymous = api_client.get("/api/schema/", {"format": "json"}).json()
    as_reviewer = api_client.get("/api/schema/", {"format": "json"}, **token_for(reviewer)).json()
    assert anonymous == as_reviewer
    assert "post" in anonymous["paths"]["/api/v1/claims/{id_or_slug}/transitions/"]


def test_schema_marks_public_reads_as_needing_no_authentication(schema):
    claims = schema["paths"]["/api/v1/claims/"]
    assert claims["get"]["security"] == [{"tokenAuth": []}, {"cookieAuth": []}, {}]
    assert claims["post"]["security"] == [{"tokenAuth": []}, {"cookieAuth": []}]


def test_docs_page_serves_swagger_ui_from_local_files_without_inline_code(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js">'
        in (html)
    )
    assert '<script src="/api/docs/?script=">' in html
    # Nothing inline for the Content-Security-Policy to refuse, and nothing from a CDN.
    assert "<script>" not in html
    assert "<style>" not in html
    assert "https://" not in html
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    assert b'"/api/schema/"' in script.content


# --- Fuzzing with schemathesis ------------------------------------------------------------

# Bounded so the whole suite stays fast: examples per operation, drawn from valid and
# invalid input, on made-up and on existing slugs and ids; and a generous time limit per
# request that only a pathological slowness would hit.
MAX_EXAMPLES = 25
DEADLINE_MS = 5000
CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)


def _checks():
    from schemathesis import checks

    return [getattr(checks, name) for name in CHECK_NAMES]


def _data() -> dict:
    """Objects for the fuzzer to find, besides the random slugs and ids it makes up."""
    published = PublishedClaimFactory()
    SourceFactory(claim=published)
    draft = ClaimFactory(article=published.article)
    source = SourceFactory(claim=draft)
    withdrawn = WithdrawnClaimFactory(article=published.article)
    ArticleFactory()  # no claims: invisible to readers
    proposal = proposals.propose_correction(
        published, by=user_with_role("fuzz-editor", "Editors"), version=1, note="N", summary="S"
    )
    return {
        "claims": [published.slug, withdrawn.slug, str(published.pk), str(draft.pk)],
        "articles": [published.article.slug],
        "sources": [str(source.pk)],
        "proposals": [str(proposal.pk)],
    }


def _known_keys(operation, data: dict) -> list[dict]:
    path = operation.path
    if "{id_or_slug}" in path:
        return [{"id_or_slug": key} for key in data["claims"]]
    if "{slug}" in path:
        return [{"slug": key} for key in data["articles"]]
    if "{id}" in path:
        keys = data["proposals"] if path.startswith("/api/v1/proposals/") else data["sources"]
        return [{"id": key} for key in keys]
    return []


@contextmanager
def _wsgi_inside_test_transaction():
    """Requests through the real WSGI handler, inside the test's transaction.

    The handler closes "old" database connections when a request starts and finishes —
    which, inside a test's transaction, would close the test's own connection. Django's
    test client disconnects the same signal handler for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(schema_dict: dict, headers: dict) -> None:
    with _wsgi_inside_test_transaction() as app:
        _fuzz_app(app, schema_dict, headers)


def _fuzz_app(app, schema_dict: dict, headers: dict) -> None:
    data = _data()
    fuzzed = set()
    api = schemathesis.openapi.from_dict(schema_dict).exclude(path="/api/schema/")
    checks = _checks()
    for result in api.get_all_operations():
        operation = result.ok()
        strategies = []
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            strategies.append(operation.as_strategy(generation_mode=mode))
            strategies += [
                operation.as_strategy(generation_mode=mode, path_parameters=keys)
                for keys in _known_keys(operation, data)
            ]

        @seed(20261127)
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=DEADLINE_MS,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(strategies))
        def check(case):
            response = case.call(app=app, headers=headers)
            case.validate_response(response, checks=checks)

        check()
        fuzzed.add((operation.path, operation.method.lower()))
    assert fuzzed == OPERATIONS - {("/api/schema/", "get")}


def test_fuzzing_as_anonymous_client_finds_no_error_or_schema_violation(schema):
    _fuzz(schema, headers={})


def test_fuzzing_as_reviewer_with_token_finds_no_error_or_schema_violation(
    schema, reviewer, token_for
):
    token = token_for(reviewer)["HTTP_AUTHORIZATION"]
    _fuzz(schema, headers={"Authorization": token})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_docs_page_works_under_the_content_security_policy(page):
    """Swagger UI renders every operation from local files, and the browser reports no
    Content-Security-Policy violation."""
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    page.goto("/api/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() == len(OPERATIONS)
    assert violations == []

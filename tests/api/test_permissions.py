"""Who may call what: every endpoint × anonymous, outsider, reviewer, editor, admin.

Deny by default: anonymous clients get 401 on everything but the public reads, signed-in
users without a role 403; what a reviewer may do to a claim is the workflow's call (an
approval by a reviewer is 403 ``not_permitted``). Plus authentication itself (token and
session, never Basic) and the token page of the reviewer UI.
"""

import base64
import re
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import ANY

import pytest
from django.conf import settings
from django.test import Client
from knox.crypto import hash_token
from knox.models import AuthToken

from claims import proposals
from claims.api.permissions import IsReviewer
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    InReviewClaimFactory,
    PublishedClaimFactory,
    SourceFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "reviewer", "editor", "superuser"]
NOT_SIGNED_IN = {
    "error": {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "fields": {},
    }
}
NO_ROLE = {"error": {"code": "permission_denied", "message": IsReviewer.message, "fields": {}}}
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


@dataclass
class Objects:
    article: Any
    published: Any
    draft: Any
    in_review: Any
    source: Any
    proposal: Any


@pytest.fixture
def objects(db):
    article = ArticleFactory()
    published = PublishedClaimFactory(article=article)
    draft = ClaimFactory(article=article, quote_text="wages had not kept up with prices")
    in_review = InReviewClaimFactory(article=article, quote_text="part-time workers")
    source = SourceFactory(claim=draft)
    withdrawn = PublishedClaimFactory(quote_text="part-time workers")
    proposal = proposals.propose_withdrawal(
        withdrawn, by=user_with_role("erin", "Editors"), version=1, reason="Misattributed."
    )
    return Objects(article, published, draft, in_review, source, proposal)


@dataclass
class Case:
    method: str
    url: str  # formatted with the Objects
    body: dict = field(default_factory=dict)
    # role → status; roles not named get the status of "reviewer"
    expect: dict = field(default_factory=dict)
    # the workflow's refusal of a reviewer (a 403 for a signed-in role)
    refusal: str = "Only an editor can approve a claim."


PUBLIC = dict.fromkeys(ROLES, 200)
ROLE_ONLY = {"anonymous": 401, "outsider": 403}
NEW_CLAIM = {
    "article": "{o.article.slug}",
    "quote": "part-time workers",
    "start_offset": 148,
    "end_offset": 165,
    "statement": "Part-time workers were excluded.",
    "claimant": "Critics",
}

CASES = {
    "ratings": Case("get", "/api/v1/ratings/", expect=PUBLIC),
    "claim list": Case("get", "/api/v1/claims/", expect=PUBLIC),
    "published claim": Case("get", "/api/v1/claims/{o.published.slug}/", expect=PUBLIC),
    "draft claim": Case(
        "get", "/api/v1/claims/{o.draft.pk}/", expect={"anonymous": 404, "outsider": 404}
    ),
    "create claim": Case("post", "/api/v1/claims/", NEW_CLAIM, {**ROLE_ONLY, "reviewer": 201}),
    "edit claim": Case(
        "patch", "/api/v1/claims/{o.draft.pk}/", {"version": 1, "statement": "New."}, ROLE_ONLY
    ),
    "events": Case("get", "/api/v1/claims/{o.draft.pk}/events/", expect=ROLE_ONLY),
    "start": Case(
        "post",
        "/api/v1/claims/{o.draft.pk}/transitions/",
        {"action": "start", "version": 1},
        ROLE_ONLY,
    ),
    "approve": Case(
        "post",
        "/api/v1/claims/{o.in_review.pk}/transitions/",
        {"action": "approve", "version": 1},
        {**ROLE_ONLY, "reviewer": 403, "editor": 200, "superuser": 200},
    ),
    "list sources": Case("get", "/api/v1/claims/{o.draft.pk}/sources/", expect=ROLE_ONLY),
    "add source": Case(
        "post",
        "/api/v1/claims/{o.draft.pk}/sources/",
        {"url": "https://example.org/a", "title": "A"},
        {**ROLE_ONLY, "reviewer": 201},
    ),
    "list notes": Case("get", "/api/v1/claims/{o.draft.pk}/notes/", expect=ROLE_ONLY),
    "add note": Case(
        "post",
        "/api/v1/claims/{o.draft.pk}/notes/",
        {"body": "Hm."},
        {**ROLE_ONLY, "reviewer": 201},
    ),
    "source": Case("get", "/api/v1/sources/{o.source.pk}/", expect=ROLE_ONLY),
    "edit source": Case(
        "patch", "/api/v1/sources/{o.source.pk}/", {"version": 1, "title": "B"}, ROLE_ONLY
    ),
    "remove source": Case(
        "delete", "/api/v1/sources/{o.source.pk}/?version=1", expect={**ROLE_ONLY, "reviewer": 204}
    ),
    "article list": Case("get", "/api/v1/articles/", expect=PUBLIC),
    "article": Case("get", "/api/v1/articles/{o.article.slug}/", expect=PUBLIC),
    "create article": Case(
        "post", "/api/v1/articles/", {"title": "T", "body": "B."}, {**ROLE_ONLY, "reviewer": 201}
    ),
    # Readers can see the article (it has a published claim): an edit is a proposal.
    "edit article": Case(
        "patch",
        "/api/v1/articles/{o.article.slug}/",
        {"version": 1, "title": "New title"},
        {**ROLE_ONLY, "reviewer": 202},
    ),
    "preview article edit": Case(
        "post", "/api/v1/articles/{o.article.slug}/preview/", {"title": "New"}, ROLE_ONLY
    ),
    "article revisions": Case(
        "get", "/api/v1/articles/{o.article.slug}/revisions/", expect=ROLE_ONLY
    ),
    "verdict versions": Case("get", "/api/v1/claims/{o.published.slug}/versions/", expect=PUBLIC),
    "propose a correction": Case(
        "post",
        "/api/v1/proposals/",
        {
            "kind": "correction",
            "claim": "{o.published.slug}",
            "version": 1,
            "note": "N",
            "summary": "New",
        },
        {**ROLE_ONLY, "reviewer": 403, "editor": 201, "superuser": 201},
        "Only an editor can correct a published verdict.",
    ),
    "correct": Case(
        "post",
        "/api/v1/claims/{o.published.slug}/transitions/",
        {"action": "correct", "version": 1, "comment": "N", "summary": "New"},
        {**ROLE_ONLY, "reviewer": 403, "editor": 202, "superuser": 202},
        "Only an editor can correct a published verdict.",
    ),
    "reaffirm": Case(
        "post",
        "/api/v1/claims/{o.published.slug}/reaffirm/",
        {"version": 1, "note": "Re-checked: it stands."},
        {**ROLE_ONLY, "reviewer": 403, "editor": 200, "superuser": 200},
        "Only an editor can record that the evidence was re-checked.",
    ),
    "proposals": Case("get", "/api/v1/proposals/", expect=ROLE_ONLY),
    "proposal": Case("get", "/api/v1/proposals/{o.proposal.pk}/", expect=ROLE_ONLY),
    # Proposed by "erin", so every other editor may approve it.
    "approve a proposal": Case(
        "post",
        "/api/v1/proposals/{o.proposal.pk}/approve/",
        expect={**ROLE_ONLY, "reviewer": 403, "editor": 200, "superuser": 200},
        refusal="Only an editor can approve a withdrawal.",
    ),
    "cancel a proposal": Case(
        "post",
        "/api/v1/proposals/{o.proposal.pk}/cancel/",
        expect={**ROLE_ONLY, "reviewer": 403, "editor": 200, "superuser": 200},
        refusal="Only the editor who proposed it, or another editor, can cancel it.",
    ),
    "schema": Case("get", "/api/schema/", expect=PUBLIC),
    "docs": Case("get", "/api/docs/", expect=PUBLIC),
}


def _client_as(role: str, request) -> Client:
    """Token authentication for every signed-in role (sessions are tested below)."""
    client = request.getfixturevalue("api_client")
    if role != "anonymous":
        user = request.getfixturevalue(role)
        client.credentials(**request.getfixturevalue("token_for")(user))
    return client


def _format(value, objects):
    if isinstance(value, str):
        return value.format(o=objects)
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(CASES))
def test_permission_matrix(request, objects, name, role):
    case = CASES[name]
    client = _client_as(role, request)
    url = case.url.format(o=objects)
    body = {key: _format(value, objects) for key, value in case.body.items()}

    response = getattr(client, case.method)(url, body or None, format="json")

    expected = case.expect.get(role, case.expect.get("reviewer", 200))
    assert response.status_code == expected, response.content[:300]
    if expected == 401:
        assert response.json() == NOT_SIGNED_IN
        assert response["WWW-Authenticate"] == "Token"
    elif expected == 403 and role == "outsider":
        assert response.json() == NO_ROLE
    elif expected == 403:
        assert response.json() == {
            "error": {
                "code": "not_permitted",
                "message": case.refusal,
                "fields": {},
            }
        }
    elif expected == 404:
        assert response.json() == NOT_FOUND


def test_reviewers_get_the_full_shape_and_everyone_else_the_public_one(request, objects):
    for role in ROLES:
        client = _client_as(role, request)
        body = client.get(f"/api/v1/claims/{objects.published.slug}/").json()
        assert ("id" in body, "claim_review" in body) == (
            (True, False) if role in {"reviewer", "editor", "superuser"} else (False, True)
        ), role


def test_api_settings_deny_by_default():
    api = settings.REST_FRAMEWORK
    assert api["DEFAULT_PERMISSION_CLASSES"] == ["claims.api.permissions.IsReviewer"]
    assert api["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS  # keys in clear


def test_every_api_view_is_closed_unless_it_is_a_public_read():
    """A view that opens itself to everyone must be one of these, on purpose."""
    from django.urls import get_resolver
    from rest_framework.permissions import AllowAny

    from claims.api.errors import not_found
    from claims.api.permissions import ReadOnlyOrReviewer
    from claims.api.views import RatingScaleView

    open_to_all = set()
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) != "api/":
            continue
        for view_pattern in _flatten(pattern.url_patterns):
            view = view_pattern.callback
            cls = getattr(view, "cls", None)
            if cls is None:
                continue
            initkwargs = getattr(view, "initkwargs", {})
            actions = getattr(view, "actions", None) or {}
            for action in set(actions.values()) or {None}:
                instance = cls(**initkwargs)
                instance.action = action
                classes = {type(p) for p in instance.get_permissions()}
                if classes & {AllowAny, ReadOnlyOrReviewer}:
                    open_to_all.add((cls.__name__, action))
    assert open_to_all == {
        ("RatingScaleView", None),
        ("ClaimViewSet", "list"),
        ("ClaimViewSet", "retrieve"),
        ("ClaimViewSet", "versions"),
        ("ArticleViewSet", "list"),
        ("ArticleViewSet", "retrieve"),
        ("SpectacularAPIView", None),
        ("SpectacularSwaggerSplitView", None),
        ("not_found", None),  # the catch-all 404 (claims.api.errors.not_found)
    }
    assert RatingScaleView.http_method_names and not hasattr(RatingScaleView, "post")
    assert not_found.cls.permission_classes == [AllowAny]


def _flatten(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _flatten(pattern.url_patterns)
        else:
            yield pattern


# --- Authentication ---------------------------------------------------------------------------


def test_basic_authentication_is_not_accepted(api_client, reviewer):
    credentials = base64.b64encode(b"rita:password").decode()
    response = api_client.get(
        f"/api/v1/claims/{ClaimFactory().pk}/events/", HTTP_AUTHORIZATION=f"Basic {credentials}"
    )
    assert response.status_code == 401
    assert response.json() == NOT_SIGNED_IN


def test_a_wrong_or_deactivated_token_is_refused(api_client, reviewer, token_for):
    bad = api_client.get("/api/v1/claims/", HTTP_AUTHORIZATION="Token nope")
    assert bad.status_code == 401
    assert bad.json() == {
        "error": {"code": "authentication_failed", "message": "Invalid token.", "fields": {}}
    }
    auth = token_for(reviewer)
    reviewer.is_active = False
    reviewer.save()
    inactive = api_client.get("/api/v1/claims/", **auth)
    assert inactive.status_code == 401
    assert inactive.json() == {
        "error": {
            "code": "authentication_failed",
            "message": "User inactive or deleted.",
            "fields": {},
        }
    }


def test_session_authentication_needs_the_csrf_token_for_writes(reviewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    claim = ClaimFactory()
    # Reads need none.
    assert client.get(f"/api/v1/claims/{claim.pk}/events/").status_code == 200
    refused = client.post(
        f"/api/v1/claims/{claim.pk}/notes/", {"body": "Hi"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json() == {
        "error": {
            "code": "permission_denied",
            "message": "CSRF Failed: CSRF cookie not set.",
            "fields": {},
        }
    }
    client.get("/review/token/")  # sets the CSRF cookie, as any page with a form does
    accepted = client.post(
        f"/api/v1/claims/{claim.pk}/notes/",
        {"body": "Hi"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert accepted.status_code == 201
    assert accepted.json() == {"id": ANY, "author": "rita", "body": "Hi", "created_at": ANY}


def test_token_authentication_needs_no_csrf_token(reviewer, token_for):
    client = Client(enforce_csrf_checks=True)
    claim = ClaimFactory()
    response = client.post(
        f"/api/v1/claims/{claim.pk}/notes/",
        {"body": "Hi"},
        content_type="application/json",
        **token_for(reviewer),
    )
    assert response.status_code == 201


# --- The token page (/review/token/) --------------------------------------------------------


def test_token_page_needs_a_signed_in_reviewer(client, outsider):
    anonymous = client.get("/review/token/")
    assert (anonymous.status_code, anonymous["Location"]) == (
        302,
        "/accounts/login/?next=/review/token/",
    )
    client.force_login(outsider)
    forbidden = client.get("/review/token/")
    assert forbidden.status_code == 403
    assert forbidden["Cache-Control"] == "private, no-store"
    assert client.post("/review/token/", {"action": "create"}).status_code == 403
    assert not AuthToken.objects.exists()


def _shown_key(response) -> str:
    found = re.search(r'<code id="api-token-key">([^<]+)</code>', response.content.decode())
    return found.group(1) if found else ""


def test_token_is_created_shown_once_replaced_and_revoked(client, reviewer):
    client.force_login(reviewer)
    empty = client.get("/review/token/")
    assert empty.status_code == 200
    assert empty["Cache-Control"] == "private, no-store"
    assert "You have no token." in empty.content.decode()

    created = client.post("/review/token/", {"action": "create"})
    assert created.status_code == 200
    assert created["Cache-Control"] == "private, no-store"
    key = _shown_key(created)
    assert re.fullmatch(r"fck_[0-9a-f]{64}", key)
    # Stored as a hash only: nothing in the database is the key or contains it.
    (stored,) = AuthToken.objects.filter(user=reviewer).values_list("digest", "token_key")
    assert stored == (hash_token(key), key[:15])
    # Shown once: the page never shows the key again.
    assert key not in client.get("/review/token/").content.decode()
    api = Client()
    assert api.get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200

    replaced = client.post("/review/token/", {"action": "create"})
    new_key = _shown_key(replaced)
    assert new_key not in {"", key}
    assert AuthToken.objects.filter(user=reviewer).count() == 1
    assert api.get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert api.get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 200

    revoked = client.post("/review/token/", {"action": "revoke"})
    assert revoked.status_code == 200
    assert "Token revoked" in revoked.content.decode()
    assert not AuthToken.objects.exists()
    assert api.get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 401


def test_token_page_refuses_other_methods_and_actions(client, reviewer):
    client.force_login(reviewer)
    assert client.post("/review/token/", {"action": "steal"}).status_code == 400
    assert client.put("/review/token/").status_code == 405
    assert not AuthToken.objects.exists()


def test_token_page_posts_need_the_csrf_token(reviewer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post("/review/token/", {"action": "create"}).status_code == 403
    assert not AuthToken.objects.exists()


def test_a_token_can_only_do_what_its_user_may(api_client, objects, reviewer, token_for):
    """A reviewer's token cannot approve: the workflow, not the token, decides."""
    response = api_client.post(
        f"/api/v1/claims/{objects.in_review.pk}/transitions/",
        {"action": "approve", "version": 1},
        **token_for(reviewer),
    )
    assert response.status_code == 403
    objects.in_review.refresh_from_db()
    assert objects.in_review.status == "in_review"


def test_keys_from_before_hashing_keep_working_and_leave_no_clear_copy(api_client, reviewer):
    """The migration to hashed keys carries DRF authtoken's clear-text keys over as
    digests and empties the old table."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("claims.migrations.0005_hash_api_keys")
    legacy_key = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # DRF's format: 40 hex digits
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id integer NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)",
            [legacy_key, "2025-01-02 03:04:05+00:00", reviewer.pk],
        )
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.carry_over_legacy_keys(apps, editor)

    response = api_client.get("/api/v1/claims/", HTTP_AUTHORIZATION=f"Token {legacy_key}")
    assert response.status_code == 200
    token = AuthToken.objects.get(user=reviewer)
    assert (token.digest, token.token_key, token.created.year, token.expiry) == (
        hash_token(legacy_key),
        legacy_key[:15],
        2025,
        None,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)

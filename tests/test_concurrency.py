"""Simultaneous requests through a live server never end in a 500 (issue 11.11).

16 simultaneous article creations with one title gave 500 for 3–8 of them (the unique
slug was computed outside the transaction); the same for claims with one statement on
PostgreSQL; 6 simultaneous removals of one source gave 500 ``DoesNotExist`` for up to 5.

Each test starts real threads that wait on a barrier and then send their request at
once to Django's live test server (one thread and one database connection per request),
on whichever database the suite runs: PostgreSQL takes the rows' locks and the unique
constraints in parallel; SQLite serialises writers, and is checked as well.
"""

from __future__ import annotations

import threading
from collections import Counter

import httpx
import pytest

from claims import editing
from claims.enums import ClaimStatus
from claims.errors import InvalidTransition
from claims.models import Article, Claim, Source, Tag
from tests.factories import (
    BODY,
    ArticleFactory,
    InReviewClaimFactory,
    ResearchingClaimFactory,
    SourceFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 16


def at_once(live_server, requests: list[tuple[str, str, dict | None, dict]]) -> list:
    """Send every ``(method, path, json, headers)`` at the same moment; the responses."""
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)

    def send(index: int, method: str, path: str, body, headers) -> None:
        with httpx.Client(base_url=live_server.url, timeout=60) as client:
            barrier.wait()
            try:
                responses[index] = client.request(method, path, json=body, headers=headers)
            except httpx.HTTPError as exc:  # reported, not swallowed
                responses[index] = exc

    threads = [
        threading.Thread(target=send, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def statuses(responses) -> Counter:
    return Counter(getattr(r, "status_code", repr(r)) for r in responses)


def key_header(user) -> dict:
    from knox.models import AuthToken

    return {"Authorization": f"Token {AuthToken.objects.create(user=user, expiry=None)[1]}"}


def test_simultaneous_articles_with_one_title_all_get_their_own_slug(live_server):
    headers = key_header(user_with_role("rita", "Reviewers"))
    body = {"title": "Budget day", "body": "The minister said taxes fell."}
    responses = at_once(live_server, [("POST", "/api/v1/articles/", body, headers)] * THREADS)
    assert statuses(responses) == {201: THREADS}
    slugs = sorted(r.json()["slug"] for r in responses)
    expected = ["budget-day", *(f"budget-day-{n}" for n in range(2, THREADS + 1))]
    assert slugs == sorted(expected)
    assert sorted(Article.objects.values_list("slug", flat=True)) == sorted(expected)


def test_simultaneous_new_tags_with_one_slug_and_one_name(live_server):
    """Tags "Oil", "Oil!", "Oil!!"… share a slug; "Energy" is one tag, whoever creates it."""
    headers = key_header(user_with_role("rita", "Reviewers"))
    article = ArticleFactory()
    start = BODY.index("unemployment")
    requests = [
        (
            "POST",
            "/api/v1/claims/",
            {
                "article": article.slug,
                "quote": "unemployment",
                "start_offset": start,
                "end_offset": start + len("unemployment"),
                "statement": "Unemployment fell.",
                "claimant": "The minister",
                "tags": ["Oil" + "!" * n, "Energy"],
            },
            headers,
        )
        for n in range(THREADS)
    ]
    responses = at_once(live_server, requests)
    assert statuses(responses) == {201: THREADS}
    oil = sorted(Tag.objects.exclude(name="Energy").values_list("slug", flat=True))
    assert oil == sorted(["oil", *(f"oil-{n}" for n in range(2, THREADS + 1))])
    assert list(Tag.objects.filter(name="Energy").values_list("slug", flat=True)) == ["energy"]
    assert Tag.objects.get(name="Energy").claims.count() == THREADS


def test_simultaneous_approvals_of_claims_with_one_statement(live_server):
    reviewer = user_with_role("rita", "Reviewers")
    editor = user_with_role("eddie", "Editors")
    headers = key_header(editor)
    claims = []
    for _ in range(THREADS):
        claim = InReviewClaimFactory(statement="The minister misstated the figure.")
        Claim.objects.filter(pk=claim.pk).update(submitted_by=reviewer)
        claims.append(claim)
    requests = [
        (
            "POST",
            f"/api/v1/claims/{claim.pk}/transitions/",
            {"action": "approve", "version": claim.version},
            headers,
        )
        for claim in claims
    ]
    responses = at_once(live_server, requests)
    assert statuses(responses) == {200: THREADS}
    slug = "the-minister-misstated-the-figure"
    expected = sorted([slug, *(f"{slug}-{n}" for n in range(2, THREADS + 1))])
    assert sorted(r.json()["slug"] for r in responses) == expected
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.PUBLISHED}


def test_simultaneous_removals_of_one_source_remove_it_once(live_server):
    reviewer = user_with_role("rita", "Reviewers")
    headers = key_header(reviewer)
    claim = ResearchingClaimFactory()
    source = SourceFactory(claim=claim)
    path = f"/api/v1/sources/{source.pk}/?version={source.version}"
    responses = at_once(live_server, [("DELETE", path, None, headers)] * 6)
    counts = statuses(responses)
    assert counts[204] == 1
    assert sum(counts.values()) == 6 and set(counts) <= {204, 404, 409}, counts
    for response in responses:
        if response.status_code == 409:
            assert response.json()["error"] == {
                "code": "invalid_transition",
                "message": "This source has already been removed.",
                "fields": {},
            }
    assert not Source.objects.exists()
    assert claim.events.filter(action="remove_source").count() == 1


def test_removing_a_source_that_is_gone_is_refused_not_an_error(reviewer):
    claim = ResearchingClaimFactory()
    source = SourceFactory(claim=claim)
    stale = Source.objects.get(pk=source.pk)
    editing.remove_source(source, by=reviewer, version=source.version)
    with pytest.raises(InvalidTransition) as excinfo:
        editing.remove_source(stale, by=reviewer, version=stale.version)
    assert excinfo.value.message == "This source has already been removed."

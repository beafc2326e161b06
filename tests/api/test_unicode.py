"""Bodies that are JSON but not Unicode are a 400 before any field is read (issue 11.10).

A lone surrogate (``"\\ud800"``) in any of 7 choice fields gave a 500: DRF echoed it in
its field error and the JSON renderer could not encode it.
"""

import json

import pytest

from claims.models import Claim, ClaimEvent, Source
from tests.factories import (
    ArticleFactory,
    PublishedClaimFactory,
    ResearchingClaimFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

LONE = "\\ud800"  # as written in the JSON text: an escape of an unpaired surrogate
REFUSED = {
    "error": {
        "code": "parse_error",
        "message": "JSON parse error - the body contains an unpaired surrogate escape (such "
        "as \\ud800), which is not a Unicode character.",
        "fields": {},
    }
}


def body(data) -> str:
    """JSON text of ``data`` with every ``@`` written as the escape ``\\ud800``."""
    return json.dumps(data).replace("@", LONE)


def _cases(claim, published, source, article):
    claim_url, source_url = f"/api/v1/claims/{claim.pk}/", f"/api/v1/sources/{source.pk}/"
    transitions = f"/api/v1/claims/{claim.pk}/transitions/"
    correct = f"/api/v1/claims/{published.pk}/transitions/"
    new_claim = {
        "article": article.slug,
        "quote": "unemployment",
        "start_offset": 18,
        "end_offset": 30,
        "statement": "S",
        "claimant": "C",
        "claimant_kind": "@",
    }
    new_source = {"url": "https://example.org/", "title": "T"}
    return {
        "claimant_kind": ("post", "/api/v1/claims/", body(new_claim)),
        "rating": ("patch", claim_url, body({"version": 1, "rating": "@"})),
        "action": ("post", transitions, body({"action": "@", "version": 1})),
        "correct rating": ("post", correct, body(
            {"action": "correct", "version": 1, "comment": "c", "rating": "@"}
        )),
        "kind": ("post", claim_url + "sources/", body({**new_source, "kind": "@"})),
        "stance": ("post", claim_url + "sources/", body({**new_source, "stance": "@"})),
        "source kind": ("patch", source_url, body({"version": 1, "kind": "@"})),
        "a text field": ("patch", claim_url, body({"version": 1, "statement": "ok @ ok"})),
        "a key": ("patch", claim_url, body({"version": 1, "@": 1})),
        "deep inside": ("patch", claim_url, body({"version": 1, "tags": ["a", ["b", {"c": "@"}]]})),
        "the low half": ("patch", claim_url, '{"version": 1, "summary": "\\udfff"}'),
        "a pair reversed": ("patch", claim_url, '{"version": 1, "summary": "\\ude00\\ud83d"}'),
    }  # fmt: skip


CASE_NAMES = [
    "claimant_kind", "rating", "action", "correct rating", "kind", "stance", "source kind",
    "a text field", "a key", "deep inside", "the low half", "a pair reversed",
]  # fmt: skip


@pytest.mark.parametrize("name", CASE_NAMES)
def test_an_unpaired_surrogate_anywhere_in_a_body_is_a_400(client, editor, token_for, name):
    claim = ResearchingClaimFactory()
    published = PublishedClaimFactory(article=claim.article, quote_text="part-time workers")
    source = SourceFactory(claim=claim)
    method, url, body = _cases(claim, published, source, ArticleFactory())[name]
    before = (Claim.objects.count(), Source.objects.count(), ClaimEvent.objects.count())

    response = getattr(client, method)(
        url, body, content_type="application/json", **token_for(editor)
    )

    assert (response.status_code, response.json()) == (400, REFUSED)
    after = (Claim.objects.count(), Source.objects.count(), ClaimEvent.objects.count())
    assert after == before
    claim.refresh_from_db()
    assert (claim.version, claim.rating) == (1, "")


def test_a_surrogate_pair_is_the_character_it_stands_for(client, reviewer, token_for):
    claim = ResearchingClaimFactory()
    response = client.patch(
        f"/api/v1/claims/{claim.pk}/",
        '{"version": 1, "summary": "Rated \\ud83d\\ude00"}',
        content_type="application/json",
        **token_for(reviewer),
    )
    assert (response.status_code, response.json()["summary"]) == (200, "Rated 😀")

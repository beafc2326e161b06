"""The REST API: what readers see, the workflow through the API, errors, filters, paging.

Who may call what is in test_api_permissions.py; the schema in test_api_schema.py.
"""

import json
import uuid
from unittest.mock import ANY

import pytest
from django.test import Client
from django.utils.text import slugify
from rest_framework import serializers

from claims import workflow
from claims.enums import ClaimStatus, Rating
from claims.models import Claim, ClaimEvent, Correction, Note, Proposal, Source
from tests.factories import (
    BODY,
    ArticleFactory,
    ClaimFactory,
    InReviewClaimFactory,
    NoteFactory,
    PublishedClaimFactory,
    ResearchingClaimFactory,
    SourceFactory,
)
from tests.support.record import publish_correction, publish_withdrawal

pytestmark = pytest.mark.django_db

SITE = "https://factcheck.example.org"  # SITE_URL in tests/settings.py
API = f"{SITE}/api/v1"  # API links are built from SITE_URL too
SECRET = "Zanzibar-secret"
UNPUBLISHED = {
    ClaimStatus.DRAFT: ClaimFactory,
    ClaimStatus.RESEARCHING: ResearchingClaimFactory,
    ClaimStatus.IN_REVIEW: InReviewClaimFactory,
}
QUOTE = "unemployment fell to 4.2 percent last year"
OTHER_QUOTE = "wages had not kept up with prices"


def iso(value) -> str | None:
    return serializers.DateTimeField().to_representation(value) if value else None


def error(code: str, message=ANY, fields=None, **extra) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def rating(value: Rating) -> dict:
    return {
        "value": value.value,
        "label": value.label,
        "meaning": value.meaning,
        "rating_value": value.rating_value,
    }


# --- What readers see -----------------------------------------------------------------------

PUBLIC_CLAIM_FIELDS = {
    "slug",
    "api_url",
    "page_url",
    "status",
    "statement",
    "claimant",
    "claimant_kind",
    "quote",
    "start_offset",
    "end_offset",
    "tags",
    "rating",
    "summary",
    "explanation",
    "explanation_html",
    "published_at",
    "updated_at",
    "researched_by",
    "approved_by",
    "article",
    "sources",
    "corrections",
    "evidence_rechecked",
    "versions_url",
    "withdrawal",
    "claim_review",
}
# Readers get a source's link health in words (link_status), never the checker's raw state.
PUBLIC_SOURCE_FIELDS = {
    "url",
    "archived_url",
    "archive_verified",
    "title",
    "publisher",
    "kind",
    "stance",
    "passage",
    "accessed_at",
    "link_status",
}
PUBLIC_ARTICLE_REF_FIELDS = {
    "slug",
    "api_url",
    "page_url",
    "title",
    "outlet",
    "author",
    "url",
    "published_at",
}
PUBLIC_VERDICT = ("rating", "summary", "explanation", "explanation_html", "claim_review")
CORRECTION_FIELDS = {
    "created_at",
    "changed_fields",
    "rating_before",
    "rating_after",
    "note",
    "proposed_by",
    "approved_by",
}


def test_public_claim_has_exactly_the_public_fields(api_client, editor):
    """A new model field must be added here on purpose before readers can see it."""
    claim = PublishedClaimFactory()
    SourceFactory(claim=claim)
    NoteFactory(claim=claim)
    publish_correction(claim, by=editor, note="Fixed.", summary="New")
    for url in (f"/api/v1/claims/{claim.slug}/", "/api/v1/claims/"):
        body = api_client.get(url).json()
        data = body if "slug" in body else body["results"][0]
        assert set(data) == PUBLIC_CLAIM_FIELDS
        assert set(data["sources"][0]) == PUBLIC_SOURCE_FIELDS
        assert set(data["article"]) == PUBLIC_ARTICLE_REF_FIELDS
        assert set(data["corrections"][0]) == CORRECTION_FIELDS
        assert set(data["tags"][0] if data["tags"] else {"name", "slug"}) == {"name", "slug"}


def test_public_claim_detail_shows_the_verdict_sources_corrections_and_claim_review(
    api_client, reviewer, editor, other_editor
):
    claim = PublishedClaimFactory(
        rating=Rating.FALSE,
        summary="The rate rose.",
        explanation="See **table 2**.",
        submitted_by=reviewer,
        approved_by=editor,
    )
    claim.tags.create(name="Labour market")
    source = SourceFactory(claim=claim, title="Labour market, May", publisher="Stats Office")
    NoteFactory(claim=claim, body=f"{SECRET}: internal doubts")
    publish_correction(claim, by=editor, approver=other_editor, note="Wrong table.", summary="Up")
    claim.refresh_from_db()
    article = claim.article
    correction = Correction.objects.get()

    response = api_client.get(f"/api/v1/claims/{claim.slug}/")

    assert response.status_code == 200
    page = f"{SITE}/claims/{claim.slug}/"
    assert response.json() == {
        "slug": claim.slug,
        "api_url": f"{API}/claims/{claim.slug}/",
        "page_url": page,
        "status": "published",
        "statement": claim.statement,
        "claimant": "The minister",
        "claimant_kind": "person",
        "quote": QUOTE,
        "start_offset": 18,
        "end_offset": 60,
        "tags": [{"name": "Labour market", "slug": "labour-market"}],
        "rating": rating(Rating.FALSE),
        "summary": "Up",
        "explanation": "See **table 2**.",
        "explanation_html": "<p>See <strong>table 2</strong>.</p>\n",
        "published_at": iso(claim.published_at),
        "updated_at": iso(claim.updated_at),
        "researched_by": ["Rita"],
        "approved_by": "Eddie",
        "article": {
            "slug": article.slug,
            "api_url": f"{API}/articles/{article.slug}/",
            "page_url": f"{SITE}/articles/{article.slug}/",
            "title": article.title,
            "outlet": "The Daily Test",
            "author": "A. Reporter",
            "url": article.url,
            "published_at": iso(article.published_at),
        },
        "sources": [
            {
                "url": source.url,
                "archived_url": "",
                "title": "Labour market, May",
                "publisher": "Stats Office",
                "kind": "primary_data",
                "stance": "supports",
                "passage": "The unemployment rate was 4.3 percent.",
                "accessed_at": iso(source.accessed_at),
                "archive_verified": None,
                "link_status": {"state": "unchecked", "text": None, "checked_at": None},
            }
        ],
        "corrections": [
            {
                "created_at": iso(correction.created_at),
                "changed_fields": ["summary"],
                "rating_before": "false",
                "rating_after": "false",
                "note": "Wrong table.",
                "proposed_by": "Eddie",
                "approved_by": "Erin",
            }
        ],
        "evidence_rechecked": None,
        "versions_url": f"{API}/claims/{claim.slug}/versions/",
        "withdrawal": None,
        "claim_review": {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": page,
            "claimReviewed": claim.statement,
            "datePublished": claim.published_at.date().isoformat(),
            "author": {
                "@type": "Organization",
                "name": "Example Fact Desk",
                "url": "https://factcheck.example.org/",
            },
            "reviewRating": {
                "@type": "Rating",
                "alternateName": "False",
                "ratingValue": 1,
                "bestRating": 5,
                "worstRating": 1,
            },
            "itemReviewed": {
                "@type": "Claim",
                "author": {"@type": "Person", "name": "The minister"},
                "appearance": {
                    "@type": "NewsArticle",
                    "headline": article.title,
                    "url": article.url,
                    "publisher": {"@type": "Organization", "name": "The Daily Test"},
                    "datePublished": article.published_at.date().isoformat(),
                },
                "datePublished": article.published_at.date().isoformat(),
            },
        },
    }
    assert SECRET not in response.content.decode()


def test_withdrawn_claim_keeps_its_url_with_the_reason_instead_of_the_verdict(api_client, editor):
    claim = PublishedClaimFactory(summary=f"{SECRET} verdict", explanation=f"{SECRET} why")
    publish_withdrawal(claim, by=editor, reason="Misattributed.")
    claim.refresh_from_db()

    body = api_client.get(f"/api/v1/claims/{claim.slug}/").json()

    assert body["status"] == "withdrawn"
    assert body["withdrawal"] == {
        "withdrawn_at": iso(claim.withdrawn_at),
        "reason": "Misattributed.",
    }
    verdict = {name: body[name] for name in PUBLIC_VERDICT}
    assert verdict == dict.fromkeys(PUBLIC_VERDICT)
    assert SECRET not in json.dumps(body)
    # Withdrawn claims leave the list, like the home page.
    assert api_client.get("/api/v1/claims/").json()["results"] == []


def test_public_sources_show_their_link_health(api_client):
    from claims import checking
    from claims.enums import CheckOutcome
    from claims.linkcheck import CheckResult

    claim = PublishedClaimFactory()
    healthy, failing = SourceFactory(claim=claim), SourceFactory(claim=claim)
    checks = []
    for source, outcome, status in (
        (healthy, CheckOutcome.OK, 200),
        (failing, CheckOutcome.GONE, 404),
    ):
        (ticket,) = checking.hand_out([source.pk])
        checks.append(
            checking.record_result(
                ticket,
                CheckResult(url=source.url, outcome=outcome, status=status, passage_found=True),
            )
        )

    body = api_client.get(f"/api/v1/claims/{claim.slug}/").json()

    # In the words readers are given on the page; one failed check is not news.
    assert [source["link_status"] for source in body["sources"]] == [
        {
            "state": "ok",
            "text": "The page is still online and still contains the quoted passage",
            "checked_at": iso(checks[0].checked_at),
        },
        {"state": "failing", "text": None, "checked_at": iso(checks[1].checked_at)},
    ]


def test_reviewer_queues_a_check_and_records_an_archived_copy(
    api_client, reviewer, token_for, monkeypatch, django_capture_on_commit_callbacks
):
    from claims import tasks

    sent = []
    monkeypatch.setattr(tasks.task_check_sources, "delay", lambda **kw: sent.append(kw))
    source = SourceFactory(claim=PublishedClaimFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/sources/{source.pk}/check/", **token_for(reviewer))
    assert response.status_code == 202
    body = response.json()
    source.refresh_from_db()
    assert (body["queued"], body["source"]["id"]) == (True, source.pk)
    assert sent == [{"tickets": [[source.pk, str(source.check_token)]]}]
    again = api_client.post(f"/api/v1/sources/{source.pk}/check/", **token_for(reviewer))
    assert again.json()["queued"] is False

    # On a published claim readers would see it: a proposal for an editor (202).
    response = api_client.post(
        f"/api/v1/sources/{source.pk}/archive/",
        {"archived_url": "https://web.archive.org/web/2023/x"},
        format="json",
        **token_for(reviewer),
    )
    proposal = Proposal.objects.get()
    assert (response.status_code, response["Location"], response.json()["values"]) == (
        202,
        f"{API}/proposals/{proposal.pk}/",
        {"archived_url": "https://web.archive.org/web/2023/x"},
    )
    assert Source.objects.get().archived_url == ""
    # On a claim in research it is recorded at once (and queued for verification).
    draft_source = SourceFactory(claim=ResearchingClaimFactory(quote_text=OTHER_QUOTE))
    response = api_client.post(
        f"/api/v1/sources/{draft_source.pk}/archive/",
        {"archived_url": "https://web.archive.org/web/2023/y"},
        format="json",
        **token_for(reviewer),
    )
    assert (response.status_code, response.json()["archived_url"]) == (
        200,
        "https://web.archive.org/web/2023/y",
    )
    assert response.json()["archive_verified"] is None


def test_anonymous_cannot_queue_checks(api_client):
    source = SourceFactory(claim=PublishedClaimFactory())
    response = api_client.post(f"/api/v1/sources/{source.pk}/check/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert Source.objects.get().check_token is None


@pytest.mark.parametrize("status", list(UNPUBLISHED))
def test_unpublished_claim_is_404_for_readers(api_client, status):
    claim = UNPUBLISHED[status]()
    response = api_client.get(f"/api/v1/claims/{claim.slug}/")
    assert response.status_code == 404
    assert response.json() == error("not_found", "Not found.")


@pytest.mark.parametrize("status", list(UNPUBLISHED))
def test_unpublished_claims_and_notes_never_reach_readers_whatever_the_query(
    api_client, outsider, status
):
    article = ArticleFactory()
    published = PublishedClaimFactory(article=article)
    hidden = UNPUBLISHED[status](
        article=article,
        statement=f"{SECRET} statement",
        summary=f"{SECRET} summary",
        quote_text=OTHER_QUOTE,
    )
    hidden.tags.create(name=SECRET)
    NoteFactory(claim=hidden, body=f"{SECRET} note")
    NoteFactory(claim=published, body=f"{SECRET} note on a published claim")
    queries = [
        "",
        "?status=draft",
        "?status=researching",
        "?status=in_review",
        f"?status={status}",
        f"?q={SECRET}",
        f"?q={SECRET}&status={status}",
        f"?tag={SECRET.lower()}",
        f"?article={article.slug}",
        "?updated_since=2000-01-01T00:00:00Z",
        "?ordering=-updated_at",
        "?ordering=created_at",
        "?ordering=status",
        "?page_size=100",
    ]
    for client_user in (None, outsider):
        api_client.force_authenticate(client_user)
        for query in queries:
            response = api_client.get("/api/v1/claims/" + query)
            assert response.status_code == 200, query
            ids = [claim["api_url"] for claim in response.json()["results"]]
            assert set(ids) <= {f"{API}/claims/{published.slug}/"}, query
            assert SECRET not in response.content.decode(), query
            assert SECRET.lower() not in response.content.decode(), query
        for url in (
            f"/api/v1/articles/{article.slug}/",
            "/api/v1/articles/",
            f"/api/v1/claims/{published.slug}/",
        ):
            response = api_client.get(url)
            assert response.status_code == 200, url
            assert SECRET not in response.content.decode(), url
            assert SECRET.lower() not in response.content.decode(), url
        # No slug before publication; an id is no way in for readers.
        assert hidden.slug is None
        for ref in (slugify(hidden.statement), hidden.pk, published.pk):
            assert api_client.get(f"/api/v1/claims/{ref}/").json() == error("not_found"), ref


def test_status_filter_cannot_reach_unpublished_claims(api_client):
    ClaimFactory()
    response = api_client.get("/api/v1/claims/", {"status": "draft"})
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_article_detail_for_readers_has_published_claims_and_their_spans(api_client):
    article = ArticleFactory()
    published = PublishedClaimFactory(article=article, rating=Rating.MIXED)
    InReviewClaimFactory(article=article, quote_text=OTHER_QUOTE, statement=SECRET)

    response = api_client.get(f"/api/v1/articles/{article.slug}/")

    assert response.json() == {
        "slug": article.slug,
        "api_url": f"{API}/articles/{article.slug}/",
        "page_url": f"{SITE}/articles/{article.slug}/",
        "title": article.title,
        "standfirst": "A standfirst.",
        "author": "A. Reporter",
        "outlet": "The Daily Test",
        "url": article.url,
        "published_at": iso(article.published_at),
        "language": "en",
        "body": BODY,
        "claims": [
            {
                "slug": published.slug,
                "api_url": f"{API}/claims/{published.slug}/",
                "page_url": f"{SITE}/claims/{published.slug}/",
                "quote": QUOTE,
                "start_offset": 18,
                "end_offset": 60,
                "statement": published.statement,
                "claimant": "The minister",
                "rating": rating(Rating.MIXED),
                "summary": published.summary,
                "published_at": iso(published.published_at),
            }
        ],
    }
    assert BODY[18:60] == QUOTE


def test_articles_without_a_published_claim_are_invisible_to_readers(api_client):
    shown = PublishedClaimFactory().article
    hidden = ClaimFactory().article
    ArticleFactory()  # no claims at all
    listed = api_client.get("/api/v1/articles/").json()
    assert [article["slug"] for article in listed["results"]] == [shown.slug]
    assert api_client.get(f"/api/v1/articles/{hidden.slug}/").json() == error("not_found")


def test_rating_scale(api_client):
    response = api_client.get("/api/v1/ratings/")
    assert response.json() == [rating(value) for value in Rating]
    assert response.json()[-1] == {
        "value": "unsupported",
        "label": "Unsupported",
        "meaning": "The available evidence settles the claim neither way.",
        "rating_value": None,
    }


# --- Reviewers and editors ------------------------------------------------------------------


def test_reviewer_sees_every_claim_with_its_workflow_state(api_client, reviewer, token_for):
    claim = ResearchingClaimFactory()
    source = SourceFactory(claim=claim)
    PublishedClaimFactory(article=claim.article, quote_text=OTHER_QUOTE)

    response = api_client.get(f"/api/v1/claims/{claim.pk}/", **token_for(reviewer))

    article = claim.article
    assert response.json() == {
        "id": claim.pk,
        "slug": None,
        "api_url": f"{API}/claims/{claim.pk}/",
        "review_url": f"{SITE}/review/claims/{claim.pk}/",
        "page_url": None,
        "status": "researching",
        "version": 1,
        "article": {
            "id": article.pk,
            "slug": article.slug,
            "api_url": f"{API}/articles/{article.slug}/",
            "title": article.title,
        },
        "quote": QUOTE,
        "start_offset": 18,
        "end_offset": 60,
        "prefix": "The minister said ",
        "suffix": ".\n\nCritics replied that wages ha",
        "statement": claim.statement,
        "claimant": "The minister",
        "claimant_kind": "person",
        "tags": [],
        "rating": None,
        "summary": "",
        "explanation": "",
        "created_at": iso(claim.created_at),
        "updated_at": iso(claim.updated_at),
        "published_at": None,
        "submitted_by": None,
        "approved_by": None,
        "withdrawn_at": None,
        "withdrawal_reason": "",
        "sources": [
            {
                "id": source.pk,
                "api_url": f"{API}/sources/{source.pk}/",
                "url": source.url,
                "archived_url": "",
                "title": source.title,
                "publisher": "Statistics Office",
                "kind": "primary_data",
                "stance": "supports",
                "passage": "The unemployment rate was 4.3 percent.",
                "accessed_at": iso(source.accessed_at),
                "archive_verified": None,
                "link_status": {
                    "state": "unchecked",
                    "text": None,
                    "checked_at": None,
                    "desk": "Not checked yet.",
                    "needs_attention": False,
                    "failing": False,
                },
                "health": "unknown",
                "last_checked_at": None,
                "last_check": None,
                "archive_checked_at": None,
                "archive_check_detail": "",
                "version": 1,
                "created_at": iso(source.created_at),
                "updated_at": iso(source.updated_at),
            }
        ],
        "corrections": [],
        "allowed_actions": ["submit"],
        "can_edit": True,
        "can_reaffirm": False,
        "contributors": {},
        "pending_proposals": [],
        "missing_for_submission": {
            "rating": "Choose a rating.",
            "summary": "Write the one-line verdict.",
            "explanation": "Explain the verdict.",
        },
        "assignee": None,
        "due_date": None,
        "requested_approver": None,
        "overdue": False,
    }
    assert response["Cache-Control"] == "private, no-store"
    listed = api_client.get("/api/v1/claims/", **token_for(reviewer)).json()
    assert listed["count"] == 2


def _csrf_client(user) -> Client:
    """A browser-like session client that must send the CSRF token like a browser does."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/review/token/")  # any page with a form sets the CSRF cookie
    return client


def test_draft_to_published_through_the_api_by_two_people(
    api_client, editor, other_editor, token_for
):
    """One editor researches with a token; another approves in a browser session."""
    article = ArticleFactory()
    auth = token_for(editor)

    created = api_client.post(
        "/api/v1/claims/",
        {
            "article": article.slug,
            "quote": QUOTE,
            "start_offset": 18,
            "end_offset": 60,
            "statement": "Unemployment fell to 4.2% last year.",
            "claimant": "The minister",
            "tags": ["Labour market", " Labour market "],
        },
        **auth,
    )
    assert created.status_code == 201
    claim = created.json()
    assert (claim["status"], claim["version"], claim["allowed_actions"]) == ("draft", 1, ["start"])
    assert claim["tags"] == [{"name": "Labour market", "slug": "labour-market"}]
    assert created["Location"] == claim["api_url"]
    assert claim["slug"] is None  # none until it is published
    url = f"/api/v1/claims/{claim['id']}/"
    assert claim["api_url"] == f"{API}/claims/{claim['id']}/"

    def transition(client, action, version, **extra):
        return client.post(url + "transitions/", {"action": action, "version": version, **extra})

    api_client.credentials(HTTP_AUTHORIZATION=auth["HTTP_AUTHORIZATION"])
    assert transition(api_client, "start", 1).json()["status"] == "researching"
    source = api_client.post(
        url + "sources/",
        {"url": "https://stats.example.org/may", "title": "Labour market, May"},
    )
    assert source.status_code == 201
    edited = api_client.patch(
        url,
        {
            "version": 2,
            "rating": "mostly_accurate",
            "summary": "Close: 4.3%.",
            "explanation": "The office reports 4.3%.",
        },
    )
    assert (edited.json()["version"], edited.json()["missing_for_submission"]) == (3, {})
    submitted = transition(api_client, "submit", 3).json()
    assert (submitted["status"], submitted["submitted_by"]) == ("in_review", "eddie")

    # Four eyes: the editor who created, sourced, wrote and submitted it cannot approve it,
    # and is told who may.
    refused = transition(api_client, "approve", 4)
    assert refused.status_code == 403
    assert refused.json() == error(
        "not_permitted",
        "You created it, cited a source, edited the verdict and submitted it, so you cannot "
        "approve this claim: everything readers see is checked by two people. It may be "
        "approved by Erin.",
        may_approve=["Erin"],
    )

    # The other editor approves from a browser session, which must carry the CSRF token.
    browser = _csrf_client(other_editor)
    no_token = browser.post(
        url + "transitions/",
        {"action": "approve", "version": 4},
        content_type="application/json",
    )
    assert no_token.status_code == 403
    assert no_token.json() == error("permission_denied", "CSRF Failed: CSRF token missing.")
    approved = browser.post(
        url + "transitions/",
        {"action": "approve", "version": 4},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("published", "erin")

    # The public slug is given now, from the statement as approved.
    assert approved.json()["slug"] == "unemployment-fell-to-42-last-year"
    public = Client().get("/api/v1/claims/unemployment-fell-to-42-last-year/").json()
    assert (public["status"], public["researched_by"], public["approved_by"]) == (
        "published",
        ["Eddie"],
        "Erin",
    )
    assert Client().get(url).json() == error("not_found")  # readers: no ids
    actions = list(ClaimEvent.objects.filter(claim_id=claim["id"]).values_list("action", flat=True))
    assert actions == ["create", "start", "add_source", "edit", "submit", "approve"]


def test_stale_version_is_409_with_the_current_version(api_client, reviewer, editor, token_for):
    claim = ClaimFactory()
    workflow.start_claim(claim, by=editor, version=1)

    response = api_client.patch(
        f"/api/v1/claims/{claim.pk}/", {"version": 1, "statement": "Mine."}, **token_for(reviewer)
    )

    assert response.status_code == 409
    assert response.json() == error("stale_version", current_version=2)
    assert response.json()["error"]["message"].startswith(
        "This claim changed after you loaded it (you had version 1; it is now version 2). "
        "Since then: Eddie started research at "
    )
    claim.refresh_from_db()
    assert (claim.statement, claim.version) != ("Mine.", 3)
    stale_transition = api_client.post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"action": "submit", "version": 1},
        **token_for(reviewer),
    )
    assert stale_transition.status_code == 409
    assert stale_transition.json() == error("stale_version", current_version=2)


def test_refusals_map_to_statuses_with_field_errors(api_client, reviewer, editor, token_for):
    auth = token_for(reviewer)
    researching = ResearchingClaimFactory()
    url = f"/api/v1/claims/{researching.pk}/"

    incomplete = api_client.post(url + "transitions/", {"action": "submit", "version": 1}, **auth)
    assert incomplete.status_code == 422
    assert incomplete.json() == error(
        "incomplete",
        "Not ready for review: Choose a rating. Write the one-line verdict. Explain the "
        "verdict. Cite at least one source.",
        {
            "rating": "Choose a rating.",
            "summary": "Write the one-line verdict.",
            "explanation": "Explain the verdict.",
            "sources": "Cite at least one source.",
        },
    )
    wrong_state = api_client.post(url + "transitions/", {"action": "start", "version": 1}, **auth)
    assert wrong_state.status_code == 409
    assert wrong_state.json() == error(
        "invalid_transition", "A claim that is researching cannot be started."
    )
    editor_only = api_client.post(
        url + "transitions/", {"action": "withdraw", "version": 1, "comment": "x"}, **auth
    )
    assert editor_only.status_code == 403
    assert editor_only.json() == error("not_permitted", "Only an editor can withdraw a fact-check.")

    in_review = InReviewClaimFactory(quote_text=OTHER_QUOTE)
    locked = api_client.patch(
        f"/api/v1/claims/{in_review.pk}/", {"version": 1, "summary": "New"}, **auth
    )
    assert locked.status_code == 409
    assert locked.json() == error("locked", workflow.LOCKED_MESSAGES[ClaimStatus.IN_REVIEW])
    reject = api_client.post(
        f"/api/v1/claims/{in_review.pk}/transitions/",
        {"action": "reject", "version": 1, "comment": "  "},
        **token_for(editor),
    )
    assert reject.status_code == 422
    assert reject.json() == error(
        "incomplete",
        "Say what needs to change: the comment goes to the reviewer's notes.",
        {"comment": "A comment is required when sending a claim back."},
    )
    assert ClaimEvent.objects.filter(claim=in_review).count() == 0


def test_reject_sends_back_with_the_comment_in_the_notes(api_client, editor, token_for):
    claim = InReviewClaimFactory()
    response = api_client.post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"action": "reject", "version": 1, "comment": "Check the\r\nseasonal series."},
        **token_for(editor),
    )
    assert (response.status_code, response.json()["status"]) == (200, "researching")
    notes = api_client.get(f"/api/v1/claims/{claim.pk}/notes/", **token_for(editor)).json()
    note = Note.objects.get()
    assert notes == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": note.pk,
                "author": "eddie",
                "body": "Check the\nseasonal series.",
                "created_at": iso(note.created_at),
            }
        ],
    }


def test_correction_through_the_api(api_client, editor, other_editor, token_for):
    claim = PublishedClaimFactory(rating=Rating.MIXED)
    url = f"/api/v1/claims/{claim.pk}/transitions/"
    auth = token_for(editor)

    not_for_approve = api_client.post(
        url, {"action": "withdraw", "version": 1, "comment": "x", "rating": "false"}, **auth
    )
    assert not_for_approve.json() == error(
        "invalid",
        "Some values are not valid: rating: Only a correction changes the verdict this way.",
        {"rating": "Only a correction changes the verdict this way."},
    )
    proposed = api_client.post(
        url,
        {"action": "correct", "version": 1, "comment": "New data.", "rating": "false"},
        **auth,
    )

    # Proposed, not published: readers still see the old verdict.
    proposal = Proposal.objects.get()
    assert (proposed.status_code, proposed["Location"]) == (202, f"{API}/proposals/{proposal.pk}/")
    assert proposed.json() == {
        "id": proposal.pk,
        "api_url": f"{API}/proposals/{proposal.pk}/",
        "kind": "correction",
        "state": "pending",
        "claim": claim.slug,
        "article": None,
        "source": None,
        "values": {"rating": "false"},
        "note": "New data.",
        "based_on_version": 1,
        "proposed_by": "eddie",
        "proposed_at": iso(proposal.proposed_at),
        "decided_by": None,
        "decided_at": None,
        "decision_note": "",
        "can_approve": False,
    }
    public = api_client.get(f"/api/v1/claims/{claim.slug}/").json()
    assert (public["rating"], public["corrections"]) == (rating(Rating.MIXED), [])

    own = api_client.post(f"/api/v1/proposals/{proposal.pk}/approve/", **auth)
    assert own.status_code == 403
    assert own.json() == error(
        "not_permitted",
        "You proposed it, so you cannot approve this correction: everything readers see is "
        "checked by two people. It may be approved by Erin.",
        may_approve=["Erin"],
    )
    approved = api_client.post(
        f"/api/v1/proposals/{proposal.pk}/approve/", **token_for(other_editor)
    )
    assert (approved.status_code, approved.json()["state"], approved.json()["decided_by"]) == (
        200,
        "approved",
        "erin",
    )
    body = api_client.get(f"/api/v1/claims/{claim.slug}/").json()
    assert (body["status"], body["rating"]) == ("published", rating(Rating.FALSE))
    correction = Correction.objects.get()
    assert body["corrections"] == [
        {
            "created_at": iso(correction.created_at),
            "changed_fields": ["rating"],
            "rating_before": "mixed",
            "rating_after": "false",
            "note": "New data.",
            "proposed_by": "Eddie",
            "approved_by": "Erin",
        }
    ]


def test_events_are_the_claims_history(api_client, reviewer, editor, token_for):
    claim = ClaimFactory()
    workflow.start_claim(claim, by=reviewer, version=1)
    workflow.edit_claim(claim, by=reviewer, version=2, changes={"rating": Rating.FALSE})

    response = api_client.get(f"/api/v1/claims/{claim.pk}/events/", **token_for(editor))

    start, edit = ClaimEvent.objects.order_by("id")
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": start.pk,
                "created_at": iso(start.created_at),
                "actor": "rita",
                "action": "start",
                "action_label": "Started research",
                "from_status": "draft",
                "to_status": "researching",
                "rating_before": "",
                "rating_after": "",
                "comment": "",
                "public": False,
                "changes": [],
                "proposal": None,
                "version": 2,
            },
            {
                "id": edit.pk,
                "created_at": iso(edit.created_at),
                "actor": "rita",
                "action": "edit",
                "action_label": "Edited",
                "from_status": "researching",
                "to_status": "researching",
                "rating_before": "",
                "rating_after": "false",
                "comment": "",
                "public": False,
                "changes": [{"field": "rating", "before": "", "after": "false"}],
                "proposal": None,
                "version": 3,
            },
        ],
    }


def test_sources_are_added_edited_and_removed_with_versions(api_client, reviewer, token_for):
    claim = ResearchingClaimFactory()
    auth = token_for(reviewer)

    added = api_client.post(
        f"/api/v1/claims/{claim.pk}/sources/",
        {
            "url": "https://stats.example.org/may",
            "title": "Labour market, May",
            "kind": "official_statement",
            "stance": "refutes",
            "passage": "Rate: 4.3%",
            "accessed_at": "2026-05-01T10:00:00+02:00",
        },
        **auth,
    )
    assert added.status_code == 201
    source = Source.objects.get()
    assert added.json() == {
        "id": source.pk,
        "api_url": f"{API}/sources/{source.pk}/",
        "url": "https://stats.example.org/may",
        "archived_url": "",
        "title": "Labour market, May",
        "publisher": "",
        "kind": "official_statement",
        "stance": "refutes",
        "passage": "Rate: 4.3%",
        "accessed_at": "2026-05-01T08:00:00Z",
        "archive_verified": None,
        "link_status": {
            "state": "unchecked",
            "text": None,
            "checked_at": None,
            "desk": "Not checked yet.",
            "needs_attention": False,
            "failing": False,
        },
        "health": "unknown",
        "last_checked_at": None,
        "last_check": None,
        "archive_checked_at": None,
        "archive_check_detail": "",
        "version": 1,
        "created_at": iso(source.created_at),
        "updated_at": iso(source.updated_at),
    }
    url = f"/api/v1/sources/{source.pk}/"
    edited = api_client.patch(url, {"version": 1, "publisher": "Stats Office"}, **auth)
    assert (edited.json()["publisher"], edited.json()["version"]) == ("Stats Office", 2)
    stale = api_client.patch(url, {"version": 1, "title": "Old"}, **auth)
    assert stale.status_code == 409
    assert stale.json() == error("stale_version", current_version=2)
    no_version = api_client.delete(url, **auth)
    assert no_version.json() == error(
        "invalid",
        "Some values are not valid: version: This field is required.",
        {"version": "This field is required."},
    )
    removed = api_client.delete(url + "?version=2", **auth)
    assert (removed.status_code, removed.content) == (204, b"")
    assert not Source.objects.exists()
    actions = list(ClaimEvent.objects.values_list("action", flat=True).order_by("id"))
    assert actions == ["add_source", "edit_source", "remove_source"]


def test_sources_of_a_published_claim_are_locked(api_client, editor, token_for):
    source = SourceFactory(claim=PublishedClaimFactory())
    response = api_client.patch(
        f"/api/v1/sources/{source.pk}/", {"version": 1, "title": "New"}, **token_for(editor)
    )
    assert response.status_code == 409
    assert response.json() == error(
        "locked",
        "Sources can be changed only while a claim is draft or being researched; this one "
        "is published.",
    )


def test_claim_creation_checks_the_span_like_the_ui(api_client, reviewer, token_for):
    article = ArticleFactory()
    response = api_client.post(
        "/api/v1/claims/",
        {
            "article": article.slug,
            "quote": "unemployment fell",
            "start_offset": 0,
            "end_offset": 17,
            "statement": "S",
            "claimant": "C",
        },
        **token_for(reviewer),
    )
    # Well-formed, but the rules refuse it: the quote is not at those offsets.
    assert response.status_code == 422
    body = response.json()
    assert body == error("invalid", fields={"quote": ANY})
    assert "unemployment fell" in body["error"]["fields"]["quote"]
    assert not Claim.objects.exists()


def test_articles_are_created_and_edited_and_claims_move_with_their_words(
    api_client, reviewer, token_for
):
    """An article no reader can see yet: every edit is saved at once as a revision."""
    auth = token_for(reviewer)
    created = api_client.post(
        "/api/v1/articles/",
        {"title": "Budget day", "body": "The minister said taxes fell.\r\n\r\nThat is all."},
        **auth,
    )
    assert created.status_code == 201
    assert created.json()["body"] == "The minister said taxes fell.\n\nThat is all."
    slug = created.json()["slug"]
    claim = api_client.post(
        "/api/v1/claims/",
        {
            "article": slug,
            "quote": "taxes fell",
            "start_offset": 18,
            "end_offset": 28,
            "statement": "Taxes fell.",
            "claimant": "The minister",
        },
        **auth,
    ).json()

    unversioned = api_client.patch(f"/api/v1/articles/{slug}/", {"body": "X"}, **auth)
    assert unversioned.json() == error("invalid", fields={"version": "This field is required."})
    moved = api_client.patch(
        f"/api/v1/articles/{slug}/",
        {"version": 1, "body": "On Monday, the minister said taxes fell.\n\nThat is all."},
        **auth,
    )
    assert moved.status_code == 200
    assert moved.json()["version"] == 2
    assert moved.json()["claims"] == [
        {
            "id": claim["id"],
            "slug": claim["slug"],
            "api_url": claim["api_url"],
            "status": "draft",
            "quote": "taxes fell",
            "start_offset": 29,
            "end_offset": 39,
            "statement": "Taxes fell.",
            "rating": "",
            "version": 1,
        }
    ]
    lost = api_client.patch(f"/api/v1/articles/{slug}/", {"version": 2, "body": "Nothing."}, **auth)
    assert lost.status_code == 422
    assert lost.json() == error(
        "invalid",
        fields={
            "body": "This edit removes words that claims quote: “taxes fell”. Keep those "
            "words: a claim always quotes the article's text exactly."
        },
    )
    stale = api_client.patch(f"/api/v1/articles/{slug}/", {"version": 1, "title": "T"}, **auth)
    assert stale.status_code == 409
    assert stale.json() == error("stale_version", current_version=2)
    revisions = api_client.get(f"/api/v1/articles/{slug}/revisions/", **auth).json()
    assert [(r["number"], r["actor"], r["changed_fields"]) for r in revisions["results"]] == [
        (1, "rita", ["title", "standfirst", "author", "outlet", "url", "published_at",
                     "language", "body"]),
        (2, "rita", ["body"]),
    ]  # fmt: skip
    assert revisions["results"][0]["body"] == "The minister said taxes fell.\n\nThat is all."
    moved_event = ClaimEvent.objects.get(action="article_edit")
    assert moved_event.changes == [
        {
            "field": "span",
            "before": {
                "quote": "taxes fell",
                "start": 18,
                "end": 28,
                "prefix": "The minister said ",
                "suffix": ".\n\nThat is all.",
            },
            "after": {
                "quote": "taxes fell",
                "start": 29,
                "end": 39,
                "prefix": "On Monday, the minister said ",
                "suffix": ".\n\nThat is all.",
            },
        }
    ]


# --- Filters, ordering, paging --------------------------------------------------------------


def test_reviewer_filters_by_status_rating_article_tag_text_and_time(
    api_client, reviewer, token_for
):
    article = ArticleFactory()
    draft = ClaimFactory(article=article, statement="Inflation halved")
    false = PublishedClaimFactory(rating=Rating.FALSE, quote_text=OTHER_QUOTE)
    false.tags.create(name="Prices")
    Claim.objects.filter(pk=draft.pk).update(updated_at="2020-01-01T00:00:00Z")
    auth = token_for(reviewer)

    def slugs(**query):
        response = api_client.get("/api/v1/claims/", query, **auth)
        assert response.status_code == 200, response.json()
        return [claim["slug"] for claim in response.json()["results"]]

    assert slugs(status="draft") == [draft.slug]
    assert slugs(rating="false") == [false.slug]
    assert slugs(article=article.slug) == [draft.slug]
    assert slugs(tag="prices") == [false.slug]
    assert slugs(q="inflation") == [draft.slug]
    assert slugs(updated_since="2021-01-01T00:00:00") == [false.slug]
    assert slugs(ordering="updated_at") == [draft.slug, false.slug]
    assert slugs(ordering="-updated_at") == [false.slug, draft.slug]
    assert slugs(ordering="statement") == slugs()  # not allow-listed: ignored


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"status": "secret"}, {"status": ANY}),
        ({"rating": "great"}, {"rating": ANY}),
        ({"updated_since": "yesterday"}, {"updated_since": "Enter a valid date/time."}),
        ({"updated_since": "0001-01-01T00:00:00+05:00"}, {"updated_since": ANY}),
        ({"q": "x\x00y"}, {"q": "Null characters are not allowed."}),
    ],
)
def test_bad_filter_values_are_400_not_500(api_client, query, fields):
    response = api_client.get("/api/v1/claims/", query)
    assert response.status_code == 400
    assert response.json() == error("invalid", fields=fields)


def test_lists_are_always_paginated_up_to_the_maximum_page_size(api_client, settings):
    settings.API_PAGE_SIZE = 2
    settings.API_MAX_PAGE_SIZE = 3
    article = ArticleFactory()
    for _ in range(4):
        PublishedClaimFactory(article=article)

    first = api_client.get("/api/v1/claims/").json()
    huge = api_client.get("/api/v1/claims/", {"page_size": 10**30}).json()

    assert (first["count"], len(first["results"])) == (4, 2)
    assert first["next"] == f"{API}/claims/?page=2"
    assert len(huge["results"]) == 3
    beyond = api_client.get("/api/v1/claims/", {"page": 99})
    assert beyond.status_code == 404
    assert beyond.json() == error("not_found", "Invalid page.")


# --- Bad input never causes a 500 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "status", "expected"),
    [
        ("{bad", "application/json", 400, error("parse_error")),
        ("[" * 100_000, "application/json", 400, error("parse_error")),
        ("NaN", "application/json", 400, error("parse_error")),
        ("action=start", "application/x-www-form-urlencoded", 415, error("unsupported_media_type")),
        ("{}", "application/json; charset=bz2_codec", 400, error("parse_error")),
        (
            '{"action": "fly", "version": 1}',
            "application/json",
            400,
            error("invalid", fields={"action": '"fly" is not a valid choice.'}),
        ),
        (
            '{"action": "start", "version": 1e400}',
            "application/json",
            400,
            error("invalid", fields={"version": "A valid integer is required."}),
        ),
        (
            '{"action": "start", "version": 99999999999999999999999999}',
            "application/json",
            400,
            error(
                "invalid",
                fields={"version": "Ensure this value is less than or equal to 2147483647."},
            ),
        ),
        (
            '{"action": ["start"], "version": "one", "comment": {"a": 1}}',
            "application/json",
            400,
            error(
                "invalid",
                fields={
                    "action": ANY,
                    "version": "A valid integer is required.",
                    "comment": "Not a valid string.",
                },
            ),
        ),
        ('"just a string"', "application/json", 400, error("invalid", fields=ANY)),
    ],
)
def test_bad_input_is_a_4xx_with_the_error_shape(
    api_client, reviewer, token_for, body, content_type, status, expected
):
    claim = ClaimFactory()
    response = api_client.generic(
        "POST",
        f"/api/v1/claims/{claim.pk}/transitions/",
        body,
        content_type=content_type,
        **token_for(reviewer),
    )
    assert response.status_code == status
    assert response.json() == expected
    claim.refresh_from_db()
    assert claim.version == 1


def test_too_large_body_is_413(api_client, reviewer, token_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_client.generic(
        "POST",
        "/api/v1/articles/",
        json.dumps({"title": "T", "body": "x" * 2000}),
        content_type="application/json",
        **token_for(reviewer),
    )
    assert response.status_code == 413
    assert response.json() == error("too_large", "The request body is too large.")


def test_unknown_paths_and_methods_get_the_error_shape(api_client, reviewer, token_for):
    missing = api_client.get("/api/v1/nowhere/\nat/all")
    assert (missing.status_code, missing.json()) == (404, error("not_found", "Not found."))
    claim = ClaimFactory()
    put = api_client.put(f"/api/v1/claims/{claim.pk}/", {}, **token_for(reviewer))
    assert (put.status_code, put.json()) == (
        405,
        error("method_not_allowed", 'Method "PUT" not allowed.'),
    )
    huge_id = api_client.get("/api/v1/sources/99999999999999999999999/", **token_for(reviewer))
    assert (huge_id.status_code, huge_id.json()) == (404, error("not_found", "Not found."))


# --- Throttling --------------------------------------------------------------------------------


@pytest.fixture
def throttled(settings, monkeypatch):
    """Low rates, counted in a fresh cache so no other test's requests count."""
    from django.core.cache.backends.locmem import LocMemCache
    from rest_framework.throttling import SimpleRateThrottle

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "3/minute"},
    }
    fresh = LocMemCache(f"throttle-test-{uuid.uuid4()}", {})
    monkeypatch.setattr(SimpleRateThrottle, "cache", fresh)


def test_anonymous_clients_are_throttled(throttled):
    client = Client()
    statuses = [client.get("/api/v1/ratings/").status_code for _ in range(3)]
    response = client.get("/api/v1/ratings/")
    assert statuses == [200, 200, 429]
    assert response.json() == error("throttled")
    assert response.json()["error"]["message"].startswith("Request was throttled.")
    assert 0 < int(response["Retry-After"]) <= 60
    # Another address has its own budget.
    assert client.get("/api/v1/ratings/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_signed_in_clients_have_their_own_budget(throttled, reviewer, token_for):
    client = Client()
    auth = token_for(reviewer)
    statuses = [client.get("/api/v1/ratings/", **auth).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_spoofed_forwarded_for_does_not_reset_the_anonymous_budget(throttled):
    client = Client()
    statuses = [
        client.get("/api/v1/ratings/", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_throttles_count_in_the_shared_default_cache(settings):
    from django.core.cache import cache

    from claims.api.permissions import AnonThrottle, UserThrottle

    assert AnonThrottle.cache is cache
    assert UserThrottle.cache is cache
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "anon": settings.API_THROTTLE_ANON,
        "user": settings.API_THROTTLE_USER,
    }


# --- A constant number of queries ------------------------------------------------------------


def _published(article, n: int, editor) -> None:
    for _ in range(n):
        claim = PublishedClaimFactory(article=article, quote_text=OTHER_QUOTE)
        claim.tags.create(name=f"tag-{claim.pk}")
        SourceFactory(claim=claim)
        publish_correction(claim, by=editor, note="N", summary="S")


@pytest.mark.parametrize("n", [1, 12])
def test_claim_list_runs_a_constant_number_of_queries(
    api_client, django_assert_num_queries, editor, token_for, n
):
    article = ArticleFactory()
    _published(article, n, editor)
    ClaimFactory(article=article)
    auth = token_for(editor)
    # count, claims, tags, sources, corrections (+event, proposal, proposer), the events
    # naming who researched and approved
    with django_assert_num_queries(6):
        assert len(api_client.get("/api/v1/claims/").json()["results"]) == n
    # ... plus the key, the user's keys (knox sweeps expired ones), the user's groups, who
    # contributed, the pending proposals
    with django_assert_num_queries(11):
        assert len(api_client.get("/api/v1/claims/", **auth).json()["results"]) == n + 1


@pytest.mark.parametrize("n", [1, 12])
def test_article_and_claim_details_run_a_constant_number_of_queries(
    api_client, django_assert_num_queries, editor, n
):
    article = ArticleFactory()
    _published(article, n, editor)
    claim = Claim.objects.filter(article=article).first()
    with django_assert_num_queries(2):  # the article, its published claims
        assert len(api_client.get(f"/api/v1/articles/{article.slug}/").json()["claims"]) == n
    # the claim, tags, sources, corrections, the events naming who researched and approved
    with django_assert_num_queries(5):
        assert api_client.get(f"/api/v1/claims/{claim.slug}/").status_code == 200

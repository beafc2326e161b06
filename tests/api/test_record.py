"""The record through the API: proposals, re-checks, previous versions, article revisions
and previews."""

import pytest

from claims import approvals, editing, proposals
from claims.enums import Rating
from claims.models import Article, ClaimEvent, Proposal
from tests.factories import BODY, PublishedClaimFactory, SourceFactory, user_with_role

pytestmark = pytest.mark.django_db

API = "https://factcheck.example.org/api/v1"  # SITE_URL in tests/settings.py


def test_proposals_are_listed_filtered_and_cancelled(api_client, editor, other_editor, token_for):
    claim = PublishedClaimFactory()
    mine = proposals.propose_withdrawal(claim, by=editor, version=1, reason="Misquoted.")
    theirs = proposals.propose_correction(
        claim, by=other_editor, version=1, note="N.", summary="New."
    )
    auth = token_for(editor)

    def ids(**query):
        response = api_client.get("/api/v1/proposals/", query, **auth)
        assert response.status_code == 200
        return [p["id"] for p in response.json()["results"]]

    assert ids() == [theirs.pk, mine.pk]
    assert ids(awaiting="me") == [theirs.pk]
    assert ids(kind="withdrawal") == [mine.pk]
    assert ids(claim=claim.slug, state="pending") == [theirs.pk, mine.pk]
    assert [
        p["can_approve"] for p in api_client.get("/api/v1/proposals/", **auth).json()["results"]
    ] == [True, False]

    cancelled = api_client.post(
        f"/api/v1/proposals/{mine.pk}/cancel/", {"reason": "Not needed."}, format="json", **auth
    )
    assert (
        cancelled.status_code,
        cancelled.json()["state"],
        cancelled.json()["decision_note"],
    ) == (
        200,
        "cancelled",
        "Not needed.",
    )
    assert ids(state="pending") == [theirs.pk]


def test_proposals_are_for_reviewers_only(api_client, outsider, token_for):
    assert api_client.get("/api/v1/proposals/").status_code == 401
    assert api_client.get("/api/v1/proposals/", **token_for(outsider)).status_code == 403


def test_a_proposal_is_created_through_the_proposals_resource(api_client, editor, token_for):
    claim = PublishedClaimFactory(rating=Rating.MIXED)
    response = api_client.post(
        "/api/v1/proposals/",
        {"kind": "correction", "claim": claim.slug, "version": 1, "note": "N.", "rating": "false"},
        format="json",
        **token_for(editor),
    )
    proposal = Proposal.objects.get()
    assert (response.status_code, response["Location"]) == (201, f"{API}/proposals/{proposal.pk}/")
    assert (proposal.values, proposal.note) == ({"rating": "false"}, "N.")
    again = api_client.post(
        "/api/v1/proposals/",
        {
            "kind": "correction",
            "claim": claim.slug,
            "version": 1,
            "note": "M.",
            "rating": "accurate",
        },
        format="json",
        **token_for(editor),
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"
    withdrawal_with_a_verdict = api_client.post(
        "/api/v1/proposals/",
        {"kind": "withdrawal", "claim": claim.slug, "version": 1, "note": "R.", "rating": "false"},
        format="json",
        **token_for(editor),
    )
    assert withdrawal_with_a_verdict.status_code == 400


def test_reaffirm_through_the_api(api_client, editor, token_for):
    claim = PublishedClaimFactory()
    response = api_client.post(
        f"/api/v1/claims/{claim.slug}/reaffirm/",
        {"version": 1, "note": "Re-checked the yearbook."},
        format="json",
        **token_for(editor),
    )
    assert (response.status_code, response.json()["version"]) == (200, 1)
    public = api_client.get(f"/api/v1/claims/{claim.slug}/").json()
    event = ClaimEvent.objects.get(action="reaffirm")
    assert public["evidence_rechecked"] == {
        "rechecked_at": event.created_at.isoformat().replace("+00:00", "Z"),
        "note": "Re-checked the yearbook.",
    }


def test_previous_versions_of_a_corrected_verdict(api_client, editor, other_editor):
    claim = PublishedClaimFactory(rating=Rating.MIXED, summary="Partly.")
    ClaimEvent.objects.create(
        claim=claim, actor=other_editor, action="approve", from_status="in_review",
        to_status="published", version=1,
    )  # fmt: skip
    proposal = proposals.propose_correction(
        claim, by=editor, version=1, note="Revised.", rating=Rating.FALSE
    )
    approvals.approve_proposal(proposal, by=other_editor)

    body = api_client.get(f"/api/v1/claims/{claim.slug}/versions/").json()

    assert [
        (v["number"], v["action"], v["rating"], v["summary"], v["changed"], v["note"]) for v in body
    ] == [
        (1, "approve", "mixed", "Partly.", [], ""),
        (2, "correct", "false", "Partly.", ["rating"], "Revised."),
    ]
    assert api_client.get("/api/v1/claims/no-such-claim/versions/").status_code == 404


def test_an_article_edit_is_previewed_then_proposed_with_its_version(
    api_client, reviewer, editor, token_for
):
    claim = PublishedClaimFactory()
    SourceFactory(claim=claim)
    article = claim.article
    auth = token_for(reviewer)
    preview = api_client.post(
        f"/api/v1/articles/{article.slug}/preview/",
        {"body": "On Monday, " + BODY},
        format="json",
        **auth,
    )
    assert preview.json() == {
        "changed": ["body"],
        "needs_approval": True,
        "moves": [
            {
                "claim": claim.pk,
                "status": "published",
                "start_offset_before": 18,
                "end_offset_before": 60,
                "start_offset_after": 29,
                "end_offset_after": 71,
            }
        ],
        "refused": [],
        "problems": {},
    }
    broken = api_client.post(
        f"/api/v1/articles/{article.slug}/preview/", {"body": "Nothing."}, format="json", **auth
    ).json()
    assert (broken["refused"], list(broken["problems"])) == ([claim.pk], ["body"])

    proposed = api_client.patch(
        f"/api/v1/articles/{article.slug}/",
        {"version": 1, "body": "On Monday, " + BODY, "comment": "The outlet added a dateline."},
        format="json",
        **auth,
    )
    proposal = Proposal.objects.get()
    assert (proposed.status_code, proposed.json()["kind"], proposed.json()["article"]) == (
        202,
        "article_edit",
        article.slug,
    )
    assert Article.objects.get().version == 1
    approved = api_client.post(f"/api/v1/proposals/{proposal.pk}/approve/", **token_for(editor))
    assert approved.status_code == 200
    revisions = api_client.get(f"/api/v1/articles/{article.slug}/revisions/", **auth).json()
    assert [(r["number"], r["actor"], r["approved_by"]) for r in revisions["results"]] == [
        (2, "rita", "eddie")
    ]  # the factory's article has no revision 1: it predates the record


def test_article_revision_one_is_the_article_as_created(api_client, reviewer, token_for):
    article = editing.create_article(by=user_with_role("rita", "Reviewers"), title="T", body=BODY)
    body = api_client.get(
        f"/api/v1/articles/{article.slug}/revisions/", **token_for(reviewer)
    ).json()
    assert [(r["number"], r["body"], r["changed_fields"][:2]) for r in body["results"]] == [
        (1, BODY, ["title", "standfirst"])
    ]

"""No way around the rules through the admin: a staff user with every model permission but
no role group can change nothing, and every change that is allowed writes its record."""

from datetime import UTC, datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from claims import editing, proposals
from claims.enums import Action, ClaimStatus
from claims.models import Article, ArticleRevision, Claim, ClaimEvent, Proposal, Source, Tag
from tests.factories import (
    BODY,
    ArticleFactory,
    InReviewClaimFactory,
    PublishedClaimFactory,
    SourceFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def staff(username: str, group: str | None = None):
    user = user_with_role(username, group, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="claims"))
    return user


@pytest.fixture
def stan(client):
    """Staff with every permission on the app's models, in no role group."""
    user = staff("stan")
    client.force_login(user)
    return user


def _url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def article_form(article, **overrides) -> dict:
    data = {
        "based_on_version": str(article.version),
        "title": article.title,
        "standfirst": article.standfirst,
        "author": article.author,
        "outlet": article.outlet,
        "url": article.url,
        "published_at_0": f"{article.published_at:%Y-%m-%d}" if article.published_at else "",
        "published_at_1": f"{article.published_at:%H:%M:%S}" if article.published_at else "",
        "language": "en",
        "body": article.body,
    }
    for prefix in ("claims", "proposals", "revisions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_staff_without_a_role_cannot_change_article_text(client, stan):
    claim = PublishedClaimFactory()
    article = claim.article
    page = client.get(_url(Article, "change", article.pk))
    assert (page.status_code, 'name="_save"' in page.content.decode()) == (200, False)
    response = client.post(
        _url(Article, "change", article.pk), article_form(article, body="Yesterday " + BODY)
    )
    assert response.status_code == 403
    assert client.get(_url(Article, "add")).status_code == 403
    assert (Article.objects.get().body, ArticleRevision.objects.count()) == (article.body, 0)
    assert Proposal.objects.count() == 0


def test_staff_without_a_role_cannot_rename_or_delete_tags(client, stan):
    claim = PublishedClaimFactory()
    tag = claim.tags.create(name="Labour market")
    unused = Tag.objects.create(name="Unused")
    assert client.post(_url(Tag, "change", tag.pk), {"name": "Jobs"}).status_code == 403
    assert client.post(_url(Tag, "delete", unused.pk), {"post": "yes"}).status_code == 403
    assert client.post(_url(Tag, "add"), {"name": "New"}).status_code == 403
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Labour market", "Unused"]
    assert ClaimEvent.objects.count() == 0


def test_staff_without_a_role_cannot_change_claims_or_sources(client, stan):
    claim = InReviewClaimFactory()
    source = SourceFactory(claim=claim)
    assert client.post(_url(Claim, "change", claim.pk), {"summary": "X"}).status_code == 403
    assert client.post(_url(Source, "change", source.pk), {"title": "X"}).status_code == 403
    response = client.post(
        _url(Claim, "changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [claim.pk]},
        follow=True,
    )
    assert _messages(response) == [f"“{claim}”: Only an editor can approve a claim."]
    withdraw = client.post(
        _url(Claim, "changelist"),
        {
            "action": "withdraw",
            ACTION_CHECKBOX_NAME: [claim.pk],
            "apply": "yes",
            "comment": "No.",
            f"version-{claim.pk}": claim.version,
        },
        follow=True,
    )
    assert _messages(withdraw) == [f"“{claim}”: Only an editor can withdraw a fact-check."]
    assert (Claim.objects.get().status, ClaimEvent.objects.count()) == (ClaimStatus.IN_REVIEW, 0)


def test_staff_without_a_role_cannot_decide_proposals(client, stan, editor):
    claim = PublishedClaimFactory()
    proposal = proposals.propose_withdrawal(claim, by=editor, version=1, reason="Misquoted.")
    for action, message in (
        ("approve", "Only an editor can approve a withdrawal."),
        ("cancel", "Only a reviewer or an editor can cancel proposals."),
    ):
        response = client.post(
            _url(Proposal, "changelist"),
            {"action": action, ACTION_CHECKBOX_NAME: [proposal.pk]},
            follow=True,
        )
        assert _messages(response) == [f"{proposal}: {message}"]
    assert (Proposal.objects.get().state, Claim.objects.get().status) == (
        "pending",
        ClaimStatus.PUBLISHED,
    )


def test_a_reviewer_in_the_admin_edits_an_unpublished_article_as_a_revision(client):
    rita = staff("rita", "Reviewers")
    client.force_login(rita)
    article = editing.create_article(by=rita, title="Budget", body=BODY)
    response = client.post(
        _url(Article, "change", article.pk), article_form(article, title="Budget day")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    revision = article.revisions.get(number=2)
    assert (article.title, revision.actor, revision.changed_fields) == (
        "Budget day",
        rita,
        ["title"],
    )


def test_an_edit_of_a_public_article_in_the_admin_is_a_proposal(client):
    rita = staff("rita", "Reviewers")
    client.force_login(rita)
    article = ArticleFactory(published_at=datetime(2026, 1, 1, 10, tzinfo=UTC))
    PublishedClaimFactory(article=article)
    response = client.post(
        _url(Article, "change", article.pk),
        article_form(article, title="Another headline", comment="The outlet changed it."),
        follow=True,
    )
    assert _messages(response) == [
        "Edit proposed: readers see the current revision until an editor who did not make it "
        "approves (Proposals)."
    ]
    assert Article.objects.get().title == article.title
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.values, proposal.note) == (
        "article_edit",
        {"title": "Another headline"},
        "The outlet changed it.",
    )


def test_an_editor_renames_a_tag_in_the_admin_and_every_claim_carrying_it_records_it(client):
    eddie = staff("eddie", "Editors")
    client.force_login(eddie)
    first = PublishedClaimFactory()
    second = PublishedClaimFactory(quote_text="wages had not kept up with prices")
    tag = Tag.objects.create(name="Labour market")
    for claim in (first, second):
        claim.tags.add(tag, Tag.objects.get_or_create(name="Economy")[0])

    response = client.post(_url(Tag, "change", tag.pk), {"name": "Jobs"}, follow=True)

    assert _messages(response) == [
        f'The tag “<a href="{_url(Tag, "change", tag.pk)}">Jobs</a>” was changed successfully.'
    ]
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Jobs", "labour-market")  # the public URL stays
    renames = ClaimEvent.objects.filter(action=Action.RENAME_TAG).order_by("claim_id")
    assert [(e.claim_id, e.actor, e.changes) for e in renames] == [
        (
            claim.pk,
            eddie,
            [
                {
                    "field": "tags",
                    "before": ["Economy", "Labour market"],
                    "after": ["Economy", "Jobs"],
                }
            ],
        )
        for claim in (first, second)
    ]
    taken = client.post(_url(Tag, "change", tag.pk), {"name": "Economy"}, follow=True)
    assert _messages(taken) == ["Another tag has this name."]
    assert Tag.objects.get(pk=tag.pk).name == "Jobs"


def test_a_reviewer_adds_tags_but_only_an_editor_renames(client):
    rita = staff("rita", "Reviewers")
    client.force_login(rita)
    assert client.post(_url(Tag, "add"), {"name": "Housing"}).status_code == 302
    tag = Tag.objects.get()
    assert client.post(_url(Tag, "change", tag.pk), {"name": "Homes"}).status_code == 403
    assert Tag.objects.get().name == "Housing"


def test_a_reviewer_adds_an_article_in_the_admin_as_revision_one(client):
    rita = staff("rita", "Reviewers")
    client.force_login(rita)
    data = {
        "title": "Budget day",
        "standfirst": "",
        "author": "",
        "outlet": "The Daily Test",
        "url": "",
        "published_at_0": "",
        "published_at_1": "",
        "language": "en",
        "body": "The minister said taxes fell.\r\n\r\nThat is all.",
        "comment": "",
    }
    for prefix in ("claims", "proposals", "revisions"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(_url(Article, "add"), data)
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(Article, "changelist")
    assert (article.body, article.version) == ("The minister said taxes fell.\n\nThat is all.", 1)
    revision = article.revisions.get()
    assert (revision.number, revision.actor, revision.body) == (1, rita, article.body)

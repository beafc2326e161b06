"""Editing an article in the reviewer UI: paste the new text, preview which claims move and
which the edit would break, save it as a revision — or propose it, when readers see it."""

import re

import pytest
from django.urls import reverse

from claims import editing
from claims.models import Article, ClaimEvent, Proposal
from tests.factories import BODY, PublishedClaimFactory, ResearchingClaimFactory
from tests.views.pages import shown_messages

pytestmark = pytest.mark.django_db


def edit_url(article) -> str:
    return reverse("claims:review_article_edit", args=[article.slug])


def form(article, **overrides) -> dict:
    data = {
        "title": article.title,
        "standfirst": article.standfirst,
        "author": article.author,
        "outlet": article.outlet,
        "url": article.url,
        "published_at": "",
        "language": article.language,
        "body": article.body,
        "version": article.version,
        "comment": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def unpublished(reviewer):
    article = editing.create_article(by=reviewer, title="Budget day", body=BODY)
    claim = ResearchingClaimFactory(article=article)
    return article, claim


def test_the_preview_shows_which_claims_move_and_saves_nothing(client, reviewer, unpublished):
    article, _ = unpublished
    client.force_login(reviewer)
    response = client.post(edit_url(article), form(article, body="On Monday, " + BODY, preview="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What this edit does" in page
    moves = re.findall(r"characters (\d+)–(\d+) → (\d+)–(\d+)", page)
    assert moves == [("18", "60", "29", "71")]
    assert "<ins>On Monday, </ins>" in page
    assert (Article.objects.get().version, ClaimEvent.objects.count()) == (1, 0)


def test_the_preview_names_the_claims_an_edit_would_break(client, reviewer, unpublished):
    article, claim = unpublished
    client.force_login(reviewer)
    response = client.post(
        edit_url(article), form(article, body=BODY.replace("4.2 percent", "4 percent"), preview=1)
    )
    page = response.content.decode()
    assert "This edit is refused: it removes words that claims quote." in page
    assert f'href="{reverse("claims:review_claim", args=[claim.pk])}"' in page
    saved = client.post(edit_url(article), form(article, body="Nothing left."))
    assert saved.status_code == 422
    assert shown_messages(saved) == [
        (
            "error",
            "This edit removes words that claims quote: “unemployment fell to 4.2 percent "
            "last year”. Keep those words: a claim always quotes the article's text exactly.",
        )
    ]
    assert Article.objects.get().body == BODY


def test_saving_an_unpublished_article_makes_a_revision_and_moves_claims(
    client, reviewer, unpublished
):
    article, claim = unpublished
    client.force_login(reviewer)
    response = client.post(edit_url(article), form(article, body="On Monday, " + BODY), follow=True)
    assert shown_messages(response) == [("success", "Saved as revision 2.")]
    claim.refresh_from_db()
    assert (claim.start_offset, claim.end_offset) == (29, 71)
    event = ClaimEvent.objects.get()
    assert (event.action, event.actor, event.changes[0]["field"]) == (
        "article_edit",
        reviewer,
        "span",
    )
    page = response.content.decode()
    revision_url = reverse("claims:review_article_revision", args=[article.slug, 2])
    assert f'<a href="{revision_url}">Revision 2</a>' in page
    revision = client.get(revision_url).content.decode()
    assert "What changed since revision 1" in revision
    assert "<ins>On Monday, </ins>" in revision


def test_a_stale_edit_is_refused(client, reviewer, editor, unpublished):
    article, _ = unpublished
    editing.update_article(article, by=editor, version=1, fields={"title": "Theirs"})
    client.force_login(reviewer)
    response = client.post(edit_url(article), form(article, title="Mine", version=1))
    assert response.status_code == 409
    [(level, text)] = shown_messages(response)
    assert level == "error"
    assert text.startswith(
        "This article changed after you loaded it (you had version 1; it is now version 2 "
        "(revision 2 by Eddie))."
    )
    assert Article.objects.get().title == "Theirs"


def test_an_edit_of_an_article_readers_see_is_proposed_then_approved(client, reviewer, editor):
    claim = PublishedClaimFactory()
    article = claim.article
    client.force_login(reviewer)
    page = client.get(edit_url(article)).content.decode()
    assert "Propose this edit" in page
    response = client.post(
        edit_url(article),
        form(article, title="A new headline", comment="The outlet changed it."),
        follow=True,
    )
    assert shown_messages(response) == [
        (
            "success",
            "Edit proposed: readers see the current revision until an editor who did not make "
            "it approves.",
        )
    ]
    assert Article.objects.get().title == article.title
    proposal = Proposal.objects.get()
    page = response.content.decode()
    assert 'Edits waiting for a second editor <span class="count">(1)</span>' in page
    assert "<del>" + article.title + "</del> → <ins>A new headline</ins>" in page

    client.force_login(editor)
    approved = client.post(
        reverse("claims:review_proposal_approve", args=[proposal.pk]), follow=True
    )
    assert shown_messages(approved) == [
        ("success", "Article edit approved: readers now see the new revision.")
    ]
    article.refresh_from_db()
    assert (article.title, article.revisions.get(number=2).approved_by) == (
        "A new headline",
        editor,
    )

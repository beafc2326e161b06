"""The dashboard's sections and its query count."""

import re

import pytest
from django.urls import reverse

from claims import editing, proposals, workflow
from claims.enums import Action, SourceHealth
from tests.factories import (
    BODY,
    ArticleFactory,
    ClaimFactory,
    InReviewClaimFactory,
    PublishedClaimFactory,
    ResearchingClaimFactory,
    SourceFactory,
    WithdrawnClaimFactory,
)
from tests.views.pages import QUOTE, dashboard_sections

pytestmark = pytest.mark.django_db


# --- Dashboard ----------------------------------------------------------------------------


def test_dashboard_sorts_claims_into_sections(client, reviewer, editor, other_editor):
    article = ArticleFactory()
    mine = editing.create_claim(
        article,
        by=reviewer,
        quote=QUOTE,
        start_offset=BODY.index(QUOTE),
        end_offset=BODY.index(QUOTE) + len(QUOTE),
        statement="Mine",
        claimant="The minister",
    )
    someone_elses = ResearchingClaimFactory(article=article)
    by_editor = InReviewClaimFactory(article=article, submitted_by=editor)
    by_reviewer = InReviewClaimFactory(article=article, submitted_by=reviewer)
    imported = InReviewClaimFactory(article=article)  # no submitter recorded
    sourced = PublishedClaimFactory(article=article)
    SourceFactory(claim=sourced)
    unsourced = PublishedClaimFactory(article=article)
    WithdrawnClaimFactory(article=article)

    client.force_login(reviewer)
    response = client.get(reverse("claims:review_dashboard"))
    assert dashboard_sections(response) == {
        "mine": (1, [mine.pk]),
        "desk": (1, [someone_elses.pk]),
        "review": (3, [by_editor.pk, by_reviewer.pk, imported.pk]),
        "proposals": (0, []),
        "published": (2, [unsourced.pk, sourced.pk]),
        "attention": (1, [unsourced.pk]),
        "failing": (0, []),
    }
    headings = re.findall(r"<h2 id=\"\w+-heading\">(.*?) <span", response.content.decode())
    assert headings == [
        "Assigned to me",
        "Sent back to me",
        "Overdue",
        "My drafts and research",
        "Other drafts and research on the desk",
        "Awaiting review by an editor",
        "Proposals awaiting a second editor",
        "Recently published",
        "Needs attention",
        "Links failing, not yet dead",
    ]

    client.force_login(editor)
    response = client.get(reverse("claims:review_dashboard"))
    sections = dashboard_sections(response)
    # An editor's queue leaves out what they contributed to: someone else must approve it.
    assert sections["review"] == (2, [by_reviewer.pk, imported.pk])
    assert sections["mine"] == (0, [])
    assert sections["desk"] == (2, [someone_elses.pk, mine.pk])
    assert "1 claim you contributed to is waiting for another editor." in response.content.decode()

    client.force_login(other_editor)
    response = client.get(reverse("claims:review_dashboard"))
    assert dashboard_sections(response)["review"] == (
        3,
        [by_editor.pk, by_reviewer.pk, imported.pk],
    )


def _fill_every_section(n: int, reviewer, editor) -> None:
    article = ArticleFactory()
    for _ in range(n):
        mine = ResearchingClaimFactory(article=article)
        workflow.record_event(mine, by=reviewer, action=Action.CREATE, version=1)
        ClaimFactory(article=article)
        InReviewClaimFactory(article=article, submitted_by=editor)
        published = PublishedClaimFactory(article=article, approved_by=editor)
        proposals.propose_withdrawal(published, by=editor, version=1, reason="Gone.")
        # A dead source (needs attention) and a failing one (not yet dead).
        SourceFactory(claim=published, health=SourceHealth.DEAD)
        SourceFactory(claim=published, health=SourceHealth.FAILING)


def test_dashboard_query_count_does_not_grow(
    client, reviewer, editor, other_editor, django_assert_num_queries
):
    client.force_login(other_editor)
    url = reverse("claims:review_dashboard")
    _fill_every_section(1, reviewer, editor)
    # session, user, groups, the counts, the proposals' count, the ones awaiting me, seven
    # lists (the last two with their problem sources), live workers; the desk's
    # coordination: its counts, four lists (an editor's), readers' reports awaiting
    with django_assert_num_queries(22):
        response = client.get(url)
    counts = [section["count"] for section in response.context["sections"]]
    assert counts == [0, 2, 1, 1, 1, 1, 1]
    _fill_every_section(29, reviewer, editor)
    with django_assert_num_queries(22):
        response = client.get(url)
    counts = [section["count"] for section in response.context["sections"]]
    assert counts == [0, 60, 30, 30, 30, 30, 30]
    assert [
        len(section.get("claims", section.get("proposals")))
        for section in response.context["sections"]
    ] == [0, 20, 20, 20, 20, 20, 20]

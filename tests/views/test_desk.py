"""The desk's coordination in the reviewer UI: the dashboard's personal sections (assigned
to me, sent back to me with the editor's comment, waiting for my approval, overdue) and
the claim editor's assignment box."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import assignment, workflow
from claims.enums import Action
from claims.models import ClaimEvent
from tests.factories import (
    ArticleFactory,
    InReviewClaimFactory,
    PublishedClaimFactory,
    ResearchingClaimFactory,
    SourceFactory,
)
from tests.views.pages import claim_url, complete_claim, error_summary, shown_messages

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("claims:review_dashboard")
TODAY = timezone.localdate()


def desk_sections(response) -> dict:
    return {
        section["id"]: (section["count"], [claim.pk for claim in section["claims"]])
        for section in response.context["coordination"]
    }


def _sent_back(claim, *, by_editor, reviewer, comment):
    workflow.submit_claim(claim, by=reviewer, version=claim.version)
    claim.refresh_from_db()
    workflow.reject_claim(claim, by=by_editor, version=claim.version, comment=comment)
    claim.refresh_from_db()
    return claim


def test_dashboard_sections_for_a_reviewer(client, reviewer, editor):
    article = ArticleFactory()
    soon = ResearchingClaimFactory(article=article, assignee=reviewer, due_date=TODAY)
    later = ResearchingClaimFactory(
        article=article, assignee=reviewer, due_date=TODAY + datetime.timedelta(days=5)
    )
    undated = ResearchingClaimFactory(article=article, assignee=reviewer)
    late = ResearchingClaimFactory(
        article=article, assignee=editor, due_date=TODAY - datetime.timedelta(days=1)
    )
    PublishedClaimFactory(
        article=article, assignee=reviewer, due_date=TODAY - datetime.timedelta(9)
    )
    returned = _sent_back(
        complete_claim(article=article),
        by_editor=editor,
        reviewer=reviewer,
        comment="The 2022 figure is revised: use the March release.",
    )
    # Sent back, but submitted by someone else and not assigned to me: not mine.
    _sent_back(complete_claim(article=article), by_editor=editor, reviewer=editor, comment="x")

    client.force_login(reviewer)
    response = client.get(DASHBOARD)

    assert desk_sections(response) == {
        "assigned": (3, [soon.pk, later.pk, undated.pk]),
        "sent_back": (1, [returned.pk]),
        "overdue": (1, [late.pk]),
    }
    html = response.content.decode()
    # The editor's comment is on top of the claim it sent back, with who and when.
    row = re.search(r'<section[^>]*id="sent_back".*?</section>', html, re.S).group(0)
    assert re.search(
        r'<blockquote class="rejection-comment">\s*<p class="rejection-comment__meta">Eddie '
        r"sent it back on <time[^>]*>[^<]+</time>:</p>\s*"
        r'<p class="rejection-comment__text">The 2022 figure is revised: use the March '
        r"release.</p>\s*</blockquote>\s*<a class=\"claim-row__title\"",
        row,
    )
    overdue = re.search(r'<section[^>]*id="overdue".*?</section>', html, re.S).group(0)
    assert '<span class="due due--overdue">overdue: due' in overdue


def test_sent_back_shows_the_latest_rejection_and_leaves_once_resubmitted(
    client, reviewer, editor, other_editor
):
    claim = _sent_back(complete_claim(), by_editor=editor, reviewer=reviewer, comment="First")
    claim = _sent_back(claim, by_editor=other_editor, reviewer=reviewer, comment="Second")
    client.force_login(reviewer)

    response = client.get(DASHBOARD)
    (section,) = [s for s in response.context["coordination"] if s["id"] == "sent_back"]
    assert [(c.pk, c.rejection.comment, c.rejection.actor) for c in section["claims"]] == [
        (claim.pk, "Second", other_editor)
    ]

    workflow.submit_claim(claim, by=reviewer, version=claim.version)
    response = client.get(DASHBOARD)
    assert desk_sections(response)["sent_back"] == (0, [])


def test_sent_back_reaches_the_assignee_too(client, reviewer, editor, other_editor):
    claim = complete_claim(assignee=reviewer)
    _sent_back(claim, by_editor=editor, reviewer=other_editor, comment="Check the base year")
    client.force_login(reviewer)
    assert desk_sections(client.get(DASHBOARD))["sent_back"] == (1, [claim.pk])


def test_waiting_for_my_approval_is_an_editors_section(client, reviewer, editor, other_editor):
    asked_me = InReviewClaimFactory(requested_approver=editor, submitted_by=reviewer)
    InReviewClaimFactory(requested_approver=other_editor, submitted_by=reviewer)

    client.force_login(editor)
    sections = desk_sections(client.get(DASHBOARD))
    assert sections["my_approval"] == (1, [asked_me.pk])
    assert list(sections) == ["assigned", "sent_back", "my_approval", "overdue"]

    client.force_login(reviewer)
    assert "my_approval" not in desk_sections(client.get(DASHBOARD))


def _fill(n: int, reviewer, editor, other_editor):
    article = ArticleFactory()
    for i in range(n):
        ResearchingClaimFactory(article=article, assignee=other_editor, due_date=TODAY)
        ResearchingClaimFactory(
            article=article, assignee=reviewer, due_date=TODAY - datetime.timedelta(days=1)
        )
        InReviewClaimFactory(article=article, requested_approver=other_editor, submitted_by=editor)
        claim = ResearchingClaimFactory(article=article, submitted_by=other_editor)
        ClaimEvent.objects.create(
            claim=claim, actor=editor, action=Action.REJECT, comment=f"No {i}", version=1
        )


def test_dashboard_desk_sections_query_count_does_not_grow(
    client, reviewer, editor, other_editor, django_assert_num_queries
):
    client.force_login(other_editor)
    _fill(1, reviewer, editor, other_editor)
    # As in test_dashboard: 14 for the desk's existing sections (with proposals and the
    # link-health lists, which have no rows here); then the coordination counts, four lists,
    # the rejections' comments, readers' reports awaiting.
    with django_assert_num_queries(21):
        response = client.get(DASHBOARD)
    assert [s["count"] for s in response.context["coordination"]] == [1, 1, 1, 1]
    _fill(29, reviewer, editor, other_editor)
    with django_assert_num_queries(21):
        response = client.get(DASHBOARD)
    assert [(s["count"], len(s["claims"])) for s in response.context["coordination"]] == [
        (30, 20),
        (30, 20),
        (30, 20),
        (30, 20),
    ]


# --- The claim editor's assignment box ---------------------------------------------------


def _assignment_url(claim) -> str:
    return reverse("claims:review_assignment", args=[claim.pk])


def test_editor_assigns_from_the_claim_editor(client, editor, reviewer, other_editor):
    claim = ResearchingClaimFactory()
    client.force_login(editor)

    response = client.post(
        _assignment_url(claim),
        {
            "assignee": reviewer.pk,
            "due_date": (TODAY + datetime.timedelta(days=3)).isoformat(),
            "requested_approver": other_editor.pk,
            "version": 1,
        },
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.assignee, claim.due_date, claim.requested_approver, claim.version) == (
        reviewer,
        TODAY + datetime.timedelta(days=3),
        other_editor,
        4,
    )
    page = client.get(claim_url(claim))
    assert shown_messages(page) == [("success", "Assignment saved.")]
    changes = re.findall(
        r'<div class="change change--value">\s*<p class="change__label">(.*?)</p>\s*'
        r'<p class="diff"><span class="empty">none</span> → <ins>(.*?)</ins></p>',
        page.content.decode(),
    )
    assert changes == [
        ("Assignee", "rita"),
        ("Due date", (TODAY + datetime.timedelta(days=3)).isoformat()),
        ("Approver requested", "erin"),
    ]


def test_a_reviewer_sees_no_due_date_field_and_can_take_the_claim(client, reviewer, editor):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)

    page = client.get(claim_url(claim))
    form = page.context["assignment_form"]
    assert "due_date" not in form.fields
    assert list(form.fields["assignee"].queryset) == [reviewer]

    response = client.post(_assignment_url(claim), {"assignee": reviewer.pk, "version": 1})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.assignee == reviewer


def test_a_stale_assignment_is_refused_and_keeps_the_input(client, editor, reviewer, other_editor):
    claim = ResearchingClaimFactory()
    assignment.assign_claim(claim, by=other_editor, version=1, assignee=other_editor)
    client.force_login(editor)

    response = client.post(_assignment_url(claim), {"assignee": reviewer.pk, "version": 1})

    assert response.status_code == 409
    assert shown_messages(response)[0][1].startswith(
        "This claim changed after you loaded it (you had version 1; it is now version 2)."
    )
    assert response.context["assignment_form"]["assignee"].value() == str(reviewer.pk)
    claim.refresh_from_db()
    assert claim.assignee == other_editor


def test_a_refused_approver_shows_on_its_field(client, editor, reviewer):
    claim = InReviewClaimFactory(submitted_by=editor)
    client.force_login(reviewer)

    response = client.post(
        _assignment_url(claim), {"assignee": "", "requested_approver": editor.pk, "version": 1}
    )

    assert response.status_code == 403
    assert shown_messages(response) == [
        (
            "error",
            "Eddie submitted this claim, so someone else must approve it: every verdict is "
            "checked by two people.",
        )
    ]
    claim.refresh_from_db()
    assert claim.requested_approver is None


def test_published_claims_have_no_assignment_form(client, editor):
    claim = PublishedClaimFactory()
    SourceFactory(claim=claim)
    client.force_login(editor)
    page = client.get(claim_url(claim))
    assert page.context["assignment_form"] is None
    assert "Only claims in progress are assigned." in page.content.decode()


def test_assignment_needs_a_role(client, outsider):
    claim = ResearchingClaimFactory()
    client.force_login(outsider)
    response = client.post(_assignment_url(claim), {"assignee": outsider.pk, "version": 1})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.assignee is None


def test_an_unknown_person_is_a_field_error(client, editor):
    claim = ResearchingClaimFactory()
    client.force_login(editor)
    response = client.post(_assignment_url(claim), {"assignee": 999999, "version": 1})
    assert response.status_code == 422
    assert error_summary(response) == [
        "Assignee: Select a valid choice. That choice is not one of the available choices."
    ]

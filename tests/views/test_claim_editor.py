"""The claim editor: saving, locking, preview, history, and the workflow buttons."""

import re

import pytest
from django.urls import reverse

from claims import checking, workflow
from claims.enums import Action, CheckOutcome, ClaimStatus, Rating
from claims.linkcheck import CheckResult
from claims.models import Claim, ClaimEvent, Correction, Note, Proposal
from tests.factories import (
    ClaimFactory,
    InReviewClaimFactory,
    NoteFactory,
    PublishedClaimFactory,
    ResearchingClaimFactory,
    SourceFactory,
    WithdrawnClaimFactory,
    user_with_role,
)
from tests.views.pages import (
    HTMX,
    STALE_START,
    action_buttons,
    action_url,
    claim_url,
    complete_claim,
    edit_data,
    element_inner,
    error_summary,
    note_body,
    shown_messages,
)

pytestmark = pytest.mark.django_db


# --- The claim editor ---------------------------------------------------------------------


def test_saving_a_claim(client, reviewer):
    claim = ResearchingClaimFactory()
    statement_before = claim.statement
    client.force_login(reviewer)
    response = client.post(
        claim_url(claim),
        edit_data(
            claim,
            statement="Unemployment fell to 4.2% in 2023.",
            tags="economy, jobs",
            rating=Rating.FALSE,
            summary="It rose.",
            explanation="Line one.\r\nLine two.",
        ),
        follow=True,
    )
    assert response.redirect_chain == [(claim_url(claim), 302)]
    claim.refresh_from_db()
    assert (claim.statement, claim.rating, claim.summary, claim.explanation, claim.version) == (
        "Unemployment fell to 4.2% in 2023.",
        Rating.FALSE,
        "It rose.",
        "Line one.\nLine two.",
        2,
    )
    assert sorted(claim.tags.values_list("name", flat=True)) == ["economy", "jobs"]
    event = claim.events.get()
    assert (event.action, event.actor, event.changes) == (
        Action.EDIT,
        reviewer,
        [
            {
                "field": "statement",
                "before": statement_before,
                "after": "Unemployment fell to 4.2% in 2023.",
            },
            {"field": "rating", "before": "", "after": "false"},
            {"field": "summary", "before": "", "after": "It rose."},
            {"field": "explanation", "before": "", "after": "Line one.\nLine two."},
            {"field": "tags", "before": [], "after": ["economy", "jobs"]},
        ],
    )
    assert shown_messages(response) == [("success", "Saved. The claim is now at version 2.")]


def test_saving_without_changes_writes_nothing(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(claim_url(claim), edit_data(claim), follow=True)
    assert shown_messages(response) == [("info", "Nothing to save: no field changed.")]
    assert ClaimEvent.objects.count() == 0


def test_two_edits_of_the_same_version_the_second_is_refused(client, reviewer, editor):
    claim = ResearchingClaimFactory()
    first, second = client, client.__class__()
    first.force_login(reviewer)
    second.force_login(editor)
    assert first.post(claim_url(claim), edit_data(claim, summary="First.")).status_code == 302

    response = second.post(claim_url(claim), edit_data(claim, summary="Second, lost?"))
    assert response.status_code == 409
    claim.refresh_from_db()
    assert (claim.summary, claim.version) == ("First.", 2)
    [(level, text)] = shown_messages(response)
    assert level == "error"
    assert text.startswith(STALE_START + " Since then: Rita edited summary at ")
    assert text.endswith(
        "Nothing was saved: reload to see the current version and make your change again."
    )
    page = response.content.decode()
    # The refused text is still in the form, and what is saved now is shown beside it.
    assert 'name="summary" value="Second, lost?"' in page
    assert "What is saved now (version 2)" in page


def test_a_claim_in_review_is_read_only_with_the_reason(client, reviewer):
    claim = InReviewClaimFactory()
    client.force_login(reviewer)
    response = client.get(claim_url(claim))
    page = response.content.decode()
    assert element_inner(response, "claim-form-heading") == "Claim and verdict"
    assert (
        '<p class="locked-reason">This claim is in review, so it cannot be edited: an editor '
        "approves exactly what was submitted. Ask an editor to send it back for changes.</p>"
    ) in page
    assert 'action="' + claim_url(claim) + '"' not in page
    assert "Cite a source" not in page

    response = client.post(claim_url(claim), edit_data(claim, summary="Sneaky."))
    assert response.status_code == 409
    claim.refresh_from_db()
    assert claim.summary == "Close: the official figure is 4.3%."
    assert shown_messages(response) == [
        (
            "error",
            "This claim is in review, so it cannot be edited: an editor approves exactly what "
            "was submitted. Ask an editor to send it back for changes.",
        )
    ]
    assert 'name="summary" value="Sneaky."' in response.content.decode()


def test_invalid_edit_values_are_shown_on_the_form(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        claim_url(claim), edit_data(claim, rating="great", claimant="", tags="x" * 61)
    )
    assert response.status_code == 422
    assert error_summary(response) == [
        "Claimant: This field is required.",
        "Tags: A tag can be at most 60 characters long: “" + "x" * 61 + "”.",
        "Rating: Select a valid choice. great is not one of the available choices.",
    ]
    assert claim.events.count() == 0


def test_preview_renders_markdown_without_saving(client, reviewer):
    claim = ResearchingClaimFactory()
    url = reverse("claims:review_claim_preview", args=[claim.pk])
    client.force_login(reviewer)
    data = edit_data(claim, summary="Typed.", explanation="**Bold** claim")

    response = client.post(url, data, **HTMX)
    assert response.content.decode().strip() == (
        '<div id="explanation-preview" class="markdown preview" aria-live="polite">'
        "<p><strong>Bold</strong> claim</p>\n</div>"
    )

    response = client.post(url, data)  # without JavaScript: the whole editor
    assert response.status_code == 200
    assert element_inner(response, "explanation-preview") == "<p><strong>Bold</strong> claim</p>\n"
    assert 'name="summary" value="Typed."' in response.content.decode()
    claim.refresh_from_db()
    assert (claim.summary, claim.explanation, claim.version) == ("", "", 1)


MALICIOUS = (
    "<script>alert(1)</script>\n\n"
    '<img src=x onerror="alert(2)">\n\n'
    "[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) "
    "[fine](https://example.org)"
)
# Raw HTML stays text (escaped), javascript:/data: links stay unlinked, https links get rel.
SANITISED = (
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    '<p>&lt;img src=x onerror="alert(2)"&gt;</p>\n'
    "<p>[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) "
    '<a href="https://example.org" rel="nofollow noopener noreferrer">fine</a></p>\n'
)


def test_markdown_in_notes_and_explanations_is_rendered_harmless(client, reviewer):
    claim = PublishedClaimFactory(explanation=MALICIOUS)
    note = NoteFactory(claim=claim, body=MALICIOUS)
    client.force_login(reviewer)
    response = client.get(claim_url(claim))
    assert element_inner(response, "explanation-preview") == SANITISED
    assert note_body(response, note) == SANITISED
    page = response.content.decode()
    dangerous = ["<script>alert", "<img", 'href="javascript:', 'href="data:']
    assert [fragment for fragment in dangerous if fragment in page] == []


def test_the_preview_is_sanitised_too(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_claim_preview", args=[claim.pk]),
        edit_data(claim, explanation=MALICIOUS),
        **HTMX,
    )
    assert element_inner(response, "explanation-preview") == SANITISED


def test_history_lists_every_event(client, reviewer, editor):
    claim = complete_claim()
    workflow.submit_claim(claim, by=reviewer, version=1)
    workflow.reject_claim(claim, by=editor, version=2, comment="Check the **base** year.")
    client.force_login(reviewer)
    response = client.get(claim_url(claim))
    events = re.findall(r'<p class="event__what">(.*?)</p>', element_inner(response, "history"))
    assert [re.sub(r"<[^>]+>", "", e).split(" · ", 1)[1] for e in events] == [
        "Rita · Submitted for review: Researching → In review (v2)",
        "Eddie · Sent back for changes: In review → Researching (v3)",
    ]
    assert (
        '<blockquote class="event__comment"><p>Check the **base** year.</p></blockquote>'
        in response.content.decode()
    )


def test_claim_editor_query_count_does_not_grow(client, reviewer, django_assert_num_queries):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)

    def add(n):
        for i in range(n):
            source = SourceFactory(claim=claim)
            for _ in range(2):
                (ticket,) = checking.hand_out([source.pk])
                checking.record_result(
                    ticket, CheckResult(url=source.url, outcome=CheckOutcome.OK, status=200)
                )
            NoteFactory(claim=claim, author=reviewer)
            workflow.record_event(claim, by=reviewer, action=Action.EDIT, version=1, changes=[i])

    add(1)
    # session, user, groups, claim (+article, submitter, approver, assignee, requested
    # approver), tags, right-of-reply entries, sources (+last check), their recent checks,
    # notes, events (+actor, proposal), pending proposals; the assignment box's people and
    # editors
    with django_assert_num_queries(13):
        response = client.get(claim_url(claim))
    assert len(response.context["sources"]) == 1
    add(29)
    with django_assert_num_queries(13):
        response = client.get(claim_url(claim))
    assert (
        len(response.context["sources"]),
        len(response.context["notes"]),
        len(response.context["events"]),
    ) == (30, 30, 30)


# --- Workflow buttons ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "role", "buttons"),
    [
        (ClaimFactory, "reviewer", ["start"]),
        (ResearchingClaimFactory, "reviewer", ["submit"]),
        (InReviewClaimFactory, "reviewer", []),
        (InReviewClaimFactory, "editor", ["approve", "reject"]),
        (PublishedClaimFactory, "reviewer", []),
        (PublishedClaimFactory, "editor", ["withdraw", "correct", "reaffirm"]),
        (WithdrawnClaimFactory, "editor", []),
    ],
)
def test_only_the_allowed_buttons_are_shown(request, client, factory, role, buttons):
    claim = factory()
    client.force_login(request.getfixturevalue(role))
    response = client.get(claim_url(claim))
    assert action_buttons(response) == buttons


def test_the_submitter_gets_no_approve_button(client, editor, other_editor):
    claim = InReviewClaimFactory(submitted_by=editor)
    client.force_login(editor)
    response = client.get(claim_url(claim))
    assert action_buttons(response) == ["reject"]
    assert (
        "You submitted it, so you cannot approve this claim: everything readers see is "
        "checked by two people. It may be approved by Erin." in response.content.decode()
    )


def approve_url(proposal) -> str:
    return reverse("claims:review_proposal_approve", args=[proposal.pk])


def post_action(client, claim, action, **data):
    payload = {f"{action}-version": claim.version}
    payload.update({f"{action}-{name}": value for name, value in data.items()})
    return client.post(action_url(claim, action), payload, follow=True)


def test_start_research(client, reviewer):
    claim = ClaimFactory()
    client.force_login(reviewer)
    response = post_action(client, claim, "start")
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (ClaimStatus.RESEARCHING, 2)
    assert shown_messages(response) == [("success", "Research started.")]


def test_submit_an_incomplete_claim_says_what_is_missing(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = post_action(client, claim, "submit")
    assert response.status_code == 422
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (ClaimStatus.RESEARCHING, 1)
    assert shown_messages(response) == [
        (
            "error",
            "Not ready for review: Choose a rating. Write the one-line verdict. Explain the "
            "verdict. Cite at least one source.",
        )
    ]
    assert error_summary(response) == [
        "Choose a rating.",
        "Write the one-line verdict.",
        "Explain the verdict.",
        "Cite at least one source.",
    ]


def test_submit_a_complete_claim(client, reviewer):
    claim = complete_claim()
    client.force_login(reviewer)
    response = post_action(client, claim, "submit")
    claim.refresh_from_db()
    assert (claim.status, claim.submitted_by) == (ClaimStatus.IN_REVIEW, reviewer)
    assert shown_messages(response) == [
        ("success", "Submitted for review: an editor who did not work on it will check it.")
    ]


def test_a_reviewer_cannot_approve(client, reviewer):
    claim = InReviewClaimFactory()
    client.force_login(reviewer)
    response = post_action(client, claim, "approve")
    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (ClaimStatus.IN_REVIEW, 1)
    assert shown_messages(response) == [("error", "Only an editor can approve a claim.")]


def test_four_eyes_the_submitter_cannot_approve_another_editor_can(client, editor, other_editor):
    claim = InReviewClaimFactory(submitted_by=editor)
    client.force_login(editor)
    response = post_action(client, claim, "approve")
    assert response.status_code == 403
    assert shown_messages(response) == [
        (
            "error",
            "You submitted it, so you cannot approve this claim: everything readers see is "
            "checked by two people. It may be approved by Erin.",
        )
    ]
    client.force_login(other_editor)
    response = post_action(client, claim, "approve")
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (ClaimStatus.PUBLISHED, other_editor)
    assert shown_messages(response) == [("success", "Approved: the fact-check is published.")]


def test_reject_needs_a_comment_which_goes_to_the_notes(client, editor):
    claim = InReviewClaimFactory()
    client.force_login(editor)
    response = post_action(client, claim, "reject", comment="  ")
    assert response.status_code == 422
    assert shown_messages(response) == [
        ("error", "Say what needs to change: the comment goes to the reviewer's notes.")
    ]
    assert error_summary(response) == [
        "What needs to change (added to the notes): A comment is required when sending a "
        "claim back."
    ]
    response = post_action(client, claim, "reject", comment="Use the 2023 series.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESEARCHING
    assert list(Note.objects.values_list("author", "body")) == [(editor.pk, "Use the 2023 series.")]
    assert shown_messages(response) == [
        ("success", "Sent back for changes; your comment is in the notes.")
    ]


def test_a_reviewer_cannot_reject(client, reviewer):
    claim = InReviewClaimFactory()
    client.force_login(reviewer)
    response = post_action(client, claim, "reject", comment="No.")
    assert response.status_code == 403
    assert shown_messages(response) == [
        ("error", "Only an editor can send a claim back for changes.")
    ]
    assert Claim.objects.get().status == ClaimStatus.IN_REVIEW


def test_withdraw_needs_a_public_reason_and_a_second_editor(client, reviewer, editor, other_editor):
    claim = PublishedClaimFactory()
    client.force_login(editor)
    response = post_action(client, claim, "withdraw")
    assert response.status_code == 422
    assert shown_messages(response) == [
        ("error", "Give the public reason for withdrawing this fact-check.")
    ]
    response = post_action(client, claim, "withdraw", comment="The quote was misattributed.")
    claim.refresh_from_db()
    assert (claim.status, claim.withdrawal_reason) == (ClaimStatus.PUBLISHED, "")
    assert shown_messages(response) == [
        (
            "success",
            "Withdrawal proposed: readers see the fact-check as it is until another editor "
            "approves it.",
        )
    ]
    proposal = Proposal.objects.get()
    # The proposer sees why they cannot approve it; no second withdrawal can be proposed.
    page = response.content.decode()
    assert action_buttons(response) == ["correct", "reaffirm"]
    assert (
        "You proposed it, so you cannot approve this withdrawal: everything readers see is "
        "checked by two people. It may be approved by Erin." in page
    )
    assert approve_url(proposal) not in page
    client.force_login(other_editor)
    page = client.get(claim_url(claim)).content.decode()
    assert approve_url(proposal) in page
    response = client.post(approve_url(proposal), follow=True)
    claim.refresh_from_db()
    assert (claim.status, claim.withdrawal_reason) == (
        ClaimStatus.WITHDRAWN,
        "The quote was misattributed.",
    )
    assert shown_messages(response) == [
        ("success", "Withdrawal approved: readers now see the reason instead of the verdict.")
    ]
    client.force_login(reviewer)
    response = post_action(client, PublishedClaimFactory(), "withdraw", comment="Why not.")
    assert shown_messages(response) == [("error", "Only an editor can withdraw a fact-check.")]


def test_correct_a_published_verdict(client, reviewer, editor):
    claim = PublishedClaimFactory()
    client.force_login(reviewer)
    data = {
        "rating": Rating.FALSE,
        "summary": claim.summary,
        "explanation": claim.explanation,
        "comment": "We misread the table.",
    }
    response = post_action(client, claim, "correct", **data)
    assert response.status_code == 403
    assert shown_messages(response) == [
        ("error", "Only an editor can correct a published verdict.")
    ]
    client.force_login(editor)
    response = post_action(client, claim, "correct", **data)
    claim.refresh_from_db()
    # Proposed: readers see the old verdict until another editor approves.
    assert (claim.status, claim.rating) == (ClaimStatus.PUBLISHED, Rating.MOSTLY_ACCURATE)
    assert shown_messages(response) == [
        (
            "success",
            "Correction proposed: readers see the current verdict until another editor "
            "approves it.",
        )
    ]
    assert "<del>Mostly accurate</del> → <ins>False</ins>" in response.content.decode()
    proposal = Proposal.objects.get()
    refused = client.post(approve_url(proposal), follow=True)
    assert shown_messages(refused) == [
        (
            "error",
            "You proposed it, so you cannot approve this correction: everything readers see "
            "is checked by two people. Ask another editor to approve it.",
        )
    ]
    client.force_login(user_with_role("erin", "Editors"))
    response = client.post(approve_url(proposal), follow=True)
    claim.refresh_from_db()
    assert (claim.status, claim.rating) == (ClaimStatus.PUBLISHED, Rating.FALSE)
    assert list(Correction.objects.values_list("changed_fields", "note")) == [
        (["rating"], "We misread the table.")
    ]
    assert shown_messages(response) == [("success", "Correction approved and published.")]


def test_a_correction_that_changes_nothing_keeps_the_input(client, editor):
    claim = PublishedClaimFactory()
    client.force_login(editor)
    response = post_action(
        client,
        claim,
        "correct",
        rating=claim.rating,
        summary=claim.summary,
        explanation=claim.explanation,
        comment="Nothing really.",
    )
    assert response.status_code == 422
    assert shown_messages(response) == [
        ("error", "A correction must change the rating, the summary or the explanation.")
    ]
    assert "Nothing really.</textarea>" in response.content.decode()
    assert Correction.objects.count() == 0


def test_an_action_on_a_stale_version_is_refused(client, reviewer):
    claim = ClaimFactory()
    workflow.edit_claim(claim, by=reviewer, version=1, changes={"summary": "Meanwhile."})
    client.force_login(reviewer)
    response = client.post(action_url(claim, "start"), {"start-version": 1})
    assert response.status_code == 409
    [(level, text)] = shown_messages(response)
    assert (level, text.startswith(STALE_START)) == ("error", True)
    assert Claim.objects.get().status == ClaimStatus.DRAFT


def test_an_action_in_the_wrong_state_is_refused(client, editor):
    claim = ResearchingClaimFactory()
    client.force_login(editor)
    response = post_action(client, claim, "approve")
    assert response.status_code == 409
    assert shown_messages(response) == [
        ("error", "A claim that is researching cannot be approved.")
    ]


def test_unknown_actions_are_404(client, editor):
    claim = ResearchingClaimFactory()
    client.force_login(editor)
    assert client.post(action_url(claim, "edit"), {"edit-version": 1}).status_code == 404
    assert client.post(action_url(claim, "explode"), {}).status_code == 404


def test_superusers_use_the_review_ui_as_editors(client, superuser, editor):
    claim = InReviewClaimFactory(submitted_by=editor)
    client.force_login(superuser)
    response = post_action(client, claim, "approve")
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (ClaimStatus.PUBLISHED, superuser)
    assert shown_messages(response) == [("success", "Approved: the fact-check is published.")]

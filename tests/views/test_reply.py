"""Right of reply in the claim editor: log, answer, publish — over HTTP, with roles."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.coordination_models import ReplyRequest
from claims.enums import Action, ReplyOutcome
from tests.factories import PublishedClaimFactory, SourceFactory
from tests.views.pages import claim_url, error_summary, shown_messages

pytestmark = pytest.mark.django_db

FMT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def claim():
    claim = PublishedClaimFactory(claimant="The minister")
    SourceFactory(claim=claim)
    return claim


def _log(client, claim, **overrides):
    asked = timezone.localtime() - datetime.timedelta(days=3)
    data = {
        "reply-contacted_at": asked.strftime(FMT),
        "reply-channel": "phone",
        "reply-contact": "Press office",
        "reply-question": "Which survey is the figure from?",
        "reply-reply_by": (asked + datetime.timedelta(days=1)).strftime(FMT),
    }
    data.update(overrides)
    return client.post(reverse("claims:review_reply_add", args=[claim.pk]), data)


def test_log_answer_and_publish_through_the_claim_editor(client, reviewer, editor, claim):
    client.force_login(reviewer)
    response = _log(client, claim)
    assert response.status_code == 302
    assert response["Location"] == claim_url(claim) + "#reply"
    entry = ReplyRequest.objects.get(claim=claim)

    answered = (timezone.localtime() - datetime.timedelta(days=2)).strftime(FMT)
    response = client.post(
        reverse("claims:review_reply_answer", args=[claim.pk, entry.pk]),
        {
            f"answer-{entry.pk}-outcome": "replied",
            f"answer-{entry.pk}-reply": "We stand by it. The survey is public.",
            f"answer-{entry.pk}-replied_at": answered,
            f"answer-{entry.pk}-version": 1,
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.outcome == ReplyOutcome.REPLIED

    publish_url = reverse("claims:review_reply_publication", args=[claim.pk, entry.pk])
    data = {
        f"publish-{entry.pk}-published": "on",
        f"publish-{entry.pk}-quote": "We stand by it.",
        f"publish-{entry.pk}-version": 2,
    }
    refused = client.post(publish_url, data)
    assert refused.status_code == 403
    # (after the two earlier successes, not yet shown because no redirect was followed)
    assert shown_messages(refused)[-1] == (
        "error",
        "Only an editor can publish right-of-reply entries.",
    )

    client.force_login(editor)
    assert client.post(publish_url, data).status_code == 302
    entry.refresh_from_db()
    assert (entry.published, entry.quote) == (True, "We stand by it.")
    page = client.get(claim_url(claim)).content.decode()
    assert "Readers see: “We asked The minister on" in page
    history = list(claim.events.values_list("action", flat=True))
    assert history == [Action.ASK_CLAIMANT, Action.RECORD_REPLY, Action.PUBLISH_REPLY]


def test_a_bad_contact_keeps_the_input_and_says_why(client, reviewer, claim):
    client.force_login(reviewer)
    response = _log(client, claim, **{"reply-question": "", "reply-channel": "pigeon"})
    assert response.status_code == 422
    assert error_summary(response) == [
        "How: Select a valid choice. pigeon is not one of the available choices.",
        "What we asked: This field is required.",
    ]
    assert response.context["reply_contact_form"]["contact"].value() == "Press office"
    assert ReplyRequest.objects.count() == 0


def test_outsiders_cannot_log_contacts(client, outsider, claim):
    client.force_login(outsider)
    assert _log(client, claim).status_code == 403
    assert ReplyRequest.objects.count() == 0


def test_an_entry_of_another_claim_is_not_found(client, reviewer, claim):
    client.force_login(reviewer)
    _log(client, claim)
    entry = ReplyRequest.objects.get()
    other = PublishedClaimFactory()
    url = reverse("claims:review_reply_answer", args=[other.pk, entry.pk])
    assert client.post(url, {}).status_code == 404

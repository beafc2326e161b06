"""Right of reply: logging contact with the claimant, their answer or silence, what
readers see (only what an editor publishes), roles and events."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import reply
from claims.coordination_models import ReplyRequest
from claims.enums import Action, ContactChannel, ReplyOutcome
from claims.errors import Incomplete, Invalid, Locked, NotPermitted, StaleVersion
from claims.models import ClaimEvent
from tests.factories import PublishedClaimFactory, ResearchingClaimFactory, WithdrawnClaimFactory

pytestmark = pytest.mark.django_db

ASKED = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
DEADLINE = timezone.make_aware(datetime.datetime(2026, 3, 4, 17, 0))
ANSWERED = timezone.make_aware(datetime.datetime(2026, 3, 3, 9, 30))
ANSWER = "The minister stands by the figure. It comes from the ministry's own survey."


def _ask(claim, by, **overrides):
    fields = {
        "contacted_at": ASKED,
        "channel": ContactChannel.EMAIL,
        "question": "Where does the 4.2% figure come from?",
        "reply_by": DEADLINE,
        "contact": "press@ministry.example",
    }
    fields.update(overrides)
    return reply.log_contact(claim, by=by, **fields)


def _events(claim):
    return list(
        ClaimEvent.objects.filter(claim=claim).values_list("action", "actor__username", "changes")
    )


def test_a_reviewer_logs_the_contact_as_an_event(reviewer):
    claim = ResearchingClaimFactory()

    entry = _ask(claim, reviewer)

    assert ReplyRequest.objects.filter(pk=entry.pk).values(
        "contacted_at", "channel", "contact", "question", "reply_by", "outcome", "published"
    ).get() == {
        "contacted_at": ASKED,
        "channel": "email",
        "contact": "press@ministry.example",
        "question": "Where does the 4.2% figure come from?",
        "reply_by": DEADLINE,
        "outcome": ReplyOutcome.AWAITING,
        "published": False,
    }
    assert _events(claim) == [
        (
            Action.ASK_CLAIMANT,
            "rita",
            [{"field": "reply_request", "before": None, "after": entry.pk}],
        )
    ]
    claim.refresh_from_db()
    assert claim.version == 1  # the claim's content is untouched


def test_logging_is_role_checked_and_validated(outsider, reviewer):
    claim = ResearchingClaimFactory()
    with pytest.raises(NotPermitted):
        _ask(claim, outsider)
    with pytest.raises(Invalid) as refused:
        _ask(claim, reviewer, question=" ", reply_by=ASKED - datetime.timedelta(days=1))
    assert refused.value.fields == {
        "question": "Say what was asked.",
        "reply_by": "The deadline must be after the contact.",
    }
    with pytest.raises(Locked):
        _ask(WithdrawnClaimFactory(), reviewer)
    assert ReplyRequest.objects.count() == 0


def test_recording_the_answer(reviewer):
    claim = PublishedClaimFactory()
    entry = _ask(claim, reviewer)

    reply.record_answer(
        entry,
        by=reviewer,
        version=1,
        outcome=ReplyOutcome.REPLIED,
        reply=ANSWER,
        replied_at=ANSWERED,
    )

    entry.refresh_from_db()
    assert (entry.outcome, entry.reply, entry.replied_at, entry.version) == (
        ReplyOutcome.REPLIED,
        ANSWER,
        ANSWERED,
        2,
    )
    assert _events(claim)[-1] == (
        Action.RECORD_REPLY,
        "rita",
        [{"field": "reply_outcome", "before": "awaiting", "after": "replied"}],
    )


def test_an_answer_needs_its_text_and_date(reviewer):
    entry = _ask(ResearchingClaimFactory(), reviewer)
    with pytest.raises(Incomplete) as refused:
        reply.record_answer(entry, by=reviewer, version=1, outcome=ReplyOutcome.REPLIED)
    assert refused.value.fields == {
        "reply": "Paste their answer.",
        "replied_at": "Say when they answered.",
    }


def test_silence_is_recorded_only_after_the_deadline(reviewer):
    future = timezone.now() + datetime.timedelta(days=2)
    entry = _ask(ResearchingClaimFactory(), reviewer, contacted_at=timezone.now(), reply_by=future)
    with pytest.raises(Invalid, match="has not passed yet"):
        reply.record_answer(entry, by=reviewer, version=1, outcome=ReplyOutcome.NO_REPLY)

    past = _ask(ResearchingClaimFactory(), reviewer)
    reply.record_answer(past, by=reviewer, version=1, outcome=ReplyOutcome.NO_REPLY)
    past.refresh_from_db()
    assert past.outcome == ReplyOutcome.NO_REPLY


def test_a_stale_entry_version_is_refused(reviewer, editor):
    entry = _ask(ResearchingClaimFactory(), reviewer)
    reply.record_answer(entry, by=reviewer, version=1, outcome=ReplyOutcome.NO_REPLY)
    with pytest.raises(StaleVersion):
        reply.record_answer(
            entry,
            by=editor,
            version=1,
            outcome=ReplyOutcome.REPLIED,
            reply="x",
            replied_at=ANSWERED,
        )
    entry.refresh_from_db()
    assert entry.outcome == ReplyOutcome.NO_REPLY


def test_only_editors_publish_and_the_quote_must_be_their_words(reviewer, editor):
    claim = PublishedClaimFactory()
    entry = _ask(claim, reviewer)
    with pytest.raises(Invalid, match="before publishing"):
        reply.set_publication(entry, by=editor, version=1, published=True)
    reply.record_answer(
        entry,
        by=reviewer,
        version=1,
        outcome=ReplyOutcome.REPLIED,
        reply=ANSWER,
        replied_at=ANSWERED,
    )

    with pytest.raises(NotPermitted):
        reply.set_publication(entry, by=reviewer, version=2, published=True, quote="stands by")
    with pytest.raises(Invalid) as refused:
        reply.set_publication(
            entry, by=editor, version=2, published=True, quote="The minister admits the error."
        )
    assert refused.value.fields == {"quote": "Copy these words from the recorded answer."}

    reply.set_publication(
        entry, by=editor, version=2, published=True, quote="The minister stands by the figure."
    )
    entry.refresh_from_db()
    assert (entry.published, entry.quote) == (True, "The minister stands by the figure.")
    assert _events(claim)[-1] == (
        Action.PUBLISH_REPLY,
        "eddie",
        [{"field": "reply_published", "before": False, "after": True}],
    )


def test_public_wording_for_each_outcome():
    claim = PublishedClaimFactory(claimant="The minister")
    entry = ReplyRequest(claim=claim, contacted_at=ASKED, reply_by=DEADLINE)

    entry.outcome, entry.replied_at, entry.quote = ReplyOutcome.REPLIED, ANSWERED, "We stand by it."
    assert reply.public_statement(entry, claimant="The minister") == reply.PublicReply(
        "We asked The minister on 2 March 2026; they replied on 3 March 2026:", "We stand by it."
    )
    entry.outcome, entry.quote = ReplyOutcome.NO_REPLY, ""
    assert reply.public_statement(entry, claimant="The minister") == reply.PublicReply(
        "We asked The minister on 2 March 2026; they did not reply by 4 March 2026."
    )
    entry.outcome = ReplyOutcome.DECLINED
    assert reply.public_statement(entry, claimant="The minister") == reply.PublicReply(
        "We asked The minister on 2 March 2026; they declined to comment."
    )


def _right_of_reply(client, claim) -> list[str]:
    import re

    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    section = re.search(r'<section class="right-of-reply".*?</section>', html, re.S)
    if not section:
        return []
    return [" ".join(text.split()) for text in re.findall(r"<p>(.*?)</p>", section.group(0), re.S)]


def test_the_public_page_shows_only_published_entries_with_the_quote(client, reviewer, editor):
    claim = PublishedClaimFactory(claimant="The minister")
    replied = _ask(claim, reviewer)
    reply.record_answer(
        replied,
        by=reviewer,
        version=1,
        outcome=ReplyOutcome.REPLIED,
        reply=ANSWER,
        replied_at=ANSWERED,
    )
    silent = _ask(
        claim,
        reviewer,
        contacted_at=ASKED + datetime.timedelta(days=3),
        reply_by=DEADLINE + datetime.timedelta(days=3),
    )
    reply.record_answer(silent, by=reviewer, version=1, outcome=ReplyOutcome.NO_REPLY)

    assert _right_of_reply(client, claim) == []  # nothing published yet
    assert ANSWER not in client.get(reverse("claims:claim", args=[claim.slug])).content.decode()

    reply.set_publication(
        replied, by=editor, version=2, published=True, quote="The minister stands by the figure."
    )
    reply.set_publication(silent, by=editor, version=2, published=True)

    assert _right_of_reply(client, claim) == [
        "We asked The minister on 2 March 2026; they replied on 3 March 2026:",
        "“The minister stands by the figure.”",
        "We asked The minister on 5 March 2026; they did not reply by 7 March 2026.",
    ]
    page = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    # The internal parts never reach readers: the question, the contact, the full answer.
    assert "Where does the 4.2% figure come from?" not in page
    assert "press@ministry.example" not in page
    assert "ministry&#x27;s own survey" not in page and "ministry's own survey" not in page


def test_publishing_refreshes_the_cached_public_page(
    client, settings, reviewer, editor, django_capture_on_commit_callbacks
):
    from claims import public_cache

    settings.PUBLIC_CACHE_SECONDS = 300
    public_cache.invalidate()
    claim = PublishedClaimFactory(claimant="The minister")
    entry = _ask(claim, reviewer)
    reply.record_answer(entry, by=reviewer, version=1, outcome=ReplyOutcome.NO_REPLY)
    assert _right_of_reply(client, claim) == []  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        reply.set_publication(entry, by=editor, version=2, published=True)

    assert _right_of_reply(client, claim) == [
        "We asked The minister on 2 March 2026; they did not reply by 4 March 2026."
    ]

"""Right of reply: asking the claimant, recording their answer or silence, and what readers
see of it.

- ``log_contact``: a reviewer records that the desk asked the claimant — when, how,
  whom, what, and the deadline given. Internal.
- ``record_answer``: the answer (quoted in full, internally), a refusal to comment, or
  silence once the deadline has passed. A late answer replaces a recorded silence.
- ``set_publication``: an editor decides what readers see — the entry, and the words of
  the answer quoted on the page (which must be the claimant's own words, taken from the
  answer). Nothing reaches the public page until then.

Every step is role-checked and an event in the claim's history; entries carry a
``version`` so two people recording the same answer cannot overwrite each other. The
claim's own version is untouched: right of reply goes on after publication, while the
verdict stays locked. ``public_statement`` is the public wording, pure and tested.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import dateformat, timezone

from . import public_cache, signals
from .coordination_models import ReplyRequest
from .enums import Action, ClaimStatus, ContactChannel, ReplyOutcome
from .errors import Incomplete, Invalid, Locked, StaleVersion
from .models import Claim
from .workflow import EDITOR, REVIEWER, record_event, require_role

# Clocks differ a little between a reviewer's device and the server.
CLOCK_SKEW = datetime.timedelta(minutes=5)


def _public(claim: Claim) -> bool:
    return claim.status in (ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN)


def _date(value: datetime.datetime) -> str:
    return dateformat.format(timezone.localtime(value), "j F Y")


def log_contact(
    claim: Claim,
    *,
    by,
    contacted_at: datetime.datetime,
    channel: str,
    question: str,
    reply_by: datetime.datetime,
    contact: str = "",
) -> ReplyRequest:
    """Record that the desk asked the claimant about the claim.

    Side effects: one internal ``ask_claimant`` event on the claim.
    """
    require_role(by, REVIEWER, "log contact with claimants")
    question = (question or "").strip()
    problems = {}
    if not question:
        problems["question"] = "Say what was asked."
    if channel not in ContactChannel.values:
        problems["channel"] = "Choose how the claimant was contacted."
    if contacted_at and contacted_at > timezone.now() + CLOCK_SKEW:
        problems["contacted_at"] = "The contact cannot be in the future."
    if contacted_at and reply_by and reply_by < contacted_at:
        problems["reply_by"] = "The deadline must be after the contact."
    if problems:
        raise Invalid("The contact could not be logged: " + " ".join(problems.values()), problems)
    with transaction.atomic():
        current = Claim.objects.select_for_update().get(pk=claim.pk)
        if current.status == ClaimStatus.WITHDRAWN:
            raise Locked("This fact-check has been withdrawn: there is nothing to reply to.")
        entry = ReplyRequest.objects.create(
            claim=current,
            contacted_at=contacted_at,
            channel=channel,
            contact=(contact or "").strip(),
            question=question,
            reply_by=reply_by,
            logged_by=by,
        )
        event = record_event(
            current,
            by=by,
            action=Action.ASK_CLAIMANT,
            from_status=current.status,
            to_status=current.status,
            comment=f"Asked by {entry.get_channel_display().lower()} on "
            f"{_date(contacted_at)}; reply by {_date(reply_by)}.",
            changes=[{"field": "reply_request", "before": None, "after": entry.pk}],
            version=current.version,
        )
        signals.send_after_commit(event)
    return entry


def _lock_entry(entry: ReplyRequest, version: int | None) -> ReplyRequest:
    if version is None:
        raise Incomplete("The entry's version is missing.", {"version": "Required."})
    current = ReplyRequest.objects.select_for_update().select_related("claim").get(pk=entry.pk)
    if int(version) != current.version:
        raise StaleVersion(
            f"This right-of-reply entry changed after you loaded it (you had version "
            f"{version}; it is now version {current.version}). Nothing was saved: reload "
            "and try again.",
            current_version=current.version,
        )
    return current


def _save(current: ReplyRequest, values: dict) -> None:
    """The conditional write of an entry: zero rows means someone else got there first."""
    rows = ReplyRequest.objects.filter(pk=current.pk, version=current.version).update(
        version=current.version + 1, updated_at=timezone.now(), **values
    )
    if rows == 0:
        fresh = ReplyRequest.objects.values_list("version", flat=True).get(pk=current.pk)
        raise StaleVersion(
            "This right-of-reply entry changed while you saved it. Nothing was saved: reload "
            "and try again.",
            current_version=fresh,
        )


def record_answer(
    entry: ReplyRequest,
    *,
    by,
    version: int | None,
    outcome: str,
    reply: str = "",
    replied_at: datetime.datetime | None = None,
) -> ReplyRequest:
    """Record the claimant's answer (``replied``, with its text and date), a refusal to
    comment (``declined``), or silence (``no_reply``, once the deadline has passed).

    Side effects: one internal ``record_reply`` event; public pages refreshed if readers
    see this entry.
    """
    require_role(by, REVIEWER, "record claimants' answers")
    reply = (reply or "").strip()
    now = timezone.now()
    with transaction.atomic():
        current = _lock_entry(entry, version)
        values: dict = {"outcome": outcome}
        if outcome == ReplyOutcome.REPLIED:
            problems = {}
            if not reply:
                problems["reply"] = "Paste their answer."
            if replied_at is None:
                problems["replied_at"] = "Say when they answered."
            elif replied_at > now + CLOCK_SKEW or replied_at < current.contacted_at:
                problems["replied_at"] = (
                    "The answer must come after we asked, and not later than now."
                )
            if problems:
                raise Incomplete(
                    "The answer is incomplete: " + " ".join(problems.values()), problems
                )
            values.update(reply=reply, replied_at=replied_at)
        elif outcome == ReplyOutcome.DECLINED:
            values.update(reply=reply, replied_at=replied_at)
        elif outcome == ReplyOutcome.NO_REPLY:
            if current.reply_by > now:
                raise Invalid(
                    f"The deadline ({_date(current.reply_by)}) has not passed yet: they may "
                    "still answer.",
                    {"outcome": "Wait for the deadline before recording silence."},
                )
            values.update(reply="", replied_at=None, quote="")
        else:
            raise Invalid(
                "Choose what the claimant did.",
                {"outcome": "Choose replied, declined or no reply."},
            )
        answered = outcome in (ReplyOutcome.REPLIED, ReplyOutcome.DECLINED)
        if answered and current.quote and _squash(current.quote) not in _squash(reply):
            # The quote readers see must stay the claimant's own words: a changed answer
            # takes the entry off the page until an editor quotes it again.
            values.update(quote="", published=False)
        _save(current, values)
        event = record_event(
            current.claim,
            by=by,
            action=Action.RECORD_REPLY,
            from_status=current.claim.status,
            to_status=current.claim.status,
            changes=[
                {"field": "reply_outcome", "before": current.outcome, "after": outcome},
            ],
            version=current.claim.version,
        )
        signals.send_after_commit(event)
        if current.published and _public(current.claim):
            transaction.on_commit(public_cache.invalidate)
    entry.refresh_from_db()
    return entry


def set_publication(
    entry: ReplyRequest, *, by, version: int | None, published: bool, quote: str = ""
) -> ReplyRequest:
    """Decide what readers see of an entry (editors): shown or not, and the words of the
    answer quoted (which must be taken from the recorded answer).

    Side effects: one internal ``publish_reply`` event; public pages refreshed.
    """
    require_role(by, EDITOR, "publish right-of-reply entries")
    quote = (quote or "").strip()
    with transaction.atomic():
        current = _lock_entry(entry, version)
        if published:
            if current.outcome == ReplyOutcome.AWAITING:
                raise Invalid(
                    "Record their answer, refusal or silence before publishing this entry.",
                    {"published": "The claimant has not answered yet."},
                )
            if current.outcome == ReplyOutcome.REPLIED and not quote:
                raise Incomplete(
                    "Choose the words of their answer that readers see.",
                    {"quote": "Quote their answer (part or all of it)."},
                )
            if quote and _squash(quote) not in _squash(current.reply):
                raise Invalid(
                    "The quote must be the claimant's own words, taken from their answer.",
                    {"quote": "Copy these words from the recorded answer."},
                )
            if current.outcome == ReplyOutcome.NO_REPLY:
                quote = ""
        else:
            quote = current.quote
        if (current.published, current.quote) == (published, quote):
            return current
        _save(current, {"published": published, "quote": quote})
        event = record_event(
            current.claim,
            by=by,
            action=Action.PUBLISH_REPLY,
            from_status=current.claim.status,
            to_status=current.claim.status,
            changes=[
                {"field": "reply_published", "before": current.published, "after": published},
            ],
            version=current.claim.version,
        )
        signals.send_after_commit(event)
        if _public(current.claim):
            transaction.on_commit(public_cache.invalidate)
    entry.refresh_from_db()
    return entry


def _squash(text: str) -> str:
    return " ".join((text or "").split())


# --- What readers see -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicReply:
    sentence: str
    quote: str = ""


def public_statement(entry: ReplyRequest, *, claimant: str) -> PublicReply:
    """The public wording of an entry: "We asked <claimant> on <date>; they replied on
    <date>:" with the quote, "…; they declined to comment.", or "…; they did not reply
    by <date>."."""
    asked = f"We asked {claimant} on {_date(entry.contacted_at)}"
    if entry.outcome == ReplyOutcome.REPLIED:
        when = f" on {_date(entry.replied_at)}" if entry.replied_at else ""
        return PublicReply(f"{asked}; they replied{when}:", entry.quote)
    if entry.outcome == ReplyOutcome.DECLINED:
        if entry.quote:
            return PublicReply(f"{asked}; they declined to comment, saying:", entry.quote)
        return PublicReply(f"{asked}; they declined to comment.")
    if entry.outcome == ReplyOutcome.NO_REPLY:
        return PublicReply(f"{asked}; they did not reply by {_date(entry.reply_by)}.")
    return PublicReply(f"{asked}; we are waiting for their answer (due {_date(entry.reply_by)}).")

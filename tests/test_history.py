"""Every past version of a claim, rebuilt from its events alone — and what readers see of
them: the versions of the verdict from its first publication on, never anything before."""

import importlib

import pytest
from django.urls import reverse

from claims import approvals, editing, events, history, proposals, workflow
from claims.enums import Action, Rating
from claims.models import Claim, ClaimEvent, Tag
from tests.factories import BODY, PublishedClaimFactory, user_with_role

pytestmark = pytest.mark.django_db

QUOTE = "unemployment fell to 4.2 percent last year"
OTHER = "wages had not kept up with prices"
DRAFT_ONLY = "Draft wording nobody outside the desk may see"


class Record:
    """Runs domain calls on one claim, snapshotting what is stored after each."""

    def __init__(self, claim: Claim):
        self.claim = claim
        self.steps: list[tuple[str, dict, list[int]]] = []

    def step(self, label: str, call) -> None:
        seen = set(ClaimEvent.objects.filter(claim=self.claim).values_list("pk", flat=True))
        call()
        stored = Claim.objects.get(pk=self.claim.pk)
        new = ClaimEvent.objects.filter(claim=self.claim).exclude(pk__in=seen).order_by("pk")
        self.steps.append(
            (label, events.claim_state(stored), list(new.values_list("pk", flat=True)))
        )

    @property
    def current(self) -> Claim:
        return Claim.objects.get(pk=self.claim.pk)


def take_a_claim_through_everything():
    rita = user_with_role("rita", "Reviewers")
    eddie = user_with_role("eddie", "Editors")
    erin = user_with_role("erin", "Editors")
    article = editing.create_article(by=rita, title="Budget day", body=BODY)
    start = BODY.index(QUOTE)
    claim = editing.create_claim(
        article, by=rita, quote=QUOTE, start_offset=start, end_offset=start + len(QUOTE),
        statement="Unemployment fell to 4.2% last year.", claimant="The minister",
        tags=["jobs"],
    )  # fmt: skip
    record = Record(claim)
    record.steps.append(("create", events.claim_state(record.current), [claim.events.get().pk]))
    c = record.current
    sources = {}

    record.step("start", lambda: workflow.start_claim(c, by=rita, version=1))
    record.step(
        "add source a",
        lambda: sources.setdefault(
            "a",
            editing.add_source(
                c, by=rita, url="https://stats.example.org/a", title="Release",
                passage="The rate was 4.3 percent.",
            ),
        ),
    )  # fmt: skip
    record.step(
        "add source b",
        lambda: sources.setdefault(
            "b", editing.add_source(c, by=rita, url="https://stats.example.org/b", title="Old")
        ),
    )
    record.step(
        "edit verdict and tags",
        lambda: workflow.edit_claim(
            c, by=rita, version=2, tags=["jobs", "economy"],
            changes={"rating": Rating.MIXED, "summary": DRAFT_ONLY, "explanation": "Draft."},
        ),
    )  # fmt: skip
    other = BODY.index(OTHER)
    record.step(
        "move the quote",
        lambda: workflow.edit_claim(
            c, by=rita, version=3,
            changes={"quote": OTHER, "start_offset": other, "end_offset": other + len(OTHER)},
        ),
    )  # fmt: skip
    record.step(
        "edit source a",
        lambda: editing.update_source(
            sources["a"], by=rita, version=1, title="Labour release", passage="4.3 percent"
        ),
    )
    record.step("remove source b", lambda: editing.remove_source(sources["b"], by=rita, version=1))
    record.step(
        "archive source a (in research: at once)",
        lambda: editing.record_archived_copy(
            Claim.objects.get(pk=c.pk).sources.get(), by=rita, archived_url="https://a.example/1"
        ),
    )
    record.step("submit", lambda: workflow.submit_claim(c, by=rita, version=4))
    record.step("reject", lambda: workflow.reject_claim(c, by=eddie, version=5, comment="Redo."))
    record.step(
        "edit summary",
        lambda: workflow.edit_claim(
            c, by=rita, version=6,
            changes={"summary": "Mixed: the rate fell, wages did not keep up.",
                     "explanation": "The office reports **4.3%**."},
        ),
    )  # fmt: skip
    record.step("resubmit", lambda: workflow.submit_claim(c, by=rita, version=7))
    record.step("approve", lambda: workflow.approve_claim(c, by=erin, version=8))
    holder = {}
    record.step(
        "propose a correction",
        lambda: holder.setdefault(
            "correction",
            proposals.propose_correction(
                c, by=eddie, version=9, note="The figure was revised.", rating=Rating.FALSE,
                explanation="The office now reports **4.6%**.",
            ),
        ),
    )  # fmt: skip
    record.step(
        "approve the correction",
        lambda: approvals.approve_proposal(holder["correction"], by=erin),
    )
    record.step(
        "propose an archived copy",
        lambda: holder.setdefault(
            "archive",
            editing.record_archived_copy(
                record.current.sources.get(), by=rita, archived_url="https://a.example/2"
            ).proposal,
        ),
    )
    record.step(
        "approve the archived copy", lambda: approvals.approve_proposal(holder["archive"], by=eddie)
    )
    record.step(
        "reaffirm",
        lambda: workflow.reaffirm_claim(c, by=eddie, version=10, note="Re-checked the PDF."),
    )
    record.step(
        "propose an article edit",
        lambda: holder.setdefault(
            "article",
            editing.update_article(
                article, by=rita, version=1, fields={"body": "Monday. " + BODY}
            ).proposal,
        ),
    )
    record.step(
        "approve the article edit", lambda: approvals.approve_proposal(holder["article"], by=eddie)
    )
    record.step(
        "rename a tag",
        lambda: editing.rename_tag(Tag.objects.get(name="jobs"), by=eddie, name="employment"),
    )
    record.step(
        "propose a withdrawal",
        lambda: holder.setdefault(
            "withdrawal",
            proposals.propose_withdrawal(c, by=eddie, version=10, reason="Misattributed."),
        ),
    )
    record.step(
        "approve the withdrawal", lambda: approvals.approve_proposal(holder["withdrawal"], by=erin)
    )
    return record


def test_replay_rebuilds_every_version_exactly():
    record = take_a_claim_through_everything()
    recorded = list(ClaimEvent.objects.filter(claim=record.claim).order_by("created_at", "pk"))
    replayed = {version.event_id: version for version in history.replay(recorded)}
    rewound = {
        version.event_id: version
        for version in history.rewind(events.claim_state(record.current), recorded)
    }

    checked = 0
    for label, stored, event_ids in record.steps:
        # Every step is on the claim's record — but an article edit waits on the proposal
        # itself (and the article's revisions) until it is approved.
        assert bool(event_ids) == (label != "propose an article edit"), label
        for pk in event_ids:
            assert replayed[pk].state == stored, label
            assert replayed[pk].unknown == frozenset(), label
            assert rewound[pk].state == stored, label
            checked += 1
    assert checked == len(recorded) == 23
    # The last version is the claim as it is.
    assert history.replay(recorded)[-1].state == events.claim_state(record.current)


def test_what_readers_see_starts_at_publication():
    record = take_a_claim_through_everything()
    recorded = list(ClaimEvent.objects.filter(claim=record.claim).order_by("created_at", "pk"))
    public = history.verdict_versions(history.versions(recorded))

    assert [(v.number, v.action, v.verdict["rating"], v.changed) for v in public] == [
        (1, Action.APPROVE, Rating.MIXED, ()),
        (2, Action.CORRECT, Rating.FALSE, ("rating", "explanation")),
        (3, Action.WITHDRAW, Rating.FALSE, ()),
    ]
    assert public[0].verdict["summary"] == "Mixed: the rate fell, wages did not keep up."
    assert public[1].note == "The figure was revised."
    assert [(c.label, c.kind) for c in public[1].changes] == [
        ("Rating", "value"),
        ("Explanation", "diff"),
    ]
    assert (public[1].changes[0].before, public[1].changes[0].after) == ("Mixed", "False")
    assert public[1].changes[1].diff == (
        ("equal", "The office"),
        ("insert", " now"),
        ("equal", " reports **4."),
        ("delete", "3"),
        ("insert", "6"),
        ("equal", "%**."),
    )
    # Nothing written before publication is part of what readers see.
    assert DRAFT_ONLY not in repr(public)


def test_the_reviewer_history_shows_each_change_as_a_diff(client):
    record = take_a_claim_through_everything()
    client.force_login(user_with_role("rita", "Reviewers"))
    page = client.get(reverse("claims:review_claim", args=[record.claim.pk])).content.decode()
    assert "<del>Mixed</del> → <ins>False</ins>" in page
    assert "The office<ins> now</ins> reports **4.<del>3</del><ins>6</ins>%**." in page
    assert "<del>jobs</del> <ins>employment</ins>" in page
    assert "Source removed: “Old”" in page
    assert "Source “Labour release”" in page


def test_the_public_versions_page_shows_the_verdicts_since_publication(client):
    editor = user_with_role("eddie", "Editors")
    erin = user_with_role("erin", "Editors")
    claim = PublishedClaimFactory(rating=Rating.MIXED, summary="Partly right.")
    ClaimEvent.objects.create(  # its publication, as approve_claim records it
        claim=claim, actor=erin, action=Action.APPROVE, from_status="in_review",
        to_status="published", version=1,
    )  # fmt: skip
    proposal = proposals.propose_correction(
        claim, by=editor, version=1, note="Revised figure.", rating=Rating.FALSE,
        summary="Wrong: it rose.",
    )  # fmt: skip
    approvals.approve_proposal(proposal, by=erin)
    correction_event = ClaimEvent.objects.get(action=Action.CORRECT)

    claim_page = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    versions_url = reverse("claims:claim_versions", args=[claim.slug])
    assert f'href="{versions_url}#event-{correction_event.pk}">See what changed</a>' in claim_page
    corrections = client.get(reverse("claims:corrections")).content.decode()
    assert f'href="{versions_url}#event-{correction_event.pk}"' in corrections

    page = client.get(versions_url).content.decode()
    assert "Version 2: corrected on" in page and "Version 1: as first published on" in page
    assert "Correction note: Revised figure." in page
    assert "<dt>Verdict</dt><dd>Partly right.</dd>" in page
    assert "<dt>Verdict</dt><dd>Wrong: it rose.</dd>" in page
    assert "<del>Partly</del><ins>Wrong:</ins> <del>right</del><ins>it rose</ins>." in page


def test_a_claim_from_before_values_were_kept_rewinds_from_its_current_state():
    """Events migrated from the names-only format: what later events recorded is known,
    what only an old entry touched is marked not recorded."""
    claim = PublishedClaimFactory(summary="Now.", explanation="Why now.")
    for action, changes, version in (
        (Action.CREATE, [], 1),
        (Action.EDIT, [{"field": "summary", "recorded": False, "label": "summary"}], 2),
        (Action.APPROVE, [], 3),
    ):
        ClaimEvent.objects.create(claim=claim, action=action, changes=changes, version=version)
    editor, erin = user_with_role("eddie", "Editors"), user_with_role("erin", "Editors")
    Claim.objects.filter(pk=claim.pk).update(version=3)
    claim.refresh_from_db()
    proposal = proposals.propose_correction(
        claim, by=editor, version=3, note="N.", explanation="Why, corrected."
    )
    approvals.approve_proposal(proposal, by=erin)
    claim.refresh_from_db()
    recorded = list(ClaimEvent.objects.filter(claim=claim).order_by("pk"))

    found = history.versions(recorded, events.claim_state(claim))
    public = history.verdict_versions(found)

    assert [(v.verdict["explanation"], v.unknown) for v in public] == [
        ("Why now.", frozenset()),  # as published: the correction recorded what it replaced
        ("Why, corrected.", frozenset()),
    ]
    created = found[0]
    assert "summary" in created.unknown  # only the old entry touched it


def test_the_data_migration_marks_old_entries_as_unrecorded():
    migration = importlib.import_module("claims.migrations.0008_record_values")
    assert migration.unrecorded("edit", "summary") == {
        "field": "summary",
        "recorded": False,
        "label": "summary",
    }
    assert migration.unrecorded("edit", "start_offset")["field"] == "span"
    assert migration.unrecorded("add_source", "https://a.example/") == {
        "field": "source",
        "source": None,
        "recorded": False,
        "label": "https://a.example/",
    }
    entry = {"field": "rating", "before": "", "after": "false"}
    assert migration.unrecorded("edit", entry) is entry


def test_word_diff_works_on_words_and_keeps_everything():
    pieces = history.word_diff("The rate fell to 4.2%.", "The rate rose to 4.6%, officially.")
    assert pieces == [
        ("equal", "The rate "),
        ("delete", "fell"),
        ("insert", "rose"),
        ("equal", " to 4."),
        ("delete", "2"),
        ("insert", "6"),
        ("equal", "%"),
        ("insert", ", officially"),
        ("equal", "."),
    ]
    kept = "".join(text for op, text in pieces if op != "insert")
    assert kept == "The rate fell to 4.2%."
    assert history.word_diff("", "New.") == [("insert", "New.")]
    assert history.word_diff("Same.", "Same.") == [("equal", "Same.")]


def test_the_public_versions_page_never_shows_what_came_before_publication(client):
    rita = user_with_role("rita", "Reviewers")
    eddie, erin = user_with_role("eddie", "Editors"), user_with_role("erin", "Editors")
    article = editing.create_article(by=rita, title="Budget day", body=BODY)
    start = BODY.index(QUOTE)
    claim = editing.create_claim(
        article, by=rita, quote=QUOTE, start_offset=start, end_offset=start + len(QUOTE),
        statement="Unemployment fell.", claimant="The minister",
    )  # fmt: skip
    workflow.start_claim(claim, by=rita, version=1)
    editing.add_source(claim, by=rita, url="https://stats.example.org/a", title="Release")
    workflow.edit_claim(
        claim, by=rita, version=2,
        changes={"rating": Rating.FALSE, "summary": DRAFT_ONLY, "explanation": "First try."},
    )  # fmt: skip
    workflow.edit_claim(
        claim, by=rita, version=3,
        changes={"rating": Rating.MIXED, "summary": "Published wording.", "explanation": "Why."},
    )  # fmt: skip
    workflow.submit_claim(claim, by=rita, version=4)
    workflow.approve_claim(claim, by=erin, version=5)
    proposal = proposals.propose_correction(
        claim, by=eddie, version=6, note="Revised.", summary="Corrected wording."
    )
    approvals.approve_proposal(proposal, by=erin)

    page = client.get(reverse("claims:claim_versions", args=[claim.slug])).content.decode()

    assert "<dt>Verdict</dt><dd>Published wording.</dd>" in page
    assert "<dt>Verdict</dt><dd>Corrected wording.</dd>" in page
    assert DRAFT_ONLY not in page and "First try." not in page
    assert "<dd>False</dd>" not in page  # the rating it had only in research

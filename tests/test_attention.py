"""Needs attention, honestly: a published claim whose source rotted stays in front of an
editor until one of the real exits — an approved correction, an approved withdrawal, a
reaffirmation, the source recovering, or an archived copy verified to hold the passage.
A fake archive address (here: a real page without the passage) clears nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import approvals, archives, checking, editing, proposals, workflow
from claims.enums import CheckOutcome, ClaimStatus, SourceHealth
from claims.errors import Incomplete, InvalidTransition, NotPermitted, StaleVersion
from claims.linkcheck import CheckResult
from claims.models import Claim, ClaimEvent, Source
from claims.tasks import task_sweep_archived_copies, task_verify_archived_copy
from tests.factories import PublishedClaimFactory, SourceFactory
from tests.support.record import publish_correction, publish_withdrawal, second_editor

pytestmark = pytest.mark.django_db

PASSAGE = "The unemployment rate was 4.3 percent."
WITH_PASSAGE = f"<html><body><p>Archived: {PASSAGE} In May.</p></body></html>"
WITHOUT_PASSAGE = "<html><body><p>Wayback Machine: this page is not archived.</p></body></html>"


def attention() -> list[int]:
    return list(Claim.objects.needing_attention().values_list("pk", flat=True))


@pytest.fixture
def flagged(db):
    """A published fact-check whose only source went dead a day ago."""
    claim = PublishedClaimFactory()
    source = SourceFactory(claim=claim, passage=PASSAGE)
    Source.objects.filter(pk=source.pk).update(
        health=SourceHealth.DEAD, health_changed_at=timezone.now() - timedelta(days=1)
    )
    assert attention() == [claim.pk]
    return claim


def test_a_pending_correction_keeps_it_and_an_approved_one_clears_it(flagged, editor):
    proposal = proposals.propose_correction(
        flagged, by=editor, version=1, note="Re-sourced.", summary="Still close."
    )
    assert attention() == [flagged.pk]
    approvals.approve_proposal(proposal, by=second_editor())
    assert attention() == []


def test_an_approved_withdrawal_clears_it(flagged, editor):
    publish_withdrawal(flagged, by=editor, reason="The source is gone.")
    assert (Claim.objects.get().status, attention()) == (ClaimStatus.WITHDRAWN, [])


def test_a_reaffirmation_clears_it_and_readers_see_it(client, flagged, editor):
    workflow.reaffirm_claim(
        flagged, by=editor, version=1, note="The figure is in the office's yearbook too."
    )
    assert attention() == []
    event = ClaimEvent.objects.get(action="reaffirm")
    assert (event.public, event.version, Claim.objects.get().version) == (True, 1, 1)
    page = client.get(reverse("claims:claim", args=[flagged.slug])).content.decode()
    assert (
        f'<strong>Evidence re-checked on <time datetime="{event.created_at:%Y-%m-%dT%H:%M:%S}'
        in page
    )
    assert "The figure is in the office&#x27;s yearbook too." in page


def test_a_new_problem_after_a_reaffirmation_brings_it_back(flagged, editor):
    workflow.reaffirm_claim(flagged, by=editor, version=1, note="Checked.")
    Source.objects.update(health=SourceHealth.PASSAGE_MISSING, health_changed_at=timezone.now())
    assert attention() == [flagged.pk]


def test_a_correction_made_before_the_source_rotted_does_not_clear_it(editor):
    claim = PublishedClaimFactory()
    source = SourceFactory(claim=claim)
    publish_correction(claim, by=editor, note="Earlier fix.", summary="Earlier.")
    Source.objects.filter(pk=source.pk).update(
        health=SourceHealth.CHANGED, health_changed_at=timezone.now() + timedelta(seconds=1)
    )
    assert attention() == [claim.pk]


def test_the_source_recovering_clears_it(flagged):
    source = flagged.sources.get()
    (ticket,) = checking.hand_out([source.pk])
    checking.record_result(ticket, CheckResult(url=source.url, outcome=CheckOutcome.OK, status=200))
    assert (Source.objects.get().health, attention()) == (SourceHealth.OK, [])


def test_only_an_editor_reaffirms_with_a_note_and_only_a_published_claim(flagged, reviewer, editor):
    with pytest.raises(NotPermitted) as excinfo:
        workflow.reaffirm_claim(flagged, by=reviewer, version=1, note="Fine.")
    assert excinfo.value.message == "Only an editor can record that the evidence was re-checked."
    with pytest.raises(Incomplete):
        workflow.reaffirm_claim(flagged, by=editor, version=1, note="  ")
    with pytest.raises(StaleVersion):
        workflow.reaffirm_claim(flagged, by=editor, version=3, note="Fine.")
    assert attention() == [flagged.pk]
    withdrawn = publish_withdrawal(PublishedClaimFactory(quote_text="part-time workers"), by=editor)
    with pytest.raises(InvalidTransition):
        workflow.reaffirm_claim(withdrawn, by=editor, version=withdrawn.version, note="Fine.")


# --- Archived copies count only once verified ----------------------------------------------


def approve_archive(claim, url: str, *, by, approver) -> Source:
    result = editing.record_archived_copy(claim.sources.get(), by=by, archived_url=url)
    approvals.approve_proposal(result.proposal, by=approver)
    return Source.objects.get(pk=claim.sources.get().pk)


def test_a_fake_archive_does_not_clear_it(allow_loopback, flagged, reviewer, editor):
    server = allow_loopback
    server.page("/web/2023/fake", WITHOUT_PASSAGE)
    source = approve_archive(flagged, server.url("/web/2023/fake"), by=reviewer, approver=editor)
    assert (source.archive_verified, attention()) == (None, [flagged.pk])  # not yet verified

    verified = archives.verify_archived_copy(source_id=source.pk, archived_url=source.archived_url)

    source.refresh_from_db()
    assert (verified, source.archive_verified, source.archive_check_detail) == (
        False,
        False,
        "The archived copy does not contain the quoted passage.",
    )
    assert source.archive_checked_at is not None
    assert attention() == [flagged.pk]


def test_a_verified_archive_clears_it(allow_loopback, flagged, reviewer, editor):
    server = allow_loopback
    server.page("/web/2023/real", WITH_PASSAGE)
    source = approve_archive(flagged, server.url("/web/2023/real"), by=reviewer, approver=editor)

    # The thin task calls the domain function (tasks are called directly in unit tests).
    assert task_verify_archived_copy(source_id=source.pk, archived_url=source.archived_url)

    source.refresh_from_db()
    assert (source.archive_verified, source.archive_check_detail) == (
        True,
        "The archived copy contains the quoted passage.",
    )
    assert attention() == []
    assert [r.path for r in server.requests] == ["/web/2023/real"]


def test_an_archive_the_guard_refuses_is_not_verified(http_server, flagged, reviewer, editor):
    """Without the test's loopback exemption the SSRF guard refuses the address: nothing
    is fetched, nothing is verified."""
    http_server.page("/web/x", WITH_PASSAGE)
    source = approve_archive(flagged, http_server.url("/web/x"), by=reviewer, approver=editor)
    assert (
        archives.verify_archived_copy(source_id=source.pk, archived_url=source.archived_url)
        is False
    )
    source.refresh_from_db()
    assert source.archive_check_detail.startswith(
        "The archived copy could not be fetched: refused by the safety guard."
    )
    assert http_server.requests == []
    assert attention() == [flagged.pk]


def test_a_source_with_no_passage_needs_a_200_page_with_text(allow_loopback, reviewer, editor):
    server = allow_loopback
    server.page("/empty", "<html><body></body></html>")
    server.page("/gone", "<html><body>Not here</body></html>", status=404)
    server.page("/text", "<html><body><p>The yearbook, page 12.</p></body></html>")
    claim = PublishedClaimFactory()
    SourceFactory(claim=claim, passage="")
    Source.objects.update(health=SourceHealth.DEAD, health_changed_at=timezone.now())
    outcomes = []
    for path in ("/empty", "/gone", "/text"):
        source = approve_archive(claim, server.url(path), by=reviewer, approver=editor)
        archives.verify_archived_copy(source_id=source.pk, archived_url=source.archived_url)
        source.refresh_from_db()
        outcomes.append((path, source.archive_verified, attention() == []))
    assert outcomes == [("/empty", False, False), ("/gone", False, False), ("/text", True, True)]


def test_a_new_archived_copy_forgets_the_old_verification(
    allow_loopback, flagged, reviewer, editor
):
    server = allow_loopback
    server.page("/real", WITH_PASSAGE)
    source = approve_archive(flagged, server.url("/real"), by=reviewer, approver=editor)
    archives.verify_archived_copy(source_id=source.pk, archived_url=source.archived_url)
    assert attention() == []
    source = approve_archive(flagged, "https://archive.example/other", by=reviewer, approver=editor)
    assert (source.archive_verified, source.archive_checked_at, attention()) == (
        None,
        None,
        [flagged.pk],
    )
    # A late result for the old address is not stored against the new one.
    assert (
        archives.verify_archived_copy(source_id=source.pk, archived_url=server.url("/real")) is None
    )


def test_the_sweep_requeues_copies_never_verified(monkeypatch, flagged, reviewer, editor):
    source = approve_archive(flagged, "https://archive.example/x", by=reviewer, approver=editor)
    sent = []
    monkeypatch.setattr(
        archives.current_app, "send_task", lambda name, kwargs: sent.append((name, kwargs))
    )
    assert task_sweep_archived_copies() == 1
    assert sent == [
        (
            "claims.verify_archived_copy",
            {"source_id": source.pk, "archived_url": "https://archive.example/x"},
        )
    ]


def test_recording_a_copy_queues_its_verification_after_commit(
    monkeypatch, django_capture_on_commit_callbacks, reviewer
):
    from tests.factories import ResearchingClaimFactory

    source = SourceFactory(claim=ResearchingClaimFactory())
    sent = []
    monkeypatch.setattr(
        archives.current_app, "send_task", lambda name, kwargs: sent.append((name, kwargs))
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        editing.record_archived_copy(source, by=reviewer, archived_url="https://a.example/y")
    assert sent == []  # nothing sent inside the transaction
    for callback in callbacks:
        callback()
    assert sent == [
        (
            "claims.verify_archived_copy",
            {"source_id": source.pk, "archived_url": "https://a.example/y"},
        )
    ]

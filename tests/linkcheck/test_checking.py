"""Link checks end to end on the database side: hand-out, fetch from a real local server,
record, health, flags — and the guarantees of the queue of record."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from claims import checking, editing
from claims.enums import Action, CheckOutcome, SourceHealth
from claims.linkcheck import CheckResult
from claims.models import ClaimEvent, LinkCheck, Source
from tests.factories import PublishedClaimFactory, ResearchingClaimFactory, SourceFactory

PAGE = (
    "<html><head><title>Labour market</title></head>"
    "<body><p>The unemployment rate was 4.3 percent in May.</p></body></html>"
)


def result(outcome=CheckOutcome.OK, **extra) -> CheckResult:
    return CheckResult(url="https://stats.example.org/x", outcome=outcome, **extra)


@pytest.mark.django_db(transaction=True)
def test_a_source_is_checked_against_a_real_server(allow_loopback):
    server = allow_loopback
    server.page("/may", PAGE)
    source = SourceFactory(url=server.url("/may"), passage="unemployment rate was 4.3 percent")
    tickets = checking.hand_out([source.pk])
    assert checking.run_checks(tickets) == 1
    source.refresh_from_db()
    check = LinkCheck.objects.get()
    assert (check.outcome, check.http_status, check.title, check.passage_found) == (
        CheckOutcome.OK,
        200,
        "Labour market",
        True,
    )
    assert (source.health, source.last_check, source.check_token) == (SourceHealth.OK, check, None)
    assert source.next_check_at > timezone.now() + timedelta(days=6)


@pytest.mark.django_db(transaction=True)
def test_passage_missing_and_gone_through_a_real_server(allow_loopback):
    server = allow_loopback
    server.page("/changed", "<p>Nothing about unemployment here.</p>")
    missing = SourceFactory(url=server.url("/changed"), passage="rate was 4.3 percent")
    gone = SourceFactory(url=server.url("/nowhere"), passage="")
    checking.run_checks(checking.hand_out([missing.pk, gone.pk]))
    assert dict(Source.objects.values_list("pk", "health")) == {
        missing.pk: SourceHealth.PASSAGE_MISSING,
        gone.pk: SourceHealth.FAILING,
    }


@pytest.mark.django_db
def test_a_redelivered_result_is_not_recorded_twice():
    source = SourceFactory()
    (ticket,) = checking.hand_out([source.pk])
    now = timezone.now()
    assert checking.record_result(ticket, result(CheckOutcome.GONE, status=404), now=now)
    assert checking.record_result(ticket, result(CheckOutcome.GONE, status=404), now=now) is None
    source.refresh_from_db()
    assert (LinkCheck.objects.count(), source.consecutive_failures) == (1, 1)


@pytest.mark.django_db
def test_dead_only_after_three_failures_a_day_apart_then_flagged():
    claim = PublishedClaimFactory()
    source = SourceFactory(claim=claim, title="Labour market release")
    start = timezone.now()
    healths = []
    for hours in (0, 6, 24, 30, 48):
        (ticket,) = checking.hand_out([source.pk], now=start + timedelta(hours=hours))
        checking.record_result(
            ticket, result(CheckOutcome.GONE, status=404), now=start + timedelta(hours=hours)
        )
        source.refresh_from_db()
        healths.append((source.health, source.consecutive_failures))
    assert healths == [
        (SourceHealth.FAILING, 1),
        (SourceHealth.FAILING, 1),
        (SourceHealth.FAILING, 2),
        (SourceHealth.FAILING, 2),
        (SourceHealth.DEAD, 3),
    ]
    flag = ClaimEvent.objects.get(action=Action.FLAG)
    assert (flag.claim, flag.actor, flag.public) == (claim, None, False)
    assert flag.comment == "Source “Labour market release” is now dead (gone)."


@pytest.mark.django_db
def test_blocked_never_makes_a_source_dead():
    source = SourceFactory()
    start = timezone.now()
    for day in range(5):
        (ticket,) = checking.hand_out([source.pk], now=start + timedelta(days=day))
        checking.record_result(
            ticket, result(CheckOutcome.BLOCKED, status=403), now=start + timedelta(days=day)
        )
    source.refresh_from_db()
    assert (source.health, source.consecutive_failures) == (SourceHealth.UNKNOWN, 0)
    assert LinkCheck.objects.filter(outcome=CheckOutcome.BLOCKED).count() == 5


@pytest.mark.django_db
def test_material_change_after_publication_flags_the_claim():
    claim = PublishedClaimFactory()
    source = SourceFactory(claim=claim)
    original = " ".join(f"fact{i}" for i in range(100))
    (ticket,) = checking.hand_out([source.pk])
    checking.record_result(ticket, result(text=original, text_hash="a"))
    source.refresh_from_db()
    assert (source.health, source.baseline_text) == (SourceHealth.OK, original)
    (ticket,) = checking.hand_out([source.pk])
    checking.record_result(ticket, result(text="an entirely different page " * 20, text_hash="b"))
    source.refresh_from_db()
    assert source.health == SourceHealth.CHANGED
    assert ClaimEvent.objects.filter(action=Action.FLAG, claim=claim).count() == 1


@pytest.mark.django_db
def test_sweep_hands_out_due_sources_once_until_the_lease_expires(settings):
    now = timezone.now()
    due = SourceFactory()
    Source.objects.filter(pk=due.pk).update(next_check_at=now - timedelta(minutes=1))
    later = SourceFactory()
    Source.objects.filter(pk=later.pk).update(next_check_at=now + timedelta(days=1))
    (ticket,) = checking.claim_due(now=now)
    assert ticket.source_id == due.pk
    assert checking.claim_due(now=now + timedelta(minutes=5)) == []
    again = checking.claim_due(now=now + timedelta(minutes=settings.LINKCHECK_LEASE_MINUTES + 1))
    assert [t.source_id for t in again] == [due.pk]
    assert again[0].token != ticket.token
    # The first ticket is spent: its late result is ignored.
    assert checking.record_result(ticket, result()) is None


@pytest.mark.django_db
def test_sources_that_never_complete_are_parked():
    source = SourceFactory()
    now = timezone.now()
    Source.objects.filter(pk=source.pk).update(
        next_check_at=now, check_attempts=checking.MAX_ATTEMPTS
    )
    assert checking.claim_due(now=now) == []
    source.refresh_from_db()
    assert (source.check_attempts, source.next_check_at) == (0, now + timedelta(days=1))


@pytest.mark.django_db
def test_adding_a_source_queues_a_check_after_commit(
    reviewer, django_capture_on_commit_callbacks, monkeypatch
):
    from claims import tasks

    sent = []
    monkeypatch.setattr(tasks.task_check_sources, "delay", lambda **kw: sent.append(kw))
    claim = ResearchingClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        source = editing.add_source(
            claim, by=reviewer, url="https://stats.example.org/a", title="A"
        )
    source.refresh_from_db()
    assert sent == [{"tickets": [[source.pk, str(source.check_token)]]}]


@pytest.mark.django_db
def test_a_broker_outage_loses_no_check(reviewer, django_capture_on_commit_callbacks, monkeypatch):
    from kombu.exceptions import OperationalError

    from claims import tasks

    def broker_down(**kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.task_check_sources, "delay", broker_down)
    claim = ResearchingClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        source = editing.add_source(
            claim, by=reviewer, url="https://stats.example.org/b", title="B"
        )
    assert Source.objects.filter(pk=source.pk).exists()  # the save stood
    (ticket,) = checking.claim_due(now=timezone.now() + timedelta(seconds=1))
    assert ticket.source_id == source.pk  # and the next sweep hands it out


@pytest.mark.django_db
def test_changing_the_url_resets_health(reviewer, django_capture_on_commit_callbacks):
    claim = ResearchingClaimFactory()
    source = SourceFactory(claim=claim)
    Source.objects.filter(pk=source.pk).update(health=SourceHealth.DEAD, consecutive_failures=3)
    editing.update_source(source, by=reviewer, version=1, url="https://stats.example.org/new")
    source.refresh_from_db()
    assert (source.health, source.consecutive_failures) == (SourceHealth.UNKNOWN, 0)
    assert source.check_token is not None


@pytest.mark.django_db
def test_archived_copy_can_be_recorded_on_a_published_claim(reviewer, editor):
    """Readers see it, so it waits for an editor who did not propose it."""
    from claims import approvals

    claim = PublishedClaimFactory()
    source = SourceFactory(claim=claim)
    result = editing.record_archived_copy(
        source, by=reviewer, archived_url="https://web.archive.org/x"
    )
    source.refresh_from_db()
    assert source.archived_url == ""
    approvals.approve_proposal(result.proposal, by=editor)
    source.refresh_from_db()
    assert source.archived_url == "https://web.archive.org/x"
    assert list(claim.events.values_list("action", flat=True)) == [
        Action.PROPOSE,
        Action.ARCHIVE_SOURCE,
    ]
    with pytest.raises(editing.Invalid):
        editing.record_archived_copy(source, by=reviewer, archived_url="javascript:alert(1)")


@pytest.mark.django_db(transaction=True)
def test_check_sources_command_sync_prints_a_line_per_source(allow_loopback):
    server = allow_loopback
    server.page("/a", PAGE)
    first = SourceFactory(url=server.url("/a"), passage="")
    second = SourceFactory(url=server.url("/missing"), passage="")
    out = io.StringIO()
    call_command("check_sources", "--id", str(first.pk), str(second.pk), "--sync", stdout=out)
    lines = out.getvalue().splitlines()
    # Results arrive in whatever order the server answers; the counter follows them.
    assert sorted(line.split("] ", 1)[1] for line in lines[:2]) == sorted(
        [f"source {first.pk}: ok 200 → ok", f"source {second.pk}: gone 404 → failing"]
    )
    assert sorted(line.split("]", 1)[0] for line in lines[:2]) == ["[1/2", "[2/2"]
    assert out.getvalue().splitlines()[2].startswith("Checked 2 of 2 source(s) in ")


@pytest.mark.django_db
def test_check_sources_command_queues(monkeypatch, django_capture_on_commit_callbacks):
    from claims import tasks

    sent = []
    monkeypatch.setattr(tasks.task_check_sources, "delay", lambda **kw: sent.append(kw))
    SourceFactory.create_batch(3)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_sources", "--all", stdout=out)
    assert out.getvalue() == "Queued 3 source check(s) for the workers.\n"
    assert len(sent[0]["tickets"]) == 3


@pytest.mark.django_db
def test_check_sources_command_rejects_unknown_ids():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No source with id 999"):
        call_command("check_sources", "--id", "999", stdout=io.StringIO())


@pytest.mark.django_db
def test_removing_a_checked_source_removes_its_checks(reviewer):
    source = SourceFactory(claim=ResearchingClaimFactory())
    (ticket,) = checking.hand_out([source.pk])
    checking.record_result(ticket, result(CheckOutcome.OK, status=200))
    editing.remove_source(source, by=reviewer, version=1)
    assert (Source.objects.count(), LinkCheck.objects.count()) == (0, 0)

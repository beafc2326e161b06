from datetime import UTC, datetime, timedelta

import pytest

from claims.enums import CheckOutcome, SourceHealth
from claims.linkhealth import HealthPolicy, Observation, SourceState, assess, text_similarity

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
DAY = timedelta(hours=24)


def run(outcomes_at, state=None):
    """Feed a sequence of (outcome, time) to the rules; return the states seen."""
    state = state or SourceState()
    seen = []
    for outcome, at in outcomes_at:
        update = assess(state, Observation(outcome=outcome), now=at)
        state = SourceState(
            health=update.health,
            consecutive_failures=update.consecutive_failures,
            last_failure_counted_at=update.last_failure_counted_at,
        )
        seen.append((update.health, update.consecutive_failures))
    return seen


def test_dead_only_after_three_failures_a_day_apart():
    assert run(
        [(CheckOutcome.GONE, T0), (CheckOutcome.GONE, T0 + DAY), (CheckOutcome.GONE, T0 + 2 * DAY)]
    ) == [(SourceHealth.FAILING, 1), (SourceHealth.FAILING, 2), (SourceHealth.DEAD, 3)]


def test_failures_closer_than_a_day_do_not_count():
    hourly = [(CheckOutcome.TIMEOUT, T0 + timedelta(hours=h)) for h in range(30)]
    states = run(hourly)
    assert states[-1] == (SourceHealth.FAILING, 2)
    assert SourceHealth.DEAD not in {health for health, _ in states}


def test_one_success_resets():
    assert run(
        [
            (CheckOutcome.GONE, T0),
            (CheckOutcome.GONE, T0 + DAY),
            (CheckOutcome.OK, T0 + DAY + timedelta(hours=1)),
            (CheckOutcome.GONE, T0 + 2 * DAY),
        ]
    ) == [
        (SourceHealth.FAILING, 1),
        (SourceHealth.FAILING, 2),
        (SourceHealth.OK, 0),
        (SourceHealth.FAILING, 1),
    ]


def test_blocked_never_counts_towards_dead_nor_resets():
    states = run(
        [(CheckOutcome.BLOCKED, T0 + n * DAY) for n in range(5)]
        + [(CheckOutcome.SERVER_ERROR, T0 + 6 * DAY), (CheckOutcome.BLOCKED, T0 + 8 * DAY)]
    )
    assert states == [(SourceHealth.UNKNOWN, 0)] * 5 + [
        (SourceHealth.FAILING, 1),
        (SourceHealth.FAILING, 1),
    ]


def test_dead_after_is_configurable():
    policy = HealthPolicy(dead_after=1)
    update = assess(SourceState(), Observation(CheckOutcome.GONE), now=T0, policy=policy)
    assert update.health == SourceHealth.DEAD


@pytest.mark.parametrize(
    ("observation", "health"),
    [
        (Observation(CheckOutcome.OK, passage_found=True), SourceHealth.OK),
        (Observation(CheckOutcome.OK, passage_found=None), SourceHealth.OK),
        (Observation(CheckOutcome.OK, passage_found=False), SourceHealth.PASSAGE_MISSING),
        (Observation(CheckOutcome.REDIRECTED, permanent_redirect=True), SourceHealth.MOVED),
        (Observation(CheckOutcome.REDIRECTED, cross_site=True), SourceHealth.MOVED),
        (Observation(CheckOutcome.REDIRECTED, to_root=True), SourceHealth.MOVED),
        (Observation(CheckOutcome.REDIRECTED), SourceHealth.OK),
        (Observation(CheckOutcome.TOO_LARGE), SourceHealth.OK),
        (
            Observation(CheckOutcome.REDIRECTED, permanent_redirect=True, passage_found=False),
            SourceHealth.PASSAGE_MISSING,
        ),
    ],
)
def test_health_of_a_reachable_page(observation, health):
    assert assess(SourceState(), observation, now=T0).health == health


BASELINE = " ".join(f"word{i}" for i in range(200))


def test_material_change_against_the_baseline():
    rewritten = " ".join(f"other{i}" for i in range(150)) + " " + BASELINE[:300]
    update = assess(
        SourceState(baseline_text=BASELINE), Observation(CheckOutcome.OK, text=rewritten), now=T0
    )
    assert update.health == SourceHealth.CHANGED
    assert update.text_similarity < 0.8


def test_small_change_is_not_material():
    edited = BASELINE.replace("word100", "word100 (updated)") + " Related: more stories"
    update = assess(
        SourceState(baseline_text=BASELINE), Observation(CheckOutcome.OK, text=edited), now=T0
    )
    assert update.health == SourceHealth.OK
    assert update.text_similarity > 0.95


def test_text_similarity_ignores_case_and_unicode_forms():
    assert text_similarity("Ｆｕｌｌ width TEXT is here ok", "full width text is here ok") == 1.0


@pytest.mark.parametrize(
    ("outcome", "wait"),
    [(CheckOutcome.OK, timedelta(days=7)), (CheckOutcome.GONE, timedelta(days=1))],
)
def test_recheck_spacing_by_health(outcome, wait):
    assert assess(SourceState(), Observation(outcome), now=T0).next_check_at == T0 + wait


def test_retry_after_pushes_the_next_check_within_a_bound():
    later = assess(
        SourceState(), Observation(CheckOutcome.BLOCKED, retry_after_s=3 * 86400), now=T0
    )
    capped = assess(SourceState(), Observation(CheckOutcome.BLOCKED, retry_after_s=10**9), now=T0)
    assert (later.next_check_at, capped.next_check_at) == (T0 + 3 * DAY, T0 + 7 * DAY)

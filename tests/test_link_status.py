"""One truth about link health: the words readers are given and the words the desk is
given come from one pure function (claims.linkhealth.link_status)."""

import pytest

from claims.enums import CheckOutcome, SourceHealth
from claims.linkhealth import LinkStatus, archive_verdict, link_status


def status(health, **extra) -> LinkStatus:
    extra.setdefault("checked", True)
    return link_status(health=health, **extra)


@pytest.mark.parametrize(
    ("health", "extra", "state", "reader"),
    [
        (SourceHealth.UNKNOWN, {"checked": False}, "unchecked", None),
        (
            SourceHealth.OK,
            {"passage": "p", "passage_found": True},
            "ok",
            "The page is still online and still contains the quoted passage",
        ),
        (SourceHealth.OK, {}, "ok", "The page is still online"),
        (SourceHealth.MOVED, {}, "moved", "The page has moved"),
        (SourceHealth.FAILING, {"consecutive_failures": 1}, "failing", None),
        (SourceHealth.DEAD, {"consecutive_failures": 3}, "dead", "The page no longer exists"),
        (
            SourceHealth.DEAD,
            {"archived_url": "https://a.example/"},
            "dead_archived",
            "The page no longer exists — archived copy",
        ),
        (SourceHealth.CHANGED, {}, "changed", "The page has changed since we checked it"),
        (
            SourceHealth.PASSAGE_MISSING,
            {},
            "passage_missing",
            "The quoted passage is no longer on the page",
        ),
        # A check the guard refused fetched nothing: readers are told nothing about it.
        (SourceHealth.FAILING, {"last_outcome": CheckOutcome.REFUSED}, "refused", None),
        (SourceHealth.DEAD, {"last_outcome": CheckOutcome.REFUSED}, "refused", None),
    ],
)
def test_what_readers_are_told(health, extra, state, reader):
    found = status(health, **extra)
    assert (found.state, found.reader) == (state, reader)


def test_failing_but_not_dead_is_plain_for_the_desk_and_silent_for_readers():
    found = status(
        SourceHealth.FAILING,
        consecutive_failures=2,
        dead_after=3,
        last_outcome=CheckOutcome.TIMEOUT,
    )
    assert found == LinkStatus(
        state="failing",
        reader=None,
        desk="Failing, not yet dead: 2 of 3 failed checks (last: timed out). Readers are told "
        "nothing yet.",
        failing=True,
    )


@pytest.mark.parametrize(
    ("verified", "desk"),
    [
        (True, "Dead after 3 failed checks. An archived copy is recorded and verified."),
        (
            False,
            "Dead after 3 failed checks. The archived copy could not be verified: it "
            "does not count.",
        ),
        (None, "Dead after 3 failed checks. An archived copy is recorded, not verified yet."),
    ],
)
def test_the_desk_is_told_whether_the_archived_copy_counts(verified, desk):
    found = status(
        SourceHealth.DEAD,
        consecutive_failures=3,
        archived_url="https://a.example/",
        archive_verified=verified,
    )
    assert (found.desk, found.needs_attention) == (desk, True)


def test_the_refused_check_is_explained_to_the_desk():
    found = status(
        SourceHealth.DEAD, last_outcome=CheckOutcome.REFUSED, last_detail="private address"
    )
    assert found == LinkStatus(
        state="refused",
        reader=None,
        desk="The link checker's safety guard refused this address (private address): "
        "nothing was fetched. Check the link by hand.",
        needs_attention=True,
    )


@pytest.mark.parametrize(
    ("outcome", "status_code", "passage", "found", "text", "expected"),
    [
        (
            CheckOutcome.OK,
            200,
            "p",
            True,
            "t",
            (True, "The archived copy contains the quoted passage."),
        ),
        (
            CheckOutcome.REDIRECTED,
            200,
            "p",
            True,
            "t",
            (True, "The archived copy contains the quoted passage."),
        ),
        (
            CheckOutcome.OK,
            200,
            "p",
            False,
            "t",
            (False, "The archived copy does not contain the quoted passage."),
        ),
        (
            CheckOutcome.OK,
            200,
            "p",
            None,
            "",
            (False, "The archived copy does not contain the quoted passage."),
        ),
        (
            CheckOutcome.OK,
            200,
            "",
            None,
            "Some text",
            (True, "The archived copy answered 200 with text (the source quotes no passage)."),
        ),
        (CheckOutcome.OK, 200, "", None, "  ", (False, "The archived copy has no readable text.")),
        (
            CheckOutcome.OK,
            203,
            "",
            None,
            "t",
            (False, "The archived copy answered HTTP 203, not 200."),
        ),
        (
            CheckOutcome.GONE,
            404,
            "p",
            None,
            "",
            (False, "The archived copy could not be fetched: gone (404/410)."),
        ),
        (
            CheckOutcome.REFUSED,
            None,
            "p",
            None,
            "",
            (False, "The archived copy could not be fetched: refused by the safety guard."),
        ),
    ],
)
def test_an_archived_copy_counts_only_if_it_holds_the_evidence(
    outcome, status_code, passage, found, text, expected
):
    verdict = archive_verdict(
        outcome=outcome, status=status_code, passage=passage, passage_found=found, text=text
    )
    assert verdict == expected

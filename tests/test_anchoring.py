import pytest

from claims import anchoring
from claims.anchoring import Span

BODY = "Prices rose 5 percent. Wages rose 5 percent too.\n\nNobody said 5 percent again."


def test_check_span_accepts_exact_quote():
    anchoring.check_span(BODY, 0, 21, "Prices rose 5 percent")


def test_check_span_names_the_mismatch():
    with pytest.raises(anchoring.QuoteMismatch) as excinfo:
        anchoring.check_span(BODY, 0, 21, "Prices fell 5 percent")
    assert str(excinfo.value) == (
        "The quote does not match the article text at 0–21: the quote is "
        "“Prices fell 5 percent” but the text there is “Prices rose 5 percent”."
    )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (-1, 5, "Offsets cannot be negative (got -1–5)."),
        (
            5,
            5,
            "start_offset (5) must be smaller than end_offset (5): a claim quotes at "
            "least one character.",
        ),
        (70, 200, "end_offset 200 falls outside the article text, which is 78 characters long."),
    ],
)
def test_check_span_refuses_bad_offsets(start, end, message):
    with pytest.raises(anchoring.OffsetsOutOfRange) as excinfo:
        anchoring.check_span(BODY, start, end, "x")
    assert str(excinfo.value) == message


def test_select_takes_32_characters_of_context():
    selector = anchoring.select(BODY, 23, 47)
    assert selector == anchoring.Selector(
        quote="Wages rose 5 percent too",
        start=23,
        end=47,
        prefix="Prices rose 5 percent. ",
        suffix=".\n\nNobody said 5 percent again.",
    )


def test_find_occurrences_lists_every_span():
    assert anchoring.find_occurrences(BODY, "5 percent") == [
        Span(12, 21),
        Span(34, 43),
        Span(62, 71),
    ]


def test_locate_unique_quote():
    assert anchoring.locate(BODY, "Nobody said") == Span(50, 61)


def test_locate_repeated_quote_asks_which():
    with pytest.raises(anchoring.AmbiguousQuote) as excinfo:
        anchoring.locate(BODY, "5 percent")
    assert excinfo.value.spans == [Span(12, 21), Span(34, 43), Span(62, 71)]
    assert str(excinfo.value) == (
        "“5 percent” occurs 3 times in the article; choose which one the claim is."
    )


def test_locate_with_occurrence_picks_it():
    assert anchoring.locate(BODY, "5 percent", occurrence=2) == Span(34, 43)


def test_locate_missing_quote():
    with pytest.raises(anchoring.QuoteNotFound):
        anchoring.locate(BODY, "6 percent")


def test_normalise_body_uses_newlines_only():
    assert anchoring.normalise_body("One.  \r\n\r\nTwo.\rThree.\n\n") == "One.\n\nTwo.\nThree."


def test_reanchor_follows_an_insertion_before_the_quote():
    edited = "Breaking: " + BODY
    quote = "Wages rose 5 percent too"
    selector = anchoring.select(BODY, 23, 47)
    span = anchoring.reanchor(
        edited, quote=quote, prefix=selector.prefix, suffix=selector.suffix, hint=23
    )
    assert span == Span(33, 57)
    assert edited[span.start : span.end] == quote


def test_reanchor_uses_context_to_choose_among_repeats():
    selector = anchoring.select(BODY, 62, 71)  # the third "5 percent"
    edited = BODY.replace("Prices rose", "Prices, we hear, rose")
    span = anchoring.reanchor(
        edited, quote="5 percent", prefix=selector.prefix, suffix=selector.suffix, hint=62
    )
    assert span == Span(72, 81)
    assert edited[span.start - 12 : span.end] == "Nobody said 5 percent"


def test_reanchor_gives_up_when_the_words_are_gone():
    assert anchoring.reanchor(BODY, quote="Wages fell", prefix="", suffix="") is None

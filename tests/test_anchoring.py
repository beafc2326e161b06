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


# --- Typed words: NFC, quotes and apostrophes, white space --------------------------------

DECOMPOSED = "Le cafe\u0301 de la gare\u0301 a ferme\u0301."


def test_precomposed_typing_matches_decomposed_text():
    span = anchoring.locate(DECOMPOSED, "caf\u00e9 de la gar\u00e9")
    assert DECOMPOSED[span.start : span.end] == "cafe\u0301 de la gare\u0301"


def test_decomposed_typing_matches_precomposed_text():
    body = "Le caf\u00e9 ferme."
    span = anchoring.locate(body, "cafe\u0301")
    assert (span, body[span.start : span.end]) == (Span(3, 7), "caf\u00e9")


def test_straight_and_curly_quotes_and_apostrophes_are_alike():
    body = "He said “it’s over” and ‘left’."
    assert anchoring.find_typed(body, '"it\'s over"') == [Span(8, 19)]
    assert anchoring.find_typed(body, "'left'") == [Span(24, 30)]
    straight = 'He said "it\'s over".'
    assert anchoring.find_typed(straight, "“it’s over”") == [Span(8, 19)]


def test_white_space_runs_and_line_breaks_match_one_space():
    body = "fell to\n4.2\u00a0percent"
    assert anchoring.find_typed(body, "fell to 4.2 percent") == [Span(0, len(body))]
    assert anchoring.find_typed(body, "  fell   to ") == [Span(0, 7)]


def test_a_match_never_splits_a_letter_from_its_accent():
    # "cafe" must not match the "cafe" of "cafe\u0301": that would store half a letter.
    assert anchoring.find_typed(DECOMPOSED, "cafe") == []
    assert anchoring.find_typed("cafe\u0301 and cafe", "cafe") == [Span(10, 14)]


def test_repeated_typed_words_are_every_occurrence_and_ask_which():
    body = "It’s up. It's up."
    assert anchoring.find_typed(body, "It's up") == [Span(0, 7), Span(9, 16)]
    with pytest.raises(anchoring.AmbiguousQuote) as raised:
        anchoring.locate(body, "It’s up")
    assert raised.value.spans == [Span(0, 7), Span(9, 16)]


def test_typed_words_that_are_only_space_match_nothing():
    assert anchoring.find_typed("a b", "   ") == []

"""Anchoring claims to their exact span of an article's text.

A claim is stored as a W3C Web Annotation–style selector: the quoted words, their
character offsets into ``Article.body`` (a TextPositionSelector) and about 32 characters
of context on either side (a TextQuoteSelector's ``prefix``/``suffix``). The offsets make
rendering cheap; the quote and its context let a claim be found again when the body is
edited. Pure functions on strings, no ORM: models, forms and the API all call these.

Offsets count Python ``str`` characters (Unicode code points) in the body with ``\\n``
line endings, which is what :func:`normalise_body` guarantees. A span must start and end
on *grapheme cluster* boundaries (Unicode UAX #29, the ``regex`` package's ``\\X``): what
a reader sees as one character — a flag (two code points), a letter with a combining
accent, an emoji sequence joined by ZWJ — is quoted whole or not at all.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

CONTEXT_CHARS = 32


class AnchorError(ValueError):
    """The quote and the offsets of a claim do not describe a span of the article text."""

    field = "quote"


class OffsetsOutOfRange(AnchorError):
    field = "end_offset"


class QuoteMismatch(AnchorError):
    field = "quote"


class SplitsCharacter(AnchorError):
    """An end of the span falls inside a user-perceived character (a grapheme cluster)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class QuoteNotFound(AnchorError):
    field = "quote"


class AmbiguousQuote(AnchorError):
    """The words occur more than once; the caller must say which occurrence is meant."""

    field = "quote"

    def __init__(self, message: str, spans: list[Span]) -> None:
        super().__init__(message)
        self.spans = spans


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Selector:
    """Everything stored on a claim to find its words again."""

    quote: str
    start: int
    end: int
    prefix: str
    suffix: str


def normalise_body(text: str) -> str:
    """Line endings to ``\\n`` (browsers submit ``\\r\\n``), no trailing blank space.

    Run once when an article's text comes in, before any offset is computed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_GRAPHEME = regex.compile(r"\X")


def grapheme_at(text: str, index: int) -> tuple[int, int]:
    """The ``(start, end)`` of the grapheme cluster of ``text`` that contains ``index``
    (``start == index`` when a cluster starts there); ``(index, index)`` at either end.

    Clusters never span a line feed (UAX #29 rules GB4/GB5: a break always follows LF), so
    only the line around ``index`` is scanned, however long the article.
    """
    if index <= 0 or index >= len(text):
        return index, index
    line_start = text.rfind("\n", 0, index) + 1
    line_end = text.find("\n", index)
    line_end = len(text) if line_end == -1 else line_end + 1
    for match in _GRAPHEME.finditer(text, line_start, line_end):
        if match.end() > index:
            return match.start(), match.end()
    return index, index  # not reached: the clusters cover the line


def on_boundary(text: str, index: int) -> bool:
    return grapheme_at(text, index)[0] == index


def _describe(cluster: str) -> str:
    names = [unicodedata.name(char, f"U+{ord(char):04X}").lower() for char in cluster]
    return " + ".join(names)


def check_boundaries(body: str, start: int, end: int) -> None:
    """Raise :class:`SplitsCharacter` unless ``start`` and ``end`` are grapheme boundaries."""
    for field, index, which in (("start_offset", start, "starts"), ("end_offset", end, "ends")):
        before, after = grapheme_at(body, index)
        if before != index:
            cluster = body[before:after]
            raise SplitsCharacter(
                f"The claim {which} inside a character: “{cluster}” at {before}–{after} is one "
                f"character on screen ({_describe(cluster)}), so a quote cannot cut it in "
                f"two. Move {field} to {before} or {after}.",
                field,
            )


def check_span(body: str, start: int, end: int, quote: str) -> None:
    """Raise an :class:`AnchorError` unless ``body[start:end] == quote``.

    The message names the mismatch so a reviewer (or an API client) can fix it.
    """
    if start is None or end is None:
        raise OffsetsOutOfRange("Both start_offset and end_offset are required.")
    if start < 0 or end < 0:
        raise OffsetsOutOfRange(f"Offsets cannot be negative (got {start}–{end}).")
    if start >= end:
        raise OffsetsOutOfRange(
            f"start_offset ({start}) must be smaller than end_offset ({end}): a claim "
            "quotes at least one character."
        )
    if end > len(body):
        raise OffsetsOutOfRange(
            f"end_offset {end} falls outside the article text, which is {len(body)} "
            "characters long."
        )
    actual = body[start:end]
    if actual != quote:
        raise QuoteMismatch(
            f"The quote does not match the article text at {start}–{end}: the quote is "
            f"“{_excerpt(quote)}” but the text there is “{_excerpt(actual)}”."
        )
    check_boundaries(body, start, end)


def select(body: str, start: int, end: int) -> Selector:
    """The selector of ``body[start:end]``, with its context (offsets must be valid)."""
    # Only the offsets can be wrong here: the range checks run before the comparison.
    check_span(body, start, end, body[start:end])
    return Selector(
        quote=body[start:end],
        start=start,
        end=end,
        prefix=body[max(0, start - CONTEXT_CHARS) : start],
        suffix=body[end : end + CONTEXT_CHARS],
    )


def find_occurrences(body: str, quote: str, *, whole_characters: bool = True) -> list[Span]:
    """Every span (overlapping ones included) where ``quote`` occurs in ``body`` — only
    those that begin and end on character (grapheme) boundaries unless told otherwise."""
    if not quote:
        return []
    spans = []
    index = body.find(quote)
    while index != -1:
        span = Span(index, index + len(quote))
        if not whole_characters or (on_boundary(body, span.start) and on_boundary(body, span.end)):
            spans.append(span)
        index = body.find(quote, index + 1)
    return spans


# Typographic quotes and apostrophes, and the ASCII ones they are typed as.
_QUOTE_FOLDS = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′
        "\u02bc": "'",  # ʼ (modifier letter apostrophe)
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″
    }
)


def _clusters(text: str) -> list[tuple[int, int]]:
    """(start, end) of each base character with the combining marks that follow it."""
    bounds: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        if bounds and unicodedata.combining(char):
            bounds[-1] = (bounds[-1][0], index + 1)
        else:
            bounds.append((index, index + 1))
    return bounds


def _fold(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``text`` as typed words are compared, and for each folded character the span of
    ``text`` it came from.

    NFC per character cluster (so precomposed and decomposed accents agree), typographic
    quotes and apostrophes as ASCII, every run of white space (line breaks, no-break
    spaces) as one space.
    """
    folded: list[str] = []
    origin: list[tuple[int, int]] = []
    for start, end in _clusters(text):
        piece = text[start:end]
        if piece.isspace():
            if folded and folded[-1] == " ":
                origin[-1] = (origin[-1][0], end)
                continue
            folded.append(" ")
            origin.append((start, end))
            continue
        for char in unicodedata.normalize("NFC", piece).translate(_QUOTE_FOLDS):
            folded.append(char)
            origin.append((start, end))
    return "".join(folded), origin


def find_typed(body: str, typed: str) -> list[Span]:
    """Every span of ``body`` that reads as the ``typed`` words (see :func:`_fold`).

    The spans are exact offsets into ``body`` — ``body[span.start:span.end]`` is what the
    claim stores, whatever the reviewer's keyboard produced. A match never starts or ends
    inside a character cluster (a letter and its accents).
    """
    needle, _ = _fold(typed.strip())
    if not needle:
        return []
    haystack, origin = _fold(body)
    spans: list[Span] = []
    index = haystack.find(needle)
    while index != -1:
        last = index + len(needle) - 1
        starts_cluster = index == 0 or origin[index - 1] != origin[index]
        ends_cluster = last + 1 == len(origin) or origin[last + 1] != origin[last]
        if starts_cluster and ends_cluster:
            span = Span(origin[index][0], origin[last][1])
            if not spans or spans[-1] != span:
                spans.append(span)
        index = haystack.find(needle, index + 1)
    return spans


def locate(body: str, quote: str, *, occurrence: int | None = None) -> Span:
    """The span of ``quote`` in ``body``, for the form that takes words instead of offsets.

    ``quote`` is matched as typed words (:func:`find_typed`); the span is exact, so the
    stored quote is ``body[span.start:span.end]``, not what was typed.

    ``occurrence`` (1-based) chooses among repeated words; without it, words that occur
    more than once raise :class:`AmbiguousQuote` carrying every candidate span.
    """
    if not quote.strip():
        raise QuoteNotFound("Quote the words of the claim exactly as they appear in the article.")
    # Typed words: accents however composed, straight or curly quotes, any white space.
    spans = find_typed(body, quote)
    if not spans:
        if find_occurrences(body, quote, whole_characters=False):
            raise QuoteNotFound(
                f"“{_excerpt(quote)}” occurs in the article only as part of a larger "
                "character (a letter with its accent, a flag, an emoji sequence): quote the "
                "whole character."
            )
        raise QuoteNotFound(
            f"“{_excerpt(quote)}” does not occur in the article text. Copy the words "
            "exactly, punctuation included (straight and curly quotes count as the same)."
        )
    if occurrence is not None:
        if not 1 <= occurrence <= len(spans):
            raise AmbiguousQuote(
                f"There is no occurrence {occurrence}: the words occur {len(spans)} time(s).",
                spans,
            )
        return spans[occurrence - 1]
    if len(spans) > 1:
        raise AmbiguousQuote(
            f"“{_excerpt(quote)}” occurs {len(spans)} times in the article; choose which "
            "one the claim is.",
            spans,
        )
    return spans[0]


def _common_suffix_len(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_prefix_len(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def reanchor(
    body: str, *, quote: str, prefix: str, suffix: str, hint: int | None = None
) -> Span | None:
    """Find a claim's words again in an edited body, or ``None`` if they are gone.

    Among the occurrences of the exact quote, the one whose surroundings best match the
    stored prefix and suffix wins; a tie goes to the occurrence nearest the old offset
    (``hint``). The quote itself must be unchanged: if the quoted words were edited, a
    person has to decide whether the claim still stands — as when the edit glued a
    combining mark to them, so that they now end inside a character.
    """
    spans = find_occurrences(body, quote)
    if not spans:
        return None

    def score(span: Span) -> tuple[int, int]:
        context = _common_suffix_len(
            body[max(0, span.start - len(prefix)) : span.start], prefix
        ) + _common_prefix_len(body[span.end : span.end + len(suffix)], suffix)
        distance = abs(span.start - hint) if hint is not None else 0
        return (context, -distance)

    return max(spans, key=score)

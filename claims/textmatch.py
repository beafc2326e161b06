"""Page text for link checks: decode a body, keep the visible text, find a passage in it.

Pure functions on strings and bytes, no network and no Django, so the link checker and
anything else (a re-check of a stored page, a management command) share one definition of
"the text of a page" and of "the passage is on the page".

The stdlib ``html.parser`` is enough here: we need the visible text and the title, not a
DOM, and it copes with broken markup without a compiled dependency. It is slower than
lexbor/libxml2, so the link checker runs it off the event loop.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import re
import time
import unicodedata
from collections import Counter
from html.parser import HTMLParser

# --- Normalisation ----------------------------------------------------------------------

# After NFKC (which already folds full-width forms and the ellipsis): every quote to one
# straight quote of its kind, every dash and minus to "-", invisible characters removed.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′‵`´ʹʻʼ‹›", "'"),
        **dict.fromkeys("“”„‟″‶«»〝〞＂", '"'),
        **dict.fromkeys("‐‑‒–—―−⁃﹘﹣－⸺⸻", "-"),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    }
)
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFKC, quotes, dashes, whitespace and case folded: the form passages are compared in."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).casefold()
    return _SPACE.sub(" ", text).strip()


def text_hash(normalized: str) -> str:
    """sha256 of normalised visible text: equal for cosmetic markup changes."""
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


# --- Decoding ---------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def decode_body(body: bytes, charset: str | None = None, *, html: bool = False) -> str:
    """Bytes to text: BOM, then the header's charset, then ``<meta charset>``, then UTF-8.

    Undecodable bytes become U+FFFD rather than failing the check.
    """
    encoding = next((name for bom, name in _BOMS if body.startswith(bom)), None)
    encoding = encoding or _known_codec(charset)
    if encoding is None and html:
        found = _META_CHARSET.search(body[:4096])
        encoding = _known_codec(found.group(1).decode("ascii")) if found else None
    return body.decode(encoding or "utf-8", errors="replace")


# --- Visible text -----------------------------------------------------------------------

# Content a reader never sees. <head> is handled separately: browsers close it implicitly.
_HIDDEN = {"script", "style", "noscript", "template", "svg", "math", "iframe", "object"}
_HEAD_CONTENT = {"title", "meta", "link", "style", "script", "base", "noscript", "template"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}
# Tags that separate words; inline tags (a, b, span...) do not: "foo<b>bar</b>" is "foobar".
_BREAKS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    "body", "html", "title", "button", "label", "option", "select", "textarea", "summary",
}  # fmt: skip


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._hidden: list[str] = []
        self._in_head = False
        self._in_title = False
        self._title_done = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")
        if self._in_head and tag not in _HEAD_CONTENT:
            self._in_head = False  # HTML5: a body element ends <head> even without </head>
        if tag == "head":
            self._in_head = True
        elif tag == "title" and not self._hidden and not self._title_done:
            self._in_title = True
        elif tag in _HIDDEN and tag not in _VOID:
            self._hidden.append(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")
        if self._in_head and tag not in _HEAD_CONTENT:
            self._in_head = False

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")
        if tag == "head":
            self._in_head = False
        elif tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True
        elif tag in self._hidden:
            # Close up to the matching open tag; a stray end tag changes nothing.
            while self._hidden and self._hidden.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif self._hidden:
            return
        elif self._in_head:
            if data.strip():
                self._in_head = False  # text in <head> starts the body, as in a browser
                self.parts.append(data)
        else:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """``(title, visible text)`` of an HTML document; whitespace collapsed, case kept."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    title = _SPACE.sub(" ", "".join(parser.title_parts)).strip()
    text = _SPACE.sub(" ", "".join(parser.parts)).strip()
    return title, text


# --- Passage matching -------------------------------------------------------------------

FUZZY_MAX_PASSAGE = 2000  # characters of normalised passage compared fuzzily
FUZZY_CANDIDATES = 8  # windows scored with difflib
FUZZY_BUDGET_S = 0.25  # wall-clock bound for the fuzzy step


def match_passage(
    passage: str,
    text: str,
    *,
    threshold: float = 0.85,
    normalized: bool = False,
    budget_s: float = FUZZY_BUDGET_S,
) -> tuple[bool | None, float | None]:
    """Is ``passage`` on the page whose visible text is ``text``? ``(found, score)``.

    1. Both sides are normalised (unless the caller says ``text`` already is); an empty
       passage is ``(None, None)``: nothing was looked for.
    2. Exact substring: ``(True, 1.0)``.
    3. Otherwise a bounded fuzzy search: word shingles shared with the passage vote for the
       few windows of the page most likely to hold it, and difflib scores only those
       (ratio 0..1), within a time budget. Found when the best score reaches ``threshold``.
    """
    needle = normalize_text(passage)
    if not needle:
        return None, None
    haystack = text if normalized else normalize_text(text)
    if needle in haystack:
        return True, 1.0
    score = _best_window_score(needle[:FUZZY_MAX_PASSAGE], haystack, budget_s)
    return score >= threshold, round(score, 3)


def _best_window_score(needle: str, haystack: str, budget_s: float) -> float:
    deadline = time.monotonic() + budget_s
    words = haystack.split()
    pattern = needle.split()
    n = len(pattern)
    if not words or not n:
        return 0.0
    # Each word shingle of the page that also occurs in the passage votes for where the
    # passage would start on the page (page index minus passage index): the diagonals
    # with most votes are where it most likely is, even with a word changed here and there.
    k = 3 if n >= 6 else 1
    where: dict[tuple[str, ...], list[int]] = {}
    for j in range(n - k + 1):
        where.setdefault(tuple(pattern[j : j + k]), []).append(j)
    votes: Counter[int] = Counter()
    for i in range(len(words) - k + 1):
        for j in where.get(tuple(words[i : i + k]), ())[:4]:
            votes[i - j] += 1
    slack = max(1, n // 10)
    candidates: list[int] = []
    for start, _count in votes.most_common():
        if len(candidates) == FUZZY_CANDIDATES:
            break
        if all(abs(start - other) > slack for other in candidates):
            candidates.append(start)
    best = 0.0
    for start in candidates:
        for begin, size in ((start, n), (start - slack, n + 2 * slack), (start, n - slack)):
            if time.monotonic() > deadline:
                return best
            window = " ".join(words[max(0, begin) : max(0, begin) + max(1, size)])
            matcher = difflib.SequenceMatcher(None, needle, window, autojunk=False)
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                best = max(best, matcher.ratio())
    return best

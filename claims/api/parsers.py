"""The API's only parser: JSON, hardened so no request body can cause a 500."""

from __future__ import annotations

import re

from rest_framework import exceptions, parsers

# UTF-16 surrogate code points: JSON's "\ud800" escapes decode to them, but alone they are
# not Unicode characters, and no UTF-8 text (a response, the database) can hold them.
SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(data) -> bool:
    """True if any string in ``data`` — a key or a value, at any depth — has a surrogate.

    (A surrogate pair written as two escapes, "\\ud83d\\ude00", is decoded by the JSON
    parser into the one character it stands for, so what is left here is unpaired.)
    """
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, which turns malformed JSON into a 400 — hardened against two
    bodies it lets through:

    - nesting deeper than the decoder's recursion limit (``[[[[...``), which escapes as a
      ``RecursionError``;
    - an unpaired surrogate (``"\\ud800"``), valid JSON syntax but not Unicode: DRF would
      echo it in a field error that the JSON renderer then cannot encode (a 500). It is
      refused here, before any field is read, wherever it is in the body.

    (DRF reads the body through ``request.body``, so Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` applies; ``errors.exception_handler`` answers 413.)
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None
        if _has_lone_surrogate(data):
            raise exceptions.ParseError(
                "JSON parse error - the body contains an unpaired surrogate escape (such as "
                "\\ud800), which is not a Unicode character."
            )
        return data

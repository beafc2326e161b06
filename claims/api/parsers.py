"""The API's only parser: JSON, hardened so no request body can cause a 500."""

from __future__ import annotations

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, which turns malformed JSON into a 400 — but lets nesting deeper
    than the decoder's recursion limit (``[[[[...``) escape as a ``RecursionError``.

    (DRF reads the body through ``request.body``, so Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` applies; ``errors.exception_handler`` answers 413.)
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None

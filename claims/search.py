"""Search over claims: PostgreSQL full-text search, or a plain fallback on SQLite."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

SEARCH_FIELDS = ("statement", "quote", "summary")
MAX_TERMS = 8


def search_claims(queryset: QuerySet, text: str) -> QuerySet:
    text = " ".join(text.split())[:200]
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(*SEARCH_FIELDS, config="english")
        query = SearchQuery(text, config="english", search_type="websearch")
        return queryset.annotate(search=vector).filter(search=query)
    # Every word must appear in one of the fields (case-insensitive substring).
    condition = Q()
    for word in text.split()[:MAX_TERMS]:
        any_field = Q()
        for field in SEARCH_FIELDS:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return queryset.filter(condition)

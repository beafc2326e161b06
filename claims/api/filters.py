"""Query filters of the API's claim list: an allow-list, applied after the visibility rule.

The view narrows the queryset to what the client may see first (published claims for
anyone without a reviewer role), so no filter value can reach an unpublished claim.
Filters name articles and tags by slug, like the public pages.
"""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.utils import timezone
from django_filters.fields import IsoDateTimeField
from rest_framework.filters import OrderingFilter

from ..enums import ClaimStatus, Rating
from ..models import Claim
from ..search import search_claims


class UTCDateTimeField(IsoDateTimeField):
    """An ISO 8601 time, as UTC: no offset means UTC, and a time that cannot be expressed
    in UTC (year 1 with a positive offset...) is refused here rather than in the database."""

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        if timezone.is_naive(value):
            value = value.replace(tzinfo=UTC)
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("This time is out of range.", code="invalid") from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class ClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text="Words that must all appear in the statement, the quote or the summary "
        "(full-text search on PostgreSQL).",
    )
    status = django_filters.ChoiceFilter(
        choices=ClaimStatus.choices,
        help_text="Workflow status. Without a reviewer role only published claims exist.",
    )
    rating = django_filters.ChoiceFilter(choices=Rating.choices)
    article = django_filters.CharFilter(
        field_name="article__slug", max_length=80, help_text="The article's slug."
    )
    tag = django_filters.CharFilter(
        field_name="tags__slug", max_length=80, help_text="A tag's slug."
    )
    updated_since = UTCDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only claims changed at or after this ISO 8601 time (UTC if no offset).",
    )

    class Meta:
        model = Claim
        fields = ["q", "status", "rating", "article", "tag", "updated_since"]

    def filter_search(self, queryset, name, value):
        return search_claims(queryset, value)


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` on allow-listed fields, with the id as a tie-breaker so pages of a
    list never overlap or skip rows."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        return [*ordering, "-id" if ordering[-1].startswith("-") else "id"]

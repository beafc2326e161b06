"""Filters over claims shared by the reader pages (and, later, the API).

Only allow-listed fields can be filtered, so internal fields cannot be probed.
"""

import django_filters
from django import forms

from .enums import Rating
from .models import Article, Claim, Tag
from .search import search_claims


class PublicClaimFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="filter_search", widget=forms.TextInput(attrs={"type": "search"})
    )
    rating = django_filters.ChoiceFilter(choices=Rating.choices, empty_label="Any rating")
    article = django_filters.ModelChoiceFilter(
        queryset=Article.objects.filter(claims__status="published").distinct(),
        to_field_name="slug",
        empty_label="Any article",
    )
    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        queryset=Tag.objects.filter(claims__status="published").distinct(),
        to_field_name="slug",
        empty_label="Any tag",
    )

    class Meta:
        model = Claim
        fields = ["q", "rating", "article", "tag"]

    def filter_search(self, queryset, name, value):
        return search_claims(queryset, value)

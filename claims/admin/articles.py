"""Articles and tags in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count

from ..models import (
    Article,
    Claim,
    Tag,
)
from .base import ViewOnlyInline


class ClaimOfArticleInline(ViewOnlyInline):
    model = Claim
    fields = ["statement", "quote", "status", "rating"]
    readonly_fields = fields
    ordering = ["start_offset"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Articles are plain data: saving one moves its claims along with their words (the
    model refuses a body edit that deletes quoted words), so the form is editable."""

    list_display = ["title", "outlet", "published_at", "claim_count", "created_at"]
    list_filter = ["outlet", "language"]
    search_fields = ["title", "outlet", "author", "slug"]
    date_hierarchy = "published_at"
    readonly_fields = ["slug", "created_at", "updated_at"]
    inlines = [ClaimOfArticleInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_claims=Count("claims"))

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, article: Article) -> int:
        return article.n_claims


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "claim_count"]
    search_fields = ["name", "slug"]
    # The slug is in public URLs (?tag=...): renaming a tag keeps it.
    readonly_fields = ["slug"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_claims=Count("claims"))

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, tag: Tag) -> int:
        return tag.n_claims

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting a tag in use would change claims without an event in their history.
        if obj is not None and obj.claims.exists():
            return False
        return super().has_delete_permission(request, obj)

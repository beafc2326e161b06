"""Fixtures of the reviewer-view tests."""

import pytest
from django.urls import reverse

from tests.factories import (
    ResearchingClaimFactory,
    SourceFactory,
)


@pytest.fixture
def every_review_url(db):
    """One URL per review view (GET or POST), with the objects they need."""
    claim = ResearchingClaimFactory()
    source = SourceFactory(claim=claim)
    slug = claim.article.slug
    return [
        reverse("claims:review_dashboard"),
        reverse("claims:review_articles"),
        reverse("claims:review_article_new"),
        reverse("claims:review_article", args=[slug]),
        reverse("claims:review_claim_new", args=[slug]),
        reverse("claims:review_claim_new_from_words", args=[slug]),
        reverse("claims:review_claim", args=[claim.pk]),
        reverse("claims:review_claim_preview", args=[claim.pk]),
        reverse("claims:review_claim_action", args=[claim.pk, "submit"]),
        reverse("claims:review_source_add", args=[claim.pk]),
        reverse("claims:review_source_edit", args=[claim.pk, source.pk]),
        reverse("claims:review_source_remove", args=[claim.pk, source.pk]),
        reverse("claims:review_note_add", args=[claim.pk]),
    ]

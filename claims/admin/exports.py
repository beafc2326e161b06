"""The claim export actions' rows and cells (CSV and JSON)."""

from __future__ import annotations

from ..models import (
    Claim,
)

EXPORT_FIELDS = [
    "id",
    "slug",
    "status",
    "article",
    "statement",
    "claimant",
    "quote",
    "start_offset",
    "end_offset",
    "rating",
    "summary",
    "explanation",
    "tags",
    "version",
    "created_at",
    "updated_at",
    "published_at",
    "submitted_by",
    "approved_by",
    "withdrawn_at",
    "withdrawal_reason",
]


def export_row(claim: Claim) -> dict:
    return {
        "id": claim.pk,
        "slug": claim.slug,
        "status": claim.status,
        "article": claim.article.slug,
        "statement": claim.statement,
        "claimant": claim.claimant,
        "quote": claim.quote,
        "start_offset": claim.start_offset,
        "end_offset": claim.end_offset,
        "rating": claim.rating,
        "summary": claim.summary,
        "explanation": claim.explanation,
        "tags": [tag.name for tag in claim.tags.all()],
        "version": claim.version,
        "created_at": claim.created_at,
        "updated_at": claim.updated_at,
        "published_at": claim.published_at,
        "submitted_by": claim.submitted_by.get_username() if claim.submitted_by else None,
        "approved_by": claim.approved_by.get_username() if claim.approved_by else None,
        "withdrawn_at": claim.withdrawn_at,
        "withdrawal_reason": claim.withdrawal_reason,
    }


def csv_cell(value) -> str:
    """A spreadsheet-safe cell: text that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text

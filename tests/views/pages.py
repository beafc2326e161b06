"""Reading the reviewer pages in tests: messages, error summaries, buttons; and the
form data the views expect."""

import html
import re

from django.urls import reverse

from claims.enums import Rating
from tests.factories import (
    ResearchingClaimFactory,
    SourceFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
QUOTE = "unemployment fell to 4.2 percent last year"
STALE_START = "This claim changed after you loaded it (you had version 1; it is now version 2)."


def shown_messages(response) -> list[tuple[str, str]]:
    """The (level, text) of every message rendered on the page."""
    found = re.findall(
        r'<p class="message message--(\w+)"[^>]*>(.*?)</p>', response.content.decode(), re.S
    )
    return [(level, html.unescape(text)) for level, text in found]


def error_summary(response) -> list[str]:
    """The items of every form's error summary on the page, tags stripped."""
    items = re.findall(
        r'<div class="error-summary" role="alert">.*?<ul>(.*?)</ul>',
        response.content.decode(),
        re.S,
    )
    return [
        html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        for block in items
        for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def element_inner(response, element_id: str) -> str:
    """The inner HTML of the element with ``id`` (one without nested elements of its tag)."""
    match = re.search(
        rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', response.content.decode(), re.S
    )
    assert match, f"no element #{element_id}"
    return match.group(2)


def note_body(response, note) -> str:
    """The rendered markdown of one note on a claim page."""
    pattern = rf'<li class="note" id="note-{note.pk}">.*?<div class="markdown note__body">'
    return re.search(pattern + "(.*?)</div>", response.content.decode(), re.S).group(1)


def action_buttons(response) -> list[str]:
    """The workflow actions offered on a claim page, in order."""
    return re.findall(
        r'class="stacked-form action-form action-form--(\w+)"', response.content.decode()
    )


def claim_url(claim) -> str:
    return reverse("claims:review_claim", args=[claim.pk])


def action_url(claim, action: str) -> str:
    return reverse("claims:review_claim_action", args=[claim.pk, action])


def edit_data(claim, **overrides) -> dict:
    data = {
        "statement": claim.statement,
        "claimant": claim.claimant,
        "claimant_kind": claim.claimant_kind,
        "tags": "",
        "rating": claim.rating,
        "summary": claim.summary,
        "explanation": claim.explanation,
        "version": claim.version,
    }
    data.update(overrides)
    return data


def complete_claim(**fields):
    """A researching claim with everything submission needs."""
    claim = ResearchingClaimFactory(
        rating=Rating.MOSTLY_ACCURATE,
        summary="Close: the official figure is 4.3%.",
        explanation="The statistics office reports 4.3%.",
        **fields,
    )
    SourceFactory(claim=claim)
    return claim


def selection_data(start: int, end: int, quote_text: str, **extra) -> dict:
    data = {
        "selection-quote": quote_text,
        "selection-start_offset": start,
        "selection-end_offset": end,
        "selection-statement": "Unemployment fell to 4.2% last year.",
        "selection-claimant": "The minister",
        "selection-claimant_kind": "person",
        "selection-tags": "economy, jobs",
    }
    data.update(extra)
    return data


def source_data(prefix="source", **overrides) -> dict:
    data = {
        "url": "https://stats.example.org/labour",
        "title": "Labour market overview",
        "publisher": "Statistics Office",
        "kind": "primary_data",
        "stance": "refutes",
        "passage": "The rate was 4.3%.",
    }
    data.update(overrides)
    return {f"{prefix}-{name}": value for name, value in data.items()}


def dashboard_sections(response) -> dict:
    """Each section's count and the ids it lists (claims; proposals for "proposals")."""
    return {
        section["id"]: (
            section["count"],
            [item.pk for item in section.get("claims", section.get("proposals"))],
        )
        for section in response.context["sections"]
    }

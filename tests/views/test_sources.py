"""A claim's sources and notes in the reviewer UI."""

import re

import pytest
from django.urls import reverse

from claims import editing
from claims.enums import Action
from claims.models import Note, Source
from tests.factories import (
    PublishedClaimFactory,
    ResearchingClaimFactory,
    SourceFactory,
)
from tests.views.pages import HTMX, claim_url, error_summary, note_body, shown_messages, source_data

pytestmark = pytest.mark.django_db


# --- Sources and notes --------------------------------------------------------------------


def test_adding_a_source(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_source_add", args=[claim.pk]), source_data(), follow=True
    )
    assert response.redirect_chain == [(claim_url(claim) + "#sources", 302)]
    assert list(claim.sources.values_list("url", "title", "stance")) == [
        ("https://stats.example.org/labour", "Labour market overview", "refutes")
    ]
    source = claim.sources.get()
    assert list(claim.events.values_list("action", "changes")) == [
        (
            Action.ADD_SOURCE,
            [
                {
                    "field": "source",
                    "source": source.pk,
                    "before": None,
                    "after": {
                        "url": "https://stats.example.org/labour",
                        "title": "Labour market overview",
                        "publisher": "Statistics Office",
                        "kind": "primary_data",
                        "passage": "The rate was 4.3%.",
                        "stance": "refutes",
                        "accessed_at": source.accessed_at.isoformat(),
                        "archived_url": "",
                    },
                }
            ],
        )
    ]
    assert shown_messages(response) == [("success", "Source added.")]


def test_adding_a_source_with_htmx_returns_the_section(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_source_add", args=[claim.pk]), source_data(), **HTMX
    )
    assert response.status_code == 200
    assert response.templates[0].name == "review/partials/sources.html"
    page = response.content.decode().strip()
    assert page.startswith('<section class="claim-section" id="sources"')
    assert re.findall(r'id="(\w+)"[^>]*hx-swap-oob="([\w]+)"', page) == [
        ("workflow", "true"),
        ("history", "true"),
        ("messages", "innerHTML"),
    ]
    assert shown_messages(response) == [("success", "Source added.")]


def test_an_invalid_source_keeps_the_input(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    for extra in ({}, HTMX):
        response = client.post(
            reverse("claims:review_source_add", args=[claim.pk]),
            source_data(url="ftp://stats.example.org/x", title=""),
            **extra,
        )
        assert response.status_code == 422
        assert error_summary(response) == [
            "URL: Enter a web address starting with http:// or https://.",
            "Title: This field is required.",
        ]
        assert 'value="ftp://stats.example.org/x"' in response.content.decode()
    assert claim.sources.count() == 0


def test_editing_a_source(client, reviewer):
    source = SourceFactory(claim=ResearchingClaimFactory())
    url = reverse("claims:review_source_edit", args=[source.claim_id, source.pk])
    client.force_login(reviewer)
    page = client.get(url)
    assert page.templates[0].name == "review/source_edit.html"
    assert client.get(url, **HTMX).templates[0].name == "review/partials/source_edit.html"
    prefix = f"source-{source.pk}"
    data = source_data(prefix, title="Revised title")
    data[f"{prefix}-version"] = 1
    response = client.post(url, data, follow=True)
    source.refresh_from_db()
    assert (source.title, source.version) == ("Revised title", 2)
    assert shown_messages(response) == [("success", "Source saved.")]


def test_editing_a_stale_source_is_refused(client, reviewer):
    source = SourceFactory(claim=ResearchingClaimFactory())
    editing.update_source(source, by=reviewer, version=1, title="Someone else's title")
    url = reverse("claims:review_source_edit", args=[source.claim_id, source.pk])
    prefix = f"source-{source.pk}"
    data = source_data(prefix, title="My title")
    data[f"{prefix}-version"] = 1
    client.force_login(reviewer)
    response = client.post(url, data, **HTMX)
    assert response.status_code == 409
    assert (response["HX-Retarget"], response["HX-Reswap"]) == (
        f"#source-{source.pk}",
        "outerHTML",
    )
    assert shown_messages(response) == [
        (
            "error",
            "This source changed after you loaded it (you had version 1; it is now version "
            "2). Nothing was saved: reload and try again.",
        )
    ]
    assert 'value="My title"' in response.content.decode()
    source.refresh_from_db()
    assert source.title == "Someone else's title"


def test_removing_a_source(client, reviewer):
    source = SourceFactory(claim=ResearchingClaimFactory(), title="Old release")
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_source_remove", args=[source.claim_id, source.pk]),
        {"version": 1},
        follow=True,
    )
    assert Source.objects.count() == 0
    assert shown_messages(response) == [("success", "Source removed: Old release.")]


def test_sources_of_a_published_claim_cannot_change(client, editor):
    source = SourceFactory(claim=PublishedClaimFactory())
    client.force_login(editor)
    response = client.post(
        reverse("claims:review_source_remove", args=[source.claim_id, source.pk]),
        {"version": 1},
    )
    assert response.status_code == 409
    assert shown_messages(response) == [
        (
            "error",
            "Sources can be changed only while a claim is draft or being researched; this "
            "one is published.",
        )
    ]
    assert Source.objects.count() == 1


def test_a_source_of_another_claim_is_404(client, reviewer):
    source = SourceFactory(claim=ResearchingClaimFactory())
    other = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_source_remove", args=[other.pk, source.pk]), {"version": 1}
    )
    assert response.status_code == 404
    assert Source.objects.count() == 1


def test_adding_a_note_in_any_state(client, reviewer):
    claim = PublishedClaimFactory()
    url = reverse("claims:review_note_add", args=[claim.pk])
    client.force_login(reviewer)
    response = client.post(url, {"note-body": "Readers asked about *this*."}, follow=True)
    assert response.redirect_chain == [(claim_url(claim) + "#notes", 302)]
    assert list(claim.notes.values_list("author", "body")) == [
        (reviewer.pk, "Readers asked about *this*.")
    ]
    note = claim.notes.get()
    assert note_body(response, note) == "<p>Readers asked about <em>this</em>.</p>\n"

    response = client.post(url, {"note-body": "Second."}, **HTMX)
    page = response.content.decode().strip()
    assert page.startswith('<section class="claim-section" id="notes"')
    assert claim.notes.count() == 2


def test_an_empty_note_is_refused(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(reverse("claims:review_note_add", args=[claim.pk]), {"note-body": ""})
    assert response.status_code == 422
    assert error_summary(response) == ["Add a note: This field is required."]
    assert Note.objects.count() == 0

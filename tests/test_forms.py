"""The reviewers' forms: they parse and tidy input; the domain decides the rules."""

import pytest

from claims.enums import Action, ClaimantKind, Rating
from claims.forms import (
    ClaimForm,
    ClaimFromOffsetsForm,
    ClaimFromWordsForm,
    TransitionForm,
    normalise_newlines,
    parse_tags,
)
from claims.rules import TRANSITIONS
from tests.factories import ResearchingClaimFactory


def test_parse_tags_splits_trims_and_drops_duplicates():
    assert parse_tags(" arms trade,SIPRI, ,  arms   trade , Azerbaijan,") == [
        "arms trade",
        "SIPRI",
        "Azerbaijan",
    ]
    assert parse_tags("") == []


def test_normalise_newlines_turns_every_line_break_into_lf():
    assert normalise_newlines("a\r\nb\rc\nd") == "a\nb\nc\nd"


def content(**extra) -> dict:
    data = {"statement": "S.", "claimant": "C", "claimant_kind": "person", "tags": ""}
    data.update(extra)
    return data


def test_offsets_form_keeps_the_quote_exactly_but_with_lf_line_breaks():
    form = ClaimFromOffsetsForm(
        content(quote=" last year.\r\n\r\nCritics ", start_offset="5", end_offset="27")
    )
    assert form.is_valid(), form.errors
    assert (
        form.cleaned_data["quote"],
        form.cleaned_data["start_offset"],
        form.cleaned_data["end_offset"],
    ) == (" last year.\n\nCritics ", 5, 27)


def test_offsets_form_without_a_selection_says_how_to_make_one():
    form = ClaimFromOffsetsForm(content(quote="x", start_offset="-1"))
    assert form.errors == {
        "__all__": ["Select the claim's words in the article text, then choose “New claim”."]
    }


def test_words_form_strips_the_quote_and_takes_an_optional_occurrence():
    form = ClaimFromWordsForm(content(quote="  rose \r\n", tags="economy, prices"))
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["quote"], form.cleaned_data["occurrence"]) == ("rose", None)
    assert form.claim_fields() == {
        "statement": "S.",
        "claimant": "C",
        "claimant_kind": ClaimantKind.PERSON,
        "tags": ["economy", "prices"],
    }
    assert ClaimFromWordsForm(content(quote="rose", occurrence="0")).errors == {
        "occurrence": ["Ensure this value is greater than or equal to 1."]
    }


def test_tags_longer_than_the_model_allows_are_refused():
    form = ClaimFromWordsForm(content(quote="rose", tags="ok, " + "y" * 61))
    assert form.errors == {"tags": ["A tag can be at most 60 characters long: “" + "y" * 61 + "”."]}


@pytest.mark.django_db
def test_claim_form_starts_from_the_claim_and_returns_its_changes():
    claim = ResearchingClaimFactory(rating=Rating.MIXED, summary="Partly.")
    claim.tags.create(name="economy")
    initial = ClaimForm.initial_for(claim)
    assert initial == {
        "statement": claim.statement,
        "claimant": "The minister",
        "claimant_kind": ClaimantKind.PERSON,
        "rating": Rating.MIXED,
        "summary": "Partly.",
        "explanation": "",
        "tags": "economy",
        "version": 1,
    }
    form = ClaimForm({**initial, "rating": "", "explanation": "One\r\nTwo"})
    assert form.is_valid(), form.errors
    assert form.changes() == {
        "statement": claim.statement,
        "claimant": "The minister",
        "claimant_kind": ClaimantKind.PERSON,
        "rating": "",
        "summary": "Partly.",
        "explanation": "One\nTwo",
    }


def test_transition_forms_need_a_version_and_leave_the_comment_to_the_workflow():
    reject = TRANSITIONS[Action.REJECT]
    assert TransitionForm({"comment": "Why"}, transition=reject).errors == {
        "version": ["This field is required."]
    }
    form = TransitionForm({"version": "3"}, transition=reject)
    assert form.is_valid()
    assert form.cleaned_data == {"version": 3, "comment": ""}
    assert form.fields["comment"].label == reject.comment_label


def test_transition_forms_ask_only_for_what_the_transition_needs():
    assert list(TransitionForm(transition=TRANSITIONS[Action.APPROVE]).fields) == ["version"]
    assert list(TransitionForm(transition=TRANSITIONS[Action.WITHDRAW]).fields) == [
        "comment",
        "version",
    ]
    admin = TransitionForm(transition=TRANSITIONS[Action.CORRECT], with_version=False)
    assert list(admin.fields) == ["rating", "summary", "explanation", "comment"]


def test_correction_form_needs_a_rating_from_the_scale():
    correct = TRANSITIONS[Action.CORRECT]
    form = TransitionForm(
        {"version": "2", "rating": "", "summary": "S", "explanation": "E"}, transition=correct
    )
    assert form.errors == {"rating": ["This field is required."]}
    form = TransitionForm(
        {"version": "2", "rating": "false", "summary": "S", "explanation": "E", "comment": "N"},
        transition=correct,
    )
    assert form.is_valid()
    assert form.verdict() == {"rating": Rating.FALSE, "summary": "S", "explanation": "E"}

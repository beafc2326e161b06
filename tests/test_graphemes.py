"""A claim's span never cuts a user-perceived character in two (issue 11.13).

Spans could split a flag emoji (two regional indicators) or a letter from its combining
accent. Every path that writes a span — the API, the reviewer UI's selection and words
forms, edits, article edits that move claims — goes through ``claims.anchoring``.
"""

import pytest
from django.urls import reverse

from claims import anchoring, editing
from claims.models import Article, Claim
from tests.factories import ArticleFactory, ClaimFactory, ResearchingClaimFactory
from tests.views.pages import error_summary

# "Paris 🇫🇷 said the cafe\u0301 is closed. 👩‍👩‍👧 families." (a flag, an e with a
# combining acute accent, and a family emoji joined by zero-width joiners)
BODY = "Paris \U0001f1eb\U0001f1f7 said the cafe\u0301 is closed. 👩\u200d👩\u200d👧 families."
FLAG = BODY.index("\U0001f1eb")  # the flag's two code points: FLAG, FLAG + 1
ACCENT = BODY.index("\u0301")  # the accent follows its e at ACCENT - 1
FAMILY = BODY.index("👩")


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (
            0,
            FLAG + 1,
            "end_offset",
            f"The claim ends inside a character: “\U0001f1eb\U0001f1f7” at {FLAG}–{FLAG + 2} is "
            "one character on screen (regional indicator symbol letter f + regional "
            "indicator symbol letter r), so a quote cannot cut it in two. Move end_offset to "
            f"{FLAG} or {FLAG + 2}.",
        ),
        (
            FLAG + 1,
            FLAG + 8,
            "start_offset",
            f"The claim starts inside a character: “\U0001f1eb\U0001f1f7” at {FLAG}–{FLAG + 2} "
            "is one character on screen (regional indicator symbol letter f + regional "
            "indicator symbol letter r), so a quote cannot cut it in two. Move start_offset "
            f"to {FLAG} or {FLAG + 2}.",
        ),
        (
            ACCENT - 5,
            ACCENT,
            "end_offset",
            f"The claim ends inside a character: “e\u0301” at {ACCENT - 1}–{ACCENT + 1} is one "
            "character on screen (latin small letter e + combining acute accent), so a "
            f"quote cannot cut it in two. Move end_offset to {ACCENT - 1} or {ACCENT + 1}.",
        ),
        (
            FAMILY + 2,
            FAMILY + 10,
            "start_offset",
            f"The claim starts inside a character: “👩\u200d👩\u200d👧” at {FAMILY}–"
            f"{FAMILY + 5} is one character on screen (woman + zero width joiner + woman + "
            "zero width joiner + girl), so a quote cannot cut it in two. Move start_offset "
            f"to {FAMILY} or {FAMILY + 5}.",
        ),
    ],
)
def test_a_span_that_cuts_a_character_is_refused_with_where_to_move(start, end, field, message):
    with pytest.raises(anchoring.SplitsCharacter) as excinfo:
        anchoring.check_span(BODY, start, end, BODY[start:end])
    assert (excinfo.value.field, str(excinfo.value)) == (field, message)


def test_whole_characters_are_fine():
    for start, end in [(0, FLAG + 2), (FLAG, FLAG + 2), (ACCENT - 4, ACCENT + 1), (0, len(BODY))]:
        anchoring.check_span(BODY, start, end, BODY[start:end])


def test_line_breaks_are_boundaries_and_crlf_is_one_character():
    body = "One line.\r\nTwo lines.\nThree."
    assert [i for i in range(len(body) + 1) if not anchoring.on_boundary(body, i)] == [10]


def test_words_are_found_only_where_they_are_whole_characters():
    assert anchoring.locate(BODY, "cafe\u0301") == anchoring.Span(ACCENT - 4, ACCENT + 1)
    with pytest.raises(anchoring.QuoteNotFound) as excinfo:
        anchoring.locate(BODY, "cafe")  # only there as the start of "café"
    assert str(excinfo.value) == (
        "“cafe” occurs in the article only as part of a larger character (a letter with "
        "its accent, a flag, an emoji sequence): quote the whole character."
    )


@pytest.fixture
def article(db):
    return ArticleFactory(body=BODY)


@pytest.mark.django_db
def test_the_api_refuses_a_span_that_cuts_a_flag(client, reviewer, token_for, article):
    response = client.post(
        "/api/v1/claims/",
        {
            "article": article.slug,
            "quote": BODY[0 : FLAG + 1],
            "start_offset": 0,
            "end_offset": FLAG + 1,
            "statement": "Paris said so.",
            "claimant": "Paris",
        },
        content_type="application/json",
        **token_for(reviewer),
    )
    assert response.status_code == 422  # a domain refusal (claims.errors)
    assert response.json()["error"]["fields"] == {
        "end_offset": (
            f"The claim ends inside a character: “\U0001f1eb\U0001f1f7” at {FLAG}–{FLAG + 2} is "
            "one character on screen (regional indicator symbol letter f + regional "
            "indicator symbol letter r), so a quote cannot cut it in two. Move end_offset to "
            f"{FLAG} or {FLAG + 2}."
        )
    }
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_an_edit_cannot_move_a_span_into_a_character(client, reviewer, token_for, article):
    claim = ResearchingClaimFactory(article=article, quote_text="said the cafe\u0301")
    response = client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"version": claim.version, "quote": "said the cafe", "end_offset": ACCENT},
        content_type="application/json",
        **token_for(reviewer),
    )
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["end_offset"]
    claim.refresh_from_db()
    assert (claim.quote, claim.version) == ("said the cafe\u0301", 1)


@pytest.mark.django_db
def test_the_reviewer_selection_refuses_half_an_accented_letter(client, reviewer, article):
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_claim_new", args=[article.slug]),
        {
            "selection-quote": BODY[ACCENT - 4 : ACCENT],
            "selection-start_offset": ACCENT - 4,
            "selection-end_offset": ACCENT,
            "selection-statement": "The café is closed.",
            "selection-claimant": "Paris",
            "selection-claimant_kind": "person",
            "selection-tags": "",
        },
    )
    assert response.status_code == 422
    assert error_summary(response) == [
        f"The claim ends inside a character: “e\u0301” at {ACCENT - 1}–{ACCENT + 1} is one "
        "character on screen (latin small letter e + combining acute accent), so a quote "
        f"cannot cut it in two. Move end_offset to {ACCENT - 1} or {ACCENT + 1}."
    ]
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_an_article_edit_that_glues_an_accent_to_quoted_words_is_refused(reviewer):
    article = ArticleFactory(body="The cafe is open.")
    ClaimFactory(article=article, quote_text="The cafe")
    with pytest.raises(editing.Invalid) as excinfo:
        editing.update_article(
            article,
            by=reviewer,
            version=article.version,
            fields={"body": "The cafe\u0301 is open."},
        )
    assert excinfo.value.fields == {
        "body": "This edit removes words that claims quote: “The cafe”. Keep those words: a "
        "claim always quotes the article's text exactly."
    }
    assert Article.objects.get().body == "The cafe is open."

"""Articles in the reviewer UI, and anchoring new claims in their text."""

import html
import re

import pytest
from django.urls import reverse

from claims.enums import Action, ClaimStatus
from claims.models import Article, Claim
from tests.factories import (
    BODY,
    ArticleFactory,
    ClaimFactory,
    PublishedClaimFactory,
)
from tests.views.pages import QUOTE, claim_url, error_summary, selection_data, shown_messages

pytestmark = pytest.mark.django_db


# --- Articles -----------------------------------------------------------------------------


def test_article_list_counts_claims_by_status(client, reviewer, django_assert_num_queries):
    article = ArticleFactory(title="Budget day")
    ClaimFactory(article=article)
    ClaimFactory(article=article)
    PublishedClaimFactory(article=article)
    ArticleFactory(title="Quiet day")
    client.force_login(reviewer)
    with django_assert_num_queries(5):  # session, user, groups, count, page
        response = client.get(reverse("claims:review_articles"))
    rows = re.findall(r'<p class="article-row__meta">(.*?)</p>', response.content.decode(), re.S)
    assert [" ".join(html.unescape(re.sub(r"<[^>]+>", "", row)).split()) for row in rows] == [
        "The Daily Test · " + article.published_at.strftime("%-d %b %Y") + " · 0 claims",
        "The Daily Test · "
        + article.published_at.strftime("%-d %b %Y")
        + " · 3 claims: 2 draft, 1 published",
    ]


def test_adding_an_article(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_article_new"),
        {
            "title": "Budget day",
            "standfirst": "The chancellor's numbers.",
            "author": "A. Reporter",
            "outlet": "The Daily Test",
            "url": "https://news.example.org/budget",
            "published_at": "2024-03-06T12:30",
            "language": "en",
            "body": "First paragraph.\r\n\r\nSecond paragraph.  \r\n",
        },
        follow=True,
    )
    article = Article.objects.get()
    assert response.redirect_chain == [(reverse("claims:review_article", args=[article.slug]), 302)]
    assert (article.title, article.body, article.slug) == (
        "Budget day",
        "First paragraph.\n\nSecond paragraph.",
        "budget-day",
    )
    assert shown_messages(response) == [
        ("success", "Article added. Select a claim in its text to start.")
    ]
    paragraphs = re.findall(r'<p data-start="(\d+)">(.*?)</p>', response.content.decode())
    assert paragraphs == [("0", "First paragraph."), ("18", "Second paragraph.")]


def test_adding_an_article_with_errors_keeps_the_input(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_article_new"),
        {"title": "Budget day", "url": "javascript:alert(1)", "language": "en", "body": ""},
    )
    assert response.status_code == 422
    assert Article.objects.count() == 0
    assert error_summary(response) == [
        "URL of the original: Enter a web address starting with http:// or https://.",
        "Body: This field is required.",
    ]
    assert 'value="Budget day"' in response.content.decode()


def test_article_page_highlights_every_claim_with_its_status(client, reviewer):
    article = ArticleFactory()
    draft = ClaimFactory(article=article)
    published = PublishedClaimFactory(article=article, quote_text="wages had not kept up")
    client.force_login(reviewer)
    response = client.get(reverse("claims:review_article", args=[article.slug]))
    page = response.content.decode()
    # Highlights are marks, not links (a selection may start inside one)…
    marks = re.findall(
        r'<mark class="hl lane-(\d)[^"]*" data-claim="([^"]+)"[^>]*>(.*?)</mark>', page
    )
    assert marks == [("0", str(draft.pk), QUOTE), ("0", str(published.pk), "wages had not kept up")]
    assert 'class="claim-mark' not in page
    # …and each claim's status label is its link.
    labels = re.findall(
        r'<a class="mark-status status status--(\w+)" href="([^"]+)" data-offset-skip '
        r'data-claim="([^"]+)"',
        page,
    )
    assert labels == [
        ("draft", claim_url(draft), str(draft.pk)),
        ("published", claim_url(published), str(published.pk)),
    ]
    assert re.findall(r'<p data-start="(\d+)">', page) == ["0", str(BODY.index("Critics"))]
    assert "<script>" not in page.split("</head>")[1]  # no inline scripts


# --- Creating claims ----------------------------------------------------------------------


def test_overlapping_claims_are_drawn_as_nested_marks_in_their_own_lanes(client, reviewer):
    article = ArticleFactory()
    wide = ClaimFactory(article=article, quote_text="fell to 4.2 percent")
    inner = ClaimFactory(article=article, quote_text="4.2 percent last year")
    client.force_login(reviewer)
    page = client.get(reverse("claims:review_article", args=[article.slug])).content.decode()
    paragraph = re.search(r'<p data-start="0">(.*?)</p>', page, re.S).group(1)
    pieces = re.sub(r'<a class="mark-status.*?</a>', "|", paragraph)
    pieces = re.sub(r' title="[^"]*"', "", pieces)
    assert (
        f'<mark class="hl lane-0 hl--start" data-claim="{wide.pk}">fell to </mark>'
        f'<mark class="hl lane-1 hl--start" data-claim="{inner.pk}">'
        f'<mark class="hl lane-0 hl--end" data-claim="{wide.pk}">4.2 percent</mark></mark>|'
        f'<mark class="hl lane-1 hl--end" data-claim="{inner.pk}"> last year</mark>|'
    ) in pieces


def test_creating_a_claim_from_a_selection(client, reviewer):
    article = ArticleFactory()
    start = article.body.index(QUOTE)
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_claim_new", args=[article.slug]),
        # Browsers send line breaks as CRLF: the form turns them back into LF.
        selection_data(start, start + len(QUOTE), QUOTE),
        follow=True,
    )
    claim = Claim.objects.get()
    assert response.redirect_chain == [(claim_url(claim), 302)]
    assert (claim.quote, claim.start_offset, claim.end_offset, claim.status) == (
        QUOTE,
        start,
        start + len(QUOTE),
        ClaimStatus.DRAFT,
    )
    assert sorted(claim.tags.values_list("name", flat=True)) == ["economy", "jobs"]
    assert list(claim.events.values_list("action", "actor")) == [(Action.CREATE, reviewer.pk)]
    assert shown_messages(response) == [
        ("success", "Claim created as a draft. Start research when you are ready.")
    ]


def test_a_selection_across_paragraphs_keeps_its_line_breaks(client, reviewer):
    article = ArticleFactory()
    quote_text = "last year.\n\nCritics"
    start = article.body.index(quote_text)
    client.force_login(reviewer)
    client.post(
        reverse("claims:review_claim_new", args=[article.slug]),
        selection_data(start, start + len(quote_text), "last year.\r\n\r\nCritics"),
    )
    assert Claim.objects.get().quote == quote_text


def test_wrong_offsets_are_refused_with_the_mismatch_and_nothing_is_created(client, reviewer):
    article = ArticleFactory()
    start = article.body.index(QUOTE)
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_claim_new", args=[article.slug]),
        selection_data(start + 1, start + 1 + len(QUOTE), QUOTE),
    )
    assert response.status_code == 422
    assert Claim.objects.count() == 0
    problem = (
        f"The quote does not match the article text at {start + 1}–{start + 1 + len(QUOTE)}: "
        f"the quote is “{QUOTE}” but the text there is “nemployment fell to 4.2 percent "
        "last year.”."
    )
    assert shown_messages(response) == [("error", "Some values are not valid: " + problem)]
    assert error_summary(response) == [problem]
    page = response.content.decode()
    # The form stays open, with what the reviewer typed.
    assert 'id="new-claim-selection" method="post"' in page
    assert "data-selection-form hidden" not in page
    assert "Unemployment fell to 4.2% last year.</textarea>" in page


def test_a_claim_without_a_selection_says_how_to_make_one(client, reviewer):
    article = ArticleFactory()
    client.force_login(reviewer)
    data = selection_data(0, 1, "")
    del data["selection-start_offset"], data["selection-end_offset"]
    response = client.post(reverse("claims:review_claim_new", args=[article.slug]), data)
    assert response.status_code == 422
    assert error_summary(response) == [
        "Select the claim's words in the article text, then choose “New claim”."
    ]
    assert Claim.objects.count() == 0


def test_offsets_outside_the_text_are_refused(client, reviewer):
    article = ArticleFactory()
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_claim_new", args=[article.slug]),
        selection_data(len(BODY) - 2, len(BODY) + 5, "es."),
    )
    assert response.status_code == 422
    assert error_summary(response) == [
        f"end_offset {len(BODY) + 5} falls outside the article text, which is {len(BODY)} "
        "characters long."
    ]
    assert Claim.objects.count() == 0


def words_data(quote_text: str, **extra) -> dict:
    data = {
        "words-quote": quote_text,
        "words-statement": "A checkable statement.",
        "words-claimant": "The minister",
        "words-claimant_kind": "person",
        "words-tags": "",
    }
    data.update(extra)
    return data


def test_creating_a_claim_from_unique_words(client, reviewer):
    article = ArticleFactory()
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_claim_new_from_words", args=[article.slug]), words_data(QUOTE)
    )
    claim = Claim.objects.get()
    assert (response.status_code, response.url) == (302, claim_url(claim))
    assert (claim.start_offset, claim.end_offset) == (
        BODY.index(QUOTE),
        BODY.index(QUOTE) + len(QUOTE),
    )


def test_words_that_do_not_occur_are_refused(client, reviewer):
    article = ArticleFactory()
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_claim_new_from_words", args=[article.slug]),
        words_data("unemployment rose"),
    )
    assert response.status_code == 422
    assert Claim.objects.count() == 0
    assert error_summary(response) == [
        "Quoted words: “unemployment rose” does not occur in the article text. Copy the words "
        "exactly, punctuation included (straight and curly quotes count as the same)."
    ]
    assert "unemployment rose</textarea>" in response.content.decode()


def test_typed_words_match_whatever_the_keyboard_produced_and_store_the_articles(client, reviewer):
    # The article has a decomposed é ("e" + U+0301), a curly apostrophe and a line break.
    body = "The cafe\u0301 owner’s rent\nrose 40 percent, she said."
    article = ArticleFactory(body=body)
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_claim_new_from_words", args=[article.slug]),
        words_data("caf\u00e9 owner's rent rose"),
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    quote = "cafe\u0301 owner’s rent\nrose"
    assert (claim.quote, claim.start_offset, claim.end_offset) == (
        quote,
        body.index(quote),
        body.index(quote) + len(quote),
    )


def test_repeated_words_ask_which_occurrence_then_create_the_claim(client, reviewer):
    article = ArticleFactory(body="Prices rose. Wages fell.\n\nThen prices rose again.")
    url = reverse("claims:review_claim_new_from_words", args=[article.slug])
    client.force_login(reviewer)

    response = client.post(url, words_data("rose"))
    assert response.status_code == 200
    assert Claim.objects.count() == 0
    assert shown_messages(response) == [
        ("info", "“rose” occurs 2 times in the article; choose which one the claim is.")
    ]
    choices = re.findall(
        r'<input type="radio" name="words-occurrence"[^>]*value="(\d)".*?<label[^>]*>(.*?)</label>',
        response.content.decode(),
        re.S,
    )
    assert [(value, html.unescape(label)) for value, label in choices] == [
        ("1", '<span class="occurrence-number">Occurrence 1:</span> Prices <mark>rose</mark>'
         ". Wages fell.\n\nThen prices rose again."),
        ("2", '<span class="occurrence-number">Occurrence 2:</span> Prices rose. Wages fell.'
         "\n\nThen prices <mark>rose</mark> again."),
    ]  # fmt: skip
    assert "A checkable statement.</textarea>" in response.content.decode()

    response = client.post(url, words_data("rose", **{"words-occurrence": "2"}))
    claim = Claim.objects.get()
    assert (response.status_code, response.url) == (302, claim_url(claim))
    assert (claim.quote, claim.start_offset) == ("rose", article.body.rindex("rose"))

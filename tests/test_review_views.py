"""The reviewers' UI, through the test client: access, every action by the right and the
wrong role, refusals shown as messages with the input kept, and query counts."""

import html
import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from claims import checking, editing, workflow
from claims.enums import Action, CheckOutcome, ClaimStatus, Rating
from claims.linkcheck import CheckResult
from claims.models import Article, Claim, ClaimEvent, Correction, Note, Source
from tests.factories import (
    BODY,
    ArticleFactory,
    ClaimFactory,
    InReviewClaimFactory,
    NoteFactory,
    PublishedClaimFactory,
    ResearchingClaimFactory,
    SourceFactory,
    WithdrawnClaimFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
QUOTE = "unemployment fell to 4.2 percent last year"
STALE_START = "This claim changed after you loaded it (you had version 1; it is now version 2)."


# --- Helpers ------------------------------------------------------------------------------


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


# --- Access -------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login_from_every_review_url(client, every_review_url):
    for url in every_review_url:
        for method in (client.get, client.post):
            response = method(url)
            assert (response.status_code, response.url) == (
                302,
                f"{reverse('login')}?next={quote(url)}",
            ), url
    assert Claim.objects.count() == 1 and Source.objects.count() == 1


def test_users_without_a_role_get_403_on_every_review_url(client, outsider, every_review_url):
    client.force_login(outsider)
    for url in every_review_url:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 403, url
            assert response.templates[0].name == "review/forbidden.html"
    assert "You have no reviewer role" in response.content.decode()
    assert ClaimEvent.objects.count() == 0
    assert Claim.objects.get().status == ClaimStatus.RESEARCHING  # the submit did nothing


def test_every_role_can_open_the_dashboard(client, reviewer, editor, superuser):
    for user in (reviewer, editor, superuser):
        client.force_login(user)
        assert client.get(reverse("claims:review_dashboard")).status_code == 200


def test_reviewers_cannot_reach_the_admin(client, reviewer, editor):
    for user in (reviewer, editor):
        client.force_login(user)
        response = client.get("/admin/")
        assert (response.status_code, response.url) == (302, "/admin/login/?next=/admin/")


def test_review_pages_are_never_cached(client, reviewer, outsider):
    url = reverse("claims:review_dashboard")
    assert client.get(url)["Cache-Control"] == "private, no-store"  # the login redirect
    client.force_login(outsider)
    assert client.get(url)["Cache-Control"] == "private, no-store"  # the 403 page
    client.force_login(reviewer)
    response = client.get(url)
    assert (response.status_code, response["Cache-Control"]) == (200, "private, no-store")


def test_review_pages_carry_no_inline_code(client, editor):
    """Scripts and styles come from files only, for the Content-Security-Policy."""
    claim = PublishedClaimFactory()
    NoteFactory(claim=claim)
    client.force_login(editor)
    for url in (
        reverse("claims:review_dashboard"),
        reverse("claims:review_articles"),
        reverse("claims:review_article_new"),
        reverse("claims:review_article", args=[claim.article.slug]),
        claim_url(claim),
    ):
        page = client.get(url).content.decode()
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
        assert [attrs for attrs, body in scripts if body.strip() or "src=" not in attrs] == []
        assert re.findall(r"<[^>]+\s(?:style|on[a-z]+)=|<style", page) == [], url


def test_login_takes_a_reviewer_back_where_they_were_going(client, reviewer):
    url = reverse("claims:review_dashboard")
    response = client.post(
        reverse("login"), {"username": "rita", "password": "password", "next": url}
    )
    assert (response.status_code, response.url) == (302, url)
    assert client.get(url).status_code == 200


def test_login_without_a_destination_opens_the_dashboard(client, reviewer):
    response = client.post(reverse("login"), {"username": "rita", "password": "password"})
    assert (response.status_code, response.url) == (302, reverse("claims:review_dashboard"))


def test_login_refuses_a_wrong_password_with_a_message(client, reviewer):
    response = client.post(reverse("login"), {"username": "rita", "password": "nope"})
    assert response.status_code == 200
    assert error_summary(response) == [
        "Please enter a correct username and password. Note that both fields may be case-sensitive."
    ]


def test_logout_is_a_post_form_that_ends_the_session(client, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("claims:review_dashboard")).content.decode()
    assert f'<form class="nav-logout" method="post" action="{reverse("logout")}">' in page
    response = client.post(reverse("logout"))
    assert (response.status_code, response.url) == (302, reverse("claims:home"))
    assert client.get(reverse("claims:review_dashboard")).status_code == 302


def test_nav_shows_review_only_to_reviewers(client, reviewer, outsider):
    def nav_links():
        page = client.get(reverse("claims:methodology")).content.decode()
        nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S).group(1)
        return re.findall(r">([^<>]+)</(?:a|button)>", nav)

    assert nav_links() == ["Fact-checks", "Corrections", "Methodology", "Log in"]
    client.force_login(outsider)
    assert nav_links() == ["Fact-checks", "Corrections", "Methodology", "Log out"]
    client.force_login(reviewer)
    assert nav_links() == ["Fact-checks", "Corrections", "Methodology", "Review", "Log out"]


def test_password_change_page_is_styled_and_works(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "password",
            "new_password1": "a-much-longer-passphrase-42",
            "new_password2": "a-much-longer-passphrase-42",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("password_change_done"), 302)]
    reviewer.refresh_from_db()
    assert reviewer.check_password("a-much-longer-passphrase-42")


# --- Dashboard ----------------------------------------------------------------------------


def dashboard_sections(response) -> dict:
    return {
        section["id"]: (section["count"], [claim.pk for claim in section["claims"]])
        for section in response.context["sections"]
    }


def test_dashboard_sorts_claims_into_sections(client, reviewer, editor, other_editor):
    article = ArticleFactory()
    mine = editing.create_claim(
        article,
        by=reviewer,
        quote=QUOTE,
        start_offset=BODY.index(QUOTE),
        end_offset=BODY.index(QUOTE) + len(QUOTE),
        statement="Mine",
        claimant="The minister",
    )
    someone_elses = ResearchingClaimFactory(article=article)
    by_editor = InReviewClaimFactory(article=article, submitted_by=editor)
    by_reviewer = InReviewClaimFactory(article=article, submitted_by=reviewer)
    imported = InReviewClaimFactory(article=article)  # no submitter recorded
    sourced = PublishedClaimFactory(article=article)
    SourceFactory(claim=sourced)
    unsourced = PublishedClaimFactory(article=article)
    WithdrawnClaimFactory(article=article)

    client.force_login(reviewer)
    response = client.get(reverse("claims:review_dashboard"))
    assert dashboard_sections(response) == {
        "mine": (1, [mine.pk]),
        "desk": (1, [someone_elses.pk]),
        "review": (3, [by_editor.pk, by_reviewer.pk, imported.pk]),
        "published": (2, [unsourced.pk, sourced.pk]),
        "attention": (1, [unsourced.pk]),
    }
    headings = re.findall(r"<h2 id=\"\w+-heading\">(.*?) <span", response.content.decode())
    assert headings == [
        "My drafts and research",
        "Other drafts and research on the desk",
        "Awaiting review by an editor",
        "Recently published",
        "Needs attention",
    ]

    client.force_login(editor)
    response = client.get(reverse("claims:review_dashboard"))
    sections = dashboard_sections(response)
    # An editor's queue leaves out what they submitted: someone else must approve it.
    assert sections["review"] == (2, [by_reviewer.pk, imported.pk])
    assert sections["mine"] == (0, [])
    assert sections["desk"] == (2, [someone_elses.pk, mine.pk])
    assert "1 claim you submitted is waiting for another editor." in response.content.decode()

    client.force_login(other_editor)
    response = client.get(reverse("claims:review_dashboard"))
    assert dashboard_sections(response)["review"] == (
        3,
        [by_editor.pk, by_reviewer.pk, imported.pk],
    )


def _fill_every_section(n: int, reviewer, editor) -> None:
    article = ArticleFactory()
    for _ in range(n):
        mine = ResearchingClaimFactory(article=article)
        workflow.record_event(mine, by=reviewer, action=Action.CREATE, version=1)
        ClaimFactory(article=article)
        InReviewClaimFactory(article=article, submitted_by=editor)
        PublishedClaimFactory(article=article, approved_by=editor)


def test_dashboard_query_count_does_not_grow(
    client, reviewer, editor, other_editor, django_assert_num_queries
):
    client.force_login(other_editor)
    url = reverse("claims:review_dashboard")
    _fill_every_section(1, reviewer, editor)
    # session, user, groups, the counts, five lists, live workers
    with django_assert_num_queries(10):
        response = client.get(url)
    assert [section["count"] for section in response.context["sections"]] == [0, 2, 1, 1, 1]
    _fill_every_section(29, reviewer, editor)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert [section["count"] for section in response.context["sections"]] == [0, 60, 30, 30, 30]
    assert [len(section["claims"]) for section in response.context["sections"]] == [
        0,
        20,
        20,
        20,
        20,
    ]


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
        "URL of the original: Enter a valid URL.",
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
    marks = re.findall(r'<a class="claim-mark[^"]*" href="([^"]+)"[^>]*><mark>(.*?)</mark>', page)
    assert marks == [(claim_url(draft), QUOTE), (claim_url(published), "wages had not kept up")]
    labels = re.findall(r'<a class="mark-status status status--(\w+)" href="([^"]+)"', page)
    assert labels == [("draft", claim_url(draft)), ("published", claim_url(published))]
    assert re.findall(r'<p data-start="(\d+)">', page) == ["0", str(BODY.index("Critics"))]
    assert "<script>" not in page.split("</head>")[1]  # no inline scripts


# --- Creating claims ----------------------------------------------------------------------


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
        "exactly, including punctuation and typographic quotes."
    ]
    assert "unemployment rose</textarea>" in response.content.decode()


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


# --- The claim editor ---------------------------------------------------------------------


def test_saving_a_claim(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        claim_url(claim),
        edit_data(
            claim,
            statement="Unemployment fell to 4.2% in 2023.",
            tags="economy, jobs",
            rating=Rating.FALSE,
            summary="It rose.",
            explanation="Line one.\r\nLine two.",
        ),
        follow=True,
    )
    assert response.redirect_chain == [(claim_url(claim), 302)]
    claim.refresh_from_db()
    assert (claim.statement, claim.rating, claim.summary, claim.explanation, claim.version) == (
        "Unemployment fell to 4.2% in 2023.",
        Rating.FALSE,
        "It rose.",
        "Line one.\nLine two.",
        2,
    )
    assert sorted(claim.tags.values_list("name", flat=True)) == ["economy", "jobs"]
    event = claim.events.get()
    assert (event.action, event.actor, event.changes) == (
        Action.EDIT,
        reviewer,
        ["statement", "rating", "summary", "explanation", "tags"],
    )
    assert shown_messages(response) == [("success", "Saved. The claim is now at version 2.")]


def test_saving_without_changes_writes_nothing(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(claim_url(claim), edit_data(claim), follow=True)
    assert shown_messages(response) == [("info", "Nothing to save: no field changed.")]
    assert ClaimEvent.objects.count() == 0


def test_two_edits_of_the_same_version_the_second_is_refused(client, reviewer, editor):
    claim = ResearchingClaimFactory()
    first, second = client, client.__class__()
    first.force_login(reviewer)
    second.force_login(editor)
    assert first.post(claim_url(claim), edit_data(claim, summary="First.")).status_code == 302

    response = second.post(claim_url(claim), edit_data(claim, summary="Second, lost?"))
    assert response.status_code == 409
    claim.refresh_from_db()
    assert (claim.summary, claim.version) == ("First.", 2)
    [(level, text)] = shown_messages(response)
    assert level == "error"
    assert text.startswith(STALE_START + " Since then: Rita edited summary at ")
    assert text.endswith(
        "Nothing was saved: reload to see the current version and make your change again."
    )
    page = response.content.decode()
    # The refused text is still in the form, and what is saved now is shown beside it.
    assert 'name="summary" value="Second, lost?"' in page
    assert "What is saved now (version 2)" in page


def test_a_claim_in_review_is_read_only_with_the_reason(client, reviewer):
    claim = InReviewClaimFactory()
    client.force_login(reviewer)
    response = client.get(claim_url(claim))
    page = response.content.decode()
    assert element_inner(response, "claim-form-heading") == "Claim and verdict"
    assert (
        '<p class="locked-reason">This claim is in review, so it cannot be edited: an editor '
        "approves exactly what was submitted. Ask an editor to send it back for changes.</p>"
    ) in page
    assert 'action="' + claim_url(claim) + '"' not in page
    assert "Cite a source" not in page

    response = client.post(claim_url(claim), edit_data(claim, summary="Sneaky."))
    assert response.status_code == 409
    claim.refresh_from_db()
    assert claim.summary == "Close: the official figure is 4.3%."
    assert shown_messages(response) == [
        (
            "error",
            "This claim is in review, so it cannot be edited: an editor approves exactly what "
            "was submitted. Ask an editor to send it back for changes.",
        )
    ]
    assert 'name="summary" value="Sneaky."' in response.content.decode()


def test_invalid_edit_values_are_shown_on_the_form(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        claim_url(claim), edit_data(claim, rating="great", claimant="", tags="x" * 61)
    )
    assert response.status_code == 422
    assert error_summary(response) == [
        "Claimant: This field is required.",
        "Tags: A tag can be at most 60 characters long: “" + "x" * 61 + "”.",
        "Rating: Select a valid choice. great is not one of the available choices.",
    ]
    assert claim.events.count() == 0


def test_preview_renders_markdown_without_saving(client, reviewer):
    claim = ResearchingClaimFactory()
    url = reverse("claims:review_claim_preview", args=[claim.pk])
    client.force_login(reviewer)
    data = edit_data(claim, summary="Typed.", explanation="**Bold** claim")

    response = client.post(url, data, **HTMX)
    assert response.content.decode().strip() == (
        '<div id="explanation-preview" class="markdown preview" aria-live="polite">'
        "<p><strong>Bold</strong> claim</p>\n</div>"
    )

    response = client.post(url, data)  # without JavaScript: the whole editor
    assert response.status_code == 200
    assert element_inner(response, "explanation-preview") == "<p><strong>Bold</strong> claim</p>\n"
    assert 'name="summary" value="Typed."' in response.content.decode()
    claim.refresh_from_db()
    assert (claim.summary, claim.explanation, claim.version) == ("", "", 1)


MALICIOUS = (
    "<script>alert(1)</script>\n\n"
    '<img src=x onerror="alert(2)">\n\n'
    "[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) "
    "[fine](https://example.org)"
)
# Raw HTML stays text (escaped), javascript:/data: links stay unlinked, https links get rel.
SANITISED = (
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    '<p>&lt;img src=x onerror="alert(2)"&gt;</p>\n'
    "<p>[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) "
    '<a href="https://example.org" rel="nofollow noopener noreferrer">fine</a></p>\n'
)


def test_markdown_in_notes_and_explanations_is_rendered_harmless(client, reviewer):
    claim = PublishedClaimFactory(explanation=MALICIOUS)
    note = NoteFactory(claim=claim, body=MALICIOUS)
    client.force_login(reviewer)
    response = client.get(claim_url(claim))
    assert element_inner(response, "explanation-preview") == SANITISED
    assert note_body(response, note) == SANITISED
    page = response.content.decode()
    dangerous = ["<script>alert", "<img", 'href="javascript:', 'href="data:']
    assert [fragment for fragment in dangerous if fragment in page] == []


def test_the_preview_is_sanitised_too(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_claim_preview", args=[claim.pk]),
        edit_data(claim, explanation=MALICIOUS),
        **HTMX,
    )
    assert element_inner(response, "explanation-preview") == SANITISED


def test_history_lists_every_event(client, reviewer, editor):
    claim = complete_claim()
    workflow.submit_claim(claim, by=reviewer, version=1)
    workflow.reject_claim(claim, by=editor, version=2, comment="Check the **base** year.")
    client.force_login(reviewer)
    response = client.get(claim_url(claim))
    events = re.findall(r'<p class="event__what">(.*?)</p>', element_inner(response, "history"))
    assert [re.sub(r"<[^>]+>", "", e).split(" · ", 1)[1] for e in events] == [
        "Rita · Submitted for review: Researching → In review (v2)",
        "Eddie · Sent back for changes: In review → Researching (v3)",
    ]
    assert (
        '<blockquote class="event__comment"><p>Check the **base** year.</p></blockquote>'
        in response.content.decode()
    )


def test_claim_editor_query_count_does_not_grow(client, reviewer, django_assert_num_queries):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)

    def add(n):
        for i in range(n):
            source = SourceFactory(claim=claim)
            for _ in range(2):
                (ticket,) = checking.hand_out([source.pk])
                checking.record_result(
                    ticket, CheckResult(url=source.url, outcome=CheckOutcome.OK, status=200)
                )
            NoteFactory(claim=claim, author=reviewer)
            workflow.record_event(claim, by=reviewer, action=Action.EDIT, version=1, changes=[i])

    add(1)
    # session, user, groups, claim (+article, submitter, approver), tags, sources (+last
    # check), their recent checks, notes, events
    with django_assert_num_queries(9):
        response = client.get(claim_url(claim))
    assert len(response.context["sources"]) == 1
    add(29)
    with django_assert_num_queries(9):
        response = client.get(claim_url(claim))
    assert (
        len(response.context["sources"]),
        len(response.context["notes"]),
        len(response.context["events"]),
    ) == (30, 30, 30)


# --- Workflow buttons ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "role", "buttons"),
    [
        (ClaimFactory, "reviewer", ["start"]),
        (ResearchingClaimFactory, "reviewer", ["submit"]),
        (InReviewClaimFactory, "reviewer", []),
        (InReviewClaimFactory, "editor", ["approve", "reject"]),
        (PublishedClaimFactory, "reviewer", []),
        (PublishedClaimFactory, "editor", ["withdraw", "correct"]),
        (WithdrawnClaimFactory, "editor", []),
    ],
)
def test_only_the_allowed_buttons_are_shown(request, client, factory, role, buttons):
    claim = factory()
    client.force_login(request.getfixturevalue(role))
    response = client.get(claim_url(claim))
    assert action_buttons(response) == buttons


def test_the_submitter_gets_no_approve_button(client, editor):
    claim = InReviewClaimFactory(submitted_by=editor)
    client.force_login(editor)
    response = client.get(claim_url(claim))
    assert action_buttons(response) == ["reject"]
    assert (
        "You submitted it, so another editor must approve it: every verdict is checked by "
        "two people." in response.content.decode()
    )


def post_action(client, claim, action, **data):
    payload = {f"{action}-version": claim.version}
    payload.update({f"{action}-{name}": value for name, value in data.items()})
    return client.post(action_url(claim, action), payload, follow=True)


def test_start_research(client, reviewer):
    claim = ClaimFactory()
    client.force_login(reviewer)
    response = post_action(client, claim, "start")
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (ClaimStatus.RESEARCHING, 2)
    assert shown_messages(response) == [("success", "Research started.")]


def test_submit_an_incomplete_claim_says_what_is_missing(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = post_action(client, claim, "submit")
    assert response.status_code == 422
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (ClaimStatus.RESEARCHING, 1)
    assert shown_messages(response) == [
        (
            "error",
            "Not ready for review: Choose a rating. Write the one-line verdict. Explain the "
            "verdict. Cite at least one source.",
        )
    ]
    assert error_summary(response) == [
        "Choose a rating.",
        "Write the one-line verdict.",
        "Explain the verdict.",
        "Cite at least one source.",
    ]


def test_submit_a_complete_claim(client, reviewer):
    claim = complete_claim()
    client.force_login(reviewer)
    response = post_action(client, claim, "submit")
    claim.refresh_from_db()
    assert (claim.status, claim.submitted_by) == (ClaimStatus.IN_REVIEW, reviewer)
    assert shown_messages(response) == [
        ("success", "Submitted for review: an editor other than you will check it.")
    ]


def test_a_reviewer_cannot_approve(client, reviewer):
    claim = InReviewClaimFactory()
    client.force_login(reviewer)
    response = post_action(client, claim, "approve")
    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.status, claim.version) == (ClaimStatus.IN_REVIEW, 1)
    assert shown_messages(response) == [("error", "Only an editor can approve a claim.")]


def test_four_eyes_the_submitter_cannot_approve_another_editor_can(client, editor, other_editor):
    claim = InReviewClaimFactory(submitted_by=editor)
    client.force_login(editor)
    response = post_action(client, claim, "approve")
    assert response.status_code == 403
    assert shown_messages(response) == [
        (
            "error",
            "You submitted this claim, so someone else must approve it: every verdict is "
            "checked by two people.",
        )
    ]
    client.force_login(other_editor)
    response = post_action(client, claim, "approve")
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (ClaimStatus.PUBLISHED, other_editor)
    assert shown_messages(response) == [("success", "Approved: the fact-check is published.")]


def test_reject_needs_a_comment_which_goes_to_the_notes(client, editor):
    claim = InReviewClaimFactory()
    client.force_login(editor)
    response = post_action(client, claim, "reject", comment="  ")
    assert response.status_code == 422
    assert shown_messages(response) == [
        ("error", "Say what needs to change: the comment goes to the reviewer's notes.")
    ]
    assert error_summary(response) == [
        "What needs to change (added to the notes): A comment is required when sending a "
        "claim back."
    ]
    response = post_action(client, claim, "reject", comment="Use the 2023 series.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RESEARCHING
    assert list(Note.objects.values_list("author", "body")) == [(editor.pk, "Use the 2023 series.")]
    assert shown_messages(response) == [
        ("success", "Sent back for changes; your comment is in the notes.")
    ]


def test_a_reviewer_cannot_reject(client, reviewer):
    claim = InReviewClaimFactory()
    client.force_login(reviewer)
    response = post_action(client, claim, "reject", comment="No.")
    assert response.status_code == 403
    assert shown_messages(response) == [
        ("error", "Only an editor can send a claim back for changes.")
    ]
    assert Claim.objects.get().status == ClaimStatus.IN_REVIEW


def test_withdraw_needs_a_public_reason(client, reviewer, editor):
    claim = PublishedClaimFactory()
    client.force_login(editor)
    response = post_action(client, claim, "withdraw")
    assert response.status_code == 422
    assert shown_messages(response) == [
        ("error", "Give the public reason for withdrawing this fact-check.")
    ]
    response = post_action(client, claim, "withdraw", comment="The quote was misattributed.")
    claim.refresh_from_db()
    assert (claim.status, claim.withdrawal_reason) == (
        ClaimStatus.WITHDRAWN,
        "The quote was misattributed.",
    )
    assert shown_messages(response) == [
        ("success", "Withdrawn: readers now see the reason instead of the verdict.")
    ]
    client.force_login(reviewer)
    response = post_action(client, PublishedClaimFactory(), "withdraw", comment="Why not.")
    assert shown_messages(response) == [("error", "Only an editor can withdraw a fact-check.")]


def test_correct_a_published_verdict(client, reviewer, editor):
    claim = PublishedClaimFactory()
    client.force_login(reviewer)
    data = {
        "rating": Rating.FALSE,
        "summary": claim.summary,
        "explanation": claim.explanation,
        "comment": "We misread the table.",
    }
    response = post_action(client, claim, "correct", **data)
    assert response.status_code == 403
    assert shown_messages(response) == [
        ("error", "Only an editor can correct a published verdict.")
    ]
    client.force_login(editor)
    response = post_action(client, claim, "correct", **data)
    claim.refresh_from_db()
    assert (claim.status, claim.rating) == (ClaimStatus.PUBLISHED, Rating.FALSE)
    assert list(Correction.objects.values_list("changed_fields", "note")) == [
        (["rating"], "We misread the table.")
    ]
    assert shown_messages(response) == [("success", "Correction published.")]


def test_a_correction_that_changes_nothing_keeps_the_input(client, editor):
    claim = PublishedClaimFactory()
    client.force_login(editor)
    response = post_action(
        client,
        claim,
        "correct",
        rating=claim.rating,
        summary=claim.summary,
        explanation=claim.explanation,
        comment="Nothing really.",
    )
    assert response.status_code == 422
    assert shown_messages(response) == [
        ("error", "A correction must change the rating, the summary or the explanation.")
    ]
    assert "Nothing really.</textarea>" in response.content.decode()
    assert Correction.objects.count() == 0


def test_an_action_on_a_stale_version_is_refused(client, reviewer):
    claim = ClaimFactory()
    workflow.edit_claim(claim, by=reviewer, version=1, changes={"summary": "Meanwhile."})
    client.force_login(reviewer)
    response = client.post(action_url(claim, "start"), {"start-version": 1})
    assert response.status_code == 409
    [(level, text)] = shown_messages(response)
    assert (level, text.startswith(STALE_START)) == ("error", True)
    assert Claim.objects.get().status == ClaimStatus.DRAFT


def test_an_action_in_the_wrong_state_is_refused(client, editor):
    claim = ResearchingClaimFactory()
    client.force_login(editor)
    response = post_action(client, claim, "approve")
    assert response.status_code == 409
    assert shown_messages(response) == [
        ("error", "A claim that is researching cannot be approved.")
    ]


def test_unknown_actions_are_404(client, editor):
    claim = ResearchingClaimFactory()
    client.force_login(editor)
    assert client.post(action_url(claim, "edit"), {"edit-version": 1}).status_code == 404
    assert client.post(action_url(claim, "explode"), {}).status_code == 404


def test_superusers_use_the_review_ui_as_editors(client, superuser, editor):
    claim = InReviewClaimFactory(submitted_by=editor)
    client.force_login(superuser)
    response = post_action(client, claim, "approve")
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by) == (ClaimStatus.PUBLISHED, superuser)
    assert shown_messages(response) == [("success", "Approved: the fact-check is published.")]


# --- Sources and notes --------------------------------------------------------------------


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
    assert list(claim.events.values_list("action", "changes")) == [
        (Action.ADD_SOURCE, ["https://stats.example.org/labour"])
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
            "URL: Enter a valid URL.",
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

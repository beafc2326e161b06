import io
import re
from html import unescape
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from claims import workflow
from claims.enums import Action, ClaimStatus, Rating
from claims.models import Claim
from claims.rules import TRANSITIONS
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    InReviewClaimFactory,
    NoteFactory,
    PublishedClaimFactory,
    ResearchingClaimFactory,
    SourceFactory,
    WithdrawnClaimFactory,
)
from tests.support.record import publish_correction, publish_withdrawal

pytestmark = pytest.mark.django_db

UNPUBLISHED = {
    ClaimStatus.DRAFT: ClaimFactory,
    ClaimStatus.RESEARCHING: ResearchingClaimFactory,
    ClaimStatus.IN_REVIEW: InReviewClaimFactory,
}
SECRET = "Zanzibar-secret"
BODY_WITH_SECRET = f"The minister said unemployment fell. {SECRET}: Zanzibar."


def public_pages(client, article=None) -> dict[str, str]:
    """Every public route's body (feeds and sitemap included), by name."""
    urls = {
        "home": reverse("claims:home"),
        "search": reverse("claims:home") + f"?q={SECRET}",
        "corrections": reverse("claims:corrections"),
        "methodology": reverse("claims:methodology"),
        "feed_rss": reverse("claims:feed_rss"),
        "feed_atom": reverse("claims:feed_atom"),
        "corrections_rss": reverse("claims:corrections_rss"),
        "sitemap": reverse("sitemap"),
        "robots": reverse("robots_txt"),
    }
    if article is not None:
        urls["article"] = reverse("claims:article", args=[article.slug])
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content.decode()
    return pages


@pytest.mark.parametrize("status", list(UNPUBLISHED))
def test_unpublished_claim_is_unreachable_everywhere(client, status):
    article = ArticleFactory()
    claim = UNPUBLISHED[status](
        article=article,
        statement=f"{SECRET} statement",
        summary=f"{SECRET} summary",
        quote_text="wages had not kept up with prices",
    )
    NoteFactory(claim=claim, body=f"{SECRET} note")
    # No slug until publication, so its wording has no URL to appear in.
    assert claim.slug is None
    wording = slugify(claim.statement)
    assert client.get(reverse("claims:claim", args=[wording])).status_code == 404
    for name, html in public_pages(client).items():
        if name == "search":  # the search box echoes the words searched for
            assert "No published fact-checks match." in html
            html = html.replace(f'value="{SECRET}"', "")
        assert SECRET not in html, name
        assert SECRET.lower() not in html, name
    # Its article has no published claim, so no public page either.
    assert client.get(reverse("claims:article", args=[article.slug])).status_code == 404


def test_published_claim_page_shows_everything_a_reader_needs(client, reviewer, editor):
    claim = PublishedClaimFactory(
        rating=Rating.MOSTLY_ACCURATE,
        summary="Close: the official figure is 4.3%.",
        explanation="See **table 2**.",
        submitted_by=reviewer,
        approved_by=editor,
    )
    SourceFactory(claim=claim, title="Labour market, May", passage="The rate was 4.3 percent.")
    NoteFactory(claim=claim, body=f"{SECRET}: internal doubts")
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert '<h1 id="claim-title">' + claim.statement + "</h1>" in html
    assert '<span class="badge badge--mostly_accurate">Mostly accurate</span>' in html
    assert Rating.MOSTLY_ACCURATE.meaning in html
    assert "<p>See <strong>table 2</strong>.</p>" in html
    assert "“unemployment fell to 4.2 percent last year”" in html
    assert "Labour market, May" in html and "The rate was 4.3 percent." in html
    assert "<dt>Researched by</dt><dd>Rita</dd>" in html
    assert "<dt>Approved by</dt><dd>Eddie</dd>" in html
    article_link = reverse("claims:article", args=[claim.article.slug]) + f"#quote-{claim.slug}"
    assert f'href="{article_link}"' in html
    assert SECRET not in html


def test_withdrawn_claim_shows_the_notice_instead_of_a_verdict(client, editor):
    claim = PublishedClaimFactory(summary=f"{SECRET} verdict", explanation=f"{SECRET} why")
    SourceFactory(claim=claim)
    publish_withdrawal(claim, by=editor, reason="Misattributed quote.")
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert "This fact-check has been withdrawn" in html
    assert "Misattributed quote." in html
    assert SECRET not in html
    assert "application/ld+json" not in html
    assert 'class="badge' not in html
    assert claim.slug not in client.get(reverse("claims:home")).content.decode()


@pytest.mark.parametrize(
    "claims", [(), (ClaimFactory,), (InReviewClaimFactory,), (WithdrawnClaimFactory,)]
)
def test_an_article_without_a_published_claim_is_404_for_readers(client, reviewer, claims):
    """Issue 11.3: such an article was public at /articles/<slug>/ (the API hid it)."""
    article = ArticleFactory(title="Embargoed interview", body=BODY_WITH_SECRET)
    for factory in claims:
        factory(article=article, quote_text="unemployment fell")
    url = reverse("claims:article", args=[article.slug])
    anonymous = client.get(url)
    assert (anonymous.status_code, SECRET in anonymous.content.decode()) == (404, False)
    client.force_login(reviewer)  # the public route is the same for the desk
    assert client.get(url).status_code == 404
    assert client.get(reverse("claims:review_article", args=[article.slug])).status_code == 200
    PublishedClaimFactory(article=article, quote_text="Zanzibar")
    client.logout()
    assert client.get(url).status_code == 200


def test_a_withdrawn_claim_does_not_link_to_its_article(client, editor):
    claim = WithdrawnClaimFactory()
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert reverse("claims:article", args=[claim.article.slug]) not in html
    assert f"in {claim.article.title} (The Daily Test" in html


def test_article_highlights_published_claims_with_their_badges(client):
    article = ArticleFactory()
    published = PublishedClaimFactory(article=article, rating=Rating.FALSE)
    InReviewClaimFactory(article=article, quote_text="part-time workers", statement=SECRET)
    html = client.get(reverse("claims:article", args=[article.slug])).content.decode()
    marks = re.findall(r'<mark class="hl [^"]*" data-claim="[^"]+"[^>]*>(.*?)</mark>', html)
    assert marks == [published.quote]
    assert (
        f'<span class="anchor" id="quote-{published.slug}"></span><a class="claim-mark" '
        f'href="{reverse("claims:claim", args=[published.slug])}">'
        f'<mark class="hl lane-0 hl--start hl--end" data-claim="{published.slug}" '
        f'title="{published.statement}">{published.quote}</mark> '
        '<span class="badge badge--false">False</span></a>'
    ) in html
    assert SECRET not in html


def test_home_lists_published_newest_first_and_filters(client):
    older = PublishedClaimFactory(statement="Older claim", rating=Rating.FALSE)
    newer = PublishedClaimFactory(statement="Newer claim", rating=Rating.ACCURATE)
    workflow_tag = newer.tags.create(name="Economy")

    def titles(query=""):
        html = client.get(reverse("claims:home") + query).content.decode()
        return re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', html)

    assert titles() == ["Newer claim", "Older claim"]
    assert titles("?rating=false") == ["Older claim"]
    assert titles(f"?tag={workflow_tag.slug}") == ["Newer claim"]
    assert titles(f"?article={older.article.slug}") == ["Older claim"]
    assert titles("?q=newer") == ["Newer claim"]
    assert titles("?q=unemployment+claim") == ["Newer claim", "Older claim"]


def test_home_with_bad_filter_values_shows_errors_not_500(client):
    PublishedClaimFactory()
    response = client.get(reverse("claims:home") + "?rating=bogus&article=nope&page=zzz")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Select a valid choice. bogus is not one of the available choices." in html
    assert "No published fact-checks match." in html


def test_home_paginates(client, settings):
    settings.PUBLIC_PAGE_SIZE = 2
    PublishedClaimFactory.create_batch(3)
    html = client.get(reverse("claims:home")).content.decode()
    assert html.count('class="claim-card"') == 2
    assert "Page 1 of 2" in html
    page2 = client.get(reverse("claims:home") + "?page=2").content.decode()
    assert page2.count('class="claim-card"') == 1


def test_corrections_page_lists_public_events_only(client, editor):
    corrected = PublishedClaimFactory(statement="Corrected claim", rating=Rating.ACCURATE)
    withdrawn = PublishedClaimFactory(statement="Withdrawn claim")
    rejected = InReviewClaimFactory(statement="Rejected claim")
    SourceFactory(claim=rejected)
    publish_correction(corrected, by=editor, note="Figure updated.", rating="mixed")
    publish_withdrawal(withdrawn, by=editor, reason="Bad quote.")
    workflow.reject_claim(rejected, by=editor, version=rejected.version, comment=SECRET)
    html = client.get(reverse("claims:corrections")).content.decode()
    assert re.findall(r'<p class="card-title"><a href="[^"]+">([^<]+)</a>', html) == [
        "Withdrawn claim",
        "Corrected claim",
    ]
    assert "Rating changed from <strong>Accurate</strong> to <strong>Mixed</strong>." in html
    assert "Figure updated." in html and "Bad quote." in html
    assert SECRET not in html


def test_claim_page_shows_its_corrections(client, editor):
    claim = PublishedClaimFactory(rating=Rating.ACCURATE)
    assert (
        'class="correction-flag"'
        not in client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    )
    publish_correction(claim, by=editor, note="Oops.", rating="false")
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    # Readers learn of the correction before the verdict, not only at the end.
    flag = re.search(r'<p class="correction-flag">(.*?)</p>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", flag) == (
        f"Corrected on {timezone.localtime().strftime('%-d %B %Y')}: the rating changed from "
        "Accurate to False. What changed and why"
    )
    assert html.index('class="correction-flag"') < html.index('class="verdict-box')
    assert "rating changed from <strong>Accurate</strong> to <strong>False</strong>" in html
    assert "<p>Oops.</p>" in html


def test_methodology_shows_the_scale_the_code_enforces(client):
    html = client.get(reverse("claims:methodology")).content.decode()
    for rating in Rating:
        assert f'<span class="badge badge--{rating.value}">{rating.label}</span>' in html
        assert f"<dd>{rating.meaning}</dd>" in html
    who = TRANSITIONS[Action.APPROVE].who.replace("'", "&#x27;")
    assert f"<td>{who}</td>" in html
    assert f"<td>{TRANSITIONS[Action.CORRECT].who}</td>" in html


def test_every_public_page_advertises_the_feeds(client):
    PublishedClaimFactory()
    claim = Claim.objects.get()
    for url in (
        reverse("claims:home"),
        reverse("claims:claim", args=[claim.slug]),
        reverse("claims:article", args=[claim.article.slug]),
        reverse("claims:corrections"),
        reverse("claims:methodology"),
    ):
        html = client.get(url).content.decode()
        assert (
            '<link rel="alternate" type="application/rss+xml" title="Fact-checks" '
            f'href="{reverse("claims:feed_rss")}">'
        ) in html, url
        assert (
            '<link rel="alternate" type="application/atom+xml" title="Corrections" '
            f'href="{reverse("claims:corrections_atom")}">'
        ) in html, url


def test_feed_contains_published_fact_checks(client):
    claim = PublishedClaimFactory(rating=Rating.FALSE, summary="Wrong figure.")
    ClaimFactory(statement=SECRET)
    root = ElementTree.fromstring(client.get(reverse("claims:feed_rss")).content)
    items = root.findall("./channel/item")
    assert [(i.findtext("title"), i.findtext("description")) for i in items] == [
        (f"False: {claim.statement}", "<p>Wrong figure.</p>")
    ]
    assert items[0].findtext("link") == "https://factcheck.example.org" + reverse(
        "claims:claim", args=[claim.slug]
    )


def test_corrections_feed_contains_corrections(client, editor):
    claim = PublishedClaimFactory()
    publish_correction(claim, by=editor, note="Fixed.", summary="New")
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    root = ElementTree.fromstring(client.get(reverse("claims:corrections_atom")).content)
    entries = root.findall("atom:entry", ns)
    assert [(e.findtext("atom:title", namespaces=ns), e.findtext("atom:summary", namespaces=ns))
            for e in entries] == [(f"Correction: {claim.statement}", "<p>Fixed.</p>")]  # fmt: skip


def test_sitemap_lists_public_pages_only(client):
    published = PublishedClaimFactory()
    withdrawn = WithdrawnClaimFactory(article=published.article, quote_text="part-time workers")
    hidden = InReviewClaimFactory()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ElementTree.fromstring(client.get(reverse("sitemap")).content)
    locations = sorted(loc.text for loc in root.findall("s:url/s:loc", ns))
    base = "https://factcheck.example.org"
    assert locations == sorted(
        [
            base + reverse("claims:claim", args=[published.slug]),
            base + reverse("claims:claim", args=[withdrawn.slug]),
            base + reverse("claims:article", args=[published.article.slug]),
            base + reverse("claims:home"),
            base + reverse("claims:corrections"),
            base + reverse("claims:methodology"),
        ]
    )
    assert hidden.slug is None
    assert slugify(hidden.statement) not in client.get(reverse("sitemap")).content.decode()


def test_robots_txt(client):
    assert client.get(reverse("robots_txt")).content.decode() == (
        "User-agent: *\n"
        "Disallow: /review/\n"
        "Disallow: /admin/\n"
        "Disallow: /accounts/\n"
        "\n"
        "Sitemap: https://factcheck.example.org/sitemap.xml\n"
    )


def test_seed_article_reads_end_to_end(client):
    """A reader goes from / to the annotated seed article to each published claim."""
    call_command("seed_demo", stdout=io.StringIO())
    home = client.get(reverse("claims:home")).content.decode()
    published = list(Claim.objects.published().order_by("start_offset"))
    for claim in published:
        assert reverse("claims:claim", args=[claim.slug]) in home
    article = published[0].article
    article_html = client.get(reverse("claims:article", args=[article.slug])).content.decode()
    marks = re.findall(r'<mark class="hl [^"]*" data-claim="[^"]+"[^>]*>(.*?)</mark>', article_html)
    assert marks == [c.quote for c in published]
    for claim in published:
        response = client.get(reverse("claims:claim", args=[claim.slug]))
        assert response.status_code == 200
        assert '<script type="application/ld+json">' in response.content.decode()


def test_unknown_slugs_are_404(client):
    for name in ("claims:claim", "claims:article"):
        assert client.get(reverse(name, args=["nope"])).status_code == 404


# --- A constant number of queries whatever the amount of data ----------------------------


def _grow(article, n: int):
    claims = PublishedClaimFactory.create_batch(
        n, article=article, quote_text="wages had not kept up with prices"
    )
    for claim in claims:
        claim.tags.create(name=f"tag-{claim.pk}")
    return claims


@pytest.mark.parametrize(
    "route", ["home", "article", "claim", "corrections", "feed_rss", "sitemap"]
)
def test_public_pages_run_a_constant_number_of_queries(
    client, django_assert_max_num_queries, editor, route
):
    article = ArticleFactory()
    claim = PublishedClaimFactory(article=article)

    def url():
        return {
            "home": reverse("claims:home"),
            "article": reverse("claims:article", args=[article.slug]),
            "claim": reverse("claims:claim", args=[claim.slug]),
            "corrections": reverse("claims:corrections"),
            "feed_rss": reverse("claims:feed_rss"),
            "sitemap": reverse("sitemap"),
        }[route]

    def add_detail(n):
        for i in range(n):
            SourceFactory(claim=claim)
            publish_correction(claim, by=editor, note=f"Fix {i}", summary=f"S{n}-{i}")

    add_detail(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url()).status_code == 200
    _grow(article, 49)
    add_detail(49)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url()).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_claim_page_shows_each_sources_link_health_and_archived_copy(client):
    from claims import checking
    from claims.enums import CheckOutcome
    from claims.linkcheck import CheckResult

    claim = PublishedClaimFactory()
    healthy = SourceFactory(claim=claim, title="Healthy", passage="4.3 percent")
    dead = SourceFactory(claim=claim, title="Dead one", archived_url="https://web.archive.org/x")
    refused = SourceFactory(claim=claim, title="Refused one")
    for source, outcome, found in (
        (healthy, CheckOutcome.OK, True),
        (dead, CheckOutcome.GONE, None),
        (refused, CheckOutcome.REFUSED, None),
    ):
        (ticket,) = checking.hand_out([source.pk])
        checking.record_result(
            ticket, CheckResult(url=source.url, outcome=outcome, passage_found=found)
        )
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    statuses = re.findall(r'<span class="health health--(\w+)">([^<]+)</span>', html)
    # One failed check is not news, and a check the guard refused fetched nothing: readers
    # are told nothing about those two (the old page said "Failing" for both).
    assert statuses == [("ok", "The page is still online and still contains the quoted passage")]
    assert "Failing" not in html
    assert (
        '<a href="https://web.archive.org/x" rel="noopener noreferrer">Archived copy'
        '<span class="visually-hidden"> of Dead one</span></a>'
    ) in html


def test_a_drafts_wording_never_reaches_a_public_url(
    client, reviewer, editor, other_editor, token_for
):
    """Issue 11.2: a draft "Internal draft: mayor Smith is lying again" was published at
    /claims/internal-draft-mayor-smith-is-lying-again-…/ and that slug appeared in cards,
    canonical links, og:url, JSON-LD, feeds, the sitemap and the API. The slug is now
    given at publication, from the approved statement, and kept through corrections."""
    article = ArticleFactory()
    api = Client()
    auth, editor_auth = token_for(reviewer), token_for(editor)
    second_editor_auth = token_for(other_editor)

    def call(method, path, body, auth):
        response = getattr(api, method)(path, body, content_type="application/json", **auth)
        assert response.status_code in {200, 201, 202}, response.content
        return response.json()

    draft = call(
        "post",
        "/api/v1/claims/",
        {
            "article": article.slug,
            "quote": "unemployment fell to 4.2 percent last year",
            "start_offset": 18,
            "end_offset": 60,
            "statement": "Internal draft: mayor Smith is lying again",
            "claimant": "The minister",
        },
        auth,
    )
    url = urlsplit(draft["api_url"]).path
    assert (draft["slug"], url) == (None, f"/api/v1/claims/{draft['id']}/")
    call("post", url + "transitions/", {"action": "start", "version": 1}, auth)
    call("post", url + "sources/", {"url": "https://stats.example.org/", "title": "Stats"}, auth)
    changes = {"statement": "The minister overstated the fall in unemployment."}
    verdict = {"rating": "misleading", "summary": "It fell less.", "explanation": "4.3%."}
    call("patch", url, {"version": 2, **changes, **verdict}, auth)
    call("post", url + "transitions/", {"action": "submit", "version": 3}, auth)
    published = call("post", url + "transitions/", {"action": "approve", "version": 4}, editor_auth)
    slug = "the-minister-overstated-the-fall-in-unemployment"
    assert published["slug"] == slug
    proposal = call(
        "post",
        url + "transitions/",
        {"action": "correct", "version": 5, "comment": "Wording.", "summary": "It fell less"},
        editor_auth,
    )
    call("post", urlsplit(proposal["api_url"]).path + "approve/", {}, second_editor_auth)
    assert Claim.objects.get(pk=draft["id"]).slug == slug  # a correction keeps it

    crawl = public_pages(client, article)
    crawl["claim"] = client.get(reverse("claims:claim", args=[slug])).content.decode()
    for path in ("/api/v1/claims/", f"/api/v1/claims/{slug}/", f"/api/v1/articles/{article.slug}/"):
        crawl[path] = Client().get(path).content.decode()
    assert (
        f'<link rel="canonical" href="https://factcheck.example.org/claims/{slug}/">'
        in (crawl["claim"])
    )
    for name, body in crawl.items():
        assert "internal" not in body.lower(), name
        assert "lying" not in body, name
    assert slug in crawl["feed_atom"] and slug in crawl["sitemap"]
    assert client.get("/claims/internal-draft-mayor-smith-is-lying-again/").status_code == 404


MARKUP = 'A <b>bold</b> claim & <img src=x onerror="alert(1)"> <a href="https://evil.example">x</a>'


def feed_texts(client, name: str) -> list[str]:
    """What a feed reader shows for each item's summary: the XML is decoded, then its HTML
    is rendered (here: its text, and which elements it has)."""
    atom = "{http://www.w3.org/2005/Atom}"
    root = ElementTree.fromstring(client.get(reverse(name)).content)
    if name.endswith("rss"):
        summaries = [item.find("description") for item in root.iter("item")]
    else:
        summaries = [entry.find(f"{atom}summary") for entry in root.iter(f"{atom}entry")]
        assert {summary.get("type") for summary in summaries} == {"html"}
    shown = []
    for summary in summaries:
        html_text = summary.text
        assert set(re.findall(r"<\s*([a-zA-Z]+)", html_text)) <= {"p", "br"}, html_text
        text = re.sub(r"<br\s*/?>", "\n", html_text.replace("</p>\n\n<p>", "\n\n"))
        shown.append(unescape(re.sub(r"</?p>", "", text)))
    return shown


@pytest.mark.parametrize("feed", ["claims:feed_rss", "claims:feed_atom"])
def test_feeds_send_summaries_as_text_not_markup(client, feed):
    """Issue 11.5: markup typed into a summary reached feed readers as HTML."""
    PublishedClaimFactory(summary=MARKUP)
    assert feed_texts(client, feed) == [MARKUP]


@pytest.mark.parametrize("feed", ["claims:corrections_rss", "claims:corrections_atom"])
def test_feeds_send_correction_notes_and_withdrawal_reasons_as_text(client, editor, feed):
    corrected = PublishedClaimFactory()
    publish_correction(corrected, by=editor, note=MARKUP, summary="New")
    withdrawn = PublishedClaimFactory(article=corrected.article, quote_text="part-time workers")
    reason = "Two lines:\n<script>alert(1)</script>"
    publish_withdrawal(withdrawn, by=editor, reason=reason)
    assert feed_texts(client, feed) == [reason, MARKUP]


def test_a_dead_source_with_an_archived_copy_says_so_in_readers_words(client):
    from django.utils import timezone

    from claims.enums import SourceHealth
    from claims.models import Source

    claim = PublishedClaimFactory()
    source = SourceFactory(claim=claim, title="Release", archived_url="https://archive.example/r")
    Source.objects.filter(pk=source.pk).update(
        health=SourceHealth.DEAD,
        last_checked_at=timezone.now(),
        consecutive_failures=3,
        archive_verified=True,
        archive_checked_at=timezone.now(),
    )
    html = client.get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert re.search(
        r'<span class="health health--dead_archived">The page no longer exists</span> — '
        r'<a href="https://archive.example/r" rel="noopener noreferrer">archived copy'
        r'<span class="visually-hidden"> of Release</span></a> \(verified <time',
        html,
    )

import pytest

from claims import anchoring, editing
from claims.enums import Action, ClaimStatus
from claims.errors import Incomplete, Invalid, Locked, NotPermitted, StaleVersion
from claims.models import Claim, ClaimEvent, Source
from tests.factories import BODY, ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_create_article_normalises_the_body(reviewer):
    article = editing.create_article(
        by=reviewer, title="Budget day", body="First.\r\n\r\nSecond.  \r\n", language="en"
    )
    assert (article.body, article.slug) == ("First.\n\nSecond.", "budget-day")


def test_create_article_reports_field_errors(reviewer):
    with pytest.raises(Invalid) as excinfo:
        editing.create_article(by=reviewer, title="", body="x", url="ftp://example.org/a")
    assert sorted(excinfo.value.fields) == ["title", "url"]


def test_create_claim_writes_a_create_event(reviewer):
    article = ArticleFactory()
    start = BODY.index("wages had not kept up")
    claim = editing.create_claim(
        article,
        by=reviewer,
        quote="wages had not kept up",
        start_offset=start,
        end_offset=start + 21,
        statement="Wages lagged prices.",
        claimant="Critics",
        tags=["wages"],
    )
    assert (claim.status, claim.version) == (ClaimStatus.DRAFT, 1)
    assert list(claim.events.values_list("action", "to_status", "version")) == [
        (Action.CREATE, ClaimStatus.DRAFT, 1)
    ]
    assert list(claim.tags.values_list("name", flat=True)) == ["wages"]


def test_create_claim_with_wrong_offsets_is_refused_and_writes_nothing(reviewer):
    article = ArticleFactory()
    with pytest.raises(Invalid) as excinfo:
        editing.create_claim(
            article,
            by=reviewer,
            quote="wages had not kept up",
            start_offset=3,
            end_offset=24,
            statement="s",
            claimant="c",
        )
    assert excinfo.value.fields == {
        "quote": "The quote does not match the article text at 3–24: the quote is “wages had "
        "not kept up” but the text there is “ minister said unempl”."
    }
    assert (Claim.objects.count(), ClaimEvent.objects.count()) == (0, 0)


def test_create_claim_from_words_finds_the_span(reviewer):
    article = ArticleFactory()
    claim = editing.create_claim_from_words(
        article, by=reviewer, quote="part-time workers", statement="s", claimant="c"
    )
    assert article.body[claim.start_offset : claim.end_offset] == "part-time workers"


def test_create_claim_from_repeated_words_asks_which(reviewer):
    article = ArticleFactory(body="Rates rose. Then rates rose again.")
    with pytest.raises(anchoring.AmbiguousQuote) as excinfo:
        editing.create_claim_from_words(
            article, by=reviewer, quote="rose", statement="s", claimant="c"
        )
    assert excinfo.value.spans == [anchoring.Span(6, 10), anchoring.Span(23, 27)]
    claim = editing.create_claim_from_words(
        article, by=reviewer, quote="rose", occurrence=2, statement="s", claimant="c"
    )
    assert (claim.start_offset, claim.end_offset) == (23, 27)


def test_outsider_cannot_create_claims(outsider):
    with pytest.raises(NotPermitted):
        editing.create_claim_from_words(
            ArticleFactory(), by=outsider, quote="part-time", statement="s", claimant="c"
        )


def test_sources_can_be_added_edited_and_removed_while_researching(reviewer):
    claim = ClaimFactory(status=ClaimStatus.RESEARCHING)
    source = editing.add_source(
        claim, by=reviewer, url="https://stats.example.org/a", title="Release", kind="primary_data"
    )
    source = editing.update_source(source, by=reviewer, version=1, title="Release (revised)")
    assert (source.title, source.version) == ("Release (revised)", 2)
    editing.remove_source(source, by=reviewer, version=2)
    assert Source.objects.count() == 0
    assert list(claim.events.values_list("action", flat=True)) == [
        Action.ADD_SOURCE,
        Action.EDIT_SOURCE,
        Action.REMOVE_SOURCE,
    ]


def test_source_url_must_be_http(reviewer):
    claim = ClaimFactory()
    with pytest.raises(Invalid) as excinfo:
        editing.add_source(claim, by=reviewer, url="javascript:alert(1)", title="x")
    assert list(excinfo.value.fields) == ["url"]


def test_stale_source_edit_is_refused(reviewer):
    source = SourceFactory()
    editing.update_source(source, by=reviewer, version=1, title="First")
    with pytest.raises(StaleVersion):
        editing.update_source(source, by=reviewer, version=1, title="Second")
    assert Source.objects.get().title == "First"


@pytest.mark.parametrize("status", [ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED])
def test_sources_are_locked_once_submitted(reviewer, status):
    source = SourceFactory(claim=ClaimFactory(status=status))
    with pytest.raises(Locked):
        editing.add_source(source.claim, by=reviewer, url="https://x.example.org/", title="x")
    with pytest.raises(Locked):
        editing.remove_source(source, by=reviewer, version=1)
    assert Source.objects.count() == 1


def test_notes_need_a_body_and_a_reviewer(reviewer, outsider):
    claim = ClaimFactory()
    with pytest.raises(Incomplete):
        editing.add_note(claim, by=reviewer, body="  ")
    with pytest.raises(NotPermitted):
        editing.add_note(claim, by=outsider, body="hello")
    note = editing.add_note(claim, by=reviewer, body=" Check the table. ")
    assert (note.body, note.author) == ("Check the table.", reviewer)

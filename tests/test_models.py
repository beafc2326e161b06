import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.enums import ClaimStatus
from claims.models import Article, Claim
from tests.factories import ArticleFactory, ClaimFactory, InReviewClaimFactory

pytestmark = pytest.mark.django_db


def test_claim_save_fills_context_but_no_slug():
    claim = ClaimFactory(statement="Unemployment fell to 4.2% last year.")
    assert (claim.prefix, claim.suffix, claim.slug) == (
        "The minister said ",
        ".\n\nCritics replied that wages ha",
        None,
    )


def test_claim_with_quote_not_matching_span_is_refused():
    article = ArticleFactory()
    with pytest.raises(ValidationError) as excinfo:
        ClaimFactory(article=article, quote="unemployment rose to 4.2 percent last year")
    assert excinfo.value.message_dict == {
        "quote": [
            "The quote does not match the article text at 18–60: the quote is "
            "“unemployment rose to 4.2 percent last year” but the text there is "
            "“unemployment fell to 4.2 percent last year”."
        ]
    }
    assert Claim.objects.count() == 0


def test_claim_with_offsets_outside_body_is_refused():
    article = ArticleFactory()
    with pytest.raises(ValidationError) as excinfo:
        ClaimFactory(article=article, start_offset=150, end_offset=400, quote="x")
    assert excinfo.value.message_dict == {
        "end_offset": [
            "end_offset 400 falls outside the article text, which is 166 characters long."
        ]
    }


def test_editing_claim_offsets_is_checked_too():
    claim = ClaimFactory()
    claim.end_offset -= 1
    with pytest.raises(ValidationError):
        claim.save()
    claim.refresh_from_db()
    assert claim.article.body[claim.start_offset : claim.end_offset] == claim.quote


def test_full_clean_reports_mismatch_as_field_error():
    claim = ClaimFactory.build(article=ArticleFactory(), quote="something else")
    with pytest.raises(ValidationError) as excinfo:
        claim.full_clean()
    assert list(excinfo.value.message_dict) == ["quote"]


def test_database_refuses_empty_span():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(end_offset=claim.start_offset)


def test_database_refuses_unknown_status():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status="approved")


def test_public_slugs_come_from_the_statement_and_are_unique():
    first = InReviewClaimFactory(statement="Same words")
    second = InReviewClaimFactory(statement="Same words")
    numeric = InReviewClaimFactory(statement="2024")
    assert [first.give_public_slug(), second.give_public_slug(), numeric.give_public_slug()] == [
        "same-words",
        "same-words-2",
        "claim-2024",  # ids address claims in the API: a slug is never all digits
    ]
    Claim.objects.filter(pk=first.pk).update(statement="Other words")
    first.refresh_from_db()
    assert first.give_public_slug() == "same-words"  # given once, never changed
    assert list(Claim.objects.order_by("pk").values_list("slug", flat=True)) == [
        "same-words",
        "same-words-2",
        "claim-2024",
    ]


def test_database_refuses_a_public_claim_without_a_slug():
    claim = InReviewClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.PUBLISHED)


def test_article_edit_moves_claims_along():
    claim = ClaimFactory()
    article = claim.article
    article.body = "Update: " + article.body
    article.save()
    claim.refresh_from_db()
    assert (claim.start_offset, claim.end_offset) == (26, 68)
    assert article.body[claim.start_offset : claim.end_offset] == claim.quote
    assert claim.prefix == "Update: The minister said "


def test_article_edit_that_removes_quoted_words_is_refused():
    claim = ClaimFactory()
    article = claim.article
    original = article.body
    article.body = original.replace("4.2 percent", "4.3 percent")
    with pytest.raises(ValidationError) as excinfo:
        article.save()
    assert list(excinfo.value.message_dict) == ["body"]
    assert Article.objects.get(pk=article.pk).body == original


def test_article_clean_normalises_line_endings_and_checks_claims():
    claim = ClaimFactory()
    article = claim.article
    article.body = article.body.replace("\n", "\r\n").replace("fell", "dropped")
    with pytest.raises(ValidationError) as excinfo:
        article.full_clean()
    assert "\r" not in article.body
    assert list(excinfo.value.message_dict) == ["body"]

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from claims.demo.seed import CLAIMS
from claims.enums import Action, ClaimStatus
from claims.models import Article, Claim, ClaimEvent, Correction, Note, Source, Tag

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every row, every column, of every table the demo writes."""
    User = get_user_model()
    models = [
        Article, Claim, Claim.tags.through, Source, Note, Tag, ClaimEvent, Correction,
        User, User.groups.through,
    ]  # fmt: skip
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def test_seeded_claims_are_anchored_to_their_exact_span():
    call_command("seed_demo", stdout=io.StringIO())
    claims = list(Claim.objects.select_related("article"))
    assert len(claims) == len(CLAIMS)
    for claim in claims:
        assert claim.article.body[claim.start_offset : claim.end_offset] == claim.quote


def test_seed_has_the_required_claims_in_every_state():
    call_command("seed_demo", stdout=io.StringIO())
    quotes = set(Claim.objects.values_list("quote", flat=True))
    assert {
        "Israel provided 69 percent of Baku’s major arms imports in 2016-2020",
        "accounting for 17% of Jerusalem’s arms exports over that period",
        "Israel buys over 30 percent of its oil from Baku",
        "six-week war with Armenia, which claimed the lives of more than 6,000 soldiers",
    } <= quotes
    statuses = sorted(Claim.objects.values_list("status", flat=True))
    assert {ClaimStatus.DRAFT, ClaimStatus.RESEARCHING, ClaimStatus.IN_REVIEW} <= set(statuses)
    published = Claim.objects.published()
    assert published.count() >= 4
    for claim in published.prefetch_related("sources"):
        assert claim.rating and claim.summary and claim.explanation
        assert claim.sources.count() >= 1
        assert claim.published_at is not None


def test_seed_demo_twice_gives_the_same_rows():
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert snapshot() == first
    assert f"Demo claims: 0 created, {len(CLAIMS)} already there" in out.getvalue()


def test_seed_demo_prints_working_logins():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-3:] == [
        "  reviewer  demo-password-for-tests",
        "  editor    demo-password-for-tests",
        "  admin     demo-password-for-tests",
    ]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("demo-password-for-tests")


def test_seed_takes_claims_through_the_real_workflow():
    call_command("seed_demo", stdout=io.StringIO())
    claim = Claim.objects.get(quote="Israel buys over 30 percent of its oil from Baku")
    # Its public slug comes from the statement as approved.
    assert claim.slug == "more-than-30-of-the-crude-oil-israel-buys-comes-from-azerbaijan"
    assert list(claim.events.values_list("action", "actor__username")) == [
        (Action.CREATE, "reviewer"),
        (Action.START, "reviewer"),
        (Action.ADD_SOURCE, "reviewer"),
        (Action.ADD_SOURCE, "reviewer"),
        (Action.EDIT, "reviewer"),
        (Action.SUBMIT, "reviewer"),
        (Action.APPROVE, "editor"),
    ]
    assert (claim.submitted_by.username, claim.approved_by.username) == ("reviewer", "editor")
    in_review = Claim.objects.get(status=ClaimStatus.IN_REVIEW)
    assert in_review.submitted_by.username == "reviewer"
    assert in_review.notes.count() == 2

"""factory_boy factories. Claims are anchored for real: the quote is cut from the body."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.enums import ClaimStatus, Rating, SourceKind, Stance
from claims.models import Article, Claim, Note, Source, unique_slug

BODY = (
    "The minister said unemployment fell to 4.2 percent last year.\n\n"
    "Critics replied that wages had not kept up with prices, and that the figure "
    "excluded part-time workers."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("password")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    standfirst = "A standfirst."
    author = "A. Reporter"
    outlet = "The Daily Test"
    url = factory.Sequence(lambda n: f"https://news.example.org/articles/{n}")
    published_at = factory.LazyFunction(timezone.now)
    body = BODY


class ClaimFactory(factory.django.DjangoModelFactory):
    """A draft claim quoting ``quote`` (first occurrence) from its article's body."""

    class Meta:
        model = Claim

    class Params:
        quote_text = "unemployment fell to 4.2 percent last year"

    article = factory.SubFactory(ArticleFactory)
    quote = factory.LazyAttribute(lambda c: c.quote_text)
    start_offset = factory.LazyAttribute(lambda c: c.article.body.index(c.quote_text))
    end_offset = factory.LazyAttribute(lambda c: c.start_offset + len(c.quote_text))
    statement = factory.Sequence(lambda n: f"Unemployment fell to 4.2% last year ({n}).")
    claimant = "The minister"
    status = ClaimStatus.DRAFT
    # Only published and withdrawn claims have a slug (approval gives it, from the
    # statement); a claim made straight in one of those states gets it here.
    slug = factory.LazyAttribute(
        lambda c: (
            unique_slug(Claim, c.statement)
            if c.status in (ClaimStatus.PUBLISHED, ClaimStatus.WITHDRAWN)
            else None
        )
    )


class ResearchingClaimFactory(ClaimFactory):
    status = ClaimStatus.RESEARCHING


class InReviewClaimFactory(ClaimFactory):
    status = ClaimStatus.IN_REVIEW
    rating = Rating.MOSTLY_ACCURATE
    summary = "Close: the official figure is 4.3%."
    explanation = "The statistics office reports **4.3%**."


class PublishedClaimFactory(InReviewClaimFactory):
    status = ClaimStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class WithdrawnClaimFactory(PublishedClaimFactory):
    status = ClaimStatus.WITHDRAWN


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    claim = factory.SubFactory(ClaimFactory)
    url = factory.Sequence(lambda n: f"https://stats.example.org/releases/{n}")
    title = factory.Sequence(lambda n: f"Labour market release {n}")
    publisher = "Statistics Office"
    kind = SourceKind.PRIMARY_DATA
    stance = Stance.SUPPORTS
    passage = "The unemployment rate was 4.3 percent."


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    claim = factory.SubFactory(ClaimFactory)
    author = factory.SubFactory(UserFactory)
    body = "Check the seasonally adjusted series."


def user_with_role(username: str, group: str | None = None, **extra) -> object:
    """A user in the named role group ("Reviewers", "Editors"), or in none."""
    from django.contrib.auth.models import Group

    user = UserFactory(username=username, first_name=username.title(), **extra)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user

"""RSS and Atom feeds of published fact-checks and of public corrections."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .enums import Action
from .models import Claim, ClaimEvent

FEED_SIZE = 50


class FactChecksFeed(Feed):
    title = "Fact-checks"
    description = "The latest published fact-checks."

    def link(self):
        return reverse("claims:home")

    def items(self):
        return Claim.objects.for_reader_list()[:FEED_SIZE]

    def item_title(self, item: Claim) -> str:
        return f"{item.get_rating_display()}: {item.statement}"

    def item_description(self, item: Claim) -> str:
        return item.summary

    def item_link(self, item: Claim) -> str:
        return reverse("claims:claim", args=[item.slug])

    def item_pubdate(self, item: Claim):
        return item.published_at

    def item_author_name(self, item: Claim) -> str:
        return settings.FACTCHECK_ORGANIZATION_NAME

    def item_categories(self, item: Claim):
        return [tag.name for tag in item.tags.all()]


class FactChecksAtomFeed(FactChecksFeed):
    feed_type = Atom1Feed
    subtitle = FactChecksFeed.description


class CorrectionsFeed(Feed):
    title = "Corrections and withdrawals"
    description = "Every public correction and withdrawal of a published fact-check."

    def link(self):
        return reverse("claims:corrections")

    def items(self):
        return ClaimEvent.objects.corrections_log()[:FEED_SIZE]

    def item_title(self, item: ClaimEvent) -> str:
        verb = "Correction" if item.action == Action.CORRECT else "Withdrawn"
        return f"{verb}: {item.claim.statement}"

    def item_description(self, item: ClaimEvent) -> str:
        return item.comment

    def item_link(self, item: ClaimEvent) -> str:
        return reverse("claims:claim", args=[item.claim.slug]) + f"#event-{item.pk}"

    def item_guid(self, item: ClaimEvent) -> str:
        return f"factcheck-event-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ClaimEvent):
        return item.created_at


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = Atom1Feed
    subtitle = CorrectionsFeed.description

"""RSS and Atom feeds of published fact-checks and of public corrections.

Every link is absolute on ``SITE_URL`` (``claims.siteurl``); Django's syndication
framework would otherwise put the request's Host header in front of relative ones.

Summaries, correction notes and withdrawal reasons are plain text, as on the site. RSS
descriptions and Atom ``type="html"`` summaries are HTML, so each goes out as the escaped
HTML of that text (:func:`plain_text_as_html`): markup typed into it reaches a feed
reader as the characters typed, never as markup.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks

from .enums import Action
from .models import Claim, ClaimEvent
from .siteurl import absolute_url

FEED_SIZE = 50


def plain_text_as_html(text: str) -> str:
    """Plain text as HTML that shows exactly it: escaped, paragraphs and line breaks kept."""
    return linebreaks(text, autoescape=True)


def _url(name: str, *args) -> str:
    # Relative only without SITE_URL (development), where Django adds the request's host.
    return absolute_url(None, reverse(name, args=args))


class SiteFeed(Feed):
    page_name: str  # the page the feed follows
    url_name: str  # the feed itself

    def link(self):
        return _url(self.page_name)

    def feed_url(self):
        return _url(self.url_name)


class FactChecksFeed(SiteFeed):
    title = "Fact-checks"
    description = "The latest published fact-checks."
    page_name, url_name = "claims:home", "claims:feed_rss"

    def items(self):
        return Claim.objects.for_reader_list()[:FEED_SIZE]

    def item_title(self, item: Claim) -> str:
        return f"{item.get_rating_display()}: {item.statement}"

    def item_description(self, item: Claim) -> str:
        return plain_text_as_html(item.summary)

    def item_link(self, item: Claim) -> str:
        return _url("claims:claim", item.slug)

    def item_pubdate(self, item: Claim):
        return item.published_at

    def item_author_name(self, item: Claim) -> str:
        return settings.FACTCHECK_ORGANIZATION_NAME

    def item_categories(self, item: Claim):
        return [tag.name for tag in item.tags.all()]


class FactChecksAtomFeed(FactChecksFeed):
    feed_type = Atom1Feed
    subtitle = FactChecksFeed.description
    url_name = "claims:feed_atom"


class CorrectionsFeed(SiteFeed):
    title = "Corrections and withdrawals"
    description = "Every public correction and withdrawal of a published fact-check."
    page_name, url_name = "claims:corrections", "claims:corrections_rss"

    def items(self):
        return ClaimEvent.objects.corrections_log()[:FEED_SIZE]

    def item_title(self, item: ClaimEvent) -> str:
        verb = "Correction" if item.action == Action.CORRECT else "Withdrawn"
        return f"{verb}: {item.claim.statement}"

    def item_description(self, item: ClaimEvent) -> str:
        return plain_text_as_html(item.comment)

    def item_link(self, item: ClaimEvent) -> str:
        return _url("claims:claim", item.claim.slug) + f"#event-{item.pk}"

    def item_guid(self, item: ClaimEvent) -> str:
        return f"factcheck-event-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ClaimEvent):
        return item.created_at


class CorrectionsAtomFeed(CorrectionsFeed):
    feed_type = Atom1Feed
    subtitle = CorrectionsFeed.description
    url_name = "claims:corrections_atom"

"""sitemap.xml: public claim pages, annotated articles and the static pages."""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap as BaseSitemap
from django.db.models import Max
from django.urls import reverse

from . import siteurl
from .enums import ClaimStatus
from .models import Article, Claim


class Sitemap(BaseSitemap):
    """Absolute URLs on ``SITE_URL`` (``claims.siteurl``) when it is set, else on the
    request's host (development only: production requires ``SITE_URL``)."""

    def get_protocol(self, protocol=None):
        if origin := siteurl.origin():
            return urlsplit(origin).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None):
        if origin := siteurl.origin():
            return urlsplit(origin).netloc
        return super().get_domain(site)


class ClaimSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Claim.objects.public().only("slug", "updated_at").order_by("-published_at", "id")

    def location(self, item: Claim) -> str:
        return reverse("claims:claim", args=[item.slug])

    def lastmod(self, item: Claim):
        return item.updated_at


class ArticleSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Article.objects.filter(claims__status=ClaimStatus.PUBLISHED)
            .annotate(last_published=Max("claims__updated_at"))
            .order_by("id")
            .distinct()
        )

    def location(self, item: Article) -> str:
        return reverse("claims:article", args=[item.slug])

    def lastmod(self, item: Article):
        return item.last_published


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["claims:home", "claims:corrections", "claims:methodology"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"claims": ClaimSitemap, "articles": ArticleSitemap, "pages": PageSitemap}

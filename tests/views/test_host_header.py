"""A client's Host header never reaches another reader (issue 11.4).

With ``SITE_URL`` unset, one request with ``Host: localhost:6666`` made the cached page
send that host as canonical, og:url and ClaimReview ``url`` to every later reader.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse

from claims import public_cache
from tests.factories import PublishedClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FORGED = "localhost:6666"


@pytest.fixture
def caching(settings):
    settings.PUBLIC_CACHE_SECONDS = 300
    public_cache.invalidate()


def absolute_urls(html: str) -> set[str]:
    """The origins of every absolute URL a page carries (links, meta tags, JSON-LD)."""
    return set(re.findall(r"https?://[^/\"'<\s]+", html))


def page_origins(html: str) -> dict:
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
    og_url = re.search(r'<meta property="og:url" content="([^"]+)"', html).group(1)
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    claim_review = json.loads(found.group(1))["url"] if found else None
    return {"canonical": canonical, "og:url": og_url, "ClaimReview url": claim_review}


@pytest.fixture
def claim(db):
    claim = PublishedClaimFactory()
    SourceFactory(claim=claim, url="https://stats.example.org/may")
    return claim


def public_urls(claim) -> list[str]:
    return [
        reverse("claims:home"),
        reverse("claims:claim", args=[claim.slug]),
        reverse("claims:article", args=[claim.article.slug]),
        reverse("claims:corrections"),
        reverse("claims:methodology"),
    ]


def test_without_site_url_a_forged_host_is_not_served_from_the_cache(settings, caching, claim):
    settings.SITE_URL = ""
    for url in public_urls(claim):
        poisoned = Client(HTTP_HOST=FORGED).get(url)
        assert poisoned.status_code == 200, url
        # The forging client gets its own host back, and only it:
        for _reader in range(3):
            response = Client().get(url)
            html = response.content.decode()
            assert f"http://{FORGED}" not in html, url
            expected = f"http://testserver{url}"
            assert page_origins(html)["canonical"] == expected, url
        assert response["X-Cache"] == "hit", url  # the readers' own entry
    claim_page = Client().get(reverse("claims:claim", args=[claim.slug])).content.decode()
    assert page_origins(claim_page) == dict.fromkeys(
        ["canonical", "og:url", "ClaimReview url"],
        f"http://testserver/claims/{claim.slug}/",
    )


@pytest.mark.parametrize("cache_seconds", [0, 300])
def test_with_site_url_every_absolute_url_is_on_it_whatever_the_host(
    settings, claim, cache_seconds
):
    settings.PUBLIC_CACHE_SECONDS = cache_seconds
    public_cache.invalidate()
    site = "https://factcheck.example.org"
    forged = Client(HTTP_HOST=FORGED)
    pages = {url: forged.get(url).content.decode() for url in public_urls(claim)}
    for url in (
        reverse("claims:feed_rss"),
        reverse("claims:feed_atom"),
        reverse("claims:corrections_rss"),
        reverse("sitemap"),
        reverse("robots_txt"),
        "/api/v1/claims/?page_size=1",
        f"/api/v1/claims/{claim.slug}/",
        f"/api/v1/articles/{claim.article.slug}/",
    ):
        response = forged.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    # Only our own origin, and the addresses of the article and the source we cite.
    outside = {"https://news.example.org", "https://stats.example.org", "http://www.w3.org",
               "http://www.sitemaps.org", "https://schema.org", "http://purl.org"}  # fmt: skip
    for url, body in pages.items():
        assert absolute_urls(body) - outside == {site}, url
    assert page_origins(pages[reverse("claims:claim", args=[claim.slug])]) == dict.fromkeys(
        ["canonical", "og:url", "ClaimReview url"], f"{site}/claims/{claim.slug}/"
    )


def test_check_deploy_fails_without_site_url(settings):
    settings.SITE_URL = ""
    with pytest.raises(SystemCheckError) as excinfo:
        call_command("check", "--deploy", "--tag", "security")
    assert "(factcheck.E001) SITE_URL is not set." in str(excinfo.value)


def test_check_deploy_warns_about_a_plain_http_site_url(settings):
    settings.SITE_URL = "http://factcheck.example.org"
    with pytest.raises(SystemCheckError) as excinfo:
        call_command("check", "--deploy", "--tag", "security", "--fail-level", "WARNING")
    assert "(factcheck.W001) SITE_URL (http://factcheck.example.org) is not an https://" in str(
        excinfo.value
    )


def run_check(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.pop("SITE_URL", None)
    clean.update(
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-a-long-random-production-key-for-this-test-only-0123",
        ALLOWED_HOSTS="factcheck.example.org",
        **env,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_need_site_url_to_pass_check_deploy():
    missing = run_check()
    assert missing.returncode != 0
    assert "(factcheck.E001) SITE_URL is not set." in missing.stderr
    assert run_check(SITE_URL="https://factcheck.example.org").returncode == 0
    with_path = run_check(SITE_URL="https://factcheck.example.org/desk")
    assert "SITE_URL: expected https://host[:port] without a path" in with_path.stderr

"""Web addresses are checked strictly and stored in normal form (issue 11.9).

URL fields accepted characters such as ``"`` and ``<``, so API responses broke the API's
own schema (the ``uri`` format). Every way in — the API, the reviewer UI, the admin, the
model — now refuses them and normalises the rest, so responses always match it.
"""

import importlib

import jsonschema_rs
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims import weburl
from claims.models import Article, Source
from tests.factories import ArticleFactory, ResearchingClaimFactory, SourceFactory
from tests.views.pages import error_summary, source_data

URI = jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True)

BAD = [
    ('https://stats.example.org/a"b', 'A web address cannot contain “"”'),
    ("https://stats.example.org/<script>", "A web address cannot contain “<”"),
    ("https://stats.example.org/a b", "A web address cannot contain a space"),
    ("https://stats.example.org/a\tb", "A web address cannot contain the character U+0009"),
    ("https://stats.example.org/{x}", "A web address cannot contain “{”"),
    ("https://stats.example.org/a|b", "A web address cannot contain “|”"),
    ("https://user:secret@stats.example.org/", "A web address here cannot contain a user name"),
    ("javascript:alert(1)", "Enter a web address starting with http:// or https://."),
    ("https:///no-host", "Enter a web address with a host name"),
    ("https://stats.example.org:99999/", "This is not a valid web address"),
]
NORMALISED = [
    ("HTTPS://Stats.Example.ORG/Path", "https://stats.example.org/Path"),
    ("https://bücher.example/Köln?q=Straße#café", (
        "https://xn--bcher-kva.example/K%C3%B6ln?q=Stra%C3%9Fe#caf%C3%A9"
    )),
    ("https://stats.example.org:443/a", "https://stats.example.org/a"),
    ("http://stats.example.org:8080/a", "http://stats.example.org:8080/a"),
    ("https://stats.example.org/%7euser/%2fx/%e2%82%ac", "https://stats.example.org/~user/%2Fx/%E2%82%AC"),
    ("https://stats.example.org/100%", "https://stats.example.org/100%25"),
    ("https://stats.example.org/a[1]", "https://stats.example.org/a%5B1%5D"),
    ("http://[2001:DB8:0::1]/", "http://[2001:db8::1]/"),
    ("  https://stats.example.org/  ", "https://stats.example.org/"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "message"), BAD)
def test_bad_addresses_are_refused_with_a_reason(url, message):
    with pytest.raises(ValidationError) as excinfo:
        weburl.normalise(url)
    assert excinfo.value.messages[0].startswith(message)


@pytest.mark.parametrize(("url", "normal"), NORMALISED)
def test_addresses_are_normalised_into_uris(url, normal):
    assert weburl.normalise(url) == normal
    assert weburl.normalise(normal) == normal  # idempotent
    assert URI.is_valid(normal)


@pytest.mark.django_db
def test_the_api_refuses_markup_in_a_source_url(client, reviewer, token_for):
    claim = ResearchingClaimFactory()
    response = client.post(
        f"/api/v1/claims/{claim.pk}/sources/",
        {"url": 'https://stats.example.org/"><img src=x>', "title": "T"},
        content_type="application/json",
        **token_for(reviewer),
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "url": "A web address cannot contain “\"” (write it as %22 if the page's address "
        "really has it)."
    }
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_api_responses_carry_the_normal_form_which_matches_the_schema(client, reviewer, token_for):
    auth = token_for(reviewer)
    article = client.post(
        "/api/v1/articles/",
        {"title": "T", "body": "The minister said so.", "url": "https://Bücher.example/Köln"},
        content_type="application/json",
        **auth,
    ).json()
    claim = ResearchingClaimFactory()
    source = client.post(
        f"/api/v1/claims/{claim.pk}/sources/",
        {"url": "https://stats.example.org/100%/x", "title": "T"},
        content_type="application/json",
        **auth,
    ).json()
    archived = client.post(
        f"/api/v1/sources/{source['id']}/archive/",
        {"archived_url": "https://web.archive.org/web/2024/https://bücher.example/"},
        content_type="application/json",
        **auth,
    ).json()
    assert article["url"] == "https://xn--bcher-kva.example/K%C3%B6ln"
    assert source["url"] == "https://stats.example.org/100%25/x"
    assert (
        archived["archived_url"] == "https://web.archive.org/web/2024/https://b%C3%BCcher.example/"
    )
    for value in (article["url"], source["url"], archived["archived_url"]):
        assert URI.is_valid(value), value
    assert Article.objects.get(slug=article["slug"]).url == article["url"]


@pytest.mark.django_db
def test_the_reviewer_ui_refuses_markup_in_a_source_url(client, reviewer):
    claim = ResearchingClaimFactory()
    client.force_login(reviewer)
    response = client.post(
        reverse("claims:review_source_add", args=[claim.pk]),
        source_data(url="https://stats.example.org/a b"),
    )
    assert response.status_code == 422
    assert error_summary(response) == [
        "URL: A web address cannot contain a space: check that you pasted only the address "
        "(write a space as %20)."
    ]
    client.post(
        reverse("claims:review_source_add", args=[claim.pk]),
        source_data(url="https://bücher.example/Köln"),
    )
    assert Source.objects.get().url == "https://xn--bcher-kva.example/K%C3%B6ln"


@pytest.mark.django_db
def test_the_admin_refuses_markup_in_an_article_url(client, superuser):
    article = ArticleFactory()
    client.force_login(superuser)
    url = reverse("admin:claims_article_change", args=[article.pk])
    form = {
        "title": article.title,
        "standfirst": article.standfirst,
        "author": article.author,
        "outlet": article.outlet,
        "url": "https://news.example.org/<b>",
        "language": "en",
        "body": article.body,
        "claims-TOTAL_FORMS": "0",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000",
        **{
            f"{inline}-{name}": "0"
            for inline in ("proposals", "revisions")
            for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS")
        },
        "based_on_version": article.version,
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "url": [
            "A web address cannot contain “<” (write it as %3C if the page's address really "
            "has it)."
        ]
    }
    assert client.post(url, {**form, "url": "https://News.Example.org/ä"}).status_code == 302
    article.refresh_from_db()
    assert article.url == "https://news.example.org/%C3%A4"


@pytest.mark.django_db
def test_the_model_normalises_and_refuses_whatever_the_caller(reviewer):
    source = SourceFactory.build(claim=ResearchingClaimFactory(), url="https://Stats.Example.org/é")
    source.full_clean()
    assert source.url == "https://stats.example.org/%C3%A9"
    source.url = 'https://stats.example.org/"'
    with pytest.raises(ValidationError) as excinfo:
        source.full_clean()
    assert list(excinfo.value.message_dict) == ["url"]


@pytest.mark.django_db
def test_addresses_stored_before_the_rules_are_normalised_by_the_migration():
    source = SourceFactory()
    Source.objects.filter(pk=source.pk).update(
        url='https://stats.example.org/a"b <c>', archived_url="https://Archive.example/é"
    )
    migration = importlib.import_module("claims.migrations.0004_public_slugs_and_strict_urls")
    migration.normalise_stored_urls(apps, None)
    source.refresh_from_db()
    assert (source.url, source.archived_url) == (
        "https://stats.example.org/a%22b%20%3Cc%3E",
        "https://archive.example/%C3%A9",
    )
    assert URI.is_valid(source.url)

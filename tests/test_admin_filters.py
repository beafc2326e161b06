"""Every admin changelist answers bad filters with a 400, never a 500 (issue 11.12).

``?published_at__year=99999999999`` gave a 500 (the date hierarchy overflows), and a NUL
byte in a filter value gave a 500 on PostgreSQL.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from claims.admin.base import SafeChangelistMixin
from tests.factories import PublishedClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def filter_names(model_admin) -> list[str]:
    return [name for name in model_admin.list_filter if isinstance(name, str)]


@pytest.fixture
def admin_client(client, superuser):
    SourceFactory(claim=PublishedClaimFactory())
    client.force_login(superuser)
    return client


def test_every_changelist_is_protected():
    assert [
        model._meta.label
        for model, model_admin in REGISTRY
        if not isinstance(model_admin, SafeChangelistMixin)
    ] == []


def test_the_reported_year_is_a_400(admin_client):
    response = admin_client.get("/admin/claims/article/", {"published_at__year": "99999999999"})
    assert response.status_code == 400
    assert "A filter value is out of range or malformed." in response.content.decode()


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTRY, ids=lambda v: getattr(v, "__name__", "")
)
def test_bad_filters_on_every_changelist_are_400(admin_client, model, model_admin):
    url = changelist(model)
    assert admin_client.get(url).status_code == 200
    hostile = [{"q": "a\x00b"}, {"\x00": "1"}]
    hostile += [{name: "\x00"} for name in filter_names(model_admin)]
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        hostile += [
            {f"{field}__year": "99999999999"},
            {f"{field}__year": "2024", f"{field}__month": "99999999999999999999"},
            {f"{field}__year": "-1"},
        ]
    statuses = {str(query): admin_client.get(url, query).status_code for query in hostile}
    assert statuses == dict.fromkeys(statuses, 400)


@pytest.mark.postgres
def test_a_nul_byte_in_a_filter_value_is_a_400_on_postgresql(admin_client):
    """PostgreSQL refuses any text with a NUL; the admin says so instead of failing."""
    for url, query in [
        ("/admin/claims/claim/", {"status": "pub\x00lished"}),
        ("/admin/claims/source/", {"health": "\x00"}),
        ("/admin/knox/authtoken/", {"q": "\x00"}),
    ]:
        response = admin_client.get(url, query)
        assert response.status_code == 400, url
        assert "A filter or search contains a NUL character." in response.content.decode()

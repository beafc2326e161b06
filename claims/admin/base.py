"""What every admin page shares: view-only rows written by the domain, and changelists
that answer bad filters with a 400 instead of a 500."""

from __future__ import annotations

import logging

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import DataError, models
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)


class ViewOnlyMixin:
    """Rows written by the domain, never by hand: no add, change or delete for anyone."""

    # Read-only pages still build forms: say which scheme URLs lack (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ViewOnlyInline(ViewOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True
    can_delete = False


class _BadFilter(Exception):
    pass


class SafeChangelistMixin:
    """A changelist whose filters come from the query string answers bad ones with a 400.

    Django's admin sends some bad lookups to its "?e=1" page (which blames the database
    installation) and lets others through as a 500: a date hierarchy year such as
    ``99999999999`` overflows ``datetime`` (``ValueError``), an out-of-range number
    overflows SQLite (``OverflowError``) or PostgreSQL (``DataError``), and PostgreSQL
    refuses any text with a NUL byte. NUL bytes are refused before anything runs; the rest
    is caught while the list is built *and rendered* (querysets are lazy: the query runs in
    the template). Each is a 400 page saying so, with a link to the unfiltered list.
    """

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters as exc:
            raise _BadFilter("A filter, search or page number is not valid.") from exc

    def changelist_view(self, request, extra_context=None):
        if any("\x00" in key or any("\x00" in v for v in values)
               for key, values in request.GET.lists()):  # fmt: skip
            return self._bad_filter(request, "A filter or search contains a NUL character.")
        try:
            response = super().changelist_view(request, extra_context)
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                response.render()
        except _BadFilter as exc:
            return self._bad_filter(request, str(exc))
        except (ValueError, OverflowError, DataError) as exc:
            logger.warning("admin: bad filter on %s: %s", request.get_full_path(), exc)
            return self._bad_filter(request, "A filter value is out of range or malformed.")
        return response

    def _bad_filter(self, request, reason: str) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Bad filter",
            "reason": reason,
        }
        return TemplateResponse(request, "admin/bad_filter.html", context, status=400)


def protect_changelists(site: admin.AdminSite) -> None:
    """Give every registered ModelAdmin — ours, Django's, django-axes', knox's — the
    :class:`SafeChangelistMixin`, re-registering those that lack it. Called once every
    app's admin module is imported, so no changelist can be forgotten."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, SafeChangelistMixin):
            continue
        cls = type(model_admin)
        safe = type(cls.__name__, (SafeChangelistMixin, cls), {"__module__": cls.__module__})
        site.unregister(model)
        site.register(model, safe)

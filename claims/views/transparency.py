"""Transparency: the pages an administrator writes, and the public figures."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .. import transparency
from ..coordination_models import TransparencyPage
from ..enums import PageKind
from ..public_cache import cached_public_page
from .public import absolute_url


@require_safe
@cached_public_page
def transparency_page(request):
    """Who we are and how we work, in figures computed from the audit trail."""
    return render(
        request,
        "public/transparency.html",
        {
            "figures": transparency.figures(),
            "pages": [(kind, reverse("claims:about", args=[kind.value])) for kind in PageKind],
            "canonical_url": absolute_url(request, reverse("claims:transparency")),
        },
    )


@require_safe
@cached_public_page
def about_page(request, kind: str):
    """One of the administrator's pages (funding, team, contact, corrections policy).

    Every kind is linked from the footer; one not written yet says so plainly rather
    than pretending.
    """
    try:
        kind = PageKind(kind)
    except ValueError:
        raise Http404("No such page.") from None
    page = TransparencyPage.objects.filter(kind=kind).first()
    return render(
        request,
        "public/about.html",
        {
            "kind": kind,
            "page": page,
            "canonical_url": absolute_url(request, reverse("claims:about", args=[kind.value])),
        },
    )

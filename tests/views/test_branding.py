"""The organisation's name and logo on every page and on share images."""

import re

import pytest
from django.urls import reverse
from PIL import Image

from claims import shareimage
from tests.factories import PublishedClaimFactory

pytestmark = pytest.mark.django_db


def brand(html: str) -> str:
    return re.search(r'<a class="brand" href="/">(.*?)</a>', html, re.S).group(1)


def test_the_built_in_mark_and_the_name_by_default(client):
    html = client.get(reverse("claims:methodology")).content.decode()
    inner = brand(html)
    assert inner.startswith('<svg class="brand__mark"')
    assert 'aria-hidden="true"' in inner
    assert inner.endswith('<span class="brand__name">Example Fact Desk</span>')


def test_a_configured_logo_replaces_mark_and_name(client, settings, tmp_path):
    (tmp_path / "logo.png").write_bytes(b"")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("brand", str(tmp_path))]
    settings.FACTCHECK_LOGO = "brand/logo.png"
    html = client.get(reverse("claims:methodology")).content.decode()
    assert brand(html) == (
        '<img class="brand__logo" src="/static/brand/logo.png" alt="Example Fact Desk">'
    )


def test_a_raster_logo_is_drawn_on_share_images_an_svg_one_is_not(settings, tmp_path):
    Image.new("RGB", (120, 40), (10, 20, 30)).save(tmp_path / "logo.png")
    (tmp_path / "logo.svg").write_text("<svg/>")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("brand", str(tmp_path))]
    claim = PublishedClaimFactory()
    settings.FACTCHECK_LOGO = "brand/logo.png"
    assert shareimage.card_for(claim).logo == tmp_path / "logo.png"
    settings.FACTCHECK_LOGO = "brand/logo.svg"
    assert shareimage.card_for(claim).logo is None
    settings.FACTCHECK_LOGO = ""
    assert shareimage.card_for(claim).logo is None

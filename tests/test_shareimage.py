"""Share images: what is drawn (the layout) and the picture itself (the PNG)."""

import io

import pytest
from PIL import Image

from claims import shareimage
from claims.enums import Rating
from claims.ratingstyle import STYLES, rgb
from claims.shareimage import Card, layout, render

STATEMENT = "Israel supplied about 69 percent of Azerbaijan's major arms imports in 2016–2020."


def card(**overrides) -> Card:
    values = {
        "statement": STATEMENT,
        "claimant": "Ilham Aliyev",
        "rating": Rating.MOSTLY_ACCURATE.value,
        "organization": "The Daily Check",
    }
    return Card(**(values | overrides))


def test_layout_draws_the_organisation_the_claim_and_the_verdict():
    assert layout(card()).texts == [
        "The Daily Check",
        "FACT-CHECK",
        "Israel supplied about 69",
        "percent of Azerbaijan's major",
        "arms imports in 2016–2020.",
        "Claimed by Ilham Aliyev",
        "Mostly accurate",
        "4 of 5 on our scale",
    ]


def test_layout_draws_the_ratings_shape_in_its_badge():
    for rating, style in STYLES.items():
        items = layout(card(rating=rating.value)).items
        icons = [i for i in items if getattr(i, "kind", "") == "rating-icon"]
        badges = [i for i in items if getattr(i, "kind", "") == "rounded"]
        assert [(i.detail, i.fill) for i in icons] == [(style.shape, rgb(style.colour))]
        assert [b.fill for b in badges] == [rgb(style.colour)]


def test_a_long_claim_shrinks_then_ends_with_an_ellipsis_inside_the_card():
    long = " ".join(["evidence"] * 80)
    texts = layout(card(statement=long)).items
    lines = [t for t in texts if isinstance(t, shareimage.Text) and t.font == "serif-bold"]
    assert len(lines) == shareimage.STATEMENT_LINES
    assert lines[-1].text.endswith("…")
    assert {t.size for t in lines} == {shareimage.STATEMENT_SIZES[-1]}
    for line in lines:
        width = shareimage.font(line.font, line.size).getlength(line.text)
        assert line.x + width <= shareimage.WIDTH - shareimage.MARGIN


def test_a_word_wider_than_a_line_is_cut_not_overflowing():
    lines = shareimage.wrap("x" * 200, "sans", 40, 500)
    assert "".join(lines) == "x" * 200
    assert all(shareimage.font("sans", 40).getlength(line) <= 500 for line in lines)


def test_unsupported_is_not_on_the_scale():
    assert layout(card(rating="unsupported")).texts[-2:] == ["Unsupported", "Not on the scale"]


def test_render_is_a_1200_by_630_png_with_the_badge_in_the_ratings_colour():
    png = render(card(rating="false"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    badge = next(
        i for i in layout(card(rating="false")).items if getattr(i, "kind", "") == "rounded"
    )
    _x0, y0, x1, y1 = badge.box
    # A point of the badge right of its words, left of its rounded end: the rating colour.
    assert image.convert("RGB").getpixel((x1 - 20, (y0 + y1) // 2)) == rgb(
        STYLES[Rating.FALSE].colour
    )


def test_the_fingerprint_changes_with_what_is_drawn():
    base = shareimage.fingerprint(card())
    assert shareimage.fingerprint(card()) == base
    changed = {
        shareimage.fingerprint(card(rating="false")),
        shareimage.fingerprint(card(statement="Other.")),
        shareimage.fingerprint(card(claimant="Someone else")),
        shareimage.fingerprint(card(organization="Other desk")),
    }
    assert base not in changed and len(changed) == 4


def test_a_raster_logo_is_drawn_instead_of_the_built_in_mark(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 50), (200, 0, 200)).save(logo)
    items = layout(card(logo=logo)).items
    assert [i.kind for i in items if getattr(i, "kind", "") in {"logo", "mark"}] == ["logo"]
    assert "The Daily Check" not in layout(card(logo=logo)).texts
    image = Image.open(io.BytesIO(render(card(logo=logo)))).convert("RGB")
    assert image.getpixel((shareimage.MARGIN + 20, 72)) == (200, 0, 200)


@pytest.mark.parametrize("name", sorted(shareimage.FONTS.values()))
def test_fonts_ship_with_their_licence(name):
    assert (shareimage.FONTS_DIR / name).stat().st_size > 100_000
    assert "Bitstream" in (shareimage.FONTS_DIR / "LICENSE").read_text()

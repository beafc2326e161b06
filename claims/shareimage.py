"""Share images: the 1200×630 PNG that social networks show for a published fact-check.

The card says what a reader needs before clicking: the claim, the verdict (a badge in the
rating's colour with its shape, as on the site) and who checked it. It is drawn with
Pillow from the DejaVu fonts shipped in ``claims/fonts/`` (licence beside them), so the
result is the same on every machine and needs nothing from the network.

Two steps, so tests can read what is drawn without reading pixels:

1. :func:`layout` turns a :class:`Card` into a list of :class:`Text` and :class:`Shape`
   instructions (positions in output pixels, wrapped and fitted text);
2. :func:`render` paints them (at twice the size, then scaled down, which smooths the
   shapes) and returns the PNG bytes.

The view (``claims.views.share``) caches the bytes with the public pages and builds the
card with :func:`card_for`; :func:`fingerprint` changes whenever anything drawn changes,
so the ``og:image`` URL changes with it and networks fetch the new picture.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .enums import Rating
from .ratingstyle import rgb, style_of

WIDTH, HEIGHT = 1200, 630
SCALE = 2  # drawn at 2×, scaled down: smooth edges for shapes Pillow does not antialias
# Bump when the design changes, so cached images and networks' copies are replaced.
RENDER_VERSION = 1

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONTS = {
    "sans": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
}

INK = (22, 24, 29)
MUTED = (74, 77, 87)
PAPER = (255, 255, 255)
TINT = (246, 244, 239)
BRAND = (20, 33, 61)
MARK = (255, 216, 77)
SLATE = (141, 153, 174)

MARGIN = 64
STATEMENT_SIZES = (60, 54, 48, 44, 40, 36)  # largest first; the first that fits wins
STATEMENT_LINES = 4
STATEMENT_TOP = 150
STATEMENT_BOTTOM = 440  # the badge row starts below this


@dataclass(frozen=True)
class Card:
    """Everything a share image shows (all of it public)."""

    statement: str
    claimant: str
    rating: str  # a claims.enums.Rating value
    organization: str
    logo: Path | None = None  # a raster logo file replacing the built-in mark and name


@dataclass(frozen=True)
class Text:
    text: str
    x: int
    y: int  # top of the line box
    font: str  # a key of FONTS
    size: int
    fill: tuple[int, int, int]


@dataclass(frozen=True)
class Shape:
    kind: str  # "rect", "rounded", "mark", "rating-icon", "logo", "meter"
    box: tuple[int, int, int, int]
    fill: tuple[int, int, int] | None = None
    detail: str = ""  # the icon's shape name, the meter's value, the logo's path


@dataclass
class Layout:
    items: list[Text | Shape] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        """The words drawn, in drawing order (what a reader of the picture sees)."""
        return [item.text for item in self.items if isinstance(item, Text)]


@cache
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS_DIR / FONTS[name]), size)


def _width(text: str, name: str, size: int) -> float:
    return font(name, size).getlength(text)


def wrap(text: str, name: str, size: int, width: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels; a word wider than a line is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _width(candidate, name, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while _width(word, name, size) > width:  # a very long word (a URL): cut it
            cut = len(word)
            while cut > 1 and _width(word[:cut], name, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def fit(text: str, name: str, width: int, sizes=STATEMENT_SIZES, max_lines=STATEMENT_LINES):
    """The largest size at which ``text`` wraps into ``max_lines``; at the smallest size,
    the lines beyond are dropped and the last one ends with an ellipsis."""
    for size in sizes:
        lines = wrap(text, name, size, width)
        if len(lines) <= max_lines:
            return size, lines
    size = sizes[-1]
    lines = wrap(text, name, size, width)[:max_lines]
    last = lines[-1]
    while last and _width(last + "…", name, size) > width:
        last = last[:-1].rstrip()
    lines[-1] = last + "…"
    return size, lines


def _line_height(size: int) -> int:
    return round(size * 1.22)


def layout(card: Card) -> Layout:
    """Where everything goes, in output pixels."""
    result = Layout()
    add = result.items.append
    colour = rgb(style_of(card.rating).colour)
    label = Rating(card.rating).label
    text_width = WIDTH - 2 * MARGIN

    add(Shape("rect", (0, 0, WIDTH, HEIGHT), PAPER))
    add(Shape("rect", (0, HEIGHT - 96, WIDTH, HEIGHT), TINT))
    add(Shape("rect", (0, 0, 18, HEIGHT), colour))  # the rating's colour down the edge

    # The organisation, top left; "Fact-check" top right.
    if card.logo is not None:
        add(Shape("logo", (MARGIN, 44, MARGIN + 360, 44 + 56), detail=str(card.logo)))
    else:
        add(Shape("mark", (MARGIN, 44, MARGIN + 56, 100)))
        name_size = 34
        name_x = MARGIN + 56 + 18
        name_w = round(_width(card.organization, "sans-bold", name_size))
        add(Shape("rect", (name_x - 4, 76, name_x + name_w + 4, 96), MARK))  # highlighter
        add(Text(card.organization, name_x, 52, "sans-bold", name_size, INK))
    kicker = "FACT-CHECK"
    kicker_w = round(_width(kicker, "sans-bold", 24))
    add(Text(kicker, WIDTH - MARGIN - kicker_w, 60, "sans-bold", 24, MUTED))

    # The claim: as large as it fits in four lines.
    size, lines = fit(card.statement, "serif-bold", text_width)
    step = _line_height(size)
    block = step * len(lines)
    y = STATEMENT_TOP + max(0, (STATEMENT_BOTTOM - STATEMENT_TOP - block) // 2)
    for line in lines:
        add(Text(line, MARGIN, y, "serif-bold", size, INK))
        y += step

    # Who said it, under the claim.
    claimant = f"Claimed by {card.claimant}"
    claimant_lines = wrap(claimant, "sans", 26, text_width)[:1]
    if claimant_lines and claimant_lines[0] != claimant:
        claimant_lines = [fit(claimant, "sans", text_width, sizes=(26,), max_lines=1)[1][0]]
    for line in claimant_lines:
        add(Text(line, MARGIN, min(y + 12, STATEMENT_BOTTOM + 4), "sans", 26, MUTED))

    # The verdict: the badge (shape and words) and where it sits on the scale.
    badge_size = 44
    icon = 48
    pad = 26
    badge_h = 84
    badge_top = HEIGHT - 96 - badge_h // 2
    label_w = round(_width(label, "sans-bold", badge_size))
    badge_w = pad + icon + 16 + label_w + pad + 8
    add(Shape("rounded", (MARGIN, badge_top, MARGIN + badge_w, badge_top + badge_h), colour))
    icon_top = badge_top + (badge_h - icon) // 2
    add(
        Shape(
            "rating-icon",
            (MARGIN + pad, icon_top, MARGIN + pad + icon, icon_top + icon),
            colour,
            style_of(card.rating).shape,
        )
    )
    add(Text(label, MARGIN + pad + icon + 16, badge_top + 15, "sans-bold", badge_size, PAPER))
    value = Rating(card.rating).rating_value
    meter_x = MARGIN + badge_w + 36
    add(Shape("meter", (meter_x, HEIGHT - 60, meter_x + 5 * 58, HEIGHT - 34), None, str(value)))
    scale_text = f"{value} of 5 on our scale" if value else "Not on the scale"
    add(Text(scale_text, meter_x, HEIGHT - 90, "sans", 22, MUTED))
    return result


# --- Painting -----------------------------------------------------------------------------


def _s(box):
    return tuple(v * SCALE for v in box)


def _draw_icon(draw: ImageDraw.ImageDraw, shape: str, box, ground) -> None:
    """The rating's shape in white on ``ground`` (the badge colour), as site.css shows it."""
    x0, y0, x1, y1 = box
    w = x1 - x0
    ring = max(2, round(w * 0.13))
    fg = PAPER

    def check(width):
        points = [
            (x0 + w * 0.27, y0 + w * 0.52),
            (x0 + w * 0.44, y0 + w * 0.69),
            (x0 + w * 0.74, y0 + w * 0.34),
        ]
        draw.line(points, fill=fg if shape == "check-ring" else ground, width=width, joint="curve")

    if shape in {"check-disc", "cross-disc"}:
        draw.ellipse(box, fill=fg)
    elif shape in {"check-ring", "question-ring", "half-disc"}:
        draw.ellipse(box, outline=fg, width=ring)
    if shape in {"check-disc", "check-ring"}:
        check(round(w * 0.14))
    elif shape == "half-disc":
        draw.pieslice(box, 90, 270, fill=fg)
    elif shape == "cross-disc":
        d, width = w * 0.3, round(w * 0.14)
        cx, cy = x0 + w / 2, y0 + w / 2
        draw.line([(cx - d, cy - d), (cx + d, cy + d)], fill=ground, width=width)
        draw.line([(cx - d, cy + d), (cx + d, cy - d)], fill=ground, width=width)
    elif shape == "warning":
        draw.polygon([(x0 + w / 2, y0), (x1, y1), (x0, y1)], fill=fg)
        bar = w * 0.07
        cx = x0 + w / 2
        draw.rectangle([cx - bar, y0 + w * 0.36, cx + bar, y0 + w * 0.68], fill=ground)
        draw.rectangle([cx - bar, y0 + w * 0.76, cx + bar, y0 + w * 0.88], fill=ground)
    elif shape == "question-ring":
        qfont = font("sans-bold", round(w * 0.62))
        draw.text((x0 + w / 2, y0 + w / 2), "?", font=qfont, fill=fg, anchor="mm")


def _draw_mark(draw: ImageDraw.ImageDraw, box) -> None:
    """The built-in mark (static/img/mark.svg), drawn in a 32-unit grid."""
    x0, y0, x1, _ = box
    u = (x1 - x0) / 32

    def r(x, y, w, h, fill, radius=1.5):
        draw.rounded_rectangle(
            [x0 + x * u, y0 + y * u, x0 + (x + w) * u, y0 + (y + h) * u],
            radius=radius * u,
            fill=fill,
        )

    r(0, 0, 32, 32, BRAND, 7)
    r(6, 8, 11, 3, SLATE)
    r(4.5, 14, 16, 6, MARK)
    r(6, 23, 20, 3, SLATE)
    draw.line(
        [
            (x0 + 20.5 * u, y0 + 10.5 * u),
            (x0 + 23.5 * u, y0 + 13.5 * u),
            (x0 + 28.5 * u, y0 + 7 * u),
        ],
        fill=PAPER,
        width=round(2.6 * u),
        joint="curve",
    )


def _draw_meter(draw: ImageDraw.ImageDraw, box, value: str) -> None:
    x0, y0, _x1, y1 = box
    ratings = [
        Rating.FALSE,
        Rating.MISLEADING,
        Rating.MIXED,
        Rating.MOSTLY_ACCURATE,
        Rating.ACCURATE,
    ]
    step = 58 * SCALE
    for index, rating in enumerate(ratings, start=1):
        left = x0 + (index - 1) * step
        chosen = value == str(index)
        top = y0 - (6 * SCALE if chosen else 0)
        fill = rgb(style_of(rating).colour) if chosen else PAPER
        outline = fill if chosen else (190, 185, 175)
        draw.rounded_rectangle(
            [left, top, left + step - 8 * SCALE, y1],
            radius=3 * SCALE,
            fill=fill,
            outline=outline,
            width=SCALE,
        )


def _paste_logo(image: Image.Image, box, path: str) -> None:
    with Image.open(path) as logo:
        logo = logo.convert("RGBA")
        x0, y0, x1, y1 = box
        logo.thumbnail((x1 - x0, y1 - y0), Image.Resampling.LANCZOS)
        image.paste(logo, (x0, y0 + (y1 - y0 - logo.height) // 2), logo)


def render(card: Card) -> bytes:
    """The PNG of ``card``."""
    image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), PAPER)
    draw = ImageDraw.Draw(image)
    for item in layout(card).items:
        if isinstance(item, Text):
            draw.text(
                (item.x * SCALE, item.y * SCALE),
                item.text,
                font=font(item.font, item.size * SCALE),
                fill=item.fill,
            )
        elif item.kind == "rect":
            draw.rectangle(_s(item.box), fill=item.fill)
        elif item.kind == "rounded":
            draw.rounded_rectangle(_s(item.box), radius=16 * SCALE, fill=item.fill)
        elif item.kind == "mark":
            _draw_mark(draw, _s(item.box))
        elif item.kind == "rating-icon":
            _draw_icon(draw, item.detail, _s(item.box), item.fill)
        elif item.kind == "meter":
            _draw_meter(draw, _s(item.box), item.detail)
        elif item.kind == "logo":
            _paste_logo(image, _s(item.box), item.detail)
    image = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


# --- From a claim -------------------------------------------------------------------------

RASTER_LOGOS = {".png", ".jpg", ".jpeg", ".webp", ".gif"}


def logo_file() -> Path | None:
    """The configured logo as a file Pillow can draw, or None (an SVG logo, or none:
    the built-in mark and the organisation's name are drawn instead)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    if not settings.FACTCHECK_LOGO or Path(settings.FACTCHECK_LOGO).suffix.lower() not in (
        RASTER_LOGOS
    ):
        return None
    found = finders.find(settings.FACTCHECK_LOGO)
    return Path(found) if found else None


def card_for(claim) -> Card:
    from django.conf import settings

    return Card(
        statement=claim.statement,
        claimant=claim.claimant,
        rating=claim.rating,
        organization=settings.FACTCHECK_ORGANIZATION_NAME,
        logo=logo_file(),
    )


def fingerprint(card: Card) -> str:
    """Changes whenever anything drawn changes (for cache keys and the og:image URL)."""
    parts = [str(RENDER_VERSION), card.statement, card.claimant, card.rating, card.organization]
    if card.logo is not None:
        parts += [str(card.logo), str(card.logo.stat().st_mtime_ns)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]

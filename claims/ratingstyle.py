"""How each rating looks: a colour and a shape, so the scale never relies on colour alone.

One definition for everything that draws a rating: ``static/css/site.css`` repeats the
colours as custom properties (``--accurate`` …) and ``static/img/ratings/<value>.svg`` are
the shapes, both checked against this module by the tests; the share images
(``claims.shareimage``) draw the same shapes with Pillow.

The colours were chosen to stay apart for readers with colour-vision deficiencies: every
pair keeps a CIEDE2000 distance of at least 15 under simulated protanopia, deuteranopia
and tritanopia (Machado, Oliveira & Fernandes 2009, severity 1), as
``tests/test_ratingstyle.py`` computes, and each carries white text at WCAG AA (4.5:1 or
more). The shapes form one family — a disc or a ring, filled for the ends of the scale —
so the rating is legible in greyscale, in print and under forced colours too.
"""

from __future__ import annotations

from dataclasses import dataclass

from .enums import Rating


@dataclass(frozen=True)
class RatingStyle:
    colour: str  # "#rrggbb", the badge's background (white text on it)
    shape: str  # one of SHAPES: what the icon draws
    description: str  # the shape in words (the methodology page's legend)


SHAPES = ("check-disc", "check-ring", "half-disc", "warning", "cross-disc", "question-ring")

STYLES: dict[Rating, RatingStyle] = {
    Rating.ACCURATE: RatingStyle("#005f45", "check-disc", "a tick in a filled disc"),
    Rating.MOSTLY_ACCURATE: RatingStyle("#0c72ce", "check-ring", "a tick in a ring"),
    Rating.MIXED: RatingStyle("#482b76", "half-disc", "a half-filled disc"),
    Rating.MISLEADING: RatingStyle("#b15b0a", "warning", "a warning triangle"),
    Rating.FALSE: RatingStyle("#790002", "cross-disc", "a cross in a filled disc"),
    Rating.UNSUPPORTED: RatingStyle("#6c727c", "question-ring", "a question mark in a ring"),
}


def style_of(rating: str) -> RatingStyle:
    return STYLES[Rating(rating)]


def rgb(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` as an (r, g, b) tuple of 0–255 integers."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)

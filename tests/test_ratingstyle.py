"""The rating scale's colours and shapes: apart for every reader, and one definition."""

import itertools
import re
from pathlib import Path

import pytest

from claims.enums import Rating
from claims.ratingstyle import SHAPES, STYLES, rgb
from tests.support.colour import MACHADO_2009, contrast_ratio, delta_e_2000, lab, simulate

ROOT = Path(__file__).resolve().parent.parent
MIN_DISTANCE = 15  # CIEDE2000; about 2.3 is a just-noticeable difference
VISIONS = [None, *MACHADO_2009]


def min_distance(colours: dict[str, tuple[int, int, int]], vision: str | None):
    seen = {
        name: lab(rgb_ if vision is None else simulate(rgb_, vision))
        for name, rgb_ in colours.items()
    }
    return min((delta_e_2000(seen[a], seen[b]), a, b) for a, b in itertools.combinations(seen, 2))


@pytest.mark.parametrize("vision", VISIONS, ids=lambda v: v or "typical")
def test_every_pair_of_rating_colours_stays_apart(vision):
    colours = {rating.value: rgb(style.colour) for rating, style in STYLES.items()}
    distance, a, b = min_distance(colours, vision)
    assert distance >= MIN_DISTANCE, f"{a} and {b} are {distance:.1f} apart under {vision}"


@pytest.mark.parametrize("vision", list(MACHADO_2009))
def test_the_old_greens_fail_the_same_check(vision):
    """The check can fail: the two greens this scale replaced were near-identical."""
    old = {"accurate": (0x15, 0x5D, 0x27), "mostly_accurate": (0x2F, 0x6B, 0x1F)}
    assert min_distance(old, vision)[0] < MIN_DISTANCE


def test_simulation_matches_published_values():
    # Pure red under protanopia, Machado 2009 severity 1: a dark olive, per the matrix.
    assert tuple(round(c) for c in simulate((255, 0, 0), "protanopia")) == (109, 95, 0)
    assert simulate((255, 255, 255), "deuteranopia") == pytest.approx((255, 255, 255), abs=1)
    assert delta_e_2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, 1e-4)


def test_white_text_on_every_badge_passes_wcag_aa():
    for rating, style in STYLES.items():
        assert contrast_ratio(rgb(style.colour), (255, 255, 255)) >= 4.5, rating


def test_every_rating_has_its_own_shape_and_icon_file():
    assert sorted(style.shape for style in STYLES.values()) == sorted(SHAPES)
    assert set(STYLES) == set(Rating)
    for rating in Rating:
        svg = (ROOT / "static" / "img" / "ratings" / f"{rating.value}.svg").read_text()
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">')


def test_the_stylesheet_uses_the_same_colours_and_icons():
    css = (ROOT / "static" / "css" / "site.css").read_text()
    declared = dict(re.findall(r"--(\w+): (#[0-9a-f]{6});", css))
    for rating, style in STYLES.items():
        assert declared[rating.value] == style.colour, rating
        assert (
            f".badge--{rating.value} {{ background: var(--{rating.value}); "
            f'--shape: url("../img/ratings/{rating.value}.svg"); }}'
        ) in css

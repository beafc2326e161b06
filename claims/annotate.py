"""Split an article body into paragraphs and highlighted segments for rendering.

Claims may overlap or (rarely) cross a paragraph break, so the body is cut at every claim
boundary and each piece carries the claims that cover it. Offsets are the same
code-point offsets the claims store.

So that overlapping claims stay distinguishable, every claim gets a *lane*: claims that
overlap never share one (greedy interval colouring, widest first at each start). A piece
is drawn as one ``<mark>`` per covering claim, nested in lane order, and each lane draws
its own underline at its own depth — a claim looks the same all along its span however
other claims cut it, and hovering or focusing one lights up all of its pieces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Protocol

# Lanes drawn with their own underline depth (site.css .lane-0 … .lane-3); deeper
# overlaps reuse the last depth, still as separate marks.
LANES = 4


class Anchored(Protocol):
    start_offset: int
    end_offset: int


@dataclass(frozen=True)
class Layer:
    """One claim's part of a piece: the claim and the lane it is drawn in."""

    claim: object
    lane: int
    starts: bool  # the claim's quote begins in this piece
    ends: bool  # … and ends in it (where its label or badge goes)


@dataclass
class Piece:
    text: str
    claims: list = field(default_factory=list)
    start: int = 0
    end: int = 0
    layers: list[Layer] = field(default_factory=list)

    @property
    def claim(self):
        """The claim a highlight links to: the narrowest one covering this piece."""
        if not self.claims:
            return None
        return min(self.claims, key=lambda c: (c.end_offset - c.start_offset, c.start_offset))

    @property
    def starting(self) -> list:
        """Claims whose quote begins here (where an in-page anchor for them belongs)."""
        return [c for c in self.claims if c.start_offset == self.start]

    @property
    def ending(self) -> list:
        """Claims whose quote ends here (where their labels or badges go)."""
        return [c for c in self.claims if c.end_offset == self.end]

    @property
    def ends_claim(self) -> bool:
        """Whether the linked claim's quote ends here (where its verdict badge goes)."""
        claim = self.claim
        return claim is not None and claim.end_offset == self.end


@dataclass
class Paragraph:
    start: int
    pieces: list[Piece]
    end: int = 0

    @property
    def notes(self) -> list:
        """Claims whose quote begins in this paragraph (its margin notes), in text order."""
        seen, result = set(), []
        for piece in self.pieces:
            for claim in piece.starting:
                if id(claim) not in seen:
                    seen.add(id(claim))
                    result.append(claim)
        return result


def assign_lanes(claims: Sequence[Anchored]) -> dict[int, int]:
    """``id(claim) → lane``: overlapping claims never share a lane; lanes start at 0.

    Claims are taken by start, the wider first, so a claim that contains another is drawn
    outside it (lane 0 is the nearest the text).
    """
    ordered = sorted(claims, key=lambda c: (c.start_offset, -(c.end_offset - c.start_offset)))
    lane_end: list[int] = []  # the end offset of the claim last placed in each lane
    lanes: dict[int, int] = {}
    for claim in ordered:
        for lane, end in enumerate(lane_end):
            if end <= claim.start_offset:
                lane_end[lane] = claim.end_offset
                break
        else:
            lane = len(lane_end)
            lane_end.append(claim.end_offset)
        lanes[id(claim)] = lane
    return lanes


def paragraphs(body: str, claims: Sequence[Anchored]) -> list[Paragraph]:
    """The body as paragraphs (separated by blank lines), cut at every claim boundary."""
    lanes = assign_lanes(claims)
    result = []
    position = 0
    for block in body.split("\n\n"):
        start, end = position, position + len(block)
        position = end + 2
        if not block.strip():
            continue
        cuts = {start, end}
        for claim in claims:
            for offset in (claim.start_offset, claim.end_offset):
                if start < offset < end:
                    cuts.add(offset)
        bounds = sorted(cuts)
        pieces = []
        for a, b in pairwise(bounds):
            covering = [c for c in claims if c.start_offset <= a and b <= c.end_offset]
            layers = sorted(
                (Layer(c, lanes[id(c)], c.start_offset == a, c.end_offset == b) for c in covering),
                key=lambda layer: -layer.lane,  # the outermost element is the deepest lane
            )
            pieces.append(Piece(body[a:b], covering, a, b, layers))
        result.append(Paragraph(start, pieces, end))
    return result

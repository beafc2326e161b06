"""Split an article body into paragraphs and highlighted segments for rendering.

Claims may overlap or (rarely) cross a paragraph break, so highlights are not nested
tags: the body is cut at every claim boundary and each piece carries the claims that
cover it. Templates turn pieces with claims into ``<mark>`` elements. Offsets are the
same code-point offsets the claims store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Protocol


class Anchored(Protocol):
    start_offset: int
    end_offset: int


@dataclass
class Piece:
    text: str
    claims: list = field(default_factory=list)
    start: int = 0
    end: int = 0

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
    def ends_claim(self) -> bool:
        """Whether the linked claim's quote ends here (where its verdict badge goes)."""
        claim = self.claim
        return claim is not None and claim.end_offset == self.end


@dataclass
class Paragraph:
    start: int
    pieces: list[Piece]


def paragraphs(body: str, claims: Sequence[Anchored]) -> list[Paragraph]:
    """The body as paragraphs (separated by blank lines), cut at every claim boundary."""
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
            pieces.append(Piece(body[a:b], covering, a, b))
        result.append(Paragraph(start, pieces))
    return result

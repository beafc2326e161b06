from dataclasses import dataclass

from claims.annotate import paragraphs

BODY = "Alpha beta gamma.\n\nDelta epsilon zeta."


@dataclass
class Stub:
    name: str
    start_offset: int
    end_offset: int


def texts(result):
    return [[(piece.text, [c.name for c in piece.claims]) for piece in p.pieces] for p in result]


def test_paragraphs_without_claims():
    assert texts(paragraphs(BODY, [])) == [
        [("Alpha beta gamma.", [])],
        [("Delta epsilon zeta.", [])],
    ]


def test_paragraphs_cut_at_claims_and_keep_offsets():
    claim = Stub("b", 6, 16)
    result = paragraphs(BODY, [claim])
    assert texts(result) == [
        [("Alpha ", []), ("beta gamma", ["b"]), (".", [])],
        [("Delta epsilon zeta.", [])],
    ]
    assert [p.start for p in result] == [0, 19]


def test_overlapping_claims_link_to_the_narrowest():
    wide, narrow = Stub("wide", 19, 38), Stub("narrow", 25, 32)
    result = paragraphs(BODY, [wide, narrow])
    assert texts(result)[1] == [
        ("Delta ", ["wide"]),
        ("epsilon", ["wide", "narrow"]),
        (" zeta.", ["wide"]),
    ]
    assert [piece.claim.name for piece in result[1].pieces] == ["wide", "narrow", "wide"]


def test_claim_across_a_paragraph_break_is_marked_in_both():
    claim = Stub("x", 11, 24)
    assert texts(paragraphs(BODY, [claim])) == [
        [("Alpha beta ", []), ("gamma.", ["x"])],
        [("Delta", ["x"]), (" epsilon zeta.", [])],
    ]

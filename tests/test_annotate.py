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


def test_overlapping_claims_get_their_own_lanes_and_nested_layers():
    # "Delta epsilon" and "epsilon zeta" cross; "zeta" sits inside the second.
    first, second, inner = Stub("first", 19, 32), Stub("second", 25, 37), Stub("inner", 33, 37)
    (_, paragraph) = paragraphs(BODY, [first, second, inner])
    lanes = [
        (piece.text, [(layer.claim.name, layer.lane) for layer in piece.layers])
        for piece in paragraph.pieces
    ]
    assert lanes == [
        ("Delta ", [("first", 0)]),
        ("epsilon", [("second", 1), ("first", 0)]),
        (" ", [("second", 1)]),
        ("zeta", [("second", 1), ("inner", 0)]),
        (".", []),
    ]
    assert [c.name for c in paragraph.notes] == ["first", "second", "inner"]
    ends = [
        [(layer.claim.name, layer.ends) for layer in piece.layers] for piece in paragraph.pieces
    ]
    assert ends[1] == [("second", False), ("first", True)]


def test_lanes_are_reused_once_a_claim_has_ended():
    from claims.annotate import assign_lanes

    a, b, c = Stub("a", 0, 5), Stub("b", 3, 10), Stub("c", 6, 12)
    lanes = assign_lanes([a, b, c])
    assert [lanes[id(x)] for x in (a, b, c)] == [0, 1, 0]

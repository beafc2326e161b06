import pytest

from claims.markdown import render_markdown


def test_markdown_renders_basic_formatting():
    assert render_markdown("Some **bold** and a [link](https://example.org/x).") == (
        '<p>Some <strong>bold</strong> and a <a href="https://example.org/x" '
        'rel="nofollow noopener noreferrer">link</a>.</p>\n'
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        (
            '<img src=x onerror="alert(1)">',
            '<p>&lt;img src=x onerror="alert(1)"&gt;</p>\n',
        ),
        ("[click](javascript:alert(1))", "<p>[click](javascript:alert(1))</p>\n"),
        ("[click](JaVaScRiPt:alert(1))", "<p>[click](JaVaScRiPt:alert(1))</p>\n"),
        (
            "[img](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<p>[img](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)</p>\n",
        ),
        ("![x](https://example.org/a.png)", "<p></p>\n"),
        (
            "<a href='https://e.org' onclick='x()'>a</a>",
            "<p>&lt;a href='https://e.org' onclick='x()'&gt;a&lt;/a&gt;</p>\n",
        ),
    ],
)
def test_markdown_renders_attacks_harmless(source, expected):
    assert render_markdown(source) == expected


def test_markdown_autolink_with_a_dangerous_scheme_stays_text():
    assert render_markdown("<javascript:alert(1)>") == "<p>&lt;javascript:alert(1)&gt;</p>\n"


def test_markdown_headings_sit_below_the_page_headings():
    assert render_markdown("# Title\n\n## Sub") == "<h3>Title</h3>\n<h3>Sub</h3>\n"

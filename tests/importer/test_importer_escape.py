"""Dump text must render as exactly its own text, whatever Markdown it looks like."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen.importer.escape import escape, unescape
from sitegen.markdown import render_markdown

_TAG = re.compile(r"<[^>]+>")
#: Markdown's own characters, over-represented so hypothesis finds the interesting cases.
_MARKDOWN = st.sampled_from([*"#>-+*_`[]()<>&\\:!=~|.;0123456789 \t", "&amp;", "&#35;", "1.", ":::", "    "])
_TEXT = st.characters(blacklist_categories=("Cc", "Cs"))
LINES = st.lists(st.one_of(_MARKDOWN, _TEXT), max_size=40).map("".join)


def visible(markdown: str) -> str:
    """The text a reader sees: tags stripped, entities decoded."""
    return html.unescape(_TAG.sub("", render_markdown(markdown))).strip()


@pytest.mark.parametrize(
    "line",
    [
        "# Not a heading",
        "1. Not a list",
        "12) Not a list either",
        "- not a bullet",
        "+ not a bullet",
        "* not a bullet",
        "> not a quotation",
        "::: lost-media",
        ":::",
        "***",
        "---",
        "===",
        "~~~",
        "```python",
        "<b>bold</b> and <!-- comment -->",
        "&amp; &#35; &copy;",
        "*stars* and _underscores_ and `code`",
        "[link](http://example.com) ![image](x.png)",
        "<http://example.com>",
        "back\\slash\\",
        "trailing backslash \\",
        "    indented four spaces",
        "Syria’s “Free Aleppo” — 50%",
    ],
)
def test_markdown_syntax_in_a_dump_line_renders_as_plain_text(line: str) -> None:
    assert visible(escape(line)) == line.strip()
    assert unescape(escape(line)) == line.strip()


def test_escape_leaves_ordinary_prose_readable() -> None:
    line = "Insurgents took over the main base of ISIS, a former children’s hospital."
    assert escape(line) == line


@settings(max_examples=400, deadline=None)
@given(LINES)
@example("\u00a0# hash after a no-break space")
@example("a\u2028b")
def test_any_line_renders_as_exactly_its_text(line: str) -> None:
    expected = line.strip()
    assert visible(escape(line)) == expected
    assert unescape(escape(line)) == expected

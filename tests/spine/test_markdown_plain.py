"""Plain prose (and the importer's lost-media captions) skips markdown-it, and comes out exactly as markdown-it
would have rendered it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content import parse_file
from sitegen.markdown import _parser, plain_paragraphs, render_markdown

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "fixtures" / "importer" / "corpus"


def markdown_it(text: str) -> str:
    return str(_parser().render(text))


def corpus_texts() -> list[str]:
    """Every bundled entry's body, and every line and paragraph of every corpus dump."""
    texts = []
    entries = REPO / "content" / "entries"
    for path in sorted(entries.rglob("*.md")):
        texts.append(parse_file(path.read_bytes(), entries, path.relative_to(entries).as_posix()).body)
    for path in sorted(CORPUS.rglob("*.txt")):
        dump = path.read_text(encoding="utf-8")
        texts += dump.split("\n") + dump.split("\n\n")
    return texts


def test_plain_prose_is_rendered_as_markdown_it_renders_it() -> None:
    texts = corpus_texts()
    plain = [text for text in texts if plain_paragraphs(text) is not None]
    assert len(plain) > len(texts) // 3, "most prose should take the plain path"
    for text in plain:
        assert plain_paragraphs(text) == markdown_it(text), text


@pytest.mark.parametrize(
    "text",
    [
        'Assad: "no talks"\nsaid it again\n\nA second paragraph.',
        "It's 5 > 4",
        "*not* emphasis",
        "1. a list",
        "2014) a list too",
        "- bullet",
        "Heading\n===",
        "    indented code",
        "line with a hard break  \nnext",
        "::: lost-media\nVideo:\n:::",
        "AT&T",
        "a\tb",
        "[link](http://example.org)",
        "::: lost-media\n::: lost-media\nnested\n:::\n:::",
        "::: lost-media\n:::",
        "::: lost-media\nnot closed",
    ],
)
def test_text_that_may_be_markdown_goes_to_markdown_it(text: str) -> None:
    assert render_markdown(text) == markdown_it(text)


#: Prose with a good share of everything that is syntax somewhere: markers, punctuation, digits, odd spaces.
NEAR_SYNTAX = st.text(
    alphabet=st.sampled_from(list("ab Z09.)-+*_#>=~:`[]!<&\"'\\|(){}$%@^/\n\t\r\x00\u00a0\u2028\u3000\x1cé")),
    max_size=60,
)


#: Lines a body is made of: plain prose, near-prose, and the caption fence with its near misses.
LINES = st.sampled_from(
    [
        "Plain prose.",
        'He said "no".',
        "A caption:",
        "It's 5 km away",
        "- not prose",
        "1. not prose",
        "::: lost-media",
        ":::",
        "::: lost-media ",
        "::: other",
        " ::: lost-media",
        "::::",
        "",
    ]
)


@settings(max_examples=6000, deadline=None)
@given(st.one_of(NEAR_SYNTAX, st.lists(LINES, max_size=12).map("\n".join)))
def test_generated_text_renders_the_same_either_way(text: str) -> None:
    plain = plain_paragraphs(text)
    if plain is not None:
        assert plain == markdown_it(text)


@pytest.mark.parametrize(
    "text",
    [
        "::: lost-media\nA rally in Aleppo:\n:::",
        "Before.\n\n::: lost-media\nFootage:\n:::\n\nAfter.",
        "::: lost-media\nOne line\nand another\n:::\n\n\n::: lost-media\nSecond:\n:::",
    ],
)
def test_the_importers_captions_take_the_plain_path(text: str) -> None:
    assert plain_paragraphs(text) == markdown_it(text)

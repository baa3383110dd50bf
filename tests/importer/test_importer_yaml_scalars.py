"""The front matter writer's shortcuts agree with PyYAML, both ways.

``dump_entry`` writes most scalars without PyYAML (plain or single-quoted),
and the fast reader of canonical front matter (``sitegen.canonical``) reads them without PyYAML. Both
are only sound if PyYAML writes exactly those bytes and reads them back as the
same string; these properties pin that, on strings shaped like the archive's
titles, slugs, sources and times and on arbitrary text.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.frontmatter import _scalar, plain_scalar
from sitegen.model import SLUG_RE

_CHARS = "aZ0 ,.'’‘“”()?!/&%;+—–…:#-_é"
TEXTISH = st.one_of(
    st.text(),
    st.text(alphabet=_CHARS, max_size=12),
    st.from_regex(r"[A-Za-z][\w ,.'’‘“”()?!/&%;+—–…:#-]{0,40}", fullmatch=True),
    st.from_regex(r"[0-9][\w ,.'’“”()?!/&%;+—–…:#-]{0,30}", fullmatch=True),
    st.from_regex(r"[0-9a-z]{1,5}(-[0-9a-z]{1,5}){0,3}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,12}\.txt:[0-9]{1,4}", fullmatch=True),
    st.from_regex(r"[0-9]{1,2}:[0-9]{2}", fullmatch=True),
    st.sampled_from(["yes", "No", "ON", "oFF", "True", "null", "Null", "~", "y", "n", "0x1f-a", "0b1", "1e5"]),
    st.sampled_from(["2014-01-08", "2014-1-8", "12:30", "08:38", "24:00", "1_0 a", "a: b", "1.5e+3"]),
    st.sampled_from(["2014-01-08 12:00:00"]),
)


def pyyaml(value: Any) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1 << 30)
    return dumped.removesuffix("\n...\n").rstrip("\n")


@settings(max_examples=3000)
@given(TEXTISH)
def test_the_scalar_writer_matches_pyyaml_exactly(value: str) -> None:
    """Wherever PyYAML's own output reads back as the value; where it does not (U+0085, a line
    break to YAML, in a single-quoted scalar), the writer double-quotes instead, and must read back."""
    if yaml.safe_load(f"title: {pyyaml(value)}\n") == {"title": value}:
        assert _scalar(value) == pyyaml(value)
    else:
        assert yaml.safe_load(f"title: {_scalar(value)}\n") == {"title": value}


def test_a_next_line_character_is_written_so_it_reads_back() -> None:
    """PyYAML single-quotes U+0085 and reads it back as a space: the case the writer departs from it for."""
    for value in ("\x85", "a\x85b", "Headline\x85"):
        assert yaml.safe_load(f"title: {_scalar(value)}\n") == {"title": value}
        assert yaml.safe_load(f"title: {pyyaml(value)}\n") != {"title": value}


@settings(max_examples=3000)
@given(TEXTISH)
def test_what_is_written_plain_reads_back_as_itself(value: str) -> None:
    if plain_scalar(value):
        assert pyyaml(value) == value
        assert yaml.safe_load(f"title: {value}\n") == {"title": value}
        if SLUG_RE.match(value):  # tags are slugs: the read-back takes only those plain in a flow list
            assert yaml.safe_load(f"tags: [a, {value}]\n") == {"tags": ["a", value]}


def test_the_archive_shapes_take_the_shortcuts() -> None:
    """What the archive is full of never needs PyYAML (that is where the time went)."""
    for value in ("14 Killed as Barrel Bombs Hit al-Bab", "14-killed-as-barrel-bombs", "2012-03-23.txt:132", "08:38"):
        assert plain_scalar(value), value
    assert _scalar("Video: Regime Recaptures Villages Near Deraa") == "'Video: Regime Recaptures Villages Near Deraa'"
    assert _scalar("It's here: now") == "'It''s here: now'"
    assert _scalar("21:05") == "'21:05'"

"""The text features' and escaping's fast paths agree with the plain definitions they replaced."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.importer import escape as esc
from sitegen.importer import features as f

TEXT = st.one_of(
    st.text(),
    st.text(alphabet='aZ .,;:U.S.Dr Mrs\u00a0\u2028\n\tⓐªÉé_-1("”*[]`\\<&#;', max_size=40),
)


def reference_words(text: str) -> list[str]:
    return [token for token in text.split() if any(ch.isalnum() for ch in token)]


def reference_all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and not any(ch.islower() for ch in letters)


def reference_ends_sentence(text: str) -> bool:
    core = f.strip_closers(text)
    if core.endswith(("…", "...")):
        return True
    if not re.search(r"[.,;]$", core):
        return False
    return not f._ABBREVIATION_END_RE.search(core)


def reference_escape_inline(text: str) -> str:
    return esc._ENTITY.sub(r"\\&", esc._INLINE.sub(r"\\\1", text))


@settings(max_examples=3000)
@given(TEXT)
def test_features_match_their_definitions(text: str) -> None:
    assert f.words(text) == reference_words(text)
    assert f.is_all_caps(text) == reference_all_caps(text)
    assert f.ends_sentence(text) == reference_ends_sentence(text)


@settings(max_examples=3000)
@given(TEXT)
def test_escape_skips_only_lines_with_nothing_to_escape(text: str) -> None:
    stripped = text.strip()
    if not esc._MAYBE_INLINE.search(stripped):
        assert reference_escape_inline(stripped) == stripped
    assert esc.unescape(esc.escape(text)) == stripped


def test_abbreviations_are_found_at_the_end_of_long_text() -> None:
    assert not f.ends_sentence("x" * 100 + " said the U.S.")
    assert not f.ends_sentence("x" * 100 + " A.B.C.D.E.F.G.H.I.J.")
    assert f.ends_sentence("x" * 100 + " xU.S.")  # no word boundary before U

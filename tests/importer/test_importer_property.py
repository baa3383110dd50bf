"""Property: on any text, import either conserves every line or refuses cleanly.

Dumps are drawn from a grammar of the blog's line shapes (headlines, LATEST,
``1655 GMT:`` stamps, glued stamps, UPDATEs, captions, Markdown syntax, link
lists) mixed with arbitrary Unicode, so the rules meet both what they were
written for and what they were not.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_helpers import REPO, quiet, snapshot

from sitegen.errors import SitegenError
from sitegen.frontmatter import parse_entry
from sitegen.importer import import_dumps
from sitegen.importer.conserve import check_conservation, entry_dump_lines
from sitegen.importer.decode import decode_dump
from sitegen.importer.manifest import DumpSpec
from sitegen.importer.render import render_dump
from sitegen.importer.segment import segment
from sitegen.model import Topic
from sitegen.tagging import Tagger

_WORDS = (
    "Syria Aleppo ISIS al-Sham Regime Insurgents the of in and Video: Claimed Photos: said continued 17 “Peace” "
    "Deir Ez Zor Kurds — & * _ # > [x] <b> \\ ::: 1. - + ` Brahimi Talks Offensive ends."
)
WORD = st.sampled_from(_WORDS.split())
PHRASE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
STAMP = st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda hm: f"{hm[0]:02d}{hm[1]:02d} GMT:")
FREE = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
LINE = st.one_of(
    PHRASE,
    PHRASE.map(lambda p: p.title()),
    PHRASE.map(lambda p: p + "."),
    PHRASE.map(lambda p: p + ":"),
    PHRASE.map(lambda p: "LATEST: " + p.title()),
    st.tuples(STAMP, PHRASE).map(lambda t: f"{t[0]} {t[1]}."),
    st.tuples(PHRASE, STAMP, PHRASE).map(lambda t: f"{t[0]}.{t[1]} {t[2]}"),
    st.tuples(STAMP, PHRASE).map(lambda t: f"UPDATE {t[0]} {t[1]}"),
    PHRASE.map(lambda p: "See also " + p),
    PHRASE.map(lambda p: "  • " + p),
    st.just(""),
    st.just("   "),
    st.just("WEDNESDAY FEATURE"),
    FREE,
)
DUMPS = st.lists(LINE, min_size=1, max_size=40)
TAGGER = Tagger((Topic("isis", "ISIS", "group", ("ISIS", "Islamic State of Iraq and as-Sham")),))


@settings(max_examples=300, deadline=None)
@given(DUMPS)
def test_the_pipeline_conserves_every_line_of_any_dump(lines: list[str]) -> None:
    """Segmentation, rendering and front-matter quoting never lose, add or reorder a line."""
    from datetime import date

    spec = DumpSpec("d.txt", Path("d.txt"), date(2014, 1, 8))
    seg = segment(lines)
    drafts = render_dump(spec, seg, TAGGER, set())
    check_conservation(Path("d.txt"), lines, drafts, Path("entries"))  # raises on any loss
    seen = [
        text for draft in drafts for text in entry_dump_lines(parse_entry(draft.text.encode(), Path("x"), draft.rel))
    ]
    flat = " ".join(" ".join(line.split()) for line in lines if line.strip())
    assert " ".join(" ".join(t.split()) for t in seen).replace(" ", "") == flat.replace(" ", "")
    assert len({draft.rel for draft in drafts}) == len(drafts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(DUMPS.map(lambda lines: "\n".join(lines).encode("utf-8")), st.binary(max_size=200)))
def test_import_of_any_bytes_conserves_or_refuses_cleanly(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        raw = site / "content" / "raw"
        raw.mkdir(parents=True)
        (raw / "2014-01-08.txt").write_bytes(data)
        (site / "content" / "topics.toml").write_bytes((REPO / "content" / "topics.toml").read_bytes())
        before = snapshot(site)
        try:
            import_dumps(site, echo=quiet)
        except SitegenError as error:
            assert "\n" not in str(error) and error.path is not None
            assert snapshot(site) == before
            return
        decoded = decode_dump(data, raw / "2014-01-08.txt")
        folder = site / "content" / "entries" / "2014" / "01" / "08"
        entries = [parse_entry(p.read_bytes(), p, PurePosixPath(p.name)) for p in folder.glob("*.md")]
        entries.sort(key=lambda e: (e.kind != "lead", -e.seq))
        got = [" ".join(t.split()) for entry in entries for t in entry_dump_lines(entry)]
        wanted = [" ".join(line.split()) for line in decoded.lines if line.strip()]
        assert "".join(got).replace(" ", "") == "".join(wanted).replace(" ", "")
        assert import_dumps(site, echo=quiet).written == ()

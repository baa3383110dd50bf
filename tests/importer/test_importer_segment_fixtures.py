"""Fixture dumps paired with their expected entries (tests/fixtures/importer/expected/*.json).

For the corpus dumps, headlines and the LATEST line are also checked against the
editor's truth file, and the two seeds must match the truth's captions exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from importer_helpers import FIXTURES

from sitegen.importer.decode import decode_dump
from sitegen.importer.render import entry_title
from sitegen.importer.segment import segment

EXPECTED = sorted((FIXTURES / "expected").glob("*.json"))


@pytest.mark.parametrize("expected_path", EXPECTED, ids=[path.stem for path in EXPECTED])
def test_dump_segments_into_the_expected_entries(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text("utf-8"))
    dump = FIXTURES / expected["dump"]
    seg = segment(decode_dump(dump.read_bytes(), dump).lines)
    assert seg.fmt == expected["format"]
    assert seg.latest_text == expected["latest"]
    lead = [s for s in seg.segments if s.kind == "lead"]
    assert (lead[0].line if lead else None) == expected["lead_line"]
    got = [
        {
            "headline": s.headline,
            "title": entry_title(s),
            "seq": len(seg.entries) - index,
            "time": s.time,
            "latest": s.latest,
            "line": s.line,
            "paragraphs": len(s.blocks),
        }
        for index, s in enumerate(seg.entries)
    ]
    assert got == expected["entries"]
    assert list(seg.captions) == expected["captions"]
    if "truth" in expected:
        truth = json.loads((FIXTURES / expected["truth"]).read_text("utf-8"))
        assert [s.headline for s in seg.entries] == [h.strip() for h in truth["headlines"]]
        assert seg.latest_text == truth["latest"]
        if expected["dump"].startswith("corpus/seeds/"):
            assert list(seg.captions) == [c.strip() for c in truth["captions"]]


def test_the_seeds_have_16_and_7_entries_two_leads_and_the_right_latest() -> None:
    results = {}
    for name in ("000_bcaff40ba13aebe2", "004_8a105af085d0ff03"):
        dump = FIXTURES / "corpus" / "seeds" / f"{name}.txt"
        seg = segment(decode_dump(dump.read_bytes(), dump).lines)
        results[name] = seg
        assert [s.kind for s in seg.segments].count("lead") == 1
        assert seg.segments[0].kind == "lead"
    assert len(results["000_bcaff40ba13aebe2"].entries) == 16
    assert len(results["004_8a105af085d0ff03"].entries) == 7
    latest = {name: [s.headline for s in seg.entries if s.latest] for name, seg in results.items()}
    assert latest == {
        "000_bcaff40ba13aebe2": ["Islamic State of Iraq Bombings Tonight"],
        "004_8a105af085d0ff03": ["Video: Residents Welcome Insurgents of Ahrar al-Sham near Qamishli"],
    }


def test_latest_matches_despite_spelling_differences() -> None:
    from sitegen.importer.segment import match_latest

    names = ["Videos from Aleppo: Destruction Inside Ummayad Mosque, Street Market", "Russia FM Accuses US"]
    assert match_latest("Videos from Aleppo — Destruction Inside Ummayad Mosque, Street Markets", names) == 0
    assert match_latest("Map — Islamic State Advance on Kobane", names) is None

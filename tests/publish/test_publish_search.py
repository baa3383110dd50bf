"""Search: Pagefind indexes entry pages only, incrementally, and says so when it cannot run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.config import load_config
from sitegen.errors import BuildFailed
from sitegen.progress import Progress
from sitegen.search import annotate, index_search
from tests.publish.helpers import entry_pages, pagefind_files, saved_search_key, set_search


def test_index_holds_every_entry_page_and_nothing_else(fixture_site: Path) -> None:
    set_search(fixture_site, "required")
    build(fixture_site)
    out = fixture_site / "public"
    meta = json.loads((out / "pagefind" / "pagefind-entry.json").read_text())
    pages = entry_pages(out)
    assert len(pages) == 7  # two leads and five entries; the draft is not published
    assert meta["languages"]["en"]["page_count"] == len(pages)
    assert (out / "pagefind" / "pagefind.js").is_file()
    assert not (out / "pagefind" / "playground").exists()


def test_same_input_builds_the_same_index(tmp_path: Path, fixture_site: Path) -> None:
    set_search(fixture_site, "required")
    build(fixture_site, tmp_path / "one")
    build(fixture_site, tmp_path / "two")
    assert pagefind_files(tmp_path / "one") == pagefind_files(tmp_path / "two")


def test_unchanged_entries_are_not_indexed_again(fixture_site: Path) -> None:
    set_search(fixture_site, "required")
    build(fixture_site)
    out = fixture_site / "public"
    pages = entry_pages(out)

    def read(path: str) -> bytes:
        return (out / path).read_bytes()

    first = saved_search_key(fixture_site)
    again = index_search(load_config(fixture_site), pages, read, first, Progress(quiet=True))
    assert again.files is None and again.current
    # An edited entry changes its page, so the index is built again and differs.
    entry = fixture_site / "content/entries/2014/02/01/02-aleppo.md"
    entry.write_text(entry.read_text().replace("resumed.", "resumed near the citadel."))
    before = pagefind_files(out)
    build(fixture_site)
    assert saved_search_key(fixture_site) != first
    assert pagefind_files(out) != before


def test_a_deleted_index_is_rebuilt_even_when_entries_did_not_change(fixture_site: Path) -> None:
    set_search(fixture_site, "required")
    build(fixture_site)
    out = fixture_site / "public"
    entry_json = out / "pagefind" / "pagefind-entry.json"
    entry_json.unlink()
    build(fixture_site)
    assert entry_json.is_file()


def test_required_search_fails_the_build_when_pagefind_is_missing(
    fixture_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_search(fixture_site, "required")
    build(fixture_site)
    out = fixture_site / "public"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fixture_site / "no-such-pagefind"))
    entry = fixture_site / "content/entries/2014/02/01/02-aleppo.md"
    entry.write_text(entry.read_text().replace("resumed.", "resumed again."))
    expected = r'search = "required" but the Pagefind binary .* does not exist.*pip install'
    with pytest.raises(BuildFailed, match=expected):
        build(fixture_site)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before  # atomic: nothing changed


def test_auto_search_warns_and_builds_without_an_index(fixture_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    set_search(fixture_site, "auto")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fixture_site / "no-such-pagefind"))
    result = build(fixture_site)
    warnings = [w for w in result.warnings if w.startswith("search not indexed")]
    assert len(warnings) == 1
    assert "does not exist" in warnings[0] and "no search index" in warnings[0] and "pip install" in warnings[0]
    assert not (fixture_site / "public" / "pagefind").exists()
    assert (fixture_site / "public" / "search" / "index.html").is_file()


def test_auto_search_keeps_the_previous_index_when_pagefind_breaks(
    fixture_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_search(fixture_site, "auto")
    build(fixture_site)
    before = pagefind_files(fixture_site / "public")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    entry = fixture_site / "content/entries/2014/02/01/02-aleppo.md"
    entry.write_text(entry.read_text().replace("resumed.", "resumed again."))
    result = build(fixture_site)
    assert any("previous search index is kept" in w for w in result.warnings)
    assert pagefind_files(fixture_site / "public") == before


def test_a_skipped_index_is_built_once_pagefind_works_again(
    fixture_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_search(fixture_site, "auto")
    build(fixture_site)
    before = pagefind_files(fixture_site / "public")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    entry = fixture_site / "content/entries/2014/02/01/02-aleppo.md"
    entry.write_text(entry.read_text().replace("resumed.", "resumed again."))
    build(fixture_site)
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    build(fixture_site)  # Pagefind is back: the stale index is replaced
    assert pagefind_files(fixture_site / "public") != before


def test_a_site_built_without_pagefind_gets_its_index_once_pagefind_works(
    fixture_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_search(fixture_site, "auto")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fixture_site / "missing"))
    build(fixture_site)
    assert not (fixture_site / "public" / "pagefind").exists()
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    result = build(fixture_site)  # nothing else changed
    assert not any(w.startswith("search not indexed") for w in result.warnings)
    assert (fixture_site / "public" / "pagefind" / "pagefind-entry.json").is_file()


def test_search_off_removes_the_index(fixture_site: Path) -> None:
    set_search(fixture_site, "auto")
    build(fixture_site)
    assert (fixture_site / "public" / "pagefind").is_dir()
    set_search(fixture_site, "off")
    build(fixture_site)
    assert not (fixture_site / "public" / "pagefind").exists()
    html = (fixture_site / "public" / "search" / "index.html").read_text()
    assert "Search is switched off" in html and "search." not in html.split("<footer")[1]


DEFAULT_ENTRY_WITHOUT_MARKS = """<html lang="en"><body><header>Site</header><main>
<article class="entry single" id="aleppo-again">
<h1 class="entry-title">Aleppo Again</h1>
<p class="entry-meta"><time datetime="2014-02-01T09:30Z">09:30 GMT</time></p>
<div class="entry-body"><p>Fighting in Aleppo resumed.</p></div>
<ul class="chips"><li><a class="chip chip-place" href="/topics/aleppo/">Aleppo</a></li></ul>
<p class="in-context"><a href="/2014/02/01/#aleppo-again">Read it in the live blog</a></p>
</article><nav class="pager"><a href="/x/">Next</a></nav></main></body></html>"""


def test_annotate_marks_a_theme_that_does_not() -> None:
    html = annotate(DEFAULT_ENTRY_WITHOUT_MARKS, "2014/02/01/aleppo-again/index.html")
    assert '<article class="entry single" id="aleppo-again" data-pagefind-body>' in html
    assert 'data-pagefind-filter="year:2014"' in html
    assert 'data-pagefind-sort="date:2014-02-01T09:30"' in html
    assert 'data-pagefind-meta="day:Saturday 1 February 2014"' in html
    assert '<a data-pagefind-filter="topic" class="chip chip-place"' in html
    assert 'class="in-context" data-pagefind-ignore' in html
    assert html.count("data-pagefind-body") == 1


def test_annotate_leaves_a_marked_page_alone() -> None:
    marked = DEFAULT_ENTRY_WITHOUT_MARKS.replace("<main>", "<main data-pagefind-body>")
    assert annotate(marked, "2014/02/01/aleppo-again/index.html") == marked


def test_a_pagefind_that_dies_fails_the_build_fast_instead_of_hanging(fixture_site: Path, tmp_path: Path) -> None:
    """Pagefind's own client waits forever for a process that exited; the build must not."""
    set_search(fixture_site, "required")
    dying = tmp_path / "pagefind-that-dies"
    dying.write_text("#!/bin/sh\nsleep 0.5\nexit 1\n")
    dying.chmod(0o755)
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(dying)}
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--site", str(fixture_site)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert 'error: search = "required" but the Pagefind process stopped without answering' in done.stderr
    assert "Traceback" not in done.stderr

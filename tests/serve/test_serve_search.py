"""The dev server shows an edit before re-indexing search, and re-indexes (real Pagefind) once the editor pauses."""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import copy_bundled_site
from tests.serve.conftest import Running, save_by_rename, wait_until

WORD = "Zanzibarian"  # in no dump, so only the edit can put it in the index


def _fragments_mention(out: Path, word: str) -> bool:
    """Whether any of Pagefind's page fragments (gzipped JSON with each page's text) contains ``word``."""
    fragments = (out / "pagefind" / "fragment").glob("*.pf_fragment")
    return any(word in gzip.decompress(path.read_bytes()).decode("utf-8", "replace") for path in fragments)


def entry_day_url(entry: Path) -> str:
    """content/entries/2014/01/08/05-x.md → 2014/01/08/"""
    return "/".join(entry.parent.parts[-3:]) + "/"


def _entry_files(site: Path) -> list[Path]:
    return sorted((site / "content" / "entries").rglob("*.md"))


def test_an_edit_is_shown_first_and_indexed_for_search_when_the_editor_pauses(
    start_server: Callable[..., Running], tmp_path: Path
) -> None:
    site = copy_bundled_site(tmp_path / "bundled")
    running = start_server(site, search_after=0.5)
    out = running.server.out_dir
    assert (out / "pagefind" / "pagefind-entry.json").is_file()  # the first build indexes
    key_before = json.loads((out / "pagefind" / "pagefind-entry.json").read_text())
    state = running.server.board.state

    entry = _entry_files(site)[3]
    save_by_rename(entry, entry.read_text(encoding="utf-8") + f"\nThe {WORD} delegation arrived.\n")
    state = running.wait_for_build(state)
    edit_build = running.server.history[-1].result
    assert edit_build is not None and edit_build.written > 0 and edit_build.search_changed == 0
    assert WORD in running.get(running.server.base_path + entry_day_url(entry)).text  # shown at once ...
    assert not _fragments_mention(out, WORD)  # ... before search knows it

    wait_until(lambda: running.server.board.state.builds > state.builds, what="the search pass")
    search_build = running.server.history[-1].result
    assert search_build is not None and search_build.search_changed > 0
    assert running.server.board.state.token == state.token  # the search pass does not reload open pages
    assert json.loads((out / "pagefind" / "pagefind-entry.json").read_text()) != key_before
    assert _fragments_mention(out, WORD)
    time.sleep(0.8)
    assert running.server.board.state.builds == state.builds + 1  # and it runs once per pause

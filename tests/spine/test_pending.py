"""Pending entries: an edit in place fills the archive with them, and they read the rest when asked."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.cache import BuildCache
from sitegen.content import ENTRIES_DIR, parse_file
from sitegen.errors import BuildFailed
from sitegen.model import Entry
from sitegen.pending import CachedParses, PendingEntry, pending_entries
from sitegen.progress import Progress
from sitegen.scan import read_entry_files
from tests.conftest import FIXTURE_SITE, copy_site

PATH = "2014/01/08/01-tuesday-summary.md"


@pytest.fixture
def built(tmp_path: Path) -> Path:
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    build(site)
    return site


def parsed(site: Path, rel: str) -> Entry:
    root = site / ENTRIES_DIR
    return parse_file((root / rel).read_bytes(), root, rel)


def test_a_pending_entry_holds_its_place_and_reads_the_rest_once_asked(built: Path) -> None:
    digests = {source.rel: source.digest for source in read_entry_files(built).files}
    with BuildCache.open(built, built / "public", Progress(quiet=True)) as cache:
        shape = cache.shape()
        assert shape is not None
        loads: list[str] = []
        parses = CachedParses(cache, built / ENTRIES_DIR)

        def load(path: str, digest: str) -> Entry:
            loads.append(path)
            return parses(path, digest)

        pending = pending_entries(shape, digests, load)
        assert set(pending) == set(shape.order)
        entry = pending[PATH]
        expected = parsed(built, PATH)
        for name in ("path", "digest", "date", "day_url", "url", "dump", "kind", "slug", "draft"):
            assert getattr(entry, name) == getattr(expected, name), name
        assert isinstance(entry, Entry) and type(entry) is PendingEntry
        assert not hasattr(entry, "__html__") and copy.copy(entry) is not None and loads == []  # probes load nothing
        assert entry.title == expected.title and loads == [PATH]
        assert type(entry) is Entry and entry == expected and hash(entry) == hash(expected)
        other = pending["2014/01/08/03-bombings.md"]
        assert other == parsed(built, "2014/01/08/03-bombings.md") and type(other) is Entry  # == reads it too


def test_a_parse_the_cache_lost_is_read_from_the_file_unless_the_file_changed(built: Path) -> None:
    root = built / ENTRIES_DIR
    expected = parsed(built, PATH)
    with BuildCache.open(built, built / "public", Progress(quiet=True)) as cache:
        cache.db.execute("DELETE FROM entries")
        parses = CachedParses(cache, root)
        assert parses(PATH, expected.digest) == expected
        with pytest.raises(BuildFailed, match="changed while the site was being built"):
            parses(PATH, "0" * 64)

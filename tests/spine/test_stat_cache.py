"""The stat cache: an entry file whose stat is as the last build recorded it is not read again.

Real builds treat every file changed within ``RACY_NS`` of the last scan as
untrusted, and tests write files moments before they build; so these tests
move the window out of the way, to check the trusted path itself.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

import sitegen.build
import sitegen.cache
import sitegen.parallel
from sitegen import scan
from sitegen.build import build
from sitegen.cache import BuildCache, Memo
from sitegen.progress import Progress
from sitegen.scan import KnownFiles, read_entry_files
from tests.spine.helpers import snapshot


@pytest.fixture
def trust_every_stat(monkeypatch: pytest.MonkeyPatch) -> None:
    """No racy window: a stat equal to the recorded one is trusted however recent."""
    monkeypatch.setattr(scan, "RACY_NS", -(10**12))


def _known(site: Path) -> KnownFiles:
    return KnownFiles.of(read_entry_files(site))


def _an_entry(site: Path) -> Path:
    return sorted((site / "content" / "entries").rglob("*.md"))[0]


def test_unchanged_files_are_not_read_but_keep_their_digest(fixture_site: Path, trust_every_stat: None) -> None:
    known = _known(fixture_site)
    again = read_entry_files(fixture_site, known)
    assert again.files and all(source.raw is None for source in again.files)
    assert [(s.rel, s.digest) for s in again.files] == [(rel, known.files[rel][4]) for rel in sorted(known.files)]
    assert all(source.read() for source in again.files)


def test_a_file_changed_within_the_racy_window_is_read_again(fixture_site: Path) -> None:
    known = _known(fixture_site)  # the fixture was copied a moment ago: every file is racy
    again = read_entry_files(fixture_site, known)
    assert all(source.raw is not None for source in again.files)
    later = KnownFiles(known.files, known.scanned_ns + scan.RACY_NS + 10**9)
    assert all(source.raw is None for source in read_entry_files(fixture_site, later).files)


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(fixture_site: Path, trust_every_stat: None) -> None:
    build(fixture_site)
    entry = _an_entry(fixture_site)
    before = entry.stat()
    text = entry.read_text(encoding="utf-8")
    index = text.rindex("e")  # same length, different bytes
    entry.write_text(text[:index] + "E" + text[index + 1 :], encoding="utf-8")
    os.utime(entry, ns=(before.st_atime_ns, before.st_mtime_ns))  # what `cp -p` or `touch -d` would leave
    assert entry.stat().st_size == before.st_size and entry.stat().st_mtime_ns == before.st_mtime_ns
    assert build(fixture_site).written > 0
    incremental = snapshot(fixture_site / "public")
    shutil.rmtree(fixture_site / "public")
    shutil.rmtree(fixture_site / ".sitegen")
    build(fixture_site)
    assert snapshot(fixture_site / "public") == incremental


def test_a_build_after_an_unchanged_scan_reads_no_entry_file(
    fixture_site: Path, trust_every_stat: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(fixture_site)
    (fixture_site / "site.toml").write_text(
        (fixture_site / "site.toml").read_text(encoding="utf-8").replace('title = "', 'title = "New '),
        encoding="utf-8",
    )
    time.sleep(0.01)
    opened: list[str] = []
    real_open = open

    def spy(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith(".md"):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", spy)
    result = build(fixture_site)
    assert result.written > 0  # a real rebuild (new title on every page) ...
    assert opened == []  # ... from cached parses, without reading one entry file


@pytest.mark.parametrize("forked", [False, True], ids=["in-process", "forked"])
def test_files_too_recent_to_trust_are_settled_by_a_build_that_outlasts_the_window(
    fixture_site: Path, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    """A first build right after an import reads every file; it takes their stats anew when it ends, if it can
    (in a forked child while the cache is saved, when there are many)."""
    monkeypatch.setattr(scan, "RACY_NS", 200_000_000)  # 0.2 s, so the test need not wait two seconds
    if forked:
        monkeypatch.setattr(sitegen.parallel, "PARALLEL_MIN", 1)
        monkeypatch.setenv("SITEGEN_WORKERS", "2")
    real_commit = sitegen.build.commit

    edited = _an_entry(fixture_site)

    def slow_commit(*args: Any) -> None:
        edited.write_text(edited.read_text(encoding="utf-8") + "\nEdited during the build.\n", encoding="utf-8")
        time.sleep(0.3)  # the build outlasts the window
        real_commit(*args)

    monkeypatch.setattr(sitegen.build, "commit", slow_commit)
    for entry in (fixture_site / "content" / "entries").rglob("*.md"):
        entry.touch()  # as if import had just written them
    build(fixture_site)  # its scan is within the window, so every file is read
    with BuildCache.open(fixture_site, fixture_site / "public", Progress(quiet=True)) as cache:
        known = cache.known_files()
    # Every file, the one edited after the build's scan too, is recorded as settle read it.
    assert not any(source.fresh for source in read_entry_files(fixture_site, known).files)


def test_a_build_shorter_than_the_window_leaves_recent_files_to_be_read_again(fixture_site: Path) -> None:
    build(fixture_site)  # files copied a moment ago, build well under two seconds
    with BuildCache.open(fixture_site, fixture_site / "public", Progress(quiet=True)) as cache:
        known = cache.known_files()
    assert all(source.raw is not None for source in read_entry_files(fixture_site, known).files)


def test_parses_cached_by_a_sitegen_that_parsed_differently_are_not_reused(
    fixture_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(fixture_site)
    with BuildCache.open(fixture_site, fixture_site / "public", Progress(quiet=True)) as cache:
        assert cache.entries(), "the first build cached its parses"
    monkeypatch.setattr(sitegen.cache, "parser_key", lambda: "a parser that changed")
    with BuildCache.open(fixture_site, fixture_site / "public", Progress(quiet=True)) as cache:
        assert cache.entries() == {}
    entry = _an_entry(fixture_site)
    entry.write_text(entry.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build(fixture_site)  # not a no-op, so it parses, and caches what it parsed
    with BuildCache.open(fixture_site, fixture_site / "public", Progress(quiet=True)) as cache:
        assert len(cache.entries()) == len(read_entry_files(fixture_site).files)


def test_the_recorded_stats_follow_files_added_edited_and_removed(fixture_site: Path, trust_every_stat: None) -> None:
    """Stats are stored a folder at a time: each kind of change must still leave exactly the files on disk."""
    entries = fixture_site / "content" / "entries"
    memo = Memo()  # the dev server's copy of the record must follow too
    build(fixture_site, memo=memo)
    shutil.rmtree(entries / "2014" / "01" / "09")  # a whole day goes
    edited = _an_entry(fixture_site)
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    added = entries / "2014" / "03" / "01" / "01-new.md"
    added.parent.mkdir(parents=True)
    added.write_text(
        "---\ntitle: New\ndate: 2014-03-01\nseq: 1\nkind: entry\nslug: new\ntags: []\n---\n\nNew.\n", encoding="utf-8"
    )
    build(fixture_site, memo=memo)
    on_disk = KnownFiles.of(read_entry_files(fixture_site)).files
    remembered = memo.entry_files()
    assert remembered is not None and remembered.files == on_disk
    with BuildCache.open(fixture_site, fixture_site / "public", Progress(quiet=True)) as cache:
        known = cache.known_files()
    assert known.files == on_disk


def _digests(sources: scan.Sources) -> dict[str, str]:
    return {source.rel: source.digest for source in sources.files}


def test_a_scan_told_what_changed_looks_at_those_files_alone(fixture_site: Path, trust_every_stat: None) -> None:
    """The dev server passes its watcher's paths: a file the hint leaves out keeps its recorded digest."""
    known = _known(fixture_site)
    entries = fixture_site / "content" / "entries"
    told, untold = sorted(entries.rglob("*.md"))[:2]
    for path in (told, untold):
        path.write_text(path.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    hinted = read_entry_files(fixture_site, known, [told.relative_to(entries).as_posix()])
    full = read_entry_files(fixture_site, known)
    rel_told, rel_untold = (path.relative_to(entries).as_posix() for path in (told, untold))
    assert _digests(hinted)[rel_told] == _digests(full)[rel_told] != known.files[rel_told][4]
    assert _digests(hinted)[rel_untold] == known.files[rel_untold][4] != _digests(full)[rel_untold]
    assert sum(source.raw is not None for source in hinted.files) == 1


def _add_entry(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\ntitle: New\ndate: 2014-01-08\nseq: 9\nkind: entry\nslug: new\n---\n\nNew.\n")


@pytest.mark.parametrize(
    "change",
    [
        "edit",
        "add a file",
        "remove a file",
        "add a folder",
        "remove a folder",
        "rename a folder",
        "replace a folder with a link",
        "hidden and non-entry files",
    ],
)
def test_a_scan_told_what_changed_finds_what_a_full_scan_finds(
    fixture_site: Path, trust_every_stat: None, change: str
) -> None:
    """Whatever the watcher reports, the narrowed scan (or its fallback to a full one) sees the same files."""
    known = _known(fixture_site)
    entries = fixture_site / "content" / "entries"
    day = entries / "2014" / "01" / "08"
    touched: list[Path] = []
    if change == "edit":
        touched = [day / "01-tuesday-summary.md"]
        touched[0].write_text(touched[0].read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    elif change == "add a file":
        touched = [day / "09-new.md"]
        _add_entry(touched[0])
    elif change == "remove a file":
        touched = [day / "01-tuesday-summary.md"]
        touched[0].unlink()
    elif change == "add a folder":  # watchdog reports the folder, not the files moved in with it
        touched = [entries / "2015"]
        _add_entry(entries / "2015" / "01" / "01" / "01-new.md")
    elif change == "remove a folder":
        touched = [day]
        shutil.rmtree(day)
    elif change == "rename a folder":
        touched = [day, day.with_name("18")]
        day.rename(day.with_name("18"))
    elif change == "replace a folder with a link":  # the build skips links: those entries are gone
        touched = [day]
        day.rename(fixture_site / "elsewhere")
        day.symlink_to(fixture_site / "elsewhere")
    else:
        touched = [day / ".01-new.md", day / "notes.txt", day / "sub.md.bak"]
        for path in touched:
            path.write_text("not an entry")
    hint = [path.relative_to(entries).as_posix() for path in touched]
    hinted = read_entry_files(fixture_site, known, hint)
    assert _digests(hinted) == _digests(read_entry_files(fixture_site, known))


def _cached_paths(site: Path) -> list[str]:
    """The path of every parse the cache holds, as stored (duplicates and all)."""
    (path,) = (site / ".sitegen").glob("cache-*.sqlite")
    with contextlib.closing(sqlite3.connect(path)) as db:
        rows = [row for (data,) in db.execute("SELECT data FROM entries") for row in marshal.loads(data)]
    return sorted(row[0] for row in rows)  # a parse's first field is its path


def _entry_paths(site: Path) -> list[str]:
    root = site / "content" / "entries"
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*.md"))


def test_an_entry_file_moved_unchanged_is_cached_under_its_new_path_only(fixture_site: Path) -> None:
    """Parses are kept a folder per row: a move rewrites both folders, so no stale parse lingers."""
    build(fixture_site)
    assert _cached_paths(fixture_site) == _entry_paths(fixture_site)
    moved = _an_entry(fixture_site)
    target = fixture_site / "content" / "entries" / "notes" / moved.name
    target.parent.mkdir()
    moved.rename(target)
    build(fixture_site)
    assert _cached_paths(fixture_site) == _entry_paths(fixture_site)

"""An edit that moves no entry is indexed and planned in place, and builds what a clean build builds.

``sitegen.inplace`` takes the last build's shape of the archive and plans only the
page groups whose deps named an edited entry. These tests hold it to three things:
such edits are taken in place (the long way is never asked), every other change
takes the long way, and either way the site and the cache equal a clean build's.
"""

from __future__ import annotations

import marshal
import random
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen import incremental, inplace
from sitegen.build import build
from sitegen.cache import BuildCache, Memo
from sitegen.config import load_config
from sitegen.content import load_content
from sitegen.errors import SitegenError
from sitegen.index import archive_of, build_index, shape_of, topic_slugs
from sitegen.pages import dependents, plan_pages
from sitegen.progress import Progress
from sitegen.scan import read_entry_files
from sitegen.topics import load_topics
from tests.conftest import FIXTURE_SITE, copy_site
from tests.spine.helpers import snapshot
from tests.spine.test_build import (
    add_entry,
    cache_records,
    delete_entry,
    edit_aliased_entry_title,
    edit_config,
    edit_entry,
    edit_last_title_of_a_day,
    edit_lead_title,
    edit_template,
    edit_topics,
    retag,
)
from tests.theme.synth import make_site

Change = Callable[[Path], None]


def why_afresh(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each build's reason for indexing afresh ("" for an edit taken in place), as builds run."""
    reasons: list[str] = []
    real = inplace.load_and_plan

    def spy(*args: object, **kwargs: object) -> inplace.Planned:
        planned = real(*args, **kwargs)  # type: ignore[arg-type]
        reasons.append(planned.afresh)
        return planned

    monkeypatch.setattr(inplace, "load_and_plan", spy)
    return reasons


def assert_as_clean(site: Path, tmp_path: Path) -> None:
    clean = copy_site(site, tmp_path / f"clean-{len(list(tmp_path.iterdir()))}")
    build(clean)
    assert snapshot(site / "public") == snapshot(clean / "public")
    assert cache_records(site) == cache_records(clean)
    with BuildCache.open(site, site / "public", Progress(quiet=True)) as cache:
        stored = cache.shape()
    with BuildCache.open(clean, clean / "public", Progress(quiet=True)) as cache:
        assert stored == cache.shape()


def edit_draft_body(site: Path) -> None:
    path = site / "content/entries/2014/02/01/01-draft.md"
    path.write_text(path.read_text() + "\nMore notes.\n")


def rename_entry(site: Path) -> None:
    """Same bytes, another file name: the entry's path is part of its place."""
    folder = site / "content/entries/2014/01/08"
    (folder / "02-footage-of-air-raids.md").rename(folder / "02-footage.md")


def publish_draft(site: Path) -> None:
    path = site / "content/entries/2014/02/01/01-draft.md"
    path.write_text(path.read_text().replace("draft: true", "draft: false"))


@pytest.mark.parametrize(
    "change", [edit_entry, edit_last_title_of_a_day, edit_lead_title, edit_aliased_entry_title, edit_draft_body]
)
@pytest.mark.parametrize("warm", [False, True], ids=["cold process", "warm process"])
def test_an_edit_that_moves_nothing_is_taken_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Change, warm: bool
) -> None:
    """In ``sitegen build`` and in ``sitegen serve``, whose memo keeps the shape between builds."""
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    memo = Memo() if warm else None
    build(site, memo=memo)
    change(site)
    reasons = why_afresh(monkeypatch)
    monkeypatch.setattr(inplace, "shape_of", refuse)  # the long way would index afresh
    build(site, memo=memo)
    assert reasons == [""]
    monkeypatch.undo()
    assert_as_clean(site, tmp_path)


def refuse(*args: object) -> None:
    raise AssertionError("indexed afresh")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (add_entry, "added"),
        (delete_entry, "removed"),
        (rename_entry, "renamed"),
        (retag, "moved an entry"),
        (publish_draft, "moved an entry"),
        (edit_template, "the theme"),
        (edit_config, "site.toml"),
        (edit_topics, "the topics"),
    ],
)
def test_any_other_change_takes_the_long_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Change, reason: str
) -> None:
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    build(site)
    change(site)
    reasons = why_afresh(monkeypatch)
    build(site)
    assert len(reasons) == 1 and reason in reasons[0]
    edit_entry(site)  # the shape the long way stored serves the next edit
    build(site)
    assert reasons[1] == ""
    assert_as_clean(site, tmp_path)


def test_a_damaged_record_of_what_each_entry_feeds_means_the_long_way_then_a_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    build(site)
    (cache_file,) = (site / ".sitegen").glob("cache-*.sqlite")
    with sqlite3.connect(cache_file) as db:
        db.execute("UPDATE shards SET data = x'00' WHERE name = 'dependents'")
    reasons = why_afresh(monkeypatch)
    edit_entry(site)
    build(site)
    edit_last_title_of_a_day(site)
    build(site)
    assert reasons == [inplace.DAMAGED, ""]
    assert_as_clean(site, tmp_path)


def test_a_damaged_shape_means_the_long_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    build(site)
    (cache_file,) = (site / ".sitegen").glob("cache-*.sqlite")
    with sqlite3.connect(cache_file) as db:  # well formed, the same files, but a position past the archive's end
        (blob,) = db.execute("SELECT data FROM blobs WHERE name = 'shape'").fetchone()
        order, drafts, days, *rest = marshal.loads(blob)
        days = ((days[0][0], (("day1.txt", 99, ()),)), *days[1:])
        db.execute("UPDATE blobs SET data = ? WHERE name = 'shape'", (marshal.dumps((order, drafts, days, *rest)),))
    reasons = why_afresh(monkeypatch)
    edit_entry(site)
    build(site)
    assert reasons[0] == inplace.DAMAGED
    assert_as_clean(site, tmp_path)


def test_a_group_whose_deps_name_an_entry_is_on_record_as_fed_by_it(tmp_path: Path) -> None:
    """The groups an in-place edit re-plans are exactly those whose deps change with the entry's digest."""
    site = make_site(tmp_path / "synth")
    config, topics = load_config(site, None), load_topics(site)
    content = load_content(read_entry_files(site).files, topics)
    archive = build_index(content)
    groups = plan_pages(archive, config).groups
    full = {group.name: group.deps for group in groups}
    feeds = dependents(groups, archive)
    entries = [*archive.entries[:3], *archive.entries[-3:], *random.Random(7).sample(archive.entries, 25)]
    for entry in entries:
        edited = replace(entry, digest="f" * 64)
        swapped = {e.path: edited if e.path == entry.path else e for e in content.entries}
        again = archive_of(shape_of(content.entries, topic_slugs(topics)), swapped, topics)
        changed = {group.name for group in plan_pages(again, config).groups if group.deps != full[group.name]}
        assert changed == set(feeds[entry.path]), entry.path
        assert changed, entry.path  # every entry shows somewhere: its day at least


def test_a_plan_of_some_groups_plans_them_as_the_whole_plan_does(tmp_path: Path) -> None:
    site = make_site(tmp_path / "synth")
    config, topics = load_config(site, None), load_topics(site)
    archive = build_index(load_content(read_entry_files(site).files, topics))
    whole = plan_pages(archive, config)
    # The sitemap and the redirects list every page; no entry's digest is in their deps, nor in robots.txt's.
    names = [group.name for group in whole.groups if group.name not in ("sitemap.xml", "robots.txt", "_redirects")]
    some = set(random.Random(3).sample(names, 40))
    part = plan_pages(archive, config, only=some)
    assert {group.name for group in part.groups} == some
    assert part.entry_paths == whole.entry_paths and not part.complete
    by_name = {group.name: group for group in whole.groups}
    for group in part.groups:
        assert group.deps == by_name[group.name].deps
        assert group.expand() == by_name[group.name].expand()


#: Edits that keep every entry's place: they are taken in place.
IN_PLACE_KINDS = ("body", "title", "time", "summary")


def _set(text: str, key: str, value: str) -> str:
    """``text`` (an entry file) with front matter ``key`` set to ``value``, added after ``seq`` if absent."""
    if re.search(rf"^{key}: ", text, flags=re.M):
        return re.sub(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)
    return re.sub(r"^(seq: .*)$", f"\\1\n{key}: {value}", text, count=1, flags=re.M)


def _edits(rng: random.Random, site: Path) -> Iterator[str]:
    """Random edits of random entry files, of every kind: most move nothing, some move an entry."""
    for _ in range(8):
        path = rng.choice(sorted((site / "content/entries").rglob("*.md")))
        text = path.read_text()
        kind = rng.choice(["body", "body", "title", "time", "summary", "retag", "draft", "delete"])
        if kind == "delete":
            path.unlink()
            yield kind
            continue
        if kind == "body":
            text += f"\nCorrection {rng.randint(0, 10**6)}: a name was misspelled.\n"
        elif kind == "title":
            text = _set(text, "title", f"'Retitled {rng.randint(0, 10**6)}'")
        elif kind == "time":
            text = _set(text, "time", f'"0{rng.randint(1, 9)}:{rng.randint(10, 59)}"')
        elif kind == "summary":
            text = _set(text, "summary", f"'In short, {rng.randint(0, 10**6)}'")
        elif kind == "retag":
            text = _set(text, "tags", rng.choice(["[isis]", "[video, aleppo]", "[]"]))
        elif kind == "draft":
            text = _set(text, "draft", "true")
        path.write_text(text)
        yield kind


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_build_as_a_clean_build_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    site = make_site(tmp_path / "synth")
    build(site)
    reasons = why_afresh(monkeypatch)
    kinds = []
    for kind in _edits(random.Random(seed), site):
        kinds.append(kind)
        build(site)
        if kind in IN_PLACE_KINDS:
            assert reasons[-1] == "", kind
        elif kind == "delete":
            assert "removed" in reasons[-1]
        assert_as_clean(site, tmp_path)
    assert set(kinds) & set(IN_PLACE_KINDS) and set(kinds) - set(IN_PLACE_KINDS)  # the seed tried both ways


def test_an_edit_in_place_reads_and_rewrites_only_the_rows_of_its_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a memo, the records of pages the edit cannot change are neither read nor written, those it
    can change (and the theme's assets') are all read, and the build still counts every file of the site."""
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    first = build(site)
    edit_entry(site)
    whole: list[str] = []
    for table in ("outputs", "groups"):
        real = getattr(BuildCache, table)

        def spy(
            self: BuildCache, shards: object = None, table: str = table, real: Callable[..., object] = real
        ) -> object:
            if shards is None:
                whole.append(table)
            return real(self, shards)

        monkeypatch.setattr(BuildCache, table, spy)
    saved: list[set[str]] = []
    real_set = BuildCache._set_shards

    def set_shards(self: BuildCache, name: str, new: dict[str, object], old: dict[str, object]) -> None:
        if name in ("outputs", "groups"):
            saved.append(set(new))
        real_set(self, name, new, old)  # type: ignore[arg-type]

    monkeypatch.setattr(BuildCache, "_set_shards", set_shards)
    read_back: list[str] = []  # a page or asset with no record to compare with is compared with the file
    monkeypatch.setattr(incremental, "same_on_disk", lambda out, path, data: read_back.append(path))
    result = build(site)
    monkeypatch.undo()
    assert whole == [] and read_back == []  # the forked check of the output folder reads them in its own process
    assert saved and all(len(records) < first.pages for records in saved)
    assert result.pages == first.pages and result.unchanged == result.pages - result.written
    assert_as_clean(site, tmp_path)


def test_a_lost_record_of_a_group_an_edit_feeds_is_made_again_and_its_rows_keep_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a group's pages are is read off its record; without one, the rows its pages land in are read
    after rendering, so the records of other groups in them stay."""
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    first = build(site)
    with BuildCache.open(site, site / "public", Progress(quiet=True)) as cache:
        fed = cache.dependents(["2014/01/08/01-tuesday-summary.md"])
    assert fed is not None
    lost = set(fed["2014/01/08/01-tuesday-summary.md"])
    (cache_file,) = (site / ".sitegen").glob("cache-*.sqlite")
    with sqlite3.connect(cache_file) as db:
        for shard, data in db.execute("SELECT shard, data FROM shards WHERE name = 'groups'").fetchall():
            rows = {name: row for name, row in marshal.loads(data).items() if name not in lost}
            db.execute("UPDATE shards SET data = ? WHERE name = 'groups' AND shard = ?", (marshal.dumps(rows), shard))
    reasons = why_afresh(monkeypatch)
    edit_entry(site)
    result = build(site)
    assert reasons == [""] and result.pages == first.pages
    assert_as_clean(site, tmp_path)


def test_an_edit_in_place_rebuilds_the_search_index_and_prunes_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search index's rows are read with the groups' rows: its files change with any entry page."""
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    toml = site / "site.toml"
    toml.write_text(toml.read_text().replace('search = "off"', 'search = "required"'))
    build(site)
    before = {path for path in snapshot(site / "public") if path.startswith("pagefind/")}
    reasons = why_afresh(monkeypatch)
    edit_entry(site)
    build(site)
    assert reasons == [""]
    assert {path for path in snapshot(site / "public") if path.startswith("pagefind/")} != before
    assert_as_clean(site, tmp_path)


def test_after_a_failed_build_the_file_record_is_no_guide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed build has recorded the files it read, but saved no parses of them: the record is then no
    guide to what the cache's parses are of, and the next build compares the files with every parse
    (which finds the entry that moved)."""
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    build(site)
    path = site / "content/entries/2014/01/08/02-footage-of-air-raids.md"
    path.write_text(path.read_text().replace("tags: [video]", "tags: [video, no-such-topic]"))
    with pytest.raises(SitegenError):
        build(site, strict=True)  # fails after the scan, on the tag: the file itself is fine
    reasons = why_afresh(monkeypatch)
    build(site)
    assert reasons == [inplace.MOVED]
    assert_as_clean(site, tmp_path)


def test_a_cached_parse_not_of_the_recorded_bytes_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A parse the cache holds for a file is used only if it is of the bytes on record: else the file is
    parsed again, in the edited folder and wherever a page shows it."""
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    build(site)
    (cache_file,) = (site / ".sitegen").glob("cache-*.sqlite")
    with sqlite3.connect(cache_file) as db:
        (old_row,) = db.execute("SELECT data FROM entries WHERE folder = '2014/01/08'").fetchone()
    edit_entry(site)  # 2014/01/08/01-tuesday-summary.md
    build(site)
    with sqlite3.connect(cache_file) as db:  # the cache now holds that file's parse before the edit
        db.execute("UPDATE entries SET data = ? WHERE folder = '2014/01/08'", (old_row,))
    reasons = why_afresh(monkeypatch)
    for name in ("00-lead.md", "01-car-bomb.md"):  # the next day: the day before's pages link to its first entry
        path = site / "content/entries/2014/01/09" / name
        path.write_text(path.read_text() + "\nAnd later.\n")
    build(site)
    edit_last_title_of_a_day(site)  # the same folder: its row is read to compare with, and saved again
    build(site)
    assert reasons == ["", ""]
    assert_as_clean(site, tmp_path)


def unverify(site: Path, rel: str) -> None:
    """Record ``rel`` as an import records a file it wrote: without a digest until it is read back."""
    (cache_file,) = (site / ".sitegen").glob("cache-*.sqlite")
    with sqlite3.connect(cache_file) as db:
        folder = rel.rpartition("/")[0]
        (data,) = db.execute("SELECT data FROM files WHERE folder = ?", (folder,)).fetchone()
        rows = marshal.loads(data)
        rows[rel] = (*rows[rel][:4], "")
        db.execute("UPDATE files SET data = ? WHERE folder = ?", (marshal.dumps(rows), folder))


@pytest.mark.parametrize("read_back", [True, False], ids=["after a no-op build", "at once"])
def test_an_edit_after_an_import_reads_every_parse_until_the_imported_files_are_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_back: bool
) -> None:
    """Where the record holds no digest, it cannot say which parses are current: an edit then compares
    the files with every parse, until a build (a no-op one too) has read the files back."""
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    build(site)
    unverify(site, "2014/01/09/01-car-bomb.md")
    if read_back:
        assert build(site).written == 0
    read_all: list[bool] = []
    real = BuildCache.entries
    monkeypatch.setattr(BuildCache, "entries", lambda self: read_all.append(True) or real(self))
    reasons = why_afresh(monkeypatch)
    edit_entry(site)
    build(site)
    assert reasons == [""] and bool(read_all) is not read_back
    monkeypatch.undo()
    assert_as_clean(site, tmp_path)

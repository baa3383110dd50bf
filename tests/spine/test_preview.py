"""An edit's first look (sitegen.preview): the archive patched in place, and open pages rendered from it,
are exactly what a full build indexes and writes; an edit that moves an entry gets no preview."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.cache import Memo
from sitegen.config import load_config
from sitegen.content import ENTRIES_DIR, load_content, parse_file
from sitegen.index import Archive, build_index, patch_entries
from sitegen.model import Entry
from sitegen.pages import day_pages, plan_pages
from sitegen.preview import RenderState, render_open_pages
from sitegen.scan import read_entry_files
from sitegen.topics import load_topics

DAY = "2014/01/08/"
ENTRY = "2014/01/08/03-bombings.md"
LEAD = "2014/01/08/00-lead.md"
ENTRY_URL = f"{DAY}islamic-state-of-iraq-bombings-tonight/"


def indexed(site: Path) -> Archive:
    """The archive a build indexes from the site's entry files as they are now."""
    sources = read_entry_files(site)
    return build_index(load_content(sources.files, load_topics(site)))


def reparsed(site: Path, rel: str) -> Entry:
    root = site / ENTRIES_DIR
    return parse_file((root / rel).read_bytes(), root, rel)


def rewrite(site: Path, rel: str, old: str, new: str) -> None:
    path = site / ENTRIES_DIR / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


#: Edits that keep the entry in its place: (file, old text, new text).
IN_PLACE = {
    "body": (ENTRY, "Reports are circulating", "Witnesses confirm"),
    "title": (ENTRY, "title: Islamic State of Iraq Bombings Tonight", "title: Bombings In Baghdad Tonight"),
    "time": (ENTRY, 'time: "21:05"\n', 'time: "21:15"\n'),
    "lead": (LEAD, "\n---\n", "\n---\nA new first line of the lead.\n\n"),
}

#: Edits that move an entry: the archive must be indexed again.
MOVING = {
    "slug": (ENTRY, "slug: islamic-state-of-iraq-bombings-tonight", "slug: bombings-tonight"),
    "tags": (ENTRY, "tags: [isis, undefined-topic]", "tags: [isis]"),
    "date": (ENTRY, "date: 2014-01-08", "date: 2014-01-09"),
    "seq": (ENTRY, "seq: 3", "seq: 9"),
    "draft": (ENTRY, "kind: entry", "kind: entry\ndraft: true"),
}


@pytest.mark.parametrize("name", IN_PLACE)
def test_patching_an_in_place_edit_equals_indexing_afresh(fixture_site: Path, name: str) -> None:
    rel, old, new = IN_PLACE[name]
    before = indexed(fixture_site)
    rewrite(fixture_site, rel, old, new)
    patched = patch_entries(before, {rel: reparsed(fixture_site, rel)})
    assert patched is not None
    assert patched == indexed(fixture_site)
    assert patched != before, "the edit must show in the patched archive"


@pytest.mark.parametrize("name", MOVING)
def test_an_edit_that_moves_an_entry_is_not_patched(fixture_site: Path, name: str) -> None:
    rel, old, new = MOVING[name]
    before = indexed(fixture_site)
    rewrite(fixture_site, rel, old, new)
    assert patch_entries(before, {rel: reparsed(fixture_site, rel)}) is None


def test_a_days_pages_are_planned_as_the_whole_plan_plans_them(fixture_site: Path) -> None:
    archive = indexed(fixture_site)
    config = load_config(fixture_site)
    groups = {group.name: group for group in plan_pages(archive, config).groups}
    assert archive.days, "the fixture site has days"
    for day in archive.days:
        alone = [(page.path, page.template, page.deps) for page in day_pages(archive, day.date)]
        planned = [(page.path, page.template, page.deps) for page in groups[f"day:{day.url}"].expand()]
        assert alone == planned, day.date
    assert day_pages(archive, date(1999, 1, 1)) == []


def test_a_file_the_archive_does_not_have_is_not_patched(fixture_site: Path) -> None:
    archive = indexed(fixture_site)
    entry = reparsed(fixture_site, ENTRY)
    assert patch_entries(archive, {"2014/01/08/09-new.md": replace(entry, path="2014/01/08/09-new.md")}) is None


def built_then_edited(site: Path, edit: tuple[str, str, str]) -> tuple[Memo, RenderState]:
    """A dev server's memo after building ``site``, and what that build rendered from; then ``edit``."""
    memo = Memo()
    build(site, memo=memo)
    assert memo.rendered is not None
    rewrite(site, *edit)
    return memo, memo.rendered


@pytest.mark.parametrize("name", IN_PLACE)
def test_open_pages_are_rendered_as_the_rebuild_writes_them(fixture_site: Path, name: str) -> None:
    memo, state = built_then_edited(fixture_site, IN_PLACE[name])
    rel = IN_PLACE[name][0]
    open_urls = {DAY, ENTRY_URL, "", "2014/01/", "2014/02/", "topics/isis/"}
    shown = render_open_pages(state, fixture_site / ENTRIES_DIR, {rel}, open_urls)
    assert set(shown) == {DAY, ENTRY_URL, "2014/01/", ""}, "its day, permalink, month and the home page"
    out = fixture_site / "public"
    before = {url: (out / url / "index.html").read_bytes() for url in shown}
    build(fixture_site, memo=memo)
    for url, data in shown.items():
        assert data == (out / url / "index.html").read_bytes(), f"{url!r} differs from the rebuild's"
    assert before[DAY] != shown[DAY], "the edit must show on the day page"


@pytest.mark.parametrize("name", MOVING)
def test_an_edit_that_moves_an_entry_renders_nothing_first(fixture_site: Path, name: str) -> None:
    _memo, state = built_then_edited(fixture_site, MOVING[name])
    assert render_open_pages(state, fixture_site / ENTRIES_DIR, {MOVING[name][0]}, {DAY, ENTRY_URL}) == {}


def test_a_long_running_first_build_keeps_what_it_rendered_from_even_with_nothing_to_do(
    fixture_site: Path,
) -> None:
    build(fixture_site)
    memo = Memo()
    result = build(fixture_site, memo=memo)
    assert result.written == 0
    assert memo.rendered is not None, "a dev server started on a built site must preview its first edit"
    again = build(fixture_site, memo=memo)
    assert again.written == 0

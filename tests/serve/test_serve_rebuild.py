"""Rebuild on change, errors and recovery, the event stream, and requests during builds (no browser)."""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import sitegen.serve
from sitegen import scan
from sitegen.build import BuildResult
from sitegen.errors import SitegenError
from sitegen.serve import BuildGate
from sitegen.theme import builtin_themes_dir
from tests.serve.conftest import DAY, ENTRY, WAIT, EventStream, Running, save_by_rename, wait_until

TOKEN = re.compile(r'data-token="([^"]+)"')


def token_of(page_text: str) -> str:
    match = TOKEN.search(page_text)
    assert match, "the page carries no reload client"
    return match.group(1)


def edit(site: Path, old: str, new: str, path: Path = ENTRY) -> None:
    target = site / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    save_by_rename(target, text.replace(old, new))


def day_shows(running: Running, text: str) -> Callable[[], bool]:
    return lambda: text in running.get(f"/{DAY}").text


def test_an_entry_edit_reaches_its_day_entry_and_topic_pages(running: Running, fixture_site: Path) -> None:
    before = running.get(f"/{DAY}")
    pages = running.server.last_result
    assert pages is not None
    edit(fixture_site, "Reports are circulating", "Witnesses confirm")
    wait_until(day_shows(running, "Witnesses confirm"), what="the edit on the day page")
    assert "Witnesses confirm" in running.get(f"/{DAY}islamic-state-of-iraq-bombings-tonight/").text
    old = token_of(before.text)  # the new content may be read just before its token is published:
    wait_until(lambda: token_of(running.get(f"/{DAY}").text) != old, what="the new token")  # one more reload
    result = running.server.last_result
    assert result is not None
    assert 0 < result.written < pages.pages / 2, "an entry edit re-renders its pages, not the whole site"
    assert any("rebuilt" in line and "03-bombings.md" in line for line in running.logs)


def test_files_and_folders_added_or_removed_while_serving_are_built(running: Running, fixture_site: Path) -> None:
    """Rebuilds look only at the entry files the watcher names, unless a folder moved: then at all."""
    entries = fixture_site / "content" / "entries"
    day = entries / "2014" / "03" / "01"
    staging = fixture_site / "moving-in" / "01"
    staging.mkdir(parents=True)
    (staging / "01-new.md").write_text(
        "---\ntitle: Moved In\ndate: 2014-03-01\nseq: 1\nkind: entry\nslug: moved-in\n---\n\nNew.\n"
    )
    day.parent.mkdir()
    staging.rename(day)  # the watcher sees a folder arrive, not the file in it
    wait_until(lambda: running.get("/2014/03/01/").status == 200, what="the day moved in")
    (day / "02-second.md").write_text(
        "---\ntitle: Second One\ndate: 2014-03-01\nseq: 2\nkind: entry\nslug: second-one\n---\n\nMore.\n"
    )
    wait_until(lambda: "Second One" in running.get("/2014/03/01/").text, what="a file added to it")
    shutil.rmtree(day)
    wait_until(lambda: running.get("/2014/03/01/").status == 404, what="the day removed")


def test_a_change_no_watcher_event_reported_is_built_when_the_editor_pauses(
    fixture_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild after a save looks only at the files the watcher named; the pause rescans them all."""
    monkeypatch.setattr(scan, "RACY_NS", -(10**12))  # trust stats however recent, as after a while
    server = sitegen.serve.DevServer(fixture_site, tmp_path / "preview", port=0, log=lambda line: None)
    day = tmp_path / "preview" / DAY / "index.html"
    told, untold = fixture_site / ENTRY, fixture_site / ENTRY.with_name("01-tuesday-summary.md")
    try:
        server.rebuild(frozenset())
        save_by_rename(told, told.read_text(encoding="utf-8").replace("Reports are circulating", "First edit"))
        server.rebuild(frozenset({told}))
        builds = len(server.history)
        assert server.catch_up() is None, "no event was lost: the pause scans, finds nothing new, builds nothing"
        assert len(server.history) == builds
        save_by_rename(told, told.read_text(encoding="utf-8").replace("First edit", "Told edit"))
        save_by_rename(untold, untold.read_text(encoding="utf-8").replace("talk of a truce", "untold edit"))
        server.rebuild(frozenset({told}))  # the event for the other file was lost
        assert "Told edit" in day.read_text(encoding="utf-8")
        assert "untold edit" not in day.read_text(encoding="utf-8")
        server.catch_up()
        assert "untold edit" in day.read_text(encoding="utf-8")
        assert server.catch_up() is None, "nothing left to catch up on"
    finally:
        server.httpd.server_close()


def test_polling_mode_rebuilds_on_save(start_server: Callable[..., Running], fixture_site: Path) -> None:
    running = start_server(poll=True)
    edit(fixture_site, "Reports are circulating", "Polled edit")
    wait_until(day_shows(running, "Polled edit"), what="the edit, seen by polling")


def test_a_template_change_rerenders_every_page(start_server: Callable[..., Running], fixture_site: Path) -> None:
    templates = fixture_site / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    shutil.copy2(builtin_themes_dir() / "default" / "templates" / "base.html", templates / "base.html")
    running = start_server()
    edit(fixture_site, "</head>", '<meta name="edited" content="yes">\n</head>', templates / "base.html")
    marker = '<meta name="edited" content="yes">'
    wait_until(lambda: marker in running.get("/").text, what="the template change")
    pages = [p.read_text(encoding="utf-8") for p in (fixture_site / "public").rglob("*.html")]
    full = [page for page in pages if 'http-equiv="refresh"' not in page]  # alias redirects have no base
    assert len(full) > 20
    for page in full:
        assert marker in page


def test_broken_front_matter_keeps_the_last_good_site_and_recovers(running: Running, fixture_site: Path) -> None:
    good = running.get(f"/{DAY}")
    stream = EventStream(running.port, token_of(good.text))
    try:
        state = running.server.board.state
        entry = fixture_site / ENTRY
        text = entry.read_text()
        broken = text.replace('time: "21:05"\n', 'time: "21:05"\ncolour: red\n').replace("Reports are", "Broken edit")
        save_by_rename(entry, broken)
        state = running.wait_for_build(state)
        problem = next(p for p in state.problems if "03-bombings.md" in p)
        assert problem.startswith("content/entries/2014/01/08/03-bombings.md:5: ")
        assert "colour" in problem
        kept = running.get(f"/{DAY}")
        assert kept.status == 200
        assert "Reports are circulating" in kept.text
        assert "Broken edit" not in kept.text
        name, data = stream.next_event()
        assert name == "problems"
        assert "03-bombings.md:5" in data
        edit(fixture_site, "colour: red\n", "")
        assert stream.next_event()[0] == "reload"
        wait_until(day_shows(running, "Broken edit circulating"), what="recovery")
        assert not running.server.board.state.problems
    finally:
        stream.close()


def test_a_template_error_names_the_template_and_line(start_server: Callable[..., Running], fixture_site: Path) -> None:
    templates = fixture_site / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    shutil.copy2(builtin_themes_dir() / "default" / "templates" / "base.html", templates / "base.html")
    running = start_server()
    state = running.server.board.state
    edit(fixture_site, "<body>", "<body>\n{% if %}", templates / "base.html")
    state = running.wait_for_build(state)
    assert state.problems
    line = (templates / "base.html").read_text().split("\n").index("{% if %}") + 1
    assert f"themes/default/templates/base.html:{line}: " in state.problems[0]
    assert running.get("/").status == 200
    edit(fixture_site, "\n{% if %}", "", templates / "base.html")
    wait_until(lambda: not running.server.board.state.problems, what="recovery")


def test_a_failing_first_build_is_shown_and_recovers(start_server: Callable[..., Running], fixture_site: Path) -> None:
    edit(fixture_site, "seq: 3", "seq: three")
    running = start_server()
    state = running.server.board.state
    assert state.problems
    page = running.get(f"/{DAY}")
    assert page.status == 404
    assert "03-bombings.md:5" in page.text
    assert "__sitegen" in page.text
    edit(fixture_site, "seq: three", "seq: 3")
    wait_until(lambda: running.get(f"/{DAY}").status == 200, what="the first good build")


def test_the_overlay_text_is_escaped_in_the_stand_in_page(
    start_server: Callable[..., Running], fixture_site: Path
) -> None:
    (fixture_site / ENTRY).write_text("---\ntitle: x\n<script>alert(1)</script>: y\n---\n")
    running = start_server()
    page = running.get("/")
    assert "<script>alert(1)</script>" not in page.text
    assert running.server.board.state.problems


def test_a_save_with_unchanged_output_does_not_reload(running: Running, fixture_site: Path) -> None:
    state = running.server.board.state
    entry = fixture_site / ENTRY
    save_by_rename(entry, entry.read_text())
    after = running.wait_for_build(state)
    assert after.token == state.token
    assert not after.problems


def test_building_never_triggers_another_build(running: Running, fixture_site: Path) -> None:
    """The build writes public/ and .sitegen/ and reads every input: none of that may start a build."""
    state = running.server.board.state
    edit(fixture_site, "Reports are circulating", "Loop check")
    state = running.wait_for_build(state)
    (fixture_site / "public" / "extra.html").write_text("<p>by hand</p>")
    time.sleep(1.0)
    assert running.server.board.state.builds == state.builds


def test_events_reload_at_once_for_a_stale_page(running: Running) -> None:
    stream = EventStream(running.port, "some-old-token")
    try:
        assert stream.next_event() == ("reload", f'"{running.server.board.state.token}"')
    finally:
        stream.close()


def test_stop_ends_open_event_streams(start_server: Callable[..., Running]) -> None:
    running = start_server()
    stream = EventStream(running.port, running.server.board.state.token)
    started = time.monotonic()
    running.server.stop()
    with pytest.raises((EOFError, OSError)):
        stream.next_event()
    assert time.monotonic() - started < WAIT
    stream.close()


def test_only_raw_dump_changes_run_the_importer(
    start_server: Callable[..., Running], fixture_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    fail_next = threading.Event()

    def fake_build(site_dir: Path, out_dir: Path, **options: Any) -> BuildResult:
        calls.append(options["run_import"])
        if fail_next.is_set():
            fail_next.clear()
            raise SitegenError(site_dir / "content" / "raw" / "dumps.toml", 3, "bad dump entry")
        return BuildResult(written=1, unchanged=0, removed=0, pages=1, seconds=0.0, warnings=())

    monkeypatch.setattr(sitegen.serve, "build", fake_build)
    running = start_server()
    assert calls == [True]  # the first build imports whatever is new
    state = running.server.board.state

    edit(fixture_site, "Reports", "Entry edit")
    state = running.wait_for_build(state)
    assert calls[-1] is False

    raw = fixture_site / "content" / "raw"
    raw.mkdir()
    fail_next.set()
    (raw / "2014-01-10.txt").write_text("LATEST: a new day\n")
    state = running.wait_for_build(state)
    assert calls[-1] is True
    assert state.problems

    edit(fixture_site, "Entry edit", "Second edit")
    state = running.wait_for_build(state)
    assert calls[-1] is True, "an import that failed is retried by the next build"
    edit(fixture_site, "Second edit", "Third edit")
    state = running.wait_for_build(state)
    assert calls[-1] is False


def test_requests_during_a_rebuild_get_the_last_good_page(
    running: Running, fixture_site: Path, held_build: tuple[threading.Event, threading.Event]
) -> None:
    building, release = held_build
    state = running.server.board.state
    edit(fixture_site, "Reports are circulating", "Held edit")
    assert building.wait(WAIT)
    page = running.get(f"/{DAY}")  # the build is held: this must not wait for it
    assert not release.is_set()
    assert page.status == 200
    assert "Reports are circulating" in page.text
    assert page.text.rstrip().endswith("</html>")
    release.set()
    running.wait_for_build(state)
    assert "Held edit" in running.get(f"/{DAY}").text


def test_a_page_missing_during_a_build_is_looked_up_again_after_it(
    running: Running, fixture_site: Path, held_build: tuple[threading.Event, threading.Event]
) -> None:
    """A page not committed yet (or renamed out mid-commit) must not be a 404 while the build runs."""
    building, release = held_build
    (fixture_site / ENTRY).with_name("04-new.md").write_text(
        "---\ntitle: Brand New\ndate: 2014-01-08\nseq: 4\nkind: entry\nslug: brand-new\ntags: [isis]\n---\n\nNew.\n"
    )
    assert building.wait(WAIT)
    answers: list[int] = []
    request = threading.Thread(target=lambda: answers.append(running.get(f"/{DAY}brand-new/").status))
    request.start()
    request.join(0.3)
    assert answers == [], "the request should wait for the build in progress"
    release.set()
    request.join(WAIT)
    assert answers == [200]


def test_builds_run_one_at_a_time() -> None:
    gate = BuildGate()
    inside: list[int] = []
    overlaps: list[int] = []

    def one_build() -> None:
        with gate.building():
            inside.append(1)
            if len(inside) > 1:
                overlaps.append(len(inside))
            time.sleep(0.02)
            inside.pop()

    threads = [threading.Thread(target=one_build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert overlaps == []
    assert gate.wait_idle(0)


def test_waiting_for_a_build_is_bounded() -> None:
    gate = BuildGate()
    with gate.building():
        assert gate.wait_idle(0.05) is False
    assert gate.wait_idle(0.05) is True

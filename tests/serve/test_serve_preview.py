"""The page a browser shows gets an entry edit before the rebuild ends (sitegen.preview), and only once.

A build held by ``held_build`` stands for a slow rebuild of a large archive:
while it is held, the open day page must already reload and show the edit;
other pages must not; and when the rebuild ends with the same bytes, the
previewed page must not reload a second time.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import sitegen.serve
from sitegen.errors import SitegenError
from sitegen.reload import SiteState
from tests.serve.conftest import DAY, ENTRY, WAIT, EventStream, Running, save_by_rename, wait_until
from tests.serve.test_serve_rebuild import token_of


def edit(site: Path, old: str, new: str) -> None:
    target = site / ENTRY
    text = target.read_text(encoding="utf-8")
    assert old in text
    save_by_rename(target, text.replace(old, new))


OLD_TITLE, NEW_TITLE = "Islamic State of Iraq Bombings Tonight", "Islamic State of Iraq Bombings This Evening"


@pytest.mark.parametrize("base", ["/", "/archive/"])
def test_open_pages_show_an_edit_before_the_rebuild_ends_and_reload_once(
    start_server: Callable[..., Running],
    fixture_site: Path,
    held_build: tuple[threading.Event, threading.Event],
    base: str,
) -> None:
    """The day and month pages are rendered first; the topic page (not covered) waits for the rebuild."""
    toml = fixture_site / "site.toml"
    toml.write_text(toml.read_text().replace('base_url = "https://example.org/"', f'base_url = "https://x.org{base}"'))
    running = start_server(fixture_site)
    building, release = held_build
    state = running.server.board.state
    day, month, topic = f"{base}{DAY}", f"{base}2014/01/", f"{base}topics/isis/"
    tokens = {url: token_of(running.get(url).text) for url in (day, month, topic)}
    assert all(OLD_TITLE in running.get(url).text for url in tokens)
    streams = {url: EventStream(running.port, token, url) for url, token in tokens.items()}
    try:
        wait_until(lambda: running.server.board.open_pages() == set(tokens), what="the three streams")
        edit(fixture_site, OLD_TITLE, NEW_TITLE)
        assert building.wait(WAIT)
        for url in (day, month):  # while the build is still held
            assert streams[url].next_event()[0] == "reload" and not release.is_set()
            page = running.get(url)
            assert NEW_TITLE in page.text, f"{url} is served the edit before the rebuild"
            tokens[url] = token_of(page.text)
            streams[url].close()
            streams[url] = EventStream(running.port, tokens[url], url)
        assert OLD_TITLE in running.get(topic).text, "a topic page waits for the rebuild"
        assert running.server.board.state.token == state.token
        release.set()
        state = running.wait_for_build(state)
        assert streams[topic].next_event()[0] == "reload", "the rebuild reloads the other open pages"
        assert NEW_TITLE in running.get(topic).text
        for url in (day, month):
            assert state.token_for(url) == tokens[url], f"{url}: the same bytes were built, no second reload"
            assert token_of(running.get(url).text) == tokens[url]
        assert NEW_TITLE in (fixture_site / "public" / DAY / "index.html").read_text()
        record = running.server.history[-1]
        assert record.previewed is not None and record.previewed < record.seconds
        assert any("the open page was shown after" in line for line in running.logs), running.logs
    finally:
        for stream in streams.values():
            stream.close()


def test_an_edit_that_moves_the_entry_waits_for_the_rebuild(
    running: Running, fixture_site: Path, held_build: tuple[threading.Event, threading.Event]
) -> None:
    building, release = held_build
    state = running.server.board.state
    stream = EventStream(running.port, token_of(running.get(f"/{DAY}").text), f"/{DAY}")
    try:
        wait_until(lambda: bool(running.server.board.open_pages()), what="the stream")
        edit(fixture_site, "seq: 3", "seq: 9")
        assert building.wait(WAIT)
        assert running.server.board.state.previews == ()
        release.set()
        running.wait_for_build(state)
        assert stream.next_event()[0] == "reload"
        assert running.server.history[-1].previewed is None
    finally:
        stream.close()


def test_a_preview_is_withdrawn_when_the_rebuild_fails(
    running: Running, fixture_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = running.server.board.state
    token = token_of(running.get(f"/{DAY}").text)

    def failing(*args: object, **options: object) -> None:
        raise SitegenError(fixture_site / ENTRY, 1, "the rebuild failed after the preview")

    stream = EventStream(running.port, token, f"/{DAY}")
    try:
        wait_until(lambda: bool(running.server.board.open_pages()), what="the stream")
        monkeypatch.setattr(sitegen.serve, "build", failing)
        edit(fixture_site, "Reports are circulating", "Witnesses confirm")
        state = running.wait_for_build(state)
        assert running.server.history[-1].previewed is not None
        assert state.problems
        assert state.token_for(f"/{DAY}") == token, "the page goes back to the last good version"
        assert "Witnesses confirm" not in running.get(f"/{DAY}").text
    finally:
        stream.close()


def test_a_save_that_changes_no_page_previews_nothing(running: Running, fixture_site: Path) -> None:
    state = running.server.board.state
    stream = EventStream(running.port, token_of(running.get(f"/{DAY}").text), f"/{DAY}")
    try:
        wait_until(lambda: bool(running.server.board.open_pages()), what="the stream")
        entry = fixture_site / ENTRY
        save_by_rename(entry, entry.read_text())
        after = running.wait_for_build(state)
        assert after.token == state.token and after.previews == ()
        assert running.server.history[-1].previewed is None
    finally:
        stream.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own nice value is Linux's")
def test_the_watchers_rebuilds_run_behind_the_browser(running: Running, fixture_site: Path) -> None:
    """A rebuild behind a preview must not take the CPU from the browser reloading the page."""
    seen: list[int] = []
    real = running.server.rebuild

    def spy(changed: frozenset[Path], **options: object) -> SiteState:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return real(changed)

    running.server.rebuild = spy  # type: ignore[method-assign]
    base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    thread = threading.Thread(target=running.server._rebuild_behind, args=(frozenset(),))
    thread.start()
    thread.join(WAIT)
    assert seen == [min(19, base + sitegen.serve.BEHIND)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == base, "only the watcher's thread"

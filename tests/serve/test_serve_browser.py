"""Live reload in a real headless Chromium: an edit on disk shows up by itself; errors overlay and recover."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serve.conftest import DAY, ENTRY, WAIT, Running, save_by_rename

pytestmark = pytest.mark.browser
TIMEOUT_MS = WAIT * 1000


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    save_by_rename(path, text.replace(old, new))


def test_an_edit_on_disk_reloads_the_open_day_page(page: Any, running: Running, fixture_site: Path) -> None:
    page.goto(running.server.url + DAY)
    assert "Reports are circulating" in page.inner_text("main")
    page.evaluate("window.__notReloaded = true")
    entry = fixture_site / ENTRY

    rewrite(entry, "Reports are circulating", "Fresh report from the editor")
    page.wait_for_function(
        "document.body.innerText.includes('Fresh report from the editor')", timeout=TIMEOUT_MS, polling=50
    )
    assert page.evaluate("window.__notReloaded === undefined"), "the page should have reloaded itself"

    rewrite(entry, 'time: "21:05"\n', 'time: "21:05"\ncolour: red\n')
    overlay = page.wait_for_selector("#sitegen-overlay", timeout=TIMEOUT_MS)
    text = overlay.inner_text()
    assert "content/entries/2014/01/08/03-bombings.md:5" in text
    assert "colour" in text
    assert "Fresh report from the editor" in page.inner_text("main"), "the last good page stays readable"

    rewrite(entry, "colour: red\n", "")
    page.wait_for_selector("#sitegen-overlay", state="detached", timeout=TIMEOUT_MS)
    assert "Fresh report from the editor" in page.inner_text("main")
    page.wait_for_load_state()
    assert page.query_selector("#sitegen-overlay") is None


def test_the_open_page_shows_an_edit_from_its_preview_and_reloads_once(
    page: Any, running: Running, fixture_site: Path
) -> None:
    """The reload client names its page, so the server renders it first (sitegen.preview)."""
    page.goto(running.server.url + DAY)
    loads: list[str] = []
    page.on("load", lambda _page: loads.append("load"))
    state = running.server.board.state
    rewrite(fixture_site / ENTRY, "Reports are circulating", "Shown before the rebuild")
    page.wait_for_function(
        "document.body.innerText.includes('Shown before the rebuild')", timeout=TIMEOUT_MS, polling=50
    )
    running.wait_for_build(state)
    assert running.server.gate.wait_idle(WAIT)
    record = running.server.history[-1]
    assert record.previewed is not None, "the day page was open: it should have been rendered first"
    page.wait_for_timeout(500)  # a second reload, if the rebuild sent one, would land by now
    assert loads == ["load"], "the rebuild made the same page: it must not reload again"


def test_a_page_opened_while_the_build_is_broken_shows_the_overlay(
    page: Any, running: Running, fixture_site: Path
) -> None:
    rewrite(fixture_site / ENTRY, "seq: 3", "seq: three")
    state = running.server.board.state
    running.wait_for_build(state)
    page.goto(running.server.url + DAY)
    overlay = page.wait_for_selector("#sitegen-overlay", timeout=TIMEOUT_MS)
    assert "03-bombings.md:5" in overlay.inner_text()


def test_the_overlay_shows_markup_as_text(page: Any, running: Running, fixture_site: Path) -> None:
    page.goto(running.server.url + DAY)
    rewrite(fixture_site / ENTRY, "title: ", "'<img src=x onerror=window.pwned=1>': 1\ntitle: ")
    overlay = page.wait_for_selector("#sitegen-overlay", timeout=TIMEOUT_MS)
    assert "<img src=x onerror=window.pwned=1>" in overlay.inner_text()
    assert page.query_selector("#sitegen-overlay img") is None
    assert page.evaluate("window.pwned === undefined")


def test_a_new_entry_file_appears_on_its_day(page: Any, running: Running, fixture_site: Path) -> None:
    page.goto(running.server.url + DAY)
    new = fixture_site / ENTRY.with_name("04-new-entry.md")
    new.write_text(
        "---\ntitle: A Brand New Entry\ndate: 2014-01-08\nseq: 4\nkind: entry\nslug: a-brand-new-entry\n"
        "tags: [isis]\n---\n\nJust added.\n",
        encoding="utf-8",
    )
    page.wait_for_function("document.body.innerText.includes('A Brand New Entry')", timeout=TIMEOUT_MS)

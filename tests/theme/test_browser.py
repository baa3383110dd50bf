"""The theme in a real browser: screenshots kept as artifacts, axe-core, responsiveness, dark mode, copy link.

Screenshots of home, day, entry, topic and year pages at 1280 px and 375 px
are written to test-artifacts/screenshots/ (or $SITEGEN_ARTIFACTS) for a
human to look at; the assertions here check what a machine can.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.theme.conftest import AXE_JS, artifacts_dir, need_tool
from tests.theme.synth import BUSY_DAY, HOSTILE_DAY

pytestmark = pytest.mark.browser

PAGES = {
    "home": "",
    "day": f"{BUSY_DAY:%Y/%m/%d}/",
    "entry": f"{BUSY_DAY:%Y/%m/%d}/entry-20-{BUSY_DAY:%d}/",
    "topic": "topics/aleppo/",
    "topics": "topics/",
    "year": "2014/",
    "month": "2014/01/",
    "hostile": f"{HOSTILE_DAY:%Y/%m/%d}/",
    "404": "404.html",
}
SHOTS = ("home", "day", "entry", "topic", "year")
WIDTHS = (1280, 375)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def _axe(page: Any) -> list[dict[str, Any]]:
    """Every axe-core violation on the page, of any impact."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def _describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]]} for v in violations],
        indent=1,
    )


@pytest.mark.parametrize("name", SHOTS)
@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_are_kept_as_artifacts(browser: Any, served: str, name: str, width: int) -> None:
    folder = artifacts_dir() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(served + PAGES[name])
        target = folder / f"{name}-{width}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 5_000
    finally:
        context.close()


def test_dark_mode_screenshot_of_the_day_page(browser: Any, served: str) -> None:
    folder = artifacts_dir() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(served + PAGES["day"])
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(20, 20, 22)"
        page.screenshot(path=str(folder / "day-1280-dark.png"))
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", [*sorted(PAGES), "search"])
def test_axe_reports_no_serious_or_critical_violation(browser: Any, served: str, name: str, scheme: str) -> None:
    """The issue's bar is no serious or critical violation; the theme's own pages are held to none at all."""
    need_tool(AXE_JS, "axe-core")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(served + PAGES.get(name, "search/"))
        violations = _axe(page)
    finally:
        context.close()
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], _describe(serious)
    if name != "search":  # the search page belongs to the search feature
        assert violations == [], _describe(violations)


@pytest.mark.parametrize("name", ["home", "day", "entry", "topics", "year"])
def test_nothing_overflows_sideways_at_320_px(browser: Any, served: str, name: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 700})
    try:
        page = context.new_page()
        page.goto(served + PAGES[name])
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    finally:
        context.close()
    assert overflow <= 0


def test_wide_day_page_puts_key_events_beside_the_entries(page: Any, served: str) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(served + PAGES["day"])
    events = page.locator(".key-events").bounding_box()
    blog = page.locator(".liveblog").bounding_box()
    assert events["x"] + events["width"] <= blog["x"]


def test_the_page_reads_without_javascript(browser: Any, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served + PAGES["day"])
        assert page.locator("article.entry").count() > 20
        assert page.locator("a.permalink").count() == page.locator("article.entry").count()
        assert page.locator("button.copy-link").count() == 0
        page.locator(".key-events a").first.click()
        assert page.url.endswith("#entry-20-15")
    finally:
        context.close()


def test_copy_link_copies_the_permalink(browser: Any, served: str) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(served + PAGES["day"])
        buttons = page.locator("button.copy-link")
        assert buttons.count() == page.locator("a.permalink").count()
        buttons.nth(1).click()
        page.wait_for_function("document.querySelector('[role=status]').textContent !== ''")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == served + PAGES["entry"]
        assert buttons.nth(1).text_content() == "Link copied"
    finally:
        context.close()


def test_print_hides_navigation_but_keeps_every_entry(page: Any, served: str) -> None:
    page.goto(served + PAGES["day"])
    page.emulate_media(media="print")
    assert page.locator(".header-search").is_hidden()
    assert page.locator(".pager").first.is_hidden()
    assert page.locator("article.entry").last.is_visible()
    folder = artifacts_dir() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "day-print.png"))
    page.pdf(path=str(artifacts_dir() / "day-print.pdf"))


def test_heatmap_days_are_keyboard_links_with_names(page: Any, served: str) -> None:
    page.goto(served + PAGES["year"])
    link = page.locator("svg.heatmap a").first
    name = link.evaluate("a => a.querySelector('title').textContent")
    assert re.fullmatch(r"[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} 2014: (\d+ entr(y|ies)|summary only)", name)
    link.focus()
    assert page.evaluate("document.activeElement.tagName.toLowerCase()") == "a"
    href = link.get_attribute("href")
    link.press("Enter")
    page.wait_for_url(served.rstrip("/") + href)

"""Search in a real headless Chromium: type, see entries, filter, sort, click through; also under /archive/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitegen.build import build
from tests.publish.helpers import set_search

pytestmark = pytest.mark.browser
ENTRY_URL = r"/20\d\d/\d\d/\d\d/[a-z0-9-]+/$"


@pytest.fixture
def searchable(fixture_site: Path) -> Path:
    """The fixture site with search required, so a missing index fails the build, not the test."""
    set_search(fixture_site, "required")
    return fixture_site


def results(page: Any) -> list[dict[str, str]]:
    """Each result's headline, link, day and excerpt as the reader sees them."""
    page.wait_for_selector("#search-results .search-result")
    script = """items => items.map(li => ({
        title: li.querySelector('.search-result-title a').textContent,
        href: li.querySelector('.search-result-title a').getAttribute('href'),
        day: (li.querySelector('.search-result-day') || {}).textContent || '',
        excerpt: li.querySelector('.search-result-excerpt').textContent,
        marks: [...li.querySelectorAll('.search-result-excerpt mark')].map(m => m.textContent).join('|'),
    }))"""
    found: list[dict[str, str]] = page.eval_on_selector_all("#search-results .search-result", script)
    return found


def test_typing_aleppo_lists_entries_and_a_click_opens_one(
    searchable: Path, serve: Callable[[Path], str], page: Any
) -> None:
    build(searchable)
    base = serve(searchable / "public")
    page.goto(base + "search/")
    page.fill("#q", "Aleppo")  # fires input: the search runs as the reader types
    found = results(page)
    assert {r["title"] for r in found} == {"Aleppo Again", "Syria Daily, 8 January: Insurgents take Aleppo"}
    for result in found:
        assert result["href"].startswith("/20") and result["href"].endswith("/")  # an entry, not a listing
        assert result["day"] in ("Saturday 1 February 2014", "Wednesday 8 January 2014")
        assert "Aleppo" in result["excerpt"] and "Aleppo" in result["marks"]
    assert page.inner_text("#search-status") == "2 entries found for “Aleppo”."
    assert "q=Aleppo" in page.url  # the search can be bookmarked
    page.click("text=Aleppo Again")
    page.wait_for_url(base + "2014/02/01/aleppo-again/")
    assert page.inner_text("h1") == "Aleppo Again"


def test_the_header_box_on_any_page_runs_the_search(searchable: Path, serve: Callable[[Path], str], page: Any) -> None:
    build(searchable)
    base = serve(searchable / "public")
    page.goto(base + "2014/01/08/")
    page.fill("#header-q", "car bomb")
    page.press("#header-q", "Enter")
    page.wait_for_url(base + "search/?q=car+bomb")
    assert page.input_value("#q") == "car bomb"
    titles = [r["title"] for r in results(page)]
    assert "State TV: Car Bomb in Hama Province Kills 17" in titles


def test_filter_by_topic_and_year_and_sort_by_date(searchable: Path, serve: Callable[[Path], str], page: Any) -> None:
    build(searchable)
    base = serve(searchable / "public")
    page.goto(base + "search/")
    page.wait_for_selector(".search-refine:not([hidden])")
    topics = page.eval_on_selector_all("#search-topic option", "els => els.map(e => e.value)")
    assert topics == ["", "Aleppo", "Geneva II", "Islamic State (ISIS)", "Video"]
    assert page.eval_on_selector_all("#search-year option", "els => els.map(e => e.value)") == ["", "2014"]

    page.select_option("#search-topic", "Islamic State (ISIS)")
    page.wait_for_function("document.querySelector('#search-status').textContent.startsWith('3 entries')")
    assert all(
        "Islamic State (ISIS)" in li
        for li in page.eval_on_selector_all(".search-result-topics", "els => els.map(e => e.textContent)")
    )
    assert "topic=Islamic+State+%28ISIS%29" in page.url

    page.select_option("#search-topic", "")
    page.select_option("#search-year", "2014")
    page.select_option("#search-sort", "asc")
    page.wait_for_function("document.querySelector('#search-status').textContent.startsWith('7 entries')")
    first_link = "document.querySelector('#search-results a')?.getAttribute('href')"
    page.wait_for_function(f"{first_link}.startsWith('/2014/01/08/')")
    oldest_first = [r["href"][:12] for r in results(page)]  # /YYYY/MM/DD/
    assert oldest_first == sorted(oldest_first) and oldest_first[0] != oldest_first[-1]
    page.select_option("#search-sort", "desc")
    page.wait_for_function(f"{first_link}.startsWith('/2014/02/01/')")
    newest_first = [r["href"][:12] for r in results(page)]
    assert newest_first == sorted(oldest_first, reverse=True)
    assert "year=2014" in page.url and "sort=desc" in page.url

    # A bookmarked filtered search comes back as it was.
    page.goto(base + "search/?q=Aleppo&topic=Aleppo&year=2014&sort=desc")
    assert [r["title"] for r in results(page)] == ["Aleppo Again", "Syria Daily, 8 January: Insurgents take Aleppo"]
    assert page.input_value("#search-topic") == "Aleppo" and page.input_value("#search-year") == "2014"


def test_search_works_under_a_sub_path(
    searchable: Path, serve: Callable[[Path], str], page: Any, tmp_path: Path
) -> None:
    www = tmp_path / "www"
    build(searchable, www / "archive", base_url="https://example.org/archive/")
    base = serve(www) + "archive/"
    page.goto(base + "search/?q=Aleppo")
    hrefs = [r["href"] for r in results(page)]
    assert hrefs and all(href.startswith("/archive/20") for href in hrefs)
    page.click("text=Aleppo Again")
    page.wait_for_url(base + "2014/02/01/aleppo-again/")
    assert page.inner_text("h1") == "Aleppo Again"


def test_entry_text_in_an_excerpt_is_never_run_as_html(
    searchable: Path, serve: Callable[[Path], str], page: Any
) -> None:
    entry = searchable / "content/entries/2014/02/01/02-aleppo.md"
    entry.write_text(entry.read_text() + '\nAleppo <img src=x onerror="window.pwned=1"> <b>bold</b>\n')
    build(searchable)
    page.goto(serve(searchable / "public") + "search/?q=onerror")
    found = results(page)
    assert "onerror" in found[0]["excerpt"]  # shown as text
    assert page.evaluate("window.pwned") is None
    assert page.query_selector("#search-results img, #search-results b") is None


def test_search_page_says_when_there_is_no_index(
    fixture_site: Path, serve: Callable[[Path], str], page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_search(fixture_site, "auto")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fixture_site / "missing"))
    build(fixture_site)
    page.goto(serve(fixture_site / "public") + "search/?q=Aleppo")
    page.wait_for_selector(".search-unavailable")
    assert page.inner_text("#search-status").startswith("Search is not available")


def test_an_archive_without_entries_says_there_is_nothing_to_search(
    tmp_path: Path, serve: Callable[[Path], str], page: Any
) -> None:
    from sitegen.scaffold import new_site

    new_site(tmp_path / "empty")
    set_search(tmp_path / "empty", "required")
    build(tmp_path / "empty")
    assert (tmp_path / "empty/public/pagefind/pagefind-entry.json").is_file()
    page.goto(serve(tmp_path / "empty/public") + "search/?q=Aleppo")
    page.wait_for_function("document.querySelector('#search-status').textContent.startsWith('There are no')")

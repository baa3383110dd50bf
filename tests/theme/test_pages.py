"""What every page type carries, read from the built HTML: structure, metadata, inert text, weight."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from sitegen.build import build
from tests.conftest import REPO
from tests.spine.helpers import snapshot
from tests.theme.synth import BUSY_DAY, BUSY_ENTRIES, HOSTILE_DAY, HOSTILE_SITE, HOSTILE_TITLE, HOSTILE_TOPIC, make_site

DAY = f"{BUSY_DAY:%Y/%m/%d}/index.html"
ENTRY = f"{BUSY_DAY:%Y/%m/%d}/entry-7-{BUSY_DAY:%d}/index.html"
HOSTILE = f"{HOSTILE_DAY:%Y/%m/%d}/index.html"
HOSTILE_ENTRY = f"{HOSTILE_DAY:%Y/%m/%d}/hostile/index.html"
#: One page of every type the theme renders.
PAGE_TYPES = {
    "home": "index.html",
    "year": "2014/index.html",
    "month": "2014/01/index.html",
    "day": DAY,
    "entry": ENTRY,
    "lead": f"{BUSY_DAY:%Y/%m/%d}/lead/index.html",
    "topics": "topics/index.html",
    "topic": "topics/aleppo/index.html",
    "topic-page-2": "topics/aleppo/page/2/index.html",
    "search": "search/index.html",
    "404": "404.html",
}


class Doc(HTMLParser):
    """Just enough of a DOM for these checks: elements with attributes, and script bodies."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "script":
            self._script = attributes
            self.scripts.append((attributes, ""))

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in wanted.items())]

    def meta(self, key: str) -> str | None:
        for attributes in self.find("meta"):
            if attributes.get("property") == key or attributes.get("name") == key:
                return attributes.get("content")
        return None

    def json_ld(self) -> list[Any]:
        return [
            json.loads(text) for attributes, text in self.scripts if attributes.get("type") == "application/ld+json"
        ]


def read(public: Path, path: str) -> str:
    return (public / path).read_text(encoding="utf-8")


def doc(public: Path, path: str) -> Doc:
    return Doc(read(public, path))


@pytest.mark.parametrize("name", sorted(PAGE_TYPES))
def test_every_page_has_lang_canonical_open_graph_and_twitter_card(synth_public: Path, name: str) -> None:
    page = doc(synth_public, PAGE_TYPES[name])
    assert page.find("html", lang="en-GB")
    canonical = page.find("link", rel="canonical")
    assert len(canonical) == 1 and canonical[0]["href"].startswith("https://example.org/")
    for key in ("og:title", "og:url", "og:type", "og:site_name", "twitter:card", "twitter:title"):
        assert page.meta(key), key
    assert page.meta("og:url") == canonical[0]["href"]
    assert page.meta("og:site_name") == HOSTILE_SITE


def test_redirect_pages_also_carry_canonical_and_card(fixture_public: Path) -> None:
    page = doc(fixture_public, "2014/01/09/old-car-bomb/index.html")
    assert page.find("html", lang="en")
    assert page.find("link", rel="canonical")[0]["href"].endswith(
        "/2014/01/09/state-tv-car-bomb-in-hama-province-kills-17/"
    )
    assert page.meta("og:title") and page.meta("twitter:card")


def test_day_page_json_ld_is_a_live_blog_posting_with_one_update_per_entry(synth_public: Path) -> None:
    page = doc(synth_public, DAY)
    (data,) = page.json_ld()
    assert data["@type"] == "LiveBlogPosting"
    assert data["coverageStartTime"].startswith(BUSY_DAY.isoformat() + "T")
    assert data["coverageEndTime"] > data["coverageStartTime"]
    updates = data["liveBlogUpdate"]
    articles = [a for a in page.find("article") if "lead" not in a["class"].split()]
    assert len(updates) == len(articles) == BUSY_ENTRIES
    assert [u["url"] for u in updates] == [f"https://example.org/{BUSY_DAY:%Y/%m/%d}/{a['id']}/" for a in articles]
    assert all(u["@type"] == "BlogPosting" and u["headline"] and u["datePublished"] for u in updates)


def test_every_day_page_counts_its_updates(synth_public: Path) -> None:
    for path in sorted(synth_public.glob("20*/*/*/index.html")):
        page = Doc(path.read_text(encoding="utf-8"))
        (data,) = page.json_ld()
        entries = [a for a in page.find("article") if "lead" not in a["class"].split()]
        assert len(data["liveBlogUpdate"]) == len(entries), path


def test_entry_page_json_ld_is_a_blog_posting_in_its_day(synth_public: Path) -> None:
    (data,) = doc(synth_public, ENTRY).json_ld()
    assert data["@type"] == "BlogPosting"
    assert data["url"] == f"https://example.org/{BUSY_DAY:%Y/%m/%d}/entry-7-{BUSY_DAY:%d}/"
    assert data["isPartOf"]["@type"] == "LiveBlogPosting"
    assert data["isPartOf"]["@id"] == f"https://example.org/{BUSY_DAY:%Y/%m/%d}/"


def test_hostile_strings_stay_inert_in_text_attributes_and_json_ld(synth_public: Path) -> None:
    for path in (HOSTILE, HOSTILE_ENTRY, "topics/hostile/index.html", "topics/index.html", "index.html"):
        html = read(synth_public, path)
        page = Doc(html)
        # The only script elements are the theme's own.
        for attributes, text in page.scripts:
            assert attributes.get("type") == "application/ld+json" or attributes.get("src", "").startswith("/static/")
            assert "alert" not in text or attributes.get("type") == "application/ld+json"
        assert "<script>alert" not in html and "</title><script>" not in html
        assert "<b>bold</b>" not in html and "<i>&</i>" not in html
    page = doc(synth_public, HOSTILE)
    (data,) = page.json_ld()
    assert data["headline"] == HOSTILE_TITLE
    assert data["publisher"]["name"] == HOSTILE_SITE
    assert data["liveBlogUpdate"][0]["keywords"][0] == HOSTILE_TOPIC
    assert page.meta("og:title") == HOSTILE_TITLE
    entry = doc(synth_public, HOSTILE_ENTRY)
    assert entry.find("a", class_="chip chip-theme", data_pagefind_filter="topic")
    assert entry.json_ld()[0]["keywords"][0] == HOSTILE_TOPIC


def test_day_page_reads_like_the_live_blog(synth_public: Path) -> None:
    html = read(synth_public, DAY)
    page = Doc(html)
    ids = [a["id"] for a in page.find("article")]
    assert ids[0] == "lead"
    assert ids[1:] == [f"entry-{n}-{BUSY_DAY:%d}" for n in range(BUSY_ENTRIES, 0, -1)]
    # Key events come first and link to every entry's anchor, in the same order.
    key_events = html[html.index('class="key-events"') : html.index("</nav>", html.index('class="key-events"'))]
    assert html.index('class="key-events"') < html.index('id="lead"')
    assert re.findall(r'href="#([^"]+)"', key_events) == ids[1:]
    # Times, the LATEST marker, chips, permalinks.
    assert html.count("<time datetime=") >= 2 * BUSY_ENTRIES
    latest = html[html.index(f'id="entry-{BUSY_ENTRIES}-') :]
    assert 'class="entry is-latest"' in html and "latest-marker" in latest[: latest.index("</article>")]
    assert len(page.find("a", class_="permalink")) == BUSY_ENTRIES + 1
    assert 'class="chip chip-' in html
    assert "not preserved in this archive" in html
    # The header links the previous and the next day.
    header = html[html.index('class="day-header"') : html.index("</header>", html.index('class="day-header"'))]
    assert 'rel="prev" href="/2014/01/14/"' in header and 'rel="next" href="/2014/01/16/"' in header


def test_breadcrumbs_go_year_month_day_entry(synth_public: Path) -> None:
    html = read(synth_public, ENTRY)
    crumbs = html[html.index('aria-label="Breadcrumb"') : html.index("</nav>", html.index('aria-label="Breadcrumb"'))]
    assert re.findall(r'<a href="([^"]+)">', crumbs) == ["/", "/2014/", "/2014/01/", "/2014/01/15/"]
    assert 'aria-current="page"' in crumbs


def test_year_heatmap_links_every_day_that_has_entries(synth_public: Path) -> None:
    for year in ("2013", "2014"):
        days = sorted(
            p.parent.relative_to(synth_public).as_posix() for p in synth_public.glob(f"{year}/*/*/index.html")
        )
        html = read(synth_public, f"{year}/index.html")
        svg = html[html.index("<svg") : html.index("</svg>")]
        linked = re.findall(r'<a href="/([^"]+)/"><title>', svg)
        assert linked == days


def test_home_heatmap_links_the_latest_days(synth_public: Path) -> None:
    html = read(synth_public, "index.html")
    svg = html[html.index('<svg class="heatmap"') : html.index("</svg>")]
    linked = re.findall(r'<a href="/([^"]+)/"><title>([^<]+)</title>', svg)
    days = sorted(p.parent.relative_to(synth_public).as_posix() for p in synth_public.glob("20*/*/*/index.html"))
    assert [href for href, _ in linked] == days  # the synthetic archive spans less than 53 weeks
    assert ("2014/01/15", "Wed 15 Jan 2014: 20 entries") in linked


def test_topics_have_activity_sparklines(synth_public: Path) -> None:
    topics = read(synth_public, "topics/index.html")
    assert topics.count('<svg class="sparkline" role="img"') >= 5
    topic = read(synth_public, "topics/aleppo/index.html")
    assert re.search(r'<svg class="sparkline" role="img" aria-label="Aleppo: \d+ entries, Nov 2013 to Feb 2014', topic)


def test_javascript_is_only_for_copy_links_and_search(synth_public: Path) -> None:
    allowed = re.compile(r"^/static/(copy-link|search)\.[0-9a-f]+\.js$")
    for path in synth_public.rglob("*.html"):
        for attributes, text in Doc(path.read_text(encoding="utf-8")).scripts:
            if attributes.get("type") == "application/ld+json":
                continue
            assert allowed.match(attributes.get("src", "")) and not text.strip(), path


def test_nothing_loads_from_another_host(synth_public: Path) -> None:
    for path in synth_public.rglob("*.html"):
        page = Doc(path.read_text(encoding="utf-8"))
        for tag, attributes in page.elements:
            if tag in ("link", "script", "img", "iframe", "source", "video", "audio"):
                source = attributes.get("src") or attributes.get("href", "")
                if tag == "link" and attributes.get("rel") in ("canonical", "alternate"):
                    continue
                if tag == "script" and attributes.get("type") == "application/ld+json":
                    continue
                assert source.startswith("/"), f"{path}: {tag} {source}"
    for css in synth_public.glob("static/*.css"):
        assert "@import" not in css.read_text() and "url(" not in css.read_text(), css


def test_day_page_weighs_well_under_100_kb_with_its_css_and_scripts(synth_public: Path) -> None:
    html = read(synth_public, DAY)
    assets = re.findall(r'(?:href|src)="/(static/[^"]+)"', html)
    weight = len(html.encode()) + sum((synth_public / asset).stat().st_size for asset in assets)
    assert weight < 100_000, weight


def test_only_entry_pages_are_search_bodies_with_filters_and_sort(synth_public: Path) -> None:
    entry = read(synth_public, ENTRY)
    assert "data-pagefind-body" in entry
    assert re.search(rf'data-pagefind-sort="date:{BUSY_DAY.isoformat()}-\d{{3}}"', entry)
    assert 'data-pagefind-meta="day:Wednesday 15 January 2014"' in entry
    assert 'data-pagefind-filter="year:2014"' in entry
    for name in ("home", "day", "year", "month", "topic", "topics"):
        assert "data-pagefind-body" not in read(synth_public, PAGE_TYPES[name]), name


def test_code_stylesheet_is_linked_only_where_code_is_shown(fixture_public: Path) -> None:
    assert "pygments." in read(fixture_public, "2014/01/09/state-tv-car-bomb-in-hama-province-kills-17/index.html")
    assert "pygments." in read(fixture_public, "2014/01/09/index.html")
    assert "pygments." not in read(fixture_public, "2014/01/08/index.html")


def test_sub_path_hosting_keeps_every_link_and_heatmap_under_the_base(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", base_url="https://example.org/archive/")
    build(site)
    for path in ("index.html", "2014/index.html", DAY, ENTRY, "topics/index.html"):
        html = read(site / "public", path)
        internal = re.findall(r'(?:href|src)="(/[^"]*)"', html)
        assert internal and all(link.startswith("/archive/") for link in internal), path
    (data,) = doc(site / "public", DAY).json_ld()
    assert data["url"] == "https://example.org/archive/2014/01/15/"


def test_the_synthetic_site_builds_byte_identical_twice(tmp_path: Path, synth_public: Path) -> None:
    site = make_site(tmp_path / "again")
    build(site)
    assert snapshot(site / "public") == snapshot(synth_public)


def _bundled_day_pages(public: Path) -> list[Path]:
    return sorted(public.glob("20*/*/*/index.html"))


@pytest.fixture(scope="module")
def bundled(request: pytest.FixtureRequest) -> Path:
    """The repository's own archive, once it has a site.toml (skipped before that)."""
    if not (REPO / "site.toml").is_file():
        pytest.skip("the repository has no site.toml yet, so no bundled archive to build")
    public: Path = request.getfixturevalue("bundled_public")
    return public


def test_bundled_day_pages_are_light_and_count_their_updates(bundled: Path) -> None:
    days = _bundled_day_pages(bundled)
    assert days
    for path in days:
        html = path.read_text(encoding="utf-8")
        page = Doc(html)
        (data,) = page.json_ld()
        entries = [a for a in page.find("article") if "lead" not in a["class"].split()]
        assert len(data["liveBlogUpdate"]) == len(entries), path
        assets = re.findall(r'(?:href|src)="[^"]*?(static/[^"]+)"', html)
        weight = len(html.encode()) + sum((bundled / asset).stat().st_size for asset in assets)
        assert weight < 100_000, (path, weight)

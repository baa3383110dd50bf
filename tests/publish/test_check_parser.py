"""``sitegen check`` reads a page's links, ids, redirect and live-reload scripts with lxml, and most links
without ``urljoin``; Python's own ``html.parser`` and ``urljoin``, which check used before, are the reference:
both must find the same things."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sitegen.check import RELOAD_MARKERS, URL_ATTRS, ParsedPage, Site, parse_page


class Reference(HTMLParser):
    """What a page holds, as the standard library's HTML parser reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        self.page.links += [
            (values[name].strip(), tag in ("a", "area")) for name in URL_ATTRS.get(tag, ()) if name in values
        ]
        if tag in ("img", "source") and "srcset" in values:
            self.page.links += [(c.split()[0], False) for c in values["srcset"].split(",") if c.strip()]
        content = values.get("content", "")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh" and "url=" in content.lower():
            self.page.redirect = True
            self.page.links.append((content[content.lower().index("url=") + 4 :].strip(" '\""), True))
        if tag == "meta" and values.get("property") in ("og:url", "og:image") and content:
            self.page.links.append((content, False))
        if tag == "script":
            self.in_script = True
            if any(marker in values.get("src", "") for marker in RELOAD_MARKERS):
                self.page.dev_scripts.append(values["src"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and any(marker in data for marker in RELOAD_MARKERS):
            self.page.dev_scripts.append("inline script: " + " ".join(data.split())[:60])


def reference(html: str) -> ParsedPage:
    parser = Reference()
    parser.feed(html)
    parser.close()
    return parser.page


SNIPPETS = {
    "entities and spaces": '<a href=" /a?b=1&amp;c=2 ">x</a><a href="/caf%C3%A9/">y</a><a href="/é/">z</a>',
    "upper case and unquoted": "<A HREF=/up/ ID=Top>x</A><IMG SRC=/i.png>",
    "a comment hides a link": "<!-- <a href='/gone/'>x</a> --><p id=kept>",
    "anchors": '<h2 id="one">1</h2><a name="two"></a><div id="three"><span id="four"></span></div>',
    "srcset": '<img src="/a.png" srcset="/a-1x.png 1x, /a-2x.png 2x, "><picture><source srcset="/b.webp"></picture>',
    "refresh and og": '<meta http-equiv="Refresh" content="0; URL=\'/new/\'"><meta property="og:url" content="https://x/">'
    '<meta property="og:image" content="/card.png">',
    "form and media": '<form action="/search/"></form><video src="/v.mp4" poster="/p.png"></video>'
    '<object data="/d.pdf">',
    "live reload": '<script src="/__sitegen/reload.js"></script><script>new EventSource("/__sitegen/events")</script>',
    "a script that only mentions a tag": '<script>var s = "<a href=\'/not-a-link/\'>";</script><a href="/real/">r</a>',
    "html5 elements": '<main id="main"><nav><a href="/n/">n</a></nav><article id="e">'
    '<svg id="s"><use href="#s"/></svg>',
    "empty": "",
    "no document around it": '<a href="/bare/">bare</a>',
}


@pytest.mark.parametrize("html", SNIPPETS.values(), ids=SNIPPETS.keys())
def test_a_page_reads_as_pythons_own_parser_reads_it(html: str) -> None:
    assert parse_page(html) == reference(html)


def test_every_page_of_the_bundled_archive_reads_as_pythons_own_parser_reads_it(bundled_public: Path) -> None:
    pages = sorted(bundled_public.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert parse_page(html) == reference(html), path


def joined(site: Site, page: str, link: str) -> tuple[str, str] | None:
    """Where ``link`` leads from ``page``, as the standard library joins and splits it."""
    parts = urlsplit(urljoin(site.url_of(page), link))
    return (parts.path, parts.fragment) if parts.scheme in ("http", "https") and parts.netloc == site.host else None


SEGMENTS = st.sampled_from(["a", "b.html", ".", "..", "", ".well-known", "%2E%2E", "x y", "a\tb", "a\\b", "é"])
LINKS = st.builds(
    lambda head, segments, tail: head + "/".join(segments) + tail,
    st.sampled_from(["/", "//", "", "./", "../", "https://example.org/", "https://example.org:8080/", "http://x.org/"]),
    st.lists(SEGMENTS, max_size=5),
    st.sampled_from(["", "/", "?q=1", "#frag", "?q=/../#f", "#/../"]),
)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> list[Site]:
    """An empty output folder seen at the root of a host and under a sub-path."""
    out = tmp_path_factory.mktemp("out")
    return [Site(out, base) for base in ("https://example.org/", "https://example.org/archive/")]


@given(link=LINKS, page=st.sampled_from(["index.html", "2014/01/08/index.html", "topics/a/page/2/index.html"]))
@example(link="/a/../b/", page="index.html")
@example(link="/a\tb/?q#f", page="index.html")
@example(link="https://example.org/a/./b#f", page="index.html")
def test_a_link_leads_where_the_standard_library_joins_it(link: str, page: str, sites: list[Site]) -> None:
    for site in sites:
        assert site._split(page, link) == joined(site, page, link), (site.base_path, page, link)

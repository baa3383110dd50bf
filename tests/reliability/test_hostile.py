"""Hostile text in entries, titles, tags and site.toml comes out inert: no executable markup, no template evaluation."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from sitegen.build import build
from tests.conftest import FIXTURE_SITE, copy_site

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<!-- comment --> <iframe src=//evil.example></iframe>",
    "{{ 7 * 7 }} {% for x in range(3) %}loop{% endfor %}",
    "</script><script>alert(2)</script>",
    '"><svg onload=alert(3)>',
    "<a href='javascript:alert(4)'>x</a>",
]
TITLE = "</script><script>alert('title')</script> {{ 6 * 7 }} <b onmouseover=alert(5)>"


class Collector(HTMLParser):
    """Every start tag with its attributes, and the text of every <script> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


@pytest.fixture(scope="module")
def hostile_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_site(FIXTURE_SITE, tmp_path_factory.mktemp("hostile") / "site")
    config = site / "site.toml"
    text = config.read_text()
    text = text.replace('title = "Fixture Live Archive"', "title = \"<script>alert('site')</script> {{ 1 + 1 }}\"")
    text = text.replace("description = ", 'description = "<img src=x onerror=alert(6)> {% raw %}" #')
    config.write_text(text)
    body = "\n\n".join(HOSTILE)
    entry = (
        "---\n"
        f"title: {json.dumps(TITLE)}\n"
        "date: 2014-01-08\nseq: 9\nkind: entry\nslug: hostile\ntags: [isis]\n"
        f"summary: {json.dumps(HOSTILE[0])}\n"
        "---\n\n" + body + "\n"
    )
    (site / "content/entries/2014/01/08/09-hostile.md").write_text(entry, encoding="utf-8")
    build(site)
    return site / "public"


def html_files(public: Path) -> list[Path]:
    return sorted(public.rglob("*.html"))


def test_no_output_page_carries_executable_markup(hostile_public: Path) -> None:
    for page in html_files(hostile_public):
        collector = Collector()
        collector.feed(page.read_text(encoding="utf-8"))
        for tag, attrs in collector.tags:
            assert tag not in ("iframe", "svg") or "onload" not in attrs, page
            handlers = [name for name in attrs if name.startswith("on")]
            assert handlers == [], f"{page}: <{tag} {handlers}>"
            for name in ("href", "src", "action"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), f"{page}: {name}={value}"
        for attrs, text in collector.scripts:
            kind = attrs.get("type") or ""
            if kind == "application/ld+json":
                json.loads(text)  # parses: nothing broke out of it
                assert "</" not in text
            else:
                assert attrs.get("src"), f"{page}: inline script {text[:80]!r}"
                assert "alert" not in text


def test_template_syntax_in_text_is_never_evaluated(hostile_public: Path) -> None:
    day = (hostile_public / "2014/01/08/index.html").read_text(encoding="utf-8")
    entry = (hostile_public / "2014/01/08/hostile/index.html").read_text(encoding="utf-8")
    assert "{{ 7 * 7 }}" in entry and "49" not in re.sub(r"[0-9a-f]{10}", "", entry)
    assert "{{ 6 * 7 }}" in day
    assert "{% for x in range(3) %}loop{% endfor %}" in entry
    assert "looplooploop" not in entry


def test_feeds_stay_well_formed_and_escape_hostile_text(hostile_public: Path) -> None:
    for name in ("feed.xml", "atom.xml", "topics/isis/feed.xml"):
        feed = feedparser.parse((hostile_public / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        hostile = [item for item in feed.entries if item.link.endswith("/hostile/")]
        assert hostile and hostile[0].title == TITLE


def test_sitemap_and_robots_are_well_formed(hostile_public: Path) -> None:
    from xml.etree import ElementTree

    ElementTree.parse(hostile_public / "sitemap.xml")
    assert (hostile_public / "robots.txt").read_text().startswith("User-agent: *")

"""``sitegen check``: is a built site whole, before it is published?

It reads only the output folder (and site.toml for the base URL), so it checks
what a host will serve, not what the build meant to write:

- every internal ``href``, ``src``, ``srcset``, form ``action``, refresh target
  and ``og:url``/``og:image`` resolves to a file, and ``page#id`` to an
  element with that id (``#id`` alone is checked against the page itself);
- every page is reachable from the home page by following ``<a href>`` links
  (redirect pages and 404.html excepted): what a reader or a crawler can find;
- feeds and the sitemap parse as XML, have what their format requires, and
  their links resolve too; so do the targets in Netlify's ``_redirects``;
- nothing of the dev server (``/__sitegen/``, a live-reload script) is left.

"Internal" means relative, root-relative, or absolute on the base URL's host.
A link to that host outside the base path (``/static/…`` when the site lives
under ``/archive/``) is a problem: that is how sub-path mistakes show up.
Each problem is one line, ``page: link``, with the reason in parentheses when
the link alone does not say it.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

from lxml import etree

from sitegen.config import load_config
from sitegen.errors import SitegenError

#: What the dev server injects; none of it may reach a published site.
DEV_PATH = "/__sitegen/"
RELOAD_MARKERS = ("__sitegen", "livereload", "EventSource")
#: Files searched for DEV_PATH (the rest are binary: images, Pagefind's index).
TEXT_SUFFIXES = frozenset({".html", ".htm", ".xml", ".js", ".mjs", ".css", ".txt", ".json", ".svg", ""})
#: Pages one worker process parses at a time (parsing dominates check's time).
PAGES_PER_TASK = 200
#: Pages nobody needs to reach through links.
UNLINKED = frozenset({"404.html"})
#: Attributes that hold one URL, by tag.
URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src",),
    "script": ("src",),
    "iframe": ("src",),
    "source": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "form": ("action",),
}
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass
class ParsedPage:
    """What check needs from one HTML page."""

    #: (link, followed for reachability): every URL the page refers to.
    links: list[tuple[str, bool]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    redirect: bool = False
    dev_scripts: list[str] = field(default_factory=list)


#: Reads pages as browsers do, forgivingly (libxml2's HTML parser, through lxml): in C, where Python's own
#: ``html.parser`` took four fifths of check's time (45 s for a 50k-entry archive).
_HTML = etree.HTMLParser(encoding="utf-8", no_network=True)


def parse_page(html: str) -> ParsedPage:
    """The links, ids, refresh redirect and live-reload scripts of one page."""
    page = ParsedPage()
    root = etree.fromstring(html.encode("utf-8", "surrogatepass"), _HTML)
    if root is None:  # nothing but whitespace
        return page
    links, ids = page.links, page.ids
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue  # a comment or a processing instruction
        values = cast(Mapping[str, str], element.attrib)  # parsed from text, so text, not bytes
        if "id" in values:
            ids.add(values["id"])
        if tag == "a" and "name" in values:
            ids.add(values["name"])
        for name in URL_ATTRS.get(tag, ()):
            if name in values:
                links.append((values[name].strip(), tag in ("a", "area")))
        if tag in ("img", "source") and "srcset" in values:
            candidates = (candidate.split() for candidate in values["srcset"].split(","))
            links.extend((candidate[0], False) for candidate in candidates if candidate)
        if tag == "meta":
            _meta(page, values)
        elif tag == "script":
            source = values.get("src", "")
            if any(marker in source for marker in RELOAD_MARKERS):
                page.dev_scripts.append(source)
            text = str(element.text or "")
            if any(marker in text for marker in RELOAD_MARKERS):
                page.dev_scripts.append("inline script: " + " ".join(text.split())[:60])
    return page


def _meta(page: ParsedPage, values: Mapping[str, str]) -> None:
    content = values.get("content", "")
    if values.get("http-equiv", "").lower() == "refresh" and "url=" in content.lower():
        page.redirect = True
        page.links.append((content[content.lower().index("url=") + 4 :].strip(" '\""), True))
    if values.get("property") in ("og:url", "og:image") and content:
        page.links.append((content, False))


class Site:
    """The output folder seen through its base URL: which link lands on which file."""

    def __init__(self, out_dir: Path, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host = parts.netloc
        self.root = f"{parts.scheme}://{parts.netloc}"
        self.base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self.files = set(_files_under(str(out_dir), ""))
        self.dirs = {posixpath.dirname(f) for f in self.files}
        #: Root-relative and absolute links resolve the same from every page: resolve each once.
        self._resolved: dict[str, tuple[str, str] | str | None] = {}

    def url_of(self, rel: str) -> str:
        """The absolute URL a host serves ``rel`` at (``a/index.html`` → ``…/a/``)."""
        path = rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel
        return self.root + self.base_path + path

    def resolve(self, page: str, link: str) -> tuple[str, str] | str | None:
        """(file, fragment) for an internal link, a reason when it is broken, None when it is not ours."""
        if not link.startswith(("/", "http:", "https:")):
            return self._resolve(page, link)
        if link not in self._resolved:
            self._resolved[link] = self._resolve(page, link)
        return self._resolved[link]

    def _resolve(self, page: str, link: str) -> tuple[str, str] | str | None:
        found = self._split(page, link)
        if found is None:
            return None
        path, fragment = unquote(found[0]), found[1]
        if not path.startswith(self.base_path) and path + "/" != self.base_path:
            return f"outside the base path {self.base_path}"
        rel = path[len(self.base_path) :]
        if "/../" in f"/{rel}/" or rel.startswith("/"):
            return "outside the site"
        if rel in ("", ".") or rel.endswith("/"):
            rel += "index.html"
        elif rel not in self.files and rel in self.dirs:
            rel += "/index.html"
        if rel not in self.files:
            return "no such file"
        return rel, unquote(fragment)

    def _split(self, page: str, link: str) -> tuple[str, str] | None:
        """The path and fragment ``link`` leads to from ``page`` (None: another host, or not http).

        A root-relative link (or one on the site's own origin) with no dot segment and nothing
        ``urlsplit`` would strip is read as it stands: ``urljoin`` would return it unchanged, and
        it is most of the 2.5 million links of a 50k-entry archive.
        """
        rest = link[len(self.root) :] if link.startswith(self.root + "/") else link
        if rest.startswith("/") and not rest.startswith("//") and not _JOIN_CHANGES.search(rest):
            path, _, fragment = rest.partition("#")
            return path.partition("?")[0], fragment
        parts = urlsplit(urljoin(self.url_of(page), link))
        if parts.scheme not in ("http", "https") or parts.netloc != self.host:
            return None
        return parts.path, parts.fragment


#: What makes ``urljoin`` change a root-relative link: dot segments, and the characters ``urlsplit`` strips.
_JOIN_CHANGES = re.compile(r"/\.\.?(?:[/?#]|$)|[\t\r\n\\]")


def _files_under(folder: str, prefix: str) -> Iterator[str]:
    """Every file under ``folder`` (following links to files, not to folders), as a POSIX path under ``prefix``."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files_under(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file():
                yield prefix + entry.name


@dataclass
class PageReport:
    """One HTML page, checked on its own: what is left needs every page (anchors, reachability)."""

    rel: str
    problems: list[str]
    #: Pages its <a href> links lead to: the edges of the reachability search.
    follows: list[str]
    #: (link, target page, id) for every ``page#id`` link, checked once all ids are known.
    fragments: list[tuple[str, str, str]]
    ids: set[str]
    redirect: bool


_SKIPPED = ("mailto:", "tel:", "javascript:", "data:")


def scan_page(site: Site, rel: str, html: str) -> PageReport:
    """Parse one page and check what it alone can tell: links to missing files, dev-server leftovers."""
    page = parse_page(html)
    report = PageReport(rel, [], [], [], page.ids, page.redirect)
    for link, follow in page.links:
        found = None if not link or link.startswith(_SKIPPED) else site.resolve(rel, link)
        if isinstance(found, str):
            report.problems.append(f"{rel}: {link}" + ("" if found == "no such file" else f" ({found})"))
        elif found is not None:
            target, fragment = found
            if follow:
                report.follows.append(target)
            if fragment and fragment != "top" and not fragment.startswith(":~:"):
                report.fragments.append((link, target, fragment))
    if DEV_PATH in html:
        report.problems.append(f"{rel}: {DEV_PATH} (dev server leftover)")
    report.problems += [f"{rel}: {script} (live-reload script)" for script in page.dev_scripts]
    return report


_WORKER_SITE: Site | None = None


def _init_worker(site: Site) -> None:
    global _WORKER_SITE
    _WORKER_SITE = site


def _scan_files(out_dir: Path, rels: list[str]) -> list[PageReport]:
    assert _WORKER_SITE is not None
    return [scan_page(_WORKER_SITE, rel, (out_dir / rel).read_text("utf-8", errors="replace")) for rel in rels]


def scan_pages(site: Site, out_dir: Path, rels: list[str]) -> list[PageReport]:
    """Scan every page, in worker processes when there are many: parsing is most of check's time."""
    workers = min(os.cpu_count() or 1, len(rels) // PAGES_PER_TASK)
    if workers < 2:
        _init_worker(site)
        return _scan_files(out_dir, rels)
    chunks = [rels[start : start + PAGES_PER_TASK] for start in range(0, len(rels), PAGES_PER_TASK)]
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(site,)) as pool:
        return [report for chunk in pool.map(partial(_scan_files, out_dir), chunks) for report in chunk]


def _check_fragments(reports: dict[str, PageReport]) -> Iterable[str]:
    for rel, report in reports.items():
        for link, target, fragment in report.fragments:
            if target in reports and fragment not in reports[target].ids:
                yield f"{rel}: {link} (no element with id '{fragment}')"


def _check_reachable(reports: dict[str, PageReport]) -> Iterable[str]:
    if "index.html" not in reports:
        yield "index.html: missing (there is no home page)"
        return
    seen = {"index.html"}
    queue = deque(["index.html"])
    while queue:
        for target in reports[queue.popleft()].follows:
            if target in reports and target not in seen:
                seen.add(target)
                queue.append(target)
    for rel, report in reports.items():
        if rel not in seen and rel not in UNLINKED and not report.redirect and not rel.startswith("pagefind/"):
            yield f"{rel}: not reachable from the home page"


def _xml_links(root: ElementTree.Element) -> tuple[list[str], list[str]]:
    """The links a feed or sitemap carries, and what its format requires but it lacks."""
    missing: list[str] = []
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            return [], ["<channel>"]
        missing += [f"channel <{t}>" for t in ("title", "link", "description") if channel.find(t) is None]
        links = [channel.findtext("link", "")]
        for number, item in enumerate(channel.iter("item"), start=1):
            if item.find("title") is None and item.find("description") is None:
                missing.append(f"item {number} <title> or <description>")
            links.append(item.findtext("link", ""))
            guid = item.find("guid")
            if guid is not None and guid.get("isPermaLink", "true") == "true":
                links.append(guid.text or "")
        return links, missing
    if root.tag == f"{ATOM}feed":
        missing += [f"feed <{t}>" for t in ("id", "title", "updated") if root.find(ATOM + t) is None]
        for number, entry in enumerate(root.iter(f"{ATOM}entry"), start=1):
            missing += [f"entry {number} <{t}>" for t in ("id", "title", "updated") if entry.find(ATOM + t) is None]
        return [link.get("href", "") for link in root.iter(f"{ATOM}link")], missing
    if root.tag == f"{SITEMAP}urlset":
        return [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")], missing
    return [], missing


def _check_xml(site: Site, out_dir: Path) -> Iterable[str]:
    for rel in sorted(f for f in site.files if f.endswith(".xml") and not f.startswith("pagefind/")):
        try:
            root = ElementTree.fromstring((out_dir / rel).read_bytes())
        except ElementTree.ParseError as exc:
            yield f"{rel}: does not parse as XML ({exc})"
            continue
        links, missing = _xml_links(root)
        for what in missing:
            yield f"{rel}: lacks {what}"
        for link in links:
            found = site.resolve(rel, link.strip()) if link.strip() else "empty link"
            if isinstance(found, str):
                yield f"{rel}: {link}" + ("" if found == "no such file" else f" ({found})")


def _check_redirects(site: Site, out_dir: Path) -> Iterable[str]:
    """Netlify's _redirects: each target must exist (the sources are old URLs, so need not)."""
    if "_redirects" not in site.files:
        return
    for line in (out_dir / "_redirects").read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if len(fields) >= 2 and not fields[0].startswith("#"):
            found = site.resolve("_redirects", fields[1])
            if isinstance(found, str):
                yield f"_redirects: {fields[1]}" + ("" if found == "no such file" else f" ({found})")


def _check_leftovers(site: Site, out_dir: Path) -> Iterable[str]:
    """Dev-server files, and its URL prefix in text files other than pages (scan_page checks those)."""
    marker = DEV_PATH.encode()
    for rel in sorted(site.files):
        if rel.startswith(DEV_PATH.strip("/") + "/"):
            yield f"{rel}: dev server file"
        elif rel.endswith((".html", ".htm")):
            continue
        elif posixpath.splitext(rel)[1] in TEXT_SUFFIXES and marker in (out_dir / rel).read_bytes():
            yield f"{rel}: {DEV_PATH} (dev server leftover)"


def check_site(site_dir: Path, out_dir: Path, *, base_url: str | None = None) -> list[str]:
    """Problems found in the built site, one ``page: link`` line each."""
    if not out_dir.is_dir():
        raise SitegenError(out_dir, None, "no built site here", "run 'sitegen build' first, or pass --out DIR")
    url = base_url if base_url is not None else load_config(site_dir).base_url
    site = Site(out_dir, url)
    pages = sorted(rel for rel in site.files if rel.endswith((".html", ".htm")))
    reports = {report.rel: report for report in scan_pages(site, out_dir, pages)}
    problems = [
        *(problem for report in reports.values() for problem in report.problems),
        *_check_fragments(reports),
        *_check_reachable(reports),
        *_check_xml(site, out_dir),
        *_check_redirects(site, out_dir),
        *_check_leftovers(site, out_dir),
    ]
    return list(dict.fromkeys(problems))

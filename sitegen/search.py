"""Search stage: index the entry pages with Pagefind, driven from Python.

Why it works the way it does:

- Only entry permalink pages are indexed, so every result leads to one entry
  (never to a day, month or topic listing that merely mentions it).
- The pages are staged as files and indexed with one ``add_directory`` call.
  Pagefind's per-file API answers at most about ten requests a second (its
  Python client polls the service every 0.1 s), which would take minutes at
  archive scale; one directory walk indexes 10,000 pages in seconds.
- URLs are stored relative to the site root (``/2014/01/08/slug/``), as
  Pagefind's own CLI would store them: at run time ``pagefind.js`` prefixes
  the path it was loaded from (``/archive/`` under sub-path hosting), so the
  same index works wherever the site is served and is not prefixed twice.
- The index is keyed by the bytes of every entry page (plus Pagefind's
  version): an unchanged archive is not indexed again.
- Themes mark what Pagefind should read (``data-pagefind-body``, the topic and
  year filters, the date sort, the day as metadata). For a theme that does
  not, :func:`annotate` adds those marks to the copy Pagefind reads, never to
  the published page.

When Pagefind cannot run, ``search = "auto"`` warns and keeps the previous
index (a fresh site has none, and the search page says so), ``"required"``
fails the build, and ``"off"`` removes any index.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sitegen.config import SiteConfig
from sitegen.errors import BuildFailed
from sitegen.fingerprint import pagefind_version
from sitegen.progress import Progress
from sitegen.render import long_date

#: Where the index goes in the output folder; build prunes and commits this prefix.
OUTPUT_PREFIX = "pagefind/"
#: Bump when what Pagefind is fed changes, so existing sites are indexed again.
FORMAT = "1"
#: A file every Pagefind bundle has: if it is gone from the output, index again.
ENTRY_FILE = "pagefind-entry.json"
HINT = "install it with: pip install 'pagefind[bin]' (or set search = \"off\" in site.toml)"


class PagefindUnavailable(Exception):
    """Pagefind is missing or could not run; the message says why in one line."""


def search_key(entry_pages: Sequence[str], read: Callable[[str], bytes]) -> str:
    """Hash of everything the index depends on: each entry page's path and bytes, and Pagefind's version."""
    digest = hashlib.sha256(f"{FORMAT}\0{pagefind_version()}\0".encode())
    for path in sorted(entry_pages):
        digest.update(path.encode() + b"\0" + hashlib.sha256(read(path)).digest())
    return digest.hexdigest()


_BODY = re.compile(r"<article\b[^>]*>")
_TIME = re.compile(r'<time datetime="(\d{4}-\d\d-\d\dT\d\d:\d\d)')
_CHIP = re.compile(r'<a class="chip\b')
_IN_CONTEXT = re.compile(r'class="in-context"')
_DAY_PATH = re.compile(r"^(\d{4})/(\d\d)/(\d\d)/")


def annotate(html: str, path: str) -> str:
    """Add Pagefind's marks to an entry page whose theme did not, for the copy Pagefind reads.

    The default theme's entry page has one ``<article>`` (the entry), a
    ``<time datetime>`` when the entry has a time, topic chips and a link back
    to the day; the date itself comes from the page's path.
    """
    if "data-pagefind-body" in html:
        return html
    match = _DAY_PATH.match(path)
    body = _BODY.search(html)
    if match is None or body is None:
        return html
    day = date(int(match[1]), int(match[2]), int(match[3]))
    stamp = _TIME.search(html, body.end())
    sort = stamp[1] if stamp else day.isoformat()
    marks = (
        f'<span data-pagefind-filter="year:{day.year}" data-pagefind-sort="date:{sort}"'
        f' data-pagefind-meta="day:{long_date(day)}"></span>'
    )
    article = body[0][:-1] + " data-pagefind-body>" + marks
    rest = html[body.end() :]
    rest = _CHIP.sub('<a data-pagefind-filter="topic" class="chip', rest)
    rest = _IN_CONTEXT.sub('class="in-context" data-pagefind-ignore', rest, count=1)
    return html[: body.start()] + article + rest


def _index_present(read: Callable[[str], bytes]) -> bool:
    """The last build's index is still in the output folder (nobody deleted it)."""
    try:
        read(OUTPUT_PREFIX + ENTRY_FILE)
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class SearchIndex:
    """What the search stage decided, for the build to stage and remember."""

    #: The index key to remember; None when nothing was indexed this time.
    key: str | None
    #: The bundle's files; None means "keep whatever index is on disk".
    files: dict[str, bytes] | None
    #: False when Pagefind could not run: the kept index may be stale, so the next build retries.
    current: bool


def index_search(
    config: SiteConfig,
    entry_pages: Sequence[str],
    read: Callable[[str], bytes],
    previous_key: str | None,
    progress: Progress,
    *,
    defer: bool = False,
) -> SearchIndex:
    """Index the entry pages with Pagefind, or say why the previous index stays.

    ``entry_pages`` are output paths of entry permalink pages, ``read(path)``
    gives a page's final bytes, and ``previous_key`` is the key of the index on
    disk, so an unchanged set of pages is not indexed again. ``defer`` keeps the
    index on disk as it is, marked stale so a later build brings it up to date
    (the dev server shows an edit first and re-indexes when the editor pauses).
    """
    if config.search == "off":
        return SearchIndex("off", {}, current=True)  # no files: the build prunes any old index
    if defer:
        return SearchIndex(None, None, current=False)
    key = search_key(entry_pages, read)
    if key == previous_key and _index_present(read):
        progress.stage("search", "index unchanged")
        return SearchIndex(key, None, current=True)
    from sitegen.pagefind import build_index  # asyncio and Pagefind's client: only for a build that indexes

    try:
        files = build_index(entry_pages, read, progress)
    except PagefindUnavailable as exc:
        if config.search == "required":
            raise BuildFailed(f'search = "required" but {exc}; {HINT}') from None
        kept = "the previous search index is kept" if _index_present(read) else "the site has no search index"
        progress.warn(f"search not indexed: {exc}; {kept}; the next build tries again; {HINT}")
        return SearchIndex(None, None, current=False)
    progress.stage("search", f"{len(entry_pages):,} entries indexed")
    return SearchIndex(key, files, current=True)

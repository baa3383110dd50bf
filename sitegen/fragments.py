"""Per-renderer memos for the templates: what many pages ask for, worked out once.

Why: the same answers were computed page after page. An entry's plain text was
stripped from its HTML for every excerpt of it (its own page's description, its
day page's JSON-LD, the home page), a busy topic's sparkline was drawn again on
each of its eighty pages, and every page called ``url()`` a dozen times for the
same header and footer links, each call paying Jinja's ``Context.call`` dispatch.

Everything cached here is a pure function of its key (an entry's HTML, a topic's
entry tuple, the site config), so pages come out byte-identical whatever order
they are rendered in and in whichever forked worker: a cache only saves work,
it never changes an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from sitegen.charts import sparkline
from sitegen.model import Entry

#: ``url(path)``: a site-relative path → the URL the page links to.
UrlFor = Callable[[str], str]


@dataclass(frozen=True)
class SiteLinks:
    """The site-wide links every page's header, head and footer show, already escaped.

    A template reads ``{{ links.topics }}`` (an attribute lookup and a no-op
    escape of ``Markup``) instead of calling ``url('topics/')``.
    """

    home: Markup
    topics: Markup
    search: Markup
    feed: Markup
    atom: Markup
    sitemap: Markup

    @classmethod
    def build(cls, url: UrlFor) -> SiteLinks:
        """The links as ``url()`` makes them, escaped exactly as ``{{ url(...) }}`` would be."""
        return cls(
            home=escape(url("")),
            topics=escape(url("topics/")),
            search=escape(url("search/")),
            feed=escape(url("feed.xml")),
            atom=escape(url("atom.xml")),
            sitemap=escape(url("sitemap.xml")),
        )


class TemplateMemo:
    """Entry text, entry markup and sparklines, each computed once per renderer (per process)."""

    def __init__(self, entry_html: Callable[[Entry], str]) -> None:
        self._entry_html = entry_html
        # Keyed by the HTML string itself: the entry-HTML cache hands out the same string
        # object every time, whose hash Python keeps, so a lookup costs no rehash; and a
        # key that is the input can never go stale.
        self._words: dict[str, list[str]] = {}
        self._markup: dict[str, Markup] = {}
        # Keyed by the identity of the topic's entry tuple (the archive's own, shared by
        # all pages of a topic); the tuple is kept in the value so its id is never reused.
        self._sparklines: dict[tuple[int, str], tuple[Sequence[Entry], Markup]] = {}

    def entry_markup(self, entry: Entry) -> Markup:
        """The entry's body HTML as ``Markup``, wrapped once rather than copied on every use."""
        html = self._entry_html(entry)
        markup = self._markup.get(html)
        if markup is None:
            markup = self._markup[html] = Markup(html)
        return markup

    def excerpt(self, entry: Entry, words: int = 40) -> str:
        """The first ``words`` words of the entry's plain text, with ' …' when there is more."""
        html = self._entry_html(entry)
        parts = self._words.get(html)
        if parts is None:
            parts = self._words[html] = Markup(html).striptags().split()
        return " ".join(parts[:words]) + (" …" if len(parts) > words else "")

    def has_code(self, entries: Iterable[Entry]) -> bool:
        """Whether any of the entries shows highlighted code (and the page needs pygments.css)."""
        return any('class="highlight"' in self._entry_html(entry) for entry in entries)

    def sparkline(self, entries: Sequence[Entry], name: str = "") -> Markup:
        """``charts.sparkline``, drawn once per topic rather than once per page of the topic."""
        if not isinstance(entries, tuple):  # only an immutable sequence can stand for its contents
            return sparkline(entries, name)
        key = (id(entries), name)
        hit = self._sparklines.get(key)
        if hit is not None and hit[0] is entries:
            return hit[1]
        chart = sparkline(entries, name)
        self._sparklines[key] = (entries, chart)
        return chart

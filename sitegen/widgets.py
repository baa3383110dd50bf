"""The theme's most-used fragments, drawn in Python: topic chips, pagers, breadcrumbs, entry times.

Why Python and not Jinja macros: these pieces appear on nearly every one of
tens of thousands of pages, and a macro call in Jinja costs more than drawing
the fragment here (argument binding, a new frame, and ``Context.call`` dispatch
plus an escape call for every value inside it). A topic's chip is the same on
every page, so it is drawn once per renderer.

The markup is byte-for-byte what the macros of the same name in
``_macros.html`` produced (those macros now call these, so a template that
imports them still works); every value from content goes through
``markupsafe.escape`` (as plain text: ``escaping.html_text``), exactly where the template's autoescape applied it.
Templates reach these as ``ui.chips(entry)``, ``ui.pager(...)`` and so on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from itertools import groupby
from operator import attrgetter
from typing import Any

from markupsafe import Markup

from sitegen.escaping import html_text
from sitegen.model import Entry, Topic

#: ``url(path)``: a site-relative path → the URL the page links to.
UrlFor = Callable[[str], str]

LATEST_MARKER = Markup('<strong class="latest-marker">Latest</strong>')


class Widgets:
    """Fragment builders bound to one site's URLs and topics; read-only apart from memos."""

    def __init__(self, url: UrlFor, topics: Mapping[str, Topic], entry_html: Callable[[Entry], Markup]) -> None:
        self._url = url
        self._topics = topics
        self._entry_html = entry_html
        self._home = html_text(url(""))
        # Memos: pure functions of their keys (a tag and the filter flag; a date).
        self._chips: dict[tuple[str, bool], str] = {}
        self._trails: dict[date, tuple[str, str]] = {}

    def latest_marker(self) -> Markup:
        """The 'Latest' badge of the entry the live blog last marked as its latest."""
        return LATEST_MARKER

    def time_of(self, entry: Entry) -> Markup:
        """The entry's stated time as a ``<time>`` element; nothing when the dump gave none."""
        if not entry.time:
            return Markup("")
        time = html_text(entry.time)
        return Markup(f'<time datetime="{html_text(entry.date.isoformat())}T{time}">{time}</time>')

    def _chip(self, tag: str, filter: bool) -> str:
        key = (tag, filter)
        chip = self._chips.get(key)
        if chip is None:
            topic = self._topics.get(tag)
            if topic is None:
                chip = f'<li><span class="chip">{html_text(tag)}</span></li>'
            else:
                href = html_text(self._url(f"topics/{topic.slug}/"))
                data = ' data-pagefind-filter="topic"' if filter else ""
                kind, name = html_text(topic.kind), html_text(topic.name)
                chip = f'<li><a class="chip chip-{kind}" href="{href}"{data}>{name}</a></li>'
            self._chips[key] = chip
        return chip

    def chips(self, entry: Entry, filter: bool = False) -> Markup:
        """The entry's topics as links (a tag no topic defines is plain text); ``filter`` marks them for Pagefind."""
        if not entry.tags:
            return Markup("")
        items = "".join(self._chip(tag, filter) for tag in entry.tags)
        return Markup(f'<ul class="chips" aria-label="Topics">\n{items}</ul>\n')

    def permalink(self, entry: Entry) -> Markup:
        """The entry's permalink, named for screen readers (many 'Permalink's on one page)."""
        return Markup(
            f'<p class="entry-links"><a class="permalink" href="{html_text(self._url(entry.url))}">Permalink'
            f'<span class="visually-hidden">: {html_text(entry.title)}</span></a></p>\n'
        )

    def entry_block(self, entry: Entry) -> Markup:
        """One entry as the live blog showed it: time, headline, body, topics, permalink."""
        if entry.kind == "lead":
            head = '<h2 class="visually-hidden">Summary</h2>\n'
        else:
            meta = ""
            if entry.time or entry.latest:
                latest = f" {LATEST_MARKER}" if entry.latest else ""
                meta = f'<p class="entry-meta">{self.time_of(entry)}{latest}</p>'
            href = html_text(self._url(entry.url))
            head = f'{meta}<h2 class="entry-title"><a href="{href}">{html_text(entry.title)}</a></h2>\n'
        classes = (" lead" if entry.kind == "lead" else "") + (" is-latest" if entry.latest else "")
        return Markup(
            f'<article class="entry{classes}" id="{html_text(entry.slug)}">\n{head}'
            f'<div class="entry-body">\n{self._entry_html(entry)}\n</div>\n'
            f'<footer class="entry-foot">\n{self.chips(entry)}\n{self.permalink(entry)}\n</footer>\n</article>\n'
        )

    def _headline(self, entry: Entry, href: str) -> str:
        time = f'<span class="time">{self.time_of(entry)}</span> ' if entry.time else ""
        latest = f" {LATEST_MARKER}" if entry.latest else ""
        return f'<li>{time}<a href="{href}">{html_text(entry.title)}</a>{latest}</li>\n'

    def headlines(self, day: Any) -> Markup:
        """A day's headlines, each linking to its anchor on the day page."""
        day_url = html_text(self._url(day.url))
        items = "".join(self._headline(entry, f"{day_url}#{html_text(entry.slug)}") for entry in day.entries)
        return Markup(f'<ul class="headlines">\n{items}</ul>\n')

    def key_events(self, entries: Iterable[Entry]) -> Markup:
        """A day page's list of its entries, each linking to its anchor on the page."""
        items = []
        for entry in entries:
            time = f'<span class="time">{self.time_of(entry)}</span> ' if entry.time else ""
            latest = f" {LATEST_MARKER}" if entry.latest else ""
            title = html_text(entry.title)
            items.append(
                f'<li><a href="#{html_text(entry.slug)}">{time}<span class="ke-title">{title}</span></a>{latest}</li>\n'
            )
        return Markup(f"<ol>\n{''.join(items)}</ol>\n")

    def entry_headlines(self, entries: Iterable[Entry]) -> Markup:
        """Headlines of ``entries`` (a topic's, on one day), each linking to the entry's own page."""
        items = "".join(self._headline(entry, html_text(self._url(entry.url))) for entry in entries)
        return Markup(f'<ul class="headlines">\n{items}</ul>\n')

    def by_day(self, entries: Iterable[Entry]) -> list[tuple[date, list[Entry]]]:
        """``entries`` by date, the newest day first, each day's entries latest first.

        The order of ``groupby("date") | reverse`` and then ``sort(attribute="seq",
        reverse=true)`` in a template (both sorts stable), without the filters' cost.
        """
        ordered = sorted(entries, key=attrgetter("date"))
        days = [
            (day, sorted(group, key=attrgetter("seq"), reverse=True))
            for day, group in groupby(ordered, attrgetter("date"))
        ]
        days.reverse()
        return days

    def article_tags(self, entry: Entry) -> Markup:
        """An ``article:tag`` meta element per entry tag that names a topic (by the topic's name)."""
        tags = (self._topics.get(tag) for tag in entry.tags)
        return Markup(
            "".join(f'<meta property="article:tag" content="{html_text(topic.name)}">\n' for topic in tags if topic)
        )

    def pager(
        self,
        prev: Any,
        next: Any,
        prev_label: Any,
        next_label: Any,
        label: Any = "Neighbours",
        prev_kind: Any = "",
        next_kind: Any = "",
    ) -> Markup:
        """Links to the previous and next page of a series (an empty ``<span>`` holds a missing side's place)."""
        parts = [f'<nav class="pager" aria-label="{html_text(label)}">\n']
        if prev:
            parts.append(
                f'<a class="pager-prev" rel="prev" href="{html_text(self._url(prev.url))}"><span class="pager-kind">'
                f"← {html_text(prev_kind or 'Previous')}</span> {html_text(prev_label)}</a>"
            )
        else:
            parts.append("<span></span>")
        if next:
            parts.append(
                f'<a class="pager-next" rel="next" href="{html_text(self._url(next.url))}"><span class="pager-kind">'
                f"{html_text(next_kind or 'Next')} →</span> {html_text(next_label)}</a>"
            )
        else:
            parts.append("<span></span>")
        parts.append("</nav>\n")
        return Markup("".join(parts))

    def _link(self, label: Any, href: str) -> str:
        return f'<li><a href="{html_text(self._url(href))}">{html_text(label)}</a></li>'

    def _crumbs(self, links: str, current: list[tuple[Any, str]]) -> str:
        """The trail: Home, then ``links``, then the last of ``current`` (the page itself) unlinked."""
        here = f'<li aria-current="page">{html_text(current[-1][0])}</li>' if current else ""
        return (
            f'<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>\n<li><a href="{self._home}">Home</a></li>\n'
            f"{links}{here}</ol></nav>\n"
        )

    def breadcrumbs(self, items: Iterable[tuple[Any, str]]) -> Markup:
        """Home › … › the current page: ``(label, url)`` pairs, the last one is the page itself."""
        pairs = list(items)
        return Markup(self._crumbs("".join(self._link(label, href) for label, href in pairs[:-1]), pairs))

    def date_crumbs(self, day: date, extra: Iterable[tuple[Any, str]] = ()) -> Markup:
        """Breadcrumbs through the day's year, month and day, then ``extra`` (an entry on its page).

        Ends in the blank line that the macro's own line break used to add after the ``<nav>``.
        """
        trail = self._trails.get(day)
        if trail is None:
            trail = self._trails[day] = (
                self._link(day.year, f"{day:%Y/}") + self._link(f"{day:%B}", f"{day:%Y/%m/}"),
                self._link(day.day, f"{day:%Y/%m/%d/}"),
            )
        pairs = list(extra)
        if not pairs:
            return Markup(self._crumbs(trail[0], [(day.day, "")]) + "\n")
        links = trail[0] + trail[1] + "".join(self._link(label, href) for label, href in pairs[:-1])
        return Markup(self._crumbs(links, pairs) + "\n")

"""Plan stage: the archive → the list of pages to produce, each with explicit dependencies.

A ``Page`` says where it goes, how it is produced and what it shows. Its
``deps`` string names every input that can change its bytes (entry digests,
neighbours), so the incremental build re-renders a page exactly when one of
those changed; site-wide inputs (templates, site.toml, topics) are folded in
by the caller.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any, TypeVar

from sitegen.config import SiteConfig
from sitegen.index import Archive, Day
from sitegen.model import Entry, Topic

#: How a page is produced: a Jinja template, or a feed made with feedgen.
KINDS = ("html", "rss", "atom")
#: Pages that exist but are not content: kept out of the sitemap.
UNLISTED = ("redirect.html", "404.html", "search.html")


@dataclass(frozen=True)
class Page:
    """One output file and how to make it."""

    #: Output path relative to the output folder, e.g. "2014/01/08/index.html".
    path: str
    kind: str
    #: Template name for html pages; feed flavour for feeds ("" for site-wide).
    template: str
    #: Shared references into the frozen archive; never copied per page.
    context: Mapping[str, Any]
    #: Everything page-specific its bytes depend on.
    deps: str

    def key(self, site_fingerprint: str) -> str:
        material = f"{site_fingerprint}\0{self.path}\0{self.kind}\0{self.template}\0{self.deps}"
        return hashlib.sha256(material.encode()).hexdigest()[:32]


_DIGEST = attrgetter("digest")
_DATE = attrgetter("date")


@dataclass(frozen=True)
class PageGroup:
    """Pages planned together because they share their inputs (a day page and its entries' permalinks).

    A group whose key is as the last build recorded it keeps its pages' records
    without being planned page by page: in a 50k-entry archive, making and
    keying every page again was most of what a one-entry edit cost.
    """

    #: Stable across builds: "day:2014/01/08/", or a site-wide page's output path.
    name: str
    #: Every input of every page in the group: equal deps imply equal pages.
    deps: str
    #: The group's pages, made only when the group changed (or its outputs did).
    expand: Callable[[], list[Page]]

    def key(self, site_fingerprint: str) -> str:
        return hashlib.sha256(f"{site_fingerprint}\0{self.name}\0{self.deps}".encode()).hexdigest()[:32]

    @classmethod
    def single(cls, page: Page) -> PageGroup:
        """A group of one page (a site-wide page, a topic page): its key covers what the page's does."""
        return cls(page.path, f"{page.kind}\0{page.template}\0{page.deps}", lambda: [page])


@dataclass(frozen=True)
class Plan:
    """What the build produces: every page, in groups."""

    groups: list[PageGroup]
    #: Output paths of the entry permalink pages, for the search index, without expanding any group.
    entry_paths: list[str]
    #: False for a plan of only some groups (``plan_pages``'s ``only``): the others stand as last built.
    complete: bool = True


def _digests(entries: Iterable[Entry]) -> str:
    return ",".join(map(_DIGEST, entries))  # whole digests: slicing 400k of them costs more


def _activity(day_urls: tuple[str, ...]) -> str:
    """What a topic's charts and counts show: how many of its entries fall in which month.

    Hashed by day (the joining is cheaper than cutting 100k days down to months), so an
    entry moved to another day of the same month re-renders a little more than it must.
    """
    return hashlib.sha256("|".join(day_urls).encode()).hexdigest()


def _day_all(day: Day) -> tuple[Entry, ...]:
    """Leads and entries of a day: everything a day summary can show."""
    return (*(section.lead for section in day.sections if section.lead), *day.entries)


def _day_deps(day: Day | None) -> str:
    return f"{day.date}" if day else "-"


T = TypeVar("T")


def _pages_of(items: tuple[T, ...], size: int) -> list[tuple[T, ...]]:
    return [items[start : start + size] for start in range(0, len(items), size)] or [()]


def _topic_pages(
    archive: Archive, config: SiteConfig, topic: Topic, activity: str, wanted: Callable[[str], bool]
) -> Iterator[Page]:
    """A topic's pages and feed; ``activity`` because every page of a topic may chart the whole topic."""
    entries, digests = archive.topic_entries[topic.slug], archive.topic_digests[topic.slug]
    chunks = _pages_of(entries, config.page_size)
    digest_chunks = _pages_of(digests, config.page_size)
    for number, (chunk, chunk_digests) in enumerate(zip(chunks, digest_chunks, strict=True), start=1):
        base = f"topics/{topic.slug}/"
        path = base if number == 1 else f"{base}page/{number}/"
        if not wanted(f"{path}index.html"):
            continue
        context = {
            "topic": topic,
            "entries": chunk,
            "page_number": number,
            "page_count": len(chunks),
            "total": len(entries),
            "page_url": path,
        }
        deps = f"{number}/{len(chunks)}|{activity}|{','.join(chunk_digests)}"
        yield Page(f"{path}index.html", "html", "topic.html", context, deps)
    if not wanted(f"topics/{topic.slug}/feed.xml"):
        return
    feed_items = entries[: config.feed_length]
    yield Page(
        f"topics/{topic.slug}/feed.xml",
        "rss",
        "topic",
        {"topic": topic, "entries": feed_items, "page_url": f"topics/{topic.slug}/feed.xml"},
        ",".join(digests[: config.feed_length]),
    )


def _in_page_order(day: Day) -> Iterator[Entry]:
    """A day's leads and entries in the order their permalink pages are planned (section by section)."""
    for section in day.sections:
        if section.lead:
            yield section.lead
        yield from section.entries


def _alias_url(alias: str) -> str:
    return alias.strip("/") + "/"


def _listed(pages: Iterable[Page]) -> Iterator[Page]:
    """The pages the sitemap lists: HTML content pages, not redirects, search or 404."""
    return (page for page in pages if page.kind == "html" and page.template not in UNLISTED)


def _day_group(archive: Archive, day_index: int, start: int) -> PageGroup:
    """A day page with its entries' permalinks and redirects: they change together.

    ``start`` is where the day's entries begin in ``archive.entries``. The group's
    deps hold every input of every page in it: all the day's digests, the
    neighbouring days, and the entries just before and after the day (the first
    and last permalinks link to them).
    """
    day = archive.days[day_index]
    prev_day = archive.days[day_index - 1] if day_index else None
    next_day = archive.days[day_index + 1] if day_index + 1 < len(archive.days) else None
    leads = [section.lead for section in day.sections if section.lead]
    lead = leads[0].digest if leads else "-"
    end = start + len(leads) + len(day.entries)
    before_day = archive.entries[start - 1].digest if start else "-"
    after_day = archive.entries[end].digest if end < len(archive.entries) else "-"
    day_deps = f"{_digests(leads)}|{_digests(day.entries)}|{_day_deps(prev_day)}|{_day_deps(next_day)}"

    def expand() -> list[Page]:
        context: dict[str, Any] = {"day": day, "prev": prev_day, "next": next_day, "page_url": day.url}
        pages = [Page(f"{day.url}index.html", "html", "day.html", context, day_deps)]
        index = {entry.url: start + offset for offset, entry in enumerate(archive.entries[start:end])}
        for entry in _in_page_order(day):
            before, after = archive.entry_neighbours(index[entry.url])
            context = {"entry": entry, "day": day, "prev": before, "next": after, "page_url": entry.url}
            deps = f"{entry.digest}|{before.digest if before else '-'}|{after.digest if after else '-'}|{lead}"
            pages.append(Page(f"{entry.url}index.html", "html", "entry.html", context, deps))
            for alias in entry.aliases:
                target = _alias_url(alias)
                context = {"entry": entry, "page_url": target}
                pages.append(Page(f"{target}index.html", "html", "redirect.html", context, entry.digest))
        return pages

    return PageGroup(f"day:{day.url}", f"{day_deps}|{before_day}|{after_day}", expand)


def home_page(archive: Archive, config: SiteConfig) -> Page:
    """The home page: the last ``home_days`` days, newest first, and the heatmap of every day."""
    home_days = tuple(reversed(archive.days[-config.home_days :]))
    # What the heatmaps and the sitemap show: which days and URLs exist, not what entries say.
    shape = hashlib.sha256("|".join(f"{day.url}{len(day.entries)}" for day in archive.days).encode()).hexdigest()
    deps = f"{_digests(entry for day in home_days for entry in _day_all(day))}|{shape}"
    return Page("index.html", "html", "home.html", {"days": home_days, "page_url": ""}, deps)


def _month_page(archive: Archive, index: int) -> Page:
    month = archive.months[index]
    prev_month = archive.months[index - 1] if index else None
    next_month = archive.months[index + 1] if index + 1 < len(archive.months) else None
    deps = "|".join(_digests(_day_all(day)) for day in month.days)
    deps += f"|{prev_month.url if prev_month else '-'}|{next_month.url if next_month else '-'}"
    context = {"month": month, "prev": prev_month, "next": next_month, "page_url": month.url}
    return Page(f"{month.url}index.html", "html", "month.html", context, deps)


def month_page(archive: Archive, day: date) -> Page | None:
    """The page of the month ``day`` falls in, as ``plan_pages`` plans it (None: no such month)."""
    months = [(month.year, month.month) for month in archive.months]
    index = bisect_left(months, (day.year, day.month))
    return _month_page(archive, index) if index < len(months) and months[index] == (day.year, day.month) else None


def day_pages(archive: Archive, day: date) -> list[Page]:
    """The pages of one day's group (the day page, its permalinks and redirects), as ``plan_pages`` plans
    them, without planning the rest of the site: what the dev server renders first after an edit.
    """
    dates = [item.date for item in archive.days]
    index = bisect_left(dates, day)
    if index == len(dates) or dates[index] != day:
        return []
    return _day_group(archive, index, bisect_left(archive.entries, day, key=_DATE)).expand()


#: A whole sha256 hex digest: how deps name entries (``_digests``).
_DIGEST_RE = re.compile(r"[0-9a-f]{64}")


def dependents(groups: Iterable[PageGroup], archive: Archive) -> dict[str, tuple[str, ...]]:
    """Each published entry's path → the names of the groups whose deps name its digest.

    These are the groups an edit that moves nothing changes (``sitegen.inplace``): read off the
    deps themselves, so they cannot miss an input a planner added. A first build of 50k entries
    finds 350k such names, so the digests are matched as sets (in C), not one by one.
    """
    fed: dict[str, list[str]] = {entry.digest: [] for entry in archive.entries}
    digests = fed.keys()
    for group in groups:
        name = group.name
        for digest in digests & set(_DIGEST_RE.findall(group.deps)):
            fed[digest].append(name)
    return {entry.path: tuple(fed[entry.digest]) for entry in archive.entries}


def plan_pages(archive: Archive, config: SiteConfig, only: Collection[str] | None = None) -> Plan:
    """Every page of the site, in a fixed order (the contract's URL table), grouped by shared inputs.

    ``only``: just the groups of these names (and every entry page's path), for an edit that moved
    nothing (``sitegen.inplace``). No entry's digest is in the deps of the sitemap, the redirects (they
    list every page) or robots.txt, so they are never among them.
    """
    groups: list[PageGroup] = []
    pages: list[Page] = []  # site-wide pages, each its own group
    wanted: Callable[[str], bool] = (lambda name: True) if only is None else only.__contains__
    listed: list[str] = []  # what the sitemap lists, in plan order

    def flush() -> None:
        listed.extend(page.context["page_url"] for page in _listed(pages))
        groups.extend(PageGroup.single(page) for page in pages)
        pages.clear()

    if wanted("index.html"):
        pages.append(home_page(archive, config))
    for year_index, year in enumerate(archive.years):
        if not wanted(f"{year.url}index.html"):
            continue
        neighbours = (
            archive.years[year_index - 1] if year_index else None,
            archive.years[year_index + 1] if year_index + 1 < len(archive.years) else None,
        )
        deps = (
            "|".join(f"{day.url}{len(day.entries)}" for day in year.days)
            + f"|{[n.year if n else 0 for n in neighbours]}"
        )
        pages.append(
            Page(
                f"{year.url}index.html",
                "html",
                "year.html",
                {"year": year, "prev": neighbours[0], "next": neighbours[1], "page_url": year.url},
                deps,
            )
        )
    pages.extend(
        _month_page(archive, index) for index, month in enumerate(archive.months) if wanted(f"{month.url}index.html")
    )
    flush()
    redirects: list[tuple[str, str]] = []
    entry_paths: list[str] = []
    start = 0  # where each day's entries begin in archive.entries (oldest first, so days are runs)
    for day_index, day in enumerate(archive.days):
        if wanted(f"day:{day.url}"):
            groups.append(_day_group(archive, day_index, start))
        in_order = list(_in_page_order(day))
        if only is None:
            listed += [day.url, *(entry.url for entry in in_order)]
            redirects += [(_alias_url(alias), entry.url) for entry in in_order for alias in entry.aliases]
        entry_paths += [f"{entry.url}index.html" for entry in in_order]
        start += len(in_order)
    # The topic index shows each topic's count and monthly activity, not its entries.
    activity = {
        slug: _activity(archive.topic_days[slug])
        for slug in archive.topics_by_slug
        if only is None or any(name.startswith(f"topics/{slug}/") for name in only)
    }
    if wanted("topics/index.html"):
        counts = "|".join(f"{slug}:{activity[slug]}" for slug in archive.topics_by_slug)
        pages.append(Page("topics/index.html", "html", "topics.html", {"page_url": "topics/"}, counts))
    for topic in archive.topics:
        if topic.slug in activity:
            pages.extend(_topic_pages(archive, config, topic, activity[topic.slug], wanted))
    latest = tuple(reversed(archive.entries[-config.feed_length :]))
    for feed, kind in (("feed.xml", "rss"), ("atom.xml", "atom")):
        if wanted(feed):
            pages.append(Page(feed, kind, "", {"entries": latest, "page_url": feed}, _digests(latest)))
    for path, template, url in (("search/index.html", "search.html", "search/"), ("404.html", "404.html", "404.html")):
        if wanted(path):
            pages.append(Page(path, "html", template, {"page_url": url}, ""))
    flush()
    if only is not None:
        return Plan(groups, entry_paths, complete=False)
    urls = tuple(listed)
    urls_digest = hashlib.sha256("|".join(urls).encode()).hexdigest()
    pages.append(Page("sitemap.xml", "html", "sitemap.xml", {"urls": urls, "page_url": "sitemap.xml"}, urls_digest))
    pages.append(Page("robots.txt", "html", "robots.txt", {"page_url": "robots.txt"}, ""))
    moved = tuple(redirects)
    pages.append(Page("_redirects", "html", "_redirects", {"redirects": moved, "page_url": "_redirects"}, repr(moved)))
    flush()
    return Plan(groups, entry_paths)

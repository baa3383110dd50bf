"""Index stage: frozen ``Content`` → a frozen ``Archive`` of days, months, years and topics.

Everything the templates navigate by (neighbours, groupings, counts) is worked
out here once, so rendering is a pure function of the archive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from itertools import groupby
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import Any

from sitegen.model import Content, Entry, Topic


@dataclass(frozen=True)
class Section:
    """One dump's share of a day: its lead, then its entries newest first."""

    dump: str
    lead: Entry | None
    #: Newest first, as the live blog read.
    entries: tuple[Entry, ...]

    @property
    def title(self) -> str:
        return self.lead.title if self.lead else ""


@dataclass(frozen=True)
class Day:
    date: date
    sections: tuple[Section, ...]

    @cached_property
    def url(self) -> str:
        return f"{self.date.year:04d}/{self.date.month:02d}/{self.date.day:02d}/"

    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry that is not a lead, newest first across sections."""
        return tuple(entry for section in self.sections for entry in section.entries)

    @property
    def title(self) -> str:
        titles = [section.title for section in self.sections if section.title]
        return titles[0] if titles else f"{self.date:%A %-d %B %Y}"


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    days: tuple[Day, ...]

    @cached_property
    def url(self) -> str:
        return f"{self.year:04d}/{self.month:02d}/"

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)


@dataclass(frozen=True)
class Year:
    year: int
    months: tuple[Month, ...]

    @property
    def url(self) -> str:
        return f"{self.year:04d}/"

    @cached_property
    def days(self) -> tuple[Day, ...]:
        return tuple(day for month in self.months for day in month.days)


@dataclass(frozen=True)
class Archive:
    """The whole site, indexed; shared read-only by every page (no per-page copies)."""

    #: Published entries (drafts left out), oldest first: date, then dump, then seq.
    entries: tuple[Entry, ...]
    days: tuple[Day, ...]
    months: tuple[Month, ...]
    years: tuple[Year, ...]
    topics: tuple[Topic, ...]
    topics_by_slug: Mapping[str, Topic]
    #: Topic slug → its entries, newest first.
    topic_entries: Mapping[str, tuple[Entry, ...]]
    #: Topic slug → the digests and the day URLs of ``topic_entries``, in the same order. Gathered while
    #: tagging, when each entry is at hand, they let the planner key 200k topic memberships with joins
    #: rather than an attribute read per membership (most of what planning a 50k archive cost).
    topic_digests: Mapping[str, tuple[str, ...]]
    topic_days: Mapping[str, tuple[str, ...]]
    #: Entries whose tags name no topic, for the warning with file and line.
    unknown_tags: tuple[tuple[Entry, str], ...]

    def entry_neighbours(self, index: int) -> tuple[Entry | None, Entry | None]:
        """The chronologically previous and next published entries."""
        before = self.entries[index - 1] if index > 0 else None
        after = self.entries[index + 1] if index + 1 < len(self.entries) else None
        return before, after


#: What places an entry in the archive (its day, section, order, topics, URLs and whether it shows):
#: an edit that keeps these (a body, a title, a time, a summary) leaves the archive's shape alone.
place: Callable[[Entry], tuple[Any, ...]] = attrgetter(
    "path", "date", "dump", "seq", "kind", "slug", "tags", "draft", "aliases"
)
_PATH, _DATE, _DUMP, _SEQ, _KIND, _SLUG, _TAGS, _DRAFT = range(8)
#: Total, deterministic order without inventing times: date, dump, seq, slug (in C: 50k entries per rebuild).
_CHRONOLOGICAL = itemgetter(_DATE, _DUMP, _SEQ, _SLUG)


@dataclass(frozen=True)
class Shape:
    """Where every entry sits in the archive, by path and position: all that indexing works out.

    Made from the entries' places alone (``place``), never their text, so an edit that keeps every
    place keeps the shape: the next build takes it as the last one left it (``sitegen.inplace``).
    Plain tuples, strings and numbers, as the cache stores it.
    """

    #: Published entries' paths, oldest first: date, then dump, then seq (then slug).
    order: tuple[str, ...]
    #: Drafts' paths: entry files that are not in the archive.
    drafts: tuple[str, ...]
    #: Each day: its date's ordinal and its sections, each (dump, the lead's position in ``order`` or
    #: -1, the entries' positions newest first).
    days: tuple[tuple[int, tuple[tuple[str, int, tuple[int, ...]], ...]], ...]
    #: Each topic's slug and its entries' positions, newest first, in topics.toml order.
    topics: tuple[tuple[str, tuple[int, ...]], ...]
    #: (position, tag) for each tag no topic defines, by path, then tag.
    unknown: tuple[tuple[int, str], ...]
    #: Each published entry's slug, in ``order``: with its day, its URL.
    slugs: tuple[str, ...]
    #: The positions of leads: every other published entry is of kind "entry".
    leads: tuple[int, ...]


def _sections(places: list[tuple[Any, ...]], positions: Iterable[int]) -> tuple[tuple[str, int, tuple[int, ...]], ...]:
    """One day's sections: per dump, its lead, then its entries newest first."""
    sections = []
    for dump, group in groupby(positions, key=lambda at: places[at][_DUMP]):
        items = list(group)
        leads = [at for at in items if places[at][_KIND] == "lead"]
        rest = [at for at in items if places[at][_KIND] != "lead"]
        # A second lead in one dump is shown after the entries rather than dropped.
        sections.append((dump, leads[0] if leads else -1, (*reversed(rest), *reversed(leads[1:]))))
    return tuple(sections)


def shape_of(entries: Iterable[Entry], topic_slugs: Iterable[str]) -> Shape:
    """Sort published entries, group them into days and sections, and file them under topics."""
    places = list(map(place, entries))
    published = sorted((item for item in places if not item[_DRAFT]), key=_CHRONOLOGICAL)
    days = tuple(
        (day.toordinal(), _sections(published, group))
        for day, group in groupby(range(len(published)), key=lambda at: published[at][_DATE])
    )
    tagged: dict[str, list[int]] = {slug: [] for slug in topic_slugs}
    unknown: list[tuple[int, str]] = []
    for at in range(len(published) - 1, -1, -1):
        for tag in dict.fromkeys(published[at][_TAGS]):
            members = tagged.get(tag)
            if members is not None:
                members.append(at)
            else:
                unknown.append((at, tag))
    unknown.sort(key=lambda item: (published[item[0]][_PATH], item[1]))
    return Shape(
        order=tuple(item[_PATH] for item in published),
        drafts=tuple(item[_PATH] for item in places if item[_DRAFT]),
        days=days,
        topics=tuple((slug, tuple(members)) for slug, members in tagged.items()),
        unknown=tuple(unknown),
        slugs=tuple(item[_SLUG] for item in published),
        leads=tuple(at for at, item in enumerate(published) if item[_KIND] == "lead"),
    )


def archive_of(shape: Shape, entries: Mapping[str, Entry], topics: tuple[Topic, ...]) -> Archive:
    """The archive of ``shape`` with the entries by path put in; raises KeyError or IndexError when
    they do not fit it (a shape from a damaged cache)."""
    ordered = tuple(map(entries.__getitem__, shape.order))
    at = ordered.__getitem__
    days = tuple(
        Day(
            date=date.fromordinal(ordinal),
            sections=tuple(
                Section(dump=dump, lead=at(lead) if lead >= 0 else None, entries=tuple(map(at, items)))
                for dump, lead, items in sections
            ),
        )
        for ordinal, sections in shape.days
    )
    months = tuple(
        Month(year=year, month=month, days=tuple(group))
        for (year, month), group in groupby(days, key=lambda day: (day.date.year, day.date.month))
    )
    years = tuple(Year(year=year, months=tuple(group)) for year, group in groupby(months, key=lambda m: m.year))
    topic_entries = {slug: tuple(map(at, members)) for slug, members in shape.topics}
    return Archive(
        entries=ordered,
        days=days,
        months=months,
        years=years,
        topics=topics,
        topics_by_slug=MappingProxyType({topic.slug: topic for topic in topics}),
        topic_entries=MappingProxyType(topic_entries),
        topic_digests=MappingProxyType({slug: tuple(map(_DIGEST, items)) for slug, items in topic_entries.items()}),
        topic_days=MappingProxyType({slug: tuple(map(_DAY_URL, items)) for slug, items in topic_entries.items()}),
        unknown_tags=tuple((at(position), tag) for position, tag in shape.unknown),
    )


_DIGEST = attrgetter("digest")
_DAY_URL = attrgetter("day_url")


def topic_slugs(topics: Iterable[Topic]) -> list[str]:
    """Each topic's slug once, in topics.toml order."""
    return list(dict.fromkeys(topic.slug for topic in topics))


def build_index(content: Content) -> Archive:
    """Group published entries into days, months, years and topics."""
    shape = shape_of(content.entries, topic_slugs(content.topics))
    return archive_of(shape, {entry.path: entry for entry in content.entries}, content.topics)


def patch_entries(archive: Archive, edited: Mapping[str, Entry]) -> Archive | None:
    """The archive with edited entries (by path) swapped in, equal to indexing the edited content afresh;
    None when an edit moves anything (see ``place``), or is not in the archive (a new file, a draft).

    For the dev server's first look at an edit: it touches the edited days, months, years and topics
    and copies only pointers elsewhere, where ``build_index`` sorts and groups everything again.
    """
    olds = {entry.path: entry for entry in archive.entries if entry.path in edited}
    if len(olds) != len(edited) or any(place(olds[path]) != place(new) for path, new in edited.items()):
        return None
    swap = {id(olds[path]): new for path, new in edited.items()}

    def sub(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
        return tuple(swap.get(id(entry), entry) for entry in entries)

    dates = {entry.date for entry in olds.values()}
    days = {
        id(day): Day(
            day.date,
            tuple(
                Section(
                    section.dump,
                    swap.get(id(section.lead), section.lead),
                    sub(section.entries),
                )
                for section in day.sections
            ),
        )
        for day in archive.days
        if day.date in dates
    }
    months = {
        id(month): Month(month.year, month.month, tuple(days.get(id(day), day) for day in month.days))
        for month in archive.months
        if any(id(day) in days for day in month.days)
    }
    years = {
        id(year): Year(year.year, tuple(months.get(id(month), month) for month in year.months))
        for year in archive.years
        if any(id(month) in months for month in year.months)
    }
    tags = {tag for entry in olds.values() for tag in entry.tags}
    # ``topic_days`` stands as it is: an edit that keeps every ``place`` keeps every entry on its day.
    topic_entries = {slug: sub(items) if slug in tags else items for slug, items in archive.topic_entries.items()}
    return replace(
        archive,
        entries=sub(archive.entries),
        days=tuple(days.get(id(day), day) for day in archive.days),
        months=tuple(months.get(id(month), month) for month in archive.months),
        years=tuple(years.get(id(year), year) for year in archive.years),
        topic_entries=MappingProxyType(topic_entries),
        topic_digests=MappingProxyType(
            {
                slug: tuple(entry.digest for entry in topic_entries[slug]) if slug in tags else digests
                for slug, digests in archive.topic_digests.items()
            }
        ),
        unknown_tags=tuple((swap.get(id(entry), entry), tag) for entry, tag in archive.unknown_tags),
    )

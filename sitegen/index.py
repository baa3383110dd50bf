"""Index stage: frozen ``Content`` → a frozen ``Archive`` of days, months, years and topics.

Everything the templates navigate by (neighbours, groupings, counts) is worked
out here once, so rendering is a pure function of the archive.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from itertools import groupby
from operator import attrgetter
from types import MappingProxyType

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


#: Total, deterministic order without inventing times: date, dump, seq, slug (in C: 50k entries per rebuild).
chronological_key: Callable[[Entry], tuple[date, str, int, str]] = attrgetter("date", "dump", "seq", "slug")


def _day(day: date, entries: list[Entry]) -> Day:
    sections = []
    for dump, group in groupby(entries, key=attrgetter("dump")):
        items = list(group)
        leads = [entry for entry in items if entry.kind == "lead"]
        rest = [entry for entry in items if entry.kind != "lead"]
        # A second lead in one dump is shown after the entries rather than dropped.
        extra = tuple(reversed(leads[1:]))
        sections.append(Section(dump=dump, lead=leads[0] if leads else None, entries=(*reversed(rest), *extra)))
    return Day(date=day, sections=tuple(sections))


def build_index(content: Content) -> Archive:
    """Group published entries into days, months, years and topics."""
    entries = tuple(sorted((entry for entry in content.entries if not entry.draft), key=chronological_key))
    days = tuple(_day(day, list(group)) for day, group in groupby(entries, key=attrgetter("date")))
    months = tuple(
        Month(year=year, month=month, days=tuple(group))
        for (year, month), group in groupby(days, key=lambda day: (day.date.year, day.date.month))
    )
    years = tuple(Year(year=year, months=tuple(group)) for year, group in groupby(months, key=lambda m: m.year))
    topics_by_slug = {topic.slug: topic for topic in content.topics}
    tagged: dict[str, list[Entry]] = defaultdict(list)
    digests: dict[str, list[str]] = defaultdict(list)
    day_urls: dict[str, list[str]] = defaultdict(list)
    unknown: list[tuple[Entry, str]] = []
    for entry in reversed(entries):
        digest, day_url = entry.digest, entry.day_url
        for tag in dict.fromkeys(entry.tags):
            if tag in topics_by_slug:
                tagged[tag].append(entry)
                digests[tag].append(digest)
                day_urls[tag].append(day_url)
            else:
                unknown.append((entry, tag))
    return Archive(
        entries=entries,
        days=days,
        months=months,
        years=years,
        topics=content.topics,
        topics_by_slug=MappingProxyType(topics_by_slug),
        topic_entries=MappingProxyType({slug: tuple(tagged.get(slug, ())) for slug in topics_by_slug}),
        topic_digests=MappingProxyType({slug: tuple(digests.get(slug, ())) for slug in topics_by_slug}),
        topic_days=MappingProxyType({slug: tuple(day_urls.get(slug, ())) for slug in topics_by_slug}),
        unknown_tags=tuple(sorted(unknown, key=lambda item: (str(item[0].path), item[1]))),
    )


#: What places an entry in the archive (its day, section, order, topics, URLs and whether it shows):
#: an edit that keeps these (a body, a title, a time, a summary) leaves the archive's shape alone.
_PLACE = attrgetter("path", "date", "dump", "seq", "kind", "slug", "tags", "draft", "aliases")


def patch_entries(archive: Archive, edited: Mapping[str, Entry]) -> Archive | None:
    """The archive with edited entries (by path) swapped in, equal to indexing the edited content afresh;
    None when an edit moves anything (see ``_PLACE``), or is not in the archive (a new file, a draft).

    For the dev server's first look at an edit: it touches the edited days, months, years and topics
    and copies only pointers elsewhere, where ``build_index`` sorts and groups everything again.
    """
    olds = {entry.path: entry for entry in archive.entries if entry.path in edited}
    if len(olds) != len(edited) or any(_PLACE(olds[path]) != _PLACE(new) for path, new in edited.items()):
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
    # ``topic_days`` stands as it is: an edit that passes ``_PLACE`` keeps every entry on its day.
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

"""The frozen data every stage passes along.

Load produces these; index and render only read them. Nothing here does I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

#: What a slug, tag or topic key may look like: it becomes a URL path segment
#: and a file name, so nothing else (no dots, slashes or NULs) is allowed.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80

KINDS = ("entry", "lead")
TOPIC_KINDS = ("group", "place", "person", "theme", "media")


@dataclass(frozen=True)
class Entry:
    """One entry file under content/entries: the unit an editor edits."""

    #: Path relative to content/entries, POSIX style ("2014/01/08/03-slug.md"); used in messages.
    #: A plain string: 50k PurePosixPath objects cost a noticeable share of every rebuild.
    path: str
    title: str
    date: date
    #: "HH:MM" when the dump stated a time; None otherwise, never invented.
    time: str | None
    #: Chronological position in the day: 0 is the lead, 1 the earliest entry.
    seq: int
    kind: str
    slug: str
    tags: tuple[str, ...]
    #: The dump's LATEST line named this entry.
    latest: bool
    #: "dump.txt:LINE" where the entry started; groups a day's entries by dump.
    source: str | None
    draft: bool
    #: Old URLs (relative, e.g. "2014/01/08/old-slug/") that redirect here.
    aliases: tuple[str, ...]
    summary: str | None
    #: Markdown body (never trusted as HTML).
    body: str
    #: Line in the file where the body starts, so body problems can be located.
    body_line: int
    #: sha256 of the file bytes: the incremental build's key for this entry.
    digest: str

    @cached_property
    def dump(self) -> str:
        """The dump this entry came from ('' for entries written by hand)."""
        return self.source.rsplit(":", 1)[0] if self.source else ""

    @cached_property
    def url(self) -> str:
        """Site-relative URL of the entry's permalink page (cached: templates ask for it often)."""
        return f"{self.day_url}{self.slug}/"

    @cached_property
    def day_url(self) -> str:
        return f"{self.date.year:04d}/{self.date.month:02d}/{self.date.day:02d}/"


@dataclass(frozen=True)
class Topic:
    """One curated topic from content/topics.toml."""

    slug: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Content:
    """Everything loaded from disk, before any indexing: the build's input."""

    entries: tuple[Entry, ...]
    topics: tuple[Topic, ...]

"""RSS 2.0 and Atom feeds, made with feedgen.

Feeds are deterministic: every date comes from the content (the newest entry
dates the feed), never from the clock. An entry without a stated time is dated
at midnight UTC of its day (the date is known, the time is not), and items
keep the archive's own order so same-day entries stay in sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time

from markupsafe import Markup

from sitegen.config import SiteConfig
from sitegen.model import Entry, Topic

GENERATOR = "sitegen"


def entry_datetime(entry: Entry) -> datetime:
    """The entry's stated time (the blog wrote GMT) or midnight UTC when none was stated."""
    clock = time.fromisoformat(entry.time) if entry.time else time(0, 0)
    return datetime.combine(entry.date, clock, tzinfo=UTC)


def _plain_excerpt(html: str, words: int = 60) -> str:
    parts = Markup(html).striptags().split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def render_feed(
    flavour: str,
    config: SiteConfig,
    entries: Sequence[Entry],
    feed_path: str,
    entry_html: Callable[[Entry], str],
    topic: Topic | None = None,
) -> bytes:
    """RSS (``flavour="rss"``) or Atom bytes for ``entries`` (newest first)."""
    base = config.base_url
    home = base + (f"topics/{topic.slug}/" if topic else "")
    from feedgen.feed import FeedGenerator  # loaded by builds that make a feed, not by every rebuild

    feed = FeedGenerator()
    feed.id(home)
    feed.title(f"{config.title}: {topic.name}" if topic else config.title)
    feed.description(
        topic.description or f"Entries about {topic.name}" if topic else config.description or config.title
    )
    # feedgen takes the last link as RSS's <link>, so the page link goes last.
    feed.link(href=base + feed_path, rel="self")
    feed.link(href=home, rel="alternate")
    feed.language(config.language)
    feed.generator(GENERATOR)
    newest = max((entry_datetime(entry) for entry in entries), default=datetime(1970, 1, 1, tzinfo=UTC))
    feed.updated(newest)
    # feedgen prepends by default; append keeps our newest-first order.
    for entry in entries:
        item = feed.add_entry(order="append")
        link = base + entry.url
        item.id(link)
        item.guid(link, permalink=True)
        item.title(entry.title)
        item.link(href=link)
        html = entry_html(entry)
        item.description(entry.summary or _plain_excerpt(html))
        item.content(html, type=None if flavour == "rss" else "html")
        stamp = entry_datetime(entry)
        item.published(stamp)
        item.updated(stamp)
        for tag in entry.tags:
            item.category(term=tag)
    data: bytes = feed.rss_str(pretty=True) if flavour == "rss" else feed.atom_str(pretty=True)
    return data

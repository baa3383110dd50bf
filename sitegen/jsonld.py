"""schema.org JSON-LD for day pages (``LiveBlogPosting``) and entry pages (``BlogPosting``).

The objects are built and serialised in Python, never assembled in a
template: titles and topic names come from dumps and editors, and a title
such as ``</script><script>…`` must stay a string. ``json_ld`` therefore
escapes ``<``, ``>`` and ``&`` (and the two JavaScript line separators) as
``\\u`` escapes, which JSON parsers read back as the same characters but an
HTML parser can never see as the end of the ``<script>`` element.

Times are written as the dump gave them, without a time zone: the archive
does not know the zone, and sitegen never invents what the source did not say.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup

from sitegen.config import SiteConfig
from sitegen.index import Day
from sitegen.model import Entry

_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

#: The renderer's ``excerpt(entry, words)``: an entry's plain text, cut to ``words`` words.
Text = Callable[[Entry, int], str]
#: How much of each entry a ``liveBlogUpdate`` carries: enough to describe it, while the
#: full text, already on the page, is not sent twice.
UPDATE_WORDS = 25


def json_ld(data: Mapping[str, Any]) -> Markup:
    """``data`` as a complete ``<script type="application/ld+json">`` element, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # str.replace per character present, not str.translate: translate walks a dict per
    # character and cost more than the rest of a day page's JSON-LD. No replacement
    # contains a character that is replaced, so the order does not matter.
    for char, escaped in _ESCAPES.items():
        if char in text:
            text = text.replace(char, escaped)
    return Markup(f'<script type="application/ld+json">{text}</script>')


def published(entry: Entry) -> str:
    """ISO 8601: the date, plus the time when the dump stated one."""
    return f"{entry.date.isoformat()}T{entry.time}:00" if entry.time else entry.date.isoformat()


def _abs(site: SiteConfig, path: str) -> str:
    return site.base_url + path.lstrip("/")


def _publisher(site: SiteConfig) -> dict[str, Any]:
    return {"@type": "Organization", "name": site.title, "url": site.base_url}


def _keywords(entry: Entry, topics: Mapping[str, Any]) -> list[str]:
    return [topics[tag].name for tag in entry.tags if tag in topics]


def coverage(day: Day) -> tuple[str, str]:
    """When the day's coverage started and ended.

    The first entry's stated time, or the start of the day when it has none;
    likewise the last entry's time, or the end of the day. Entries are newest
    first, so the earliest is at the end of the tuple.
    """
    entries = sorted(day.entries, key=lambda entry: entry.seq)
    first = entries[0].time if entries and entries[0].time else "00:00"
    last = entries[-1].time if entries and entries[-1].time else "23:59"
    if last < first:
        last = "23:59"
    return f"{day.date.isoformat()}T{first}:00", f"{day.date.isoformat()}T{last}:{'59' if last == '23:59' else '00'}"


def live_blog_posting(
    day: Day, site: SiteConfig, topics: Mapping[str, Any], text: Text, description: str = ""
) -> dict[str, Any]:
    """The day page as a ``LiveBlogPosting``, with one ``liveBlogUpdate`` per entry (leads are the posting itself).

    ``text(entry, words)`` gives an update's plain-text body, cut to
    ``UPDATE_WORDS`` words.
    """
    start, end = coverage(day)
    url = _abs(site, day.url)
    updates = [
        {
            "@type": "BlogPosting",
            "@id": f"{url}#{entry.slug}",
            "headline": entry.title,
            "url": _abs(site, entry.url),
            "datePublished": published(entry),
            **({"articleBody": body} if (body := text(entry, UPDATE_WORDS)) else {}),
            **({"keywords": keywords} if (keywords := _keywords(entry, topics)) else {}),
        }
        for entry in day.entries
    ]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": url,
        "url": url,
        "headline": day.title,
        "datePublished": day.date.isoformat(),
        "coverageStartTime": start,
        "coverageEndTime": end,
        "inLanguage": site.language,
        "publisher": _publisher(site),
        "isPartOf": {"@type": "WebSite", "name": site.title, "url": site.base_url},
    }
    if description:
        data["description"] = description
    data["liveBlogUpdate"] = updates
    return data


def blog_posting(
    entry: Entry, day: Day, site: SiteConfig, topics: Mapping[str, Any], description: str = ""
) -> dict[str, Any]:
    """One entry page as a ``BlogPosting`` that is part of its day's ``LiveBlogPosting``."""
    url = _abs(site, entry.url)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": entry.title,
        "datePublished": published(entry),
        "inLanguage": site.language,
        "publisher": _publisher(site),
        "isPartOf": {"@type": "LiveBlogPosting", "@id": _abs(site, day.url), "headline": day.title},
    }
    if description:
        data["description"] = description
    keywords = _keywords(entry, topics)
    if keywords:
        data["keywords"] = keywords
    return data


JSONLD_HELPERS: dict[str, Callable[..., Any]] = {
    "json_ld": json_ld,
    "published": published,
    "live_blog_posting": live_blog_posting,
    "blog_posting": blog_posting,
}

"""Segments → entry files (front matter + Markdown), in memory.

Nothing here touches the disk: ``render_dump`` returns the exact bytes each
file would get, so conservation can be checked on what will actually be
written, and a dry run can show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from sitegen.frontmatter import dump_entry
from sitegen.importer import features as f
from sitegen.importer.escape import escape
from sitegen.importer.manifest import DumpSpec
from sitegen.importer.segment import Block, Segment, Segmentation
from sitegen.importer.slugs import slugify, unique_slug
from sitegen.markdown import LOST_MEDIA
from sitegen.tagging import Tagger

FENCE_OPEN = f"::: {LOST_MEDIA}"
FENCE_CLOSE = ":::"
#: Titles made from an untitled entry's first sentence are cut to about this length.
TITLE_CHARS = 80
_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July", "August")
_MONTHS += ("September", "October", "November", "December")


@dataclass(frozen=True)
class Draft:
    """One entry file as import would write it."""

    #: Path under content/entries: YYYY/MM/DD/NN-slug.md.
    rel: PurePosixPath
    text: str
    kind: str
    seq: int
    slug: str
    title: str
    #: The dump line the entry starts at.
    line: int


def excerpt(text: str, limit: int = TITLE_CHARS) -> str:
    """A title from running text: its first sentence, cut at a word near ``limit``."""
    found = f.sentences(text)
    sentence = (found[0] if found else text).strip().rstrip(" .:;,")
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit + 1].rsplit(" ", 1)[0].rstrip(" .:;,—–-")
    return (cut or sentence[:limit]) + "…"


def day_label(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def lead_title(spec: DumpSpec, seg: Segmentation) -> str:
    """The day page's title: dumps.toml's, else the page's own title line, else the date."""
    return spec.title or seg.page_title or f"Live blog, {day_label(spec.date)}"


def entry_title(segment: Segment) -> str:
    """A seed entry's headline; for a GMT entry its stated title or a first-sentence excerpt."""
    if segment.titled_by_line:
        return segment.headline or ""
    first = segment.blocks[0].text if segment.blocks else ""
    texts = [first[len(segment.headline or "") :], *(block.text for block in segment.blocks[1:2])]
    rest = next((cut for text in texts if _has_words(cut := excerpt(text))), "")
    if segment.stated_title:
        if f.word_count(segment.stated_title) >= 2 or not rest:
            return segment.stated_title
        return f"{segment.stated_title}: {rest}"
    return rest or f"Update at {segment.time}"


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _media_headline(segment: Segment) -> str | None:
    if segment.kind == "lead":
        return None
    if segment.titled_by_line:
        return segment.headline
    first = segment.blocks[0].text if segment.blocks else ""
    return first[len(segment.headline or "") :].strip() or segment.stated_title


def body_markdown(blocks: Sequence[Block]) -> str:
    """One Markdown paragraph per dump line; lost-media captions in their container."""
    parts = []
    for block in blocks:
        text = escape(block.text)
        parts.append(f"{FENCE_OPEN}\n{text}\n{FENCE_CLOSE}" if block.caption else text)
    return "\n\n".join(parts)


def render_dump(spec: DumpSpec, seg: Segmentation, tagger: Tagger, taken: set[str]) -> list[Draft]:
    """The files for one dump, lead first, in dump order. ``taken`` collects the day's slugs."""
    drafts: list[Draft] = []
    entries = seg.entries
    count = len(entries)
    position = 0
    folder = PurePosixPath(f"{spec.date:%Y/%m/%d}")
    for segment in seg.segments:
        if segment.kind == "lead":
            title, seq = lead_title(spec, seg), 0
        else:
            title, seq = entry_title(segment), count - position
            position += 1
        slug = unique_slug(slugify(title), taken)
        taken.add(slug)
        text_for_tags = "\n".join([title, *(block.text for block in segment.blocks)])
        meta: dict[str, Any] = {
            "title": title,
            "date": spec.date,
            "time": segment.time,
            "seq": seq,
            "kind": segment.kind,
            "slug": slug,
            "tags": list(tagger.tags(text_for_tags, _media_headline(segment))) or None,
            "latest": True if segment.latest else None,
            "source": f"{spec.name}:{segment.line}",
        }
        text = dump_entry(meta, body_markdown(segment.blocks))
        rel = folder / f"{seq:02d}-{slug}.md"
        drafts.append(Draft(rel, text, segment.kind, seq, slug, title, segment.line))
    return drafts

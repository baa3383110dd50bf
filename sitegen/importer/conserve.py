"""Conservation: every non-blank dump line ends up, in order, in the entries.

The check runs on the file texts import is about to write, read back the way
the build reads them (``read_entry``: ``parse_entry``'s result, without
PyYAML for import's canonical front matter) and unescaped, so a bug anywhere in
segmentation, escaping or front-matter quoting is caught before a byte is
written, with the dump line it would have lost.

Which lines of an entry are dump lines is decided by ``entry_dump_lines``:
a seed-format entry's title *is* its headline line; the lead's title and a
timestamped entry's title are made up (their heading line stays in the body).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from sitegen.canonical import read_entry
from sitegen.errors import SitegenError
from sitegen.importer.escape import unescape
from sitegen.importer.render import FENCE_CLOSE, FENCE_OPEN, Draft
from sitegen.model import Entry


def _normal(text: str) -> str:
    return " ".join(text.split())


def entry_dump_lines(entry: Entry) -> list[str]:
    """The dump text an entry holds, in order: its title if that is a dump line, then its body.

    The title is a dump line exactly for a seed-format entry, which is the
    kind ``entry`` without a ``time`` (timestamped entries always have one,
    and their ``1655 GMT:`` line opens the body).
    """
    lines = [entry.title] if entry.kind == "entry" and entry.time is None else []
    for line in entry.body.split("\n"):
        stripped = line.strip()
        if stripped and stripped not in (FENCE_OPEN, FENCE_CLOSE):
            lines.append(unescape(stripped))
    return lines


def _pieces(entries: Sequence[Entry]) -> Iterator[tuple[str, str]]:
    for entry in entries:
        for text in entry_dump_lines(entry):
            yield _normal(text), entry.path


def check_conservation(
    dump: Path, lines: Sequence[str], drafts: Sequence[Draft], entries_dir: Path
) -> tuple[Entry, ...]:
    """Raise SitegenError naming the first dump line the drafts lose, add or reorder.

    A line may be split across consecutive pieces (a ``1655 GMT:`` stamp glued
    to the previous paragraph starts a new entry mid-line); the pieces must
    then spell the line in order. Returns the drafts as the build will parse
    them, so a build that imports need not parse the files it just wrote.
    """
    entries = tuple(read_entry(draft.text.encode("utf-8"), entries_dir / draft.rel, draft.rel) for draft in drafts)
    pieces = _pieces(entries)
    hint = "this is an importer bug: please report it with the dump"
    for number, line in enumerate(lines, 1):
        remaining = _normal(line)
        while remaining:
            piece = next(pieces, None)
            if piece is None:
                raise SitegenError(dump, number, "line is missing from the entries import would write", hint)
            text, where = piece
            if not text or not remaining.startswith(text):
                shown = text if len(text) <= 60 else text[:57] + "..."
                raise SitegenError(
                    dump, number, f"line does not match the entries import would write ({where} has {shown!r})", hint
                )
            remaining = remaining[len(text) :].lstrip()
    extra = next(pieces, None)
    if extra is not None:
        raise SitegenError(dump, len(lines), f"entries would hold text that is not in the dump ({extra[1]})", hint)
    return entries

"""Entries an edit in place fills the archive with: made from the stored shape, the rest of each read
from the cache only when something asks for it.

A one-entry edit of a 10k-entry archive re-renders a dozen pages that show a few hundred
entries; unpacking all 10k cached parses to fill the archive was a sixth of that build. A
pending entry holds at once what indexing, planning and the default theme read of every
entry: its path, digest, day, dump, kind, slug, URL and draft state, all known from the shape
and the scan. The first time anything asks for another field, the entry's cached parse
is unpacked (its folder's row is read once per build) and the object becomes a plain
``Entry``, equal to the parse the long way would have used.

A parse the cache lost is parsed from the file again. A file whose bytes are no longer
those the scan hashed stops the build (it changed while the site was being built): the
previous site stands, and the next build sees the change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sitegen.cache import BuildCache
from sitegen.cacherows import folder_of, unpack_entry
from sitegen.content import parse_file
from sitegen.errors import BuildFailed
from sitegen.index import Shape
from sitegen.model import Entry

#: Reads one entry by path and digest: what a pending entry asks for the rest of its fields.
Load = Callable[[str, str], Entry]


class PendingEntry(Entry):
    """An ``Entry`` whose fields other than its place are read when first asked for (see the module)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not yet set. Dunders are probes (copy, pickle, markupsafe's
        # ``__html__``), never fields: they must not load anything.
        if name.startswith("__") or "_load" not in self.__dict__:
            raise AttributeError(name)
        _fill(self)
        return getattr(self, name)

    def __eq__(self, other: object) -> bool:
        _fill(self)
        return self == other

    __hash__ = Entry.__hash__


def _fill(entry: Entry) -> None:
    """Put the rest of ``entry``'s fields in, and make it a plain ``Entry``."""
    state = entry.__dict__
    load: Load | None = state.pop("_load", None)
    if load is not None:
        state.update(load(state["path"], state["digest"]).__dict__)
        object.__setattr__(entry, "__class__", Entry)


class CachedParses:
    """Loads entries for pending ones: from the cache (a folder's row read once), else from the file."""

    def __init__(self, cache: BuildCache, root: Path) -> None:
        self.cache = cache
        self.root = root
        self.rows: dict[str, dict[str, tuple[Any, ...]]] = {}

    def folder(self, folder: str) -> dict[str, Entry]:
        """Every cached parse in ``folder`` that unpacks, by path (a damaged one is parsed again if needed)."""
        unpacked = {path: _unpacked(values) for path, values in self._rows(folder).items()}
        return {path: entry for path, entry in unpacked.items() if entry is not None}

    def _rows(self, folder: str) -> dict[str, tuple[Any, ...]]:
        rows = self.rows.get(folder)
        if rows is None:
            rows = self.rows[folder] = self.cache.entry_rows(folder)
        return rows

    def __call__(self, path: str, digest: str) -> Entry:
        values = self._rows(folder_of(path)).get(path)
        entry = _unpacked(values) if values is not None else None
        if entry is not None and entry.digest == digest:
            return entry
        raw = (self.root / path).read_bytes()
        if hashlib.sha256(raw).hexdigest() != digest:
            raise BuildFailed(f"{self.root / path} changed while the site was being built; build again")
        return parse_file(raw, self.root, path)


def _unpacked(values: tuple[Any, ...]) -> Entry | None:
    """A cached parse as an ``Entry``; None for a damaged one."""
    try:
        return unpack_entry(values)
    except (ValueError, TypeError):
        return None


def pending_entries(shape: Shape, digests: Mapping[str, str], load: Load) -> dict[str, Entry]:
    """Every published entry of ``shape`` as a pending entry, by path; ``digests`` are the scan's, by path.

    Raises KeyError, IndexError, TypeError or ValueError for a shape that does not fit (a damaged cache).
    """
    out: dict[str, Entry] = {}
    order, slugs, leads = shape.order, shape.slugs, frozenset(shape.leads)
    new = object.__new__
    for ordinal, sections in shape.days:
        day = date.fromordinal(ordinal)
        day_url = f"{day.year:04d}/{day.month:02d}/{day.day:02d}/"
        for dump, lead, items in sections:
            shared = {"date": day, "day_url": day_url, "dump": dump, "draft": False, "_load": load}
            for at in (lead, *items) if lead >= 0 else items:
                path = order[at]
                entry = new(PendingEntry)
                state = entry.__dict__
                state.update(shared)
                state["path"] = path
                state["digest"] = digests[path]
                state["slug"] = slug = slugs[at]
                state["url"] = f"{day_url}{slug}/"
                state["kind"] = "lead" if at in leads else "entry"
                out[path] = entry
    return out

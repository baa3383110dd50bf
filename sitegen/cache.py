"""The versioned build cache in ``<site>/.sitegen/cache-<output folder hash>.sqlite``.

It remembers, between builds: each entry file's parsed front matter and
rendered HTML (keyed by content digest plus the Markdown fingerprint), each
entry file's stat, each output's page key, and what was written there (hash
and size), and the archive's shape with the page groups each entry feeds
(``sitegen.inplace``). Everything is saved as a diff against what the build started
from, so a one-entry edit touches a handful of rows. Parses, file stats and
output records are read whole on every build, so they are marshalled a day
(a folder, or a ten-character shard of output paths) per row: at 50k entries,
loading 110k rows one by one cost more than a whole no-op build should, and
rewriting one blob of them all cost a tenth of an edit (the row layout is
``sitegen.cacherows``). A cache that is corrupt, of another version, or
unreadable is discarded and rebuilt (``sitegen.cachefile``); it is never
trusted past a check.

A long-running process (``sitegen serve``) passes a ``Memo``: what it last read
from or wrote to the cache stays in memory and is used again as long as the
cache's *generation* is still the one it saw. Every write makes a new
generation, so a build by another process (a manual ``sitegen build`` beside
the server) makes the memo reload, never trusted stale.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from sitegen.cachefile import cache_path, new_generation, open_cache
from sitegen.cacherows import (
    GroupRecord,
    OutputRecord,
    all_rows,
    as_output_record,
    folder_of,
    is_row,
    pack_entry,
    pack_shape,
    read_records,
    read_shape,
    shard_of,
    unpack_entry,
)
from sitegen.fingerprint import parser_key
from sitegen.model import Entry
from sitegen.progress import Progress
from sitegen.scan import KnownFile, KnownFiles, Sources

if TYPE_CHECKING:
    from sitegen.index import Shape
    from sitegen.preview import RenderState

T = TypeVar("T")


class ShapeRecord(NamedTuple):
    """A new shape for the cache, with what it is valid for and the groups each entry feeds."""

    #: Hash of the shape and the config it was planned with: equal keys, equal dependents.
    key: str
    shape: Shape
    #: Entry path → names of the page groups whose deps name it (``pages.dependents``).
    dependents: Mapping[str, tuple[str, ...]]


@dataclass
class Memo:
    """The cache tables one process last read or wrote, kept between its builds.

    At 50k entries, unpacking parses, file stats and output records costs more
    than the rest of a one-entry rebuild; a dev server need not pay it per save.
    """

    #: The cache generation the tables are as of; any other generation empties them.
    generation: str = ""
    #: Table name → the value ``BuildCache`` returned or saved. Shared, never mutated by callers.
    tables: dict[str, Any] = field(default_factory=dict)
    #: What this process's last build rendered from, for ``sitegen.preview`` (None: no build has yet,
    #: or another process built since).
    rendered: RenderState | None = None

    def entry_files(self) -> KnownFiles | None:
        """The entry files as the last build of this process recorded them (None: not known here)."""
        files = self.tables.get("files")
        return files if isinstance(files, KnownFiles) else None


class BuildCache:
    """A thin, typed wrapper over one SQLite file; every failure means "start empty"."""

    def __init__(self, site_dir: Path, out_dir: Path, memo: Memo | None = None) -> None:
        self.scope = str(out_dir.resolve())
        self.path = cache_path(site_dir, self.scope)
        self.db, self.discarded = open_cache(self.path, self.scope)
        self.pid = os.getpid()
        self.memo = memo
        generation = self.meta("generation") or ""
        if memo is not None and memo.generation != generation:
            memo.tables.clear()  # another process wrote the cache (or it was rebuilt): reload what it holds
            memo.rendered = None
            memo.generation = generation

    def _remembered(self, name: str, load: Callable[[], T]) -> T:
        """A table as loaded by ``load``, or as the memo holds it from this process's last build."""
        if self.memo is None:
            return load()
        if name not in self.memo.tables:
            self.memo.tables[name] = load()
        return self.memo.tables[name]  # type: ignore[no-any-return]

    def _commit(self, **tables: Any) -> None:
        """Commit the open transaction as a new generation; ``tables`` are the memo's new values."""
        generation = new_generation()
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (generation,))
        self.db.commit()
        if self.memo is not None:
            self.memo.generation = generation
            self.memo.tables.update(tables)

    def meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, name: str, value: str) -> None:
        """Record one fact at once (not with the build's save): it holds whatever the build's outcome."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))
        self._commit()

    def entries(self) -> Mapping[str, Entry]:
        """Parsed entries by file digest; a bad row just means that file is parsed again.

        Parses made by a sitegen that parsed differently (another ``parser_key``) are dropped.
        """
        return self._remembered("entries", self._load_entries)

    def _load_entries(self) -> dict[str, Entry]:
        if self.meta("parser") != parser_key():
            self.db.execute("DELETE FROM entries")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('parser', ?)", (parser_key(),))
            self._commit()
            return {}
        out: dict[str, Entry] = {}
        for (blob,) in self.db.execute("SELECT data FROM entries"):
            try:
                for values in marshal.loads(blob):
                    entry = unpack_entry(values)
                    out[entry.digest] = entry
            except (ValueError, TypeError, EOFError):
                continue  # that folder's files are parsed again
        return out

    def entry_rows(self, folder: str) -> dict[str, tuple[Any, ...]]:
        """One folder's cached parses as stored (see ``cacherows.unpack_entry``), by path; empty for a
        missing or damaged row, or parses by another parser: for entries read only when a page asks
        for them (``sitegen.pending``)."""
        row = self._reader().execute("SELECT data FROM entries WHERE folder = ?", (folder,)).fetchone()
        if row is None or not self._parser_current:
            return {}
        try:
            values = marshal.loads(row[0])
        except (ValueError, TypeError, EOFError):
            return {}
        if type(values) is not list:
            return {}
        return {item[0]: item for item in values if type(item) is tuple and item and type(item[0]) is str}

    @cached_property
    def _parser_current(self) -> bool:
        """The cached parses were made by this parser (asked once: ``entry_rows`` is called per folder)."""
        return self.meta("parser") == parser_key()

    def _blob(self, name: str) -> dict[str, Any]:
        row = self.db.execute("SELECT data FROM blobs WHERE name = ?", (name,)).fetchone()
        return read_records(row[0]) if row else {}

    def _set_blob(self, name: str, value: Mapping[str, tuple[Any, ...]]) -> None:
        self.db.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?)", (name, marshal.dumps(dict(value), 2)))

    def known_files(self) -> KnownFiles:
        """Each entry file's stat and digest as the last build saw them."""
        return self._remembered("files", self._load_known_files)

    def _load_known_files(self) -> KnownFiles:
        files: dict[str, KnownFile] = {}
        for (data,) in self.db.execute("SELECT data FROM files"):
            rows = read_records(data)
            if all_rows(rows.values(), 5):
                files.update(rows)
            else:  # a damaged record: that file is read again
                files.update((rel, row) for rel, row in rows.items() if is_row(row, 5))
        return KnownFiles(files, self._scanned_ns("files_scanned_ns"), self.meta("files_token") or "")

    def import_files(self) -> KnownFiles:
        """Each file the importer reads, with its stat and digest when the last import (or check) started."""

        def load() -> KnownFiles:
            files = {rel: row for rel, row in self._blob("import_files").items() if is_row(row, 5)}
            return KnownFiles(files, self._scanned_ns("import_scanned_ns"))

        return self._remembered("import_files", load)

    def _scanned_ns(self, name: str) -> int:
        scanned = self.meta(name)
        return int(scanned) if scanned and scanned.isdigit() else 0

    def record_import_files(self, sources: Sources, known: KnownFiles, key: str | None = None) -> None:
        """Remember what the importer's inputs hashed to (and, after an import, the ``key`` they make)."""
        if key is None and sources.as_recorded(known):
            return  # nothing was read again: nothing new to remember
        recorded = KnownFiles.of(sources)
        self._set_blob("import_files", recorded.files)
        facts = {"import_scanned_ns": str(sources.scanned_ns), **({"import_inputs": key} if key else {})}
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", facts.items())
        self._commit(import_files=recorded)

    def _reader(self) -> sqlite3.Connection:
        """This process's connection: a forked render worker must not share its parent's."""
        if os.getpid() != self.pid:
            self.db = sqlite3.connect(self.path)
            self.pid = os.getpid()
        return self.db

    def html(self, key: str) -> str | None:
        row = self._reader().execute("SELECT html FROM html WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def all_html(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, html FROM html"))

    def outputs(self, shards: Collection[str] | None = None) -> Mapping[str, OutputRecord]:
        """What the last build wrote at each output path (only at the paths in ``shards``, if given)."""
        if shards is not None:
            return self._load_outputs(shards)
        return self._remembered("outputs", self._load_outputs)

    def _load_outputs(self, shards: Collection[str] | None = None) -> dict[str, OutputRecord]:
        out: dict[str, OutputRecord] = {}
        for rows in self._shards("outputs", shards):
            if all_rows(rows.values(), 3):  # a damaged row: its pages are made again
                out.update(zip(rows, map(as_output_record, rows.values()), strict=True))
        return out

    def groups(self, shards: Collection[str] | None = None) -> Mapping[str, GroupRecord]:
        """Each page group's key and output paths as the last build recorded them (only the groups in
        ``shards``, if given)."""
        if shards is not None:
            return self._load_groups(shards)
        return self._remembered("groups", self._load_groups)

    def _load_groups(self, shards: Collection[str] | None = None) -> dict[str, GroupRecord]:
        return {
            name: row
            for rows in self._shards("groups", shards)
            for name, row in rows.items()
            if is_row(row, 2) and type(row[0]) is str and type(row[1]) is tuple
        }

    def shard_names(self, name: str, prefix: str) -> set[str]:
        """The rows of table ``name`` that hold keys starting with ``prefix`` (a ten-character shard or shorter)."""
        query = "SELECT shard FROM shards WHERE name = ? AND substr(shard, 1, ?) = ?"
        return {shard for (shard,) in self._reader().execute(query, (name, len(prefix), prefix))}

    def _shards(self, name: str, only: Collection[str] | None = None) -> Iterator[dict[str, Any]]:
        db = self._reader()
        if only is None:
            for (data,) in db.execute("SELECT data FROM shards WHERE name = ?", (name,)):
                yield read_records(data)
            return
        for shard in sorted(only):
            row = db.execute("SELECT data FROM shards WHERE name = ? AND shard = ?", (name, shard)).fetchone()
            if row is not None:
                yield read_records(row[0])

    def _set_shards(self, name: str, new: Mapping[str, tuple[Any, ...]], old: Mapping[str, tuple[Any, ...]]) -> None:
        """Rewrite the rows of table ``name`` in which ``new`` differs from ``old`` (what the cache holds)."""
        changed = {shard_of(key) for key, value in new.items() if old.get(key) != value}
        changed.update(shard_of(key) for key in old.keys() - new.keys())
        rows: dict[str, dict[str, tuple[Any, ...]]] = {shard: {} for shard in changed}
        for key, value in new.items():
            row = rows.get(shard_of(key))
            if row is not None:
                row[key] = tuple(value)  # marshal takes plain tuples, not named ones
        db = self.db
        db.executemany("DELETE FROM shards WHERE name = ? AND shard = ?", ((name, s) for s, r in rows.items() if not r))
        db.executemany(
            "INSERT OR REPLACE INTO shards VALUES (?, ?, ?)",
            ((name, shard, marshal.dumps(row, 2)) for shard, row in rows.items() if row),
        )

    def shape(self) -> Shape | None:
        """The archive's shape as the last build left it (None: none saved, or a damaged blob)."""

        def load() -> Shape | None:
            row = self.db.execute("SELECT data FROM blobs WHERE name = 'shape'").fetchone()
            return read_shape(row[0]) if row else None

        return self._remembered("shape", load)

    def dependents(self, paths: Collection[str]) -> dict[str, tuple[str, ...]] | None:
        """The page groups whose deps named each of ``paths`` (entries) at the last build that made the
        shape; None if any is not on record (a damaged or missing row: the build then plans everything)."""
        rows: dict[str, Any] = {}
        for shard in self._shards("dependents", {shard_of(path) for path in paths}):
            rows.update(shard)
        found = {path: rows.get(path) for path in paths}
        if not all(type(names) is tuple and all(type(name) is str for name in names) for names in found.values()):
            return None
        return found  # type: ignore[return-value]

    def _set_shape(self, key: str, shape: Shape, dependents: Mapping[str, tuple[str, ...]]) -> None:
        """Replace the stored shape and the dependents made from it (see ``sitegen.inplace``)."""
        self.db.execute("INSERT OR REPLACE INTO blobs VALUES ('shape', ?)", (pack_shape(shape),))
        self.db.execute("DELETE FROM shards WHERE name = 'dependents'")
        self._set_shards("dependents", dependents, {})
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('shape', ?)", (key,))

    def record_files(self, sources: Sources, known: KnownFiles) -> KnownFiles:
        """Remember each entry file's stat and digest, so the next build need not read unchanged files.

        Committed at once, whatever the build's outcome: a stat and the digest of the bytes
        read after it are a fact about the file, not about the build. So the record can be ahead
        of the parses a finished build saved; a new ``token`` whenever a digest changes (a stat
        alone does not) lets ``save`` note which record its parses are of (``parsed_token``).
        Returns the record as it now stands.
        """
        if sources.as_recorded(known):
            return known  # every file was as recorded and none was read: nothing new was learnt
        recorded, changed = known.updated(sources, new_generation)
        files = recorded.files
        # Stored a folder (a day) per row, so an edit rewrites one small row, not 50k stats.
        rows: dict[str, dict[str, KnownFile]] = {folder: {} for folder in changed}
        for rel, record in files.items():
            row = rows.get(folder_of(rel))
            if row is not None:
                row[rel] = record
        self.db.executemany("DELETE FROM files WHERE folder = ?", ((f,) for f, row in rows.items() if not row))
        self.db.executemany(
            "INSERT OR REPLACE INTO files VALUES (?, ?)",
            ((folder, marshal.dumps(row, 2)) for folder, row in rows.items() if row),
        )
        facts = {"files_scanned_ns": str(recorded.scanned_ns), "files_token": recorded.token}
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", facts.items())
        self._commit(files=recorded)
        return recorded

    def parsed_token(self) -> str:
        """The ``KnownFiles.token`` of the file record whose every digest the cached parses hold, as the
        last finished build saved them ("" if unknown)."""
        return self.meta("parsed_token") or ""

    def note_parsed(self, record: KnownFiles) -> None:
        """Note that the cached parses are of ``record``: a no-op build's files are, digest for digest, those
        the last finished build parsed (reading back what an import wrote gives the record a new token)."""
        if record.token and record.token != self.parsed_token():
            self.set_meta("parsed_token", record.token)

    def save(
        self,
        *,
        entries: Iterable[Entry],
        known: Mapping[str, Entry],
        digests: Collection[str],
        html: Mapping[str, str],
        html_prefix: str,
        outputs: Mapping[str, OutputRecord],
        previous: Mapping[str, OutputRecord],
        groups: Mapping[str, GroupRecord],
        previous_groups: Mapping[str, GroupRecord],
        meta: Mapping[str, str],
        shape: ShapeRecord | None = None,
    ) -> None:
        """Record a successful build as a diff against the last one; called after its output is committed.

        ``entries`` are the current parses of every folder that may have changed (all of them, or an
        edit in place's folders), and ``known`` what the cache held for those folders by digest, as
        ``previous`` are its output records; body HTML is kept under ``html_prefix`` + digest for the
        current entries only, whose ``digests`` are all given; ``shape`` is
        the archive's new shape, its key and its dependents (None: the stored one still holds).
        ``outputs`` and ``groups`` (with their ``previous``) may be some rows (shards) of them, each whole,
        where no memo holds the tables (``sitegen.records``): only rows that differ are rewritten.
        """
        entries = list(entries)
        current = {entry.digest: entry for entry in entries}
        gone = [digest for digest in known if digest not in current]
        # Stored a folder (a day) per row: one row to rewrite per edit, and 50k entries load in a few
        # hundred reads. A folder is rewritten when a parse in it is new (not the cached object) or gone.
        folders = {folder_of(known[digest].path) for digest in gone}
        for entry in entries:
            cached = known.get(entry.digest)
            if cached is not entry:
                folders.add(folder_of(entry.path))
                if cached is not None:  # the same bytes parsed at another path (a file moved): drop the old
                    folders.add(folder_of(cached.path))
        db = self.db
        if folders:
            packed: dict[str, list[tuple[Any, ...]]] = {folder: [] for folder in folders}
            for entry in entries:
                row = packed.get(folder_of(entry.path))
                if row is not None:
                    row.append(pack_entry(entry))
            db.executemany("DELETE FROM entries WHERE folder = ?", ((f,) for f, row in packed.items() if not row))
            db.executemany(
                "INSERT OR REPLACE INTO entries VALUES (?, ?)",
                ((folder, marshal.dumps(row)) for folder, row in packed.items() if row),
            )
        db.executemany("INSERT OR REPLACE INTO html VALUES (?, ?)", html.items())
        db.executemany("DELETE FROM html WHERE key = ?", ((html_prefix + digest,) for digest in gone))
        (rows,) = db.execute("SELECT count(*) FROM html").fetchone()
        if rows > len(digests):  # rows of another Markdown setup, or of parses no longer cached: sweep
            keep = {html_prefix + digest for digest in digests}
            stale = [key for (key,) in db.execute("SELECT key FROM html") if key not in keep]
            db.executemany("DELETE FROM html WHERE key = ?", ((key,) for key in stale))
        if outputs != previous:
            self._set_shards("outputs", outputs, previous)
        if groups != previous_groups:
            self._set_shards("groups", groups, previous_groups)
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        # The parses are now of the file record as this build left it (``record_files`` ran before).
        db.execute("INSERT OR REPLACE INTO meta SELECT 'parsed_token', value FROM meta WHERE name = 'files_token'")
        if shape is not None:
            self._set_shape(shape.key, shape.shape, shape.dependents)
        self._commit(entries=current, outputs=outputs, groups=groups, **({"shape": shape.shape} if shape else {}))

    @classmethod
    @contextmanager
    def open(cls, site_dir: Path, out_dir: Path, progress: Progress, memo: Memo | None = None) -> Iterator[BuildCache]:
        """The cache for one build; closed (and uncommitted work dropped) however the build ends."""
        cache = cls(site_dir, out_dir, memo)
        if cache.discarded:
            progress.warn(cache.discarded)
        try:
            yield cache
        finally:
            cache.db.close()

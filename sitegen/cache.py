"""The versioned build cache in ``<site>/.sitegen/cache-<output folder hash>.sqlite``.

It remembers, between builds: each entry file's parsed front matter and
rendered HTML (keyed by content digest plus the Markdown fingerprint), each
output's page key, and what was written there (hash and size). Updates are
diffs, so a one-entry edit touches a handful of rows. A cache that is corrupt,
of another version, or unreadable is discarded and rebuilt; it is never
trusted past a check.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

from sitegen.content import FileStat, KnownFiles, Sources
from sitegen.model import Entry
from sitegen.progress import Progress

CACHE_VERSION = "5"
CACHE_DIR = ".sitegen"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (digest TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS html (key TEXT PRIMARY KEY, html TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    rel TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL, digest TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT PRIMARY KEY, page_key TEXT NOT NULL, sha TEXT NOT NULL, size INTEGER NOT NULL
);
"""
_FIELDS = tuple(field.name for field in fields(Entry))


@dataclass(frozen=True)
class OutputRecord:
    """What the last build wrote at one output path."""

    page_key: str
    sha: str
    size: int


def _pack(entry: Entry) -> bytes:
    values = [getattr(entry, name) for name in _FIELDS]
    values[_FIELDS.index("date")] = entry.date.toordinal()
    return marshal.dumps(tuple(values))


_DATE = _FIELDS.index("date")


def _unpack(blob: bytes) -> Entry:
    """An entry as it was when parsed and validated; rebuilt without re-running ``__init__``.

    Loading 50k rows is on the path of every rebuild; filling ``__dict__`` directly is
    several times faster than the frozen dataclass's per-field ``object.__setattr__``.
    """
    values = list(marshal.loads(blob))
    if len(values) != len(_FIELDS):
        raise ValueError("entry row of another shape")
    values[_DATE] = date.fromordinal(values[_DATE])
    entry = object.__new__(Entry)
    entry.__dict__.update(zip(_FIELDS, values, strict=True))
    return entry


class BuildCache:
    """A thin, typed wrapper over one SQLite file; every failure means "start empty"."""

    def __init__(self, site_dir: Path, out_dir: Path) -> None:
        folder = site_dir / CACHE_DIR
        folder.mkdir(exist_ok=True)
        self.scope = str(out_dir.resolve())
        # One cache per output folder, so `sitegen serve` (its own folder) and `sitegen build` don't evict each other.
        self.path = folder / f"cache-{hashlib.sha256(self.scope.encode()).hexdigest()[:12]}.sqlite"
        self.discarded = ""
        self.pid = os.getpid()
        try:
            self.db = self._open()
        except sqlite3.DatabaseError as exc:
            self.discarded = f"build cache unreadable ({exc}); rebuilding it"
            self.path.unlink(missing_ok=True)
            self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path)
        db.executescript(_SCHEMA)
        row = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
        scope = db.execute("SELECT value FROM meta WHERE name = 'scope'").fetchone()
        if row is None or row[0] != CACHE_VERSION or scope is None or scope[0] != self.scope:
            if row is not None:
                self.discarded = "build cache is from another sitegen version or output folder; rebuilding it"
            db.executescript(
                "DELETE FROM entries; DELETE FROM html; DELETE FROM files; DELETE FROM outputs; DELETE FROM meta;"
            )
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("version", CACHE_VERSION), ("scope", self.scope)])
            db.commit()
        return db

    def meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, name: str, value: str) -> None:
        """Record one fact at once (not with the build's save): it holds whatever the build's outcome."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))
        self.db.commit()

    def entries(self) -> dict[str, Entry]:
        """Parsed entries by file digest; a bad row just means that file is parsed again."""
        out: dict[str, Entry] = {}
        for digest, blob in self.db.execute("SELECT digest, data FROM entries"):
            try:
                out[digest] = _unpack(blob)
            except (ValueError, TypeError, EOFError):
                continue
        return out

    def known_files(self) -> KnownFiles:
        """Each entry file's stat and digest as the last build saw them."""
        scanned = self.meta("files_scanned_ns")
        rows = self.db.execute("SELECT rel, size, mtime_ns, ctime_ns, ino, digest FROM files")
        files = {rel: (FileStat(size, mtime, ctime, ino), digest) for rel, size, mtime, ctime, ino, digest in rows}
        return KnownFiles(files, int(scanned) if scanned and scanned.isdigit() else 0)

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

    def outputs(self) -> dict[str, OutputRecord]:
        return {
            path: OutputRecord(page_key, sha, size)
            for path, page_key, sha, size in self.db.execute("SELECT path, page_key, sha, size FROM outputs")
        }

    def record_files(self, sources: Sources, known: KnownFiles) -> None:
        """Remember each entry file's stat and digest, so the next build need not read unchanged files.

        Committed at once, whatever the build's outcome: a stat and the digest of the bytes
        read after it are a fact about the file, not about the build.
        """
        current = {source.rel for source in sources.files}
        gone = [(rel,) for rel in known.files if rel not in current]
        changed = [
            (s.rel, s.stat.size, s.stat.mtime_ns, s.stat.ctime_ns, s.stat.ino, s.digest)
            for s in sources.files
            if known.files.get(s.rel) != (s.stat, s.digest)
        ]
        unread = sources.scanned_ns == known.scanned_ns or all(source.raw is None for source in sources.files)
        if not gone and not changed and unread:
            return  # nothing new was learnt; a file read again (too recent to trust) needs the newer scan time
        self.db.executemany("DELETE FROM files WHERE rel = ?", gone)
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)", changed)
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('files_scanned_ns', ?)", (str(sources.scanned_ns),))
        self.db.commit()

    def save(
        self,
        entries: Iterable[Entry],
        known: Mapping[str, Entry],
        html: Mapping[str, str],
        html_keep: set[str],
        outputs: Mapping[str, OutputRecord],
        previous: Mapping[str, OutputRecord],
        meta: Mapping[str, str],
    ) -> None:
        """Record a successful build as a diff against the last one; called after its output is committed."""
        current = {entry.digest: entry for entry in entries}
        db = self.db
        db.executemany("DELETE FROM entries WHERE digest = ?", ((d,) for d in known if d not in current))
        db.executemany(
            "INSERT OR REPLACE INTO entries VALUES (?, ?)",
            ((d, _pack(e)) for d, e in current.items() if d not in known),
        )
        db.executemany("INSERT OR REPLACE INTO html VALUES (?, ?)", html.items())
        stale = [key for (key,) in db.execute("SELECT key FROM html") if key not in html_keep]
        db.executemany("DELETE FROM html WHERE key = ?", ((key,) for key in stale))
        db.executemany("DELETE FROM outputs WHERE path = ?", ((p,) for p in previous if p not in outputs))
        db.executemany(
            "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)",
            ((p, r.page_key, r.sha, r.size) for p, r in outputs.items() if previous.get(p) != r),
        )
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())
        db.commit()

    @classmethod
    @contextmanager
    def open(cls, site_dir: Path, out_dir: Path, progress: Progress) -> Iterator[BuildCache]:
        """The cache for one build; closed (and uncommitted work dropped) however the build ends."""
        cache = cls(site_dir, out_dir)
        if cache.discarded:
            progress.warn(cache.discarded)
        try:
            yield cache
        finally:
            cache.db.close()

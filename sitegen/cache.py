"""The versioned build cache in ``<site>/.sitegen/cache.sqlite``.

It remembers, between builds: each entry file's parsed front matter and
rendered HTML (keyed by content digest plus the Markdown fingerprint), each
output's page key, and what was written (hash and size). A cache that is
corrupt, of another version, or unreadable is discarded and rebuilt; it is
never trusted past a check.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from sitegen.model import Entry
from sitegen.progress import Progress

CACHE_VERSION = "3"
CACHE_DIR = ".sitegen"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (digest TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS html (key TEXT PRIMARY KEY, html TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT PRIMARY KEY, page_key TEXT NOT NULL, sha TEXT NOT NULL, size INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class OutputRecord:
    """What the last build wrote at one output path."""

    page_key: str
    sha: str
    size: int


def _entry_to_json(entry: Entry) -> str:
    data = {key: getattr(entry, key) for key in entry.__dataclass_fields__}
    data["path"] = str(entry.path)
    data["date"] = entry.date.isoformat()
    return json.dumps(data, ensure_ascii=False)


def _entry_from_json(text: str) -> Entry:
    data: dict[str, Any] = json.loads(text)
    data["path"] = PurePosixPath(data["path"])
    data["date"] = date.fromisoformat(data["date"])
    data["tags"] = tuple(data["tags"])
    data["aliases"] = tuple(data["aliases"])
    return Entry(**data)


class BuildCache:
    """A thin, typed wrapper over one SQLite file; every failure means "start empty"."""

    def __init__(self, site_dir: Path, out_dir: Path) -> None:
        folder = site_dir / CACHE_DIR
        folder.mkdir(exist_ok=True)
        self.path = folder / "cache.sqlite"
        self.scope = str(out_dir.resolve())
        self.discarded = ""
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
            db.executescript("DELETE FROM entries; DELETE FROM html; DELETE FROM outputs; DELETE FROM meta;")
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("version", CACHE_VERSION), ("scope", self.scope)])
            db.commit()
        return db

    def meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, name: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    def entries(self) -> dict[str, Entry]:
        """Parsed entries by file digest; a bad row just means that file is parsed again."""
        out: dict[str, Entry] = {}
        for digest, data in self.db.execute("SELECT digest, data FROM entries"):
            try:
                out[digest] = _entry_from_json(data)
            except (ValueError, TypeError, KeyError):
                continue
        return out

    def store_entries(self, entries: Iterable[Entry]) -> None:
        self.db.execute("DELETE FROM entries")
        self.db.executemany(
            "INSERT OR REPLACE INTO entries VALUES (?, ?)", ((e.digest, _entry_to_json(e)) for e in entries)
        )

    def html(self, keys: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        batch = list(keys)
        for start in range(0, len(batch), 500):
            chunk = batch[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(f"SELECT key, html FROM html WHERE key IN ({marks})", chunk).fetchall())
        return found

    def store_html(self, rendered: Mapping[str, str], keep: Iterable[str]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO html VALUES (?, ?)", rendered.items())
        keep_set = set(keep)
        stale = [key for (key,) in self.db.execute("SELECT key FROM html") if key not in keep_set]
        self.db.executemany("DELETE FROM html WHERE key = ?", ((key,) for key in stale))

    def outputs(self) -> dict[str, OutputRecord]:
        return {
            path: OutputRecord(page_key, sha, size)
            for path, page_key, sha, size in self.db.execute("SELECT path, page_key, sha, size FROM outputs")
        }

    def store_outputs(self, outputs: Mapping[str, OutputRecord]) -> None:
        self.db.execute("DELETE FROM outputs")
        self.db.executemany(
            "INSERT INTO outputs VALUES (?, ?, ?, ?)",
            ((path, rec.page_key, rec.sha, rec.size) for path, rec in outputs.items()),
        )

    def save(self, entries: Iterable[Entry], outputs: Mapping[str, OutputRecord], search_key: str | None) -> None:
        """Record a successful build; called only after its output is committed."""
        self.store_entries(entries)
        self.store_outputs(outputs)
        if search_key is not None:
            self.set_meta("search", search_key)
        self.db.commit()

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

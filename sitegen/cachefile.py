"""The build cache's SQLite file: one per output folder, of this version's layout, or started afresh.

A file of another sitegen version, another output folder or another table
layout has its tables dropped (another version's tables may have other
columns) and is laid out again; a file SQLite cannot read is deleted, with its
logs, and made again. Either way the build says so in one warning and
rebuilds; nothing in such a file is trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from functools import lru_cache
from pathlib import Path

__all__ = ["CACHE_DIR", "CACHE_VERSION", "cache_path", "new_generation", "open_cache"]

CACHE_VERSION = "10"
CACHE_DIR = ".sitegen"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (folder TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS html (key TEXT PRIMARY KEY, html TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS shards (name TEXT, shard TEXT, data BLOB NOT NULL, PRIMARY KEY (name, shard));
CREATE TABLE IF NOT EXISTS files (folder TEXT PRIMARY KEY, data BLOB NOT NULL);
"""


def cache_path(site_dir: Path, scope: str) -> Path:
    """The cache file for the output folder ``scope`` (resolved): one per output folder, so
    ``sitegen serve`` (its own folder) and ``sitegen build`` don't evict each other."""
    folder = site_dir / CACHE_DIR
    folder.mkdir(exist_ok=True)
    return folder / f"cache-{hashlib.sha256(scope.encode()).hexdigest()[:12]}.sqlite"


def open_cache(path: Path, scope: str) -> tuple[sqlite3.Connection, str]:
    """The cache file at ``path``, as this version lays it out, and why what it held was discarded
    ("" when it was not: a new file is not a discarded one)."""
    try:
        return _open(path, scope)
    except sqlite3.DatabaseError as exc:
        for stale in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))):
            stale.unlink(missing_ok=True)  # a log left beside a new file would be replayed into it
        db, _ = _open(path, scope)
        return db, f"build cache unreadable ({exc}); rebuilding it"


def new_generation() -> str:
    """A fresh generation id (``uuid`` would add its import, and ``platform``'s, to every build)."""
    return os.urandom(16).hex()


def _layout(db: sqlite3.Connection) -> set[tuple[str, str]]:
    return set(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))


@lru_cache(maxsize=1)
def _expected_layout() -> set[tuple[str, str]]:
    """The tables (and their columns) a cache of this version has."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(_SCHEMA)
        return _layout(db)
    finally:
        db.close()


def _open(path: Path, scope: str) -> tuple[sqlite3.Connection, str]:
    db = sqlite3.connect(path)
    # A cache, not a record: a write-ahead log synced at checkpoints (not at every commit) is
    # never corrupted by a crash, only possibly a build behind, which is always safe.
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    version = found_scope = None
    with contextlib.suppress(sqlite3.OperationalError):  # no meta table: a new (or foreign) file
        version = db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
        found_scope = db.execute("SELECT value FROM meta WHERE name = 'scope'").fetchone()
    current = version == (CACHE_VERSION,) and found_scope == (scope,)
    discarded = ""
    if not current or _layout(db) != _expected_layout():
        if version is not None:
            discarded = (
                "build cache is from another sitegen version or output folder; rebuilding it"
                if not current
                else "build cache tables are not as this version lays them out; rebuilding it"
            )
        # Dropped, not emptied: another version's tables may have other columns.
        tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        for (table,) in tables.fetchall():
            db.execute(f'DROP TABLE "{table.replace(chr(34), chr(34) * 2)}"')
        db.executescript(_SCHEMA)
        facts = [("version", CACHE_VERSION), ("scope", scope), ("generation", new_generation())]
        db.executemany("INSERT INTO meta VALUES (?, ?)", facts)
        db.commit()
    return db, discarded

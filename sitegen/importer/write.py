"""Atomic file writes, confined to the folder they belong in.

Each file is written to a temporary file in the same directory, flushed and
fsynced, then renamed over the target with ``os.replace``: a killed import
leaves every file either old or new, never half-written. Temporary names
start with '.' and end in '.tmp', so a concurrent build never reads them as
entries.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from sitegen.errors import SitegenError


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (not possible on every platform)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write(path: Path, data: bytes, *, sync_dir: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (creating parent folders)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if sync_dir:
        _fsync_dir(path.parent)


def write_files(items: Sequence[tuple[Path, bytes]], workers: int = 16) -> None:
    """``atomic_write`` many files, fsyncs overlapping in a thread pool, each folder synced once.

    An fsync costs milliseconds; done one after another they made the first
    import of a 50k-entry archive take minutes. Every file still goes
    temp → fsync → rename, so each is old or new whatever happens.
    """
    folders = sorted({path.parent for path, _ in items})
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    if len(items) < 4:
        for path, data in items:
            atomic_write(path, data, sync_dir=False)
    else:
        with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
            for future in [pool.submit(atomic_write, path, data, sync_dir=False) for path, data in items]:
                future.result()
    for folder in folders:
        _fsync_dir(folder)


@lru_cache(maxsize=4096)
def _inside(root: str, folder: str) -> bool:
    """Whether ``root/folder`` really (after symlinks) lies inside ``root``; cached per folder."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(root, folder))
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def safe_relative(root: Path, relative: str) -> str:
    """``relative`` if it is a plain relative path (no '..', no absolute or drive prefix, no NUL)."""
    parts = relative.replace("\\", "/").split("/")
    if "\x00" in relative or relative.startswith(("/", "\\")) or ".." in parts or ":" in parts[0] or "\\" in relative:
        raise SitegenError(root, None, f"refusing to touch {relative!r}: it is outside {root}")
    return relative


def confined(root: Path, relative: str) -> Path:
    """``root / relative``, refusing anything that would land outside ``root``.

    Entry paths are built from validated dates and slugs, so this never fires
    on import's own paths; it guards against a tampered state file naming
    ``../../etc/passwd`` and against symlinked folders leading elsewhere.
    """
    safe_relative(root, relative)
    if not _inside(str(root), relative.rpartition("/")[0]):
        raise SitegenError(root / relative, None, f"refusing to write: {relative!r} leads outside {root}")
    return root / relative

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


def atomic_write(path: Path, data: bytes) -> None:
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
    _fsync_dir(path.parent)


def confined(root: Path, relative: str) -> Path:
    """``root / relative``, refusing anything that would land outside ``root``.

    Entry paths are built from validated dates and slugs, so this never fires
    on import's own paths; it guards against a tampered state file naming
    ``../../etc/passwd`` and against symlinked folders leading elsewhere.
    """
    if "\x00" in relative or relative.startswith(("/", "\\")) or ".." in Path(relative).parts:
        raise SitegenError(root, None, f"refusing to touch {relative!r}: it is outside {root}")
    target = root / relative
    try:
        target.parent.resolve().relative_to(root.resolve())
    except ValueError:
        raise SitegenError(target, None, f"refusing to write: {target.parent} leads outside {root}") from None
    return target

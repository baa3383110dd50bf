"""Atomic file writes, confined to the folder they belong in.

Each file is written to a temporary file in the same directory, made
durable, then renamed over the target with ``os.replace``: a killed import
(SIGKILL, or a power cut) leaves every file either old or new, never
half-written. Temporary names start with '.' and end in '.tmp', so a
concurrent build never reads them as entries; the next import sweeps up any
a killed one left.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from sitegen.errors import SitegenError


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync_dir(directory: str | Path) -> None:
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


@lru_cache(maxsize=1)
def _syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2), which flushes one filesystem and waits for it; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    return function


def _flush_filesystems(folders: Iterable[str]) -> bool:
    """syncfs every filesystem the folders are on; False if that is not possible here."""
    syncfs = _syncfs()
    if syncfs is None:
        return False
    devices: dict[int, str] = {}
    for folder in folders:
        devices.setdefault(os.stat(folder).st_dev, folder)
    for folder in devices.values():
        fd = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:
                return False
        finally:
            os.close(fd)
    return True


def _flush_ahead(folder: str) -> None:
    """syncfs the filesystem ``folder`` is on, ignoring failure: only a head start on the flush the commit
    waits for, so that it finds little left to write (the commit's own flush is what guarantees durability).
    """
    with contextlib.suppress(OSError):
        _flush_filesystems([folder])


def _fsync_files(paths: Sequence[str], workers: int = 16) -> None:
    """fsync each file, overlapping in a thread pool (where syncfs is not available)."""

    def fsync(path: str) -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(paths)))) as pool:
        for future in [pool.submit(fsync, path) for path in paths]:
            future.result()


def _temp_beside(path: str, data: bytes) -> str:
    """Write ``data`` to a new hidden temporary file next to ``path`` (not yet durable)."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        os.close(fd)
    return tmp


def sweep_temporaries(folders: Iterable[Path]) -> None:
    """Remove the temporary entry files a killed import left in ``folders`` (".NAME.md.*.tmp")."""
    for folder in folders:
        try:
            names = os.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in names:
            if name.startswith(".") and name.endswith(".tmp") and ".md." in name:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(folder, name))


#: Files a batch adds between head-start flushes (one import of a 50k-entry archive writes 50k).
FLUSH_AHEAD_FILES = 4096


class FileBatch:
    """Many files replaced (and some removed) so each is old or new whatever happens, all durable on commit.

    One fsync per file made the first import of a 50k-entry archive take
    minutes. Instead: each file goes to a temporary file beside it as soon as
    it is ``add``-ed (so the import writes while its workers still prepare
    later days), one syncfs makes them all durable, then each is renamed over
    its target (atomic, so SIGKILL or a power cut leaves it old or new),
    removals follow, and a second syncfs makes the renames durable before the
    caller records them in the import state. Where syncfs is missing every
    temporary file and folder is fsynced instead. ``discard`` removes the
    temporary files of a batch that is not to be committed.
    """

    def __init__(self) -> None:
        # Plain strings, not Paths: a first import adds 50k files, and pathlib's joins and
        # parents cost a noticeable share of the writing process's time.
        self.targets: list[str] = []
        self.temps: list[str] = []
        self.folders: set[str] = set()
        #: Folders this batch made, outermost first, so a discarded batch leaves none behind.
        self.made: list[str] = []
        #: A thread flushing what was added so far (see ``_flush_ahead``), and how many files were added since.
        self._flushing: threading.Thread | None = None
        self._unflushed = 0

    def add(self, path: str | os.PathLike[str], data: bytes) -> None:
        """Write ``data`` to a temporary file beside ``path`` now; ``path`` itself changes at ``commit``."""
        target = os.fspath(path)
        folder = os.path.dirname(target)
        if folder not in self.folders:
            missing, probe = [], folder
            while probe and not os.path.exists(probe):
                missing.append(probe)
                probe = os.path.dirname(probe)
            os.makedirs(folder, exist_ok=True)
            self.made.extend(reversed(missing))
            self.folders.add(folder)
        self.temps.append(_temp_beside(target, data))
        self.targets.append(target)
        self._unflushed += 1
        if self._unflushed >= FLUSH_AHEAD_FILES and (self._flushing is None or not self._flushing.is_alive()):
            # The disk writes what is added while the import goes on preparing, not all of it at the commit.
            self._flushing = threading.Thread(target=_flush_ahead, args=(folder,), daemon=True)
            self._flushing.start()
            self._unflushed = 0

    def discard(self) -> None:
        """Remove the temporary files (and the folders made for them): the targets stay as they were."""
        for tmp in self.temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        for folder in reversed(self.made):
            with contextlib.suppress(OSError):  # not empty: something else was put there meanwhile
                os.rmdir(folder)
        self.temps.clear()
        self.targets.clear()
        self.made.clear()

    def commit(self, removals: Sequence[str | os.PathLike[str]] = ()) -> None:
        """Make every added file durable and rename it over its target, then remove ``removals``."""
        gone = [os.fspath(path) for path in removals]
        if self._flushing is not None:
            self._flushing.join()
        folders = sorted({*self.folders, *(folder for folder in map(os.path.dirname, gone) if os.path.isdir(folder))})
        try:
            if not _flush_filesystems(sorted(self.folders)):
                _fsync_files(self.temps)
            for tmp, target in zip(self.temps, self.targets, strict=True):
                os.replace(tmp, target)
        except BaseException:
            self.discard()
            raise
        for target in gone:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        if not _flush_filesystems(folders):
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


def confined(root: Path, relative: str) -> str:
    """``root/relative`` as a string, refusing anything that would land outside ``root``.

    Entry paths are built from validated dates and slugs, so this never fires
    on import's own paths; it guards against a tampered state file naming
    ``../../etc/passwd`` and against symlinked folders leading elsewhere.
    """
    safe_relative(root, relative)
    base = str(root)
    if not _inside(base, relative.rpartition("/")[0]):
        raise SitegenError(root / relative, None, f"refusing to write: {relative!r} leads outside {root}")
    return os.path.join(base, relative)

"""Scan stage: every entry file and its digest, reading only the files whose stat changed since the last build.

A rebuild of a 50k-entry archive stats every file but reads almost none: a file
whose size, mtime, ctime and inode are as the last build recorded keeps the
digest recorded for it, as git's index does (racy-clean rule included).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import NamedTuple

from sitegen.cacherows import folder_of
from sitegen.content import ENTRIES_DIR


def _walk(root: str) -> list[tuple[str, FileStat]]:
    """The ``*.md`` files under ``root``: relative POSIX path and stat."""
    top = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        return _walk_folder(top, "")
    finally:
        os.close(top)


def _walk_folder(folder: int, rel: str) -> list[tuple[str, FileStat]]:
    """Plain strings, ``scandir`` and a descriptor per folder: pathlib is slow at 50k files, and a
    stat relative to an open folder skips looking up the whole path again for each file.
    """
    found: list[tuple[str, FileStat]] = []
    prefix = f"{rel}/" if rel else ""
    with os.scandir(folder) as scan:
        for item in scan:
            name = item.name
            if name.startswith("."):
                continue
            if item.is_dir(follow_symlinks=False):
                inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=folder)
                try:
                    found.extend(_walk_folder(inner, prefix + name))
                finally:
                    os.close(inner)
            elif name.endswith(".md"):
                stat = item.stat(follow_symlinks=False)
                if S_ISREG(stat.st_mode):  # not a link, a socket or a fifo
                    facts = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
                    found.append((prefix + name, _as_stat(facts)))
    return found


class FileStat(NamedTuple):
    """How a file looked when its digest was taken; while it still looks the same, the digest stands.

    A named tuple, not a dataclass: one is made per entry file per build, 50k of them.

    ctime and inode are in it as git's index has them: tools that restore an old
    mtime (``cp -p``, ``rsync -t``, ``touch -d``) still change the ctime.
    """

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int

    @classmethod
    def of(cls, stat: os.stat_result) -> FileStat:
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


#: ``FileStat`` from a plain tuple without the named tuple's Python-level ``__new__`` (50k per scan).
_as_stat: Callable[[tuple[int, int, int, int]], FileStat] = partial(tuple.__new__, FileStat)


#: A file changed this close to the moment its stat was recorded may change again within
#: the same timestamp tick (the kernel's coarse clock; 2 s on FAT), leaving an identical
#: stat: such a file is read again (git's "racy clean" rule, on ctime, which no tool can set).
RACY_NS = 2_000_000_000


KnownFile = tuple[int, int, int, int, str]


@dataclass(frozen=True)
class KnownFiles:
    """The last build's stat and digest per entry file, so an unchanged file need not be read."""

    #: rel → (size, mtime_ns, ctime_ns, inode when hashed, sha256 of the bytes, or "" when they were
    #: not read): plain tuples, as the cache stores them, because building 50k objects per rebuild
    #: is a cost of its own.
    files: Mapping[str, KnownFile]
    #: When the last build took those stats (``time.time_ns()``, before scanning).
    scanned_ns: int
    #: Changes whenever a digest in ``files`` does, so the cache can tell which record its parses
    #: were saved with ("" for none): see ``BuildCache.record_files``.
    token: str = ""

    @classmethod
    def of(cls, sources: Sources) -> KnownFiles:
        """What ``sources`` recorded, as the next build will see it."""
        return cls({source.rel: (*source.stat, source.digest) for source in sources.files}, sources.scanned_ns)

    def updated(self, sources: Sources, new_token: Callable[[], str]) -> tuple[KnownFiles, set[str]]:
        """This record with what ``sources`` read put in and the files gone taken out (a file not read is
        as recorded: that is why it was not read), and the folders in which it differs."""
        read = [source for source in sources.files if source.fresh or source.written]
        added = sum(1 for source in read if source.rel not in self.files)
        gone: set[str] = set()
        if len(self.files) + added != len(sources.files):
            gone = self.files.keys() - {source.rel for source in sources.files}
        files = dict(self.files)
        for rel in gone:
            del files[rel]
        # A file taken as an import wrote it was not read: its digest is no fact until it is read again (``reread``).
        # It is recorded without one (it exists, so a watcher's rescan keeps it, but it is read again).
        updates = [(source.rel, (*source.stat, "" if source.written else source.digest)) for source in read]
        digests = gone or any(self.files.get(rel, ("",) * 5)[4] != record[4] for rel, record in updates)
        files.update(updates)
        token = new_token() if digests or not self.token else self.token
        folders = {folder_of(rel) for rel, _record in updates} | {folder_of(rel) for rel in gone}
        return KnownFiles(files, sources.scanned_ns, token), folders


NO_KNOWN_FILES = KnownFiles({}, 0)


class SourceFile(NamedTuple):
    """One entry file: its digest, and its bytes if they had to be read to get it.

    A named tuple, not a dataclass: a rebuild makes one per entry file, 50k of them.
    """

    #: Path relative to content/entries, POSIX style.
    rel: str
    root: Path
    #: sha256 of the bytes: the build's identity for this file.
    digest: str
    stat: FileStat
    #: None when the stat matched the last build's, so the bytes were not needed (yet), or when the
    #: file was read again by ``reread`` (in another process, which keeps its bytes).
    raw: bytes | None = None
    #: The digest was taken from the bytes in this build (not the last build's record of them).
    fresh: bool = False
    #: The digest is of the bytes this build's import wrote, not read back: not a fact about the file
    #: (it may have changed since) until ``reread`` reads it, so it is recorded without it.
    written: bool = False

    @property
    def path(self) -> Path:
        return self.root / self.rel

    def read(self) -> bytes:
        """The file's bytes, read now if the stat check let the scan skip them."""
        return self.raw if self.raw is not None else self.read_fresh()

    def read_fresh(self) -> bytes:
        with open(os.path.join(self.root, self.rel), "rb") as handle:
            return handle.read()


#: ``SourceFile`` from a full tuple without the named tuple's Python-level ``__new__`` (50k per scan).
_as_source: Callable[[tuple[str, Path, str, FileStat, bytes | None, bool, bool]], SourceFile] = partial(
    tuple.__new__, SourceFile
)


@dataclass(frozen=True)
class Sources:
    """Every entry file in a stable order, and when they were looked at."""

    files: list[SourceFile]
    scanned_ns: int
    #: How many files matched the last build's record, so were not read: all of them means nothing new was learnt.
    reused: int = 0

    def as_recorded(self, known: KnownFiles) -> bool:
        """Every file matched ``known`` and none was read: recording them again would learn nothing."""
        return self.reused == len(self.files) == len(known.files)


def read_entry_files(
    site_dir: Path,
    known: KnownFiles = NO_KNOWN_FILES,
    changed: Iterable[str] | None = None,
    written: Mapping[str, str] | None = None,
) -> Sources:
    """Every entry file's digest, reading only files whose stat differs from ``known`` (or is too recent to trust).

    ``changed`` (from a file watcher: paths under content/entries touched since
    ``known`` was scanned) narrows the scan to those paths, when it can be trusted.
    ``written`` (path → digest) is what this build's import wrote: those files are
    taken as written rather than read back (see ``SourceFile.written``).
    """
    if changed is not None and (hinted := _rescan(site_dir, known, changed, written)) is not None:
        return hinted
    scanned_ns = time.time_ns()
    root = site_dir / ENTRIES_DIR
    if not root.is_dir():
        return Sources([], scanned_ns)
    return hash_files(root, sorted(_walk(str(root))), known, scanned_ns, written=written)


def still_as_recorded(site_dir: Path, known: KnownFiles) -> bool:
    """Every entry file is as ``known`` has it, and there are no others: a full scan, but no build."""
    sources = read_entry_files(site_dir, known)
    return [(s.rel, s.digest) for s in sources.files] == [(rel, known.files[rel][4]) for rel in sorted(known.files)]


def _rescan(
    site_dir: Path, known: KnownFiles, changed: Iterable[str], written: Mapping[str, str] | None
) -> Sources | None:
    """Only the ``changed`` paths looked at again; the other files keep their recorded stat and digest.

    None when the hint cannot be complete (nothing recorded, or a folder among the changes).
    """
    if not known.files:
        return None
    root = site_dir / ENTRIES_DIR
    found = {rel: FileStat(*row[:4]) for rel, row in known.files.items()}
    for rel in changed:
        parts = rel.split("/")
        if not rel or any(part in ("", ".", "..") for part in parts):
            return None
        if any(part.startswith(".") for part in parts):
            continue  # hidden: never an entry, and never a folder of entries
        try:
            stat = os.lstat(os.path.join(root, rel))
        except FileNotFoundError:
            stat = None
        except OSError:
            return None
        if stat is not None and S_ISDIR(stat.st_mode):
            return None  # a folder appeared (or moved in): what is in it is not in the hint
        if (stat is None or not S_ISREG(stat.st_mode)) and any(name.startswith(rel + "/") for name in found):
            return None  # a folder of entries went away (moved out, or replaced by a link)
        found.pop(rel, None)
        if stat is not None and rel.endswith(".md") and S_ISREG(stat.st_mode):
            found[rel] = FileStat.of(stat)
    return hash_files(root, sorted(found.items()), known, time.time_ns(), written=written)


def hash_files(
    root: Path,
    found: Sequence[tuple[str, FileStat]],
    known: KnownFiles,
    scanned_ns: int,
    *,
    unreadable_ok: bool = False,
    written: Mapping[str, str] | None = None,
) -> Sources:
    """The digest of each file ``found`` under ``root`` (taken ``scanned_ns``), reading only those whose stat
    differs from ``known`` or was too recent to trust when recorded, and are not among those ``written``.

    With ``unreadable_ok`` a file that cannot be read (a dangling link) gets an empty
    digest instead of an error: its stat still says when that changes.
    """
    trusted_before = known.scanned_ns - RACY_NS
    files = []
    reused = 0
    lookup = known.files.get
    as_written = (written or {}).get
    for rel, stat in found:
        previous = lookup(rel)
        # A record without a digest (see ``SourceFile.written``) only says the file exists.
        if previous is not None and previous[:4] == stat and stat.ctime_ns < trusted_before and previous[4]:
            files.append(_as_source((rel, root, previous[4], stat, None, False, False)))
            reused += 1
            continue
        digest = as_written(rel)
        if digest is not None:
            files.append(_as_source((rel, root, digest, stat, None, False, True)))
            continue
        try:
            with open(os.path.join(root, rel), "rb") as handle:
                raw = handle.read()
        except OSError:
            if not unreadable_ok:
                raise
            files.append(SourceFile(rel, root, "", stat))
            continue
        files.append(SourceFile(rel, root, hashlib.sha256(raw).hexdigest(), stat, raw, fresh=True))
    return Sources(files, scanned_ns, reused)


def unsettled(sources: Sources) -> list[int]:
    """Which of ``sources`` were read in this build but too recently changed to trust their stat (RACY_NS),
    or taken as the import wrote them without being read."""
    recent = sources.scanned_ns - RACY_NS
    return [
        index
        for index, source in enumerate(sources.files)
        if (source.fresh and source.stat.ctime_ns >= recent) or source.written
    ]


class Reread(NamedTuple):
    """What ``reread`` learnt, as plain tuples: it is sent back from another process, and 50k ``SourceFile``
    named tuples took longer to pickle and unpickle (0.75 s) than to read the files again."""

    #: When the stats were taken (before any of them).
    scanned_ns: int
    #: (sha256, size, mtime_ns, ctime_ns, inode) for each pending file, in ``pending`` order.
    facts: list[tuple[str, int, int, int, int]]


def reread(sources: Sources, pending: Sequence[int]) -> Reread | None:
    """The ``pending`` files of ``sources`` (see ``unsettled``) stat'ed and read again now that their stats can be
    trusted; None when there are none, or some are still too recent (or gone).

    A cold build reads files an import wrote moments before: their stats prove
    nothing yet, and without this the next build would read them all again. A
    build that ran long enough can take their stat and digest anew, so the next
    build trusts them. This may run in another process; ``settled`` puts the
    result into ``sources``.
    """
    now = time.time_ns()
    if not pending:
        return None
    facts = []
    files = sources.files
    for index in pending:
        source = files[index]
        try:
            stat = os.stat(source.path)
            if stat.st_ctime_ns >= now - RACY_NS:
                return None  # still too recent: the next build reads them again
            digest = hashlib.sha256(source.read_fresh()).hexdigest()  # read after the stat: a later change shows
        except FileNotFoundError:
            return None  # gone already: the next build sees that
        facts.append((digest, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
    return Reread(now, facts)


def settled(sources: Sources, pending: Sequence[int], found: Reread) -> Sources:
    """``sources`` with what ``reread`` found for the ``pending`` files: their bytes are not kept."""
    files = list(sources.files)
    for index, (digest, size, mtime_ns, ctime_ns, ino) in zip(pending, found.facts, strict=True):
        stat = _as_stat((size, mtime_ns, ctime_ns, ino))
        files[index] = _as_source((files[index].rel, files[index].root, digest, stat, None, True, False))
    return Sources(files, found.scanned_ns)

"""Write stage: stage new bytes beside the output folder, then commit them as one transaction.

Only files whose bytes changed are staged (unchanged files keep their mtime,
so hosts upload only what changed), and files a previous build produced that
nothing produces any more are pruned. Nothing the build did not produce is
ever deleted.

Atomicity: new bytes go to a staging folder beside the output first (render
workers write there directly). Only when everything is staged is a journal
written; then each old file is moved to a backup folder and its replacement
moved in. Deleting the journal is the commit point. A build killed before that
(even by SIGKILL) is rolled back by ``recover()`` at the next start, leaving the
previous site byte-identical.

Into an existing site, the staging and backup folders are flat (one file per
output, named by a hash of its path or its place in the journal): a folder per
entry page would mean tens of thousands of mkdirs and rmdirs per full rebuild,
which on real disks cost more than writing the pages. A first build (no output
folder yet) stages the site as the tree it will be instead: it needs every
folder anyway, the render workers make them in parallel, and the commit is one
atomic rename of the whole tree, so it needs no journal either.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sitegen.cacherows import OutputRecord
from sitegen.errors import BuildFailed

JOURNAL_VERSION = 3


def _sibling(out_dir: Path, what: str) -> Path:
    return out_dir.parent / f".{out_dir.name}.sitegen-{what}"


def stage_dir(out_dir: Path) -> Path:
    """Where a build puts its new files before committing them."""
    return _sibling(out_dir, "stage")


def staged_name(rel: str) -> str:
    """An output's file name in the flat staging folder."""
    return hashlib.sha256(rel.encode()).hexdigest()[:32]


def safe_relpath(path: str) -> str:
    """Refuse any output path that could land outside the output folder."""
    if (
        not path
        or "\x00" in path
        or "\\" in path
        or path.startswith("/")
        or any(part in ("", ".", "..") for part in path.split("/"))
    ):
        raise BuildFailed(f"refusing to write unsafe output path {path!r}")
    return path


def _ensure_dir(folder: str, made: set[str]) -> None:
    """mkdir -p, once per folder per process: at 50k pages the repeated calls cost seconds."""
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)


@dataclass(frozen=True)
class Staging:
    """Where one build's new files wait for the commit, and in which layout (see the module docstring)."""

    out_dir: Path
    #: The output folder did not exist: files are staged under their own paths and committed by one rename.
    tree: bool
    #: The staging folder as a string, worked out once: pathlib's joins cost more per page than the writes.
    folder: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "folder", str(stage_dir(self.out_dir)))

    @classmethod
    def begin(cls, out_dir: Path) -> Staging:
        """The staging for a build into ``out_dir``, as the folder is now."""
        return cls(out_dir, not os.path.lexists(out_dir))

    def path(self, rel: str) -> str:
        """Where the output ``rel`` is staged."""
        return f"{self.folder}/{rel if self.tree else staged_name(rel)}"

    def write(self, rel: str, data: bytes, made: set[str] | None = None) -> None:
        """Stage one new output (safe to call from worker processes).

        ``made`` remembers folders already created, so a caller writing many files skips repeated mkdirs.
        """
        target = self.path(safe_relpath(rel))
        try:
            _ensure_dir(os.path.dirname(target), made if made is not None else set())
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise BuildFailed(f"could not write {rel}: {exc.strerror or exc}; the previous site is untouched") from None

    def read(self, rel: str) -> bytes:
        """An output's final bytes: freshly staged, or as the last build left it in the output folder."""
        try:
            with open(self.path(rel), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return (self.out_dir / rel).read_bytes()


def on_disk(out_dir: Path, rel: str, record: OutputRecord | None) -> bool:
    """The file the last build wrote is still there, at the size it wrote."""
    if record is None:
        return False
    try:
        return os.stat(f"{out_dir}/{rel}").st_size == record.size  # a string path: pathlib costs more than the stat
    except OSError:
        return False


def same_on_disk(out_dir: Path, rel: str, data: bytes) -> bool:
    """The output folder already holds exactly ``data`` at ``rel`` (read only when the size matches).

    So a build without records of the last one (its cache was discarded) still leaves
    unchanged files, and their mtimes, alone.
    """
    path = f"{out_dir}/{rel}"
    try:
        found = os.lstat(path)
        if not stat.S_ISREG(found.st_mode) or found.st_size != len(data):
            return False
        with open(path, "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def absent_outputs(out_dir: Path, previous: Mapping[str, OutputRecord]) -> frozenset[str]:
    """The files the last build wrote that are no longer in place (a cheap stat check, not a re-read).

    Their pages are made again even when nothing they show changed: someone deleted or cut them.
    """
    try:
        top = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return frozenset(previous)  # no output folder (or not one): every file is gone
    absent = []
    try:
        for rel, record in previous.items():
            try:  # relative to the open folder: the kernel does not look up its path 60k times
                if os.stat(rel, dir_fd=top).st_size != record.size:
                    absent.append(rel)
            except OSError:
                absent.append(rel)
    finally:
        os.close(top)
    return frozenset(absent)


def recover(out_dir: Path) -> bool:
    """Undo an interrupted commit and clear temp litter; True when anything was rolled back."""
    journal_path = _sibling(out_dir, "journal")
    stage = stage_dir(out_dir)
    backup = _sibling(out_dir, "backup")
    rolled_back = False
    if journal_path.exists():
        import json  # here and in ``commit``: a build with nothing to write never loads it

        journal = json.loads(journal_path.read_text(encoding="utf-8"))
        flat = journal.get("version", 1) != 1  # version 1 kept staged and old files under their own paths
        tree = not flat or journal.get("tree", False)  # so does a first build's staging
        for index, rel in enumerate(journal["changed"]):
            old, target = backup / (f"c{index}" if flat else rel), out_dir / rel
            new = stage / (rel if tree else staged_name(rel))
            if old.exists():
                os.replace(old, target)
            elif not new.exists() and target.exists():
                target.unlink()  # a file this build added: the previous site did not have it
        for index, rel in enumerate(journal["removed"]):
            old = backup / (f"r{index}" if flat else rel)
            if old.exists():
                (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(old, out_dir / rel)
        journal_path.unlink()
        _prune_empty_dirs(out_dir, journal["changed"])  # folders made for files this build added
        if journal.get("created") and out_dir.is_dir() and not any(out_dir.iterdir()):
            out_dir.rmdir()  # a first build: there was no site before it
        rolled_back = True
    for litter in (stage, backup, _sibling(out_dir, "journal.tmp")):
        if litter.is_dir():
            shutil.rmtree(litter)
        elif litter.exists():
            litter.unlink()
    return rolled_back


def _prune_empty_dirs(out_dir: Path, removed: Iterable[str]) -> None:
    for rel in sorted({str(PurePosixPath(r).parent) for r in removed}, key=len, reverse=True):
        folder = out_dir / rel
        while folder != out_dir and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def commit(staging: Staging, staged: Iterable[str], removed: Iterable[str]) -> None:
    """Move the staged files into the output folder and drop ``removed``, all or nothing."""
    import json

    out_dir = staging.out_dir
    staged = sorted(safe_relpath(rel) for rel in staged)
    removed = [safe_relpath(rel) for rel in removed if (out_dir / rel).exists()]
    stage = stage_dir(out_dir)
    if not staged and not removed:
        shutil.rmtree(stage, ignore_errors=True)
        return
    if staging.tree and not os.path.lexists(out_dir):
        try:
            os.replace(stage, out_dir)  # the whole first build at once: atomic, so no journal
        except OSError as exc:
            recover(out_dir)
            raise BuildFailed(f"could not write the site to {out_dir}: {exc.strerror or exc}") from None
        return
    backup = _sibling(out_dir, "backup")
    try:
        created = not out_dir.exists()
        journal_tmp = _sibling(out_dir, "journal.tmp")
        with journal_tmp.open("w", encoding="utf-8") as handle:
            journal = {
                "version": JOURNAL_VERSION,
                "created": created,
                "tree": staging.tree,
                "changed": staged,
                "removed": removed,
            }
            json.dump(journal, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(journal_tmp, _sibling(out_dir, "journal"))
        out_dir.mkdir(parents=True, exist_ok=True)
        backup.mkdir(exist_ok=True)
        made: set[str] = set()
        for index, rel in enumerate(staged):
            target = os.path.join(out_dir, rel)
            if os.path.lexists(target):
                os.replace(target, os.path.join(backup, f"c{index}"))
            else:
                _ensure_dir(os.path.dirname(target), made)
            os.replace(staging.path(rel), target)
        for index, rel in enumerate(removed):
            os.replace(os.path.join(out_dir, rel), os.path.join(backup, f"r{index}"))
    except OSError as exc:
        recover(out_dir)
        raise BuildFailed(
            f"could not write the site to {out_dir}: {exc.strerror or exc}; the previous site is untouched"
        ) from None
    _sibling(out_dir, "journal").unlink()  # the commit point
    shutil.rmtree(backup, ignore_errors=True)
    shutil.rmtree(stage, ignore_errors=True)
    _prune_empty_dirs(out_dir, removed)


def write_all(out_dir: Path, files: dict[str, bytes], removed: Iterable[str] = ()) -> None:
    """Stage and commit in one call (for small writers and tests); a failure leaves no litter."""
    staging = Staging.begin(out_dir)
    try:
        for rel, data in files.items():
            staging.write(rel, data)
    except BuildFailed:
        recover(out_dir)
        raise
    commit(staging, files, removed)

"""Watch a site's inputs and report each burst of changes once, for ``sitegen serve``.

What is watched: ``site.toml``, everything under ``content/`` (entries, topics
and raw dumps, so a new dump gets imported) and under ``themes/``. Watching
only those roots, instead of the whole site folder, keeps the output folder,
the build cache and ``.git`` out by construction; a second filter drops editor
litter (swap, backup and temp files) so that saving in vim or an IDE never
triggers a build of a half-saved state, and the server never triggers itself.

Why a debounce: one save is often several events (vim: rename to a backup,
create, write, delete the backup; a ``git checkout`` touches hundreds of
files). We wait until the tree is quiet for ``debounce`` seconds and report
every path touched, so a burst costs one rebuild. ``max_delay`` bounds the
wait, so a process that writes without pause still gets rebuilds.

Why moves count twice: editors that save by writing a temp file and renaming
it over the original produce only a "moved" event whose *destination* is the
real file; a file renamed away (or to a backup name) is gone from the site, so
its *source* counts as well.
"""

from __future__ import annotations

import fnmatch
import os
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

#: The inputs of a site, relative to its folder: recursive roots, and single files.
WATCHED_DIRS = ("content", "themes")
WATCHED_FILES = ("site.toml",)
#: File names no editor means as content: swap, backup, lock and temp files. Hidden files
#: (``.name``, e.g. ``.entry.md.swp`` or a temp file before its rename) are never inputs either:
#: the build skips them too.
IGNORED_NAMES = (
    ".*",
    "*.swp",
    "*.swo",
    "*.swx",
    "*~",
    "#*#",
    "4913",
    "*.tmp",
    "*.part",
    "*___jb_tmp___",
    "*___jb_old___",
)
#: Folders whose contents are never inputs (version control, caches, the build cache).
IGNORED_DIRS = (".git", ".hg", ".svn", ".sitegen", "__pycache__", "node_modules")
#: Only changes to the tree count; "opened" and "closed" events (the build reading
#: the inputs!) must not, or every build would trigger the next one.
EVENT_TYPES: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]

OnChange = Callable[[frozenset[Path]], object]


def _as_path(raw: bytes | str) -> Path:
    return Path(os.fsdecode(raw))


class InputFilter:
    """Decides whether a changed path is a site input; pure, so it is tested without a file system."""

    def __init__(self, site_dir: Path, ignore: Iterable[Path] = ()) -> None:
        self.site_dir = Path(os.path.abspath(site_dir))
        self.ignore = tuple(Path(os.path.abspath(path)) for path in ignore)

    def accepts(self, path: Path) -> bool:
        """True when ``path`` (absolute) is an input of the site and not editor or build litter."""
        path = Path(os.path.abspath(path))
        if any(path == folder or path.is_relative_to(folder) for folder in self.ignore):
            return False
        try:
            rel = path.relative_to(self.site_dir)
        except ValueError:
            return False
        parts = rel.parts
        if not parts:
            return False
        if len(parts) == 1 and parts[0] in WATCHED_FILES:
            return True
        if parts[0] not in WATCHED_DIRS:
            return False
        if any(part in IGNORED_DIRS for part in parts) or ".sitegen-" in rel.as_posix():
            return False
        return not any(fnmatch.fnmatchcase(parts[-1], pattern) for pattern in IGNORED_NAMES)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type == "modified" and event.is_directory:
            return  # a folder's mtime moved because a file in it changed: that file has its own event
        paths = [_as_path(event.src_path)]
        if event.dest_path:
            paths.append(_as_path(event.dest_path))
        self.watcher.notify(paths)


class Watcher:
    """Calls ``on_change(paths)`` once per burst of input changes, on its own thread, never concurrently.

    Changes that arrive while ``on_change`` runs are collected and reported in
    the next call, so a rebuild never misses a save made during the previous one.
    ``on_idle``, if given, is called once when ``idle_after`` seconds pass with no
    change after a burst (on the same thread, so never during ``on_change``).
    """

    def __init__(
        self,
        site_dir: Path,
        on_change: OnChange,
        *,
        ignore: Iterable[Path] = (),
        poll: bool = False,
        debounce: float = 0.05,
        max_delay: float = 1.0,
        poll_interval: float = 0.5,
        on_idle: Callable[[], object] | None = None,
        idle_after: float = 1.0,
    ) -> None:
        self.site_dir = Path(os.path.abspath(site_dir))
        self.filter = InputFilter(self.site_dir, ignore)
        self.on_change = on_change
        self.on_idle = on_idle
        self.idle_after = idle_after
        #: When ``on_idle`` is next due (``time.monotonic()``); None when no burst is waiting for it.
        self._idle_due: float | None = None
        self.debounce = debounce
        self.max_delay = max_delay
        self.observer: BaseObserver = PollingObserver(timeout=poll_interval) if poll else Observer()
        self._handler = _Handler(self)
        self._scheduled: dict[Path, ObservedWatch] = {}
        self._cond = threading.Condition()
        self._pending: set[Path] = set()
        self._first = 0.0
        self._last = 0.0
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sitegen-watch", daemon=True)

    def start(self) -> None:
        """Begin watching; changes made after this returns are reported."""
        # watchdog warns when it adds a watch twice for a folder tree created at once (an import
        # writing a year of day folders); it is harmless and would bury the rebuild messages.
        warnings.filterwarnings("ignore", r"Callback with id .* already exists", RuntimeWarning, r"watchdog\.")
        self.observer.schedule(self._handler, str(self.site_dir), recursive=False, event_filter=EVENT_TYPES)
        for name in WATCHED_DIRS:
            self._watch_dir(self.site_dir / name)
        self.observer.start()
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and wait for a running ``on_change`` (a build) to return."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self.observer.stop()
        if self.observer.is_alive():
            self.observer.join(timeout=5)
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

    def _watch_dir(self, folder: Path) -> None:
        """Watch ``content/`` or ``themes/`` recursively once it exists (a new site may lack ``themes/``),
        and again after it was removed and made anew (a ``git checkout`` can do that)."""
        watch = self._scheduled.pop(folder, None)
        if watch is not None and not folder.is_dir():
            self.observer.unschedule(watch)
            return
        if watch is not None:
            self._scheduled[folder] = watch
            return
        if folder.is_dir():
            self._scheduled[folder] = self.observer.schedule(
                self._handler, str(folder), recursive=True, event_filter=EVENT_TYPES
            )

    def notify(self, paths: Iterable[Path]) -> None:
        """Record changed paths (called from the observer thread; cheap, never blocks on a build)."""
        accepted = [path for path in paths if self.filter.accepts(path)]
        if not accepted:
            return
        for path in accepted:
            if path.parent == self.site_dir and path.name in WATCHED_DIRS:
                with suppress(OSError, KeyError):  # created and removed again at once: nothing to watch
                    self._watch_dir(path)
        now = time.monotonic()
        with self._cond:
            if not self._pending:
                self._first = now
            self._pending.update(accepted)
            self._last = now
            self._cond.notify_all()

    def _take_burst(self) -> frozenset[Path] | None:
        """Block until a burst is over (quiet for ``debounce``, or ``max_delay`` old) or the idle time
        has come (an empty set); None when stopping."""
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                if not self._pending:
                    if self._idle_due is not None and now >= self._idle_due:
                        self._idle_due = None
                        return frozenset()
                    self._cond.wait(timeout=None if self._idle_due is None else self._idle_due - now)
                    continue
                due = min(self._last + self.debounce, self._first + self.max_delay)
                if now >= due:
                    burst = frozenset(self._pending)
                    self._pending.clear()
                    return burst
                self._cond.wait(timeout=due - now)
            return None

    def _run(self) -> None:
        while (burst := self._take_burst()) is not None:
            try:
                if burst:
                    self.on_change(burst)
                elif self.on_idle is not None:
                    self.on_idle()
            except Exception:  # a bug in the callback must not end watching for the session
                traceback.print_exc()
            if burst and self.on_idle is not None:
                with self._cond:
                    self._idle_due = time.monotonic() + self.idle_after

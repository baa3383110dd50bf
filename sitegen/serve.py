"""``sitegen serve``: build, serve the output folder, rebuild on change and reload open pages.

How the pieces fit:

* ``DevServer`` binds first (so ``--port 0`` knows its port before building
  with ``base_url = http://host:port/<site path>``), then watches, serves and
  builds. Tests run it in-process; ``serve()`` is the CLI around it.
* Rebuilds are ordinary incremental ``build()`` calls: the build cache already
  re-renders only pages whose inputs changed (an entry edit → that entry, its
  day and its indexes; a template → everything). Dumps are imported only when
  something under ``content/raw`` changed, which keeps an entry edit fast.
  Between builds the server keeps the cache's tables in a ``Memo`` and tells
  each build which entry files the watcher saw change, so a save in a large
  archive does not reload and rescan everything.
* The page an editor looks at does not wait for the rebuild: the reload
  client names its page, and when an edit leaves its entry in place the open
  day page, permalink, month page or home page is rendered first
  (``sitegen.preview``), served from memory and reloaded alone. The rebuild
  then runs as usual, once the browser has fetched the page and at a lower CPU
  priority than the browser; a previewed page whose built bytes are the same
  keeps its token, so it does not reload twice.
* Requests are not held up by rebuilds (a template change on a large site
  takes a while, a no-op rebuild after an import too): the build stages every
  file and renames it into place, so a file read at any moment is complete,
  the last good version or the new one, never half-written. What a commit
  can briefly show is a *missing* file (renamed out before its successor is
  renamed in, or not written yet), so a request that finds nothing while a
  build runs waits for that build and looks again. A failed build commits
  nothing, so the last good site stays online. ``sitegen.devfiles`` answers
  requests; ``DevServer`` only tells it the site's path prefix and the pages
  previewed ahead of a rebuild.
* The reload client (``sitegen.reload``: ``/__sitegen/reload.js``, plus a
  server-sent event stream served by ``sitegen.devhttp``) is injected into
  HTML responses only, never written to disk, so ``sitegen build`` output
  stays clean. Each response carries the *token* of the site it came from;
  the event stream tells a page to reload as soon as the token changes, even
  if the change happened before the page connected.
  While the last build failed, it sends the problems instead, and the page
  shows them as an overlay until a fixed build changes the token.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitegen.build import BuildResult, build
from sitegen.cache import Memo
from sitegen.config import load_config
from sitegen.content import ENTRIES_DIR
from sitegen.devfiles import OutputFiles
from sitegen.devhttp import DevHandler, DevHTTPServer
from sitegen.errors import BuildFailed, Problem, SitegenError
from sitegen.markdown import preload as preload_markdown
from sitegen.preview import render_open_pages
from sitegen.progress import Progress
from sitegen.reload import SiteState, StateBoard
from sitegen.scan import still_as_recorded
from sitegen.watch import Watcher

#: How long a request that found nothing waits for the build in progress before a 503 (bounded).
BUILD_WAIT = 300.0
#: The watcher's rebuilds run this much nicer than the server (higher is lower priority), behind the browser.
BEHIND = 5
#: After serving a preview, the rebuild waits this long at most for a browser to fetch it.
HEAD_START = 0.25


class BuildGate:
    """One build at a time (the watcher's and the first one), and a way to wait until none runs."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._building = False

    @contextmanager
    def building(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._building)
            self._building = True
        try:
            yield
        finally:
            with self._cond:
                self._building = False
                self._cond.notify_all()

    def wait_idle(self, timeout: float = BUILD_WAIT) -> bool:
        """Block while a build runs; False if it still runs after ``timeout``."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._building, timeout)


@dataclass(frozen=True)
class BuildRecord:
    """One rebuild: when it started (``time.perf_counter``), how long it took, what set it off."""

    started: float
    seconds: float
    changed: frozenset[Path]
    result: BuildResult | None  # None: it failed
    #: Seconds after ``started`` at which open pages were served a preview of the edit (None: none was).
    previewed: float | None = None


def local_base_url(host: str, port: int, path: str) -> str:
    """The URL pages are built for when previewed: this server, at the site's own path prefix."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}{path}"


class DevServer:
    """The preview server: start() builds and serves, stop() ends it; usable in-process (port 0 is fine)."""

    def __init__(
        self,
        site_dir: Path,
        out_dir: Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        base_url: str | None = None,
        poll: bool = False,
        debounce: float = 0.05,
        search_after: float = 1.0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.site_dir = Path(os.path.abspath(site_dir))
        self.out_dir = Path(os.path.abspath(out_dir if out_dir is not None else self.site_dir / "public"))
        self.user_base_url = base_url
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.gate = BuildGate()
        self.board = StateBoard()
        #: What a GET is answered with: the output folder, the pages previewed ahead of a rebuild, the 404.
        self.files = OutputFiles(self.out_dir, self.board, self.gate.wait_idle)
        self.base_path = self._site_path(urlsplit(base_url).path if base_url else None)
        self._import_pending = True
        #: Cache tables kept loaded between this server's builds (checked against the cache each time).
        self.memo = Memo()
        #: Entry files (relative to content/entries) touched since the last successful build, so the
        #: next one looks at those alone; None: scan them all (the first build, or a folder moved).
        self._touched: set[str] | None = None
        self._warnings: set[str] = set()
        #: The thread ``_rebuild_behind`` made nicer (nice is per thread, and cannot be undone).
        self._behind: int | None = None
        #: The last successful build, and the latest builds (for the log, tests and benchmarks).
        self.last_result: BuildResult | None = None
        self.history: deque[BuildRecord] = deque(maxlen=100)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            self.httpd = DevHTTPServer((host, port), DevHandler, family, self.files)
        except OSError as error:
            raise SitegenError(
                None, None, f"cannot listen on {host}:{port}: {error.strerror}", "choose another --port"
            ) from None
        self.host, self.port = host, int(self.httpd.server_address[1])
        #: A rebuild after an edit leaves the search index for later (Pagefind takes longer than the
        #: edit itself); it is brought up to date once the editor pauses for ``search_after`` seconds.
        self._search_stale = False
        #: The last build looked only at the files the watcher named; the pause rescans them all.
        self._hinted = False
        self.watcher = Watcher(
            self.site_dir,
            self._rebuild_behind,
            ignore=[self.out_dir],
            poll=poll,
            debounce=debounce,
            on_idle=self.catch_up,
            idle_after=search_after,
        )
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="sitegen-http", daemon=True)

    @property
    def base_path(self) -> str:
        """The site's path prefix as served (``/`` or e.g. ``/archive/``), from site.toml or ``--base-url``."""
        return self.files.base_path

    @base_path.setter
    def base_path(self, value: str) -> None:
        self.files.base_path = value

    @property
    def url(self) -> str:
        """Where a browser finds the site's home page."""
        return local_base_url(self.host, self.port, self.base_path)

    def _site_path(self, given: str | None) -> str:
        """The site's path prefix (``/`` or e.g. ``/archive/``); a broken site.toml is reported by the build."""
        if given is None:
            try:
                given = load_config(self.site_dir).base_path
            except SitegenError:
                if not (self.site_dir / "site.toml").is_file():
                    raise  # not a site at all: a wrong --site, not an editing mistake
                given = self.base_path  # keep the last good prefix while site.toml is broken
        return "/" + given.strip("/") + "/" if given.strip("/") else "/"

    def start(self) -> None:
        """Watch, serve, and run the first build; returns once the site is online (or its errors are)."""
        self.watcher.start()
        self._thread.start()
        self.rebuild(frozenset())
        preload_markdown()  # builds load it only for bodies that need it; a preview should not wait for it

    def stop(self) -> None:
        """Stop watching and serving, after the build in progress; open event streams end at once."""
        if not self.gate.wait_idle(0):
            self.log(
                "waiting for the build in progress to finish; Ctrl-C again quits at once (safely: builds are atomic)"
            )
        self.watcher.stop()
        self.board.close()
        self.httpd.shutdown()
        self.httpd.close_connections()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    # -- building -------------------------------------------------------------------------

    def catch_up(self) -> SiteState | None:
        """When the editor pauses: index for search what edits left out, and scan every entry file
        (a rebuild after a save looks only at the files the watcher named; an event may have been lost).
        """
        if self._hinted and not self._search_stale:
            known = self.memo.entry_files()
            # No event was lost: nothing to build (nor to hold the next save up).
            self._hinted = known is None or not still_as_recorded(self.site_dir, known)
        if not (self._search_stale or self._hinted):
            return None
        self._touched = None
        return self.rebuild(frozenset(), search=True)

    def _rebuild_behind(self, changed: frozenset[Path]) -> None:
        """``rebuild``, for the watcher: its thread (and the workers it forks) yield the CPU to the browser
        showing a page, so a rebuild behind a preview does not slow that page's reload (Linux: a thread's
        own nice value). Set once: an unprivileged process cannot raise it again.
        """
        thread = threading.get_native_id()
        if sys.platform.startswith("linux") and self._behind != thread:
            self._behind = thread
            with suppress(OSError, AttributeError):
                os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + BEHIND))
        self.rebuild(changed)

    def rebuild(self, changed: frozenset[Path], *, search: bool | None = None) -> SiteState:
        """Build once and publish the outcome; never raises, so one bad save cannot end the session.

        ``search`` defaults to indexing only on the first build (no ``changed`` paths): after an
        edit the pages go out first and the search index follows when the editor pauses.
        """
        search = not changed if search is None else search
        raw = self.site_dir / "content" / "raw"
        stream = io.StringIO()
        with self.gate.building():
            started = time.perf_counter()
            # Inside the gate: a build running when ``changed`` came in resets what was touched.
            self._note_touched(changed)
            hinted = self._touched is not None
            shown = self._show_first(changed)
            previewed = time.perf_counter() - started if shown else None
            if shown:  # the rebuild would share the CPU with the reloading browser: let it fetch first
                self.files.fetched.wait(HEAD_START)
            run_import = self._import_pending or any(path.is_relative_to(raw) for path in changed)
            base_path = self.base_path if self.user_base_url else self._site_path(None)
            base_url = self.user_base_url or local_base_url(self.host, self.port, base_path)
            outcome = self._build(base_url, run_import, search, Progress(quiet=True, stream=stream))
            failing = bool(self.board.state.problems)
            # What the build made of each previewed page; its preview is kept where they are the same.
            settled = {page for page, data in shown.items() if self._read_page(page) == data}
            self.files.overlay = {}
            if isinstance(outcome, BuildResult):
                self._import_pending = False
                self._touched, self._hinted = set(), hinted
                self.base_path = base_path
                self.last_result = outcome
                self._search_stale = outcome.search_pending and not search
                fresh = outcome.written + outcome.removed > outcome.search_changed
                reload = fresh or failing or self.board.state.builds == 0
                self.board.publish((), reload=reload, keep=settled if shown else None)
            else:
                self._import_pending = run_import  # a failed import is retried with the next build
                self.board.publish(outcome, reload=False, keep=())
            seconds = time.perf_counter() - started
            self.history.append(
                BuildRecord(started, seconds, changed, outcome if isinstance(outcome, BuildResult) else None, previewed)
            )
        if isinstance(outcome, BuildResult):
            what = ", ".join(sorted(self._rel(path) for path in changed)[:3]) + (" …" if len(changed) > 3 else "")
            # A pause's rescan that found nothing new is not worth a line.
            if changed or outcome.written or outcome.removed or self.board.state.builds == 1:
                self.log(
                    f"{'rebuilt' if changed else 'built'} in {seconds:.2f}s: {outcome.written} written, "
                    f"{outcome.removed} removed"
                    + (f" ({what})" if what else "")
                    + (f"; the open page was shown after {previewed:.2f}s" if previewed is not None else "")
                    + (f"; search index updated ({outcome.search_changed} files)" if outcome.search_changed else "")
                )
        else:
            self.log("build failed; still serving the last good version:\n  " + "\n  ".join(outcome))
        self._report_warnings(stream.getvalue())
        return self.board.state

    def _show_first(self, changed: frozenset[Path]) -> dict[str, bytes]:
        """Render the open pages an entry edit changes and serve them now, ahead of the rebuild
        (``sitegen.preview``); URL path → bytes of the pages so served.

        Only when the last build succeeded and the edit is all that changed since: then the last
        build's archive with the edit swapped in is the one the rebuild will index.
        """
        state, entries = self.memo.rendered, self.site_dir / ENTRIES_DIR
        if state is None or not changed or self._touched is None or self.board.state.problems:
            return {}
        if self._import_pending or not all(path.suffix == ".md" and path.is_relative_to(entries) for path in changed):
            return {}
        edited = {path.relative_to(entries).as_posix() for path in changed}
        base = self.base_path
        open_urls = {page[len(base) :] for page in self.board.open_pages() if page.startswith(base)}
        if edited != self._touched or not open_urls:
            return {}
        try:
            pages = render_open_pages(state, entries, edited, open_urls)
        except (SitegenError, BuildFailed):
            return {}  # the rebuild reports it, with file and line
        except Exception:  # a bug here must not cost the rebuild
            traceback.print_exc()
            return {}
        shown = {base + url: data for url, data in pages.items() if self._read_page(base + url) != data}
        if shown:
            self.files.fetched.clear()
            self.files.overlay = shown  # before the tokens: a page never carries a token newer than its bytes
            self.board.preview(shown)
        return shown

    def _read_page(self, page: str) -> bytes | None:
        """The output file behind a folder URL path (``/2014/01/08/``) as it is on disk now."""
        rel = page[len(self.base_path) :]
        try:
            return (self.out_dir / rel / "index.html").read_bytes()
        except OSError:
            return None

    def _note_touched(self, changed: frozenset[Path]) -> None:
        """Add the entry files among ``changed`` to those the next build must look at."""
        entries = self.site_dir / ENTRIES_DIR
        if self._touched is None:
            return
        for path in changed:
            if entries.is_relative_to(path):  # content/ or content/entries itself moved
                self._touched = None
                return
            if path.is_relative_to(entries):
                self._touched.add(path.relative_to(entries).as_posix())

    def _build(
        self, base_url: str, run_import: bool, search: bool, progress: Progress
    ) -> BuildResult | tuple[str, ...]:
        """The build's result, or its problems as ``path:line: message`` lines for the overlay."""
        try:
            return build(
                self.site_dir,
                self.out_dir,
                base_url=base_url,
                progress=progress,
                run_import=run_import,
                search=search,
                memo=self.memo,
                entries_changed=self._touched,
            )
        except SitegenError as error:
            return tuple(self._describe(problem) for problem in error.problems)
        except BuildFailed as error:
            return (str(error),)
        except Exception as error:  # a bug in sitegen: keep serving, say so, keep the traceback
            traceback.print_exc()
            return (f"internal error: {type(error).__name__}: {error}",)

    def _rel(self, path: Path | None) -> str:
        if path is None:
            return ""
        return (
            str(path.relative_to(self.site_dir))
            if path.is_absolute() and path.is_relative_to(self.site_dir)
            else str(path)
        )

    def _describe(self, problem: Problem) -> str:
        """``path:line: message`` with the path relative to the site, as an editor would open it."""
        where = self._rel(problem.path)
        if where and problem.line:
            where += f":{problem.line}"
        text = f"{where}: {problem.message}" if where else problem.message
        return text + (f"\n  hint: {problem.hint}" if problem.hint else "")

    def _report_warnings(self, output: str) -> None:
        """Say each build warning once per session, not on every rebuild."""
        lines = {line for line in output.splitlines() if line.strip()}
        for line in sorted(lines - self._warnings):
            self.log(line)
        self._warnings = lines


def serve(site_dir: Path, out_dir: Path, *, host: str, port: int, base_url: str | None, poll: bool) -> int:
    """Build, serve, watch and reload until Ctrl-C (or SIGTERM); returns the exit code.

    The first Ctrl-C while serving stops cleanly (exit 0), after a rebuild in
    progress; one during the first build, or a second one, interrupts at once
    (the build is atomic, so the output folder stays consistent).
    """
    stop = threading.Event()
    serving = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        if not serving.is_set() or stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, signal.SIGTERM):
            previous[number] = signal.signal(number, on_signal)
    try:
        server = DevServer(site_dir, out_dir, host=host, port=port, base_url=base_url, poll=poll)
        try:
            server.start()
            print(f"Serving {server.site_dir} at {server.url}  (Ctrl-C to stop)", flush=True)
            if host not in ("127.0.0.1", "::1", "localhost"):
                print(f"warning: listening on {host}: other machines can reach this preview", file=sys.stderr)
            serving.set()
            while not stop.wait(0.5):
                pass
            print("stopping…", file=sys.stderr, flush=True)
        finally:
            server.stop()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("stopped", file=sys.stderr, flush=True)
    return 0

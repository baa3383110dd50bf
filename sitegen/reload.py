"""Live reload: the client script the dev server injects, and the site state its event streams follow.

Each page the dev server sends carries the *token* of the site it came from
(``inject``). The client opens an event stream (``EVENTS_PATH``) with that
token; the server answers as soon as the ``StateBoard`` holds another token
(reload) or problems (show them as an overlay), even if that happened before
the page connected. Nothing here is ever written to disk: ``sitegen build``
output stays clean.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

#: Everything the dev server adds lives under this prefix, outside any site path.
PREFIX = "/__sitegen/"
CLIENT_PATH = PREFIX + "reload.js"
EVENTS_PATH = PREFIX + "events"
STATUS_PATH = PREFIX + "status"
#: Event streams send a comment this often (to notice closed tabs) and end after MAX_STREAM;
#: the browser reconnects by itself.
KEEPALIVE = 15.0
MAX_STREAM = 3600.0
CLIENT_JS = """\
(function () {
  "use strict";
  var me = document.currentScript, token = me ? me.getAttribute("data-token") : "", overlay = null;
  function show(problems) {
    if (overlay) { overlay.remove(); overlay = null; }
    if (!problems.length) { return; }
    overlay = document.createElement("div");
    overlay.id = "sitegen-overlay";
    overlay.setAttribute("role", "alert");
    Object.assign(overlay.style, {position: "fixed", top: "0", left: "0", right: "0", zIndex: "2147483647",
      maxHeight: "70vh", overflow: "auto", padding: "1rem 1.25rem", background: "#2b0b0b", color: "#ffecec",
      borderBottom: "4px solid #e5484d", font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"});
    var close = document.createElement("button"), title = document.createElement("strong"),
      list = document.createElement("pre");
    close.type = "button"; close.textContent = "\\u00d7"; close.setAttribute("aria-label", "Dismiss");
    close.style.cssFloat = "right"; close.onclick = function () { show([]); };
    title.textContent = "sitegen: rebuild failed \\u2014 showing the last good version; fix the file to reload.";
    Object.assign(list.style, {whiteSpace: "pre-wrap", margin: "0.5rem 0 0", font: "inherit"});
    list.textContent = problems.join("\\n");  // text, never markup: messages quote the user's input
    overlay.append(close, title, list);
    (document.body || document.documentElement).appendChild(overlay);
  }
  var source = new EventSource("__EVENTS__?since=" + encodeURIComponent(token) +
    "&page=" + encodeURIComponent(location.pathname));
  source.addEventListener("reload", function () { source.close(); location.reload(); });
  source.addEventListener("problems", function (event) { show(JSON.parse(event.data)); });
})();
""".replace("__EVENTS__", EVENTS_PATH)


@dataclass(frozen=True)
class SiteState:
    """What open pages need to know: which site is online, and why the last build failed (if it did)."""

    token: str
    problems: tuple[str, ...]
    builds: int
    #: (URL path, token) of pages served ahead of the build (``sitegen.preview``): their own token.
    previews: tuple[tuple[str, str], ...] = ()

    def token_for(self, page: str) -> str:
        """The token of the version of ``page`` (a URL path) a request gets now."""
        for path, token in self.previews:
            if path == page:
                return token
        return self.token


class StateBoard:
    """The current ``SiteState``, with a condition the event streams and tests wait on."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._instance = uuid.uuid4().hex[:8]  # a restarted server reloads pages of the old one
        self._generation = 0
        self._previews = 0
        self._viewing: Counter[str] = Counter()
        self.state = SiteState(f"{self._instance}-0", (), 0)
        self.closed = False

    def publish(self, problems: tuple[str, ...], reload: bool, keep: Collection[str] | None = None) -> None:
        """A build's outcome: a new token if it changed pages (``reload``), and its problems (if any).

        Previews of the pages in ``keep`` stay (the build made the same bytes, so their pages need not
        reload); by default all stay unless the build reloads.
        """
        with self._cond:
            if reload:
                self._generation += 1
            token = f"{self._instance}-{self._generation}"
            if keep is None:
                kept = () if reload else self.state.previews
            else:
                kept = tuple((page, tok) for page, tok in self.state.previews if page in keep)
            self.state = SiteState(token, problems, self.state.builds + 1, kept)
            self._cond.notify_all()

    def preview(self, pages: Collection[str]) -> None:
        """Pages (URL paths) the server now serves ahead of the build: only their open copies reload."""
        with self._cond:
            self._previews += 1
            mark = f"{self.state.token}~{self._previews}"
            fresh = {page: mark for page in pages}
            previews = (*((p, t) for p, t in self.state.previews if p not in fresh), *fresh.items())
            self.state = replace(self.state, previews=previews)
            self._cond.notify_all()

    @contextmanager
    def viewing(self, page: str) -> Iterator[None]:
        """While an event stream for ``page`` (a URL path) is open: a page a browser shows."""
        with self._cond:
            self._viewing[page] += 1
        try:
            yield
        finally:
            with self._cond:
                self._viewing[page] -= 1
                if not self._viewing[page]:
                    del self._viewing[page]

    def open_pages(self) -> frozenset[str]:
        """The URL paths of the pages open in a browser now."""
        with self._cond:
            return frozenset(self._viewing)

    def wait(self, seen: SiteState, timeout: float) -> SiteState:
        """Return as soon as the state differs from ``seen``, the board closes, or ``timeout`` passes."""
        with self._cond:
            self._cond.wait_for(lambda: self.state != seen or self.closed, timeout)
            return self.state

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


def inject(html: bytes, token: str) -> bytes:
    """Put the reload client before ``</body>`` (or at the end): only the server does this, never the build."""
    tag = f'<script src="{CLIENT_PATH}" data-token="{token}"></script>'.encode()
    index = html.lower().rfind(b"</body>")
    return html + tag if index < 0 else html[:index] + tag + html[index:]

"""What the dev server answers for a path of the site: a file of the output folder, a redirect, or the 404 page.

Kept apart from building and watching (``sitegen.serve``) and from HTTP itself
(``sitegen.devhttp``): ``OutputFiles.respond`` is a function of the output
folder, the state board and the pages previewed ahead of a rebuild.

* HTML gets the reload client (``sitegen.reload.inject``) and the token of the
  site it came from; nothing is written to disk, so ``sitegen build`` output
  stays clean.
* Only content-hashed theme assets may be cached by the browser: their URL
  changes with their bytes. Everything else is ``no-store``.
* A request that finds nothing while a build runs waits for that build and
  looks again: a commit renames files into place, so a file can be briefly
  missing, never half-written.
"""

from __future__ import annotations

import html
import mimetypes
import re
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from sitegen.devhttp import Response
from sitegen.reload import StateBoard, inject

#: A content-hashed asset name, ``style.1a2b3c4d5e.css`` (sitegen.assets.hashed_name).
HASHED = re.compile(r"\.[0-9a-f]{10}\.[A-Za-z0-9]+$")


def content_type(name: str) -> str:
    """The Content-Type for a file name, with the charset for text (the site is written as UTF-8)."""
    kind = mimetypes.guess_type(name)[0] or ("text/plain" if name.startswith("_") else "application/octet-stream")
    if kind.startswith("text/") or kind in ("application/javascript", "application/json", "application/xml"):
        kind += "; charset=utf-8"
    return kind


class OutputFiles:
    """The output folder as the dev server serves it (the ``Responder`` that ``sitegen.devhttp`` asks)."""

    def __init__(self, out_dir: Path, board: StateBoard, wait_idle: Callable[[], bool]) -> None:
        self.out_dir = out_dir
        self.board = board
        #: Blocks while a build runs; False if it still runs after the wait (``BuildGate.wait_idle``).
        self._wait_idle = wait_idle
        #: The site's path prefix ("/" or e.g. "/archive/"); the dev server changes it when site.toml does.
        self.base_path = "/"
        #: Pages served ahead of the rebuild in progress (URL path → bytes; see ``sitegen.preview``).
        self.overlay: dict[str, bytes] = {}
        #: Set when a page of ``overlay`` has been sent, so the rebuild need not wait longer for the browser.
        self.fetched = threading.Event()

    def respond(self, raw_path: str) -> Response:
        """The response for a GET of ``raw_path`` (path and query): a file of the output folder, or 404.

        The token is read before the file: a page may carry an older token than its content (one
        extra reload), never a newer one (a missed reload).
        """
        parts = urlsplit(raw_path)
        path, query = unquote(parts.path), (f"?{parts.query}" if parts.query else "")
        base = self.base_path
        if path in ("/", base.rstrip("/")) and path != base:
            return Response(302, location=base + query)
        segments = [segment for segment in path[len(base) :].split("/") if segment]
        if not path.startswith(base) or "\x00" in path or "\\" in path or {".", ".."} & set(segments):
            return self._not_found(self.board.state.token)
        token, folder_url = self.board.state.token_for(path), base + "/".join(map(quote, segments)) + "/" + query
        early = self.overlay.get(path)
        if early is not None:
            self.fetched.set()
            return Response(200, inject(early, token), "text/html; charset=utf-8")
        found = self._lookup(segments, path.endswith("/"), folder_url)
        if found is None:  # perhaps mid-commit: look again once the build in progress is done
            if not self._wait_idle():
                return Response(503, b"the site is still rebuilding; try again\n")
            token = self.board.state.token_for(path)
            found = self._lookup(segments, path.endswith("/"), folder_url)
        if found is None:
            return self._not_found(token)
        if isinstance(found, Response):
            return found
        name, body = found[0].name, found[1]
        kind = content_type(name)
        if kind.startswith("text/html"):
            return Response(200, inject(body, token), kind)
        hashed = segments[:1] == ["static"] and HASHED.search(name)
        return Response(200, body, kind, cache="max-age=31536000, immutable" if hashed else "no-store")

    def _lookup(self, segments: list[str], slash: bool, folder_url: str) -> Response | tuple[Path, bytes] | None:
        """The file at ``segments`` inside the output folder (never outside it), a redirect, or None."""
        root = self.out_dir.resolve()
        target = root.joinpath(*segments).resolve()
        if target.is_dir() and target.is_relative_to(root):
            if not slash:
                return Response(301, location=folder_url)
            target = (target / "index.html").resolve()
        if not target.is_relative_to(root):  # e.g. a symlink pointing out of the output folder
            return None
        try:
            return target, target.read_bytes()
        except OSError:
            return None

    def _not_found(self, token: str) -> Response:
        """The site's own 404.html with status 404, or a stand-in while no build has succeeded yet."""
        page = (self.out_dir / "404.html").resolve()
        if page.is_relative_to(self.out_dir.resolve()):
            with suppress(OSError):
                return Response(404, inject(page.read_bytes(), token), "text/html; charset=utf-8")
        problems = html.escape("\n".join(self.board.state.problems) or "no page here")
        body = f"<!DOCTYPE html><title>sitegen</title><body><h1>Not found</h1><pre>{problems}</pre></body>"
        return Response(404, inject(body.encode(), token), "text/html; charset=utf-8")

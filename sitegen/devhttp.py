"""The dev server's HTTP side: one thread per connection, pages from ``Responder.respond``, reload events.

The handler needs only what ``Responder`` names (the state board and a
``respond`` for paths), so it is tested and reasoned about apart from
building and watching.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from sitegen.reload import CLIENT_JS, CLIENT_PATH, EVENTS_PATH, KEEPALIVE, MAX_STREAM, STATUS_PATH, StateBoard


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    location: str | None = None
    #: Only content-hashed theme assets may be cached: their URL changes with their bytes.
    cache: str = "no-store"


class Responder(Protocol):
    """What the HTTP side asks of the dev server."""

    board: StateBoard

    def respond(self, raw_path: str) -> Response: ...


class DevHTTPServer(ThreadingHTTPServer):
    """A thread per connection; a deep listen queue so a burst of clients is not refused."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], handler: type[DevHandler], family: int, dev: Responder) -> None:
        self.address_family = family
        self.dev = dev
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can hang for seconds on a closed network.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def close_connections(self) -> None:
        with self.connections_lock:
            for connection in self.connections:
                with suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)  # a client leaving is not worth a traceback


class DevHandler(BaseHTTPRequestHandler):
    """GET and HEAD: the reload client, the status JSON, the event stream, or whatever ``respond`` serves."""

    server: DevHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "sitegen-serve"
    timeout = 30.0  # idle keep-alive connections end after this

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would drown the rebuild messages

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        dev = self.server.dev
        path = urlsplit(self.path).path
        if path == EVENTS_PATH and not head:
            self._events()
            return
        if path == CLIENT_PATH:
            response = Response(200, CLIENT_JS.encode(), "text/javascript; charset=utf-8")
        elif path == STATUS_PATH:
            state = dev.board.state
            data = {"token": state.token, "ok": not state.problems, "problems": state.problems, "builds": state.builds}
            response = Response(200, json.dumps(data).encode(), "application/json")
        else:
            response = dev.respond(self.path)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", response.cache)  # pages never come from the cache
        if response.location:
            self.send_header("Location", response.location)
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def _events(self) -> None:
        """Server-sent events: ``reload`` once the site differs from the page's, ``problems`` while failing."""
        board = self.server.dev.board
        query = parse_qs(urlsplit(self.path).query)
        since, page = query.get("since", [""])[0], unquote(query.get("page", [""])[0])
        with board.viewing(page):
            self._stream(board, since, page)

    def _stream(self, board: StateBoard, since: str, page: str) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self._send("retry: 1000\n\n")
        shown: tuple[str, ...] = ()
        state = board.state
        ends = time.monotonic() + MAX_STREAM
        while not board.closed and time.monotonic() < ends:
            if state.token_for(page) != since:
                self._send(f"event: reload\ndata: {json.dumps(state.token)}\n\n")
                return
            if state.problems != shown:
                shown = state.problems
                self._send(f"event: problems\ndata: {json.dumps(list(shown))}\n\n")
            seen, state = state, board.wait(state, KEEPALIVE)
            if state == seen:
                self._send(": still here\n\n")

    def _send(self, text: str) -> None:
        self.wfile.write(text.encode())
        self.wfile.flush()

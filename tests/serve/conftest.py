"""Fixtures for the dev server: one started in-process on 127.0.0.1, port 0, over a copy of the fixture site."""

from __future__ import annotations

import http.client
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

import sitegen.serve
from sitegen.build import BuildResult
from sitegen.reload import EVENTS_PATH, SiteState
from sitegen.serve import DevServer

DAY = "2014/01/08/"
ENTRY = Path("content") / "entries" / "2014" / "01" / "08" / "03-bombings.md"
#: Generous: a functional timeout, not a performance assertion.
WAIT = 10.0


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(port: int, path: str, method: str = "GET") -> Fetched:
    """One request with the path sent exactly as given (no client-side normalising of ``..``)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT * 3)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return Fetched(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def wait_until(condition: Callable[[], bool], timeout: float = WAIT, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.02)


def save_by_rename(path: Path, text: str) -> None:
    """Save the way vim and many IDEs do: write a temp file beside the target, then rename it over."""
    temp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


class EventStream:
    """A minimal server-sent-events reader over http.client."""

    def __init__(self, port: int, since: str, page: str = "/") -> None:
        """A stream as the page at ``page`` (a URL path) carrying the token ``since`` opens it."""
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        self.connection.request("GET", f"{EVENTS_PATH}?since={quote(since)}&page={quote(page, safe='')}")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_event(self) -> tuple[str, str]:
        """The next (event, data); comments and data-less blocks (``retry:``) are skipped."""
        name, data = "message", []
        while True:
            line = self.response.readline()
            if not line:
                raise EOFError("the stream ended")
            text = line.decode("utf-8").rstrip("\r\n")
            if not text:
                if data:
                    return name, "\n".join(data)
                name = "message"
            elif not text.startswith(":"):
                field, _, value = text.partition(":")
                value = value.removeprefix(" ")
                if field == "event":
                    name = value
                elif field == "data":
                    data.append(value)

    def close(self) -> None:
        self.connection.close()


class Running:
    """A started DevServer plus conveniences for tests."""

    def __init__(self, server: DevServer, logs: list[str]) -> None:
        self.server = server
        self.logs = logs

    @property
    def port(self) -> int:
        return self.server.port

    def get(self, path: str, method: str = "GET") -> Fetched:
        return fetch(self.port, path, method)

    def wait_for_build(self, after: SiteState, timeout: float = WAIT) -> SiteState:
        """The state once a build finished after ``after`` was current."""
        wait_until(lambda: self.server.board.state.builds > after.builds, timeout, "a rebuild")
        return self.server.board.state


@pytest.fixture
def start_server(fixture_site: Path) -> Iterator[Callable[..., Running]]:
    """Start a DevServer on the fixture site (options passed through); stopped at teardown."""
    started: list[DevServer] = []

    def start(site: Path = fixture_site, **options: object) -> Running:
        logs: list[str] = []
        server = DevServer(site, host="127.0.0.1", port=0, log=logs.append, **options)  # type: ignore[arg-type]
        started.append(server)
        server.start()
        return Running(server, logs)

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def running(start_server: Callable[..., Running]) -> Running:
    return start_server()


@pytest.fixture
def held_build(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make the next builds wait for ``release`` after setting ``building``, to look at the server meanwhile."""
    real_build = sitegen.serve.build
    building, release = threading.Event(), threading.Event()

    def held(*args: Any, **options: Any) -> BuildResult:
        building.set()
        release.wait(WAIT)
        return real_build(*args, **options)

    monkeypatch.setattr(sitegen.serve, "build", held)
    return building, release

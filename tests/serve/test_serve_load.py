"""50 concurrent clients while files change and rebuilds run: no 5xx, no refused or cut connection, no partial page.

Runs for ``SITEGEN_SERVE_LOAD_SECONDS`` (default 5; the reliability check uses 30), on loopback only.
"""

from __future__ import annotations

import http.client
import os
import re
import threading
import time
from pathlib import Path

import pytest

from sitegen.reload import CLIENT_PATH, EVENTS_PATH
from tests.serve.conftest import DAY, ENTRY, WAIT, Running, save_by_rename, wait_until

pytestmark = pytest.mark.slow

CLIENTS = 50
EVENT_CLIENTS = 5
SECONDS = float(os.environ.get("SITEGEN_SERVE_LOAD_SECONDS", "5"))
#: The edited sentence: "Reports are circulating" at first (version 0), then "Load edit N says".
VERSION = re.compile(rb"Load edit (\d+) says|Reports are circulating")
ENTRY_URL = f"/{DAY}islamic-state-of-iraq-bombings-tonight/"
#: Path → the status it must have.
URLS = {f"/{DAY}": 200, ENTRY_URL: 200, "/": 200, "/topics/": 200, "/feed.xml": 200, "/no/such/page/": 404}


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.reloads = 0
        self.versions_seen: set[int] = set()
        self.failures: list[str] = []

    def fail(self, message: str) -> None:
        with self.lock:
            if len(self.failures) < 20:
                self.failures.append(message)


def check_page(path: str, status: int, body: bytes, tally: Tally) -> None:
    if status != URLS[path]:
        tally.fail(f"{path}: status {status}")
        return
    if path.endswith("/"):
        if not body.rstrip().endswith(b"</html>") or body.count(CLIENT_PATH.encode()) != 1:
            tally.fail(f"{path}: incomplete page ({len(body)} bytes, ends {body[-40:]!r})")
        versions = {int(number or 0) for number in VERSION.findall(body)}
        if path in (f"/{DAY}", ENTRY_URL):
            if len(versions) != 1:
                tally.fail(f"{path}: expected one version of the edited entry, found {sorted(versions)}")
            with tally.lock:
                tally.versions_seen.update(versions)


def client(port: int, stop: threading.Event, offset: int, tally: Tally) -> None:
    paths = list(URLS)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT * 3)
    count = offset
    try:
        while not stop.is_set():
            path = paths[count % len(paths)]
            count += 1
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                tally.fail(f"{path}: {type(error).__name__}: {error}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT * 3)
                continue
            with tally.lock:
                tally.requests += 1
            if response.status >= 500:
                tally.fail(f"{path}: {response.status}")
            check_page(path, response.status, body, tally)
    finally:
        connection.close()


def event_client(port: int, stop: threading.Event, tally: Tally) -> None:
    """Holds an event stream open like a tab does, reconnecting after each reload."""
    token = ""
    while not stop.is_set():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", f"{EVENTS_PATH}?since={token}")
            response = connection.getresponse()
            if response.status != 200:
                tally.fail(f"events: {response.status}")
                return
            while not stop.is_set():
                line = response.readline()
                if not line:
                    break
                if line.startswith(b"event: reload"):
                    token = response.readline().decode().removeprefix("data: ").strip().strip('"')
                    with tally.lock:
                        tally.reloads += 1
                    break
        except TimeoutError:
            pass  # no event within 2 s: reconnect, as a browser would after a dropped stream
        except (OSError, http.client.HTTPException) as error:
            tally.fail(f"events: {type(error).__name__}: {error}")
        finally:
            connection.close()


def editor(site: Path, deadline: float, tally: Tally) -> int:
    entry = site / ENTRY
    topics = site / "content" / "topics.toml"
    original = entry.read_text(encoding="utf-8")
    version = 0
    while time.monotonic() < deadline - 0.5:
        version += 1
        save_by_rename(entry, original.replace("Reports are circulating", f"Load edit {version} says"))
        if version % 5 == 0:  # a site-wide change: every page is rendered again
            save_by_rename(topics, topics.read_text(encoding="utf-8") + "\n")
        time.sleep(0.15)
    return version


def test_fifty_clients_during_rebuilds(running: Running, fixture_site: Path) -> None:
    tally = Tally()
    builds_before = running.server.board.state.builds
    stop = threading.Event()
    threads = [
        threading.Thread(target=client, args=(running.port, stop, n, tally), daemon=True)
        for n in range(CLIENTS - EVENT_CLIENTS)
    ]
    threads += [
        threading.Thread(target=event_client, args=(running.port, stop, tally), daemon=True)
        for _ in range(EVENT_CLIENTS)
    ]
    for thread in threads:
        thread.start()
    try:
        last = editor(fixture_site, time.monotonic() + SECONDS, tally)
        # On a slow machine the load may starve the builds: keep the clients going (bounded) until
        # they have seen the site change, so the test is about requests *during* rebuilds.
        wait_until(lambda: len(tally.versions_seen) >= 2, timeout=60, what="clients to see a rebuilt page")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=WAIT * 4)
    assert not any(thread.is_alive() for thread in threads), "a client hung"
    builds = running.server.board.state.builds - builds_before
    print(
        f"\n{SECONDS:.0f}s, {CLIENTS} clients: {tally.requests} requests, {builds} rebuilds, "
        f"{len(tally.versions_seen)} versions seen, {tally.reloads} reload events"
    )
    assert tally.failures == []
    assert tally.requests >= CLIENTS, "every client should have been answered"
    assert tally.reloads >= 1, "open pages should have been told to reload"
    wait_until(lambda: f"Load edit {last} says".encode() in running.get(f"/{DAY}").body, what="the last edit")

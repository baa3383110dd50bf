"""``sitegen serve`` as a user runs it: prints its URL, serves, and stops cleanly on Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.serve.conftest import WAIT

URL = re.compile(r"Serving .* at (http://127\.0\.0\.1:\d+/)")


def read_line_matching(process: subprocess.Popen[str], pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        if not selector.select(timeout=deadline - time.monotonic()):
            break
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if match := pattern.search(line):
            return match
    raise AssertionError(f"no line matching {pattern.pattern!r} in {seen!r}")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serve_prints_its_url_and_stops_cleanly(fixture_site: Path, signum: signal.Signals) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--site", str(fixture_site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = read_line_matching(process, URL, timeout=WAIT * 3).group(1)
        with urllib.request.urlopen(url + "2014/01/08/", timeout=WAIT) as response:
            assert response.status == 200
            assert b"/__sitegen/reload.js" in response.read()
        process.send_signal(signum)
        assert process.wait(timeout=WAIT) == 0
        assert process.stderr is not None
        errors = process.stderr.read()
        assert "Traceback" not in errors
        assert "stopped" in errors
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_serve_outside_a_site_is_a_user_error(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "serve", "--site", str(tmp_path), "--port", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=WAIT * 3,
    )
    assert result.returncode == 2
    assert "site.toml" in result.stderr

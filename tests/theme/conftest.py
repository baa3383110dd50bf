"""Theme test fixtures: the synthetic site built once, a local HTTP server, the artifacts folder, the tools.

Pages are served over HTTP (not file://) because every internal link is
root-relative, as on the real host.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sitegen.build import build
from tests.conftest import FIXTURE_SITE, REPO, copy_site
from tests.theme.synth import make_site

NODE_MODULES = REPO / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"


def need_tool(path: Path, what: str) -> None:
    """Skip when a test tool is missing outside CI; in CI (env CI set) a missing tool is a failure."""
    if path.exists() and (path.suffix != ".jar" or shutil.which("java")):
        return
    message = f"{what} not found at {path} (run 'npm install' in the repository root; java must be on PATH)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def artifacts_dir() -> Path:
    """Where screenshots go: $SITEGEN_ARTIFACTS or REPO/test-artifacts (gitignored)."""
    return Path(os.environ.get("SITEGEN_ARTIFACTS") or REPO / "test-artifacts")


@pytest.fixture(scope="session")
def synth_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic site (two years, a busy day, hostile strings), built once; read-only."""
    site = make_site(tmp_path_factory.mktemp("synth") / "site")
    build(site)
    return site / "public"


@pytest.fixture(scope="session")
def fixture_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made fixture site built once per session; read-only."""
    site = copy_site(FIXTURE_SITE, tmp_path_factory.mktemp("fixture") / "site")
    build(site)
    return site / "public"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def served(synth_public: Path) -> Iterator[str]:
    """The synthetic site on http://127.0.0.1:PORT/ for the browser tests."""
    handler = functools.partial(_Quiet, directory=str(synth_public))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()

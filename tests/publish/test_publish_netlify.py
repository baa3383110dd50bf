"""netlify.toml, read and run by Netlify's own tooling (netlify-cli from npm).

``netlify build --offline`` runs the real build command (pip install . and
sitegen build) on a copy of the project, ``netlify serve`` serves the result
with the redirect and header rules applied, and ``@netlify/config`` reports
which header rules match which paths. Each command runs with a temporary HOME
and a throwaway virtualenv, so nothing outside tmp_path is touched.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sitegen.check import check_site
from tests.conftest import FIXTURE_SITE, REPO
from tests.publish.helpers import set_search

pytestmark = pytest.mark.slow
RULES_SCRIPT = Path(__file__).with_name("netlify_rules.mjs")
IMMUTABLE = "public, max-age=31536000, immutable"


def netlify_root() -> Path:
    """The folder whose node_modules holds netlify-cli (package.json, or SITEGEN_NETLIFY_CLI_DIR)."""
    root = Path(os.environ.get("SITEGEN_NETLIFY_CLI_DIR", REPO))
    if not (root / "node_modules" / ".bin" / "netlify").exists():
        message = f"netlify-cli is not installed in {root}/node_modules (run npm install)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return root


@dataclass(frozen=True)
class Project:
    """A copy of the repository's build inputs with the fixture archive as its content."""

    root: Path
    env: dict[str, str]
    netlify: Path


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    cli = netlify_root()
    base = tmp_path_factory.mktemp("netlify")
    root = base / "project"
    root.mkdir()
    for name in ("pyproject.toml", "README.md", "netlify.toml"):
        shutil.copy2(REPO / name, root / name)
    for name in ("sitegen", "themes"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(FIXTURE_SITE / "site.toml", root / "site.toml")
    shutil.copytree(FIXTURE_SITE / "content", root / "content")
    set_search(root, "required")  # a build without its index fails here instead of passing quietly
    # `python` on PATH is a fresh virtualenv that sees this test run's packages, so the build
    # command's `pip install .` installs sitegen itself but needs nothing else from the network.
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    purelib = subprocess.run(
        [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    deps = next(p for p in sys.path if p.endswith("site-packages") and Path(p, "pagefind").is_dir())
    Path(purelib, "sitegen-test-deps.pth").write_text(deps + "\n")
    home = base / "home"
    home.mkdir()
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "BROWSER": "none",
        "NETLIFY_TELEMETRY_DISABLED": "1",
    }
    env.pop("VIRTUAL_ENV", None)
    return Project(root, env, cli / "node_modules" / ".bin" / "netlify")


@pytest.fixture(scope="module")
def built(project: Project) -> Path:
    """``netlify build --offline``: Netlify's build runner runs netlify.toml's command."""
    done = subprocess.run(
        [str(project.netlify), "build", "--offline"],
        cwd=project.root,
        env=project.env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "python -m sitegen build" in done.stdout
    return project.root / "public"


def test_netlify_build_produces_the_whole_site(built: Path) -> None:
    assert (built / "index.html").is_file()
    assert (built / "pagefind" / "pagefind-entry.json").is_file()
    assert (built / "404.html").is_file()
    assert check_site(built.parent, built) == []
    redirects = (built / "_redirects").read_text()
    assert "/2014/01/09/old-car-bomb/ /2014/01/09/state-tv-car-bomb-in-hama-province-kills-17/ 301!" in redirects


def test_python_version_is_pinned_and_supported() -> None:
    config = tomllib.loads((REPO / "netlify.toml").read_text())
    pinned = config["build"]["environment"]["PYTHON_VERSION"]
    assert re.fullmatch(r"3\.\d+", pinned)
    required = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = tuple(int(part) for part in required.removeprefix(">=").split("."))
    assert tuple(int(part) for part in pinned.split(".")) >= minimum
    assert config["build"]["publish"] == "public"


def rules(project: Project, *paths: str) -> dict[str, Any]:
    done = subprocess.run(
        [
            "node",
            "--input-type=module",
            "-e",
            RULES_SCRIPT.read_text(),
            str(project.root / "netlify.toml"),
            str(project.root),
            *paths,
        ],
        cwd=project.netlify.parent.parent.parent,
        env=project.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_netlify_reads_the_cache_and_redirect_rules(project: Project, built: Path) -> None:
    asset = next((built / "static").glob("style.*.css")).relative_to(built).as_posix()
    fragment = next((built / "pagefind" / "fragment").iterdir()).relative_to(built).as_posix()
    index = next((built / "pagefind" / "index").iterdir()).relative_to(built).as_posix()
    search_filter = next((built / "pagefind" / "filter").iterdir()).relative_to(built).as_posix()
    long_lived = [f"/{asset}", f"/{fragment}", f"/{index}", f"/{search_filter}"]
    short_lived = [
        "/",
        "/2014/01/08/",
        "/2014/01/08/lead/",
        "/feed.xml",
        "/search/",
        "/pagefind/pagefind.js",
        "/pagefind/pagefind-entry.json",
        "/404.html",
    ]
    found = rules(project, *long_lived, *short_lived)
    assert found["errors"] == []
    assert found["build"]["command"].startswith("python -m pip install")
    assert found["build"]["command"].endswith("python -m sitegen build")
    for path in long_lived + short_lived:
        cache = [values["Cache-Control"] for values in found["matches"][path] if "Cache-Control" in values]
        # At most one rule sets Cache-Control on any path: Netlify would join two into one contradictory value.
        assert cache == ([IMMUTABLE] if path in long_lived else []), path
    catch_all = [r for r in found["redirects"] if r["from"] == "/*"]
    assert catch_all == [{**catch_all[0], "to": "/404.html", "status": 404, "force": False}]
    alias = next(r for r in found["redirects"] if r["from"] == "/2014/01/09/old-car-bomb/")
    assert alias["status"] == 301 and alias["force"] is True  # read from the built public/_redirects


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(project: Project, built: Path) -> Iterator[str]:
    """``netlify serve``: builds again, then serves public/ with the rules applied."""
    port = free_port()
    log = project.root.parent / "netlify-serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(project.netlify),
                "serve",
                "--offline",
                "--port",
                str(port),
                "--staticServerPort",
                str(free_port()),
                # Edge functions need Deno downloaded at start; this site has none.
                "--internal-disable-edge-functions",
            ],
            cwd=project.root,
            env=project.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                if get(port, "/")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "netlify serve did not start:\n" + log.read_text()[-3000:]
            time.sleep(1)
        yield str(port)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def get(port: int | str, path: str) -> tuple[int, dict[str, str], str]:
    """One GET without following redirects: status, headers (lower-case names), body."""
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_netlify_serve_redirects_aliases_with_301(served: str) -> None:
    status, headers, _ = get(served, "/2014/01/09/old-car-bomb/")
    assert status == 301
    assert headers["location"] == "/2014/01/09/state-tv-car-bomb-in-hama-province-kills-17/"


def test_netlify_serve_answers_unknown_paths_with_the_404_page(served: str) -> None:
    status, _, body = get(served, "/2099/01/01/nothing-here/")
    assert status == 404
    assert "<title>Page not found" in body


def test_netlify_serve_serves_pages_with_the_header_rules(served: str) -> None:
    status, headers, body = get(served, "/2014/02/01/aleppo-again/")
    assert status == 200 and "Aleppo Again" in body
    assert headers["x-content-type-options"] == "nosniff"

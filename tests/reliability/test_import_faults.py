"""Import under faults: killed midway, every entry file is old or new, never partial; a missing template is one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path, PurePosixPath

import pytest

from sitegen.frontmatter import parse_entry
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate_site

pytestmark = pytest.mark.slow


def entry_texts(site: Path) -> dict[str, bytes]:
    root = site / "content" / "entries"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_import(site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sitegen", "import", "--site", str(site), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_import_killed_midway_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    site = tmp_path / "site"
    generate_site(site, 1500, seed=7)
    assert run_import(site).returncode == 0
    old = entry_texts(site)
    for dump in sorted((site / "content" / "raw").glob("*.txt")):
        dump.write_text(dump.read_text(encoding="utf-8").replace(" the ", " the the "), encoding="utf-8")
    reference = tmp_path / "reference"
    subprocess.run(["cp", "-r", str(site), str(reference)], check=True)
    assert run_import(reference).returncode == 0
    new = entry_texts(reference)
    assert old != new

    for delay in (0.3, 0.8, 1.5):
        child = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "import", "--site", str(site), "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        now = entry_texts(site)
        for rel, data in now.items():
            if not rel.endswith(".md"):
                continue  # a temp file of the killed run: never an entry, cleared by the next import
            assert data in (old.get(rel), new.get(rel)), f"{rel} is neither the old nor the new file"
            parse_entry(data, Path(rel), PurePosixPath(rel))
    result = run_import(site)
    assert result.returncode == 0, result.stderr
    assert entry_texts(site) == new, "a later import finishes the job and leaves no litter"


def test_a_missing_template_is_a_one_line_user_error(tmp_path: Path) -> None:
    from tests.conftest import FIXTURE_SITE, copy_site

    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    theme = site / "themes" / "bare" / "templates"
    theme.mkdir(parents=True)
    (theme / "home.html").write_text("home")
    config = site / "site.toml"
    config.write_text(config.read_text().replace('theme = "default"', 'theme = "bare"'))
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--site", str(site)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "template" in errors[0] and "not found" in errors[0]
    assert "Traceback" not in result.stderr

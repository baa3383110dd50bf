"""A build killed with SIGKILL at any moment leaves the previous site byte-identical (or the new one, whole)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.frontmatter import dump_entry
from tests.conftest import FIXTURE_SITE, copy_site
from tests.spine.helpers import snapshot

pytestmark = pytest.mark.slow


def grow(site: Path, days: int, word: str) -> None:
    """Add enough entries that a build takes a noticeable moment, so a kill lands mid-way."""
    start = date(2013, 1, 1)
    for offset in range(days):
        day = start + timedelta(days=offset)
        folder = site / "content" / "entries" / f"{day:%Y/%m/%d}"
        folder.mkdir(parents=True, exist_ok=True)
        for seq in range(1, 6):
            meta = {"title": f"Entry {seq} on {day}", "date": day, "seq": seq, "kind": "entry", "slug": f"entry-{seq}"}
            body = f"{word} report number {seq} from Aleppo.\n\nA second paragraph about ISIS."
            (folder / f"{seq:02d}-entry-{seq}.md").write_text(dump_entry(meta, body), encoding="utf-8")


def test_sigkill_at_any_moment_leaves_old_or_new_site_never_a_mix(tmp_path: Path) -> None:
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    grow(site, 40, "old")
    build(site)
    old = snapshot(site / "public")
    grow(site, 40, "new")
    expected_new = copy_site(site, tmp_path / "reference")
    build(expected_new)
    new = snapshot(expected_new / "public")
    assert old != new

    outcomes = set()
    env = {**os.environ, "SITEGEN_WORKERS": "2"}
    for delay in (0.05, 0.2, 0.4, 0.6, 0.9, 1.3, 1.8):
        child = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(child.pid, signal.SIGKILL)  # the build and any render workers, with no chance to clean up
        child.wait()
        # The next start (any sitegen build) recovers first; do just that part here.
        from sitegen.output import recover

        recover(site / "public")
        state = snapshot(site / "public")
        assert state in (old, new), f"killed after {delay}s: the site is a mix of old and new"
        outcomes.add("new" if state == new else "old")
        litter = sorted(p.name for p in site.iterdir() if p.name.startswith(".public."))
        assert litter == []
        if state == new:
            break
    # A later build always completes the job.
    build(site)
    assert snapshot(site / "public") == new

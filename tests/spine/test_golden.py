"""The golden site: the fixture site's whole build, file by file, against a stored copy.

When a change to the theme or the renderer is intended, regenerate it with
``SITEGEN_REGOLD=1 .venv/bin/pytest tests/spine/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sitegen.build import build

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_fixture_site_builds_exactly_the_golden_site(fixture_site: Path) -> None:
    build(fixture_site)
    built = files(fixture_site / "public")
    if os.environ.get("SITEGEN_REGOLD"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(fixture_site / "public", GOLDEN)
    golden = files(GOLDEN)
    assert sorted(built) == sorted(golden), "the set of output files changed"
    changed = [path for path in golden if built[path] != golden[path]]
    assert changed == [], f"these outputs differ from the golden site: {changed}"

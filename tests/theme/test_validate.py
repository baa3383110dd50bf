"""The Nu HTML Checker (vnu.jar, run with Java) reports no error on any page type.

One JVM checks every page at once (starting Java is the slow part). Pages come
from both the synthetic site (hostile strings, a busy day, two blogs in a day,
lead-only days) and the hand-made fixture (code, redirects, drafts).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.theme.conftest import VNU_JAR, need_tool
from tests.theme.synth import BUSY_DAY, HOSTILE_DAY, TWO_BLOGS_DAY

SYNTH_PAGES = (
    "index.html",
    "2013/index.html",
    "2014/index.html",
    "2014/01/index.html",
    f"{BUSY_DAY:%Y/%m/%d}/index.html",
    f"{BUSY_DAY:%Y/%m/%d}/lead/index.html",
    f"{BUSY_DAY:%Y/%m/%d}/entry-20-{BUSY_DAY:%d}/index.html",
    f"{TWO_BLOGS_DAY:%Y/%m/%d}/index.html",
    f"{HOSTILE_DAY:%Y/%m/%d}/index.html",
    f"{HOSTILE_DAY:%Y/%m/%d}/hostile/index.html",
    "topics/index.html",
    "topics/aleppo/index.html",
    "topics/aleppo/page/2/index.html",
    "topics/hostile/index.html",
    "search/index.html",
    "404.html",
)
FIXTURE_PAGES = (
    "index.html",
    "2014/01/08/index.html",
    "2014/01/09/index.html",
    "2014/01/09/state-tv-car-bomb-in-hama-province-kills-17/index.html",
    "2014/01/09/old-car-bomb/index.html",
    "topics/video/index.html",
)


def test_every_page_type_validates(synth_public: Path, fixture_public: Path, request: pytest.FixtureRequest) -> None:
    need_tool(VNU_JAR, "vnu-jar")
    files = [synth_public / page for page in SYNTH_PAGES] + [fixture_public / page for page in FIXTURE_PAGES]
    if (REPO / "site.toml").is_file():
        # The repository's own archive, once it exists: its real day and entry pages too.
        bundled: Path = request.getfixturevalue("bundled_public")
        files += sorted(bundled.glob("20*/*/*/index.html"))[:3] + sorted(bundled.glob("20*/*/*/*/index.html"))[:3]
    missing = [str(path) for path in files if not path.is_file()]
    assert missing == []
    java = shutil.which("java")
    assert java
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m.get('url', '')).as_posix()}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert errors == [], "\n".join(errors)

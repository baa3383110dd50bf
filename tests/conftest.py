"""Shared fixtures: sites copied under tmp_path, built sites, and the headless Chromium.

Every test works on a copy under ``tmp_path``; nothing writes into the repository.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from sitegen.build import build

# Shared CI machines stall now and then; a slow example is not a failure.
settings.register_profile("sitegen", deadline=None)
settings.load_profile("sitegen")

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE_SITE = TESTS / "fixtures" / "site"
CHROMIUM = "/usr/bin/chromium"
#: The flags this workplace's Chromium needs: no sandbox as root, and no background
#: network (the machine's closed network refuses those connections).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def copy_site(source: Path, target: Path) -> Path:
    """Copy a site's inputs (not its output or cache) to ``target``."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("public", ".sitegen", "__pycache__"))
    return target


def copy_bundled_site(target: Path) -> Path:
    """The repository's own archive (site.toml, content/, themes/) as a site under ``target``."""
    target.mkdir(parents=True)
    shutil.copy2(REPO / "site.toml", target / "site.toml")
    shutil.copytree(REPO / "content", target / "content", ignore=shutil.ignore_patterns(".sitegen"))
    return target


@pytest.fixture
def fixture_site(tmp_path: Path) -> Path:
    """The small hand-made fixture site, copied under tmp_path."""
    return copy_site(FIXTURE_SITE, tmp_path / "site")


@pytest.fixture
def built_fixture(fixture_site: Path) -> Path:
    """The fixture site, built; returns its output folder."""
    build(fixture_site)
    return fixture_site / "public"


@pytest.fixture(scope="session")
def bundled_public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled archive built once per session; treat it as read-only."""
    site = copy_bundled_site(tmp_path_factory.mktemp("bundled") / "site")
    build(site)
    return site / "public"


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (Playwright cannot download browsers here)."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()

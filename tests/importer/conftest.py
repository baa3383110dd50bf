"""Fixtures for the importer tests: throwaway sites under tmp_path built from fixture dumps."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from importer_helpers import CORPUS, REPO, SEED_MANIFEST, SEEDS, MakeSite


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Build a site: ``make_site({"name.txt": bytes_or_text}, manifest="toml", topics=True)``."""

    def make(dumps: dict[str, bytes | str] | None = None, manifest: str | None = None, topics: bool = True) -> Path:
        site = tmp_path / "site"
        raw = site / "content" / "raw"
        raw.mkdir(parents=True, exist_ok=True)
        for name, data in (dumps or {}).items():
            (raw / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        if manifest is not None:
            (raw / "dumps.toml").write_text(manifest, encoding="utf-8")
        if topics:
            shutil.copy(REPO / "content" / "topics.toml", site / "content" / "topics.toml")
        return site

    return make


@pytest.fixture
def seed_site(make_site: MakeSite) -> Path:
    """The bundled archive's two real dumps, with their manifest."""
    return make_site({name: (CORPUS / "seeds" / name).read_bytes() for name in SEEDS}, SEED_MANIFEST)

"""What outputs depend on besides entries: the versions of the libraries that shape them."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from sitegen import fingerprint


def _reference(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


@pytest.mark.parametrize(
    "name", [*fingerprint.OUTPUT_LIBRARIES, *fingerprint.PAGEFIND_DISTS, "Jinja2", "markdown_it.py", "no-such-dist"]
)
def test_library_versions_are_what_importlib_metadata_says(name: str) -> None:
    """Read from folder names (importing importlib.metadata costs a small site's no-op build)."""
    assert fingerprint._version(name) == _reference(name)


def test_folder_names_without_a_version_are_asked_of_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    egg = tmp_path / "jinja2.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: jinja2\nVersion: 0.0.1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    fingerprint._installed.cache_clear()
    try:
        assert fingerprint._installed()["jinja2"] is None
        assert fingerprint._version("jinja2") == _reference("jinja2") == "0.0.1"
    finally:
        fingerprint._installed.cache_clear()

"""Constants and helpers shared by the importer tests (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures" / "importer"
CORPUS = FIXTURES / "corpus"
SEEDS = ("000_bcaff40ba13aebe2.txt", "004_8a105af085d0ff03.txt")
SEED_MANIFEST = """\
["000_bcaff40ba13aebe2.txt"]
date = 2014-01-08
title = "Syria Daily, 8 January 2014: Insurgents drive the Islamic State of Iraq out of Aleppo"
url = "https://eaworldview.com/2014/01/"

["004_8a105af085d0ff03.txt"]
date = 2014-01-09
title = "Syria Daily, 9 January 2014: After Aleppo, where next for ISIS?"
url = "https://eaworldview.com/2014/01/"
"""

MakeSite = Callable[..., Path]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes, to prove that nothing was written."""
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def quiet(_line: str) -> None:
    """An ``echo`` that swallows import's progress lines."""

"""Import on two cores is import on one: same files, same lines, same first error, nothing written on error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from importer_helpers import REPO, snapshot

from sitegen.errors import SitegenError
from sitegen.importer import import_dumps, prepare

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate_site

ENTRIES = Path("content") / "entries"


def run(site: Path, workers: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], dict[str, bytes]]:
    monkeypatch.setenv("SITEGEN_WORKERS", workers)
    lines: list[str] = []
    import_dumps(site, echo=lines.append)
    return lines, snapshot(site / "content")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated archive with enough days that import forks workers."""
    site = tmp_path_factory.mktemp("parallel") / "site"
    generate_site(site, 900, seed=11)
    days = len(list((site / "content" / "raw").glob("*.txt")))
    assert days >= prepare.PARALLEL_MIN_DAYS
    return site


def copy(archive: Path, to: Path) -> Path:
    import shutil

    shutil.copytree(archive, to)
    return to


def test_two_workers_write_exactly_what_one_writes(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = run(copy(archive, tmp_path / "one"), "1", monkeypatch)
    parallel = run(copy(archive, tmp_path / "two"), "2", monkeypatch)
    assert parallel == serial
    assert any(name.startswith("entries/") for name in serial[1])


def break_dumps(site: Path, which: list[int]) -> list[str]:
    dumps = sorted((site / "content" / "raw").glob("*.txt"))
    for index in which:
        dumps[index].write_bytes(b"\x00binary")
    return [dumps[index].name for index in which]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_first_bad_dump_in_manifest_order_is_the_error_and_nothing_is_written(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    site = copy(archive, tmp_path / "site")
    # Late ones first in the list: whichever worker finishes first, the earliest dump is reported.
    names = break_dumps(site, [-1, -9, 17])
    before, folders = snapshot(site), sorted(path for path in site.rglob("*") if path.is_dir())
    monkeypatch.setenv("SITEGEN_WORKERS", workers)
    with pytest.raises(SitegenError) as caught:
        import_dumps(site, echo=lambda _line: None)
    assert caught.value.path is not None and caught.value.path.name == names[2]
    # Dumps before the bad one were written as temporaries while later ones were prepared: none remain.
    assert snapshot(site) == before
    assert sorted(path for path in site.rglob("*") if path.is_dir()) == folders


def test_a_no_op_import_lists_no_dump_but_counts_them(archive: Path, tmp_path: Path) -> None:
    site = copy(archive, tmp_path / "site")
    import_dumps(site, echo=lambda _line: None)
    lines: list[str] = []
    report = import_dumps(site, echo=lines.append)
    assert lines == [f"{len(report.dumps)} dump(s) unchanged"]
    dump = sorted((site / "content" / "raw").glob("*.txt"))[3]
    dump.write_text(dump.read_text(encoding="utf-8") + "\nOne more paragraph for the lead.\n", encoding="utf-8")
    lines.clear()
    import_dumps(site, echo=lines.append)
    assert len(lines) == 2 and lines[0].startswith(dump.name)
    assert lines[1] == f"{len(report.dumps) - 1} other dump(s) unchanged"

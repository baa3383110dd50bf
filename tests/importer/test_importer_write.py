"""Writing entry files: durable before the import state names them, old-or-new at every step."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from importer_helpers import quiet

from sitegen.importer import import_dumps, state, write
from sitegen.importer.state import STATE_PATH

DAY8 = Path("content") / "entries" / "2014" / "01" / "08"


def test_files_are_flushed_before_any_rename_and_again_before_the_state_is_saved(
    seed_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_flush, real_replace, real_save = write._flush_filesystems, os.replace, state.save_state

    def flush(folders: object) -> bool:
        events.append("flush")
        return real_flush(folders)  # type: ignore[arg-type]

    def replace(src: str, dst: str) -> None:
        if not events or events[-1] != "rename":
            events.append("rename")
        real_replace(src, dst)

    def save(site_dir: Path, new_state: state.ImportState) -> bool:
        events.append("state")
        return real_save(site_dir, new_state)

    monkeypatch.setattr(write, "_flush_filesystems", flush)
    monkeypatch.setattr(write.os, "replace", replace)
    monkeypatch.setattr("sitegen.importer.save_state", save)
    import_dumps(seed_site, echo=quiet)
    assert events[:4] == ["flush", "rename", "flush", "state"]


def write_all(items: list[tuple[Path, bytes]]) -> None:
    batch = write.FileBatch()
    for path, data in items:
        batch.add(path, data)
    batch.commit()


def test_without_syncfs_every_temporary_file_is_fsynced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    monkeypatch.setattr(write, "_syncfs", lambda: None)
    monkeypatch.setattr(write, "_fsync_files", lambda paths: synced.extend(paths))
    items = [(tmp_path / "a" / f"{n:02d}-x.md", f"file {n}".encode()) for n in range(5)]
    write_all(items)
    assert [Path(p).name for p in synced] == [f".{n:02d}-x.md.{os.getpid()}.tmp" for n in range(5)]
    assert [path.read_bytes() for path, _ in items] == [data for _, data in items]
    assert sorted(os.listdir(tmp_path / "a")) == [f"{n:02d}-x.md" for n in range(5)]


def test_a_failed_write_leaves_no_temporary_file_and_no_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_flush(folders: object) -> bool:
        raise OSError("disk gone")

    monkeypatch.setattr(write, "_flush_filesystems", broken_flush)
    with pytest.raises(OSError, match="disk gone"):
        write_all([(tmp_path / "01-x.md", b"new"), (tmp_path / "02-y.md", b"new")])
    assert os.listdir(tmp_path) == []


def test_temporary_files_a_killed_import_left_are_swept_up(seed_site: Path) -> None:
    folder = seed_site / DAY8
    folder.mkdir(parents=True)
    (folder / ".01-tuesday-summary.md.4242.tmp").write_text("half")
    (folder / ".notes.tmp").write_text("an editor's")
    import_dumps(seed_site, echo=quiet)
    hidden = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    assert hidden == [".notes.tmp"]
    assert (seed_site / STATE_PATH).is_file()


def test_a_dry_run_sweeps_nothing(seed_site: Path) -> None:
    folder = seed_site / DAY8
    folder.mkdir(parents=True)
    (folder / ".01-tuesday-summary.md.4242.tmp").write_text("half")
    import_dumps(seed_site, echo=quiet, dry_run=True)
    assert [p.name for p in folder.iterdir()] == [".01-tuesday-summary.md.4242.tmp"]


def test_a_large_batch_starts_flushing_before_its_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flushed: list[int] = []

    def syncfs(fd: int) -> int:
        flushed.append(fd)
        return 0

    monkeypatch.setattr(write, "_syncfs", lambda: syncfs)
    monkeypatch.setattr(write, "FLUSH_AHEAD_FILES", 2)
    batch = write.FileBatch()
    items = [(tmp_path / "a" / f"{n:02d}-x.md", f"file {n}".encode()) for n in range(5)]
    for path, data in items:
        batch.add(path, data)
    assert batch._flushing is not None
    batch._flushing.join()
    assert flushed, "no flush was started while files were being added"
    assert not any(path.exists() for path, _ in items), "nothing is in place before the commit"
    before = len(flushed)
    batch.commit()
    assert len(flushed) > before, "the commit flushes again itself"
    assert [path.read_bytes() for path, _ in items] == [data for _, data in items]

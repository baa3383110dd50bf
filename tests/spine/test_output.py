"""The output transaction: all or nothing, even when the process dies at any step."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sitegen.errors import BuildFailed
from sitegen.output import Staging, commit, recover, safe_relpath, write_all
from tests.spine.helpers import snapshot


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no except clause sees it."""


def previous_site(out: Path) -> dict[str, str]:
    write_all(out, {"index.html": b"old home", "a/index.html": b"old a", "gone/index.html": b"old gone"}, [])
    return snapshot(out)


def texts(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): path.read_text() for path in folder.rglob("*") if path.is_file()}


def dying_replace(after: int) -> object:
    calls = {"n": 0}
    real = os.replace

    def replace(src: object, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] > after:
            raise Killed
        real(src, dst)  # type: ignore[arg-type]

    return replace


@pytest.mark.parametrize("after", range(0, 10))
def test_a_commit_killed_at_any_step_is_rolled_back_at_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    out = tmp_path / "public"
    before = previous_site(out)
    monkeypatch.setattr("sitegen.output.os.replace", dying_replace(after))
    changed = {"index.html": b"new home", "b/index.html": b"new b"}
    try:
        write_all(out, changed, ["gone/index.html"])
        finished = True
    except Killed:
        finished = False
    monkeypatch.undo()
    recover(out)
    if finished:
        assert (out / "index.html").read_bytes() == b"new home"
        assert (out / "b/index.html").read_bytes() == b"new b"
        assert not (out / "gone").exists()
    else:
        assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_a_completed_commit_writes_changes_and_prunes(tmp_path: Path) -> None:
    out = tmp_path / "public"
    previous_site(out)
    write_all(out, {"index.html": b"new home"}, ["gone/index.html"])
    assert (out / "index.html").read_bytes() == b"new home"
    assert (out / "a/index.html").read_bytes() == b"old a"
    assert not (out / "gone").exists()


def test_a_write_error_such_as_a_full_disk_leaves_the_previous_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    before = previous_site(out)

    def full_disk(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("sitegen.output.open", full_disk, raising=False)
    with pytest.raises(BuildFailed, match="No space left on device"):
        write_all(out, {"index.html": b"new home"}, [])
    monkeypatch.undo()
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../x", "a\x00b", "", "a//b", "./a", "a\\..\\b"])
def test_no_output_path_can_escape_the_output_folder(bad: str) -> None:
    with pytest.raises(BuildFailed):
        safe_relpath(bad)


def test_a_journal_left_by_the_previous_format_is_still_rolled_back(tmp_path: Path) -> None:
    """Version 1 kept backups under their own paths; a crash from before an upgrade must still undo cleanly."""
    out = tmp_path / "public"
    before = previous_site(out)
    backup = tmp_path / ".public.sitegen-backup"
    (backup / "a").mkdir(parents=True)
    os.replace(out / "a" / "index.html", backup / "a" / "index.html")
    (out / "a" / "index.html").write_bytes(b"half-committed new a")
    journal = {"version": 1, "changed": ["a/index.html"], "removed": []}
    (tmp_path / ".public.sitegen-journal").write_text(json.dumps(journal), encoding="utf-8")
    assert recover(out)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


@pytest.mark.parametrize("after", [0, 1])
def test_a_first_build_is_committed_by_one_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    """Killed before the rename there is no site folder at all; after it, the whole site."""
    out = tmp_path / "public"
    monkeypatch.setattr("sitegen.output.os.replace", dying_replace(after))
    try:
        write_all(out, {"index.html": b"home", "a/b/index.html": b"deep"}, [])
    except Killed:
        monkeypatch.undo()
        assert after == 0
        recover(out)
        assert list(tmp_path.iterdir()) == []
    else:
        monkeypatch.undo()
        assert after == 1
        assert texts(out) == {"index.html": "home", "a/b/index.html": "deep"}
        assert not recover(out)
        assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_a_first_build_whose_folder_appeared_meanwhile_commits_file_by_file(tmp_path: Path) -> None:
    """Staged as a tree for a folder that was not there, but something made it before the commit."""
    out = tmp_path / "public"
    staging = Staging.begin(out)
    assert staging.tree
    staging.write("index.html", b"home")
    staging.write("a/b/index.html", b"deep")
    (out / "a").mkdir(parents=True)
    (out / "a" / "mine.txt").write_bytes(b"not the build's")
    commit(staging, ["index.html", "a/b/index.html"], [])
    assert texts(out) == {"index.html": "home", "a/b/index.html": "deep", "a/mine.txt": "not the build's"}
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_a_killed_tree_commit_into_a_folder_that_appeared_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "public"
    staging = Staging.begin(out)
    staging.write("index.html", b"home")
    staging.write("a/index.html", b"new a")
    out.mkdir()
    (out / "index.html").write_bytes(b"someone's")
    monkeypatch.setattr("sitegen.output.os.replace", dying_replace(2))
    with pytest.raises(Killed):
        commit(staging, ["index.html", "a/index.html"], [])
    monkeypatch.undo()
    assert recover(out)
    assert texts(out) == {"index.html": "someone's"}
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_staging_makes_no_folder_per_page(tmp_path: Path) -> None:
    """Folders cost more than bytes at 50k pages: staging into an existing site is one flat folder."""
    out = tmp_path / "public"
    out.mkdir()
    staging = Staging.begin(out)
    for number in range(20):
        staging.write(f"2014/01/{number:02d}/entry/index.html", b"page")
    stage = tmp_path / ".public.sitegen-stage"
    assert len(list(stage.iterdir())) == 20
    assert all(path.is_file() for path in stage.iterdir())

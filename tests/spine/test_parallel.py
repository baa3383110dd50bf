"""``parallel.background``: work in a forked child while the build goes on, with results and errors as if in-process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sitegen import parallel


def _child_pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def _fail(message: str) -> None:
    raise FileNotFoundError(2, message)


class _Unpicklable(Exception):
    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("cannot pickle this")


def _fail_unpicklable() -> None:
    raise _Unpicklable("deep trouble")


def _note_pid_then_sleep(folder: str) -> None:
    (Path(folder) / "pid.part").write_text(str(os.getpid()))
    os.replace(Path(folder) / "pid.part", Path(folder) / "pid")
    time.sleep(2)
    (Path(folder) / "marker").write_text("the child ran to the end")


def test_the_work_runs_in_another_process_and_its_result_comes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_WORKERS", "2")
    with parallel.background(_child_pid_and, 21) as result:
        pid, value = result()
    assert value == 42
    assert pid != os.getpid()


@pytest.mark.parametrize(("workers", "fork"), [("1", True), ("2", False)])
def test_with_one_worker_or_no_fork_asked_the_work_runs_in_process(
    monkeypatch: pytest.MonkeyPatch, workers: str, fork: bool
) -> None:
    monkeypatch.setenv("SITEGEN_WORKERS", workers)
    with parallel.background(_child_pid_and, 21, fork=fork) as result:
        assert result() == (os.getpid(), 42)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_childs_error_is_raised_in_the_caller(monkeypatch: pytest.MonkeyPatch, workers: str) -> None:
    monkeypatch.setenv("SITEGEN_WORKERS", workers)
    with parallel.background(_fail, "no such folder") as result, pytest.raises(FileNotFoundError, match="no such"):
        result()


def test_an_error_that_cannot_travel_comes_back_as_its_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEGEN_WORKERS", "2")
    with parallel.background(_fail_unpicklable) as result, pytest.raises(RuntimeError, match="deep trouble"):
        result()


def test_a_child_whose_result_is_never_asked_for_is_stopped(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A build that fails before it needs the result does not leave a process behind."""
    monkeypatch.setenv("SITEGEN_WORKERS", "2")
    with parallel.background(_note_pid_then_sleep, str(tmp_path)):
        deadline = time.monotonic() + 10
        while not (tmp_path / "pid").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    pid = int((tmp_path / "pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone and reaped: a zombie would still take the signal
    time.sleep(2.5)
    assert not (tmp_path / "marker").exists()

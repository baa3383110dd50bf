"""Run a build stage on all cores, with output identical to a serial run.

Workers are forked, so they inherit the frozen archive, the renderer and the
caches without copying or pickling them; only small task lists go in and small
results come out. Each worker gets its state through the pool initializer,
which with fork is inherited rather than pickled. Small jobs stay serial: a
fork costs more than it saves below a few hundred items.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sitegen.progress import Progress

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items a stage runs in-process.
PARALLEL_MIN = 400
_CHUNK = 64
#: The state a forked worker was started with (set only inside worker processes).
_worker_state: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def worker_count() -> int:
    """Usable cores; SITEGEN_WORKERS overrides (1 forces a serial build)."""
    override = os.environ.get("SITEGEN_WORKERS", "")
    if override.isdigit() and int(override) > 0:
        return int(override)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _init(func: Callable[[Any], Any], items: Sequence[Any]) -> None:
    global _worker_state
    _worker_state = (func, items)


def _run(indices: range) -> list[Any]:
    assert _worker_state is not None, "worker started without state"
    func, items = _worker_state
    return [func(items[index]) for index in indices]


def _chunks(total: int, size: int) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


def map_items(
    func: Callable[[T], R],
    items: Sequence[T],
    progress: Progress,
    label: str,
    *,
    min_items: int | None = None,
    chunk: int = _CHUNK,
    each: Callable[[R], object] | None = None,
) -> list[R]:
    """``[func(item) for item in items]``, on all cores when it pays; results keep the input order.

    ``min_items`` (default ``PARALLEL_MIN``) and ``chunk`` (items per task)
    suit cheap items by default; a stage whose items are heavy (the
    importer's days) parallelises sooner, in smaller tasks. ``each`` is called
    here, in order, with every result as it comes in, so the caller's own work
    on it (the importer's writing) overlaps the workers' on later items.
    """
    workers = worker_count()
    threshold = PARALLEL_MIN if min_items is None else min_items
    if workers < 2 or len(items) < threshold or not hasattr(os, "fork"):
        results = []
        for done, item in enumerate(items, start=1):
            results.append(func(item))
            if each is not None:
                each(results[-1])
            progress.count(label, done, len(items))
        return results
    import multiprocessing  # loaded only by builds big enough to fork
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    out: list[R] = []
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(func, items)) as pool:
        for batch in pool.map(_run, _chunks(len(items), max(1, chunk))):
            out.extend(batch)
            if each is not None:
                for result in batch:
                    each(result)
            progress.count(label, len(out), len(items))
    return out


@contextmanager
def background(func: Callable[..., R], *args: Any, fork: bool = True) -> Iterator[Callable[[], R]]:
    """``func(*args)`` in a forked child while the caller goes on; the yielded function waits for its result.

    For work that is mostly waiting on the kernel (a stat per output file), which
    a thread could not overlap with the caller's Python work under the GIL. The
    result (or the exception) comes back pickled, so it should be small. With
    one core, no fork, or ``fork=False`` (the caller has nothing to do meanwhile),
    ``func`` runs in-process when its result is asked for. The child is reaped
    (killed if still running) however the block ends.
    """
    if not fork or worker_count() < 2 or not hasattr(os, "fork"):
        yield lambda: func(*args)
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running the parent's cleanup
        os.close(read_end)
        try:
            try:
                payload = pickle.dumps((True, func(*args)), pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # every failure goes back to the caller, who raises it
                payload = pickle.dumps((False, exc if _picklable(exc) else RuntimeError(repr(exc))))
            with os.fdopen(write_end, "wb") as sink:
                sink.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    outcome: list[tuple[bool, Any]] = []

    def result() -> R:
        if not outcome:
            payload = pipe.read()
            os.waitpid(pid, 0)
            outcome.append(pickle.loads(payload) if payload else (False, RuntimeError("background worker died")))
        ok, value = outcome[0]
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    try:
        yield result
    finally:
        pipe.close()
        if not outcome:  # never asked for, or interrupted while waiting: stop it
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _picklable(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # whatever stops it, the caller gets a plain RuntimeError
        return False
    return True

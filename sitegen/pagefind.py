"""Run Pagefind's real binary over the entry pages, and make its bundle deterministic.

Kept apart from the search stage because it needs asyncio and Pagefind's
client: a build that does not index (most rebuilds) never imports them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sitegen.progress import Progress
from sitegen.search import ENTRY_FILE, OUTPUT_PREFIX, PagefindUnavailable, annotate

T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion, also when called from inside a running event loop."""
    try:
        asyncio.get_running_loop()
        running = True
    except RuntimeError:
        running = False
    if not running:
        return asyncio.run(coroutine)
    result: list[T] = []
    failure: list[BaseException] = []

    def worker() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as exc:  # handed back to the caller's thread below
            failure.append(exc)

    thread = threading.Thread(target=worker, name="sitegen-pagefind")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def _executable() -> Path:
    """The Pagefind binary, or PagefindUnavailable saying what is missing."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        raise PagefindUnavailable("the pagefind Python package is not installed") from None
    try:
        binary = get_executable()
    except FileNotFoundError as exc:
        raise PagefindUnavailable(f"the Pagefind binary is missing ({exc})") from None
    if binary is None:
        raise PagefindUnavailable("no Pagefind binary found (pagefind_bin is not installed)")
    if not binary.is_file() or not os.access(binary, os.X_OK):
        raise PagefindUnavailable(f"the Pagefind binary {binary} does not exist or is not executable")
    return binary


async def _answer(request: Awaitable[T], service: Any) -> T:
    """Await one request to the Pagefind service, failing fast if the process dies.

    Pagefind's client waits forever for an answer from a process that has
    exited; its reader task then ends, which is what this watches for.
    """
    work = asyncio.ensure_future(request)
    while True:
        done, _ = await asyncio.wait({work}, timeout=0.25)
        if done:
            return work.result()
        reader = getattr(service, "_poll_task", None)
        if isinstance(reader, asyncio.Task) and reader.done():
            work.cancel()
            raise PagefindUnavailable("the Pagefind process stopped without answering")


async def _index_folder(source: Path, output: Path) -> int:
    """Index every HTML file under ``source`` into ``output``; return the page count."""
    from pagefind.index import IndexConfig
    from pagefind.service import PagefindService

    config: IndexConfig = {"write_playground": False}
    service = await PagefindService().launch()
    finished = False
    try:
        index = await _answer(service.create_index(config), service)
        result = await _answer(index.add_directory(str(source)), service)
        # An absolute path: a relative one is taken from the current directory.
        await _answer(index.write_files(output_path=str(output)), service)
        finished = True
    finally:
        await _stop(service, graceful=finished)
    return int(result["page_count"])


async def _stop(service: Any, *, graceful: bool) -> None:
    """Shut the Pagefind process down.

    After a failure the process is killed: Pagefind's own close() waits for
    answers that a dead or confused process will never send.
    """
    if graceful:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(service.close(), timeout=10)
        return
    reader = getattr(service, "_poll_task", None)
    if isinstance(reader, asyncio.Task):
        reader.cancel()
        with contextlib.suppress(BaseException):
            await reader  # also retrieves its exception, so asyncio does not log it
    backend: Any = getattr(service, "_backend", None)
    with contextlib.suppress(ProcessLookupError, AttributeError):
        backend.kill()
    with contextlib.suppress(AttributeError):
        await backend.wait()


def build_index(entry_pages: Sequence[str], read: Callable[[str], bytes], progress: Progress) -> dict[str, bytes]:
    """Stage the entry pages, run Pagefind over them, and return its bundle as output files."""
    _executable()
    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as scratch:
        source, output = Path(scratch) / "site", Path(scratch) / "pagefind"
        for done, path in enumerate(entry_pages, start=1):
            target = source / path
            target.parent.mkdir(parents=True, exist_ok=True)
            html = read(path).decode("utf-8")
            target.write_text(annotate(html, path), encoding="utf-8")
            progress.count("search", done, len(entry_pages))
        try:
            count = _run(_index_folder(source, output))
        except PagefindUnavailable:
            raise
        except (OSError, EOFError, asyncio.IncompleteReadError) as exc:
            raise PagefindUnavailable(f"Pagefind could not run: {type(exc).__name__}: {exc}") from None
        except Exception as exc:  # Pagefind reports its own failures as bare Exceptions
            raise PagefindUnavailable(f"Pagefind failed: {exc}") from None
        if count != len(entry_pages):
            raise PagefindUnavailable(f"Pagefind indexed {count} of {len(entry_pages)} entry pages")
        files = {
            OUTPUT_PREFIX + file.relative_to(output).as_posix(): file.read_bytes()
            for file in sorted(output.rglob("*"))
            if file.is_file()
        }
    if OUTPUT_PREFIX + ENTRY_FILE not in files:
        raise PagefindUnavailable(f"Pagefind wrote no {ENTRY_FILE}")
    return canonical_bundle(files)


# Deterministic bundle ---------------------------------------------------------
#
# Pagefind writes its filter lists in hash-map order, which changes from run to
# run (upstream issue Pagefind/pagefind#638), so the same archive would give a
# different pagefind/ every time. The files are gzip'd CBOR: the filter files
# and their list in pagefind.<lang>_<hash>.pf_meta are sorted here, renamed by
# their new content hash, and pagefind-entry.json is pointed at the new meta
# file. Anything unexpected leaves Pagefind's output exactly as it was.

_SIGNATURE = b"pagefind_dcd"
_META_NAME = re.compile(r"^pagefind/pagefind\.(?P<hash>(?P<lang>[^_/]+)_[0-9a-f]+)\.pf_meta$")
CBOR = int | str | bytes | list["CBOR"]


def _cbor_decode(data: bytes, at: int = 0) -> tuple[CBOR, int]:
    """Decode one CBOR item of the subset Pagefind writes: unsigned ints, strings and arrays."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        size = info
    elif info <= 27:
        width = 1 << (info - 24)
        size, at = int.from_bytes(data[at : at + width], "big"), at + width
    else:
        raise ValueError(f"unsupported CBOR item {data[at - 1]:#x}")
    if major == 0:
        return size, at
    if major in (2, 3):
        raw = data[at : at + size]
        return (raw if major == 2 else raw.decode("utf-8")), at + size
    if major == 4:
        items: list[CBOR] = []
        for _ in range(size):
            item, at = _cbor_decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"unsupported CBOR major type {major}")


def _cbor_head(major: int, size: int) -> bytes:
    if size < 24:
        return bytes([major << 5 | size])
    width = next(w for w in (1, 2, 4, 8) if size < 1 << (8 * w))
    return bytes([major << 5 | (24 + width.bit_length() - 1)]) + size.to_bytes(width, "big")


def _cbor_encode(item: CBOR) -> bytes:
    if isinstance(item, bool) or not isinstance(item, int | str | bytes | list):
        raise ValueError(f"unsupported value {item!r}")
    if isinstance(item, int):
        if item < 0:
            raise ValueError("negative integers are not expected")
        return _cbor_head(0, item)
    if isinstance(item, bytes):
        return _cbor_head(2, len(item)) + item
    if isinstance(item, str):
        raw = item.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    return _cbor_head(4, len(item)) + b"".join(_cbor_encode(part) for part in item)


def _load(data: bytes) -> CBOR:
    raw = gzip.decompress(data)
    if not raw.startswith(_SIGNATURE):
        raise ValueError("not a Pagefind data file")
    item, end = _cbor_decode(raw, len(_SIGNATURE))
    if end != len(raw):
        raise ValueError("trailing bytes")
    return item


def _dump(item: CBOR) -> bytes:
    return gzip.compress(_SIGNATURE + _cbor_encode(item), compresslevel=9, mtime=0)


def _sorted_pairs(value: CBOR) -> list[list[CBOR]]:
    """A list of ``[name, …]`` lists, sorted by name; ValueError when it is not one."""
    if not isinstance(value, list):
        raise ValueError("expected a list")
    pairs: list[tuple[str, list[CBOR]]] = []
    for pair in value:
        if not isinstance(pair, list) or len(pair) < 2 or not isinstance(pair[0], str):
            raise ValueError("expected [name, …] pairs")
        pairs.append((pair[0], pair))
    return [pair for _, pair in sorted(pairs, key=lambda item: item[0])]


def _canonical_language(files: dict[str, bytes], meta_path: str, lang: str, old_hash: str) -> None:
    meta = _load(files[meta_path])
    if not isinstance(meta, list) or len(meta) < 5:
        raise ValueError("unexpected pf_meta layout")
    filters = _sorted_pairs(meta[3])
    for pair in filters:  # [filter name, file hash]
        old = pair[1]
        if not isinstance(old, str):
            raise ValueError("unexpected filter entry")
        content = _load(files.pop(f"{OUTPUT_PREFIX}filter/{old}.pf_filter"))
        if not isinstance(content, list) or len(content) != 2:
            raise ValueError("unexpected pf_filter layout")
        data = _dump([content[0], list(_sorted_pairs(content[1]))])  # [filter name, [[value, pages], …]]
        new = f"{lang}_{hashlib.sha256(data).hexdigest()[:7]}"
        files[f"{OUTPUT_PREFIX}filter/{new}.pf_filter"] = data
        pair[1] = new
    meta[3] = list(filters)
    meta[4] = list(_sorted_pairs(meta[4]))  # sorts: [[sort name, page order], …]
    data = _dump(meta)
    new_hash = f"{lang}_{hashlib.sha256(data).hexdigest()[:10]}"
    del files[meta_path]
    files[f"{OUTPUT_PREFIX}pagefind.{new_hash}.pf_meta"] = data
    entry = files[OUTPUT_PREFIX + ENTRY_FILE]
    needle = f'"hash":"{old_hash}"'.encode()
    if entry.count(needle) != 1:
        raise ValueError("pf_meta hash not found once in pagefind-entry.json")
    files[OUTPUT_PREFIX + ENTRY_FILE] = entry.replace(needle, f'"hash":"{new_hash}"'.encode())


def canonical_bundle(files: dict[str, bytes]) -> dict[str, bytes]:
    """Pagefind's bundle with filter lists in a fixed order; unchanged when its layout is unexpected."""
    result = dict(files)
    try:
        for path in sorted(files):
            match = _META_NAME.match(path)
            if match:
                _canonical_language(result, path, match["lang"], match["hash"])
    except (ValueError, KeyError, OSError, EOFError, IndexError):
        return files
    return dict(sorted(result.items()))

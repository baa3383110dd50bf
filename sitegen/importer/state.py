"""content/.import-state.json: what import wrote, so it can tell edits from its own output.

For every dump: the hash of the raw bytes and of everything else that shapes
its entries (manifest facts, topics.toml, importer version), a stat cache so
``sitegen build`` can tell cheaply that nothing changed, and the sha256 of
every file written. A file whose bytes no longer hash to what import wrote
was edited by hand and is never overwritten without ``--force``.

The file is versioned; one written by a newer sitegen is refused rather than
misread. Writes are atomic (see ``write.atomic_write``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.errors import SitegenError
from sitegen.importer.write import atomic_write

STATE_PATH = Path("content") / ".import-state.json"
STATE_VERSION = 1


@dataclass
class DumpRecord:
    sha256: str
    inputs: str
    size: int
    mtime_ns: int
    #: Path under content/entries → sha256 of the bytes import wrote (or would have written).
    files: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "inputs": self.inputs,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "files": dict(sorted(self.files.items())),
        }


@dataclass
class ImportState:
    dumps: dict[str, DumpRecord] = field(default_factory=dict)

    def owner_of(self) -> dict[str, str]:
        """Entry path → the dump whose import wrote it."""
        return {rel: name for name, record in self.dumps.items() for rel in record.files}

    def serialise(self) -> bytes:
        data = {
            "version": STATE_VERSION,
            "about": "Written by `sitegen import`: hashes of raw dumps and of the entry files it wrote. "
            "Deleting it is safe: import then treats every existing entry file as possibly edited.",
            "dumps": {name: self.dumps[name].as_json() for name in sorted(self.dumps)},
        }
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _record(name: str, raw: Any, path: Path) -> DumpRecord:
    if not isinstance(raw, dict):
        raise SitegenError(path, None, f"import state for '{name}' is not an object", "delete the file to rebuild it")
    try:
        files = raw.get("files", {})
        if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
            raise TypeError("files")
        return DumpRecord(
            sha256=str(raw["sha256"]),
            inputs=str(raw["inputs"]),
            size=int(raw.get("size", -1)),
            mtime_ns=int(raw.get("mtime_ns", -1)),
            files=dict(files),
        )
    except (KeyError, TypeError, ValueError):
        message = f"import state for '{name}' is damaged"
        raise SitegenError(path, None, message, "delete the file to rebuild it") from None


def load_state(site_dir: Path) -> ImportState:
    """The recorded state; an absent file is an empty state (nothing imported yet)."""
    path = site_dir / STATE_PATH
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        return ImportState()
    try:
        data = json.loads(raw_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise SitegenError(path, line, "import state is not valid JSON", "delete the file to rebuild it") from None
    if not isinstance(data, dict) or not isinstance(data.get("dumps", {}), dict):
        raise SitegenError(path, None, "import state has an unexpected shape", "delete the file to rebuild it")
    version = data.get("version")
    if version != STATE_VERSION:
        raise SitegenError(
            path, None, f"import state has version {version!r}; this sitegen reads version {STATE_VERSION}"
        )
    return ImportState({str(name): _record(str(name), raw, path) for name, raw in data.get("dumps", {}).items()})


def state_saved_ns(site_dir: Path) -> int:
    """When the state was last saved (0 if never): entry files older than that are import's own."""
    try:
        return (site_dir / STATE_PATH).stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def save_state(site_dir: Path, state: ImportState) -> bool:
    """Write the state if it changed; return whether it was written."""
    path = site_dir / STATE_PATH
    data = state.serialise()
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(path, data)
    return True

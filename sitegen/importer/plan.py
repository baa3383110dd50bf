"""Decide, per file, what an import does: write, leave, keep an edit, or remove.

The rules, in the order the guarantees need them:

* a file whose bytes already equal the new text is left alone (idempotence);
* a file import wrote and nobody touched since (its hash is the recorded one)
  is replaced by the new text, or removed when the dump no longer yields it;
* anything else (edited by hand, or an unknown file at that path) is kept and
  listed, unless ``--force``, which overwrites it and says so;
* a file import wrote that is now missing was deleted by the editor, and is
  not brought back without ``--force``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from sitegen.frontmatter import split_front_matter
from sitegen.importer.render import Draft
from sitegen.importer.state import DumpRecord
from sitegen.importer.write import confined, sha256


@dataclass
class Plan:
    """What importing one dump will do; paths are relative to content/entries."""

    dump: str
    writes: dict[str, bytes] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    #: (path, why) for files left as the editor has them.
    kept: list[tuple[str, str]] = field(default_factory=list)
    #: Edited files that --force overwrites (also in ``writes``) or removes (also in ``removals``).
    forced: list[str] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)
    #: The state record to save once the plan is carried out.
    record: DumpRecord | None = None


@dataclass(frozen=True)
class DayFile:
    """An existing entry file of a day: who owns it and which slugs it uses."""

    rel: str
    owner: str | None
    slugs: tuple[str, ...]


def _front_matter(path: Path) -> dict[str, object]:
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
        yaml_text, _, _ = split_front_matter(text, path)
        data = yaml.safe_load(yaml_text)
    except Exception:  # an unreadable file still reserves its slug; the build reports it
        return {}
    return data if isinstance(data, dict) else {}


def scan_day(entries_dir: Path, folder: PurePosixPath, owners: Mapping[str, str]) -> list[DayFile]:
    """The entry files already in a day's folder, with the dump each came from."""
    directory = entries_dir / folder
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("*.md")):
        rel = str(folder / path.name)
        stem = path.stem.split("-", 1)[1] if "-" in path.stem and path.stem.split("-", 1)[0].isdigit() else path.stem
        # The front matter slug may differ from the file name's if the editor changed it.
        meta = _front_matter(path)
        slugs = {stem, *([str(meta["slug"])] if isinstance(meta.get("slug"), str) else [])}
        owner = owners.get(rel)
        if owner is None:
            source = meta.get("source")
            owner = source.rsplit(":", 1)[0] if isinstance(source, str) and ":" in source else None
        found.append(DayFile(rel, owner, tuple(sorted(slugs))))
    return found


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def plan_dump(
    entries_dir: Path,
    dump: str,
    drafts: Sequence[Draft],
    previous: DumpRecord | None,
    owned: Iterable[str],
    record: DumpRecord,
    *,
    force: bool,
) -> Plan:
    """Compare the drafts with the disk and the last import's record of this dump."""
    plan = Plan(dump, record=record)
    recorded = previous.files if previous else {}
    new_rels = set()
    for draft in drafts:
        rel = str(draft.rel)
        new_rels.add(rel)
        data = draft.text.encode("utf-8")
        new_hash = sha256(data)
        record.files[rel] = new_hash
        current = _read(confined(entries_dir, rel))
        if current is None:
            if rel in recorded and not force:
                plan.kept.append((rel, "deleted since import; --force recreates it"))
            else:
                plan.writes[rel] = data
        elif sha256(current) == new_hash:
            plan.unchanged.append(rel)
        elif recorded.get(rel) == sha256(current):
            plan.writes[rel] = data
        elif force:
            plan.writes[rel] = data
            plan.forced.append(rel)
        else:
            plan.kept.append((rel, "edited since import; --force overwrites it"))
    for rel in sorted(set(recorded) | set(owned)):
        if rel in new_rels:
            continue
        current = _read(confined(entries_dir, rel))
        if current is None:
            continue
        if recorded.get(rel) == sha256(current):
            plan.removals.append(rel)
        elif force:
            plan.removals.append(rel)
            plan.forced.append(rel)
        else:
            plan.kept.append((rel, "no longer in the dump, but edited since import; --force removes it"))
    return plan

"""``sitegen import``: raw live-blog dumps → one Markdown file per entry.

Pipeline per dump: read the manifest facts, decode (UTF-8 with or without
BOM, CRLF, Windows-1252), segment into the lead and entries (rule-based, see
``rules``), tag, render to front matter + Markdown, check conservation on the
rendered text, plan against the disk and the recorded state, then write
atomically (see ``write.FileBatch``). Files are written as hidden temporaries
while later dumps are still being prepared, but none is renamed into place
before every dump is decoded, segmented and checked, so a bad dump stops the
import with nothing written.

Public API: ``import_dumps``, ``dumps_changed`` / ``changed_dumps`` (for
``sitegen build``), ``topics_report`` (for ``sitegen topics``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.importer.manifest import DumpSpec, load_manifest, select_dumps
from sitegen.importer.plan import Plan
from sitegen.importer.prepare import Context, DumpSummary, Job, Prepared, prepare_dumps, read_dump
from sitegen.importer.segment import SEED_FORMAT
from sitegen.importer.state import DumpRecord, ImportState, load_state, save_state, state_saved_ns
from sitegen.importer.topics_report import topics_report
from sitegen.importer.write import FileBatch, confined, safe_relative, sha256, sweep_temporaries
from sitegen.model import Entry
from sitegen.progress import Progress
from sitegen.tagging import tagger_for
from sitegen.topics import TOPICS_PATH, load_topics

__all__ = ["DumpSummary", "ImportReport", "changed_dumps", "dumps_changed", "import_dumps", "topics_report"]

#: Bump when import's output for the same input changes, so ``build`` re-imports.
IMPORTER_VERSION = "2"
ENTRIES_DIR = Path("content") / "entries"


@dataclass(frozen=True)
class ImportReport:
    """Paths are site-relative POSIX strings (content/entries/YYYY/MM/DD/NN-slug.md)."""

    dumps: tuple[DumpSummary, ...]
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    #: Hand-edited (or deleted) files import left alone.
    kept: tuple[str, ...]
    removed: tuple[str, ...]
    #: Hand-edited files --force overwrote or removed.
    forced: tuple[str, ...]
    #: Per-dump notes, e.g. which encoding was assumed.
    notes: tuple[str, ...]
    dry_run: bool
    #: The entries this import wrote (or found as it would write them), parsed, by digest of their
    #: bytes: what a build parsing those files would get, so it need not parse them again.
    parsed: Mapping[str, Entry] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)

    def summary(self) -> str:
        """One line for the end of ``sitegen import`` and the build's import stage."""
        if self.dry_run:
            counts = f"{len(self.written):,} would be written, {len(self.removed):,} would be removed"
        else:
            counts = f"{len(self.written):,} written, {len(self.removed):,} removed"
        text = (
            f"import: {len(self.dumps):,} dump(s); {counts}, {len(self.unchanged):,} unchanged, {len(self.kept):,} kept"
        )
        if self.kept and not self.dry_run:
            text += " (edited by hand; --force overwrites)"
        if self.forced:
            text += f"; {len(self.forced)} edited file(s) overwritten or removed by --force"
        return text


def _topics_hash(site_dir: Path) -> str:
    try:
        return sha256((site_dir / TOPICS_PATH).read_bytes())
    except FileNotFoundError:
        return "none"


def _inputs(spec: DumpSpec, topics_hash: str) -> str:
    """Everything besides the raw bytes that shapes a dump's entries."""
    text = f"{IMPORTER_VERSION}|{spec.fingerprint()}|{topics_hash}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def changed_dumps(site_dir: Path) -> list[str]:
    """Dumps that are new, changed, or whose manifest facts, topics or importer changed.

    Cheap: a dump whose size and mtime match the recorded ones is not re-hashed.
    """
    specs = load_manifest(site_dir)
    state = load_state(site_dir)
    topics_hash = _topics_hash(site_dir)
    return [
        spec.name
        for spec in specs
        if not _unchanged(spec, state.dumps.get(spec.name), _inputs(spec, topics_hash), None)
    ]


def dumps_changed(site_dir: Path) -> bool:
    """Whether ``sitegen build`` needs to run an import first."""
    return bool(changed_dumps(site_dir))


def _intact(entries_dir: Path, record: DumpRecord, saved_ns: int) -> bool:
    """Every file the last import wrote is still there, byte for byte.

    A file not modified since the state was saved (``saved_ns``) is taken as
    intact without reading it, which keeps a no-op import of a 50k-entry
    archive to a stat per file. Only listing is at stake: an unchanged dump
    writes nothing either way.
    """
    root = str(entries_dir)
    for rel, digest in record.files.items():
        path = os.path.join(root, safe_relative(entries_dir, rel))
        try:
            if os.stat(path).st_mtime_ns <= saved_ns:
                continue
            with open(path, "rb") as handle:
                if sha256(handle.read()) != digest:
                    return False
        except FileNotFoundError:
            return False
    return True


def _unchanged(spec: DumpSpec, previous: DumpRecord | None, inputs: str, data: bytes | None) -> bool:
    """The dump and everything shaping its entries are as at the last import (stat first, then hash)."""
    if previous is None or previous.inputs != inputs:
        return False
    stat = spec.path.stat()
    if (stat.st_size, stat.st_mtime_ns) == (previous.size, previous.mtime_ns):
        return True
    return sha256(data if data is not None else read_dump(spec)) == previous.sha256


def _summary_line(summary: DumpSummary, plan: Plan, dry_run: bool) -> str:
    head = f"{summary.name} ({summary.date.isoformat()})"
    fmt = "seed format" if summary.format == SEED_FORMAT else "GMT-timestamp format"
    lead = " and a lead" if summary.lead else ", no lead"
    verb = "would write" if dry_run else "written"
    counts = f"{len(plan.writes)} {verb}, {len(plan.unchanged)} unchanged"
    if plan.kept:
        counts += f", {len(plan.kept)} kept"
    if plan.removals:
        counts += f", {len(plan.removals)} {'would be removed' if dry_run else 'removed'}"
    entries = f"{summary.entries} {'entry' if summary.entries == 1 else 'entries'}"
    return f"{head}: {entries}{lead}, {fmt}, {summary.encoding}: {counts}"


def import_dumps(
    site_dir: Path,
    names: Sequence[str] | None = None,
    *,
    dry_run: bool = False,
    force: bool = False,
    echo: Callable[[str], None] = print,
    list_dumps: bool = True,
    progress: Progress | None = None,
) -> ImportReport:
    """Import the named dumps (default: all) into content/entries; see the module docstring.

    ``echo`` gets a line per dump imported (``sitegen import``; with ``list_dumps`` false only
    what needs the editor's eye: hand edits kept or overwritten, files removed, notes), and
    ``progress`` counts the days as they are prepared (``sitegen build``, on a terminal: a
    first build of a 2,500-day archive would otherwise print 2,500 lines).
    Raises SitegenError (exit 2) for bad input, before anything is written.
    """
    specs = load_manifest(site_dir)
    if names:
        specs = select_dumps(site_dir, specs, names)
    tagger = tagger_for(load_topics(site_dir))
    topics_hash = _topics_hash(site_dir)
    state = load_state(site_dir)
    saved_ns = state_saved_ns(site_dir)
    owners = state.owner_of()
    entries_dir = site_dir / ENTRIES_DIR
    prefix = ENTRIES_DIR.as_posix()

    # Which dumps need reading is cheap to tell (a stat per dump, a stat per
    # file); an error here is kept in its place in manifest order, like one
    # from preparing a dump, so the first error reported is a serial run's.
    outcomes: list[Job | DumpSummary | Exception] = []
    unchanged: list[str] = []
    for position, spec in enumerate(specs):
        try:
            previous = state.dumps.get(spec.name)
            inputs = _inputs(spec, topics_hash)
            if (
                not force
                and previous is not None
                and _unchanged(spec, previous, inputs, None)
                and _intact(entries_dir, previous, saved_ns)
            ):
                unchanged.extend(f"{prefix}/{rel}" for rel in sorted(previous.files))
                outcomes.append(DumpSummary(spec.name, spec.date, "unchanged"))
            else:
                outcomes.append(Job(position, spec, previous, inputs))
        except Exception as exc:  # raised below, in manifest order
            outcomes.append(exc)
    jobs = [outcome for outcome in outcomes if isinstance(outcome, Job)]
    positions = {job.spec.name: job.position for job in jobs}
    context = Context(entries_dir, tagger, owners, positions, force)
    batch = FileBatch()
    swept: set[Path] = set()

    def stage(result: Prepared) -> None:
        """A prepared dump's files, written as temporaries now; renamed into place only if every dump passes."""
        folder = entries_dir / f"{result.summary.date:%Y/%m/%d}"
        if folder not in swept:
            sweep_temporaries([folder])  # what a killed import left, before this one adds its own
            swept.add(folder)
        for rel, payload in sorted(result.plan.writes.items()):
            batch.add(confined(entries_dir, rel), payload)

    try:
        prepared = prepare_dumps(context, jobs, ready=None if dry_run else stage, progress=progress)
        plans: list[tuple[DumpSummary, Plan | None]] = []
        notes: list[str] = []
        parsed: dict[str, Entry] = {}
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                raise outcome
            if isinstance(outcome, DumpSummary):
                plans.append((outcome, None))
                continue
            result = prepared[outcome.position]
            if isinstance(result, Exception):
                raise result
            plans.append((result.summary, result.plan))
            parsed.update((entry.digest, entry) for entry in result.parsed)
            if result.note is not None:
                notes.append(f"{outcome.spec.name}: {result.note}")

        new_state = ImportState(dict(state.dumps))
        removals: list[str] = []
        for summary, plan in plans:
            if plan is None:
                continue  # counted in one line below: a no-op build of 500 days should not print 500
            if list_dumps:
                echo(_summary_line(summary, plan, dry_run))
            for rel, why in plan.kept:
                echo(f"  kept {prefix}/{rel}: {why}")
            for rel in plan.forced:
                if rel in plan.writes:
                    action = "would overwrite" if dry_run else "overwrote"
                else:
                    action = "would remove" if dry_run else "removed"
                echo(f"  {action} {prefix}/{rel}, edited since import (--force)")
            for rel in plan.removals:
                if rel not in plan.forced:
                    echo(f"  {'would remove' if dry_run else 'removed'} {prefix}/{rel}: no longer in the dump")
            if dry_run:
                continue
            removals.extend(confined(entries_dir, rel) for rel in plan.removals)
            assert plan.record is not None
            new_state.dumps[plan.dump] = plan.record
        batch.commit(removals)
    except BaseException:
        batch.discard()  # nothing was renamed into place yet: every entry file is as it was
        raise
    untouched = sum(1 for _, plan in plans if plan is None)
    if untouched:
        echo(f"{untouched} {'other ' if untouched < len(plans) else ''}dump(s) unchanged")
    for note in notes:
        echo(f"note: {note}")
    if not dry_run and any(plan is not None for _, plan in plans):
        save_state(site_dir, new_state)

    done = [plan for _, plan in plans if plan is not None]
    report = ImportReport(
        dumps=tuple(summary for summary, _ in plans),
        written=tuple(f"{prefix}/{rel}" for plan in done for rel in sorted(plan.writes)),
        unchanged=tuple(unchanged + [f"{prefix}/{rel}" for plan in done for rel in plan.unchanged]),
        kept=tuple(f"{prefix}/{rel}" for plan in done for rel, _ in plan.kept),
        removed=tuple(f"{prefix}/{rel}" for plan in done for rel in plan.removals),
        forced=tuple(f"{prefix}/{rel}" for plan in done for rel in plan.forced),
        notes=tuple(notes),
        dry_run=dry_run,
        parsed=parsed,
    )
    return report

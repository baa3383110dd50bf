"""Everything import does for a dump before writing: read, decode, segment, render, check, plan.

This is pure apart from reading the disk, so it runs on all cores: dumps are
grouped by day (a day's dumps share its folder and its slugs, so they go in
manifest order within the group) and the groups run in forked workers. What
crosses between days is fixed before any work starts: which dumps this run
re-renders (``Context.positions``), so whether a dump sees another's old
files as taken never depends on scheduling. Results come back per dump and
are merged in manifest order; the first error in that order is the one a
serial run raises, and nothing is written unless there is none.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from sitegen.errors import SitegenError
from sitegen.importer.conserve import check_conservation
from sitegen.importer.decode import decode_dump
from sitegen.importer.manifest import DumpSpec
from sitegen.importer.plan import Plan, plan_dump, scan_day
from sitegen.importer.render import render_dump
from sitegen.importer.rules import Label
from sitegen.importer.segment import Segmentation, segment
from sitegen.importer.state import DumpRecord
from sitegen.model import Entry
from sitegen.parallel import map_items
from sitegen.progress import Progress
from sitegen.tagging import Tagger

#: Below this many days the work stays in-process: forking costs more than it saves.
PARALLEL_MIN_DAYS = 32
#: Days per task handed to a worker: small enough to balance two cores to the end.
DAYS_PER_TASK = 4


@dataclass(frozen=True)
class DumpSummary:
    """What import did with one dump."""

    name: str
    date: date
    #: "imported" (segmented and planned) or "unchanged" (nothing to do).
    status: str
    #: "latest-headlines" or "gmt-timestamps" ("" when unchanged and not re-read).
    format: str = ""
    encoding: str = ""
    entries: int = 0
    lead: bool = False


@dataclass(frozen=True)
class Job:
    """A dump this run re-reads, with what the last import recorded about it."""

    #: Place in the manifest order (among all dumps, read or not).
    position: int
    spec: DumpSpec
    previous: DumpRecord | None
    inputs: str


@dataclass(frozen=True)
class Prepared:
    """A dump ready to write: its summary, its plan and the encoding note (if any)."""

    position: int
    summary: DumpSummary
    plan: Plan
    note: str | None
    #: The drafts as the build parses them (read back for the conservation check), of the files that will be
    #: on disk as drafted: not of those kept as an editor left them.
    parsed: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Context:
    """What preparing any dump reads besides the dump; forked workers inherit it."""

    entries_dir: Path
    tagger: Tagger
    #: Entry path → the dump whose import wrote it (from the state).
    owners: Mapping[str, str]
    #: Dump name → position, for the dumps this run re-reads.
    positions: Mapping[str, int]
    force: bool


def read_dump(spec: DumpSpec) -> bytes:
    try:
        return spec.path.read_bytes()
    except OSError as exc:
        raise SitegenError(spec.path, None, f"cannot read dump: {exc.strerror or exc}") from None


def _check_recognisable(spec: DumpSpec, seg: Segmentation) -> None:
    if seg.entries or seg.has_updates or any(d.label is Label.LATEST for d in seg.decisions):
        return
    raise SitegenError(
        spec.path,
        1,
        "no live-blog entries recognised: no LATEST line, headlines or 'NNNN GMT:' timestamps",
        "is this a live-blog dump?",
    )


def _prepare(context: Context, job: Job, new_slugs: set[str]) -> Prepared:
    """One dump; ``new_slugs`` holds the slugs earlier dumps of the day take in this run."""
    spec = job.spec
    data = read_dump(spec)
    stat = spec.path.stat()
    decoded = decode_dump(data, spec.path)
    seg = segment(decoded.lines)
    _check_recognisable(spec, seg)
    folder_files = scan_day(context.entries_dir, PurePosixPath(f"{spec.date:%Y/%m/%d}"), context.owners)
    # Slugs in use that day: what dumps imported earlier in this run will
    # write, and the files of every other dump as they are on disk, except
    # those of dumps this run re-rendered before this one.
    taken = set(new_slugs)
    for day_file in folder_files:
        if day_file.owner == spec.name:
            continue
        earlier = day_file.owner is not None and context.positions.get(day_file.owner, job.position) < job.position
        if not earlier:
            taken.update(day_file.slugs)
    drafts = render_dump(spec, seg, context.tagger, taken)
    new_slugs.update(draft.slug for draft in drafts)
    parsed = check_conservation(spec.path, decoded.lines, drafts, context.entries_dir)
    record = DumpRecord(decoded.sha256, job.inputs, stat.st_size, stat.st_mtime_ns)
    owned = [day_file.rel for day_file in folder_files if day_file.owner == spec.name]
    plan = plan_dump(context.entries_dir, spec.name, drafts, job.previous, owned, record, force=context.force)
    for rel, _why in plan.kept:
        new_slugs.add(Path(rel).stem.split("-", 1)[-1])
    # Only what will be on disk as drafted: a kept file (edited or deleted by hand) is not what the build reads.
    on_disk = {*plan.writes, *plan.unchanged}
    parsed = tuple(entry for entry in parsed if entry.path in on_disk)
    summary = DumpSummary(
        spec.name,
        spec.date,
        "imported",
        seg.fmt,
        decoded.note,
        len(seg.entries),
        any(s.kind == "lead" for s in seg.segments),
    )
    return Prepared(job.position, summary, plan, None if decoded.encoding == "utf-8" else decoded.note, parsed)


def _prepare_day(context: Context, jobs: Sequence[Job]) -> list[Prepared | tuple[int, Exception]]:
    """A day's dumps in manifest order, stopping at the first that fails (its error is returned, not raised)."""
    new_slugs: set[str] = set()
    out: list[Prepared | tuple[int, Exception]] = []
    for job in jobs:
        try:
            out.append(_prepare(context, job, new_slugs))
        except Exception as exc:  # any failure, reported in manifest order by the caller
            out.append((job.position, exc))
            break
    return out


def prepare_dumps(
    context: Context,
    jobs: Sequence[Job],
    ready: Callable[[Prepared], object] | None = None,
    progress: Progress | None = None,
) -> dict[int, Prepared | Exception]:
    """Prepare every job, on all cores when there are enough days; keyed by position.

    A job missing from the result was not attempted because an earlier dump of
    its day failed (so an earlier position holds an exception). ``ready`` gets
    each prepared dump as soon as its day is done, while later days are prepared.
    ``progress`` counts the days done (on a terminal).
    """
    days: dict[date, list[Job]] = {}
    for job in jobs:
        days.setdefault(job.spec.date, []).append(job)
    work = functools.partial(_prepare_day, context)
    groups = list(days.values())

    def each(day: list[Prepared | tuple[int, Exception]]) -> None:
        for item in day:
            if isinstance(item, Prepared) and ready is not None:
                ready(item)

    results = map_items(
        work,
        groups,
        progress or Progress(quiet=True),
        "import",
        min_items=PARALLEL_MIN_DAYS,
        chunk=DAYS_PER_TASK,
        each=each,
    )
    out: dict[int, Prepared | Exception] = {}
    for day in results:
        for item in day:
            if isinstance(item, Prepared):
                out[item.position] = item
            else:
                out[item[0]] = item[1]
    return out

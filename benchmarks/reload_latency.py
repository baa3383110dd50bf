"""Save → reload latency of ``sitegen serve``, measured in a real headless Chromium.

Usage::

    python benchmarks/reload_latency.py [--entries 10000] [--edits 10] [--template-edits 3] [--json OUT.json]

For two sites, the bundled archive (or the test fixture site while the archive
is not imported yet) and a large synthetic one (raw dumps from
benchmarks/generate.py, imported by the server's first build), it starts the
dev server in-process on a free loopback port, opens the day page of a middle
entry in Debian's Chromium (Playwright), then repeatedly:

* **entry edit**: saves the entry file the way editors do (write a temp file,
  rename it over) with a new sentence, and waits until the open page shows
  that sentence. No action is taken in the browser: the page must reload by
  itself.
* **template edit**: changes a ``<meta>`` tag in the site's copy of
  ``base.html`` (every page is rendered again) and waits for the open page to
  carry it.

Latency is from the moment the save returned to the first contentful paint of
the reloaded page (the page's own timing, so Playwright's polling overhead is
not counted; what Playwright observed is printed too). It is split into
*detect* (file event + debounce until the rebuild starts), *build* (the
rebuild, lock included) and *reload* (event to the page, reload, paint). The
budget for an entry edit is 300 ms. The machine's load average is printed
first: on a busy machine every figure is inflated.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO_ROOT = BENCH.parent
sys.path[:0] = [str(REPO_ROOT), str(BENCH)]

from sitegen.serve import DevServer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FIXTURE = REPO_ROOT / "tests" / "fixtures" / "site"
ENTRY_BUDGET_MS = 300.0


@dataclass
class Sample:
    total_ms: float
    detect_ms: float
    #: From the rebuild's start until the changed page was served: the preview of the open page
    #: (sitegen.preview) when there was one, else the whole rebuild.
    build_ms: float
    reload_ms: float
    #: The whole rebuild, which may still run while the page reloads from its preview.
    rebuild_ms: float
    observed_ms: float


@dataclass
class Row:
    site: str
    kind: str
    samples: list[Sample] = field(default_factory=list)

    def stats(self) -> dict[str, float]:
        def pick(name: str) -> list[float]:
            return [getattr(sample, name) for sample in self.samples]

        totals = sorted(pick("total_ms"))
        return {
            "n": len(totals),
            "median_ms": statistics.median(totals),
            "p90_ms": totals[min(len(totals) - 1, round(0.9 * (len(totals) - 1)))],
            "min_ms": totals[0],
            "max_ms": totals[-1],
            "detect_median_ms": statistics.median(pick("detect_ms")),
            "build_median_ms": statistics.median(pick("build_ms")),
            "rebuild_median_ms": statistics.median(pick("rebuild_ms")),
            "previewed": sum(1 for sample in self.samples if sample.build_ms < sample.rebuild_ms),
            "reload_median_ms": statistics.median(pick("reload_ms")),
            "observed_median_ms": statistics.median(pick("observed_ms")),
        }


def entry_files(site: Path) -> list[Path]:
    return sorted((site / "content" / "entries").rglob("*.md"))


def bundled_site(work: Path) -> tuple[Path, str]:
    """The repository's imported archive if there is one, else the fixture site; each with the repo's theme."""
    site = work / "bundled"
    if (REPO_ROOT / "site.toml").is_file() and entry_files(REPO_ROOT):
        site.mkdir()
        shutil.copy2(REPO_ROOT / "site.toml", site / "site.toml")
        shutil.copytree(REPO_ROOT / "content", site / "content", ignore=shutil.ignore_patterns(".sitegen", "raw"))
        label = "bundled archive"
    else:
        shutil.copytree(FIXTURE, site, ignore=shutil.ignore_patterns("public", ".sitegen"))
        label = "fixture site (bundled archive not imported yet)"
    return site, label


def search_off(site: Path) -> Path:
    """Turn Pagefind off in the site's copy, to see what indexing adds to a rebuild."""
    toml = site / "site.toml"
    lines = [line for line in toml.read_text(encoding="utf-8").splitlines() if not line.startswith("search")]
    toml.write_text("\n".join([*lines, 'search = "off"']) + "\n", encoding="utf-8")
    return site


def synthetic_site(work: Path, entries: int, seed: int) -> tuple[Path, str]:
    """A generated site of raw dumps; the server's first build imports them, as ``sitegen serve`` would."""
    import generate  # benchmarks/generate.py

    site = work / f"synthetic-{entries}"
    generate.generate_site(site, entries, seed)
    return site, f"synthetic, {entries:,} entries"


def add_theme(site: Path) -> Path:
    """Copy the default theme into the site, so a template can be edited there; returns its base.html."""
    target = site / "themes" / "default"
    if not target.exists():
        shutil.copytree(REPO_ROOT / "themes" / "default", target)
    base = target / "templates" / "base.html"
    text = base.read_text(encoding="utf-8")
    if 'name="bench"' not in text:
        base.write_text(text.replace("</head>", '<meta name="bench" content="0">\n</head>', 1), encoding="utf-8")
    return base


def save(path: Path, text: str) -> tuple[float, float]:
    """Save as vim/IDEs do (temp file + rename); returns when the save completed (perf_counter, epoch ms)."""
    temp = path.with_name(f".{path.name}.bench-tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)
    return time.perf_counter(), time.time() * 1000


#: When the reloaded document first showed content, in epoch ms, by the page's own clock: first
#: contentful paint, or DOMContentLoaded where Chromium reports no paint timing.
SHOWN_AT = """() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  return performance.timeOrigin + (paint ? paint.startTime : nav.domContentLoadedEventEnd);
}"""


def measure(server: DevServer, page: Any, path: Path, saved: tuple[float, float], check: str, timeout: float) -> Sample:
    """Wait until the page shows the change, then split the time using the server's and the page's clocks.

    Playwright's own polling adds tens of milliseconds after the page has painted, so the total is
    taken from the page's paint timing; what Playwright observed is kept as ``observed_ms``.
    """
    saved_perf, saved_epoch = saved
    page.wait_for_function(check, timeout=timeout * 1000, polling="raf")
    observed = time.perf_counter()
    total = float(page.evaluate(SHOWN_AT)) - saved_epoch
    server.gate.wait_idle()  # a page shown from a preview came before its rebuild's record
    record = next(r for r in server.history if r.started >= saved_perf and Path(os.path.abspath(path)) in r.changed)
    detect = (record.started - saved_perf) * 1000
    shown = record.seconds if record.previewed is None else record.previewed
    return Sample(
        total_ms=total,
        detect_ms=max(0.0, detect),
        build_ms=shown * 1000,
        reload_ms=max(0.0, total - detect - shown * 1000),
        rebuild_ms=record.seconds * 1000,
        observed_ms=(observed - saved_perf) * 1000,
    )


def wait_quiet(server: DevServer, quiet: float = 3.0, limit: float = 600.0) -> None:
    """Let builds set off by the first one (its own import's files) run out before measuring.

    ``quiet`` outlasts the server's pause (1 s) and the rescan of every entry file it starts, which
    builds nothing when nothing was lost and so leaves no record (about 1.4 s at 50k entries).
    """
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        server.gate.wait_idle(limit)
        count = len(server.history)
        time.sleep(quiet)
        if len(server.history) == count and server.gate.wait_idle(0):
            return


def bench_site(site: Path, label: str, browser: Any, edits: int, template_edits: int, timeout: float) -> list[Row]:
    base = add_theme(site)
    started = time.perf_counter()
    server = DevServer(site, host="127.0.0.1", port=0, log=lambda message: None)
    server.start()
    entries = entry_files(site)
    first = time.perf_counter() - started
    print(f"\n== {label}: {len(entries):,} entry files; first build (with import) {first:.2f} s", flush=True)
    if server.board.state.problems:
        server.stop()
        raise SystemExit("the site does not build:\n  " + "\n  ".join(server.board.state.problems))
    wait_quiet(server)
    target = entries[len(entries) // 2]
    day = "/".join(target.relative_to(site / "content" / "entries").parts[:3]) + "/"
    rows = [Row(label, "entry edit"), Row(label, "template edit")]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + day)
        original = target.read_text(encoding="utf-8")
        for n in range(1, edits + 1):
            marker = f"Benchmark correction number {n}."
            saved = save(target, original.rstrip("\n") + f"\n\n{marker}\n")
            check = f"document.body.innerText.includes({json.dumps(marker)})"
            rows[0].samples.append(measure(server, page, target, saved, check, timeout))
            time.sleep(0.3)
        template = base.read_text(encoding="utf-8")
        for n in range(1, template_edits + 1):
            saved = save(
                base, template.replace('<meta name="bench" content="0">', f'<meta name="bench" content="{n}">')
            )
            check = f"document.querySelector('meta[name=bench]')?.content === '{n}'"
            rows[1].samples.append(measure(server, page, base, saved, check, timeout))
            time.sleep(0.3)
    finally:
        context.close()
        server.stop()
    measured = [row for row in rows if row.samples]  # --template-edits 0 leaves a row empty
    for row in measured:
        print_row(row)
    return measured


def print_row(row: Row) -> None:
    s = row.stats()
    print(
        f"  {row.kind:<14} n={s['n']:<3} median {s['median_ms']:7.0f} ms  p90 {s['p90_ms']:7.0f} ms  "
        f"(min {s['min_ms']:.0f}, max {s['max_ms']:.0f}); median split: detect {s['detect_median_ms']:.0f} + "
        f"build {s['build_median_ms']:.0f} + reload {s['reload_median_ms']:.0f} ms; "
        f"{s['previewed']} of {s['n']} served from a preview (whole rebuild median {s['rebuild_median_ms']:.0f} ms); "
        f"as Playwright saw it: median {s['observed_median_ms']:.0f} ms",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10000, help="entries in the synthetic site (0: skip it)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edits", type=int, default=10, help="entry edits per site")
    parser.add_argument("--template-edits", type=int, default=3, help="template edits per site")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one reload")
    parser.add_argument("--keep", type=Path, help="build the sites here and keep them (default: a temp folder)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--search-off", action="store_true", help='set search = "off" in the sites (no Pagefind run per rebuild)'
    )
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    work = args.keep or Path(tempfile.mkdtemp(prefix="sitegen-reload-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    load = os.getloadavg()[0]
    print(f"load average {load:.2f} on {os.cpu_count()} CPUs; work folder {work}", flush=True)
    try:
        sites = [bundled_site(work)]
        if args.entries:
            sites.append(synthetic_site(work, args.entries, args.seed))
        if args.search_off:
            sites = [(search_off(site), f"{label}, search off") for site, label in sites]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for site, label in sites:
                    rows += bench_site(site, label, browser, args.edits, args.template_edits, args.timeout)
            finally:
                browser.close()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nentry edit budget: {ENTRY_BUDGET_MS:.0f} ms")
    for row in rows:
        if row.kind == "entry edit":
            verdict = "within" if row.stats()["median_ms"] <= ENTRY_BUDGET_MS else "OVER"
            print(f"  {row.site}: median {row.stats()['median_ms']:.0f} ms, {verdict} budget")
    if args.json:
        record = {
            "machine": {"python": sys.version.split()[0], "platform": platform.platform(), "cpus": os.cpu_count()},
            "load_average_before": load,
            "rows": [
                {"site": r.site, "kind": r.kind, **r.stats(), "samples": [asdict(s) for s in r.samples]} for r in rows
            ],
        }
        args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

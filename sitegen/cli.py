"""The ``sitegen`` command line: argument parsing, exit codes and error printing only.

Exit codes: 0 ok, 1 build or check failed, 2 user error (bad input, bad config).
User errors print ``path:line: message`` and a hint, never a traceback unless
``--debug`` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from sitegen import __version__
from sitegen.errors import BuildFailed, SitegenError
from sitegen.progress import Progress

EXIT_OK, EXIT_FAILED, EXIT_USER = 0, 1, 2

DESCRIPTION = """\
sitegen turns the raw text dumps of a daily live blog into a fast, permanent,
searchable static archive: day, month and year pages, entry permalinks, topic
pages, RSS and Atom feeds, and full-text search.

  content/raw/*.txt  --import-->  content/entries/**/*.md  --build-->  public/

Start with 'sitegen new DIR', put dumps in DIR/content/raw/, then run
'sitegen build' in DIR. 'sitegen serve' previews with live reload.
"""


def _common(parser: argparse.ArgumentParser, *, out: bool = True, out_default: str = "SITE/public") -> None:
    parser.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help="the site folder (default: .)")
    if out:
        parser.add_argument(
            "--out", type=Path, default=None, metavar="DIR", help=f"output folder (default: {out_default})"
        )
        parser.add_argument("--base-url", default=None, metavar="URL", help="override base_url from site.toml")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only warnings and a one-line summary")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser(
        "build",
        help="import new or changed dumps, then build the whole site",
        description="Import any new or changed dumps from content/raw/, then build the site into public/. "
        "Only pages whose inputs changed are rendered, and only files whose bytes changed are written. "
        "The build is atomic: if it fails, the previous public/ is left as it was.",
    )
    _common(build)
    build.add_argument("--strict", action="store_true", help="treat warnings (e.g. tags no topic defines) as errors")

    imp = commands.add_parser(
        "import",
        help="turn raw dumps into per-entry Markdown files",
        description="Split raw dumps into one Markdown file per entry under content/entries/. "
        "Files edited by hand since import are kept, never overwritten, unless --force is given.",
    )
    imp.add_argument("dumps", nargs="*", metavar="DUMP", help="dump file names in content/raw/ (default: all)")
    imp.add_argument("--dry-run", action="store_true", help="show what would be written, write nothing")
    imp.add_argument("--force", action="store_true", help="overwrite entry files even if edited by hand")
    _common(imp, out=False)

    serve = commands.add_parser(
        "serve",
        help="build, serve locally and reload open pages on change",
        description="Build the site, serve it, watch content/, themes/ and site.toml, rebuild on change "
        "and reload open browser pages. After an entry edit, its day page, permalink, month page or the home "
        "page, if open in the browser, is rendered and reloaded first; the rest of the site follows. "
        "Binds to 127.0.0.1 unless --host says otherwise.",
    )
    _common(serve, out_default="SITE/.sitegen/preview, so public/ never holds localhost links")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--poll", action="store_true", help="poll for changes (for file systems without events)")

    check = commands.add_parser(
        "check",
        help="check a built site: links, reachability, feeds, leftovers",
        description="Check the built site in public/: every internal link and asset resolves, every page "
        "is reachable from the home page, feeds parse, and nothing of the dev server is left. Exit 1 on problems.",
    )
    _common(check)

    new = commands.add_parser("new", help="create a new empty site", description="Create a working empty site in DIR.")
    new.add_argument("dir", type=Path, metavar="DIR")
    new.add_argument("--debug", action="store_true", help="show a traceback on errors")
    new.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")

    topics = commands.add_parser(
        "topics",
        help="show how many entries each topic tags, and frequent names no topic covers",
        description="Report topic coverage: entries per topic, and frequent names in the entries that no "
        "topic in content/topics.toml covers yet (suggestions for new topics).",
    )
    _common(topics, out=False)
    return parser


def _out(args: argparse.Namespace) -> Path:
    out: Path = args.out if args.out is not None else args.site / "public"
    return out


def cmd_build(args: argparse.Namespace, progress: Progress) -> int:
    from sitegen.build import build

    result = build(args.site, _out(args), base_url=args.base_url, strict=args.strict, progress=progress)
    print(result.summary(), file=sys.stderr if progress.live else sys.stdout)
    return EXIT_OK


def cmd_import(args: argparse.Namespace, progress: Progress) -> int:
    from sitegen.importer import import_dumps

    report = import_dumps(args.site, args.dumps or None, dry_run=args.dry_run, force=args.force, echo=progress.info)
    print(report.summary())
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, progress: Progress) -> int:
    from sitegen.serve import serve

    # The preview is built for http://HOST:PORT/, so it goes to its own folder, never into public/.
    out: Path = args.out if args.out is not None else args.site / ".sitegen" / "preview"
    code: int = serve(args.site, out, host=args.host, port=args.port, base_url=args.base_url, poll=args.poll)
    return code


def cmd_check(args: argparse.Namespace, progress: Progress) -> int:
    from sitegen.check import check_site

    problems = check_site(args.site, _out(args), base_url=args.base_url)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found in {_out(args)}", file=sys.stderr)
        return EXIT_FAILED
    if not args.quiet:
        print(f"{_out(args)}: no problems found")
    return EXIT_OK


def cmd_new(args: argparse.Namespace, progress: Progress) -> int:
    from sitegen.scaffold import new_site

    for path in new_site(args.dir):
        progress.info(f"created {path}")
    progress.info(f"next: put raw dumps in {args.dir / 'content' / 'raw'} and run 'sitegen build --site {args.dir}'")
    return EXIT_OK


def cmd_topics(args: argparse.Namespace, progress: Progress) -> int:
    from sitegen.importer import topics_report

    print(topics_report(args.site))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Progress], int]] = {
    "build": cmd_build,
    "import": cmd_import,
    "serve": cmd_serve,
    "check": cmd_check,
    "new": cmd_new,
    "topics": cmd_topics,
}


def _print_traceback() -> None:
    import traceback  # only for --debug: every other run is spared its import

    traceback.print_exc()


#: Net allocations between young-generation collections (Python's default is 700): one build per process.
GC_THRESHOLD = 1_000_000
#: The same for ``sitegen serve``, whose every rebuild leaves the last one's archive as cyclic garbage.
SERVE_GC_THRESHOLD = 100_000


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit code."""
    args = make_parser().parse_args(argv)
    # A build holds hundreds of thousands of long-lived objects (entries, pages) and makes little
    # cyclic garbage (reference counting frees the rest); with the default thresholds the cycle
    # collector walks the archive again and again: a sixth of a rebuild at 50k, and still 5% of a
    # one-entry edit at 10k with 100k. Collecting less often keeps the same guarantees (mypy does
    # the same); a 50k build's peak memory is the same with the collector off altogether. A dev
    # server collects ten times as often, so old archives do not pile up between its rebuilds.
    gc.set_threshold(SERVE_GC_THRESHOLD if args.command == "serve" else GC_THRESHOLD, 20, 100)
    progress = Progress(quiet=args.quiet)
    try:
        return COMMANDS[args.command](args, progress)
    except SitegenError as error:
        if args.debug:
            _print_traceback()
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        hint = next((problem.hint for problem in error.problems if problem.hint), "")
        if hint:
            print(f"hint: {hint}", file=sys.stderr)
        return EXIT_USER
    except BuildFailed as error:
        if args.debug:
            _print_traceback()
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug in sitegen, not the user's input
        if args.debug:
            _print_traceback()
        else:
            print(
                f"internal error: {type(error).__name__}: {error} (run again with --debug for a traceback)",
                file=sys.stderr,
            )
        return EXIT_FAILED


def run() -> NoReturn:
    """The ``sitegen`` command (and ``python -m sitegen``): ``main``, then leave at once.

    When a build finishes, its archive (tens of thousands of entries and pages) is
    still in memory, and taking it apart object by object at interpreter exit costs
    up to a tenth of a rebuild. Everything that matters is written and closed by
    then, so the process flushes its output and exits without that teardown (mypy
    does the same). Tests call ``main``, which returns.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`sitegen build | head -1`)
            stream.flush()
    os._exit(code)

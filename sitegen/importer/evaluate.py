"""Measure the headline classifier against editor-marked truth.

Usage::

    python -m sitegen.importer.evaluate CORPUS [--explain DUMP] [--disable RULE,...] [--min-f1 0.9]

CORPUS holds ``truth/*.json`` (what an editor marks in each dump: headlines,
the LATEST headline, captions) and the dumps they name. For every dump this
prints headline precision/recall/F1, whether the LATEST line was read right,
and caption precision/recall; then the totals, overall and per format.
``--explain`` prints each paragraph of one dump with the rule that decided
it, which is how a rule is debugged; ``--disable`` measures what a rule is
worth. The exit status is 1 when ``--min-f1`` is given and not reached.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import SitegenError
from sitegen.importer.decode import decode_dump
from sitegen.importer.segment import Segmentation, segment


@dataclass
class Score:
    """True positives, false positives and false negatives, summed over dumps."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, found: Sequence[str], wanted: Sequence[str]) -> Score:
        hit = sum((Counter(found) & Counter(wanted)).values())
        self.tp += hit
        self.fp += len(found) - hit
        self.fn += len(wanted) - hit
        return self

    def __iadd__(self, other: Score) -> Score:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        return self

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> str:
        counts = f"(tp {self.tp}, fp {self.fp}, fn {self.fn})"
        return f"P {self.precision:6.3f}  R {self.recall:6.3f}  F1 {self.f1:6.3f}  {counts}"


@dataclass
class DumpResult:
    name: str
    fmt: str
    headlines: Score
    captions: Score
    latest_ok: bool
    missed: list[str]
    extra: list[str]


def _formats(corpus: Path) -> dict[str, str]:
    index = corpus / "dev" / "index.json"
    if not index.is_file():
        return {}
    return {f"dev/{item['file']}": str(item.get("format", "")) for item in json.loads(index.read_text("utf-8"))}


def evaluate_one(corpus: Path, truth: dict[str, object], disabled: frozenset[str]) -> tuple[DumpResult, Segmentation]:
    dump = str(truth["dump"])
    decoded = decode_dump((corpus / dump).read_bytes(), corpus / dump)
    seg = segment(decoded.lines, disabled=disabled)
    found = [entry.headline or "" for entry in seg.entries]
    wanted = [str(h).strip() for h in truth.get("headlines", []) or []]  # type: ignore[attr-defined]
    found_captions = [text.strip() for text in seg.captions]
    wanted_captions = [str(c).strip() for c in truth.get("captions", []) or []]  # type: ignore[attr-defined]
    latest = truth.get("latest")
    result = DumpResult(
        name=dump,
        fmt=seg.fmt,
        headlines=Score().add(found, wanted),
        captions=Score().add(found_captions, wanted_captions),
        latest_ok=(seg.latest_text or None) == (str(latest).strip() if latest else None),
        missed=list((Counter(wanted) - Counter(found)).elements()),
        extra=list((Counter(found) - Counter(wanted)).elements()),
    )
    return result, seg


def explain(seg: Segmentation) -> str:
    """Each paragraph with the structure rule (and caption rule) that decided it."""
    out = [f"format: {seg.fmt}; LATEST names: {seg.latest_text!r}; page title: {seg.page_title!r}"]
    for para, decision in zip(seg.paras, seg.decisions, strict=True):
        verdict = seg.verdicts.get(para.index)
        mark = {"headline": "H", "stamp": "S", "latest": "L"}.get(decision.label.value, " ")
        caption = f" caption({verdict.rule})" if verdict and verdict.caption else ""
        text = para.text if len(para.text) <= 90 else para.text[:87] + "..."
        out.append(f"{para.line:5} {mark} {decision.rule:<20}{caption}  {text}")
    return "\n".join(out)


def run(corpus: Path, disabled: frozenset[str] = frozenset(), echo: bool = True) -> dict[str, Score]:
    """Evaluate every truth file; return the totals by format (and "all")."""
    formats = _formats(corpus)
    totals: dict[str, Score] = {"all": Score()}
    captions = Score()
    latest_right = latest_total = 0
    lines = []
    for path in sorted((corpus / "truth").glob("*.json")):
        truth = json.loads(path.read_text("utf-8"))
        result, _ = evaluate_one(corpus, truth, disabled)
        fmt = formats.get(result.name) or result.fmt
        totals.setdefault(fmt, Score())
        totals[fmt] += result.headlines
        totals["all"] += result.headlines
        captions += result.captions
        latest_total += 1
        latest_right += result.latest_ok
        lines.append(
            f"{Path(result.name).name[:44]:<44} {fmt[:6]:<6} {result.headlines.row()}  "
            f"latest {'ok' if result.latest_ok else 'WRONG'}  captions P {result.captions.precision:.2f} "
            f"R {result.captions.recall:.2f}"
        )
        lines.extend(f"    missed: {text}" for text in result.missed)
        lines.extend(f"    extra:  {text}" for text in result.extra)
    if echo:
        print("\n".join(lines))
        print()
        for name, score in sorted(totals.items()):
            print(f"headlines {name:<17} {score.row()}")
        print(f"captions  {'all':<17} {captions.row()}")
        print(f"LATEST line read right in {latest_right}/{latest_total} dumps")
    return totals


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitegen.importer.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder with truth/*.json and the dumps they name")
    parser.add_argument("--explain", metavar="DUMP", help="show the deciding rule for each paragraph of one dump")
    parser.add_argument("--disable", default="", help="comma-separated rule names to switch off")
    parser.add_argument("--min-f1", type=float, default=None, help="exit 1 if the overall headline F1 is lower")
    args = parser.parse_args(argv)
    disabled = frozenset(name.strip() for name in args.disable.split(",") if name.strip())
    try:
        if args.explain:
            path = Path(args.explain)
            if not path.is_file():
                path = args.corpus / args.explain
            decoded = decode_dump(path.read_bytes(), path)
            print(explain(segment(decoded.lines, disabled=disabled)))
            return 0
        if not (args.corpus / "truth").is_dir():
            print(f"{args.corpus}: no truth/ folder here", file=sys.stderr)
            return 2
        totals = run(args.corpus, disabled)
    except SitegenError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.min_f1 is not None and totals["all"].f1 < args.min_f1:
        print(f"headline F1 {totals['all'].f1:.3f} is below {args.min_f1}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

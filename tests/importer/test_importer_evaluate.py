"""The evaluation command: precision/recall against truth, and the seeds stay at 100%."""

from __future__ import annotations

import subprocess
import sys

import pytest
from importer_helpers import CORPUS, REPO

from sitegen.importer.evaluate import Score, main, run


def test_seeds_are_at_100_percent_and_the_corpus_reaches_the_bar() -> None:
    totals = run(CORPUS, echo=False)
    assert totals["latest-headlines"].f1 >= 0.90
    assert totals["gmt-timestamps"].f1 >= 0.90
    seeds = Score()
    import json

    from sitegen.importer.evaluate import evaluate_one

    for name in ("000_bcaff40ba13aebe2", "004_8a105af085d0ff03"):
        truth = json.loads((CORPUS / "truth" / f"{name}.json").read_text("utf-8"))
        result, _ = evaluate_one(CORPUS, truth, frozenset())
        seeds += result.headlines
        assert result.latest_ok
        assert (result.captions.precision, result.captions.recall) == (1.0, 1.0)
    assert (seeds.tp, seeds.fp, seeds.fn) == (23, 0, 0)


def test_score_arithmetic() -> None:
    score = Score().add(["a", "b", "b"], ["b", "c"])
    assert (score.tp, score.fp, score.fn) == (1, 2, 1)
    assert score.precision == pytest.approx(1 / 3) and score.recall == pytest.approx(1 / 2)
    assert Score().f1 == 1.0  # nothing to find, nothing found


def test_the_command_prints_per_file_and_overall_figures() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sitegen.importer.evaluate", str(CORPUS)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "000_bcaff40ba13aebe2.txt" in result.stdout
    assert "headlines all" in result.stdout and "captions  all" in result.stdout
    assert "LATEST line read right in 19/19 dumps" in result.stdout


def test_disabling_a_rule_shows_what_it_is_worth(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CORPUS), "--disable", "prelude,latest_target", "--min-f1", "0.999"]) == 1
    assert "below 0.999" in capsys.readouterr().err


def test_explain_names_the_deciding_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CORPUS), "--explain", "seeds/004_8a105af085d0ff03.txt"]) == 0
    out = capsys.readouterr().out
    assert "H title_like" in out and "latest_line" in out and "caption(entry_follows)" in out

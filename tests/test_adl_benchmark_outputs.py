"""The eight ADL benchmarks end to end: compiled list and hand-written baseline each write the
contract outputs, and ``compare`` finds them equal event by event and bin by bin.

Before, the lists' second quantities and per-object quantities never reached the outputs, the
baselines wrote none, and a benchmark could not be run as a run with a report.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import shared_path

from baselines import run_baseline
from pipeline.codegen.compiler import compile_selection
from pipeline.compare import compare_outputs
from pipeline.data import open_dataset
from pipeline.selection.store import load_selection

BENCHMARKS = Path(__file__).resolve().parent.parent / "papers" / "adl-benchmarks"
NANOAOD = ("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")


def outputs(n: int, root: Path) -> tuple[Path, Path]:
    """(generated, baseline) output directories of benchmark ``n``."""
    sel = load_selection(BENCHMARKS / f"benchmark-{n}.json")
    namespace: dict[str, Any] = {"__name__": f"benchmark_{n}"}
    exec(compile(compile_selection(sel), "analysis.py", "exec"), namespace)  # noqa: S102 - our compiler's output
    gen, base = root / "generated", root / "baseline"
    assert namespace["main"](["--data", str(shared_path(*NANOAOD)), "--out", str(gen)]) == 0
    run_baseline(f"adl_benchmark_{n}", open_dataset([shared_path(*NANOAOD)]), base)
    return gen, base


@pytest.mark.parametrize("n", range(1, 9))
def test_compiled_equals_hand_written(n: int, tmp_path: Path) -> None:
    gen, base = outputs(n, tmp_path)
    comparison = compare_outputs(gen, base)
    assert comparison.verdict == "identical", comparison.reason
    declared = {
        f"selection/{o.name}"
        for o in load_selection(BENCHMARKS / f"benchmark-{n}.json").observables
    }
    assert {o.name for o in comparison.observables} == declared
    for obs in comparison.observables:
        assert obs.only is None and obs.same, obs
        assert obs.histograms_comparable and obs.bins_differ == 0, obs
    hists = json.loads((gen / "histograms.json").read_text())
    assert all(sum(hists[name]["counts"]) >= 0 for name in declared)


def test_benchmark_6_writes_both_quantities(tmp_path: Path) -> None:
    gen, _ = outputs(6, tmp_path)
    with (gen / "observables.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    by_name = {
        name: [r for r in rows if r["observable"] == name] for name in ("top_pt", "top_max_btag")
    }
    assert len(by_name["top_pt"]) == len(by_name["top_max_btag"]) == 88  # one per selected event
    # the file's filled tagger (CSVv2; its DeepJet branch holds the placeholder -3000): real
    # scores in [0, 1], or CSVv2's -10 when none of the three jets has one
    values = [float(r["value"]) for r in by_name["top_max_btag"]]
    assert all(0 <= v <= 1 or v == -10 for v in values) and max(values) > 0.5


def _rewrite(path: Path, change: Any) -> None:
    lines = path.read_text().splitlines()
    path.write_text("\n".join(change(lines)) + "\n")


def test_a_changed_value_or_bin_is_found(tmp_path: Path) -> None:
    gen, base = outputs(2, tmp_path)

    def bump(lines: list[str]) -> list[str]:  # one jet's pt, far enough to change its bin
        head, first, *rest = lines
        cells = first.split(",")
        cells[6] = str(float(cells[6]) + 50.0)
        return [head, ",".join(cells), *rest]

    _rewrite(base / "observables.csv", bump)
    comparison = compare_outputs(gen, base)
    assert comparison.verdict == "different"
    assert "selection/jet_pt: 1 events with other values" in comparison.reason
    hists = json.loads((base / "histograms.json").read_text())
    hists["selection/jet_pt"]["counts"][10] += 1
    (base / "histograms.json").write_text(json.dumps(hists))
    jet_pt = next(o for o in compare_outputs(gen, base).observables if o.name == "selection/jet_pt")
    assert jet_pt.values_differ == 1 and jet_pt.bins_differ == 1


def test_observables_only_one_side_writes_are_listed_not_counted(tmp_path: Path) -> None:
    gen, base = outputs(4, tmp_path)
    (base / "observables.csv").unlink()  # a baseline that writes no observables at all
    hists = json.loads((base / "histograms.json").read_text())
    (base / "histograms.json").write_text(
        json.dumps({k: v for k, v in hists.items() if "/" not in k})
    )
    comparison = compare_outputs(gen, base)
    assert comparison.verdict == "identical"
    assert [(o.name, o.only) for o in comparison.observables] == [("selection/met_2j", "generated")]


def test_a_benchmark_runs_as_a_run_with_plots(tmp_path: Path) -> None:
    """`reproduce run LIST --data FILE --baseline NAME`: a selection list in place of a paper."""
    env_home = tmp_path / "home"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli.main",
            "--home",
            str(env_home),
            "run",
            str(BENCHMARKS / "benchmark-6.json"),
            "--data",
            str(shared_path(*NANOAOD)),
            "--baseline",
            "adl_benchmark_6",
            "--isolation",
            "weak",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    run_dir = Path(json.loads(done.stdout[done.stdout.index("{") :])["run_dir"])
    assert "identical" in json.loads((run_dir / "comparison.json").read_text())["verdict"]
    plots = sorted(p.name for p in (run_dir / "plots").glob("*.png"))
    assert "selection__top_pt.png" in plots and "selection__top_max_btag.png" in plots
    report = (run_dir / "report.md").read_text()
    assert "Observables, event by event and bin by bin" in report
    assert "| selection/top_pt | both | 88 |" in report
    assert "skipped (PAPER is a selection list" in report

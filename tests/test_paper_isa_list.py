"""The Isa student report as a reviewed selection list (``papers/report-h4l-opendata-isa-2025/``).

Named ``selection.reference.json``, not ``selection.reviewed.json``: a run of the report does not
pick it up (the report stays the project's example of a paper read by extraction and reviewed by
hand); it is passed where wanted (``--reviewed``, ``trials --reference``).

Written by hand from the report's section II, with the baseline's cut ids, it is the reference
of the Isa trials (``reproduce trials --reference``) and a second paper whose compiled list
equals its hand-written baseline on the real 2020 open data (the first is arXiv:1712.02304).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import shared_path

from baselines import run_baseline
from pipeline.audit.matching import load_reference, score
from pipeline.codegen.compiler import compile_selection
from pipeline.compare import compare_outputs
from pipeline.data import open_dataset
from pipeline.selection.store import load_selection

LIST = Path(__file__).resolve().parent.parent / "papers" / "report-h4l-opendata-isa-2025"
LIST = LIST / "selection.reference.json"
DATA = ("data", "atlas-opendata-2020")


def test_the_compiled_list_equals_the_baseline_on_the_real_2020_data(tmp_path: Path) -> None:
    files = sorted(shared_path(*DATA).glob("data_*.4lep.root"))
    namespace: dict[str, Any] = {"__name__": "isa"}
    exec(compile(compile_selection(load_selection(LIST)), "analysis.py", "exec"), namespace)  # noqa: S102 - our compiler's output
    gen, base = tmp_path / "generated", tmp_path / "baseline"
    assert namespace["main"](["--data", *map(str, files), "--out", str(gen)]) == 0
    run_baseline("report_isa2025", open_dataset(files), base)
    comparison = compare_outputs(gen, base)
    assert comparison.verdict == "identical", comparison.reason
    steps = json.loads((gen / "cutflow.json").read_text())["steps"]
    assert [s["raw"] for s in steps] == [
        s["raw"] for s in json.loads((base / "cutflow.json").read_text())["steps"]
    ]
    assert steps[0]["raw"] == 832  # the report's table IV starts from the same 832 events


def test_a_flattened_rank_is_not_the_reference_cut() -> None:
    """The reference states the ranked thresholds as ranks: the flat cut a small model gave in
    the trials (every lepton above 20 GeV) does not match it."""
    reference = load_reference(LIST)
    flat = reference.model_copy(deep=True)
    ranked = next(c for c in flat.selection if c.id == "lepton_pt")
    flat.selection = [ranked.model_copy(update={"expr": "all(pt(leptons) > 20)"})]
    assert "lepton_pt" in score(flat, reference).missed
    same = reference.model_copy(deep=True)
    assert score(same, reference).recall == 1.0

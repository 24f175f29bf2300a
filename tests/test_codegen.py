"""Compile -> sandbox -> compare: the hand-reviewed H->4l paper list against its baseline, both
releases."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pipeline.codegen import compile_selection
from pipeline.compare import compare_outputs
from pipeline.errors import SelectionError
from pipeline.run.stage2 import generate_code, load_valid_selection, run_baseline_outputs
from pipeline.sandbox import run_script
from pipeline.selection.store import load_selection
from tests.conftest import ROOT, shared_path

PAPER_LIST = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"


def test_compilation_is_deterministic_and_maps_code_to_cut_ids() -> None:
    sel = load_valid_selection(PAPER_LIST)
    first, second = compile_selection(sel), compile_selection(sel)
    assert first == second
    compile(first, "analysis.py", "exec")
    for cut in sel.selection + [c for o in sel.objects if o.kind != "jet" for c in o.cuts]:
        if cut.executable:
            assert f"# cut: {cut.id}" in first, cut.id
    # jets feed no event-level step: their cuts are named, not executed
    assert "# jets: not read by any event-level step" in first and "jet_pt" in first
    assert 'v.keep_candidates("quads"' in first


def test_invalid_selection_never_reaches_codegen(tmp_path: Path) -> None:
    bad = PAPER_LIST.read_text().replace('"count(leptons) >= 4"', '"count(leptonz) >= 4"')
    assert bad != PAPER_LIST.read_text()
    path = tmp_path / "bad.json"
    path.write_text(bad)
    out = tmp_path / "analysis.py"
    with pytest.raises(SelectionError, match="leptonz"):
        generate_code(path, out)
    assert not out.exists()


@pytest.mark.parametrize("release", ["2025", "2020"])
def test_paper_list_matches_baseline_event_by_event(tmp_path: Path, release: str) -> None:
    data = shared_path("data", f"atlas-opendata-{release}")
    script = generate_code(PAPER_LIST, tmp_path / "analysis.py")
    result = run_script(script, data=[data], work_dir=tmp_path / "work")
    assert result.ok, result.stderr_tail
    # both remove the other quadruplet leptons from the stored isolation cones (others_in_cone)
    base = run_baseline_outputs("hzz4l_paper", [data], tmp_path / "baseline")
    comparison = compare_outputs(tmp_path / "work" / "out", base)
    assert comparison.verdict == "identical", comparison.reason
    assert comparison.first_divergence is None
    assert all(step.same for step in comparison.steps)
    assert comparison.steps[0].id == "all" and comparison.steps[0].generated_raw > 0


def _reads(script: str) -> list[str]:
    line = next(line for line in script.splitlines() if line.startswith("READS = "))
    return list(ast.literal_eval(line.split("=", 1)[1].strip()))


@pytest.mark.parametrize(
    ("n", "reads", "not_read"),
    [
        (2, {"jets.pt"}, {"jets.eta", "jets.phi", "jets.e"}),  # pt(jets): the one field
        (3, {"jets.pt", "jets.eta"}, {"jets.phi", "jets.e"}),  # an |eta| cut
        (5, {"muons.e", "muons.charge"}, {"electrons.pt"}),  # a pair mass: the four-vector
        (6, {"jets.e", "jets.btag"}, set()),  # trijet masses
        (7, {"jets.eta", "jets.phi", "leptons.phi"}, {"jets.e", "leptons.e"}),  # Delta R only
    ],
)
def test_scripts_read_the_fields_their_functions_use(
    n: int, reads: set[str], not_read: set[str]
) -> None:
    """Fields the list names, and those its functions read (delta_r: eta and phi; mass: the
    four-vector); pT always (every collection is ordered by it); nothing else."""
    sel = load_selection(ROOT / "papers" / "adl-benchmarks" / f"benchmark-{n}.json")
    got = set(_reads(compile_selection(sel)))
    assert reads <= got and not (not_read & got)
    assert all(f"{r.split('.')[0]}.pt" in got for r in got if "." in r)


def test_model_written_cut_functions_get_every_kinematic_field() -> None:
    """A cut function a model wrote may read any field: the whole four-vector is read then."""
    sel = load_selection(ROOT / "papers" / "adl-benchmarks" / "benchmark-2.json")
    reads = set(_reads(compile_selection(sel, {"some_cut": "def cut_some_cut(v):\n    return v"})))
    assert {"jets.pt", "jets.eta", "jets.phi", "jets.e"} <= reads

"""Cross-collection cuts, missing momentum, combinations and named functions through validation,
the compiler and a run on the real NanoAOD file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import shared_path
from test_adl_nanoaod import NANOAOD, run_compiled

from pipeline.codegen.compiler import compile_selection
from pipeline.selection.models import SelectionList
from pipeline.selection.validate import validate_selection


def _cut(cid: str, expr: str, *, target: str | None = None, unit: str | None = None) -> dict:  # type: ignore[type-arg]
    scope = "object" if target else "event"
    return {
        "id": cid,
        "description": cid,
        "scope": scope,
        "target": target,
        "expr": expr,
        "unit": unit,
    }


def cleaned_jets_list(jet_cut: str = "min_delta_r(leptons) >= 0.4") -> SelectionList:
    return SelectionList.model_validate(
        {
            "paper": {"id": "test"},
            "objects": [
                {
                    "name": "muons",
                    "kind": "muon",
                    "cuts": [_cut("mu_pt", "pt > 10", target="muons", unit="GeV")],
                },
                {
                    "name": "electrons",
                    "kind": "electron",
                    "cuts": [
                        _cut("el_pt", "pt > 10", target="electrons", unit="GeV"),
                        _cut("el_crack", "not (1.37 < abs(eta) < 1.52)", target="electrons"),
                    ],
                },
                {"name": "leptons", "kind": "lepton", "sources": ["electrons", "muons"]},
                {
                    "name": "jets",
                    "kind": "jet",
                    "cuts": [
                        _cut("jet_pt", "pt > 30", target="jets", unit="GeV"),
                        _cut("jet_clean", jet_cut, target="jets"),
                    ],
                },
            ],
            "derived": [
                {"name": "dphimin", "expr": "min_of(delta_phi(first_n(jets, 4), met_vec))"},
                {"name": "trijets", "expr": "combinations(jets, 3)"},
                {"name": "top", "expr": "best_of(trijets, abs(mass(trijets) - 172.5))"},
                {"name": "top_pt", "expr": "pt_of(top)", "unit": "GeV"},
                {"name": "mt_lead", "expr": "mt(nth(leptons, 0), met_vec)", "unit": "GeV"},
            ],
            "selection": [
                _cut("ht", "ht(jets) > 100", unit="GeV"),
                _cut("dphi", "dphimin > 0.4 or count(jets) < 2"),
                _cut("mht", "pt(mht(jets)) > 20", unit="GeV"),
                _cut("top", "top_pt > 0 and max_of(btag(top)) > -5000", unit="GeV"),
            ],
        }
    )


def test_cross_collection_list_validates_compiles_and_runs(tmp_path: Path) -> None:
    sel = cleaned_jets_list()
    assert [i for i in validate_selection(sel) if i.level == "error"] == []
    script = compile_selection(sel)
    # computed only for the jets the cuts before still keep (objs.only(keep))
    assert 'rt.min_delta_r(objs.only(keep), v["leptons"])' in script
    assert script.index('v["leptons"] =') < script.index(
        "rt.min_delta_r(objs"
    )  # leptons before the jets
    result = run_compiled(script, shared_path(*NANOAOD), tmp_path / "out")
    steps = json.loads((tmp_path / "out" / "cutflow.json").read_text())["steps"]
    raws = [s["raw"] for s in steps]
    assert (
        raws[0] == 200 and raws == sorted(raws, reverse=True) and result["n_selected"] == raws[-1]
    )


@pytest.mark.parametrize(
    ("expr", "hint"),
    [
        ("min_delta_r(lepton) >= 0.4", "leptons"),
        ("min_delta_r(muon) >= 0.4", "muons"),
    ],
)
def test_cross_collection_cut_naming_an_unknown_collection(expr: str, hint: str) -> None:
    errors = [i for i in validate_selection(cleaned_jets_list(expr)) if i.level == "error"]
    assert len(errors) == 1 and errors[0].path == "$.objects[3].cuts[1].expr"
    assert "unknown name" in errors[0].message and hint in (errors[0].hint or "")


def test_a_collection_defined_later_is_not_visible_in_an_object_cut() -> None:
    sel = cleaned_jets_list()
    data = sel.model_dump()
    data["objects"][0]["cuts"].append(_cut("mu_iso", "min_delta_r(jets) > 0.4", target="muons"))
    errors = [
        i for i in validate_selection(SelectionList.model_validate(data)) if i.level == "error"
    ]
    assert [e.path for e in errors] == ["$.objects[0].cuts[1].expr"]


def test_named_function_missing_from_the_runtime_is_refused_by_name() -> None:
    data = cleaned_jets_list().model_dump()
    data["selection"].append(
        _cut("mt2w", "mt2w(nth(leptons, 0), nth(jets, 0), met_vec) > 100", unit="GeV")
    )
    errors = [
        i for i in validate_selection(SelectionList.model_validate(data)) if i.level == "error"
    ]
    assert len(errors) == 1 and "'mt2w' is not implemented" in errors[0].message


def test_met_vec_is_an_object_not_a_number() -> None:
    data = cleaned_jets_list().model_dump()
    data["selection"].append(_cut("bad", "met_vec > 100", unit="GeV"))
    errors = [
        i for i in validate_selection(SelectionList.model_validate(data)) if i.level == "error"
    ]
    assert len(errors) == 1 and "collection of objects, not a number" in errors[0].message


def test_met_significance_is_applicable_where_the_data_have_it() -> None:
    from pipeline.runtime.analysis_run import AnalysisRun

    data = cleaned_jets_list().model_dump()
    data["selection"].append(_cut("met_sig", "met_significance > 3"))
    namespace: dict[str, object] = {"__name__": "compiled"}
    exec(compile(compile_selection(SelectionList.model_validate(data)), "a.py", "exec"), namespace)  # noqa: S102
    assert namespace["REQUIRES"]["met_sig"] == ["met_significance"]  # type: ignore[index]

    def run(provided: set[str]) -> AnalysisRun:
        return AnalysisRun(
            producer="t",
            steps=namespace["STEPS"],
            requires=namespace["REQUIRES"],  # type: ignore[arg-type]
            text_only={},
            provided=provided,
        )

    nanoaod = {"met", "met_phi", "met_significance", "jets.pt"}
    atlas = {"met", "met_phi", "jets.pt"}
    assert run(nanoaod).applicable("met_sig")
    assert "lacks met_significance" in run(atlas).reasons["met_sig"]


def test_per_flavour_threshold_and_conditional_cut_run(tmp_path: Path) -> None:
    data = cleaned_jets_list().model_dump()
    data["objects"][2]["cuts"] = [
        _cut("lep_pt", "pt > where(flavour == 11, 12, 11)", target="leptons", unit="GeV")
    ]
    # ADL's 'c ? a : b' as a cut: (c and a) or (not c and b)
    data["selection"] = [
        _cut(
            "cond",
            "(count(leptons) == 1 and mt_lead < 200) or (not count(leptons) == 1 and met > 20)",
            unit="GeV",
        )
    ]
    sel = SelectionList.model_validate(data)
    assert [i for i in validate_selection(sel) if i.level == "error"] == []
    result = run_compiled(compile_selection(sel), shared_path(*NANOAOD), tmp_path / "out")
    assert 0 < result["n_selected"] < 200

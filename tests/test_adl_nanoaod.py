"""Every imported ADL list compiles and runs on the real CMS NanoAOD file (or is refused by
name)."""

from __future__ import annotations

import json
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
from conftest import SHARED, shared_path

from pipeline.codegen.compiler import compile_selection
from pipeline.codegen.plan import build_plan, data_collection
from pipeline.runtime import lang as rt
from pipeline.selection.adl import from_adl
from pipeline.selection.models import PhysicsObject, SelectionList
from pipeline.selection.validate import validate_selection

NANOAOD = ("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")
ADL_FILES = sorted(
    str(p.relative_to(SHARED / "corpus" / "adl"))
    for p in (SHARED / "corpus" / "adl").glob("*/*.adl")
)


def run_compiled(source: str, data: Path, out: Path) -> dict:  # type: ignore[type-arg]
    """Run a compiled script in this process (its own namespace) and read its result."""
    namespace: dict[str, object] = {"__name__": "compiled_analysis"}
    exec(compile(source, "analysis.py", "exec"), namespace)  # noqa: S102 - our own compiler's output
    assert namespace["main"](["--data", str(data), "--out", str(out)]) == 0  # type: ignore[operator]
    return json.loads((out / "result.json").read_text())


def nanoaod_step_counts(sel: SelectionList, out: Path) -> dict[str, int]:
    """Compile ``sel``, run it on the shared NanoAOD file and read each cutflow step's count."""
    run_compiled(compile_selection(sel), shared_path(*NANOAOD), out)
    cutflow = json.loads((out / "cutflow.json").read_text())
    return {step["id"]: step["raw"] for step in cutflow["steps"]}


@pytest.mark.parametrize("name", ADL_FILES)
def test_imported_list_runs_on_nanoaod(name: str, tmp_path: Path) -> None:
    path = shared_path("corpus", "adl", *name.split("/"))
    sel, _ = from_adl(path.read_text(encoding="utf-8"), source=path.name)
    assert [i for i in validate_selection(sel) if i.level == "error"] == []
    result = run_compiled(compile_selection(sel), shared_path(*NANOAOD), tmp_path / "out")
    assert result["n_input"] == 200
    cutflow = json.loads((tmp_path / "out" / "cutflow.json").read_text())
    raws = [step["raw"] for step in cutflow["steps"]]
    assert raws == sorted(raws, reverse=True)  # a cutflow never grows


def test_nth_of_objects_is_none_where_missing() -> None:
    objs = ak.Array(
        [
            [
                {"pt": 10.0, "eta": 0.0, "phi": 0.0, "e": 10.0},
                {"pt": 20.0, "eta": 1.0, "phi": 1.0, "e": 40.0},
            ],
            [{"pt": 5.0, "eta": 0.0, "phi": 0.0, "e": 5.0}],
            [],
        ]
    )
    second = rt.nth(objs, 1)
    assert ak.to_list(rt.pt(second)) == [20.0, None, None]
    mass = rt.mass(rt.nth(objs, 0), second)
    assert ak.to_list(ak.fill_none(mass > 8, False)) == [True, False, False]
    assert np.isnan(ak.to_list(rt.nth(rt.pt(objs), 1))[1])  # numbers keep NaN


def _sel(objects: list[dict], derived: list[dict]) -> SelectionList:  # type: ignore[type-arg]
    return SelectionList.model_validate(
        {"paper": {"id": "test"}, "objects": objects, "derived": derived}
    )


def test_object_without_a_data_collection_is_refused_by_name() -> None:
    sel = _sel([{"name": "trks", "kind": "track"}], [{"name": "ntrk", "expr": "count(trks)"}])
    errors = [i for i in validate_selection(sel) if i.level == "error"]
    assert len(errors) == 1 and errors[0].path == "$.objects[0].kind"
    assert "no such collection" in errors[0].message and "taus" in errors[0].message
    unused = _sel([{"name": "trks", "kind": "track"}], [])
    assert [i.level for i in validate_selection(unused)] == ["warning"]


def test_subset_reads_fields_of_its_data_collection() -> None:
    sel = _sel(
        [
            {"name": "jets", "kind": "jet"},
            {
                "name": "bjets",
                "kind": "jet",
                "sources": ["jets"],
                "cuts": [
                    {
                        "id": "b1",
                        "description": "b",
                        "scope": "object",
                        "target": "bjets",
                        "expr": "btag > 0.5",
                    }
                ],
            },
        ],
        [],
    )
    plan = build_plan(sel)
    assert data_collection(plan, "bjets") == "jets"
    assert plan.requires["b1"] == ["jets.btag"]


def test_unused_objects_are_not_merged_into_leptons() -> None:
    sel = _sel(
        [
            PhysicsObject(name="mu", kind="muon").model_dump(),
            PhysicsObject(name="el", kind="electron").model_dump(),
        ],
        [],
    )
    assert "rt.merge" not in compile_selection(sel)


# share of cuts with a machine form per corpus file (represented / all, as measured): a regression
# fails. What the rest lacks is a named gap class of docs/selection-language.md "Known gaps in ADL
# import" (tests/test_adl_gaps.py checks every construct left out names one)
SHARE_FLOOR = {
    # the photon-to-jet pT ratio of each pair (large-R jets and taus are collections since 1.1.0)
    "CMS-SUS-16-017/CMS-SUS-16-017_boost_CMSNANOAOD.adl": 140 / 141,
    # as above, with CutLang loop names (jets_, photons_), and 'select fmegajets(jets) == 2'
    "CMS-SUS-16-017/CMS-SUS-16-017_boost_CutLang.adl": 147 / 150,
    "CMS-SUS-16-032/CMS-SUS-16-032_CutLang.adl": 74 / 77,  # cTag
    # MCT written 'jets[1]' (no .pT), dphimin2 undefined, HT01 a four-vector sum, cTag
    "CMS-SUS-16-032/CMS-SUS-16-032_Delphes.adl": 59 / 79,
    "CMS-SUS-16-035/CMS-SUS-16-035_CutLang.adl": 1.0,
    "CMS-SUS-16-035/CMS-SUS-16-035_Delphes.adl": 17 / 20,  # 'dO', 'size(leptons > 2)'
    "CMS-SUS-16-037/CMS-SUS-16-037_CutLang.adl": 1.0,
    "CMS-SUS-16-037/CMS-SUS-16-037_Delphes.adl": 31 / 32,  # antikT reclustering
    "CMS-SUS-16-042/CMS-SUS-16-042_CutLang.adl": 1.0,
    # LepT commented out, W undefined, 'take Elec tron', 'abs(d0) < 2 ?'
    "CMS-SUS-16-042/CMS-SUS-16-042_Delphes.adl": 53 / 86,
    "CMS-SUS-16-043/CMS-SUS-16-043_CutLang.adl": 34 / 35,  # TauTag
    "CMS-SUS-16-043/CMS-SUS-16-043_Delphes.adl": 31 / 33,  # TauTag, MCT written 'bjets[1]'
    "CMS-SUS-16-046/CMS-SUS-16-046_CutLang.adl": 1.0,
    "CMS-SUS-16-046/CMS-SUS-16-046_Delphes.adl": 1.0,
    "CMS-SUS-16-047/CMS-SUS-16-047_CutLang.adl": 1.0,
    # jets cleaned against photons defined after them: reordered
    "CMS-SUS-16-047/CMS-SUS-16-047_Delphes.adl": 1.0,
}


@pytest.mark.parametrize("name", ADL_FILES)
def test_represented_share_and_round_trip(name: str) -> None:
    from pipeline.selection.adl import to_adl
    from pipeline.selection.expr import cut_expression, same_meaning

    path = shared_path("corpus", "adl", *name.split("/"))
    sel, _ = from_adl(path.read_text(encoding="utf-8"), source=path.name)
    cuts = sel.all_cuts()
    assert sum(c.executable for c in cuts) / len(cuts) >= SHARE_FLOOR[name]
    back, _ = from_adl(to_adl(sel), source=path.name)
    again = {c.id: c for c in back.all_cuts()}
    for cut in cuts:
        if cut.executable:
            assert again[cut.id].executable and same_meaning(
                cut_expression(cut), cut_expression(again[cut.id])
            )
    exprs = {d.name: d.expr for d in back.derived}
    assert all(same_meaning(d.expr, exprs[d.name]) for d in sel.derived)


def test_bins_become_regions_on_their_region() -> None:
    text = (
        "object jets\n  take Jet\nregion base\n  select size(jets) >= 2\n"
        "region sr\n  base\n  select MET > 200\n"
        "  bin MET 200 300 500\n  bin HT > 1000 and MET > 300\ndefine HT = fHT(jets)\n"
    )
    sel, missing = from_adl(text)
    bins = [r for r in sel.regions if r.name.startswith("sr_bin")]
    assert [(r.base, [c.expr for c in r.cuts]) for r in bins] == [
        ("sr", ["met >= 200 and met < 300"]),
        ("sr", ["met >= 300 and met < 500"]),
        ("sr", ["HT > 1000 and met > 300"]),
    ]
    assert not missing


def test_met_fields_and_lepton_isolation_of_nanoaod() -> None:
    from pipeline.data import open_dataset

    dataset = open_dataset([shared_path(*NANOAOD)])
    assert {
        "met_significance",
        "met_sumet",
        "muons.mini_iso",
        "electrons.mini_iso",
        "muons.soft_id",
    } <= dataset.provides
    events = dataset.read_all(
        [
            "met_significance",
            "leptons.mini_iso",
            "leptons.pt",
            "leptons.eta",
            "leptons.phi",
            "leptons.e",
            "leptons.charge",
            "leptons.flavour",
            "electrons.pt",
            "muons.pt",
        ]
    )
    assert ak.all(events.met_significance >= 0)
    assert set(ak.fields(events.leptons)) >= {"mini_iso"}

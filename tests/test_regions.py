"""Regions and declared observables, compiled and run on the real CMS NanoAOD file.

Before schema 1.1.0 a list's regions were validated and then ignored by the compiler (no
region ran, none had a cutflow) and only one observable reached the outputs. Here every
region runs on a copy of the state after its base, with its own cutflow in ``regions.json``,
and every declared observable is written per region and event (``observables.csv``) and
histogrammed with its own binning; each is checked against numpy on the raw branches.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import uproot
from conftest import SHARED, shared_path

from pipeline.codegen.compiler import compile_selection
from pipeline.contract import read_observables, read_regions
from pipeline.errors import SelectionError
from pipeline.selection.adl import from_adl
from pipeline.selection.models import SelectionList
from pipeline.selection.store import load_selection
from pipeline.selection.validate import validate_selection

NANOAOD = ("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")
HAND = {"source": "hand", "quote": "test", "document": "test"}


def _cut(cut_id: str, expr: str) -> dict[str, Any]:
    return {"id": cut_id, "description": expr, "expr": expr, "provenance": HAND}


LIST: dict[str, Any] = {
    "schema_version": "1.1.0",
    "paper": {"id": "regions-test"},
    "objects": [
        {
            "name": "jets",
            "kind": "jet",
            "cuts": [_cut("jet_pt", "pt > 25") | {"scope": "object", "target": "jets"}],
        },
    ],
    "derived": [
        {"name": "jet_pt", "expr": "pt(jets)", "scope": "event"},
        {"name": "n_jets", "expr": "count(jets)", "scope": "event"},
    ],
    "selection": [_cut("two_jets", "count(jets) >= 2")],
    "regions": [
        # listed before its base on purpose: bases run first whatever the file order
        {"name": "high_met_4j", "base": "high_met", "cuts": [_cut("four_jets", "n_jets >= 4")]},
        {"name": "high_met", "cuts": [_cut("met_40", "met > 40")]},
        {"name": "low_met", "cuts": [_cut("met_low", "met <= 40")]},
    ],
    "observables": [
        {"name": "met", "label": "MET [GeV]", "histogram": {"bins": 20, "low": 0, "high": 200}},
        {"name": "jet_pt", "regions": ["high_met_4j"], "histogram": {"edges": [25, 50, 100, 400]}},
    ],
}


def run_compiled(sel: SelectionList, out: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "compiled_analysis"}
    exec(compile(compile_selection(sel), "analysis.py", "exec"), namespace)  # noqa: S102 - our compiler's output
    assert namespace["main"](["--data", str(shared_path(*NANOAOD)), "--out", str(out)]) == 0


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    events = uproot.open(shared_path(*NANOAOD))["Events"]
    return events.arrays(["event", "MET_pt", "Jet_pt"], library="np")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("regions") / "out"
    run_compiled(SelectionList.model_validate(LIST), out)
    return out


def _independent(raw: dict[str, Any]) -> dict[str, np.ndarray]:
    """Per region, the selected events, from the raw branches with numpy alone."""
    jets = [pt[pt > 25] for pt in raw["Jet_pt"]]
    n_jets = np.array([len(j) for j in jets])
    met = raw["MET_pt"].astype(np.float64)
    base = n_jets >= 2
    return {
        "selection": base,
        "high_met": base & (met > 40),
        "low_met": base & (met <= 40),
        "high_met_4j": base & (met > 40) & (n_jets >= 4),
    }


def test_each_region_has_its_own_cutflow(outputs: Path, raw: dict[str, Any]) -> None:
    masks = _independent(raw)
    regions = read_regions(outputs)
    assert regions is not None
    assert [r.name for r in regions.regions] == ["high_met", "low_met", "high_met_4j"]
    hm4 = regions.region("high_met_4j")
    assert hm4 is not None and hm4.base == "high_met"
    assert [s.id for s in hm4.steps] == ["high_met", "four_jets"]
    for region in regions.regions:
        entering = masks[region.base or "selection"]
        assert region.steps[0].raw == int(entering.sum()), region.name
        assert region.selected.raw == int(masks[region.name].sum()), region.name
    # the two complementary regions split the cutflow's events
    hi, lo = regions.region("high_met"), regions.region("low_met")
    assert hi is not None and lo is not None
    cutflow = json.loads((outputs / "cutflow.json").read_text())
    assert hi.selected.raw + lo.selected.raw == cutflow["steps"][-1]["raw"]
    assert 0 < hi.selected.raw < cutflow["steps"][-1]["raw"]


def test_observables_event_by_event_and_bin_by_bin(outputs: Path, raw: dict[str, Any]) -> None:
    masks = _independent(raw)
    values = read_observables(outputs / "observables.csv")
    hists = json.loads((outputs / "histograms.json").read_text())
    for region in ("selection", "high_met", "low_met", "high_met_4j"):
        mine = {
            (v.event, v.item): v.value
            for v in values
            if v.region == region and v.observable == "met"
        }
        keep = masks[region]
        expected = dict(
            zip(((int(e), 0) for e in raw["event"][keep]), raw["MET_pt"][keep], strict=True)
        )
        assert mine.keys() == expected.keys(), region
        assert [mine[k] for k in sorted(mine)] == pytest.approx(
            [float(expected[k]) for k in sorted(expected)], rel=1e-7
        )
        counts, _ = np.histogram(raw["MET_pt"][keep], bins=np.linspace(0, 200, 21))
        assert hists[f"{region}/met"]["counts"] == counts.tolist(), region
    # the per-object observable: one value per jet, only where it was declared
    keep = masks["high_met_4j"]
    jets = [pt[pt > 25] for pt in raw["Jet_pt"][keep]]
    mine = sorted((v.event, v.item, v.value) for v in values if v.observable == "jet_pt")
    assert {v.region for v in values if v.observable == "jet_pt"} == {"high_met_4j"}
    expected = sorted(
        (int(e), i, float(pt))
        for e, js in zip(raw["event"][keep], jets, strict=True)
        for i, pt in enumerate(js)
    )
    assert [m[:2] for m in mine] == [e[:2] for e in expected]
    assert [m[2] for m in mine] == pytest.approx([e[2] for e in expected], rel=1e-7)
    counts, _ = np.histogram(np.concatenate(jets) if jets else [], bins=[25, 50, 100, 400])
    assert hists["high_met_4j/jet_pt"]["counts"] == counts.tolist()
    assert "selection/jet_pt" not in hists


def test_outputs_are_the_same_bytes_twice(outputs: Path, tmp_path: Path) -> None:
    run_compiled(SelectionList.model_validate(LIST), tmp_path / "again")
    for name in ("regions.json", "observables.csv", "histograms.json", "cutflow.json"):
        assert (tmp_path / "again" / name).read_bytes() == (outputs / name).read_bytes(), name


def test_files_of_an_earlier_run_do_not_survive(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_compiled(SelectionList.model_validate(LIST), out)
    plain = dict(LIST, regions=[], observables=[])
    run_compiled(SelectionList.model_validate(plain), out)
    assert not (out / "regions.json").exists()
    assert not (out / "observables.csv").exists()


ADL_WITH_REGIONS = sorted(
    p for p in (SHARED / "corpus" / "adl").glob("*/*.adl") if "region" in p.read_text()
)


@pytest.mark.parametrize("path", ADL_WITH_REGIONS, ids=lambda p: p.name)
def test_imported_adl_regions_run(path: Path, tmp_path: Path) -> None:
    sel, _ = from_adl(path.read_text(encoding="utf-8"), source=path.name)
    if not sel.regions:
        pytest.skip("every region of this file builds on one: it is the cutflow")
    run_compiled(sel, tmp_path / "out")
    regions = read_regions(tmp_path / "out")
    assert regions is not None
    assert {r.name for r in regions.regions} == {r.name for r in sel.regions}
    ends = {"selection": json.loads((tmp_path / "out" / "cutflow.json").read_text())["steps"][-1]}
    for region in regions.regions:  # bases come first, so each base's end is known
        raws = [s.raw for s in region.steps]
        assert raws == sorted(raws, reverse=True), region.name
        assert raws[0] == ends[region.base or "selection"]["raw"], region.name
        ends[region.name] = region.selected.model_dump()


def test_the_test_list_is_valid() -> None:
    assert validate_selection(SelectionList.model_validate(LIST)) == []


def test_bad_observables_are_named_at_validation() -> None:
    bad = dict(
        LIST,
        observables=[
            {"name": "jet_ptt"},
            {"name": "met", "regions": ["high_mett"]},
            {"name": "jets"},
        ],
    )
    issues = validate_selection(SelectionList.model_validate(bad))
    messages = [(i.path, i.message, i.hint or "") for i in issues if i.level == "error"]
    assert any("'jet_ptt' is not defined" in m and "jet_pt" in h for _, m, h in messages)
    assert any("unknown region 'high_mett'" in m and "high_met" in h for _, m, h in messages)
    assert any("'jets' is a collection of objects" in m and "pt(jets)" in h for _, m, h in messages)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"regions": [{"name": "selection"}]}, "may not be called 'selection'"),
        ({"schema_version": "1.0.0"}, "observables need schema_version 1.1.0"),
        (
            {"observables": [{"name": "met", "histogram": {"bins": 10, "low": 5, "high": 1}}]},
            "must be above",
        ),
    ],
)
def test_invalid_lists_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SelectionList.model_validate(dict(LIST, **change))


def test_lists_of_schema_1_0_0_are_read_as_they_are(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parent.parent / "pipeline" / "demo" / "selection.reviewed.json"
    sel = load_selection(demo)
    assert sel.schema_version == "1.0.0" and sel.observables == []
    assert "REGIONS" not in compile_selection(sel)  # scripts of lists without regions unchanged
    with pytest.raises(SelectionError):
        load_selection(_write(tmp_path / "x.json", dict(LIST, schema_version="0.9")))


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_an_observable_that_is_one_object_stops_the_run_with_the_remedy(tmp_path: Path) -> None:
    """best_of(...) is one object per event, which validation cannot tell from a number."""
    from pipeline.errors import DataError

    data = dict(
        LIST,
        derived=[
            *LIST["derived"],
            {"name": "lead", "expr": "best_of(jets, -pt(jets))", "scope": "event"},
        ],
        observables=[{"name": "lead"}],
    )
    sel = SelectionList.model_validate(data)
    assert [i for i in validate_selection(sel) if i.level == "error"] == []
    with pytest.raises(DataError, match="'lead' is an object") as info:
        run_compiled(sel, tmp_path / "out")
    assert "pt_of(lead)" in (info.value.hint or "")
    assert not (tmp_path / "out" / "result.json").exists()  # nothing written as if complete

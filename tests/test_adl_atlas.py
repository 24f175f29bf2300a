"""Every imported ADL list also runs on the ATLAS open data, where the fields exist.

The CMS analyses read collections ATLAS files do not have (large-R jets, taus): a cut that
counts or reads such a collection is not applicable, with the reason, and nothing fails. Before,
a count of large-R jets (``AK8jets.size >= 1``, which reads no field) ran on a collection
the file lacks and the analysis crashed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED, shared_path

from pipeline.codegen.compiler import compile_selection
from pipeline.selection.adl import from_adl

ADL_FILES = sorted(
    str(p.relative_to(SHARED / "corpus" / "adl"))
    for p in (SHARED / "corpus" / "adl").glob("*/*.adl")
)
ATLAS_2025 = (
    "data",
    "atlas-opendata-2025",
    "ODEO_FEB2025_v0_exactly4lep_data15_periodD.exactly4lep.root",
)
ATLAS_2020 = ("data", "atlas-opendata-2020", "data_A.4lep.root")


def run(name: str, data: Path, out: Path) -> dict[str, Any]:
    path = shared_path("corpus", "adl", *name.split("/"))
    sel, _ = from_adl(path.read_text(encoding="utf-8"), source=path.name)
    namespace: dict[str, Any] = {"__name__": "adl_on_atlas"}
    exec(compile(compile_selection(sel), "analysis.py", "exec"), namespace)  # noqa: S102 - our compiler's output
    assert namespace["main"](["--data", str(data), "--out", str(out)]) == 0
    return json.loads((out / "result.json").read_text())  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", ADL_FILES)
def test_imported_list_runs_on_atlas_2025(name: str, tmp_path: Path) -> None:
    result = run(name, shared_path(*ATLAS_2025), tmp_path / "out")
    assert result["n_input"] == 3424
    cutflow = json.loads((tmp_path / "out" / "cutflow.json").read_text())
    raws = [s["raw"] for s in cutflow["steps"]]
    assert raws == sorted(raws, reverse=True)
    assert set(result["not_applicable"]) <= {w.split(":", 1)[0] for w in result["warnings"]}


def test_counts_of_a_collection_the_data_lack_are_not_applicable(tmp_path: Path) -> None:
    name = "CMS-SUS-16-017/CMS-SUS-16-017_boost_CMSNANOAOD.adl"
    result = run(name, shared_path(*ATLAS_2020), tmp_path / "out")
    regions = json.loads((tmp_path / "out" / "regions.json").read_text())["regions"]
    pre = next(r for r in regions if r["name"] == "preselection")
    count_ak8 = next(s for s in pre["steps"] if s["description"] == "ADL: select AK8jets.size >= 1")
    assert not count_ak8["applicable"] and "fatjets" in count_ak8["reason"]
    assert any("fatjets" in w for w in result["warnings"])

"""The open-data notebook and student-report baselines, on the real files of both releases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
import uproot

from baselines import NAMES, REGISTRY, run_baseline
from pipeline.contract import read_outputs
from pipeline.data import open_dataset
from pipeline.data.synthetic import generate
from pipeline.errors import UsageError
from tests.conftest import shared_path

# table IV of the report, 'Data' column (2020 release, periods A-D)
ISA_REPORT_DATA = [832, 827, 827, 679, 656, 311, 286, 285, 225, 166]


def _cutflow(name: str, paths: list[Path], out: Path) -> list[int]:
    run_baseline(name, open_dataset(paths), out)
    return [s.raw for s in read_outputs(out)[1].steps]


def test_isa_report_cutflow_on_real_2020(tmp_path: Path) -> None:
    raw = _cutflow("report_isa2025", [shared_path("data", "atlas-opendata-2020")], tmp_path / "o")
    assert raw[:9] == ISA_REPORT_DATA[:9]  # cuts 1-9 reproduce the report exactly
    # cut 10 (Z candidates) gives 148, the report 166: its m34 lower bound below m4l = 120 GeV
    # and the pairing are not fully specified (see baselines/README.md)
    assert raw[9] == 148


def test_isa_weights_renormalised_to_10_fb(tmp_path: Path) -> None:
    ds = open_dataset(generate(tmp_path / "syn", release="2020", n_events=400, seed=3))
    result = run_baseline("report_isa2025", ds, tmp_path / "o")
    total = float(ak.sum(ds.read_all(["weight"]).weight))
    assert read_outputs(tmp_path / "o")[1].steps[0].weighted == pytest.approx(total * 10000 / 10064)
    assert result.synthetic


def _notebook_reference(path: Path) -> list[int]:
    """The 2025 notebook cuts on the raw branches, in the file's own lepton order."""
    a = uproot.open(path)["analysis"].arrays()
    counts = [len(a)]
    m = ak.to_numpy(a.lep_n == 4)
    counts.append(int(m.sum()))
    m &= ak.to_numpy(a.trigE | a.trigM)
    counts.append(int(m.sum()))
    m &= ak.to_numpy(ak.sum(a.lep_isTrigMatched, axis=1) >= 1)
    counts.append(int(m.sum()))
    m &= ak.to_numpy((a.lep_pt[:, 0] > 20) & (a.lep_pt[:, 1] > 15) & (a.lep_pt[:, 2] > 10))
    counts.append(int(m.sum()))
    mu = a.lep_type == 13
    ok = (mu & a.lep_isMediumID & a.lep_isLooseIso) | (~mu & a.lep_isLooseID & a.lep_isLooseIso)
    m &= ak.to_numpy(ak.sum(ok, axis=1) == 4)
    counts.append(int(m.sum()))
    m &= np.isin(ak.to_numpy(ak.sum(a.lep_type, axis=1)), [44, 48, 52])
    counts.append(int(m.sum()))
    m &= ak.to_numpy(ak.sum(a.lep_charge, axis=1) == 0)
    counts.append(int(m.sum()))
    return counts


def test_opendata_notebook_on_real_2025(tmp_path: Path) -> None:
    files = sorted(shared_path("data", "atlas-opendata-2025").glob("*.root"))
    raw = _cutflow("hzz4l_notebook2025", files, tmp_path / "o")
    assert raw == _notebook_reference(files[0])
    assert raw[4] == 110  # index-based pT cuts: the ordering gotcha is reproduced on purpose


def test_opendata_notebook_on_2020_marks_missing_flags(tmp_path: Path) -> None:
    run_baseline(
        "hzz4l_notebook2025", open_dataset([shared_path("data", "atlas-opendata-2020")]), tmp_path
    )
    cutflow = read_outputs(tmp_path)[1]
    step = cutflow.step("lepton_id_iso")
    assert step is not None and not step.applicable and "id_loose" in (step.reason or "")
    assert step.raw == cutflow.step("lepton_pt").raw


def test_yasodar_report_on_real_2025(tmp_path: Path) -> None:
    raw = _cutflow("report_yasodar", [shared_path("data", "atlas-opendata-2025")], tmp_path)
    assert raw == [3424, 3424]
    hist = json.loads((tmp_path / "histograms.json").read_text())["m4l"]
    assert hist["edges"][0] == 70.0 and hist["edges"][-1] == 200.0
    assert 0 < sum(hist["counts"]) < 3424


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_baseline_runs_on_synthetic(tmp_path: Path, name: str) -> None:
    ds = open_dataset(generate(tmp_path / "syn", release="2025", n_events=400, seed=9))
    result = run_baseline(name, ds, tmp_path / "o")
    assert result.synthetic and result.producer == f"baseline:{name}" and result.n_input == 400


def test_unknown_baseline(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown baseline") as info:
        run_baseline(
            "hzz4l_papr", open_dataset([shared_path("data", "atlas-opendata-2025")]), tmp_path
        )
    assert "hzz4l_paper" in str(info.value)
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "baseline", "--list"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and set(json.loads(done.stdout)) == set(NAMES)

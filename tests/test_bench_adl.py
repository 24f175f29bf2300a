"""The ADL throughput benchmark: its synthetic NanoAOD, its hand-written baselines, its script.

The timing is only worth reading if both sides compute the same thing, so the baselines are
checked against the compiled lists on synthetic events and on the real CMS NanoAOD file.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from conftest import shared_path

from baselines.adl_benchmarks import BRANCHES, Selected
from pipeline.data import open_dataset
from pipeline.data.synthetic_nanoaod import generate_nanoaod

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "bench_adl.py"
NANOAOD = ("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_adl", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _script()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_nanoaod(tmp_path_factory.mktemp("nano"), n_events=3000, seed=7)


def test_synthetic_file_opens_as_nanoaod_and_is_labelled(synthetic: Path) -> None:
    dataset = open_dataset([synthetic])
    assert dataset.release == "nanoaod" and dataset.synthetic and dataset.n_events == 3000
    assert {"jets.btag", "muons.charge", "electrons.pt", "met", "met_phi"} <= dataset.provides
    events = dataset.read_all(["jets.btag"])
    btag = np.concatenate([np.asarray(x, float) for x in events["jets"].btag.to_list()])
    assert btag.min() >= 0.0 and btag.max() <= 1.0


def test_same_seed_gives_the_same_bytes_in_two_directories(tmp_path: Path) -> None:
    a = generate_nanoaod(tmp_path / "a", n_events=500, seed=3)
    b = generate_nanoaod(tmp_path / "b", n_events=500, seed=3)
    c = generate_nanoaod(tmp_path / "c", n_events=500, seed=4)
    assert a.name == b.name and a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert not [p for p in (tmp_path / "a").iterdir() if p != a]  # no staging left behind


@pytest.mark.parametrize("n", range(1, 9))
def test_baseline_equals_compiled_list_on_synthetic_events(n: int, synthetic: Path) -> None:
    compiled = bench.run_compiled(bench.compiled_namespace(n), synthetic, 1000)
    hand = bench.run_hand(n, synthetic, 1000)
    c, h = bench.flat_values(compiled), bench.flat_values(hand)
    assert bench.differences(c, h) == []
    assert len(hand.event) > 0  # every benchmark selects something, Z ones included
    assert set(h) - {"event"} and set(h) <= set(c)


@pytest.mark.parametrize("n", range(1, 9))
def test_baseline_equals_compiled_list_on_the_real_nanoaod_file(n: int) -> None:
    """On the 200 real events, where test_adl_benchmarks checks the compiled lists against
    independent code: equal here means the baselines agree with that code too."""
    path = shared_path(*NANOAOD)
    compiled = bench.run_compiled(bench.compiled_namespace(n), path, 1000)
    hand = bench.run_hand(n, path, 1000)
    assert bench.differences(bench.flat_values(compiled), bench.flat_values(hand)) == []


def test_real_file_counts_are_those_of_the_readme() -> None:
    """papers/adl-benchmarks/README.md: 4 keeps 24 events, 5 none, 6 keeps 88, 7 all, 8 one."""
    import uproot

    raw = uproot.open(shared_path(*NANOAOD))["Events"].arrays(
        sorted(set().union(*BRANCHES.values()))
    )
    counts = {n: len(bench.run_benchmark(n, raw).event) for n in (4, 5, 6, 7, 8)}
    assert counts == {4: 24, 5: 0, 6: 88, 7: 200, 8: 1}
    mt = bench.run_benchmark(8, raw).values["mt_w"]
    assert float(mt[0]) == pytest.approx(121, abs=1)


def test_a_differing_value_or_event_is_reported() -> None:
    """The check can fail: one value off by 1e-5 relative, or one event more, is a mismatch."""
    base = Selected(np.array([1, 2, 3]), {"x": np.array([1.0, 2.0, 3.0])})
    off = Selected(np.array([1, 2, 3]), {"x": np.array([1.0, 2.00002, 3.0])})
    more = Selected(np.array([1, 2, 3, 4]), {"x": np.array([1.0, 2.0, 3.0, 4.0])})
    ref = bench.flat_values(base)
    assert bench.differences(ref, ref) == []
    assert bench.differences(bench.flat_values(off), ref) == [
        "x: 1 values differ beyond 1e-06 relative"
    ]
    assert len(bench.differences(bench.flat_values(more), ref)) == 2


def test_script_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "table.json"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--events", "2000", "--work", str(tmp_path / "work")]
        + ["--json", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = json.loads(out.read_text())
    assert [r["benchmark"] for r in table["rows"]] == list(range(1, 9))
    for row in table["rows"]:
        assert row["match"] and row["ratio"] > 0
        assert row["compiled_peak_rss_mb"] > 0 and row["hand_peak_rss_mb"] > 0
    assert "ratio" in proc.stdout and "all match" in proc.stdout
    assert (tmp_path / "work" / "synthetic_nanoaod_seed1_2000.root").exists()

"""The paper baseline against an independent plain-python event loop, on real and synthetic data.

The loop below is written from ``shared/facts/hzz4l-paper-selection.md`` one event at a
time with python floats, sharing no code with ``baselines/``. It runs with the isolation
correction (``hzz4l_paper``: the other quadruplet leptons removed from the stored cones) and
without it (``hzz4l_paper_noisocorr``).
"""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from baselines import hzz4l_paper as paper
from baselines import run_baseline
from baselines.common import run_plan
from pipeline.contract import read_outputs
from pipeline.data import open_dataset
from pipeline.data.synthetic import generate
from tests.conftest import shared_path

MZ = 91.1876
STEP_IDS = [
    "all",
    "trigger",
    "n_leptons",
    "quadruplet",
    "lepton_pt",
    "muon_types",
    "m12",
    "m34",
    "delta_r",
    "jpsi_veto",
    "track_isolation",
    "calo_isolation",
    "impact_parameter",
    "vertex",
    "best_quadruplet",
    "mass_window",
]
TRIGGERS = ("trig_e", "trig_m", "trig_ee", "trig_mm", "trig_em")


def _mass(*leps: dict) -> float:
    e = sum(lep["e"] for lep in leps)
    px = sum(lep["pt"] * math.cos(lep["phi"]) for lep in leps)
    py = sum(lep["pt"] * math.sin(lep["phi"]) for lep in leps)
    pz = sum(lep["pt"] * math.sinh(lep["eta"]) for lep in leps)
    return math.sqrt(max(e * e - px * px - py * py - pz * pz, 0.0))


def _is_good(lep: dict, has_loose: bool) -> bool:
    if has_loose and not lep["id_loose"]:
        return False
    if abs(lep["z0"] * math.sin(2 * math.atan(math.exp(-lep["eta"])))) >= 0.5:
        return False
    if lep["flavour"] == 11:
        return lep["pt"] > 7 and abs(lep["eta"]) < 2.47
    return lep["pt"] > 5 and abs(lep["eta"]) < 2.7 and abs(lep["d0"]) < 1.0


def _dr(a: dict, b: dict) -> float:
    return math.hypot(a["eta"] - b["eta"], math.remainder(a["phi"] - b["phi"], 2 * math.pi))


def _iso(lep: dict, q: list[dict], corr: bool, varcone: bool) -> tuple[float, float]:
    """(track, calo) isolation of ``lep``: minus the other candidate leptons inside the cones
    (track: any lepton, cone 0.3 or min(0.3, 10/pT); calo: electrons, cone 0.2) with ``corr``."""
    track, calo = lep["ptcone30"], lep["etcone20"]
    if corr:
        cone = min(0.3, 10.0 / lep["pt"]) if varcone else 0.3
        for other in q:
            if other is lep:
                continue
            if _dr(lep, other) < cone:
                track -= other["pt"]
            if other["flavour"] == 11 and _dr(lep, other) < 0.2:
                calo -= other["pt"]
    return track, calo


def _cuts(q: list[dict], m12: float, m34: float, corr: bool, varcone: bool) -> list[bool]:
    """Candidate cuts from lepton_pt to vertex, in step order (not applicable -> True)."""
    pts = sorted((lep["pt"] for lep in q), reverse=True)
    m4l = _mass(*q)
    thr = 12.0 if m4l < 140 else (50.0 if m4l > 190 else 12.0 + (m4l - 140.0) * 38.0 / 50.0)
    dr_ok = jpsi_ok = True
    for a, b in itertools.combinations(q, 2):
        dphi = math.remainder(a["phi"] - b["phi"], 2 * math.pi)
        dr = math.hypot(a["eta"] - b["eta"], dphi)
        same = a["flavour"] == b["flavour"]
        dr_ok &= dr > (0.10 if same else 0.20)
        if same and a["charge"] != b["charge"]:
            jpsi_ok &= _mass(a, b) > 5.0
    mu = lambda lep: lep["flavour"] == 13  # noqa: E731
    iso = [_iso(lep, q, corr, varcone) for lep in q]
    return [
        pts[0] > 20 and pts[1] > 15 and pts[2] > 10,
        True,
        50 < m12 < 106,
        thr < m34 < 115,
        dr_ok,
        jpsi_ok,
        all(t / lep["pt"] < 0.15 for lep, (t, _) in zip(q, iso, strict=True)),
        all(
            c / lep["pt"] < (0.30 if mu(lep) else 0.20) for lep, (_, c) in zip(q, iso, strict=True)
        ),
        all(abs(lep["d0sig"]) < (3 if mu(lep) else 5) for lep in q),
        True,
    ]


def reference(
    events: list[dict],
    has_loose: bool,
    corr: bool = True,
    varcone: bool = False,
    reached: dict[int, set] | None = None,
) -> tuple[list[int], dict]:
    """Raw cutflow and {(run, event): (channel, m4l)}; ``reached[k]`` collects the events
    that pass step k (for k already in it)."""
    counts = [0] * len(STEP_IDS)
    selected: dict[tuple[int, int], tuple[str, float]] = {}
    for ev in events:
        counts[0] += 1
        if not any(ev.get(t, False) for t in TRIGGERS):
            continue
        counts[1] += 1
        good = [lep for lep in ev["leptons"] if _is_good(lep, has_loose)]
        if len(good) < 4:
            continue
        counts[2] += 1
        pairs = [
            (a, b)
            for a, b in itertools.combinations(range(len(good)), 2)
            if good[a]["flavour"] == good[b]["flavour"] and good[a]["charge"] != good[b]["charge"]
        ]
        cands = []
        for p, q in itertools.combinations(pairs, 2):
            if set(p) & set(q):
                continue
            mp, mq = _mass(good[p[0]], good[p[1]]), _mass(good[q[0]], good[q[1]])
            z1, z2, m12, m34 = (p, q, mp, mq) if abs(mp - MZ) <= abs(mq - MZ) else (q, p, mq, mp)
            quad = [good[i] for i in (*z1, *z2)]
            cands.append((quad, m12, m34, _cuts(quad, m12, m34, corr, varcone)))
        if not cands:
            continue
        counts[3] += 1
        alive = list(cands)
        for k in range(10):
            alive = [c for c in alive if c[3][k]]
            if not alive:
                break
            counts[4 + k] += 1
            if reached is not None and 4 + k in reached:
                reached[4 + k].add((ev["run"], ev["event"]))
        if not alive:
            continue
        counts[14] += 1
        quad, m12, m34, _ = min(alive, key=lambda c: (abs(c[1] - MZ), abs(c[2] - MZ)))
        m4l = _mass(*quad)
        if 118 < m4l < 129:
            counts[15] += 1
            names = {(11, 11): "4e", (13, 13): "4mu", (11, 13): "2e2mu", (13, 11): "2mu2e"}
            selected[(ev["run"], ev["event"])] = (
                names[(quad[0]["flavour"], quad[2]["flavour"])],
                m4l,
            )
    return counts, selected


def _check(paths: list[Path], out: Path, name: str = "hzz4l_paper") -> dict:
    ds = open_dataset(paths)
    result = run_baseline(name, ds, out)
    events, cutflow, again = read_outputs(out)
    assert [s.id for s in cutflow.steps] == STEP_IDS and again == result
    fields = [f for f in ds.provides if f in TRIGGERS] + ["run", "event", "leptons"]
    # the 2025 release stores ptvarcone30 (cone min(0.3, 10 GeV/pT)), the 2020 one ptcone30
    ref_counts, ref_sel = reference(
        ds.read_all(fields).to_list(),
        "leptons.id_loose" in ds.provides,
        corr=name == "hzz4l_paper",
        varcone=ds.release == "2025",
    )
    assert [s.raw for s in cutflow.steps] == ref_counts
    assert {(e.run, e.event) for e in events} == set(ref_sel)
    for e in events:
        channel, m4l = ref_sel[(e.run, e.event)]
        assert e.channel == channel and m4l == pytest.approx(e.m4l, abs=1e-5)
    na = {s.id: s for s in cutflow.steps if not s.applicable}
    assert set(na) == {"muon_types", "vertex"} and all(s.reason for s in na.values())
    assert result.not_applicable == ["muon_types", "vertex"]
    return {"cutflow": cutflow, "result": result, "events": events}


@pytest.mark.parametrize("name", ["hzz4l_paper", "hzz4l_paper_noisocorr"])
def test_real_2025(tmp_path: Path, name: str) -> None:
    out = _check([shared_path("data", "atlas-opendata-2025")], tmp_path / "o", name)
    assert out["cutflow"].steps[0].raw == 3424 and not out["result"].synthetic


@pytest.mark.parametrize(
    ("name", "isolated"),
    [("hzz4l_paper", [249, 248, 215]), ("hzz4l_paper_noisocorr", [246, 245, 212])],
)
def test_real_2020(tmp_path: Path, name: str, isolated: list[int]) -> None:
    out = _check([shared_path("data", "atlas-opendata-2020")], tmp_path / "o", name)
    raw = [s.raw for s in out["cutflow"].steps]
    assert raw[0] == 832 and raw[10:13] == isolated and raw[-1] == out["result"].n_selected == 14
    assert any("loose" in w for w in out["result"].warnings)


def test_isolation_correction_on_real_2020() -> None:
    """The three 4e events a close e+e- pair kept out of the uncorrected track isolation."""
    ds = open_dataset([shared_path("data", "atlas-opendata-2020")])
    events = ds.read_all(["trig_e", "trig_m", "run", "event", "leptons"]).to_list()
    steps = {}
    for corr in (True, False):
        steps[corr] = {10: set(), 13: set()}
        reference(events, has_loose=False, corr=corr, reached=steps[corr])
    assert steps[False][10] <= steps[True][10]
    gained = steps[True][10] - steps[False][10]
    assert gained == {(302872, 1144473024), (302925, 860800121), (303421, 1041745327)}
    assert gained <= steps[True][13]  # they pass every later candidate cut too
    for ev in (e for e in events if (e["run"], e["event"]) in gained):
        ele = [lep for lep in ev["leptons"] if lep["flavour"] == 11]
        # Delta R 0.252, 0.249 and 0.214; in event 860800121 the pair is e+e+, not e+e-
        close = [(a, b) for a, b in itertools.combinations(ele, 2) if 0.2 < _dr(a, b) < 0.26]
        assert close, ev["event"]
        a, b = close[0]
        assert a["ptcone30"] > 0.5 * b["pt"] and b["ptcone30"] > 0.5 * a["pt"]


@pytest.mark.parametrize("release", ["2025", "2020"])
def test_synthetic(tmp_path: Path, release: str) -> None:
    paths = generate(tmp_path / "syn", release=release, n_events=600, seed=21)
    out = _check(paths, tmp_path / "o")
    steps = {s.id: s for s in out["cutflow"].steps}
    assert out["result"].synthetic and out["result"].warnings[0].startswith("SYNTHETIC")
    assert steps["mass_window"].raw > 30  # the Higgs signal survives
    assert steps["all"].weighted > steps["mass_window"].weighted > 0
    hist = json.loads((tmp_path / "o" / "histograms.json").read_text())["m4l"]
    assert hist["edges"][0] == 80.0 and hist["edges"][-1] == 170.0
    assert steps["mass_window"].weighted < sum(hist["counts"]) <= steps["best_quadruplet"].weighted


def test_same_physics_from_both_schemas(tmp_path: Path) -> None:
    """Same seed in both schemas, restricted to what both provide: identical selections."""
    res = {}
    for rel in ("2025", "2020"):
        ds = open_dataset(generate(tmp_path / rel, release=rel, n_events=2000, seed=4))
        common = replace(
            paper.plan(ds.provides),
            process=partial(paper.process, triggers=("trig_e", "trig_m"), has_loose=False),
        )
        run_plan("hzz4l_paper", common, ds, tmp_path / f"o{rel}")
        res[rel] = read_outputs(tmp_path / f"o{rel}")
    (ev25, cf25, _), (ev20, cf20, _) = res["2025"], res["2020"]
    assert [s.raw for s in cf25.steps] == [s.raw for s in cf20.steps]
    # weights differ on purpose: 36.6 vs 10.064 fb-1, and the releases' ttbar cross sections
    assert len(ev25) == len(ev20) > 50
    for a, b in zip(ev25, ev20, strict=True):
        assert (a.event, a.channel) == (b.event, b.channel) and a.m4l == pytest.approx(
            b.m4l, abs=1e-3
        )


def test_cli_subprocess_and_bad_input(tmp_path: Path) -> None:
    paths = generate(tmp_path / "syn", release="2025", n_events=400, seed=2)
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli.main",
            "baseline",
            "hzz4l_paper",
            "--data",
            str(paths[0].parent),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["producer"] == "baseline:hzz4l_paper"
    assert sorted(p.name for p in out.iterdir()) == [
        "cutflow.json",
        "events.csv",
        "histograms.json",
        "result.json",
    ]
    junk = tmp_path / "junk.root"
    junk.write_text("not a root file")
    bad_out = tmp_path / "bad"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli.main",
            "baseline",
            "hzz4l_paper",
            "--data",
            str(junk),
            "--out",
            str(bad_out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and "not a ROOT file" in done.stderr
    assert "Traceback" not in done.stderr and not (bad_out / "result.json").exists()

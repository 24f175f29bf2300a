"""Synthetic samples: labelling, determinism, both schemas, physics content, weights."""

from __future__ import annotations

import json
import re
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
import uproot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.data import open_dataset
from pipeline.data.schemas import LUMI_2025_PB
from pipeline.data.synthetic import PROCESSES, generate
from pipeline.errors import UsageError

N = 8000


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    root = tmp_path_factory.mktemp("syn")
    return {rel: generate(root / rel, release=rel, n_events=N, seed=11) for rel in ("2025", "2020")}


@pytest.fixture(scope="module")
def events2025(samples: dict[str, list[Path]]) -> ak.Array:
    return open_dataset(samples["2025"]).read_all()


def test_labelled_synthetic_everywhere(samples: dict[str, list[Path]]) -> None:
    for rel, paths in samples.items():
        assert len(paths) == len(PROCESSES)
        assert all(p.name.startswith("synthetic_") for p in paths)
        marker = json.loads(str(uproot.open(paths[0])["synthetic"]))
        assert (
            marker["synthetic"] is True
            and marker["release"] == rel
            and "SYNTHETIC" in marker["note"]
        )
        ds = open_dataset(paths)
        assert ds.synthetic and all(f.synthetic for f in ds.files) and ds.release == rel
        assert not list(paths[0].parent.glob(".*.part"))


def test_real_schema_branches(samples: dict[str, list[Path]]) -> None:
    facts = Path(__file__).resolve().parents[2] / "shared" / "facts"
    if not facts.is_dir():
        pytest.skip("../shared/facts not available")
    for rel, fact in (
        ("2025", "branches-2025-exactly4lep-data.txt"),
        ("2020", "branches-2020-4lep-data.txt"),
    ):
        real: dict[str, str] = {}
        for line in (facts / fact).read_text().splitlines():
            tokens = line.split()
            if len(tokens) >= 2 and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", tokens[0]):
                real.setdefault(tokens[0], tokens[1])  # the branch table comes first
        tree = uproot.open(samples[rel][0])["analysis" if rel == "2025" else "mini"]
        ours = {k: v.typename for k, v in tree.items() if not k.startswith("n")}
        for name, typename in ours.items():
            assert name in real, f"{rel}: {name} is not a real branch"
            scalar = lambda t: t.replace("RVec<", "").replace("std::vector<", "").rstrip(">")  # noqa: E731
            assert scalar(typename).replace("[]", "") == scalar(real[name]), name


def test_same_seed_same_arrays_other_seed_differs(
    tmp_path: Path, samples: dict[str, list[Path]]
) -> None:
    again = generate(tmp_path / "again", release="2025", n_events=N, seed=11)
    other = generate(tmp_path / "other", release="2025", n_events=N, seed=12)
    for a, b, c in zip(samples["2025"], again, other, strict=True):
        ta, tb, tc = (uproot.open(p)["analysis"].arrays() for p in (a, b, c))
        assert ak.all(ta.lep_pt == tb.lep_pt) and ak.all(ta.mcWeight == tb.mcWeight)
        assert not ak.all(ak.flatten(ta.lep_pt)[:10] == ak.flatten(tc.lep_pt)[:10])


def test_both_schemas_give_the_same_physics(samples: dict[str, list[Path]]) -> None:
    a = open_dataset(samples["2025"]).read_all()
    b = open_dataset(samples["2020"]).read_all()
    assert len(a) == len(b) and ak.all(a.event == b.event)  # same processes, same file order
    la, lb = a.leptons, b.leptons
    for f in ("pt", "eta", "phi", "e", "ptcone30", "etcone20", "z0", "d0"):
        x = ak.to_numpy(ak.flatten(la[f]))
        y = ak.to_numpy(ak.flatten(lb[f]))
        assert np.allclose(x, y, rtol=1e-5, atol=1e-5), f
    for f in ("charge", "flavour", "id_tight", "trig_matched"):
        assert ak.all(la[f] == lb[f]), f
    assert np.allclose(
        ak.to_numpy(ak.flatten(abs(la.d0sig))), ak.to_numpy(ak.flatten(lb.d0sig)), rtol=1e-6
    )


def test_2025_order_is_grouped_not_pt(samples: dict[str, list[Path]]) -> None:
    raw = uproot.open(samples["2025"][0])["analysis"].arrays(["lep_type", "lep_pt"])
    assert ak.all(raw.lep_type[:, :-1] <= raw.lep_type[:, 1:])  # electrons first, then muons
    assert ak.any(ak.any(raw.lep_pt[:, :-1] < raw.lep_pt[:, 1:], axis=1))
    raw20 = uproot.open(samples["2020"][0])["mini"].arrays(["lep_pt"])
    assert ak.all(raw20.lep_pt[:, :-1] >= raw20.lep_pt[:, 1:])


def test_signal_physics(events2025: ak.Array) -> None:
    sig = events2025[events2025.channel_number == 345060]
    lep = sig.leptons[ak.num(sig.leptons) == 4]  # without the occasional extra fake lepton
    assert len(lep) > 0.9 * len(sig)
    n_e = ak.to_numpy(ak.sum(lep.flavour == 11, axis=1))
    frac = np.bincount(n_e, minlength=5) / len(n_e)
    assert frac[1] == frac[3] == 0 and abs(frac[4] - 0.25) < 0.03 and abs(frac[2] - 0.5) < 0.03
    assert ak.all(ak.sum(lep.charge, axis=1) == 0)
    m4l = ak.to_numpy((lep[:, 0] + lep[:, 1] + lep[:, 2] + lep[:, 3]).mass)
    assert abs(np.median(m4l) - 125.0) < 1.0 and np.mean(np.abs(m4l - 125) < 5) > 0.85
    n5 = np.mean(ak.to_numpy(ak.num(events2025.leptons)) == 5)
    assert 0.02 < n5 < 0.08


def test_fakes_are_not_isolated_and_often_displaced(events2025: ak.Array) -> None:
    zjets = events2025[events2025.channel_number == 700320]
    sig = events2025[events2025.channel_number == 345060]

    def fail_rate(ev: ak.Array) -> tuple[float, float]:
        lep = ev.leptons
        iso = ak.to_numpy(ak.flatten(lep.ptcone30 / lep.pt > 0.15))
        ip = ak.to_numpy(ak.flatten(abs(lep.d0sig) > 5))
        return float(iso.mean()), float(ip.mean())

    (iso_s, ip_s), (iso_z, ip_z) = fail_rate(sig), fail_rate(zjets)
    assert iso_s < 0.05 and iso_z > 0.2 and ip_z > 5 * max(ip_s, 1e-3)


def test_weights_normalised_to_luminosity(events2025: ak.Array) -> None:
    for name, proc in PROCESSES.items():
        ev = events2025[events2025.channel_number == proc.dsid_2025]
        expected = proc.xsec_pb * proc.kfac * proc.filteff * LUMI_2025_PB * proc.skim_eff
        assert abs(ak.sum(ev.weight) / expected - 1) < 0.1, name
        assert not ak.any(ev.is_data)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"release": "2019"}, "releases 2025 and 2020"),
        ({"processes": ("Higgs",)}, "unknown process"),
        ({"n_events": 2}, "at least 4"),
    ],
)
def test_bad_arguments(tmp_path: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        generate(tmp_path, **{"n_events": 100, **kwargs})


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32 - 1), release=st.sampled_from(["2025", "2020"]), n=st.integers(4, 300)
)
def test_round_trip_invariants(tmp_path: Path, seed: int, release: str, n: int) -> None:
    """Whatever the seed and size: the reader gives back exactly what the files hold."""
    paths = generate(tmp_path / f"{release}_{seed}_{n}", release=release, n_events=n, seed=seed)
    ds = open_dataset(paths)
    ev = ds.read_all()
    tree = "analysis" if release == "2025" else "mini"
    lep_n = np.concatenate([uproot.open(p)[tree]["lep_n"].array(library="np") for p in paths])
    assert len(ev) == n == ds.n_events and np.array_equal(ak.to_numpy(ak.num(ev.leptons)), lep_n)
    lep = ev.leptons
    assert ak.all(lep.pt[:, :-1] >= lep.pt[:, 1:]) and ak.all(abs(lep.charge) == 1)
    assert ak.all((lep.flavour == 11) | (lep.flavour == 13))
    assert ak.all(ak.sort(lep.index, axis=1) == ak.local_index(lep.index, axis=1))
    assert ak.all(ak.num(ev.electrons) == ak.sum(lep.flavour == 11, axis=1))
    assert ak.all(lep.e >= lep.pt * 0.999) and np.all(np.isfinite(ak.to_numpy(ev.weight)))


def _truth_m4l(process: str, n: int, seed: int = 5) -> np.ndarray:
    from pipeline.data.synthetic_physics import GENERATORS

    truth = GENERATORS[process](np.random.default_rng(seed), n)
    p = truth.p4[:, :4].sum(axis=1)
    return np.sqrt(np.maximum(p[:, 0] ** 2 - (p[:, 1:] ** 2).sum(-1), 0))


def test_zz_shape_is_a_z_peak_and_a_falling_continuum() -> None:
    """qq -> ZZ(*) -> 4l: the Z -> 4l peak at 91 GeV, a continuum falling from it through 120-170
    GeV (it was flat from 100 to 182 GeV), and the on-shell pairs above the ZZ threshold."""
    m = _truth_m4l("ZZ", 100_000)

    def density(lo: float, hi: float) -> float:
        return float(np.mean((m > lo) & (m < hi)) / (hi - lo))

    assert density(87, 95) > 4 * density(100, 110)  # the Z peak stands out
    assert abs(np.median(m[(m > 80) & (m < 100)]) - 91.2) < 1.5
    bands = [density(lo, lo + 15) for lo in (110, 125, 140, 155)]
    assert all(a > 1.15 * b for a, b in zip(bands, bands[1:], strict=False)), bands  # falling
    assert np.mean(m > 182) > 0.5 and density(190, 200) > density(165, 180)  # the on-shell rise


@pytest.mark.parametrize("release", ["2020", "2025"])
def test_same_seed_same_bytes_anywhere(tmp_path: Path, release: str) -> None:
    """A re-run elsewhere gets the same file bytes (ROOT's UUID, times and file name are fixed)."""
    first = generate(tmp_path / "a", release=release, n_events=400, processes=["ggH125_ZZ4lep"])
    again = generate(tmp_path / "b", release=release, n_events=400, processes=["ggH125_ZZ4lep"])
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]  # no staging left


def test_a_process_named_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="more than once"):
        generate(tmp_path / "out", release="2020", n_events=40, processes=["ZZ", "ZZ"])
    assert not (tmp_path / "out").exists()

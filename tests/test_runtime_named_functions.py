"""Functions added for the vocabulary of ADL/CutLang files (rapidity, pz, delta_eta, mean, step,
MT2), each against independent code: vector, plain loops, a brute-force minimisation."""

from __future__ import annotations

import math

import awkward as ak
import numpy as np
import pytest
import vector
from conftest import shared_path

import pipeline.runtime.lang as rt
from pipeline.data import open_dataset
from pipeline.runtime.objects import flat_objects
from pipeline.runtime.selection import EventState

NANOAOD = ("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")


@pytest.fixture(scope="module")
def events() -> ak.Array:
    return open_dataset([shared_path(*NANOAOD)]).read_all()


def test_rapidity_and_pz_against_vector(events: ak.Array) -> None:
    jets = events.jets
    f64 = {n: ak.values_astype(jets[n], np.float64) for n in ("pt", "eta", "phi", "e")}
    vec = vector.zip({"pt": f64["pt"], "eta": f64["eta"], "phi": f64["phi"], "energy": f64["e"]})
    for got, expected in ((rt.rapidity(jets), vec.rapidity), (rt.pz(jets), vec.pz)):
        assert ak.to_list(ak.num(got)) == ak.to_list(ak.num(expected))
        assert np.allclose(ak.flatten(got), ak.flatten(expected), rtol=1e-4, atol=1e-4)
    # the same numbers on the flat columns an object cut runs on
    flat = flat_objects(jets)
    assert np.allclose(rt.rapidity(flat), ak.to_numpy(ak.flatten(vec.rapidity)), atol=1e-4)
    # rapidity is below |eta| for massive jets, equal for massless ones
    assert ak.all(abs(ak.flatten(rt.rapidity(jets))) <= abs(ak.flatten(jets.eta)) + 1e-5)


def test_delta_eta_mean_and_step_against_loops(events: ak.Array) -> None:
    jets = events.jets
    got = rt.delta_eta(rt.nth(jets, 0), rt.nth(jets, 1))
    etas = ak.to_list(jets.eta)
    expected = [abs(e[0] - e[1]) if len(e) > 1 else None for e in etas]
    assert [None if g is None else pytest.approx(g) for g in ak.to_list(got)] == [
        None if x is None else pytest.approx(x) for x in expected
    ]
    means = ak.to_list(rt.mean(jets.pt))
    for m, pts in zip(means, ak.to_list(jets.pt), strict=True):
        if pts:
            assert m == pytest.approx(sum(pts) / len(pts))
        else:
            assert math.isnan(m)  # an empty list has no mean: every comparison fails
    assert ak.to_list(rt.step(np.array([-1.0, 0.0, 2.5]))) == [0.0, 1.0, 1.0]
    met = ak.to_numpy(events.met)
    assert np.array_equal(rt.step(met - 30), (met >= 30).astype(float))


def _mt2_brute(vis_a: tuple, vis_b: tuple, miss: tuple, m_inv: float) -> float:
    """min over splits q1 + q2 = missing pT of max(mT(a, q1), mT(b, q2)), on a refined grid
    (each mT^2 is convex in q, so is their maximum: the grid search finds the minimum)."""
    (ma, ax, ay), (mb, bx, by), (mx, my) = vis_a, vis_b, miss

    def mt2_sq(m: float, px: float, py: float, qx: np.ndarray, qy: np.ndarray) -> np.ndarray:
        et_vis = math.sqrt(m * m + px * px + py * py)
        et_inv = np.sqrt(m_inv * m_inv + qx * qx + qy * qy)
        return m * m + m_inv * m_inv + 2 * (et_vis * et_inv - px * qx - py * qy)

    centre = np.array([mx / 2, my / 2])
    half = 2 * (abs(mx) + abs(my) + abs(ax) + abs(ay) + abs(bx) + abs(by)) + 10
    best = math.inf
    for _ in range(40):
        g = np.linspace(-half, half, 81)
        qx, qy = np.meshgrid(centre[0] + g, centre[1] + g)
        value = np.maximum(mt2_sq(ma, ax, ay, qx, qy), mt2_sq(mb, bx, by, mx - qx, my - qy))
        i = np.unravel_index(np.argmin(value), value.shape)
        best = min(best, float(value[i]))
        centre = np.array([qx[i], qy[i]])
        half *= 0.25
    return math.sqrt(best)


def _objects(rows: list[tuple[float, float, float, float]]) -> ak.Array:
    """One object per event from (mass, px, py, pz)."""
    m, px, py, pz = (np.array(c, dtype=np.float64) for c in zip(*rows, strict=True))
    v = vector.zip({"px": px, "py": py, "pz": pz, "mass": m})
    return ak.zip({"pt": v.pt, "eta": v.eta, "phi": v.phi, "e": v.energy}, with_name="Momentum4D")


def test_mt2_against_a_brute_force_minimisation() -> None:
    rng = np.random.default_rng(7)
    n = 12
    vis_a = [(rng.uniform(0, 20), *rng.normal(0, 80, 2), rng.normal(0, 50)) for _ in range(n)]
    vis_b = [(rng.uniform(0, 20), *rng.normal(0, 80, 2), rng.normal(0, 50)) for _ in range(n)]
    met = rng.uniform(10, 200, n)
    met_phi = rng.uniform(-math.pi, math.pi, n)
    a, b = _objects(vis_a), _objects(vis_b)
    miss = EventState(ak.zip({"met": met, "met_phi": met_phi}))["met_vec"]
    for m_inv in (0.0, 50.0):
        got = rt.mt2(a, b, miss, m_inv)
        for i in range(n):
            expected = _mt2_brute(
                (vis_a[i][0], vis_a[i][1], vis_a[i][2]),
                (vis_b[i][0], vis_b[i][1], vis_b[i][2]),
                (met[i] * math.cos(met_phi[i]), met[i] * math.sin(met_phi[i])),
                m_inv,
            )
            assert got[i] == pytest.approx(expected, rel=1e-4), (i, m_inv)


def test_mt2_is_nan_where_an_object_is_missing(events: ak.Array) -> None:
    met = EventState(events)["met_vec"]
    got = rt.mt2(rt.nth(events.jets, 0), rt.nth(events.jets, 1), met)
    has_two = ak.to_numpy(ak.num(events.jets) >= 2)
    assert np.isnan(got[~has_two]).all()
    assert (got[has_two] >= 0).all()
    with pytest.raises(ValueError, match="one object per event"):
        rt.mt2(events.jets, rt.nth(events.jets, 1), met)

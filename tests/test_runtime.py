"""The selection-language functions on small hand-built events, at several list depths."""

from __future__ import annotations

import math

import awkward as ak
import numpy as np
import pytest

from pipeline.runtime import FUNCTIONS as F
from pipeline.runtime import CutflowCounter, EventState, best_candidate_mask, merge
from pipeline.runtime.candidates import to_awkward


def lepton(pt: float, eta: float, phi: float, flavour: int, charge: int, mass: float = 0.0) -> dict:
    p = pt * math.cosh(eta)
    return {
        "pt": pt,
        "eta": eta,
        "phi": phi,
        "e": math.sqrt(p * p + mass * mass),
        "flavour": flavour,
        "charge": charge,
    }


@pytest.fixture
def four_electrons() -> ak.Array:
    leps = [
        lepton(50, 0.1, 0.0, 11, 1),
        lepton(40, -0.5, 2.0, 11, -1),
        lepton(30, 0.3, -2.0, 11, 1),
        lepton(20, 1.0, 1.0, 11, -1),
    ]
    return ak.Array([leps, leps[:2], []])


def test_quadruplets_two_pairings_per_four_same_flavour_leptons(four_electrons: ak.Array) -> None:
    quads = F["quadruplets"](four_electrons)
    assert F["count"](quads).tolist() == [2, 0, 0]
    m1, m2 = F["mass"](F["z1"](quads)), F["mass"](F["z2"](quads))
    # z1 is the pair closer to the Z mass in every candidate
    assert ak.all(to_awkward(abs(m1 - 91.1876) <= abs(m2 - 91.1876)))
    # the four-lepton mass is the same for both pairings
    m4l = F["mass"](quads)
    assert m4l[0, 0] == pytest.approx(m4l[0, 1])


def test_mass_matches_direct_four_vector_sum() -> None:
    a, b = lepton(45, 0.2, 0.1, 13, 1, 0.1057), lepton(40, -0.4, 2.9, 13, -1, 0.1057)
    arr = ak.Array([[a, b]])
    px = sum(x["pt"] * math.cos(x["phi"]) for x in (a, b))
    py = sum(x["pt"] * math.sin(x["phi"]) for x in (a, b))
    pz = sum(x["pt"] * math.sinh(x["eta"]) for x in (a, b))
    e = a["e"] + b["e"]
    expected = math.sqrt(e * e - px * px - py * py - pz * pz)
    pair = F["pairs"](arr)
    assert F["mass"](pair)[0, 0] == pytest.approx(expected)
    assert F["mass"](F["first"](pair), F["second"](pair))[0, 0] == pytest.approx(expected)
    assert F["pt_of"](pair)[0, 0] == pytest.approx(math.hypot(px, py))


def test_functions_work_on_nested_lists(four_electrons: ak.Array) -> None:
    quads = F["quadruplets"](four_electrons)
    leps = F["constituents"](quads)
    assert leps.ndim == 3
    pts = F["pt"](leps)
    assert pts[0, 0].tolist() == [50, 40, 30, 20]  # sorted by decreasing pt
    assert F["nth"](pts, 0).tolist() == [[50, 50], [], []]
    assert F["count"](F["pairs"](leps)).tolist() == [[6, 6], [], []]
    assert F["all"](F["mass"](F["sfos_pairs"](leps)) > 5).tolist() == [[True, True], [], []]
    dr = F["delta_r"](F["pairs"](leps))
    assert ak.all(to_awkward(dr > 0))
    assert F["channel"](quads).tolist() == [[0, 0], [], []]


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("sum", [[1.0, 2.0], []], [3.0, 0.0]),
        ("any", [[False, True], []], [True, False]),
        ("all", [[False, True], []], [False, True]),
        ("min_of", [[3.0, 1.0], []], [1.0, math.inf]),
        ("max_of", [[3.0, 1.0], []], [3.0, -math.inf]),
        ("sort_desc", [[1.0, 3.0, 2.0], []], [[3.0, 2.0, 1.0], []]),
    ],
)
def test_reductions_and_empty_lists(name: str, values: list, expected: list) -> None:
    assert F[name](ak.Array(values)).tolist() == expected


def test_nth_missing_is_nan_and_fails_comparisons() -> None:
    out = F["nth"](ak.Array([[5.0], []]), 1)
    assert np.isnan(ak.to_numpy(out)).all()
    assert not ak.any(out > 0)


def test_interp_is_constant_beyond_the_ends() -> None:
    x = ak.Array([[100.0, 140.0, 165.0, 190.0, 300.0]])
    assert F["interp"](x, [140, 190], [12, 50]).tolist() == [[12.0, 12.0, 31.0, 50.0, 50.0]]


def test_delta_phi_wraps() -> None:
    a = ak.Array([{"pt": 1.0, "eta": 0.0, "phi": 3.0, "e": 1.0}])
    b = ak.Array([{"pt": 1.0, "eta": 0.0, "phi": -3.0, "e": 1.0}])
    assert F["delta_phi"](a, b)[0] == pytest.approx(2 * math.pi - 6.0)


def test_min_max_take_several_arguments() -> None:
    assert F["min"](ak.Array([3.0]), 2.0, ak.Array([5.0])).tolist() == [2.0]
    assert F["max"](1.0, ak.Array([[0.0, 4.0]])).tolist() == [[1.0, 4.0]]


def test_best_candidate_is_lexicographic_with_first_on_ties() -> None:
    k1 = ak.Array([[1.0, 0.5, 0.5], [2.0]])
    k2 = ak.Array([[0.0, 3.0, 1.0], [1.0]])
    assert best_candidate_mask([k1, k2]).tolist() == [[False, False, True], [True]]
    assert best_candidate_mask([ak.Array([[1.0, 1.0]])]).tolist() == [[True, False]]


def test_event_state_narrows_candidates_and_events(four_electrons: ak.Array) -> None:
    events = ak.zip({"run": [1, 1, 1], "event": [1, 2, 3], "weight": [1.0, 2.0, 3.0]})
    v = EventState(events)
    v["quads"] = F["quadruplets"](four_electrons)
    v.define_candidates("quads", "m12", F["mass"](F["z1"](v["quads"])))
    flow = CutflowCounter()
    for step in ("all", "quad", "m12"):
        flow.declare(step)
    flow.record("all", v)
    v.keep_events(F["count"](v["quads"]) > 0)
    flow.record("quad", v)
    v.keep_candidates("quads", v["m12"] > 1e6)
    flow.record("m12", v)
    assert [(s.raw, s.weighted) for s in flow.steps()] == [(3, 6.0), (1, 1.0), (0, 0.0)]


def test_merge_sorts_by_pt_and_keeps_common_fields() -> None:
    el = ak.Array([[{"pt": 10.0, "eta": 0.0, "phi": 0.0, "e": 10.0, "flavour": 11, "z0": 0.1}]])
    mu = ak.Array([[{"pt": 20.0, "eta": 0.0, "phi": 0.0, "e": 20.0, "flavour": 13}]])
    out = merge(el, mu)
    assert out["pt"].tolist() == [[20.0, 10.0]]
    assert "z0" not in ak.fields(out)

"""Missing momentum, sums, combinations, relations between collections and named variables,
against independent code (vector, plain numpy loops) and worked examples."""

from __future__ import annotations

import math

import awkward as ak
import numpy as np
import pytest
import vector
from conftest import shared_path

import pipeline.runtime.lang as rt
from pipeline.data import open_dataset
from pipeline.runtime.objects import constituents, flat_objects
from pipeline.runtime.razor import alpha_t, megajets, razor_mr, razor_mtr, razor_r2
from pipeline.runtime.selection import EventState

NANOAOD = ("data", "skhep", "nanoAOD_2015_CMS_Open_Data_ttbar.root")


@pytest.fixture(scope="module")
def events() -> ak.Array:
    return open_dataset([shared_path(*NANOAOD)]).read_all()


def _vec(objs: ak.Array) -> ak.Array:
    """vector's Lorentz vectors in double precision (the file is float32; masses of sums need
    doubles)."""
    f64 = {name: ak.values_astype(objs[name], np.float64) for name in ("pt", "eta", "phi", "e")}
    return vector.zip({"pt": f64["pt"], "eta": f64["eta"], "phi": f64["phi"], "energy": f64["e"]})


def test_met_vec_mt_and_delta_phi_against_vector(events: ak.Array) -> None:
    met = EventState(events)["met_vec"]
    assert np.allclose(ak.to_numpy(met.pt), ak.to_numpy(events.met))
    metv = vector.zip({"pt": events.met, "phi": events.met_phi})
    lead = ak.firsts(events.jets)
    jv = vector.zip({"pt": lead.pt, "phi": lead.phi})
    expected = abs(jv.deltaphi(metv))
    got = rt.delta_phi(rt.nth(events.jets, 0), met)
    assert ak.all(ak.is_none(got) == ak.is_none(expected))
    assert np.allclose(ak.to_numpy(ak.fill_none(got, 0)), ak.to_numpy(ak.fill_none(expected, 0)))
    muon = ak.firsts(events.muons)
    mt_expected = np.sqrt(2 * muon.pt * events.met * (1 - np.cos(muon.phi - events.met_phi)))
    assert ak.to_list(ak.fill_none(rt.mt(rt.nth(events.muons, 0), met), -1)) == pytest.approx(
        ak.to_list(ak.fill_none(mt_expected, -1))
    )
    # min over the four leading jets, +inf without jets
    dphi = [
        min((abs((p - f + math.pi) % (2 * math.pi) - math.pi) for p in phis[:4]), default=math.inf)
        for phis, f in zip(ak.to_list(events.jets.phi), ak.to_list(events.met_phi), strict=True)
    ]
    assert ak.to_list(rt.min_of(rt.delta_phi(rt.first_n(events.jets, 4), met))) == pytest.approx(
        dphi
    )


def test_sums_against_vector(events: ak.Array) -> None:
    jets = events.jets
    assert ak.to_list(rt.ht(jets)) == pytest.approx(ak.to_list(ak.sum(jets.pt, axis=1)))
    total = ak.sum(_vec(jets), axis=1)
    px, py = ak.sum(jets.pt * np.cos(jets.phi), axis=1), ak.sum(jets.pt * np.sin(jets.phi), axis=1)
    assert ak.to_list(rt.pt(rt.mht(jets))) == pytest.approx(ak.to_list(np.hypot(px, py)))
    assert ak.to_list(rt.phi(rt.mht(jets))) == pytest.approx(
        ak.to_list(np.arctan2(-py, -px)), abs=1e-5
    )  # float32 input
    has = ak.num(jets) > 0
    # vector gives -sqrt(-m2) for a slightly spacelike sum; the language clips m2 at 0
    expected = np.maximum(total.mass[has], 0.0)
    assert ak.to_list(rt.mass(rt.vector_sum(jets))[has]) == pytest.approx(
        ak.to_list(expected), rel=1e-6, abs=1e-6
    )


def test_trijet_closest_to_top_mass_against_vector(events: ak.Array) -> None:
    jets = events.jets
    tri = rt.combinations(jets, 3)
    top = rt.best_of(tri, abs(rt.mass(tri) - 172.5))
    trio = ak.combinations(_vec(jets), 3, fields=["a", "b", "c"])
    btag = ak.combinations(jets.btag, 3, fields=["a", "b", "c"])
    sums = trio.a + trio.b + trio.c
    best = ak.argmin(abs(sums.mass - 172.5), axis=1, keepdims=True)
    assert ak.to_list(rt.pt_of(top)) == pytest.approx(
        ak.to_list(ak.firsts(sums[best].pt)), nan_ok=True
    )
    chosen = btag[best]
    expected = ak.firsts(np.maximum(np.maximum(chosen.a, chosen.b), chosen.c))
    got = rt.max_of(rt.btag(top))
    three = ak.num(jets) >= 3
    assert ak.to_list(got[three]) == pytest.approx(ak.to_list(expected[three]))


def test_overlap_removal_and_others(events: ak.Array) -> None:
    jets, leptons = events.jets, events.leptons
    got = ak.to_list(rt.min_delta_r(jets, leptons))
    for jet_list, lep_list, row in zip(ak.to_list(jets), ak.to_list(leptons), got, strict=True):
        for jet, value in zip(jet_list, row, strict=True):
            drs = [
                math.hypot(
                    jet["eta"] - lep["eta"],
                    abs((jet["phi"] - lep["phi"] + math.pi) % (2 * math.pi) - math.pi),
                )
                for lep in lep_list
            ]
            assert value == pytest.approx(min(drs, default=math.inf))
    pairs = rt.sfos_pairs(leptons)
    z = rt.best_of(pairs, abs(rt.mass(pairs) - 91.2))
    rest = rt.others(leptons, z)
    has_z = ~ak.is_none(z)
    assert ak.all(rt.count(rest)[has_z] == rt.count(leptons)[has_z] - 2)
    assert ak.all(rt.count(rest)[~has_z] == rt.count(leptons)[~has_z])


def _objects(rows: list[list[tuple[float, float, float, float]]]) -> ak.Array:
    """Objects from (px, py, pz, E) rows."""
    out = []
    for row in rows:
        objs = []
        for px, py, pz, e in row:
            pt = math.hypot(px, py)
            objs.append({"pt": pt, "eta": math.asinh(pz / pt), "phi": math.atan2(py, px), "e": e})
        out.append(objs)
    return ak.Array(out)


def test_razor_worked_example() -> None:
    # two back-to-back massless jets of 100 GeV along x, with pz = +-50: each megajet is one jet
    jets = _objects(
        [[(100.0, 0.0, 50.0, math.hypot(100, 50)), (-100.0, 0.0, -50.0, math.hypot(100, 50))]]
    )
    mega = megajets(jets)
    assert ak.num(mega).tolist() == [2]
    e = 2 * math.hypot(100, 50)
    assert razor_mr(mega)[0] == pytest.approx(e)  # pz cancels: M_R = E1 + E2
    met = ak.Array([{"pt": 40.0, "eta": 0.0, "phi": math.pi / 2, "e": 40.0}])
    # MET perpendicular to the jets: M_T^R = sqrt(40 * 200 / 2)
    assert razor_mtr(mega, met)[0] == pytest.approx(math.sqrt(40 * 200 / 2))
    assert razor_r2(mega, met)[0] == pytest.approx(40 * 200 / 2 / e**2)


def test_megajets_minimise_the_summed_squared_masses() -> None:
    # three jets: two nearly collinear ones belong together against the third
    rows = [(50.0, 5.0, 0.0, 50.3), (60.0, -5.0, 0.0, 60.3), (-110.0, 0.0, 10.0, 110.5)]
    mega = megajets(_objects([rows]))
    masses = sorted(ak.to_list(rt.mass(mega[0])))
    best = math.inf
    vecs = np.array(rows)
    for mask in range(1, 4):
        a = vecs[[i for i in range(3) if mask >> i & 1]].sum(axis=0)
        b = vecs.sum(axis=0) - a
        cost = sum(v[3] ** 2 - v[0] ** 2 - v[1] ** 2 - v[2] ** 2 for v in (a, b))
        best = min(best, cost)
    assert sum(m**2 for m in masses) == pytest.approx(best, rel=1e-6)
    assert ak.num(megajets(_objects([rows[:1]]))).tolist() == [0]  # one jet: no megajets


def test_alpha_t_worked_examples() -> None:
    # balanced dijet: Delta HT = 0, MHT = 0 -> alpha_T = 0.5
    two = _objects([[(100.0, 0.0, 0.0, 100.0), (-100.0, 0.0, 0.0, 100.0)]])
    assert alpha_t(two)[0] == pytest.approx(0.5)
    # 100 GeV against 60 GeV back to back: HT 160, Delta HT 40, MHT 40
    # -> 0.5 * 120 / sqrt(160^2 - 40^2)
    unbalanced = _objects([[(100.0, 0.0, 0.0, 100.0), (-60.0, 0.0, 0.0, 60.0)]])
    assert alpha_t(unbalanced)[0] == pytest.approx(0.5 * 120 / math.sqrt(160**2 - 40**2))
    assert math.isnan(alpha_t(_objects([[(10.0, 0.0, 0.0, 10.0)]]))[0])


def test_others_in_cone_worked_example() -> None:
    """Three objects: the first two 0.1 apart, the third far away; a candidate list of two."""
    a, b, far = (
        {"pt": pt, "eta": eta, "phi": 0.0, "e": pt} for pt, eta in ((10, 0), (20, 0.1), (5, 2))
    )
    lists = ak.Array([[a, b, far], [], [a, b]])
    assert rt.FUNCTIONS["others_in_cone"](lists, 0.3).tolist() == [[20, 10, 0], [], [20, 10]]
    assert rt.FUNCTIONS["others_in_cone"](lists, 0.05).tolist() == [[0, 0, 0], [], [0, 0]]
    ones = ak.ones_like(lists["pt"])
    assert rt.FUNCTIONS["others_in_cone"](lists, 5.0, ones).tolist() == [[2, 2, 2], [], [1, 1]]
    # one radius per object (a variable cone): only the first object's cone reaches the second
    radius = ak.Array([[0.3, 0.05, 0.3], [], [0.3, 0.05]])
    assert rt.FUNCTIONS["others_in_cone"](lists, radius).tolist() == [[20, 0, 0], [], [20, 0]]


def test_others_in_cone_against_a_loop(events: ak.Array) -> None:
    """On the NanoAOD jets: the sum over the other jets within 0.8, by plain loops."""
    jets = events["jets"]
    got = ak.to_list(rt.FUNCTIONS["others_in_cone"](jets, 0.8))
    for event, sums in zip(ak.to_list(jets), got, strict=True):
        for i, ji in enumerate(event):
            want = 0.0
            for j, jj in enumerate(event):
                dphi = (ji["phi"] - jj["phi"] + math.pi) % (2 * math.pi) - math.pi
                if i != j and math.hypot(ji["eta"] - jj["eta"], dphi) < 0.8:
                    want += jj["pt"]
            assert sums[i] == pytest.approx(want, rel=1e-6)


def test_others_in_cone_refuses_one_object_per_event() -> None:
    """A flat array would pair every event with every other event (and grow as N**2)."""
    one = ak.Array([{"pt": 10.0, "eta": 0.0, "phi": 0.0, "e": 10.0}] * 3)
    with pytest.raises(ValueError, match="list of objects per event"):
        rt.FUNCTIONS["others_in_cone"](one, 0.3)


def _awkward_path(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Switch a flat-numpy shortcut of pipeline.runtime.kinematics off (the awkward code then)."""
    from pipeline.runtime import kinematics

    monkeypatch.setattr(kinematics, name, lambda *args: None)


def _same(a: ak.Array, b: ak.Array) -> bool:
    """Same structure and bit-identical numbers (NaN equal to NaN)."""
    return ak.to_list(ak.num(a, axis=-1)) == ak.to_list(ak.num(b, axis=-1)) and np.array_equal(
        ak.to_numpy(ak.flatten(a, axis=None)), ak.to_numpy(ak.flatten(b, axis=None)), equal_nan=True
    )


def test_flat_min_delta_r_gives_the_awkward_numbers(
    events: ak.Array, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jets against leptons (some events without either), against nothing, and as an object cut
    on flat columns (one number per object): the numbers of the awkward broadcast, bit for bit."""
    jets, leptons = events.jets, events.leptons
    cases = [(jets, leptons), (leptons, jets), (jets, leptons[:, :0]), (jets[:, :0], leptons)]
    fast = [rt.min_delta_r(a, b) for a, b in cases]
    objs = flat_objects(jets)
    flat = rt.min_delta_r(objs, leptons)
    kept = objs["pt"] > 30  # computed only for the objects still kept, +inf for the others
    some = rt.min_delta_r(objs.only(kept), leptons)
    _awkward_path(monkeypatch, "_min_delta_r_flat")
    for (a, b), got in zip(cases, fast, strict=True):
        assert _same(got, rt.min_delta_r(a, b))
    expected = ak.to_numpy(ak.flatten(rt.min_delta_r(jets, leptons)))
    assert np.array_equal(flat, expected)
    assert np.array_equal(some[kept], expected[kept]) and np.all(some[~kept] == np.inf)


def test_flat_others_keeps_the_objects_the_awkward_code_keeps(
    events: ak.Array, monkeypatch: pytest.MonkeyPatch
) -> None:
    leptons = events.leptons
    pairs = rt.sfos_pairs(leptons)
    z = rt.best_of(pairs, abs(rt.mass(pairs) - 91.2))  # None where an event has no pair
    lead = rt.nth(events.jets, 0)  # a jet matches no lepton: all stay
    fast = [rt.others(leptons, z), rt.others(leptons, rt.nth(leptons, 1)), rt.others(leptons, lead)]
    _awkward_path(monkeypatch, "_others_flat")
    slow = [rt.others(leptons, z), rt.others(leptons, rt.nth(leptons, 1)), rt.others(leptons, lead)]
    for got, expected in zip(fast, slow, strict=True):
        assert got.fields == expected.fields
        assert all(_same(got[f], expected[f]) for f in got.fields)


def test_combinations_carry_their_summed_four_vectors(events: ak.Array) -> None:
    """combinations() of events x objects is built from flat index arrays: the members and
    order of ak.combinations, each combination carrying its summed (px, py, pz, E) and mass,
    the numbers of summing the members (vectors.p4_sum) bit for bit."""
    jets = events.jets
    for k in (1, 2, 3, 4):
        tri = rt.combinations(jets, k)
        names = [f"_c{m}" for m in range(k)]
        bare = ak.combinations(jets, k, fields=names)  # members only: sums computed on reading
        assert {"_px", "_py", "_pz", "_e", "_mass"} <= set(ak.fields(tri))
        assert all(ak.to_list(tri[n]) == ak.to_list(bare[n]) for n in names)
        assert _same(rt.mass(tri), rt.mass(bare))
        assert _same(rt.pt_of(tri), rt.pt_of(bare))
    tri = rt.combinations(jets, 3)
    bare = ak.combinations(jets, 3, fields=["_c0", "_c1", "_c2"])
    top, top_bare = (rt.best_of(t, abs(rt.mass(t) - 172.5)) for t in (tri, bare))
    assert np.array_equal(
        ak.to_numpy(ak.fill_none(rt.pt_of(top), -1.0)),
        ak.to_numpy(ak.fill_none(rt.pt_of(top_bare), -1.0)),
    )
    # a field of the members of one composite per event, built from that field alone
    expected = constituents(top_bare)["btag"]
    got = rt.btag(top)
    assert ak.to_list(got) == ak.to_list(expected)

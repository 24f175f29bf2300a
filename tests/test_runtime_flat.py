"""The flat-numpy paths of the runtime against the plain awkward formulation they replace."""

from __future__ import annotations

import math

import awkward as ak
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.runtime import FUNCTIONS as F
from pipeline.runtime import objects as O
from pipeline.runtime.candidates import to_awkward
from pipeline.runtime.flat import FlatObjects, best_flat, on_flat
from pipeline.runtime.selection import best_candidate_mask

LEPTON = st.fixed_dictionaries(
    {
        "pt": st.sampled_from([5.0, 12.5, 20.0, 20.0, 33.0, 47.5]),  # repeats: ties in the pt sort
        "eta": st.floats(-2.5, 2.5),
        "phi": st.floats(-math.pi, math.pi),
        "flavour": st.sampled_from([11, 13]),
        "charge": st.sampled_from([-1, 1]),
    }
)
EVENTS = st.lists(st.lists(LEPTON, max_size=6), max_size=6)


def leptons(events: list[list[dict]]) -> ak.Array:
    rows = [[dict(lep, e=lep["pt"] * math.cosh(lep["eta"]) + 0.1) for lep in ev] for ev in events]
    typed = ak.Array([*rows, [dict(LEPTON_ZERO)]])  # one extra event fixes the record type
    return typed[:-1]


LEPTON_ZERO = {"pt": 1.0, "eta": 0.0, "phi": 0.0, "flavour": 11, "charge": 1, "e": 1.0}


def jagged_pairs(c: ak.Array, sfos: bool) -> ak.Array:
    i, j = ak.unzip(ak.argcombinations(c, 2, axis=-1))
    if sfos:
        keep = (c["flavour"][i] == c["flavour"][j]) & (c["charge"][i] * c["charge"][j] < 0)
        i, j = i[keep], j[keep]
    return ak.zip({"first": c[i], "second": c[j]}, depth_limit=c.ndim)


@settings(max_examples=40, deadline=None)
@given(events=EVENTS)
def test_flat_combinatorics_equal_the_awkward_ones(events: list[list[dict]]) -> None:
    c = leptons(events)
    quads = to_awkward(O.quadruplets(c))
    reference = O._quadruplets_jagged(c, O.Z_MASS)
    for path in (("z1", "first"), ("z1", "second"), ("z2", "first"), ("z2", "second")):
        got, want = quads[path[0]][path[1]], reference[path[0]][path[1]]
        assert ak.to_list(got["pt"]) == ak.to_list(want["pt"])
        assert ak.to_list(got["phi"]) == ak.to_list(want["phi"])
    assert ak.to_list(F["mass"](quads)) == ak.to_list(F["mass"](reference))
    # constituents remembered by the quadruplets = stacking and sorting the four members
    leps = to_awkward(F["constituents"](O.quadruplets(c)))
    members = [
        reference["z1"]["first"],
        reference["z1"]["second"],
        reference["z2"]["first"],
        reference["z2"]["second"],
    ]
    stacked = O.sorted_by_pt(ak.concatenate([m[..., np.newaxis] for m in members], axis=-1))
    assert ak.to_list(leps[["pt", "phi", "flavour"]]) == ak.to_list(
        stacked[["pt", "phi", "flavour"]]
    )
    # pairs at depth 2 and 3 (the constituents of each candidate)
    for x in (c, leps):
        for sfos, func in ((False, F["pairs"]), (True, F["sfos_pairs"])):
            got, want = to_awkward(func(x)), jagged_pairs(x, sfos)
            assert ak.to_list(got["first"]["phi"]) == ak.to_list(want["first"]["phi"])
            assert ak.to_list(got["second"]["pt"]) == ak.to_list(want["second"]["pt"])
            assert ak.to_list(F["mass"](got)) == ak.to_list(
                F["mass"](want["first"], want["second"])
            )


@settings(max_examples=30, deadline=None)
@given(events=EVENTS, cut=st.floats(0.0, 50.0))
def test_flat_object_selection_equals_a_jagged_mask(events: list[list[dict]], cut: float) -> None:
    c = leptons(events)
    flat = FlatObjects(c)
    kept = flat.select((flat["pt"] > cut) & (np.abs(flat["eta"]) < 2.0))
    assert ak.to_list(kept) == ak.to_list(c[(c["pt"] > cut) & (abs(c["eta"]) < 2.0)])
    assert len(O.every(flat)) == len(flat) == int(ak.sum(ak.num(c)))


@settings(max_examples=40, deadline=None)
@given(
    keys=st.lists(
        st.lists(
            st.tuples(
                st.sampled_from([0.0, 1.0, 2.0, np.inf, np.nan]),
                st.sampled_from([0.0, 1.0, np.nan]),
            ),
            max_size=4,
        ),
        max_size=5,
    )
)
def test_best_candidate_on_flat_numbers_equals_awkward(
    keys: list[list[tuple[float, float]]],
) -> None:
    k1 = ak.Array([[a for a, _ in ev] for ev in keys] + [[0.0]])[:-1]
    k2 = ak.Array([[b for _, b in ev] for ev in keys] + [[0.0]])[:-1]
    flat = best_flat([k1, k2])
    assert flat is not None
    # the awkward formulation, as best_candidate_mask computes it without the flat path
    alive = None
    for key in (k1, k2):
        masked = key if alive is None else ak.where(alive, key, np.inf)
        hit = masked == ak.min(masked, axis=-1, keepdims=True)
        alive = hit if alive is None else alive & hit
    index = ak.local_index(alive, axis=-1)
    want = index == ak.min(ak.where(alive, index, np.iinfo(np.int64).max), axis=-1, keepdims=True)
    assert ak.to_list(flat) == ak.to_list(want)
    assert ak.to_list(best_candidate_mask([k1, k2])) == ak.to_list(want)


def test_on_flat_falls_back_for_other_structures() -> None:
    a = ak.Array([[1.0, 2.0], [3.0]])
    b = ak.Array([[1.0], [2.0, 3.0]])
    assert ak.to_list(on_flat(np.add, a, a)) == [[2.0, 4.0], [6.0]]
    assert ak.to_list(on_flat(lambda x, y: x + y, a, 1.0)) == [[2.0, 3.0], [4.0]]
    with pytest.raises(
        ValueError
    ):  # different list lengths: awkward itself refuses to broadcast them
        on_flat(np.add, a, b)
    optional = ak.Array([[1.0, None], [3.0]])
    assert ak.to_list(on_flat(np.negative, optional)) == [[-1.0, None], [-3.0]]


@settings(max_examples=30, deadline=None)
@given(
    lists=st.lists(st.lists(st.lists(st.floats(-5, 5), max_size=4), max_size=3), max_size=4),
    index=st.integers(0, 4),
    single=st.booleans(),
)
def test_nth_on_flat_equals_padding(
    lists: list[list[list[float]]], index: int, single: bool
) -> None:
    x = ak.Array([*lists, [[0.0]]])[:-1]
    if single:
        x = ak.values_astype(x, np.float32)
    got = F["nth"](x, index)
    want = ak.fill_none(ak.pad_none(x, index + 1, axis=-1)[..., index], np.nan)
    assert str(got.type) == str(want.type)
    np.testing.assert_array_equal(
        ak.to_numpy(ak.flatten(got, axis=None)), ak.to_numpy(ak.flatten(want, axis=None))
    )


def test_flat_objects_indexed_with_a_mask_say_how_to_keep_objects() -> None:
    """A model's script wrote objs[objs["pt"] > 7] (demo trial 08 this session): numpy's
    'unhashable type' said nothing of what to do; the error now does."""
    flat = FlatObjects(ak.Array([[{"pt": 5.0}, {"pt": 9.0}], [{"pt": 8.0}]]))
    with pytest.raises(TypeError, match=r"objs.select\(keep\)"):
        flat[flat["pt"] > 7]
    assert ak.to_list(flat.select(flat["pt"] > 7)["pt"]) == [[9.0], [8.0]]

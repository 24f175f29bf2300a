"""Property tests of the runtime against plain-Python references."""

from __future__ import annotations

import itertools

import awkward as ak
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.runtime import FUNCTIONS as F
from pipeline.runtime import best_candidate_mask

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failures
@given(
    st.lists(finite, min_size=1, max_size=20),
    st.lists(
        st.tuples(st.integers(-1000, 1000), finite),
        min_size=2,
        max_size=5,
        unique_by=lambda p: p[0],
    ),
)
def test_interp_matches_numpy(xs: list[float], points: list[tuple[int, float]]) -> None:
    points = sorted(points)
    px, py = [p[0] for p in points], [p[1] for p in points]
    got = ak.to_numpy(F["interp"](ak.Array([xs]), px, py)[0])
    assert np.allclose(got, np.interp(xs, px, py), rtol=1e-9, atol=1e-6)


@settings(deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=6), max_size=8))
def test_best_candidate_is_the_lexicographic_minimum(events: list[list[tuple[int, int]]]) -> None:
    k1 = ak.Array([[float(a) for a, _ in ev] for ev in events])
    k2 = ak.Array([[float(b) for _, b in ev] for ev in events])
    mask = best_candidate_mask([k1, k2]).tolist()
    for ev, m in zip(events, mask, strict=True):
        assert sum(m) == (1 if ev else 0)
        if ev:
            assert m.index(True) == min(range(len(ev)), key=lambda i: (ev[i], i))


lepton = st.tuples(st.sampled_from([11, 13]), st.sampled_from([-1, 1]))


@settings(max_examples=60, deadline=None)
@given(st.lists(lepton, max_size=6))
def test_quadruplets_count_matches_brute_force(leps: list[tuple[int, int]]) -> None:
    records = [
        {"pt": 10.0 + i, "eta": 0.1 * i, "phi": 0.3 * i, "e": 20.0 + i, "flavour": f, "charge": q}
        for i, (f, q) in enumerate(leps)
    ]
    got = int(F["count"](F["quadruplets"](ak.Array([records])))[0]) if records else 0

    def sfos(i: int, j: int) -> bool:
        return leps[i][0] == leps[j][0] and leps[i][1] != leps[j][1]

    pairs = [p for p in itertools.combinations(range(len(leps)), 2) if sfos(*p)]
    expected = sum(1 for a, b in itertools.combinations(pairs, 2) if not set(a) & set(b))
    assert got == expected

"""Properties of the relations between collections on random events (hypothesis)."""

from __future__ import annotations

import math

import awkward as ak
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import pipeline.runtime.lang as rt

_OBJECT = st.builds(
    lambda pt, eta, phi, flavour, charge: {
        "pt": pt,
        "eta": eta,
        "phi": phi,
        "e": pt * math.cosh(eta) + 0.1,
        "flavour": flavour,
        "charge": charge,
    },
    st.floats(5, 200),
    st.floats(-2.5, 2.5),
    st.floats(-3.14, 3.14),
    st.sampled_from([11, 13]),
    st.sampled_from([-1, 1]),
)
# at least one object somewhere: an all-empty list has no record type (real files always have one)
_EVENTS = st.lists(
    st.lists(_OBJECT, max_size=5, unique_by=lambda o: o["pt"]), min_size=1, max_size=6
).filter(any)


@settings(max_examples=60, deadline=None)
@given(_EVENTS, st.integers(0, 6))
def test_first_n_keeps_the_leading_objects(events: list[list[dict]], n: int) -> None:  # type: ignore[type-arg]
    objs = ak.Array(events)
    kept = rt.first_n(objs, n)
    assert ak.to_list(rt.count(kept)) == [min(n, len(e)) for e in events]
    assert ak.to_list(rt.pt(kept)) == [[o["pt"] for o in e[:n]] for e in events]


@settings(max_examples=60, deadline=None)
@given(_EVENTS)
def test_others_removes_exactly_the_chosen_pair(events: list[list[dict]]) -> None:  # type: ignore[type-arg]
    objs = ak.Array(events)
    pairs = rt.pairs(objs)
    chosen = rt.best_of(pairs, rt.mass(pairs))
    rest = rt.others(objs, chosen)
    expected = [len(e) - 2 if len(e) >= 2 else len(e) for e in events]
    assert (
        ak.to_list(rt.count(rest)) == expected
    )  # objects of an event differ in pt: (pt, eta, phi) identify them


@settings(max_examples=60, deadline=None)
@given(_EVENTS, _EVENTS)
def test_min_delta_r_is_the_smallest_pairwise_distance(
    a_events: list[list[dict]], b_events: list[list[dict]]
) -> None:  # type: ignore[type-arg]
    size = min(len(a_events), len(b_events))
    assume(any(a_events[:size]) and any(b_events[:size]))
    a, b = ak.Array(a_events[:size]), ak.Array(b_events[:size])
    got = ak.to_list(rt.min_delta_r(a, b))
    for row, objs_a, objs_b in zip(got, a_events[:size], b_events[:size], strict=True):
        for value, x in zip(row, objs_a, strict=True):
            drs = [
                math.hypot(
                    x["eta"] - y["eta"],
                    abs((x["phi"] - y["phi"] + math.pi) % (2 * math.pi) - math.pi),
                )
                for y in objs_b
            ]
            assert math.isclose(value, min(drs, default=math.inf), abs_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(_EVENTS)
def test_sums_agree_with_their_definitions(events: list[list[dict]]) -> None:  # type: ignore[type-arg]
    objs = ak.Array(events)
    assert ak.to_list(rt.ht(objs)) == [math.fsum(o["pt"] for o in e) for e in events] or all(
        math.isclose(x, math.fsum(o["pt"] for o in e))
        for x, e in zip(ak.to_list(rt.ht(objs)), events, strict=True)
    )
    mht = ak.to_list(rt.pt(rt.mht(objs)))
    for value, e in zip(mht, events, strict=True):
        px = sum(o["pt"] * math.cos(o["phi"]) for o in e)
        py = sum(o["pt"] * math.sin(o["phi"]) for o in e)
        assert math.isclose(value, math.hypot(px, py), rel_tol=1e-9, abs_tol=1e-9)
    assert all(m >= 0 for m in ak.to_list(rt.mass(rt.vector_sum(objs))))

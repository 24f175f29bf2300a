"""Flat candidates (pipeline.runtime.candidates) against the awkward formulation they replace.

Every language function given flat candidates must return what it returns given the
same candidates as awkward arrays: the same values, bit for bit, and the same type.
The narrowing of an event state (candidate cuts, best candidate, event cuts) must
select the same candidates and rows either way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import awkward as ak
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.runtime import FUNCTIONS as F
from pipeline.runtime import isin
from pipeline.runtime import objects as O
from pipeline.runtime.analysis_run import AnalysisRun
from pipeline.runtime.candidates import Cands, to_awkward
from pipeline.runtime.selection import EventState, best_candidate_mask

LEPTON = st.fixed_dictionaries(
    {
        "pt": st.sampled_from(
            [5.0, 12.5, 20.0, 20.0, 33.0, 47.5, 60.25]
        ),  # repeats: ties in the pt sort
        "eta": st.floats(-2.5, 2.5),
        "phi": st.floats(-math.pi, math.pi),
        "flavour": st.sampled_from([11, 13]),
        "charge": st.sampled_from([-1, 1]),
        "ptcone30": st.sampled_from([0.0, 1.5, 4.0]),
        "calo_tagged": st.booleans(),
    }
)
EVENTS = st.lists(st.lists(LEPTON, max_size=7), max_size=7)


LEP = {
    "pt": 40.0,
    "eta": 0.1,
    "phi": 0.0,
    "flavour": 11,
    "charge": 1,
    "ptcone30": 0.0,
    "calo_tagged": False,
}


def leptons(events: list[list[dict]], single: bool) -> ak.Array:
    """Events x leptons; ``single``: the float fields in float32, as in the 2025 files."""
    rows = [[dict(lep, e=lep["pt"] * math.cosh(lep["eta"]) + 0.1) for lep in ev] for ev in events]
    zero = {
        "pt": 1.0,
        "eta": 0.0,
        "phi": 0.0,
        "flavour": 11,
        "charge": 1,
        "ptcone30": 0.0,
        "calo_tagged": False,
        "e": 1.0,
    }
    typed = ak.Array([*rows, [zero]])[:-1]  # one extra event fixes the record type
    if single:
        typed = ak.zip(
            {
                f: ak.values_astype(typed[f], np.float32)
                if f in ("pt", "eta", "phi", "e", "ptcone30")
                else typed[f]
                for f in ak.fields(typed)
            }
        )
    return typed


def same(got: Any, want: Any) -> None:
    got, want = to_awkward(got), to_awkward(want)
    if isinstance(got, np.ndarray) and isinstance(want, ak.Array):
        got = ak.Array(got)  # a reduction over each event's candidates: numpy, as event values are
    if isinstance(want, ak.Array):
        assert str(got.type) == str(want.type)
        assert ak.to_list(ak.nan_to_none(got)) == ak.to_list(ak.nan_to_none(want))  # NaN equals NaN
    else:
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))


def both(fn: Callable[..., Any], *args: Any) -> tuple[Any, Any]:
    """``fn`` on the flat arguments, and on the same arguments as awkward arrays."""
    return fn(*args), fn(*(to_awkward(a) for a in args))


# expressions of the H->4l selection list and other uses of every function, on the
# quadruplets q and their leptons l (the awkward side goes through awkward functions only)
EXPRESSIONS: dict[str, Callable[[Any, Any], Any]] = {
    "nth pt": lambda q, leps: F["nth"](F["pt"](leps), 0) > 20,
    "nth beyond": lambda q, leps: F["nth"](F["pt"](leps), 5),
    "sum bool": lambda q, leps: (
        F["sum"](F["calo_tagged"](leps)) + F["sum"](F["calo_tagged"](leps)) <= 1
    ),
    "sum float": lambda q, leps: F["sum"](F["pt"](leps)),
    "all where": lambda q, leps: F["all"](
        F["where"](F["calo_tagged"](leps), F["abs"](F["eta"](leps)) < 0.1, True)
    ),
    "m12": lambda q, leps: (50 < F["mass"](F["z1"](q))) & (F["mass"](F["z1"](q)) < 106),  # noqa: SIM300 - as compiled
    "m4l interp": lambda q, leps: (
        F["mass"](F["z2"](q)) > F["interp"](F["mass"](q), [140, 190], [12, 50])
    ),
    "delta_r": lambda q, leps: F["all"](
        F["delta_r"](F["pairs"](leps)) > F["where"](F["same_flavour"](F["pairs"](leps)), 0.1, 0.2)
    ),
    "jpsi": lambda q, leps: F["all"](F["mass"](F["sfos_pairs"](leps)) > 5),
    "sfos count": lambda q, leps: F["count"](F["sfos_pairs"](leps)),
    "sfos nth": lambda q, leps: F["nth"](F["mass"](F["sfos_pairs"](leps)), 1),
    "sfos min": lambda q, leps: F["min_of"](F["mass"](F["sfos_pairs"](leps))),
    "isolation": lambda q, leps: F["all"](
        F["ptcone30"](leps) / F["pt"](leps) < F["where"](F["flavour"](leps) == 13, 0.3, 0.2)
    ),
    "channel": lambda q, leps: F["channel"](q),
    "max of": lambda q, leps: F["max_of"](F["pt"](leps)),
    "any": lambda q, leps: F["any"](F["opposite_charge"](F["pairs"](leps))),
    "theta": lambda q, leps: F["theta"](leps),
    "pt_of": lambda q, leps: F["pt_of"](F["z1"](q)),
    "delta_phi": lambda q, leps: F["delta_phi"](F["first"](F["z1"](q)), F["second"](F["z2"](q))),
    "delta_r of pairs": lambda q, leps: F["delta_r"](F["z1"](q), F["z2"](q)),
    "mass of two": lambda q, leps: F["mass"](F["first"](F["z1"](q)), F["first"](F["z2"](q))),
    "min max": lambda q, leps: F["min"](F["mass"](F["z1"](q)), 80.0, F["mass"](F["z2"](q))),
    "sorted": lambda q, leps: F["pt"](F["sorted_by_pt"](leps)),
    "sort_desc": lambda q, leps: F["sort_desc"](F["eta"](leps)),
    "per event": lambda q, leps: F["count"](q),
    "any per event": lambda q, leps: F["any"](F["mass"](q) > 100),
    "min per event": lambda q, leps: F["min_of"](F["mass"](F["z1"](q))),
    "nth per event": lambda q, leps: F["nth"](F["mass"](q), 1),
    "isin": lambda q, leps: F["all"](isin(F["flavour"](leps), [11, 13])),
    "math": lambda q, leps: (
        F["sqrt"](F["abs"](-F["mass"](q))) + F["nth"](F["exp"](F["cos"](F["phi"](leps))), 0)
    ),
}


@settings(max_examples=15, deadline=None)
@given(events=EVENTS, single=st.booleans())
@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_flat_candidates_give_the_awkward_result(
    name: str, events: list[list[dict]], single: bool
) -> None:
    c = leptons(events, single)
    quads = O.quadruplets(c)
    assert isinstance(quads, Cands)
    reference = O._quadruplets_jagged(c, O.Z_MASS)
    same(quads["z1"]["first"]["pt"], reference["z1"]["first"]["pt"])
    expr = EXPRESSIONS[name]
    got = expr(quads, F["constituents"](quads))
    want = expr(reference, F["constituents"](reference))
    same(got, want)


@settings(max_examples=25, deadline=None)
@given(events=EVENTS)
def test_pairs_of_event_objects_are_flat_and_equal(events: list[list[dict]]) -> None:
    c = leptons(events, single=False)
    for func in (F["pairs"], F["sfos_pairs"]):
        flat = func(c)
        assert isinstance(flat, Cands)
        i, j = ak.unzip(ak.argcombinations(c, 2, axis=-1))
        if func is F["sfos_pairs"]:
            keep = (c["flavour"][i] == c["flavour"][j]) & (c["charge"][i] * c["charge"][j] < 0)
            i, j = i[keep], j[keep]
        same(F["mass"](flat), F["mass"](c[i], c[j]))
        same(F["count"](flat), ak.num(i, axis=-1))
        same(F["delta_r"](flat), F["delta_r"](c[i], c[j]))


def _narrowed(quads: Any, events: ak.Array) -> tuple[list, list, list]:
    """An event state through candidate cuts, a best-candidate choice and the output row."""
    v = EventState(events)
    v["quads"] = quads
    v.define_candidates("quads", "m12", F["mass"](F["z1"](v.cand("quads"))))
    v.define_candidates("quads", "m34", F["mass"](F["z2"](v.cand("quads"))))
    v.define_candidates("quads", "m4l", F["mass"](v.cand("quads")))
    v.keep_events(F["count"](v["quads"]) >= 1)
    v.keep_candidates("quads", v.cand("m12") > 20)
    v.keep_candidates("quads", v["weight"] < 6.5)  # an event value in a candidate cut
    v.keep_best("quads", [F["abs"](v.cand("m12") - 91.1876), F["abs"](v.cand("m34") - 91.1876)])
    run = AnalysisRun(
        producer="t",
        steps={},
        requires={},
        text_only={},
        provided=set(),
        observable="m4l",
        candidates="quads",
    )
    row = run._row(v)
    return (
        ak.to_list(v.events["event"]),
        row["channel"].tolist(),
        [x if not math.isnan(x) else None for x in row["m4l"].tolist()],
    )


@settings(max_examples=40, deadline=None)
@given(events=EVENTS)
def test_event_state_narrows_flat_candidates_as_awkward_ones(events: list[list[dict]]) -> None:
    c = leptons(events, single=True)
    n = len(c)
    table = ak.zip(
        {
            "event": np.arange(n),
            "run": np.ones(n, dtype=np.int64),
            "weight": np.arange(n, dtype=np.float64),
        }
    )
    flat = O.quadruplets(c)
    assert _narrowed(flat, table) == _narrowed(flat.to_awkward(), table)


def test_best_candidate_mask_of_flat_keys() -> None:
    c = leptons(
        [[dict(LEP, charge=(-1) ** k, pt=40.0 - k) for k in range(4)], [], [dict(LEP)]],
        single=False,
    )
    q = O.quadruplets(c)
    keys = [F["abs"](F["mass"](F["z1"](q)) - 91.1876), F["abs"](F["mass"](F["z2"](q)) - 91.1876)]
    flat = best_candidate_mask(keys)
    assert isinstance(flat, Cands)
    assert flat.tolist() == best_candidate_mask([k.to_awkward() for k in keys]).tolist()
    assert [sum(x) for x in flat.tolist()] == [1, 0, 0]


def test_mixed_operands_come_back_flat() -> None:
    c = leptons(
        [
            [
                {
                    "pt": 40.0,
                    "eta": 0.1,
                    "phi": 0.0,
                    "flavour": 11,
                    "charge": 1,
                    "ptcone30": 0.0,
                    "calo_tagged": False,
                },
                {
                    "pt": 30.0,
                    "eta": 0.2,
                    "phi": 1.0,
                    "flavour": 11,
                    "charge": -1,
                    "ptcone30": 0.0,
                    "calo_tagged": False,
                },
                {
                    "pt": 20.0,
                    "eta": 0.3,
                    "phi": 2.0,
                    "flavour": 13,
                    "charge": 1,
                    "ptcone30": 0.0,
                    "calo_tagged": False,
                },
                {
                    "pt": 10.0,
                    "eta": 0.4,
                    "phi": 3.0,
                    "flavour": 13,
                    "charge": -1,
                    "ptcone30": 0.0,
                    "calo_tagged": True,
                },
            ]
        ],
        single=False,
    )
    q = O.quadruplets(c)
    m = F["mass"](q)
    # an awkward or numpy operand on the left hands the operation to the flat value
    assert isinstance(ak.Array([100.0]) < m, Cands)
    assert isinstance(np.array([100.0]) < m, Cands)
    # awkward results of the same structure become flat again
    assert isinstance(F["sort_desc"](F["pt"](F["constituents"](q))), Cands)
    with pytest.raises(ValueError, match="ambiguous"):
        bool(m > 1)

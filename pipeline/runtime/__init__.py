"""Awkward implementations of every function of the selection language.

Compiled analyses import :data:`FUNCTIONS` names from here; each works at any list
depth (reductions act on the innermost list). See ``docs/selection-language.md``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from pipeline.runtime.kinematics import (
    best_of,
    combinations,
    first_n,
    ht,
    mct,
    met_vector,
    mht,
    min_delta_phi,
    min_delta_r,
    mt,
    others,
    others_in_cone,
    vector_sum,
)
from pipeline.runtime.objects import (
    CHANNEL_NAMES,
    channel,
    constituents,
    count,
    field,
    first,
    merge,
    opposite_charge,
    pairs,
    quadruplets,
    same_flavour,
    second,
    sfos_pairs,
    sorted_by_pt,
    z1,
    z2,
)
from pipeline.runtime.razor import alpha_t, megajets, mt2, razor_mr, razor_mtr, razor_r2
from pipeline.runtime.reduce import (
    MATH,
    all_,
    any_,
    interp,
    isin,
    max_of,
    mean,
    min_of,
    nth,
    sort_desc,
    sum_,
    where,
)
from pipeline.runtime.selection import CutflowCounter, EventState, best_candidate_mask
from pipeline.runtime.vectors import delta_eta, delta_phi, delta_r, mass, pt_of
from pipeline.selection.fields import COLLECTIONS, DERIVED_OBJECT_FIELDS

FIELD_NAMES: tuple[str, ...] = tuple(
    sorted(
        {name for fields in COLLECTIONS.values() for name in fields} | set(DERIVED_OBJECT_FIELDS)
    )
)

FUNCTIONS: dict[str, Any] = {
    **MATH,
    "where": where,
    "count": count,
    "sum": sum_,
    "any": any_,
    "all": all_,
    "min_of": min_of,
    "max_of": max_of,
    "nth": nth,
    "sort_desc": sort_desc,
    "sorted_by_pt": sorted_by_pt,
    "mass": mass,
    "pt_of": pt_of,
    "delta_r": delta_r,
    "delta_phi": delta_phi,
    "pairs": pairs,
    "sfos_pairs": sfos_pairs,
    "first": first,
    "second": second,
    "same_flavour": same_flavour,
    "opposite_charge": opposite_charge,
    "quadruplets": quadruplets,
    "z1": z1,
    "z2": z2,
    "constituents": constituents,
    "interp": interp,
    "channel": channel,
    "mt": mt,
    "mct": mct,
    "ht": ht,
    "mht": mht,
    "vector_sum": vector_sum,
    "first_n": first_n,
    "combinations": combinations,
    "best_of": best_of,
    "min_delta_r": min_delta_r,
    "min_delta_phi": min_delta_phi,
    "others": others,
    "others_in_cone": others_in_cone,
    "megajets": megajets,
    "razor_mr": razor_mr,
    "razor_mtr": razor_mtr,
    "razor_r2": razor_r2,
    "alpha_t": alpha_t,
    "mt2": mt2,
    "mean": mean,
    "delta_eta": delta_eta,
    **{name: partial(field, name) for name in FIELD_NAMES},
}

__all__ = [
    "CHANNEL_NAMES",
    "FIELD_NAMES",
    "FUNCTIONS",
    "CutflowCounter",
    "EventState",
    "best_candidate_mask",
    "field",
    "isin",
    "merge",
    "met_vector",
]

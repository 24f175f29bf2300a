"""Missing momentum, vector sums, combinations and relations between collections.

An *object* here is a record with ``pt``, ``eta``, ``phi``, ``e`` (GeV): one per event
(``met_vec``, ``mht(jets)``, ``vector_sum(jets)``, ``best_of(...)``), or a list of them.
A combination (``combinations(jets, 3)``) is a record of members ``_c0``, ``_c1``, ...; its
four-vector is the sum of its members' (see :func:`pipeline.runtime.vectors.p4`).
Everything accepts flat candidates by going through awkward (these are not the hot path
of the H->4l selection).
"""

from __future__ import annotations

from typing import Any

import awkward as ak
import numpy as np

from pipeline.runtime import candidates as fc
from pipeline.runtime.flat import (
    FlatObjects,
    grouped_combinations,
    p4_columns,
    plain,
    take_apart,
)
from pipeline.runtime.vectors import (
    COMBO_PREFIX,
    P4_FIELDS,
    _delta_phi,
    members,
    p4,
    record_fields,
)


def _ak(x: Any) -> Any:
    return fc.to_awkward(x)


def make_object(px: Any, py: Any, pz: Any, e: Any) -> Any:
    """A record array of objects from Cartesian components (any list depth)."""
    pt = np.hypot(px, py)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.arcsinh(pz / pt)
    eta = ak.where(pt > 0, eta, 0.0) if isinstance(pt, ak.Array) else np.where(pt > 0, eta, 0.0)
    return ak.zip({"pt": pt, "eta": eta, "phi": np.arctan2(py, px), "e": e}, depth_limit=None)


def met_vector(met: Any, met_phi: Any) -> Any:
    """The missing transverse momentum as a massless object with eta 0 (one per event)."""
    met = ak.values_astype(met, np.float64)
    return ak.zip(
        {
            "pt": met,
            "eta": ak.zeros_like(met),
            "phi": ak.values_astype(met_phi, np.float64),
            "e": met,
        }
    )


def is_combination(x: Any) -> bool:
    return f"{COMBO_PREFIX}0" in record_fields(x)


def combination_members(x: Any) -> list[Any]:
    return [x[name] for name in record_fields(x) if name.startswith(COMBO_PREFIX)]


def combinations(c: Any, n: Any) -> Any:
    """All unordered n-object combinations of each innermost list (members ``_c0`` ...)."""
    k = int(n)
    if k < 1:
        raise ValueError("combinations(c, n) needs n >= 1")
    objs = _ak(c)
    flat = _flat_combinations(objs, k)
    if flat is not None:
        return flat
    return ak.combinations(objs, k, axis=-1, fields=[f"{COMBO_PREFIX}{i}" for i in range(k)])


def _flat_combinations(c: Any, k: int) -> Any:
    """combinations() of events x objects from flat index arrays, each combination carrying its
    summed (px, py, pz, E) and mass (read back by vectors.p4 and mass): the members, order and
    numbers of ``ak.combinations`` and vectors.p4_sum, without summing through nested records.
    None for other inputs."""
    fields = record_fields(c)
    if not (plain(c) and c.ndim == 2 and {"pt", "eta", "phi", "e"} <= set(fields)):
        return None
    if P4_FIELDS[0] in fields or members(c) is not None or is_combination(c):
        return None
    flat = take_apart(c)
    owner, index = grouped_combinations(flat.counts, k)
    p4s = p4_columns(flat)
    sums = [x[index[0]] for x in p4s]
    for m in range(1, k):  # in member order, as p4_sum adds them
        sums = [total + x[index[m]] for total, x in zip(sums, p4s, strict=True)]
    px, py, pz, e = sums
    mass = np.sqrt(np.maximum(e * e - px * px - py * py - pz * pz, 0.0))
    # members by reference (gathered when read: most are never, only the best one's)
    columns = {
        f"{COMBO_PREFIX}{m}": ak.Array(
            ak.contents.IndexedArray.simplified(ak.index.Index64(index[m]), flat.items.layout),
            behavior=flat.items.behavior,
        )
        for m in range(k)
    }
    columns |= dict(zip(P4_FIELDS, [*sums, mass], strict=True))
    per_event = np.bincount(owner, minlength=len(flat.counts))
    return flat.wrap(ak.zip(columns, depth_limit=1), per_event)


def first_n(c: Any, n: Any) -> Any:
    """The first n elements of each innermost list (all of them when there are fewer)."""
    return _ak(c)[..., : int(n)]


def _pt_phi(x: Any) -> tuple[Any, Any]:
    if members(x) is not None or is_combination(x):
        px, py, _, _ = p4(x)
        return np.hypot(px, py), np.arctan2(py, px)
    return ak.values_astype(x["pt"], np.float64), ak.values_astype(x["phi"], np.float64)


def mt(a: Any, b: Any) -> Any:
    """Transverse mass of two (massless) objects: sqrt(2 pt_a pt_b (1 - cos dphi))."""
    pt_a, phi_a = _pt_phi(_ak(a))
    pt_b, phi_b = _pt_phi(_ak(b))
    return np.sqrt(np.maximum(2.0 * pt_a * pt_b * (1.0 - np.cos(phi_a - phi_b)), 0.0))


def mct(a: Any, b: Any) -> Any:
    """Contransverse mass of two (massless) objects: sqrt(2 pt_a pt_b (1 + cos dphi))."""
    pt_a, phi_a = _pt_phi(_ak(a))
    pt_b, phi_b = _pt_phi(_ak(b))
    return np.sqrt(np.maximum(2.0 * pt_a * pt_b * (1.0 + np.cos(phi_a - phi_b)), 0.0))


def ht(c: Any) -> Any:
    """Scalar sum of pt over the innermost list (0 for none)."""
    return ak.sum(ak.values_astype(_ak(c)["pt"], np.float64), axis=-1)


def vector_sum(*items: Any) -> Any:
    """The four-vector sum as one object: of the objects of a list (``vector_sum(jets)``), or of
    several objects (``vector_sum(nth(leptons, 0), met_vec)``; a list among them is summed
    first)."""
    arrays = [_ak(x) for x in items]
    depth = min(x.ndim for x in arrays)
    total = [0.0, 0.0, 0.0, 0.0]
    for x in arrays:
        comps = p4(x)
        if x.ndim > depth or len(arrays) == 1:
            comps = tuple(ak.sum(c, axis=-1) for c in comps)
        total = [t + c for t, c in zip(total, comps, strict=True)]
    return make_object(*total)


def mht(c: Any) -> Any:
    """Missing HT: minus the transverse vector sum of the objects, as a massless object (eta 0)."""
    px, py, _, _ = p4(_ak(c))
    mx, my = -ak.sum(px, axis=-1), -ak.sum(py, axis=-1)
    pt = np.hypot(mx, my)
    return ak.zip({"pt": pt, "eta": ak.zeros_like(pt), "phi": np.arctan2(my, mx), "e": pt})


def best_of(c: Any, key: Any) -> Any:
    """Per innermost list, the element of ``c`` with the smallest ``key`` (None for an empty list).

    ``key`` has one number per element (NaN never wins); the first element wins ties.
    """
    c, key = _ak(c), _ak(key)
    key = ak.fill_none(ak.nan_to_none(ak.values_astype(key, np.float64)), np.inf)
    index = ak.argmin(key, axis=-1, keepdims=True)
    return ak.firsts(c[index], axis=-1)


def _angles(x: Any) -> tuple[Any, Any]:
    if members(x) is not None or is_combination(x):
        px, py, pz, _ = p4(x)
        pt = np.hypot(px, py)
        return np.arctan2(py, px), np.arcsinh(pz / pt)
    return ak.values_astype(x["phi"], np.float64), ak.values_astype(x["eta"], np.float64)


def min_delta_r(a: Any, b: Any) -> Any:
    """For each object of ``a``: Delta R to the closest object of ``b`` in the same event (+inf if
    none).

    ``a`` may be one object per event (then one number per event) or a list per event.
    """
    if isinstance(a, FlatObjects):  # an object cut on flat columns: one number per object
        flat = _min_delta_r_flat(a.objs, _ak(b), a.kept)
        return flat if flat is not None else ak.to_numpy(ak.flatten(min_delta_r(a.objs, b)))
    a, b = _ak(a), _ak(b)
    flat = _min_delta_r_flat(a, b)
    if flat is not None:
        return ak.unflatten(flat, ak.num(a, axis=1))
    phi_a, eta_a = _angles(a)
    phi_b, eta_b = _angles(b)
    if a.ndim == 1:  # one object per event against each event's list
        dr = np.hypot(eta_a - eta_b, _delta_phi(phi_a, phi_b))
    else:
        dr = np.hypot(
            eta_a[..., np.newaxis] - eta_b[:, np.newaxis],
            _delta_phi(phi_a[..., np.newaxis], phi_b[:, np.newaxis]),
        )
    return ak.fill_none(ak.min(dr, axis=-1), np.inf)


def _plain_objects(x: Any) -> bool:
    """An events x objects list of plain objects (no pair or combination, nothing missing)."""
    return (
        plain(x)
        and x.ndim == 2
        and {"eta", "phi"} <= set(record_fields(x))
        and members(x) is None
        and not is_combination(x)
    )


def _min_delta_r_flat(a: Any, b: Any, wanted: np.ndarray | None = None) -> np.ndarray | None:
    """min_delta_r of events x objects against events x objects on flat numpy, one number per
    object of ``a`` (against the objects of ``b`` in its event, one index pair per combination):
    the numbers of the awkward broadcast below, without its nested lists; +inf for objects
    ``wanted`` excludes (not computed). None for other inputs."""
    if not (_plain_objects(a) and _plain_objects(b) and len(a) == len(b)):
        return None
    fa, fb = take_apart(a), take_apart(b)
    owner = np.repeat(np.arange(len(fa.counts)), fa.counts)
    compared = fb.counts[owner] > 0  # objects with an object of b in their event
    chosen = np.flatnonzero(compared if wanted is None else compared & wanted)
    out = np.full(len(owner), np.inf)
    if len(chosen) == 0:
        return out
    events = owner[chosen]
    per_object = fb.counts[events]  # the b objects each chosen object is compared with
    group_start = np.cumsum(per_object) - per_object
    b_start = np.cumsum(fb.counts) - fb.counts
    ia = np.repeat(chosen, per_object)
    ib = np.arange(int(per_object.sum())) + np.repeat(b_start[events] - group_start, per_object)
    eta_a, phi_a = (fa.column(k, np.float64) for k in ("eta", "phi"))
    eta_b, phi_b = (fb.column(k, np.float64) for k in ("eta", "phi"))
    dr = np.hypot(eta_a[ia] - eta_b[ib], _delta_phi(phi_a[ia], phi_b[ib]))
    out[chosen] = np.fmin.reduceat(dr, group_start)  # fmin: NaN never wins, as in awkward
    return out


def min_delta_phi(a: Any, b: Any) -> Any:
    """Smallest |Delta phi| between any object of list ``a`` and ``b`` (an object per event); +inf
    if none."""
    phi_a, _ = _angles(_ak(a))
    phi_b, _ = _angles(_ak(b))
    return ak.fill_none(ak.min(_delta_phi(phi_a, phi_b), axis=-1), np.inf)


def _identity(x: Any) -> tuple[Any, Any, Any]:
    return x["pt"], x["eta"], x["phi"]


def others(c: Any, x: Any) -> Any:
    """The objects of ``c`` that are not constituents of ``x`` (an object, pair or combination per
    event); matched on (pt, eta, phi). Where ``x`` is None, every object stays."""
    c, x = _ak(c), _ak(x)
    parts = _parts(x)
    flat = _others_flat(c, parts)
    if flat is not None:
        return flat
    taken = None
    for part in parts:
        # a missing x (None) compares as NaN: equal to nothing, so every object stays
        pt, eta, phi = (ak.fill_none(value, np.nan) for value in _identity(part))
        same = (c["pt"] == pt) & (c["eta"] == eta) & (c["phi"] == phi)
        taken = same if taken is None else taken | same
    keep = ~taken if taken is not None else ak.ones_like(c["pt"], dtype=bool)
    return c[keep]


def _others_flat(c: Any, parts: list[Any]) -> Any:
    """others() of events x objects against one object per event in each part, matched on
    flat numpy columns (the same objects as the awkward broadcast); None for other shapes."""
    if not (plain(c) and c.ndim == 2 and all(_one_per_event(p, len(c)) for p in parts)):
        return None
    flat = take_apart(c)
    owner = np.repeat(np.arange(len(flat.counts)), flat.counts)
    columns = [flat.column(k) for k in ("pt", "eta", "phi")]
    taken = np.zeros(len(owner), dtype=bool)
    for part in parts:
        # a missing object (None) is NaN: equal to nothing, so every object stays
        ident = [ak.to_numpy(ak.fill_none(value, np.nan)) for value in _identity(part)]
        taken |= np.logical_and.reduce(
            [col == ref[owner] for col, ref in zip(columns, ident, strict=True)]
        )
    keep = np.flatnonzero(~taken)
    return flat.wrap(flat.items[keep], np.bincount(owner[keep], minlength=len(flat.counts)))


def _one_per_event(x: Any, n: int) -> bool:
    return isinstance(x, ak.Array) and x.ndim == 1 and len(x) == n and bool(record_fields(x))


def _parts(x: Any) -> list[Any]:
    halves = members(x)
    if halves is not None:
        return _parts(halves[0]) + _parts(halves[1])
    if is_combination(x):
        return [p for m in combination_members(x) for p in _parts(m)]
    return [x]


def others_in_cone(c: Any, radius: Any, weight: Any = None) -> Any:
    """Per object of ``c``: the summed ``weight`` (default pt) of the *other* objects of the same
    innermost list within Delta R < ``radius`` (a number or one per object).

    What an isolation cone sum stored per object would lose if the other objects of a candidate
    were removed from it: ``ptcone30(quad_leptons) - others_in_cone(quad_leptons, 0.3)``.
    """
    like = next((x for x in (c, radius, weight) if isinstance(x, fc.Cands)), None)
    objs = _ak(c)
    if objs.ndim < 2:  # one object per event: there are no "other objects of its list"
        raise ValueError("others_in_cone needs a list of objects per event, not one object")
    phi, eta = _angles(objs)
    w = ak.values_astype(objs["pt"] if weight is None else _ak(weight), np.float64)
    r = _ak(radius) if isinstance(radius, (ak.Array, fc.Cands, np.ndarray)) else radius
    dr = np.hypot(
        eta[..., :, np.newaxis] - eta[..., np.newaxis, :],
        _delta_phi(phi[..., :, np.newaxis], phi[..., np.newaxis, :]),
    )
    index = ak.local_index(eta, axis=-1)
    other = index[..., :, np.newaxis] != index[..., np.newaxis, :]
    radius_i = r[..., np.newaxis] if isinstance(r, ak.Array) else r
    inside = other & (dr < radius_i)
    total = ak.sum(ak.where(inside, w[..., np.newaxis, :], 0.0), axis=-1)
    return total if like is None else fc.adopt(total, like)

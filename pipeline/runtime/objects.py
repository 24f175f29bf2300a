"""Collections, pairs and candidates: the combinatorics of the selection language.

Everything works on the innermost list (``axis=-1``), so the same function serves
a per-event collection, the constituents of each candidate, or the pairs formed
from those constituents. Candidates and pairs built from an events x objects array
are flat (:class:`~pipeline.runtime.candidates.Cands`); each function takes them
first and leaves anything else to its awkward formulation.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

import awkward as ak
import numpy as np

from pipeline.runtime import candidates as fc
from pipeline.runtime.candidates import Cands
from pipeline.runtime.flat import (
    FlatObjects,
    grouped_pairs,
    list_counts,
    on_flat,
    p4_columns,
    pair_p4,
    plain,
    take_apart,
)
from pipeline.runtime.flat import sfos as sfos_accept
from pipeline.runtime.kinematics import combination_members, is_combination
from pipeline.runtime.reduce import where
from pipeline.runtime.vectors import P4_FIELDS, PAIR_FIELDS, is_pair, is_quad, p4
from pipeline.selection.fields import DERIVED_OBJECT_FIELDS

Z_MASS = 91.1876
_MEMO_SIZE = 16
_memo: OrderedDict[tuple[str, int, str], tuple[Any, Any]] = OrderedDict()


def memoized(func: Callable[..., Any]) -> Callable[..., Any]:
    """Reuse the result for the very same input array (awkward arrays are immutable).

    Compiled expressions often repeat a subexpression (``pt(quad_leptons)`` three times,
    ``pairs(...)`` twice); keeping the input alive in the cache makes ``id`` a safe key.
    """

    @wraps(func)
    def wrapper(x: Any, *args: Any) -> Any:
        if not isinstance(x, ak.Array) or args:
            return func(x, *args)
        key = (func.__name__, id(x), "")
        hit = _memo.get(key)
        if hit is not None and hit[0] is x:
            _memo.move_to_end(key)
            return hit[1]
        result = func(x)
        _memo[key] = (x, result)
        if len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
        return result

    return wrapper


def _innermost(parts: list[Any], *, by_pt: bool = False) -> Any:
    """Stack same-shaped arrays of flat records into a new innermost list (sorted by decreasing
    pt)."""
    if parts[0].ndim != 2 or any(ak.fields(parts[0][f]) for f in ak.fields(parts[0])):
        out = ak.concatenate([part[..., np.newaxis] for part in parts], axis=-1)
        return sorted_by_pt(out) if by_pt else out
    # events x candidates: interleave each field with numpy (concatenating records is slow)
    counts = ak.num(parts[0], axis=1)
    flats = [ak.flatten(part, axis=1) for part in parts]
    order = None
    if by_pt:  # a stable descending sort, as ak.argsort(..., ascending=False, stable=True)
        pts = np.stack([ak.to_numpy(f["pt"]) for f in flats], axis=1)
        order = np.argsort(-pts, axis=1, kind="stable")
    columns = {}
    for name in ak.fields(parts[0]):
        stacked = np.stack([ak.to_numpy(f[name]) for f in flats], axis=1)
        if order is not None:
            stacked = np.take_along_axis(stacked, order, axis=1)
        columns[name] = stacked.reshape(-1)
    flat = ak.zip(columns, depth_limit=1)
    # explicit counts: a scalar count cannot split an empty array (a chunk with no candidate)
    per_candidate = np.full(len(flat) // len(parts), len(parts), dtype=np.int64)
    return ak.unflatten(ak.unflatten(flat, per_candidate), counts)


def sorted_by_pt(c: Any) -> Any:
    if isinstance(c, Cands):
        return sorted_by_pt(c.to_awkward())
    return c[ak.argsort(c["pt"], axis=-1, ascending=False, stable=True)]


@memoized
def constituents(x: Any) -> Any:
    """The objects of a pair or candidate as a list sorted by decreasing pt."""
    if isinstance(x, Cands):
        flat = fc.constituents(x)
        return flat if flat is not None else fc.adopt(constituents(x.to_awkward()), x)
    parts = _member_parts(x)
    return x if parts is None else _innermost(parts, by_pt=True)


def _member_parts(x: Any) -> list[Any] | None:
    """The objects of each pair, quadruplet or combination of ``x``, one array per position."""
    if is_quad(x):
        return [x["z1"]["first"], x["z1"]["second"], x["z2"]["first"], x["z2"]["second"]]
    if is_pair(x):
        return [x["first"], x["second"]]
    if is_combination(x):
        return combination_members(x)
    return None


def _member_field(parts: list[Any], name: str) -> Any:
    """``constituents(...)[name]`` built from that one field and pT (the order) instead of
    whole records: what the record path below does, for one composite per event (concatenating
    records at that depth is the slow part of btag(top))."""
    values = ak.concatenate([part[name][..., np.newaxis] for part in parts], axis=-1)
    pts = ak.concatenate([part["pt"][..., np.newaxis] for part in parts], axis=-1)
    return values[ak.argsort(pts, axis=-1, ascending=False, stable=True)]


def _theta(get: Callable[[str], Any], ew: Callable[[Any], Any]) -> Any:
    return 2.0 * ew(np.arctan)(ew(np.exp)(-get("eta")))


def _pz(get: Callable[[str], Any], ew: Callable[[Any], Any]) -> Any:
    return get("pt") * ew(np.sinh)(get("eta"))


def _double(x: Any) -> Any:
    """float64 (float32 files lose rapidity where E and |pz| nearly cancel)."""
    if isinstance(x, np.ndarray):
        return x.astype(np.float64, copy=False)
    if isinstance(x, ak.Array):
        return ak.values_astype(x, np.float64)
    return x


def _rapidity(get: Callable[[str], Any], ew: Callable[[Any], Any]) -> Any:
    pt, eta, e = (_double(get(name)) for name in ("pt", "eta", "e"))
    pz = pt * ew(np.sinh)(eta)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 0.5 * ew(np.log)((e + pz) / (e - pz))


# the derived quantities of fields.DERIVED_OBJECT_FIELDS, from the stored fields
# (``ew`` makes a numpy function elementwise over the candidate columns)
DERIVED: dict[str, Callable[[Callable[[str], Any], Callable[[Any], Any]], Any]] = {
    "theta": _theta,
    "rapidity": _rapidity,
    "pz": _pz,
}
assert set(DERIVED) == set(DERIVED_OBJECT_FIELDS)


def _plain(fn: Any) -> Any:
    return fn


def field(name: str, x: Any) -> Any:
    """Field ``name`` of each object of ``x`` (for pairs/candidates: of their constituents)."""
    derived = DERIVED.get(name)
    if isinstance(x, Cands):
        objs = constituents(x) if isinstance(x.content, fc.PairRef | fc.QuadRef) else x
        if isinstance(objs, Cands) and derived is not None:
            return objs.cached(name, lambda: derived(objs.__getitem__, fc.elementwise))
        return objs[name]
    if isinstance(x, FlatObjects) and derived is not None:
        flat = x
        return flat.derived(name, lambda: derived(flat.__getitem__, _plain))
    parts = _member_parts(x)
    if parts is not None and derived is None and parts[0].ndim != 2:
        return _member_field(parts, name)
    if parts is not None:
        x = constituents(x)
    key = ("field", id(x), name)
    hit = _memo.get(key)
    if hit is not None and hit[0] is x:
        return hit[1]
    value = x[name] if derived is None else derived(x.__getitem__, _plain)
    if isinstance(x, ak.Array) and x.ndim > 2:  # nested objects: projecting fields is the slow part
        _memo[key] = (x, value)
        if len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return value


def count(c: Any) -> Any:
    """Entries of each innermost list; for an events x objects list, one numpy int64 per event
    (as for flat candidates: comparing it is then one numpy operation, not an awkward
    broadcast), read off the list's offsets."""
    if isinstance(c, Cands):
        return fc.count_entries(c)
    if isinstance(c, ak.Array) and c.ndim == 2:
        counts = list_counts(c)
        if counts is not None:
            return counts
    return ak.num(c, axis=-1)


@memoized
def pairs(c: Any) -> Any:
    flat = _flat_pairs(c, sfos=False)
    if flat is not None:
        return flat
    if is_pair(c) or is_quad(c):
        return ak.combinations(c, 2, axis=-1, fields=list(PAIR_FIELDS))
    if plain(c):
        flat = take_apart(c)
        owner, i, j = grouped_pairs(flat.counts)
        fields = {"first": flat.items[i], "second": flat.items[j]}
        return flat.wrap(
            ak.zip(fields, depth_limit=1), np.bincount(owner, minlength=len(flat.counts))
        )
    i, j = ak.unzip(ak.argcombinations(c, 2, axis=-1))
    return ak.zip({"first": c[i], "second": c[j]}, depth_limit=c.ndim)


def _pairs(c: Any, *, sfos: bool) -> Any:
    """Pairs built from index arrays, each carrying its summed four-vector and mass.

    Gathering records once by index (instead of combining records) and summing the
    four-vectors as plain numbers is what keeps nested pairs (of each candidate's
    leptons) cheap.
    """
    if is_pair(c) or is_quad(c) or not {"pt", "eta", "phi", "e"} <= set(ak.fields(c)):
        return ak.combinations(c, 2, axis=-1, fields=list(PAIR_FIELDS))
    if plain(c):
        flat = take_apart(c)
        owner, i, j = grouped_pairs(flat.counts, sfos_accept(flat) if sfos else None)
        fields = {"first": flat.items[i], "second": flat.items[j]}
        fields |= dict(zip(P4_FIELDS, pair_p4(p4_columns(flat), i, j), strict=True))
        return flat.wrap(
            ak.zip(fields, depth_limit=1), np.bincount(owner, minlength=len(flat.counts))
        )
    i, j = ak.unzip(ak.argcombinations(c, 2, axis=-1))
    if sfos:
        flavour, charge = c["flavour"], c["charge"]
        keep = (flavour[i] == flavour[j]) & (charge[i] * charge[j] < 0)
        i, j = i[keep], j[keep]
    comps = [x[i] + x[j] for x in p4(c)]
    masses = np.sqrt(np.maximum(comps[3] ** 2 - comps[0] ** 2 - comps[1] ** 2 - comps[2] ** 2, 0.0))
    fields = {"first": c[i], "second": c[j]}
    fields |= {name: x for name, x in zip(P4_FIELDS, [*comps, masses], strict=True)}
    return ak.zip(fields, depth_limit=c.ndim)


def first(p: Any) -> Any:
    return p["first"]


def second(p: Any) -> Any:
    return p["second"]


def same_flavour(p: Any) -> Any:
    return p["first"]["flavour"] == p["second"]["flavour"]


def opposite_charge(p: Any) -> Any:
    return p["first"]["charge"] * p["second"]["charge"] < 0


@memoized
def sfos_pairs(c: Any) -> Any:
    flat = _flat_pairs(c, sfos=True)
    if flat is not None:
        return flat
    return _pairs(c, sfos=True)


def _flat_pairs(c: Any, *, sfos: bool) -> Any:
    """Pairs as Cands: of each event's objects, or of each candidate's objects; None for
    other inputs (the awkward formulations below)."""
    if isinstance(c, Cands):
        flat = fc.list_pairs(c, sfos=sfos)
        if flat is not None:
            return flat
        return fc.adopt((sfos_pairs if sfos else pairs)(c.to_awkward()), c)
    return fc.event_pairs(c, sfos=sfos)


def quadruplets(c: Any, mz: float = Z_MASS) -> Any:
    """Two SFOS pairs sharing no object; ``z1`` is the pair with mass closest to ``mz``.

    Each unordered pairing appears once, in the order of the pairs (equal distances keep
    the earlier pair as z1). Events x objects give flat candidates (:mod:`candidates`,
    index arrays and numbers as in the baseline); other inputs the awkward formulation.
    """
    if isinstance(c, Cands):
        c = c.to_awkward()
    flat = fc.quadruplets(c, mz)
    return flat if flat is not None else _quadruplets_jagged(c, mz)


def _quadruplets_jagged(c: Any, mz: float) -> Any:
    px, py, pz, e = p4(c)
    i, j = ak.unzip(ak.argcombinations(c, 2, axis=-1))
    flavour, charge = c["flavour"], c["charge"]
    sfos = (flavour[i] == flavour[j]) & (charge[i] * charge[j] < 0)
    i, j = i[sfos], j[sfos]
    comps = [x[i] + x[j] for x in (px, py, pz, e)]
    masses = np.sqrt(np.maximum(comps[3] ** 2 - comps[0] ** 2 - comps[1] ** 2 - comps[2] ** 2, 0.0))
    a, b = ak.unzip(ak.argcombinations(i, 2, axis=-1))
    ai, aj, bi, bj = i[a], j[a], i[b], j[b]
    disjoint = (ai != bi) & (ai != bj) & (aj != bi) & (aj != bj)
    a, b = a[disjoint], b[disjoint]
    a_first = abs(masses[a] - mz) <= abs(masses[b] - mz)
    first, second = ak.where(a_first, a, b), ak.where(a_first, b, a)

    def pair(k: Any) -> Any:
        fields = {"first": c[i[k]], "second": c[j[k]]}
        fields |= {name: x[k] for name, x in zip(P4_FIELDS, [*comps, masses], strict=True)}
        return ak.zip(fields, depth_limit=c.ndim)

    return ak.zip({"z1": pair(first), "z2": pair(second)}, depth_limit=c.ndim)


def z1(q: Any) -> Any:
    return q["z1"]


def z2(q: Any) -> Any:
    return q["z2"]


def channel(q: Any) -> Any:
    """0 = 4e, 1 = 4mu, 2 = 2e2mu (z1 electrons), 3 = 2mu2e, -1 otherwise (and for anything
    but quadruplets: pairs or combinations have no channel)."""
    if isinstance(q, Cands) and not isinstance(q.content, fc.QuadRef):
        q = q.to_awkward()
    if not isinstance(q, Cands) and not is_quad(q):
        return ak.values_astype(ak.zeros_like(ak.local_index(q, axis=-1)), np.int64) - 1
    return on_flat(_channel_codes, q["z1"]["first"]["flavour"], q["z2"]["first"]["flavour"])


def _channel_codes(f1: Any, f2: Any) -> Any:
    code = where((f1 == 11) & (f2 == 11), 0, -1)
    code = where((f1 == 13) & (f2 == 13), 1, code)
    code = where((f1 == 11) & (f2 == 13), 2, code)
    return where((f1 == 13) & (f2 == 11), 3, code)


CHANNEL_NAMES = {0: "4e", 1: "4mu", 2: "2e2mu", 3: "2mu2e"}


def merge(*collections: Any) -> Any:
    """One collection from several (leptons = electrons + muons), sorted by decreasing pt."""
    collections = tuple(fc.to_awkward(c) for c in collections)
    common = set(ak.fields(collections[0]))
    for other in collections[1:]:
        common &= set(ak.fields(other))
    keep = [f for f in ak.fields(collections[0]) if f in common]
    parts = [ak.zip({f: col[f] for f in keep}, depth_limit=col.ndim) for col in collections]
    return sorted_by_pt(ak.concatenate(parts, axis=-1))


def every(c: Any) -> Any:
    """All-True mask with one entry per object of ``c`` (the start of an object selection)."""
    if isinstance(c, FlatObjects):
        return np.ones(len(c), dtype=bool)
    return ak.ones_like(ak.local_index(c, axis=-1), dtype=bool)


def flat_objects(c: Any) -> FlatObjects:
    """The objects of ``c`` as flat columns (object cuts whose functions are all elementwise)."""
    return FlatObjects(c)

"""Combinatorics on flat numpy arrays, re-wrapped into the caller's list structure.

Pairs and quadruplets are index arrays over the flattened objects (as in the hand-written
baseline): awkward's jagged combinations and record gathers at depth cost several times
more. The result has exactly the structure (and order) of the awkward version: for each
innermost list, its (i < j) pairs in combination order. Records are gathered once, lazily,
by a flat index.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import awkward as ak
import numpy as np

Accept = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass
class Flat:
    """A list array taken apart: outer list counts (outermost first), innermost counts, items."""

    outer: list[np.ndarray]
    counts: np.ndarray
    items: ak.Array

    def wrap(self, flat: Any, counts: np.ndarray) -> ak.Array:
        """``flat`` (one entry per new item) grouped by ``counts`` per innermost list, then the
        outer lists."""
        out = ak.unflatten(flat, counts)
        for n in reversed(self.outer):
            out = ak.unflatten(out, n)
        return out

    def column(self, name: str, dtype: Any = None) -> np.ndarray:
        values = ak.to_numpy(self.items[name])
        return values if dtype is None else values.astype(dtype)


def plain(c: Any) -> bool:
    """A list array (of any depth >= 2) with no missing values: the flat paths apply."""
    return (
        isinstance(c, ak.Array)
        and c.ndim >= 2
        and "?" not in str(c.type.content)
        and "option" not in str(c.type.content)
    )


def list_parts(x: Any) -> tuple[np.ndarray, ak.contents.Content] | None:
    """(offsets from 0, items) of the outer lists of ``x``: ``ak.num(x, axis=1)`` as offsets and
    ``ak.flatten(x, axis=1)`` as a layout, read off a list layout (as awkward's flatten does)
    instead of computed through two high-level calls; None for anything else (options,
    parameters, regular arrays), where those calls apply."""
    if not isinstance(x, ak.Array):
        return None
    layout = x.layout
    if isinstance(layout, ak.contents.ListArray) and not layout.parameters:
        layout = layout.to_ListOffsetArray64(True)  # what ak.num / ak.flatten start with
    if not isinstance(layout, ak.contents.ListOffsetArray) or layout.parameters:
        return None
    offsets = layout.offsets.data
    if not isinstance(offsets, np.ndarray):
        return None
    offsets = offsets.astype(np.int64, copy=False)
    start, stop = int(offsets[0]), int(offsets[-1])
    return (offsets - start if start else offsets), layout.content[start:stop]


def list_counts(x: Any) -> np.ndarray | None:
    """``ak.num(x, axis=1)`` as int64 numpy, read off a list layout (stops - starts); None for
    anything else (options, parameters, regular arrays)."""
    if not isinstance(x, ak.Array):
        return None
    layout = x.layout
    if not isinstance(layout, ak.contents.ListOffsetArray | ak.contents.ListArray):
        return None
    starts, stops = layout.starts.data, layout.stops.data
    if layout.parameters or not (isinstance(starts, np.ndarray) and isinstance(stops, np.ndarray)):
        return None
    return stops.astype(np.int64) - starts


def _wrap_like(layout: ak.contents.Content, like: ak.Array) -> ak.Array:
    """A layout as a high-level array with the behavior and attributes of ``like``."""
    return ak.Array(layout, behavior=like.behavior, attrs=like.attrs)


def take_apart(c: ak.Array) -> Flat:
    outer = []
    x = c
    while x.ndim > 2:
        outer.append(np.asarray(ak.to_numpy(ak.num(x, axis=1)), dtype=np.int64))
        x = ak.flatten(x, axis=1)
    parts = list_parts(x)
    if parts is not None:
        offsets, items = parts
        return Flat(outer, np.diff(offsets), _wrap_like(items, x))
    counts = np.asarray(ak.to_numpy(ak.num(x, axis=1)), dtype=np.int64)
    return Flat(outer, counts, ak.flatten(x, axis=1))


@cache
def combination_table(k: int) -> np.ndarray:
    return np.array(list(itertools.combinations(range(k), 2)), dtype=np.int64).reshape(-1, 2)


def grouped_pairs(
    counts: np.ndarray, accept: Accept | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (i < j) pairs of the items of each list (items grouped by list, ``counts`` per list)
    that ``accept``, in (list, combination) order: (list, i, j) with i, j flat item indices."""
    start = np.concatenate([[0], np.cumsum(counts)])[:-1].astype(np.int64)
    parts = []
    for k in np.unique(counts[counts >= 2]):
        lists = np.flatnonzero(counts == k)
        table = combination_table(int(k))
        i = start[lists][:, None] + table[:, 0]
        j = start[lists][:, None] + table[:, 1]
        owner = np.broadcast_to(lists[:, None], i.shape)
        if accept is None:
            parts.append((owner.reshape(-1), i.reshape(-1), j.reshape(-1)))
        else:
            ok = accept(i, j)
            parts.append((owner[ok], i[ok], j[ok]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    owner, i, j = (np.concatenate(x) for x in zip(*parts, strict=True))
    if len(parts) > 1:  # lists of different lengths: back to list order (kept inside each list)
        order = np.argsort(owner, kind="stable")
        owner, i, j = owner[order], i[order], j[order]
    return owner, i, j


@cache
def k_combination_table(n: int, k: int) -> np.ndarray:
    """The k-subsets of range(n) in lexicographic order (ak.combinations' order), one a row."""
    return np.array(list(itertools.combinations(range(n), k)), dtype=np.int64).reshape(-1, k)


def grouped_combinations(counts: np.ndarray, k: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """All k-subsets (in increasing item order) of the items of each list (items grouped by
    list, ``counts`` per list), in (list, combination) order: (list, one flat item index array
    per member)."""
    start = np.concatenate([[0], np.cumsum(counts)])[:-1].astype(np.int64)
    per_list = np.zeros(len(counts), dtype=np.int64)
    sizes = np.unique(counts[counts >= k])
    tables = {int(n): k_combination_table(int(n), k) for n in sizes}
    for n, table in tables.items():
        per_list[counts == n] = len(table)
    owner = np.repeat(np.arange(len(counts)), per_list)
    first = np.concatenate([[0], np.cumsum(per_list)])[:-1]  # each list's first combination
    index = [np.empty(len(owner), dtype=np.int64) for _ in range(k)]
    for n, table in tables.items():  # each block of lists of one length, put in its place
        lists = np.flatnonzero(counts == n)
        at = (first[lists][:, None] + np.arange(len(table))[None, :]).reshape(-1)
        for m in range(k):
            index[m][at] = (start[lists][:, None] + table[None, :, m]).reshape(-1)
    return owner, index


def p4_columns(flat: Flat) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(px, py, pz, E) of every item, in double precision (as vectors.p4)."""
    pt, eta, phi = (flat.column(k, np.float64) for k in ("pt", "eta", "phi"))
    return pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta), flat.column("e", np.float64)


def pair_p4(p4: tuple[np.ndarray, ...], i: np.ndarray, j: np.ndarray) -> list[np.ndarray]:
    """Summed (px, py, pz, E) and mass of the pairs (i, j), as objects._pairs computes them."""
    comps = [x[i] + x[j] for x in p4]
    masses = np.sqrt(np.maximum(comps[3] ** 2 - comps[0] ** 2 - comps[1] ** 2 - comps[2] ** 2, 0.0))
    return [*comps, masses]


def sfos(flat: Flat) -> Accept:
    flavour, charge = flat.column("flavour"), flat.column("charge")
    return lambda i, j: (flavour[i] == flavour[j]) & (charge[i] * charge[j] < 0)


def on_flat(fn: Callable[..., Any], *xs: Any) -> Any:
    """``fn`` on the flat numpy contents of numeric arrays of one list structure, re-wrapped.

    Elementwise math on nested lists pays awkward's broadcasting for every operation;
    on the flat contents it is plain numpy. Python numbers pass through; anything else
    (options, records, differing structures) goes to ``fn`` as given.
    """
    arrays = [x for x in xs if isinstance(x, ak.Array)]
    scalars_ok = all(isinstance(x, ak.Array | bool | int | float | np.number) for x in xs)
    if not arrays or not scalars_ok or not all(plain(x) and not ak.fields(x) for x in arrays):
        return fn(*xs)
    parts = [take_apart(x) for x in arrays]
    ref = parts[0]
    for other in parts[1:]:
        if not (
            np.array_equal(other.counts, ref.counts)
            and len(other.outer) == len(ref.outer)
            and all(np.array_equal(a, b) for a, b in zip(other.outer, ref.outer, strict=True))
        ):
            return fn(*xs)
    flats = iter([ak.to_numpy(p.items) for p in parts])
    return ref.wrap(fn(*(next(flats) if isinstance(x, ak.Array) else x for x in xs)), ref.counts)


class FlatObjects:
    """A collection's objects as flat numpy columns, for object-level cuts (elementwise only).

    ``objs["pt"] > 7`` is then one numpy comparison instead of an awkward broadcast over
    the event lists; :meth:`select` puts the kept objects back into their events.
    """

    def __init__(self, objs: ak.Array) -> None:
        self.objs = objs
        parts = list_parts(objs)
        if parts is None:
            self.counts = np.asarray(ak.to_numpy(ak.num(objs, axis=1)), dtype=np.int64)
            self.items = ak.flatten(objs, axis=1)
            # None: select rebuilds the lists with awkward (a structure list_parts leaves alone)
            self._offsets: np.ndarray | None = None
        else:
            self._offsets, items = parts
            self.counts = np.diff(self._offsets)
            self.items = _wrap_like(items, objs)
        self._columns: dict[str, np.ndarray] = {}
        # objects still kept by the cuts before (see only); None: all of them
        self.kept: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, name: str) -> np.ndarray:
        if not isinstance(name, str):
            # model-written scripts index it like an awkward array (objs[objs["pt"] > 7]): say
            # what it is instead of numpy's "unhashable type" (docs/trials.md)
            raise TypeError(
                "flat objects take a field name (objs['pt']); to keep the objects a mask holds, "
                "combine the masks (keep = keep & (objs['pt'] > 7)) and call objs.select(keep)"
            )
        if name not in self._columns:
            self._columns[name] = _numbers(self.items, name)
        return self._columns[name]

    def derived(self, name: str, make: Callable[[], np.ndarray]) -> np.ndarray:
        """A quantity computed from the columns (theta), computed once."""
        if name not in self._columns:
            self._columns[name] = make()
        return self._columns[name]

    def only(self, keep: Any) -> FlatObjects:
        """These objects, of which a relation to another collection (min_delta_r) needs the
        value only for those ``keep`` still holds: an object cut is ``keep & (...)``, so the
        others fail whatever their value (a view: same objects and columns)."""
        view = copy.copy(self)
        view.kept = np.broadcast_to(np.asarray(keep, dtype=bool), (len(self),))
        return view

    def select(self, keep: Any) -> ak.Array:
        """The objects ``keep`` holds for, in their events: what
        ``ak.unflatten(items[np.flatnonzero(keep)], kept per event)`` gives (the records
        gathered lazily, as awkward does), built from the offsets: the objects kept before
        each event's first are one running count, with no owner per object."""
        keep = np.broadcast_to(np.asarray(keep, dtype=bool), (len(self),))
        index = np.flatnonzero(keep)
        if self._offsets is None:
            owner = np.repeat(np.arange(len(self.counts)), self.counts)
            kept = np.bincount(owner[keep], minlength=len(self.counts))
            return ak.unflatten(self.items[index], kept)
        # int32 when it can: numpy's int32 running sum is many times faster than its int64 one
        running = np.empty(len(keep) + 1, dtype=np.int32 if len(keep) < 2**31 else np.int64)
        running[0] = 0
        np.cumsum(keep, dtype=running.dtype, out=running[1:])
        offsets = ak.index.Index64(running[self._offsets].astype(np.int64))
        items = ak.contents.IndexedArray.simplified(ak.index.Index64(index), self.items.layout)
        return _wrap_like(ak.contents.ListOffsetArray(offsets, items), self.objs)


def _numbers(items: ak.Array, name: str) -> np.ndarray:
    """``ak.to_numpy(items[name])``, read off the record layout when the field is plain numbers."""
    layout = items.layout
    if isinstance(layout, ak.contents.RecordArray) and name in layout.fields:
        field = layout.content(name)
        if (
            isinstance(field, ak.contents.NumpyArray)
            and not field.parameters
            and isinstance(field.data, np.ndarray)
            and field.data.dtype.kind in "biuf"
        ):
            return field.data
    return ak.to_numpy(items[name])


def lexicographic_first(keys: list[np.ndarray], counts: np.ndarray) -> np.ndarray:
    """True for the one item per list minimising ``keys`` lexicographically, the first on ties.

    ``keys`` are flat numbers (items grouped by list, ``counts`` per list); NaN never wins
    (fmin ignores it, as awkward's min does). Lists without items have no True.
    """
    starts = np.concatenate([[0], np.cumsum(counts)])[:-1].astype(np.int64)
    nonempty = starts[counts > 0]
    owner = np.repeat(np.arange(len(counts)), counts)
    chosen: np.ndarray | None = None
    for values in keys:
        key = values.astype(np.float64)
        masked = key if chosen is None else np.where(chosen, key, np.inf)
        best = np.full(len(counts), np.inf)
        if len(masked):
            best[counts > 0] = np.fmin.reduceat(masked, nonempty)
        hit = masked == best[owner]
        chosen = hit if chosen is None else chosen & hit
    index = np.arange(len(owner)) - np.repeat(starts, counts)
    big = np.iinfo(np.int64).max
    first = np.full(len(counts), big)
    if len(index) and chosen is not None:
        first[counts > 0] = np.minimum.reduceat(np.where(chosen, index, big), nonempty)
    return index == first[owner]


def best_flat(keys: list[Any]) -> Any | None:
    """best_candidate_mask on flat numpy (numeric events x candidates keys); None if not
    applicable."""
    if not keys or not all(plain(k) and k.ndim == 2 and not ak.fields(k) for k in keys):
        return None
    parts = [take_apart(k) for k in keys]
    counts = parts[0].counts
    if any(not np.array_equal(p.counts, counts) for p in parts[1:]):
        return None
    return parts[0].wrap(lexicographic_first([ak.to_numpy(p.items) for p in parts], counts), counts)


def nth_flat(x: Any, index: int) -> Any | None:
    """Element ``index`` of each innermost list of a float array (as float64), NaN where missing, on
    flat numpy; None for anything else (reduce.nth then pads with awkward)."""
    if index < 0 or not (plain(x) and not ak.fields(x)):
        return None
    flat = take_apart(x)
    values = ak.to_numpy(flat.items)
    if not np.issubdtype(values.dtype, np.floating):  # awkward's result is float64 for these
        return None
    out = np.full(len(flat.counts), np.nan)
    has = flat.counts > index
    starts = np.concatenate([[0], np.cumsum(flat.counts)])[:-1]
    out[has] = values[starts[has] + index]
    result: Any = ak.Array(out)
    for n in reversed(flat.outer):
        result = ak.unflatten(result, n)
    return result

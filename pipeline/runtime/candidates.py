"""Candidates on flat numpy: the fast form of candidate-scope values.

A candidate collection (the quadruplets of each event, say) is one flat array of
candidates and the number of them in each event (:class:`Layout`). A value computed
per candidate is a numpy array whose first axis runs over those candidates, with at
most one more axis for a list of fixed length per candidate (its four leptons, their
six pairs); a mask (``valid``) marks the entries that exist where lists differ in
length (the SFOS pairs among four leptons). Objects are indices into one flat table of
the chunk's objects, so a candidate's leptons are gathered by index, as the
hand-written baselines do, instead of being nested records.

:class:`Cands` wraps such a value. Its operators and the language's functions act on
the numpy contents directly; whatever this form cannot express goes to the awkward
implementation through :meth:`Cands.to_awkward`, with the same result, and numeric
results come back through :func:`adopt`. Every result here equals the awkward
formulation bit for bit (tests/test_runtime_candidates.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import awkward as ak
import numpy as np

from pipeline.runtime.flat import (
    combination_table,
    grouped_pairs,
    lexicographic_first,
    pair_p4,
    plain,
    take_apart,
)

SCALARS = (bool, int, float, np.number, np.bool_)
P4 = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class Layout:
    """How many candidates each event has; candidates are stored event after event."""

    def __init__(self, counts: np.ndarray) -> None:
        self.counts = np.asarray(counts, dtype=np.int64)
        self._owner: np.ndarray | None = None
        self._taken: tuple[np.ndarray, Layout, np.ndarray] | None = None
        self._selected: tuple[np.ndarray, Layout] | None = None

    @property
    def n_events(self) -> int:
        return len(self.counts)

    @property
    def owner(self) -> np.ndarray:
        """The event of each candidate."""
        if self._owner is None:
            self._owner = np.repeat(np.arange(len(self.counts)), self.counts)
        return self._owner

    @property
    def starts(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.counts)])[:-1].astype(np.int64)

    def same(self, other: Layout) -> bool:
        return self is other or np.array_equal(self.counts, other.counts)

    def take_events(self, mask: np.ndarray) -> tuple[Layout, np.ndarray]:
        """The layout of the events passing ``mask`` and the candidates they keep.

        Cached for the last mask, so that every value narrowed by one event cut shares
        the new layout (values on one layout combine without comparing counts).
        """
        if self._taken is not None and self._taken[0] is mask:
            return self._taken[1], self._taken[2]
        keep = mask[self.owner]
        out = Layout(self.counts[mask])
        self._taken = (mask, out, keep)
        return out, keep

    def select(self, keep: np.ndarray) -> Layout:
        """The layout of the candidates passing ``keep`` (cached for the last mask)."""
        if self._selected is not None and self._selected[0] is keep:
            return self._selected[1]
        out = Layout(np.bincount(self.owner[keep], minlength=len(self.counts)))
        self._selected = (keep, out)
        return out


class Table:
    """The chunk's objects (one collection, flattened over events) as numpy columns."""

    def __init__(self, items: ak.Array) -> None:
        self.items = items
        self._columns: dict[str, np.ndarray] = {}
        self._p4: P4 | None = None

    def column(self, name: str) -> np.ndarray:
        if name not in self._columns:
            self._columns[name] = ak.to_numpy(self.items[name])
        return self._columns[name]

    def double(self, name: str) -> np.ndarray:
        """A column in double precision (the four-vector arithmetic's)."""
        key = f"{name}:f64"
        if key not in self._columns:
            self._columns[key] = self.column(name).astype(np.float64)
        return self._columns[key]

    def has(self, name: str) -> bool:
        return name in ak.fields(self.items)

    def p4(self) -> P4:
        """(px, py, pz, E) of every object in double precision (as vectors.p4)."""
        if self._p4 is None:
            pt, eta, phi = (self.double(k) for k in ("pt", "eta", "phi"))
            self._p4 = (pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta), self.double("e"))
        return self._p4


@dataclass(frozen=True)
class ObjRef:
    """Objects by their index in a table; ``index`` is (candidates,) or (candidates, k)."""

    table: Table
    index: np.ndarray

    def take(self, keep: np.ndarray) -> ObjRef:
        return ObjRef(self.table, self.index[keep])

    @property
    def shape(self) -> tuple[int, ...]:
        return self.index.shape

    def p4(self) -> P4:
        px, py, pz, e = self.table.p4()
        return px[self.index], py[self.index], pz[self.index], e[self.index]


@dataclass(frozen=True)
class PairRef:
    """Two objects; ``sums`` = (px, py, pz, E, mass) of the pair when built with them."""

    first: ObjRef
    second: ObjRef
    sums: tuple[np.ndarray, ...] | None = None

    def take(self, keep: np.ndarray) -> PairRef:
        sums = None if self.sums is None else tuple(x[keep] for x in self.sums)
        return PairRef(self.first.take(keep), self.second.take(keep), sums)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.first.shape

    def p4(self) -> P4:
        if self.sums is not None:
            return self.sums[0], self.sums[1], self.sums[2], self.sums[3]
        a, b = self.first.p4(), self.second.p4()
        return a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]


@dataclass(frozen=True)
class QuadRef:
    """Two pairs sharing no object, and the four objects by decreasing pt."""

    z1: PairRef
    z2: PairRef
    members: ObjRef

    def take(self, keep: np.ndarray) -> QuadRef:
        return QuadRef(self.z1.take(keep), self.z2.take(keep), self.members.take(keep))

    @property
    def shape(self) -> tuple[int, ...]:
        return self.z1.shape

    def p4(self) -> P4:
        a, b = self.z1.p4(), self.z2.p4()
        return a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]


Ref = ObjRef | PairRef | QuadRef
Content = np.ndarray | ObjRef | PairRef | QuadRef
PARTS = {PairRef: ("first", "second"), QuadRef: ("z1", "z2")}


class Cands:
    """One value per candidate (or a short list per candidate) of one candidate collection.

    Reads like the awkward array it stands for: events x candidates [x list].
    ``__array_ufunc__ = None`` makes numpy and awkward operators hand mixed
    expressions to the reflected operators below.
    """

    __array_ufunc__ = None

    def __init__(
        self,
        layout: Layout,
        content: Content,
        valid: np.ndarray | None = None,
        rows: np.ndarray | None = None,
    ) -> None:
        self.layout = layout
        self._content = content
        self._valid = valid
        self._rows = rows  # candidates of ``content`` still to be taken (narrowing is lazy)
        self._fields: dict[str, Cands] = {}
        self._derived: dict[str, Cands] = {}

    @property
    def content(self) -> Content:
        if self._rows is not None:
            rows, self._rows = self._rows, None
            c = self._content
            self._content = c[rows] if isinstance(c, np.ndarray) else c.take(rows)
            self._valid = None if self._valid is None else self._valid[rows]
        return self._content

    @property
    def valid(self) -> np.ndarray | None:
        if self._rows is not None:
            self.content  # noqa: B018 - takes the pending rows
        return self._valid

    def __len__(self) -> int:
        return self.layout.n_events

    def __repr__(self) -> str:
        kind = type(self.content).__name__
        return f"<Cands {kind} {self.shape} over {self.layout.n_events} events>"

    def __bool__(self) -> bool:
        raise ValueError("the truth value of per-candidate values is ambiguous; use any() or all()")

    @property
    def shape(self) -> tuple[int, ...]:
        """The content's shape: (candidates,) or (candidates, list length)."""
        return self.content.shape

    @property
    def ndim(self) -> int:
        """As the awkward array: events x candidates [x list]."""
        return 1 + len(self.shape)

    def tolist(self) -> list[Any]:
        return self.to_awkward().tolist()

    @property
    def numbers(self) -> np.ndarray | None:
        """The content when it is numbers (not objects), else None."""
        c = self.content
        return c if isinstance(c, np.ndarray) else None

    # --- narrowing -------------------------------------------------------------------------
    def _take(self, layout: Layout, keep: np.ndarray) -> Cands:
        """Cands of the candidates ``keep``; gathered when first read (many never are)."""
        rows = np.flatnonzero(keep) if self._rows is None else self._rows[keep]
        return Cands(layout, self._content, self._valid, rows)

    def take_events(self, mask: np.ndarray) -> Cands:
        layout, keep = self.layout.take_events(mask)
        return self._take(layout, keep)

    def select(self, keep: np.ndarray) -> Cands:
        """The candidates passing ``keep`` (one bool per candidate)."""
        return self._take(self.layout.select(keep), keep)

    def same_lists(self, content: Content) -> Cands:
        """Other values on this layout and mask (a field, an elementwise result)."""
        return Cands(self.layout, content, self.valid)

    def per_candidate(self, values: np.ndarray) -> Cands:
        """One value per candidate on this layout (a reduction of each candidate's list)."""
        return Cands(self.layout, values)

    # --- records ---------------------------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        if not isinstance(key, str):
            return self.to_awkward()[key]
        hit = self._fields.get(key)
        if hit is not None:
            return hit
        c = self.content
        if isinstance(c, ObjRef) and c.table.has(key):
            out = self.same_lists(c.table.column(key)[c.index])
        elif isinstance(c, PairRef | QuadRef) and key in PARTS[type(c)]:
            out = self.same_lists(getattr(c, key))
        elif isinstance(c, PairRef) and c.sums is not None and key in SUM_FIELDS:
            out = self.same_lists(c.sums[SUM_FIELDS.index(key)])
        else:
            return self.to_awkward()[key]
        self._fields[key] = out
        return out

    def cached(self, key: str, make: Callable[[], Cands]) -> Cands:
        """A derived value kept with this one (pairs, constituents: asked for more than once)."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    # --- awkward ---------------------------------------------------------------------------
    def to_awkward(self) -> ak.Array:
        """The same value as an awkward array: events x candidates [x list]."""
        return ak.unflatten(_inner(self.content, self.valid), self.layout.counts)

    # --- elementwise -----------------------------------------------------------------------
    def __neg__(self) -> Any:
        return apply(np.negative, self)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return apply(np.absolute, self)

    def __invert__(self) -> Any:
        return apply(np.invert, self)

    __hash__ = None  # type: ignore[assignment]


SUM_FIELDS = ("_px", "_py", "_pz", "_e", "_mass")


def _binary(ufunc: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
    return (lambda self, other: apply(ufunc, self, other)), (
        lambda self, other: apply(ufunc, other, self)
    )


# arithmetic both ways round; comparisons need no reflection (Python mirrors a < b to b > a)
for _name, _ufunc in {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "truediv": np.true_divide,
    "floordiv": np.floor_divide,
    "mod": np.remainder,
    "pow": np.power,
    "and": np.bitwise_and,
    "or": np.bitwise_or,
    "xor": np.bitwise_xor,
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
    "eq": np.equal,
    "ne": np.not_equal,
}.items():
    _forward, _reflected = _binary(_ufunc)
    setattr(Cands, f"__{_name}__", _forward)
    if _name not in ("lt", "le", "gt", "ge", "eq", "ne"):
        setattr(Cands, f"__r{_name}__", _reflected)


def _nest(flat: Any, shape: tuple[int, ...], valid: np.ndarray | None) -> Any:
    """Flat entries (all, or the valid ones) as lists of ``shape[1]`` per candidate."""
    if len(shape) == 1:
        return flat
    per = valid.sum(axis=1) if valid is not None else np.full(shape[0], shape[1], dtype=np.int64)
    return ak.unflatten(flat, per)


def _inner(c: Content, valid: np.ndarray | None) -> Any:
    """One entry per candidate (a list per candidate for 2-d contents) as awkward."""
    shape = c.shape
    pick = (lambda x: x[valid]) if valid is not None else (lambda x: x.reshape(-1))
    if isinstance(c, np.ndarray):
        return _nest(ak.Array(pick(c)), shape, valid)
    return _nest(_records(c, pick), shape, valid)


def _records(c: Ref, pick: Callable[[np.ndarray], np.ndarray]) -> ak.Array:
    if isinstance(c, ObjRef):
        return c.table.items[pick(c.index)]
    if isinstance(c, PairRef):
        fields: dict[str, Any] = {
            "first": _records(c.first, pick),
            "second": _records(c.second, pick),
        }
        if c.sums is not None:
            fields |= {name: pick(x) for name, x in zip(SUM_FIELDS, c.sums, strict=True)}
        return ak.zip(fields, depth_limit=1)
    return ak.zip({"z1": _records(c.z1, pick), "z2": _records(c.z2, pick)}, depth_limit=1)


def adopt(x: Any, like: Cands) -> Any:
    """An awkward result of ``like``'s structure (events x candidates [x list], numbers) as
    Cands; anything else unchanged."""
    if not (isinstance(x, ak.Array) and x.ndim in (2, 3) and plain(x) and not ak.fields(x)):
        return x
    flat = take_apart(x)
    values = ak.to_numpy(flat.items)
    if x.ndim == 2:
        return Cands(like.layout, values) if like.layout.same(Layout(flat.counts)) else x
    if not like.layout.same(Layout(flat.outer[0])):
        return x
    counts = flat.counts
    width = int(counts.max()) if len(counts) else 0
    if len(counts) and (counts == width).all():
        return Cands(like.layout, values.reshape(len(counts), width))
    valid = np.arange(width) < counts[:, None]
    out = np.zeros((len(counts), width), dtype=values.dtype)
    out[valid] = values
    return Cands(like.layout, out, valid)


def _operand(x: Any, ref: Cands) -> Any:
    """``x`` as something numpy combines with ``ref``'s content, or None if it cannot be."""
    if isinstance(x, Cands):
        return x if x.numbers is not None and x.layout.same(ref.layout) else None
    if isinstance(x, SCALARS):
        return x
    if isinstance(x, ak.Array):
        x = adopt(x, ref)
        if isinstance(x, Cands):
            return _operand(x, ref)
        if x.ndim != 1 or ak.fields(x) or "?" in str(x.type):
            return None
        x = ak.to_numpy(x)
    if isinstance(x, np.ndarray) and x.ndim == 0:
        return x
    if isinstance(x, np.ndarray) and x.ndim == 1 and len(x) == ref.layout.n_events:
        return x[ref.layout.owner]  # an event value, seen by each of its candidates
    return None


def apply(fn: Callable[..., Any], *args: Any, fallback: Callable[..., Any] | None = None) -> Any:
    """``fn`` elementwise over Cands (same layout), per-event arrays and numbers.

    Contents of different depth line up by their leading axes (a candidate's value with
    each of its leptons), as awkward broadcasts. What cannot be lined up (other layouts,
    records, different masks) goes to ``fallback`` (default ``fn``) on awkward arrays.
    """
    ref = next(a for a in args if isinstance(a, Cands))
    operands = [_operand(a, ref) for a in args]
    lists = [o for o in operands if isinstance(o, Cands)]
    depth = max(len(o.shape) for o in lists) if all(o is not None for o in operands) else 0
    valids = [
        o.valid for o in lists if len(o.shape) == depth
    ]  # lists must be alike, as awkward wants
    if depth == 0 or any(not _same_mask(v, valids[0]) for v in valids[1:]):
        awkward = [a.to_awkward() if isinstance(a, Cands) else a for a in args]
        return adopt((fallback or fn)(*awkward), ref)
    arrays = [o.numbers if isinstance(o, Cands) else o for o in operands]
    arrays = [
        a.reshape(a.shape + (1,) * (depth - a.ndim)) if isinstance(a, np.ndarray) else a
        for a in arrays
    ]
    with np.errstate(all="ignore") if valids[0] is not None else nullcontext():
        out = fn(*arrays)  # masked-out entries may hold anything: no warnings from them
    return Cands(ref.layout, out, valids[0])


def _same_mask(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return a is b or (a is not None and b is not None and np.array_equal(a, b))


def elementwise(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` (a numpy ufunc or elementwise function) also over Cands."""

    def wrapper(*args: Any) -> Any:
        if any(isinstance(a, Cands) for a in args):
            return apply(fn, *args)
        return fn(*args)

    wrapper.__name__ = getattr(fn, "__name__", "elementwise")
    wrapper.__doc__ = fn.__doc__
    return wrapper


def to_awkward(x: Any) -> Any:
    return x.to_awkward() if isinstance(x, Cands) else x


def awkward_args(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` of the awkward implementation, given awkward arrays for any Cands argument."""

    def wrapper(*args: Any) -> Any:
        if not any(isinstance(a, Cands) for a in args):
            return fn(*args)
        like = next(a for a in args if isinstance(a, Cands))
        return adopt(fn(*(to_awkward(a) for a in args)), like)

    wrapper.__name__ = getattr(fn, "__name__", "function")
    wrapper.__doc__ = fn.__doc__
    return wrapper


# --- reductions ----------------------------------------------------------------------------


def _columns(values: np.ndarray, valid: np.ndarray | None, fill: Any) -> list[np.ndarray]:
    filled = values if valid is None else np.where(valid, values, fill)
    return [filled[:, k] for k in range(filled.shape[1])]


def reduce_lists(c: Cands, how: str) -> Any:
    """sum/any/all/min/max over each candidate's list (-> per candidate) or over each
    event's candidates (-> per event); None where awkward must do it."""
    values = c.numbers
    if values is None:
        return None
    if values.ndim == 2:
        return c.per_candidate(_reduce_columns(values, c.valid, how))
    if values.ndim == 1:
        return _reduce_events(values, c.layout, how)
    return None


def _reduce_columns(values: np.ndarray, valid: np.ndarray | None, how: str) -> np.ndarray:
    n = values.shape[0]
    if how in ("any", "all"):
        cols = _columns(values, valid, how == "all")
        out = np.full(n, how == "all") if not cols else cols[0].astype(bool)
        for col in cols[1:]:
            out = (out | col.astype(bool)) if how == "any" else (out & col.astype(bool))
        return out
    if how == "sum":  # in order, in the values' type (as awkward's sum)
        dtype = values.dtype if np.issubdtype(values.dtype, np.floating) else np.dtype(np.int64)
        cols = [col.astype(dtype, copy=False) for col in _columns(values, valid, 0)]
        out = np.zeros(n, dtype=dtype) if not cols else cols[0]
        for col in cols[1:]:
            out = out + col
        return out
    # min/max: NaN ignored (as awkward), empty -> +/-inf, in double precision
    fill = np.inf if how == "min" else -np.inf
    out = np.full(n, fill)
    pick = np.fmin if how == "min" else np.fmax
    for col in _columns(values, valid, np.nan):
        out = pick(out, col.astype(np.float64))
    return np.where(np.isnan(out), fill, out)


def _reduce_events(values: np.ndarray, layout: Layout, how: str) -> np.ndarray | None:
    counts, starts = layout.counts, layout.starts
    has = counts > 0
    if how in ("any", "all"):
        hits = np.bincount(layout.owner[values.astype(bool)], minlength=len(counts))
        return hits > 0 if how == "any" else hits == counts
    if how == "sum":
        if np.issubdtype(values.dtype, np.floating):
            return None  # awkward adds in order; reduceat would not
        total = np.zeros(len(counts), dtype=np.int64)
        if len(values):
            total[has] = np.add.reduceat(values.astype(np.int64), starts[has])
        return total
    fill = np.inf if how == "min" else -np.inf
    out = np.full(len(counts), fill)
    if len(values):
        pick = np.fmin if how == "min" else np.fmax
        out[has] = pick.reduceat(values.astype(np.float64), starts[has])
    return np.where(np.isnan(out), fill, out)


def nth_entry(c: Cands, index: int) -> Any:
    """Entry ``index`` of each list as float64, NaN where the list is shorter (as reduce.nth)."""
    values = c.numbers
    if values is None or index < 0:
        return None
    if values.ndim == 2:
        out = np.full(values.shape[0], np.nan)
        if c.valid is None:
            if index < values.shape[1]:
                out = values[:, index].astype(np.float64)
            return c.per_candidate(out)
        position = np.cumsum(c.valid, axis=1) - 1
        rows, cols = np.nonzero(c.valid & (position == index))
        out[rows] = values[rows, cols]
        return c.per_candidate(out)
    if values.ndim == 1:
        counts, starts = c.layout.counts, c.layout.starts
        out = np.full(len(counts), np.nan)
        has = counts > index
        out[has] = values[starts[has] + index]
        return out
    return None


def count_entries(c: Cands) -> Any:
    """Entries per candidate (2-d contents) or candidates per event."""
    if len(c.shape) == 2:
        n = c.valid.sum(axis=1) if c.valid is not None else np.full(c.shape[0], c.shape[1])
        return c.per_candidate(n.astype(np.int64))
    return c.layout.counts.copy()


def best_mask(keys: Sequence[Any], like: Cands, alive: np.ndarray | None = None) -> Cands | None:
    """True for the one (live) candidate of ``like``'s layout per event minimising ``keys``
    lexicographically, first on ties (as best_candidate_mask); None unless every key is one
    number per candidate of that layout (flat, or awkward of that structure)."""
    layout = like.layout
    flat = []
    for key in keys:
        key = adopt(key, like)
        numbers = key.numbers if isinstance(key, Cands) and key.layout.same(layout) else None
        if numbers is None or numbers.ndim != 1:
            return None
        flat.append(numbers)
    if alive is not None:
        flat = [np.where(alive, n.astype(np.float64), np.inf) for n in flat]
    return Cands(layout, lexicographic_first(flat, layout.counts))


# --- building candidates -------------------------------------------------------------------


def _pair_ref(table: Table, i: np.ndarray, j: np.ndarray, with_sums: bool) -> PairRef:
    sums = tuple(pair_p4(table.p4(), i, j)) if with_sums else None
    return PairRef(ObjRef(table, i), ObjRef(table, j), sums)


def _sfos(table: Table) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    flavour, charge = table.column("flavour"), table.column("charge")
    return lambda i, j: (flavour[i] == flavour[j]) & (charge[i] * charge[j] < 0)


def _objects(c: Any, needs: tuple[str, ...]) -> tuple[Table, np.ndarray] | None:
    """An events x objects awkward array as a table and counts; None if not that."""
    if not (plain(c) and c.ndim == 2 and set(needs) <= set(ak.fields(c))):
        return None
    flat = take_apart(c)
    return Table(flat.items), flat.counts


def event_pairs(c: Any, *, sfos: bool) -> Cands | None:
    """(i < j) pairs of each event's objects (SFOS ones only with ``sfos``), in combination
    order; SFOS pairs carry their summed four-vector (as objects.sfos_pairs)."""
    got = _objects(c, ("pt", "eta", "phi", "e", "flavour", "charge") if sfos else ())
    if got is None:
        return None
    table, counts = got
    owner, i, j = grouped_pairs(counts, _sfos(table) if sfos else None)
    layout = Layout(np.bincount(owner, minlength=len(counts)))
    return Cands(layout, _pair_ref(table, i, j, sfos))


def quadruplets(c: Any, mz: float) -> Cands | None:
    """Two SFOS pairs sharing no object per candidate, z1 the pair closest to ``mz``, in the
    order of objects.quadruplets; None where that needs awkward."""
    got = _objects(c, ("pt", "eta", "phi", "e", "flavour", "charge"))
    if got is None:
        return None
    table, counts = got
    pair_owner, pi, pj = grouped_pairs(counts, _sfos(table))
    sums = pair_p4(table.p4(), pi, pj)
    masses = sums[4]
    pair_counts = np.bincount(pair_owner, minlength=len(counts))
    owner, a, b = grouped_pairs(
        pair_counts,
        lambda a, b: (pi[a] != pi[b]) & (pi[a] != pj[b]) & (pj[a] != pi[b]) & (pj[a] != pj[b]),
    )
    a_first = abs(masses[a] - mz) <= abs(masses[b] - mz)
    first, second = np.where(a_first, a, b), np.where(a_first, b, a)

    def pair(k: np.ndarray) -> PairRef:
        return PairRef(ObjRef(table, pi[k]), ObjRef(table, pj[k]), tuple(x[k] for x in sums))

    members = np.stack([pi[first], pj[first], pi[second], pj[second]], axis=1)
    order = np.argsort(-table.column("pt")[members], axis=1, kind="stable")
    members = np.take_along_axis(members, order, axis=1)
    layout = Layout(np.bincount(owner, minlength=len(counts)))
    return Cands(layout, QuadRef(pair(first), pair(second), ObjRef(table, members)))


def constituents(c: Cands) -> Cands | None:
    """The objects of each candidate by decreasing pt (stable, as objects.sorted_by_pt)."""
    ref = c.content
    if isinstance(ref, QuadRef):
        return c.cached("constituents", lambda: Cands(c.layout, ref.members, c.valid))
    if isinstance(ref, ObjRef):
        return c
    if isinstance(ref, PairRef) and ref.first.index.ndim == 1 and c.valid is None:

        def build() -> Cands:
            members = np.stack([ref.first.index, ref.second.index], axis=1)
            order = np.argsort(-ref.first.table.column("pt")[members], axis=1, kind="stable")
            return Cands(
                c.layout, ObjRef(ref.first.table, np.take_along_axis(members, order, axis=1))
            )

        return c.cached("constituents", build)
    return None


def list_pairs(c: Cands, *, sfos: bool) -> Cands | None:
    """The (i < j) pairs within each candidate's objects (a fixed-length list), in
    combination order; the SFOS ones are masked in (``valid``) and carry their sums."""
    ref = c.content
    if not (isinstance(ref, ObjRef) and ref.index.ndim == 2 and c.valid is None):
        return None
    if sfos and not {"pt", "eta", "phi", "e", "flavour", "charge"} <= set(
        ak.fields(ref.table.items)
    ):
        return None

    def build() -> Cands:
        table, index = ref.table, ref.index
        table_pairs = combination_table(index.shape[1])
        i, j = index[:, table_pairs[:, 0]], index[:, table_pairs[:, 1]]
        valid = _sfos(table)(i, j) if sfos else None
        return Cands(c.layout, _pair_ref(table, i, j, sfos), valid)

    return c.cached("sfos_pairs" if sfos else "pairs", build)


def p4_of(c: Cands) -> tuple[Cands, ...] | None:
    """(px, py, pz, E) of objects, or of the sum of a pair's or candidate's objects."""
    if isinstance(c.content, ObjRef | PairRef | QuadRef):
        return tuple(c.same_lists(x) for x in c.content.p4())
    return None


def pair_mass(c: Cands) -> Cands | None:
    """The mass a pair was built with (sfos pairs, quadruplet pairs)."""
    ref = c.content
    if isinstance(ref, PairRef) and ref.sums is not None:
        return c.same_lists(ref.sums[4])
    return None


def phi_eta(c: Cands) -> tuple[Cands, Cands] | None:
    """phi and eta of objects (double precision), or of a composite's summed four-vector."""
    ref = c.content
    if isinstance(ref, ObjRef):
        return c.same_lists(ref.table.double("phi")[ref.index]), c.same_lists(
            ref.table.double("eta")[ref.index]
        )
    if isinstance(ref, PairRef | QuadRef):
        px, py, pz, _ = ref.p4()
        pt = np.hypot(px, py)
        with np.errstate(all="ignore"):
            return c.same_lists(np.arctan2(py, px)), c.same_lists(np.arcsinh(pz / pt))
    return None

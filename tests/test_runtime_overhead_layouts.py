"""The layout shortcuts of the reader and the runtime against the awkward calls they replace.

Each shortcut reads offsets and columns off an array's layout (FlatObjects and take_apart
instead of ak.num/ak.flatten, FlatObjects.select instead of ak.unflatten of a gather, count
instead of ak.num, keep_events' take_layout instead of a boolean mask, the reader's record
zip and pT-order check instead of ak.zip and ak.num/ak.flatten): here each gives what the
awkward formulation gives, on lists that start anywhere in their content, empty lists, lists
narrowed by an earlier event cut, and structures the shortcut leaves to awkward.
"""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.data import build
from pipeline.runtime import objects as O
from pipeline.runtime.flat import FlatObjects, list_counts, list_parts, take_apart
from pipeline.runtime.selection import EventState, take_layout

COUNTS = st.lists(st.integers(0, 4), max_size=12)


def objects(counts: list[int], seed: int = 0) -> ak.Array:
    """Events x Momentum4D-like records (pt decreasing in each event), ``counts`` per event."""
    rng = np.random.default_rng(seed)
    n = int(sum(counts))
    columns = {
        "pt": np.sort(rng.uniform(1, 100, n))[::-1].astype(np.float32),
        "eta": rng.uniform(-3, 3, n).astype(np.float32),
        "charge": rng.choice(np.array([-1, 1], dtype=np.int32), n),
    }
    return ak.unflatten(ak.zip(columns, depth_limit=1), np.asarray(counts, dtype=np.int64))


def shapes(c: ak.Array) -> list[ak.Array]:
    """The same kind of list array as reached in a run: as built, sliced (offsets not from 0),
    narrowed by an event mask (a ListArray), and after a selection (indexed records)."""
    n = len(c)
    out = [c, c[1:], c[: max(n - 1, 0)]]
    if n:
        out.append(c[np.arange(n) % 2 == 0])
        out.append(c[c["pt"] > 40])
    return out


def same(a: ak.Array, b: ak.Array) -> None:
    assert str(a.type) == str(b.type)
    assert ak.to_list(a) == ak.to_list(b)


@settings(max_examples=60, deadline=None)
@given(counts=COUNTS, seed=st.integers(0, 5))
def test_flat_objects_read_the_lists_as_ak_num_and_flatten(counts: list[int], seed: int) -> None:
    for c in shapes(objects(counts, seed)):
        flat = FlatObjects(c)
        assert flat.counts.tolist() == ak.num(c, axis=1).tolist()
        same(flat.items, ak.flatten(c, axis=1))
        assert flat["pt"].tolist() == ak.to_list(ak.flatten(c["pt"], axis=1))
        apart = take_apart(c)
        assert apart.counts.tolist() == ak.num(c, axis=1).tolist()
        same(apart.items, ak.flatten(c, axis=1))
        assert O.count(c).tolist() == ak.num(c, axis=1).tolist()
        assert isinstance(O.count(c), np.ndarray) and O.count(c).dtype == np.int64


@settings(max_examples=60, deadline=None)
@given(counts=COUNTS, seed=st.integers(0, 5), cut=st.sampled_from([0.0, 30.0, 60.0, 101.0]))
def test_select_equals_unflatten_of_the_kept_objects(
    counts: list[int], seed: int, cut: float
) -> None:
    for c in shapes(objects(counts, seed)):
        flat = FlatObjects(c)
        keep = flat["pt"] > cut
        owner = np.repeat(np.arange(len(flat.counts)), flat.counts)
        want = ak.unflatten(
            flat.items[np.flatnonzero(keep)], np.bincount(owner[keep], minlength=len(c))
        )
        got = flat.select(keep)
        same(got, want)
        assert O.count(got).tolist() == ak.num(want, axis=1).tolist()
        same(got["pt"], want["pt"])
        same(flat.select(True), c)  # a scalar mask broadcasts


def test_shortcuts_leave_other_structures_to_awkward() -> None:
    c = objects([2, 0, 3])
    optional = ak.mask(c, [True, False, True])  # missing lists
    regular = ak.to_regular(objects([2, 2, 2]), axis=1)
    assert list_parts(optional) is None and list_counts(optional) is None
    assert list_parts(regular) is None and list_counts(regular) is None
    assert ak.to_list(O.count(optional)) == [2, None, 3]
    assert ak.to_list(O.count(regular)) == [2, 2, 2]
    deeper = ak.unflatten(c, [1, 2])  # events x lists x objects: ak.num of the innermost
    assert ak.to_list(O.count(deeper)) == ak.to_list(ak.num(deeper, axis=-1))
    flat = FlatObjects(regular)
    keep = flat["pt"] > 40
    same(
        flat.select(keep),
        ak.unflatten(flat.items[keep], [int(k.sum()) for k in keep.reshape(3, 2)]),
    )


def events(counts: list[int], seed: int = 0) -> ak.Array:
    n = len(counts)
    rng = np.random.default_rng(seed)
    jets = objects(counts, seed)
    return ak.zip(
        {
            "event": np.arange(n, dtype=np.uint64),
            "met": rng.uniform(0, 200, n).astype(np.float32),
            "jets": jets,
            "pair": ak.zip({"a": np.arange(n), "b": np.arange(n) * 2.0}),  # nested record
            "indexed": ak.Array(
                ak.contents.IndexedArray(
                    ak.index.Index64(np.arange(n)[::-1].copy()),
                    ak.contents.NumpyArray(np.arange(n, dtype=np.int64)),
                )
            ),
            "optional": ak.Array(
                ak.contents.IndexedOptionArray(
                    ak.index.Index64(np.where(np.arange(n) % 3 == 0, -1, np.arange(n))),
                    ak.contents.NumpyArray(np.arange(n, dtype=np.float64)),
                )
            ),
        },
        depth_limit=1,
    )


@settings(max_examples=60, deadline=None)
@given(counts=COUNTS, seed=st.integers(0, 5), pattern=st.integers(0, 3))
def test_take_layout_equals_a_boolean_mask(counts: list[int], seed: int, pattern: int) -> None:
    ev = events(counts, seed)
    mask = (np.arange(len(ev)) % (pattern + 2)) != 0 if pattern < 3 else np.zeros(len(ev), bool)
    index = np.flatnonzero(mask)
    narrowed = ev["jets"][ev["jets"]["pt"] > 40]
    for value in (ev, ev["jets"], narrowed, ev["indexed"], ev["optional"], ev[1:]):
        m = mask[: len(value)]
        taken = take_layout(value.layout, np.flatnonzero(m))
        assert taken is not None
        same(ak.Array(taken), value[m])
    optional = ak.mask(ev["met"], ev["met"] > 50)
    assert take_layout(optional.layout, index) is None  # a ByteMaskedArray: left to awkward
    state = EventState(ak.zip({"met": optional, "event": ev["event"]}, depth_limit=1))
    state["jets40"] = ev["jets"][ev["jets"]["pt"] > 40]
    state["n"] = np.arange(len(ev))
    state.keep_events(mask)
    assert ak.to_list(state.events) == ak.to_list(
        ak.zip({"met": optional, "event": ev["event"]}, depth_limit=1)[mask]
    )
    same(state["jets40"], ev["jets"][ev["jets"]["pt"] > 40][mask])
    assert state["n"].tolist() == index.tolist()


def test_keep_events_narrows_every_value_as_awkward_does() -> None:
    ev = events([3, 0, 2, 5, 1, 0, 4])
    state = EventState(ev)
    state["jets40"] = FlatObjects(state.collection("jets")).select(
        FlatObjects(state.collection("jets"))["pt"] > 40
    )
    keep = O.count(state["jets40"]) >= 1
    state.keep_events(keep)
    want = ev[keep]
    for name in ev.fields:
        same(state.events[name], want[name])
    same(state["jets40"], ev["jets"][ev["jets"]["pt"] > 40][keep])
    assert len(state) == int(keep.sum())


def raw_lists(counts: list[int], seed: int, ordered: bool) -> dict[str, ak.Array]:
    rng = np.random.default_rng(seed)
    n = int(sum(counts))
    pt = rng.choice(np.array([5.0, 20.0, 20.0, 35.0, np.inf], dtype=np.float32), n)
    parts = np.split(pt, np.cumsum(counts)[:-1]) if counts else []
    if ordered and parts:
        pt = np.concatenate([np.sort(p)[::-1] for p in parts]).astype(np.float32)
    per_event = np.asarray(counts, dtype=np.int64)
    return {
        "pt": ak.unflatten(pt, per_event),
        "eta": ak.unflatten(rng.uniform(-2, 2, n).astype(np.float32), per_event),
        "phi": ak.unflatten(rng.uniform(-3, 3, n).astype(np.float32), per_event),
        "e": ak.unflatten(rng.uniform(40, 90, n).astype(np.float32), per_event),
    }


@settings(max_examples=80, deadline=None)
@given(counts=COUNTS, seed=st.integers(0, 9), ordered=st.booleans(), start=st.integers(0, 2))
def test_reader_records_and_order_equal_ak_zip_and_argsort(
    counts: list[int], seed: int, ordered: bool, start: int
) -> None:
    fields = {k: v[start:] for k, v in raw_lists(counts, seed, ordered).items()}
    for chosen in (["pt"], ["pt", "eta"], ["pt", "eta", "phi", "e"]):
        part = {k: fields[k] for k in chosen}
        record = build._record(part)
        want = ak.zip(part, with_name=build._vector_name(part))
        same(record, want)
        sorted_want = want[ak.argsort(want.pt, axis=1, ascending=False, stable=True)]
        same(build._by_pt(record), sorted_want)
        same(build._by_pt(want), sorted_want)


def test_zip_refuses_lists_of_other_counts() -> None:
    a = ak.Array([[1.0, 2.0], [3.0]])
    b = ak.Array([[1.0], [3.0, 4.0]])
    assert build._zip_lists({"pt": a, "eta": b}, None) is None
    with pytest.raises(ValueError):
        build._record({"pt": a, "eta": b})


@pytest.mark.parametrize(
    ("lists", "expected"),
    [
        ([[3.0, 2.0], [5.0, 1.0]], True),  # a rise across events is no disorder
        ([[3.0, 2.0], [], [5.0]], True),
        ([[], [2.0, 3.0]], False),
        ([[2.0, 2.0, 1.0], []], True),
        ([[1.0], [np.nan]], False),  # NaN: left to the sort
        ([[np.inf, np.inf, 1.0]], True),
        ([[]], True),
        ([[np.nan]], False),
    ],
)
def test_decreasing(lists: list[list[float]], expected: bool) -> None:
    assert build._decreasing(ak.Array(lists)) is expected

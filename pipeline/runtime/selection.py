"""Step-by-step event selection with a cutflow, in the spirit of coffea's PackedSelection.

:class:`EventState` holds one chunk's arrays (events, cleaned collections, derived
quantities) and narrows all of them together: an event-level step keeps events,
a candidate-level step keeps candidates and then the events that still have one.
:class:`CutflowCounter` adds up, over chunks, the raw and weighted number of events
after each step; steps that the dataset cannot express are recorded as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import awkward as ak
import numpy as np

from pipeline.contract import CutflowStep
from pipeline.runtime import candidates as fc
from pipeline.runtime.candidates import Cands
from pipeline.runtime.flat import best_flat, plain, take_apart
from pipeline.runtime.kinematics import met_vector
from pipeline.selection.fields import COLLECTIONS, EVENT_FIELDS, EVENT_OBJECTS


def build_event_object(name: str, events: ak.Array) -> Any:
    """An object of :data:`EVENT_OBJECTS` built from the event fields (met_vec from met,
    met_phi)."""
    if name == "met_vec":
        return met_vector(events["met"], events["met_phi"])
    raise KeyError(name)


def empty_collection(name: str, n: int) -> ak.Array:
    """``n`` events with no objects of collection ``name`` (its canonical fields, as Momentum4D)."""
    columns: dict[str, np.ndarray] = {
        f: np.zeros(0, dtype=np.bool_ if dim == "bool" else np.float64)
        for f, (dim, _) in COLLECTIONS[name].items()
    }
    return ak.unflatten(ak.zip(columns, with_name="Momentum4D"), np.zeros(n, dtype=np.int64))


def _keep(value: Any, mask: np.ndarray, index: np.ndarray | None = None) -> Any:
    """``value`` of the events passing ``mask`` (whose positions are ``index``, if given)."""
    if isinstance(value, Cands):
        return value.take_events(mask)
    if isinstance(value, ak.Array) and index is not None and len(value) == len(mask):
        taken = take_layout(value.layout, index)
        if taken is not None:
            return ak.Array(taken, behavior=value.behavior, attrs=value.attrs)
    return value[mask] if isinstance(value, ak.Array | np.ndarray) else value


def _keep_alive(alive: Any, target: Any, mask: np.ndarray, index: np.ndarray | None) -> Any:
    """A candidate mask narrowed to the events passing ``mask``."""
    if isinstance(target, Cands):
        return alive[target.layout.take_events(mask)[1]]
    return _keep(alive, mask, index)


def take_layout(layout: ak.contents.Content, index: np.ndarray) -> ak.contents.Content | None:
    """The entries ``index`` (int64, increasing, in range) of ``layout``, as awkward's boolean
    mask gives them but built with numpy, columns gathered at once: a record's numbers directly,
    its lists by their starts and stops (the objects stay where they are), indexed values by
    their index. None for other structures (masked or regular arrays, unions), which awkward
    narrows."""
    if isinstance(layout, ak.contents.NumpyArray):
        if not isinstance(layout.data, np.ndarray):
            return None
        return ak.contents.NumpyArray(layout.data[index], parameters=layout.parameters)
    if isinstance(layout, ak.contents.ListOffsetArray | ak.contents.ListArray):
        starts, stops = layout.starts.data, layout.stops.data
        if not (isinstance(starts, np.ndarray) and isinstance(stops, np.ndarray)):
            return None
        return ak.contents.ListArray(
            ak.index.Index(starts[index]),
            ak.index.Index(stops[index]),
            layout.content,
            parameters=layout.parameters,
        )
    if isinstance(layout, ak.contents.IndexedArray | ak.contents.IndexedOptionArray):
        if not isinstance(layout.index.data, np.ndarray):
            return None
        kind = type(layout)
        return kind(
            ak.index.Index(layout.index.data[index]), layout.content, parameters=layout.parameters
        )
    if isinstance(layout, ak.contents.RecordArray):
        contents = []
        for i in range(len(layout.contents)):
            taken = take_layout(layout.content(i), index)
            if taken is None:
                return None
            contents.append(taken)
        return ak.contents.RecordArray(
            contents,
            None if layout.is_tuple else layout.fields,
            length=len(index),
            parameters=layout.parameters,
        )
    return None


def _alive_view(value: Any, alive: Any) -> Any:
    return value.select(alive) if isinstance(value, Cands) else value[alive]


class EventState:
    """The arrays of one chunk, narrowed together as the cutflow proceeds.

    Candidate collections are never cut down: a candidate-level step ands a mask
    (``alive``) over the full candidate list, because masking is much cheaper than
    filtering nested records. Candidate-scope expressions read the full arrays
    (:meth:`cand`); everything else (``v[name]``) sees the candidates still alive.
    Candidates built from plain collections are flat (:class:`~pipeline.runtime.candidates.Cands`,
    ``alive`` one bool per candidate); :meth:`awkward` shows every value as awkward arrays.
    """

    def __init__(self, events: ak.Array, weight_field: str = "weight") -> None:
        self.events = events
        self._weights: np.ndarray | None = None
        self.values: dict[str, Any] = {}
        self.candidate_scope: dict[str, list[str]] = {}
        self.alive: dict[str, Any] = {}
        self._views: dict[str, Any] = {}
        self._weight_field = weight_field

    def _target_of(self, name: str) -> str | None:
        if name in self.alive:
            return name
        return next(
            (t for t, names in self.candidate_scope.items() if name in names and t in self.alive),
            None,
        )

    def __getitem__(self, name: str) -> Any:
        if name in self.values:
            target = self._target_of(name)
            if target is None:
                return self.values[name]
            if name not in self._views:
                self._views[name] = _alive_view(self.values[name], self.alive[target])
            return self._views[name]
        if name not in self.events.fields and EVENT_FIELDS.get(name, ("",))[0] == "bool":
            return False  # a flag the dataset does not record (checked by the cut's requirements)
        if name in EVENT_OBJECTS and name not in self.events.fields:
            self.values[name] = build_event_object(name, self.events)
            return self.values[name]
        return self.events[name]

    def cand(self, name: str) -> Any:
        """The value for every candidate, alive or not (candidate-scope expressions)."""
        return self.values[name] if name in self.values else self[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.values[name] = value
        self._views.pop(name, None)

    def __len__(self) -> int:
        return len(self.events)

    def branch(self) -> EventState:
        """A copy to narrow further (a region on top of this state); this one is unchanged.

        Arrays are never changed in place (every step makes new ones), so the copy shares
        them; only the dictionaries that steps update are copied."""
        other = EventState(self.events, self._weight_field)
        other._weights = self._weights
        other.values = dict(self.values)
        other.candidate_scope = {k: list(v) for k, v in self.candidate_scope.items()}
        other.alive = dict(self.alive)
        return other

    def collection(self, name: str) -> Any:
        """A canonical collection of the data; one with no objects in any event when the data
        lack it (the cuts reading it are then not applicable, and nothing it feeds fails)."""
        if name in self.events.fields:
            return self.events[name]
        return empty_collection(name, len(self))

    def define_candidates(self, target: str, name: str, value: Any) -> None:
        """A quantity computed per candidate of ``target`` (on the full candidate list)."""
        self[name] = value
        self.candidate_scope.setdefault(target, [])
        if name not in self.candidate_scope[target]:
            self.candidate_scope[target].append(name)

    def weights(self) -> np.ndarray:
        if self._weights is None:
            self._weights = (
                ak.to_numpy(self.events[self._weight_field]).astype(np.float64)
                if self._weight_field in self.events.fields
                else np.ones(len(self))
            )
        return self._weights

    def awkward(self) -> AwkwardView:
        """This state with every value as awkward arrays (for code written against awkward)."""
        return AwkwardView(self)

    def keep_events(self, mask: Any) -> None:
        if isinstance(mask, Cands):
            mask = mask.to_awkward()
        if isinstance(mask, bool | np.bool_):
            mask = np.full(len(self), bool(mask))
        if not (
            isinstance(mask, np.ndarray) and mask.dtype == np.bool_
        ):  # numpy needs no awkward call
            mask = ak.fill_none(mask, False)
            if isinstance(mask, ak.Array):
                mask = ak.to_numpy(mask)
        if (
            isinstance(mask, np.ndarray)
            and mask.dtype == np.bool_
            and mask.shape == (len(self),)
            and mask.all()
        ):
            return  # every event passes: filtering would only copy (and deepen) every array
        mask = np.asarray(mask)
        # one bool per event: narrow every array by the passing events' positions at once
        index = (
            np.flatnonzero(mask) if mask.dtype == np.bool_ and mask.shape == (len(self),) else None
        )
        self.alive = {
            name: _keep_alive(value, self.values[name], mask, index)
            for name, value in self.alive.items()
        }
        self.events = _keep(self.events, mask, index)
        self._weights = None
        self.values = {name: _keep(value, mask, index) for name, value in self.values.items()}
        self._views.clear()

    def keep_candidates(self, target: str, mask: Any) -> None:
        """Keep the candidates of ``target`` passing ``mask``; then the events with one left."""
        cands = self.values[target]
        if isinstance(cands, Cands):
            keep = _candidate_mask(mask, cands)
            alive = self.alive.get(target)
            self.alive[target] = keep if alive is None else alive & keep
            self._views.clear()
            self.keep_events(
                np.bincount(cands.layout.owner[self.alive[target]], minlength=len(self)) > 0
            )
            return
        flat = _and_flat(self.alive.get(target), mask, self.values[target])
        if flat is not None:
            self.alive[target], any_alive = flat
            self._views.clear()
            self.keep_events(any_alive)
            return
        cands = self.values[target]
        mask = ak.fill_none(ak.broadcast_arrays(mask, ak.local_index(cands, axis=-1))[0], False)
        self.alive[target] = mask if target not in self.alive else self.alive[target] & mask
        self._views.clear()
        self.keep_events(ak.any(self.alive[target], axis=-1))

    def keep_best(self, target: str, keys: Sequence[Any]) -> None:
        """Keep, per event, the one live candidate minimising ``keys`` (lexicographically)."""
        alive = self.alive.get(target)
        cands = self.values[target]
        if isinstance(cands, Cands):
            best = fc.best_mask(keys, cands, alive)
            if best is None:
                raise TypeError(
                    f"the best-candidate keys of {target!r} must be one number per candidate"
                )
            self.keep_candidates(target, best)
            return
        if alive is not None:
            keys = [ak.where(alive, key, np.inf) for key in keys]
        self.keep_candidates(target, best_candidate_mask(keys))


class AwkwardView:
    """An :class:`EventState` read as awkward arrays (model-written cut functions get this)."""

    def __init__(self, state: EventState) -> None:
        self._state = state
        self.events = state.events

    def __getitem__(self, name: str) -> Any:
        return fc.to_awkward(self._state[name])

    def cand(self, name: str) -> Any:
        return fc.to_awkward(self._state.cand(name))

    def __len__(self) -> int:
        return len(self._state)


def _candidate_mask(mask: Any, cands: Cands) -> np.ndarray:
    """One bool per candidate of ``cands`` from a cut's value: per candidate, or per event."""
    mask = fc.adopt(mask, cands)
    n = len(cands.layout.owner)
    values = mask.numbers if isinstance(mask, Cands) else None
    if values is not None and values.ndim == 1 and mask.layout.same(cands.layout):
        return values.astype(bool, copy=False)
    if isinstance(mask, bool | np.bool_):
        return np.full(n, bool(mask))
    if isinstance(mask, ak.Array) and mask.ndim == 1:
        mask = ak.to_numpy(ak.fill_none(mask, False))
    if isinstance(mask, np.ndarray) and mask.shape == (len(cands),):
        return mask.astype(bool, copy=False)[cands.layout.owner]
    raise TypeError("a candidate-level cut must give one boolean per candidate (or per event)")


def _and_flat(alive: Any, mask: Any, cands: Any) -> tuple[Any, np.ndarray] | None:
    """(alive & mask, events with a live candidate) on flat numpy, for a boolean mask per
    candidate (events x candidates, no missing values); None for anything else."""
    if not (plain(mask) and mask.ndim == 2 and not ak.fields(mask)):
        return None
    flat = take_apart(mask)
    keep = ak.to_numpy(flat.items)
    if keep.dtype != np.bool_:
        return None
    if alive is not None:
        before = take_apart(alive)
        if not np.array_equal(before.counts, flat.counts):
            return None
        keep = keep & ak.to_numpy(before.items)
    elif not np.array_equal(ak.to_numpy(ak.num(cands, axis=1)), flat.counts):
        return None
    owner = np.repeat(np.arange(len(flat.counts)), flat.counts)
    return ak.unflatten(keep, flat.counts), np.bincount(owner[keep], minlength=len(flat.counts)) > 0


def best_candidate_mask(keys: Sequence[Any]) -> Any:
    """True for the one candidate per event minimising ``keys`` lexicographically (first on
    ties)."""
    if any(isinstance(k, Cands) for k in keys):
        best = fc.best_mask(keys, next(k for k in keys if isinstance(k, Cands)))
        if best is not None:
            return best
        keys = [fc.to_awkward(k) for k in keys]
    flat = best_flat(list(keys))
    if flat is not None:
        return flat
    alive = None
    for key in keys:
        key = ak.fill_none(key, np.inf)
        masked = key if alive is None else ak.where(alive, key, np.inf)
        best = ak.min(masked, axis=-1, keepdims=True)
        hit = masked == best
        alive = hit if alive is None else alive & hit
    index = ak.local_index(alive, axis=-1)
    first = ak.min(ak.where(alive, index, np.iinfo(np.int64).max), axis=-1, keepdims=True)
    return index == first


@dataclass
class _Tally:
    description: str
    raw: int = 0
    weighted: float = 0.0
    applicable: bool = True
    reason: str | None = None


@dataclass
class CutflowCounter:
    """Raw and weighted events after each step, summed over chunks, in step order."""

    tallies: dict[str, _Tally] = field(default_factory=dict)

    def declare(self, step_id: str, description: str = "", reason: str | None = None) -> None:
        """Fix the order of steps up front; a ``reason`` marks the step not applicable."""
        self.tallies[step_id] = _Tally(description, applicable=reason is None, reason=reason)

    def applicable(self, step_id: str) -> bool:
        return self.tallies[step_id].applicable

    def record(self, step_id: str, state: EventState) -> None:
        tally = self.tallies[step_id]
        tally.raw += len(state)
        tally.weighted += float(np.sum(state.weights()))

    def steps(self) -> list[CutflowStep]:
        """Not-applicable steps carry the numbers of the step before them."""
        out: list[CutflowStep] = []
        raw, weighted = 0, 0.0
        for step_id, t in self.tallies.items():
            if t.applicable:
                raw, weighted = t.raw, t.weighted
            out.append(
                CutflowStep(
                    id=step_id,
                    description=t.description,
                    raw=raw,
                    weighted=round(weighted, 9),
                    applicable=t.applicable,
                    reason=t.reason,
                )
            )
        return out

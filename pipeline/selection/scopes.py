"""Which names an expression may use where: object, event and candidate scopes.

A scope maps each visible name to its dimension (``energy``, ``none``, ... as in
:mod:`pipeline.selection.fields`, or ``objects`` / ``candidates`` for collections, or
``unknown`` for a derived quantity without a unit). The validator builds the scopes
in file order, so a derived quantity sees only what was defined before it.
"""

from __future__ import annotations

import ast

from pipeline.errors import SelectionError
from pipeline.selection.expr import parse
from pipeline.selection.fields import (
    DERIVED_OBJECT_FIELDS,
    EVENT_FIELDS,
    EVENT_OBJECTS,
    FATJET_FIELDS,
    JET_FIELDS,
    LEPTON_FIELDS,
    PHOTON_FIELDS,
    TAU_FIELDS,
)
from pipeline.selection.functions import CANDIDATE_BUILDERS
from pipeline.selection.models import Derived, PhysicsObject
from pipeline.selection.units import unit_dimension

_BASIC = {"pt": "energy", "eta": "none", "phi": "angle", "e": "energy", "charge": "count"}
_TRACK = _BASIC | {"d0": "length", "z0": "length", "d0sig": "none"}

KIND_FIELDS: dict[str, dict[str, str]] = {
    "electron": {k: v[0] for k, v in LEPTON_FIELDS.items()},
    "muon": {k: v[0] for k, v in LEPTON_FIELDS.items()},
    "lepton": {k: v[0] for k, v in LEPTON_FIELDS.items()},
    "jet": {k: v[0] for k, v in JET_FIELDS.items()},
    "bjet": {k: v[0] for k, v in JET_FIELDS.items()},
    "fatjet": {k: v[0] for k, v in FATJET_FIELDS.items()},
    "photon": {k: v[0] for k, v in PHOTON_FIELDS.items()},
    "tau": {k: v[0] for k, v in TAU_FIELDS.items()},
    "met": {"pt": "energy", "phi": "angle"},
    "track": _TRACK,
    "other": _BASIC,
}


def object_fields(obj: PhysicsObject) -> dict[str, str]:
    """The per-object names an object-scope cut of ``obj`` may use."""
    return KIND_FIELDS[obj.kind] | {k: v[0] for k, v in DERIVED_OBJECT_FIELDS.items()}


def event_names(objects: list[PhysicsObject]) -> dict[str, str]:
    names: dict[str, str] = {name: dim for name, (dim, _) in EVENT_FIELDS.items()}
    names.update({name: "objects" for name in EVENT_OBJECTS})
    names.update({obj.name: "objects" for obj in objects})
    return names


def is_candidate_builder(derived: Derived) -> bool:
    """True when ``derived`` builds a candidate collection (its outermost call is a builder)."""
    try:
        body = parse(derived.expr).body
    except SelectionError:
        return False
    while isinstance(body, ast.Call) and isinstance(body.func, ast.Name):
        if body.func.id in CANDIDATE_BUILDERS:
            return True
        if body.func.id != "sorted_by_pt" or not body.args:
            return False
        body = body.args[0]
    return False


def derived_dimension(derived: Derived) -> str:
    if derived.scope == "event" and is_candidate_builder(derived):
        return "candidates"
    return unit_dimension(derived.unit) or ("unknown" if derived.unit is None else "none")


class Scopes:
    """The growing set of names; ``add_derived`` in file order."""

    def __init__(self, objects: list[PhysicsObject]) -> None:
        self.objects = {obj.name: obj for obj in objects}
        self.event = event_names(objects)
        self.candidate: dict[str, dict[str, str]] = {}  # target -> its candidate-scope names

    def add_derived(self, derived: Derived) -> None:
        dimension = derived_dimension(derived)
        if derived.scope == "event":
            self.event[derived.name] = dimension
            if dimension == "candidates":
                self.candidate.setdefault(derived.name, {})
        elif derived.target in self.candidate:
            self.candidate[derived.target][derived.name] = dimension

    def for_event(self) -> dict[str, str]:
        return dict(self.event)

    def for_candidate(self, target: str) -> dict[str, str]:
        return self.event | self.candidate.get(target, {})

    def for_object(self, name: str) -> dict[str, str]:
        """The object's fields, and the collections defined before it (for cross-collection cuts
        such as ``min_delta_r(leptons) > 0.4``) and ``met_vec``."""
        earlier: dict[str, str] = {other: "objects" for other in self.objects if other != name}
        order = list(self.objects)
        earlier = {
            other: dim for other, dim in earlier.items() if order.index(other) < order.index(name)
        }
        return {n: "objects" for n in EVENT_OBJECTS} | earlier | object_fields(self.objects[name])

    def where_else(self, name: str) -> str | None:
        """Where ``name`` is defined when it is not visible here (for the error hint)."""
        for target, names in self.candidate.items():
            if name in names:
                return (
                    f"{name!r} is a candidate-scope quantity of {target!r}: use it in a cut "
                    f"with scope candidate, target {target}"
                )
        for obj in self.objects.values():
            if name in object_fields(obj):
                return (
                    f"{name!r} is an object field: use it in an object-scope cut, or as "
                    f"{name}(collection)"
                )
        return None

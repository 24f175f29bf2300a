"""The flat form of an extracted cut, shared by the rule-based and the LLM extractors.

A model fills a short flat list far more reliably than the nested selection list, and
its validators are the errors fed back to the model on retry. ``build_selection``
turns findings into a :class:`~pipeline.selection.models.SelectionList` (canonical
units, collections, expressions, provenance), so both extractors produce the same shape.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from pipeline.selection.models import Op

ObjectKind = Literal[
    "electron", "muon", "lepton", "jet", "bjet", "photon", "tau", "track", "fatjet", "event"
]

COLLECTIONS: dict[str, str] = {
    "electron": "electrons",
    "muon": "muons",
    "lepton": "leptons",
    "jet": "jets",
    "bjet": "bjets",
    "photon": "photons",
    "tau": "taus",
    "track": "tracks",
    "fatjet": "fatjets",
}
# the kind of the objects of each collection the rules name
KIND_OF_COLLECTION: dict[str, str] = {name: kind for kind, name in COLLECTIONS.items()}
# physics-object kind of each collection in the selection list
KIND_OF: dict[str, str] = {"track": "track", "tau": "tau", "bjet": "bjet", "fatjet": "fatjet"}

# variables of one object (object scope); the rest are event-level quantities
OBJECT_VARIABLES = {
    "pt",
    "ptovermgg",  # a photon's pT / m_gammagamma (the n-th photon's: nth(...) / mgammagamma)
    "eta",
    "phi",
    "e",
    "d0",
    "z0",
    "d0sig",
    "z0sintheta",
    "reliso",
    "dr",
    "btag",
    "btagged",
}
UNIT_FACTORS: dict[str, tuple[str, float]] = {
    "gev": ("GeV", 1.0),
    "mev": ("GeV", 1e-3),
    "tev": ("GeV", 1e3),
    "kev": ("GeV", 1e-6),
    "mm": ("mm", 1.0),
    "cm": ("mm", 10.0),
    "um": ("mm", 1e-3),
    "mum": ("mm", 1e-3),
    "\u00b5m": ("mm", 1e-3),
    "\u03bcm": ("mm", 1e-3),
    "micron": ("mm", 1e-3),
    "m": ("mm", 1e3),
    "rad": ("rad", 1.0),
    "mrad": ("rad", 1e-3),
    # angles in degrees ("Delta phi > 150 degrees") are stated in radians
    "deg": ("rad", math.pi / 180.0),
    "degree": ("rad", math.pi / 180.0),
    "degrees": ("rad", math.pi / 180.0),
}


class CutFinding(BaseModel):
    """One cut as stated in the paper."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)
    # the kept side of a veto of the n-th object above a value ("events with a fourth lepton with
    # pT > 10 GeV are rejected"): not (the n-th object's pT > 10), true where there is none (set
    # by clauses.kept_side; not part of the answer schema a model fills)
    _vetoed: bool = PrivateAttr(default=False)
    # the event-level condition a requirement holds under ("for events with exactly two jets,
    # ..."): the cut is not (condition) or (requirement) (set by rules._conditional)
    _condition: CutFinding | None = PrivateAttr(default=None)
    # alternative requirements ("at least eight jets with pT > 50 GeV or at least seven jets with
    # pT > 80 GeV"): the cut is (A1 and A2 ...) or (B1 ...), this finding standing for all of them
    # (set by rules._alternative)
    _alternatives: list[list[CutFinding]] | None = PrivateAttr(default=None)
    # the conditions of the objects a count counts ("events containing a photon with E_T > 15 GeV
    # are discarded": no photon above 15 GeV), object findings on the count's kind (set by
    # rules._counted_vetoes)
    _where: list[CutFinding] | None = PrivateAttr(default=None)

    object: ObjectKind = Field(
        description="object the cut applies to; 'event' for event-level quantities"
    )
    variable: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=40,
        description="pt, eta, d0, z0, d0sig, z0sintheta, reliso (isolation/pt), dr, "
        "btagged (1: b-tagged), count (number of objects), sfos (same-flavour opposite-sign "
        "pairs), ospair / sspair (a pair of opposite / same charge: value 1), or an event quantity "
        "such as met, ht, mt, m12, m34, mll, m4l, mct",
    )
    op: Op
    value: float | list[float]
    unit: str | None = Field(
        default=None, description="unit as written: GeV, MeV, TeV, mm, um, cm, or null"
    )
    abs: bool = Field(
        default=False, description="true when the paper cuts on the absolute value, |eta|"
    )
    rank: int | None = Field(
        default=None, ge=0, le=9, description="0 = leading object, 1 = subleading ..."
    )
    quote: str = Field(
        min_length=8, description="the verbatim sentence of the paper stating the cut"
    )
    description: str = ""
    region: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=40,
        description=(
            "set only for cuts that define a control/validation region, not the signal selection"
        ),
    )

    @model_validator(mode="after")
    def _value_matches_op(self) -> CutFinding:
        if self.op in (Op.between.value, Op.outside.value):
            if not (
                isinstance(self.value, list)
                and len(self.value) == 2
                and self.value[0] < self.value[1]
            ):
                raise ValueError(
                    f"op {self.op!r} needs value [low, high] with low < high, got {self.value!r}"
                )
        elif self.op == Op.in_.value:
            if not isinstance(self.value, list) or not self.value:
                raise ValueError("op 'in' needs a non-empty list of values")
        elif isinstance(self.value, list):
            raise ValueError(f"op {self.op!r} needs a single number, not the list {self.value!r}")
        if self.unit is not None and self.unit.strip().lower() not in UNIT_FACTORS | {
            "": 0,
            "none": 0,
        }:
            raise ValueError(f"unknown unit {self.unit!r}; use GeV, MeV, TeV, mm, um, cm or null")
        if self.object == "event" and self.variable in OBJECT_VARIABLES - {"dr"}:
            raise ValueError(
                f"variable {self.variable!r} belongs to an object; set object to its kind"
            )
        return self

    def is_event_level(self) -> bool:
        """An event requirement: an event quantity, a count, or a cut on the n-th object."""
        return (
            self.object == "event"
            or self.variable in ("count", "sfos", "ospair", "sspair")
            or self.rank is not None
        )

    def key(self) -> tuple[Any, ...]:  # not tuple[object]: "object" is a field name here
        value = tuple(self.value) if isinstance(self.value, list) else self.value
        condition = self._condition.key() if self._condition is not None else None
        alternatives = (
            tuple(tuple(f.key() for f in part) for part in self._alternatives)
            if self._alternatives
            else None
        )
        where = tuple(f.key() for f in self._where) if self._where else None
        return (
            self.object,
            self.variable,
            self.op,
            value,
            self.abs,
            self.rank,
            condition,
            alternatives,
            where,
        )


class Findings(BaseModel):
    """What an extractor found in one passage."""

    model_config = ConfigDict(extra="forbid")

    cuts: list[CutFinding] = Field(default_factory=list)
    deferred_to: list[str] = Field(
        default_factory=list,
        description=(
            "citation markers such as '[45]' where the paper defers a definition to another paper"
        ),
    )
    notes: str = ""


def canonical(
    value: float | list[float], unit: str | None
) -> tuple[float | list[float], str | None]:
    """Value(s) in the canonical unit (GeV, mm, rad) and that unit's name."""
    if unit is None or unit.strip().lower() in ("", "none"):
        return value, None
    name, factor = UNIT_FACTORS[unit.strip().lower()]
    if isinstance(value, list):
        return [_round(v * factor) for v in value], name
    return _round(value * factor), name


def _round(x: float) -> float:
    return float(f"{x:.10g}")

"""Pydantic models of the selection list (schema version 1.1.0; 1.0.0 lists are read as they are).

A selection list states, for one analysis: the physics objects and their ordered
object-level cuts, derived quantities (pairs, candidates, masses), the ordered
event-level selection (the cutflow), regions, weights, an assumption ledger and the
items nobody could resolve. Every cut carries provenance: the document, page,
section and verbatim quote it came from, and a status telling how far it is trusted.

The machine form of a cut is either *structured* (``variable``, ``op``, ``value``,
``unit``) or an *expression* (``expr``) in the small language of
``docs/selection-language.md``; a cut that neither can express keeps only ``text``
and is flagged for the LLM or a human. Numbers are stored in canonical units
(GeV, mm, fb-1, radians); :mod:`pipeline.selection.units` converts on input.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from pipeline.errors import SelectionError
from pipeline.selection.units import canonical_unit, convert_values, parse_unit

SCHEMA_VERSION: Final = "1.1.0"
# 1.1.0 added ``observables`` (several observables, histogram specs, per region); a 1.0.0 list
# is a valid 1.1.0 list without them, so both are read and a list keeps the version it was
# written with (its digest, hence its generated code, does not change by being read).
SchemaVersion = Literal["1.0.0", "1.1.0"]
CUTFLOW_REGION: Final = "selection"  # how outputs name the cutflow beside the regions

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.\-]*$", max_length=80)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=True)


class Status(StrEnum):
    extracted = "extracted"  # produced by an extractor, not yet checked
    verified = "verified"  # quote found in the source and the numbers match
    unverified = "unverified"  # grounding failed: kept, flagged, counted
    reviewed = "reviewed"  # a human approved it
    edited = "edited"  # a human changed it
    rejected = "rejected"  # a human rejected it; kept for the record, never executed


class Op(StrEnum):
    gt = ">"
    ge = ">="
    lt = "<"
    le = "<="
    eq = "=="
    ne = "!="
    between = "between"  # lo < x < hi (value = [lo, hi])
    outside = "outside"  # x < lo or x > hi
    in_ = "in"  # x in value (a list of allowed values)


class Scope(StrEnum):
    object = "object"  # applies to each object of a collection (``target``)
    event = "event"  # applies to the event as a whole
    candidate = "candidate"  # applies to each candidate (``target``); the event passes if any does


def _guard(func: Any, unit: str, where: str) -> Any:
    try:
        return func(unit)
    except SelectionError as err:
        raise ValueError(f"{where}: {err}") from err


def _canonical(
    unit: str | None, value: float | list[float] | None, where: str
) -> tuple[str | None, float | list[float] | None]:
    try:
        return canonical_unit(unit), convert_values(value, unit)
    except SelectionError as err:
        raise ValueError(f"{where}: {err}") from err


class BoundingBox(Model):
    page: int = Field(ge=1)
    x0: float
    y0: float
    x1: float
    y1: float


class Provenance(Model):
    """Where a statement came from, precisely enough to show it to a reviewer."""

    source: Literal["paper", "cited", "hand", "assumption", "adl"] = "paper"
    document: str = Field(
        description="arXiv id (arXiv:1712.02304), DOI, or file name of the source"
    )
    reference: str | None = Field(
        None, description="citation marker in the citing paper, e.g. '[45]'"
    )
    page: int | None = Field(None, ge=1)
    section: str | None = None
    quote: str = Field("", description="the verbatim sentence(s) the statement was taken from")
    char_span: tuple[int, int] | None = Field(
        None, description="[start, end) in the document's text"
    )
    bbox: list[BoundingBox] = Field(default_factory=list)


class Grounding(Model):
    """The result of locating the quote in the source and checking the cut's numbers in it."""

    found: bool
    numbers_match: bool
    score: float = Field(ge=0.0, le=1.0, description="similarity of the best match, 1 = exact")
    reason: str = ""
    matched_text: str = ""


class Cut(Model):
    id: Identifier
    description: str
    scope: Scope = Scope.event
    target: str | None = Field(
        None,
        description="object collection (object scope) or candidate collection (candidate scope)",
    )
    kind: Literal["require", "select_best"] = Field(
        "require",
        description=(
            "'require' keeps what satisfies it; 'select_best' keeps the one candidate "
            "minimising expr"
        ),
    )
    # structured form
    variable: str | None = None
    abs: bool = Field(False, description="apply to the absolute value of the variable")
    op: Op | None = None
    value: float | list[float] | None = None
    unit: str | None = Field(
        None, description="canonical unit of value/expr numbers: GeV, mm, rad, fb-1 or none"
    )
    # expression form
    expr: str | None = Field(
        None, description="boolean expression (or the key to minimise for select_best)"
    )
    # neither: only words
    text: str | None = Field(
        None, description="free-text statement the structured forms cannot express"
    )
    provenance: Provenance | None = None
    status: Status = Status.extracted
    confidence: float = Field(1.0, ge=0.0, le=1.0)
    agreement: float | None = Field(
        None, ge=0.0, le=1.0, description="share of samples containing this cut"
    )
    grounding: Grounding | None = None
    reviewer_note: str | None = None
    notes: str | None = None
    # the other statements of the same cut in the source (a summary, then the selection section),
    # each as (provenance, description), in the extractor's order: in memory only, never written
    # (not part of the schema); the support check quotes one of them when the first does not
    # support the cut (pipeline.extract.support.check_support)
    _restatements: tuple[tuple[Provenance, str], ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _canonical_units(self) -> Cut:
        # values are stored in canonical units: '7000 MeV' arrives as 7 GeV (see units.py)
        if self.expr is not None and self.unit is not None:
            parsed = _guard(parse_unit, self.unit, self.id)
            if parsed is not None and parsed[1] != 1.0:
                raise ValueError(
                    f"cut {self.id!r}: the numbers of an expression must be in canonical units "
                    f"(GeV, mm, rad, fb-1), not {self.unit!r}; rewrite them (7000 MeV -> 7 with "
                    "unit GeV)"
                )
        unit, value = _canonical(self.unit, self.value, self.id)
        self.__dict__["unit"], self.__dict__["value"] = unit, value
        return self

    @model_validator(mode="after")
    def _one_machine_form(self) -> Cut:
        structured = self.variable is not None or self.op is not None or self.value is not None
        if structured and self.expr is not None:
            raise ValueError(f"cut {self.id!r}: give either variable/op/value or expr, not both")
        if structured and (self.variable is None or self.op is None or self.value is None):
            raise ValueError(f"cut {self.id!r}: a structured cut needs variable, op and value")
        if not structured and self.expr is None and not self.text:
            raise ValueError(
                f"cut {self.id!r}: needs a machine form (variable/op/value or expr) or text"
            )
        if self.kind == "select_best" and self.expr is None:
            raise ValueError(f"cut {self.id!r}: select_best needs expr (the key to minimise)")
        if self.scope in (Scope.object, Scope.candidate) and not self.target:
            raise ValueError(f"cut {self.id!r}: {self.scope} scope needs a target collection")
        if self.op in (Op.between, Op.outside):
            if not (
                isinstance(self.value, list)
                and len(self.value) == 2
                and self.value[0] < self.value[1]
            ):
                raise ValueError(
                    f"cut {self.id!r}: '{self.op}' needs value [low, high] with low < high"
                )
        elif self.op == Op.in_:
            if not isinstance(self.value, list) or not self.value:
                raise ValueError(f"cut {self.id!r}: 'in' needs a non-empty list of values")
        elif self.op is not None and isinstance(self.value, list):
            raise ValueError(f"cut {self.id!r}: '{self.op}' needs a single number, not a list")
        return self

    @property
    def executable(self) -> bool:
        """True when the compiler can turn it into code (it has a machine form and is not
        rejected)."""
        return self.status != Status.rejected and (
            self.expr is not None or self.variable is not None
        )


class PhysicsObject(Model):
    """A collection of physics objects and its ordered object-level cuts."""

    name: Identifier = Field(description="collection name used in expressions, e.g. electrons")
    kind: Literal[
        "electron",
        "muon",
        "lepton",
        "jet",
        "bjet",
        "fatjet",
        "photon",
        "tau",
        "met",
        "track",
        "other",
    ]
    sources: list[str] = Field(
        default_factory=list,
        description=(
            "for merged collections (leptons = electrons + muons): the collections "
            "merged, after their cuts"
        ),
    )
    description: str = ""
    cuts: list[Cut] = Field(default_factory=list)
    provenance: Provenance | None = None


class Derived(Model):
    """A named quantity or candidate collection computed from objects, e.g. m12 or quadruplets."""

    name: Identifier
    description: str = ""
    expr: str
    scope: Literal["event", "candidate"] = "event"
    target: str | None = Field(None, description="for candidate scope: the candidate collection")
    unit: str | None = None
    provenance: Provenance | None = None

    @model_validator(mode="after")
    def _canonical_unit(self) -> Derived:
        self.__dict__["unit"] = _canonical(self.unit, None, self.name)[0]
        return self


class Region(Model):
    """A signal/control region or category: extra cuts on top of the common selection."""

    name: Identifier
    description: str = ""
    base: str | None = Field(
        None,
        description="another region this one builds on (its cuts apply first); none = the cutflow",
    )
    cuts: list[Cut] = Field(default_factory=list)
    provenance: Provenance | None = None


class HistogramSpec(Model):
    """Binning of an observable's histogram: ``bins`` equal bins over [low, high), or ``edges``."""

    bins: int | None = Field(None, ge=1, le=10000)
    low: float | None = None
    high: float | None = None
    edges: list[float] | None = Field(None, min_length=2)

    @model_validator(mode="after")
    def _one_form(self) -> HistogramSpec:
        if self.edges is not None:
            if self.bins is not None or self.low is not None or self.high is not None:
                raise ValueError("give either edges or bins/low/high, not both")
            if any(b <= a for a, b in zip(self.edges, self.edges[1:], strict=False)):
                raise ValueError("histogram edges must increase")
        elif self.bins is None or self.low is None or self.high is None:
            raise ValueError("a histogram needs edges, or bins with low and high")
        elif self.high <= self.low:
            raise ValueError(f"histogram high ({self.high}) must be above low ({self.low})")
        return self

    def bin_edges(self) -> list[float]:
        if self.edges is not None:
            return list(self.edges)
        assert self.bins is not None and self.low is not None and self.high is not None
        step = (self.high - self.low) / self.bins
        return [self.low + i * step for i in range(self.bins)] + [self.high]


class Observable(Model):
    """A quantity the analysis writes out: per selected event (one number, or one per object)
    into ``observables.csv`` and as a histogram, in the cutflow and/or in named regions."""

    name: Identifier = Field(description="a derived quantity or event field")
    label: str = Field("", description="axis label, e.g. 'jet p_T [GeV]'")
    unit: str | None = None
    histogram: HistogramSpec | None = Field(
        None, description="binning; none = 50 bins over the values' range"
    )
    regions: list[str] = Field(
        default_factory=list,
        description=f"where it is written: {CUTFLOW_REGION!r} (the cutflow) and/or region names; "
        "empty = the cutflow and every region",
    )


class Weight(Model):
    name: Identifier
    description: str
    expr: str | None = None
    provenance: Provenance | None = None


class Assumption(Model):
    """What the paper leaves unstated and what was chosen instead, marked as such."""

    id: Identifier
    topic: str = Field(description="e.g. 'electron identification working point'")
    unstated: str = Field(description="what the paper does not say")
    choice: str = Field(description="what the pipeline does instead")
    rationale: str = ""
    status: Literal["open", "answered"] = "open"
    answer: str | None = None
    affects: list[str] = Field(
        default_factory=list, description="ids of cuts this assumption feeds"
    )


class Unresolved(Model):
    id: Identifier
    description: str
    reference: str | None = Field(
        None, description="e.g. 'Ref. [45]' when a cited paper could not be read"
    )
    reason: str = ""


class PaperRef(Model):
    id: str = Field(description="arXiv:1712.02304, a DOI, or a local file name")
    version: str | None = None
    title: str | None = None
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")


class AnalysisInfo(Model):
    experiment: str | None = None
    sqrt_s_tev: float | None = Field(None, gt=0)
    luminosity_fb: float | None = Field(None, gt=0)
    final_state: str | None = None
    dataset_era: str | None = None
    description: str | None = None


class SelectionList(Model):
    schema_version: SchemaVersion = SCHEMA_VERSION
    paper: PaperRef
    analysis: AnalysisInfo = Field(default_factory=AnalysisInfo)
    objects: list[PhysicsObject] = Field(default_factory=list)
    derived: list[Derived] = Field(default_factory=list)
    selection: list[Cut] = Field(
        default_factory=list, description="the ordered event-level cutflow"
    )
    regions: list[Region] = Field(default_factory=list)
    weights: list[Weight] = Field(default_factory=list)
    assumptions: list[Assumption] = Field(default_factory=list)
    unresolved: list[Unresolved] = Field(default_factory=list)
    observable: str | None = Field(
        None, description="name of the main observable written to events.csv (e.g. m4l)"
    )
    observables: list[Observable] = Field(
        default_factory=list,
        description="quantities written per selected event and histogrammed, per region (1.1.0)",
    )
    notes: list[str] = Field(default_factory=list)
    complete: bool = Field(True, description="false when extraction stopped early; partial results")
    producer: str | None = Field(
        None, description="what wrote it: rules, llm:<model>, hand, adl, review"
    )

    def all_cuts(self) -> list[Cut]:
        """Every cut in order: object cuts, then the cutflow, then the regions."""
        cuts = [cut for obj in self.objects for cut in obj.cuts]
        cuts += self.selection
        cuts += [cut for region in self.regions for cut in region.cuts]
        return cuts

    def with_cuts(self, change: Callable[[Cut], Cut]) -> SelectionList:
        """A deep copy with every cut (object cuts, cutflow, regions) replaced by
        ``change(cut)``."""
        data = self.model_copy(deep=True)
        for obj in data.objects:
            obj.cuts = [change(c) for c in obj.cuts]
        data.selection = [change(c) for c in data.selection]
        for region in data.regions:
            region.cuts = [change(c) for c in region.cuts]
        return data

    @model_validator(mode="after")
    def _unique_ids(self) -> SelectionList:
        seen: set[str] = set()
        for cut in self.all_cuts():
            if cut.id in seen:
                raise ValueError(f"cut id {cut.id!r} is used twice; cut ids must be unique")
            seen.add(cut.id)
        names = [o.name for o in self.objects] + [d.name for d in self.derived]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"names defined twice: {sorted(dupes)}")
        regions = [r.name for r in self.regions]
        if CUTFLOW_REGION in regions:
            raise ValueError(
                f"a region may not be called {CUTFLOW_REGION!r}: outputs use that name for the "
                "cutflow"
            )
        if len(set(regions)) < len(regions):
            raise ValueError(
                f"regions defined twice: {sorted({n for n in regions if regions.count(n) > 1})}"
            )
        observed = [o.name for o in self.observables]
        if len(set(observed)) < len(observed):
            raise ValueError("an observable is declared twice")
        if self.observables and self.schema_version == "1.0.0":
            raise ValueError("observables need schema_version 1.1.0")
        return self

    def observed_in(self, region: str) -> list[Observable]:
        """The observables written in ``region`` (:data:`CUTFLOW_REGION` for the cutflow)."""
        return [o for o in self.observables if not o.regions or region in o.regions]

    def region_order(self) -> list[Region]:
        """Regions with every base before the regions built on it (file order otherwise)."""
        done: set[str] = set()
        out: list[Region] = []
        todo = list(self.regions)
        while todo:
            ready = [r for r in todo if r.base is None or r.base in done]
            if not ready:  # unknown bases or a loop: validation reports them
                return out + todo
            for region in ready:
                out.append(region)
                done.add(region.name)
                todo.remove(region)
        return out

"""The functions the expression language allows: name -> arity, argument kinds, meaning.

This registry is the whitelist of :mod:`pipeline.selection.expr` (a call to anything
else is rejected) and the checklist of the runtime that implements them. Field
accessors (``pt(x)``, ``eta(x)``, ...) are generated from :mod:`pipeline.selection.fields`
so that a new canonical field is callable the moment a reader provides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.selection.fields import COLLECTIONS, DERIVED_OBJECT_FIELDS

# what an argument must be: a number (or array of numbers), a boolean, a collection of
# objects, a pair, a candidate, a list literal, or anything
ArgKind = Literal["number", "bool", "objects", "pair", "candidate", "list", "any"]
# what a function returns, for the unit checks: energy/angle/none follow fields.py
Returns = Literal[
    "number", "energy", "angle", "none", "count", "bool", "objects", "pairs", "candidates", "same"
]


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    min_args: int
    max_args: int | None  # None: any number
    args: tuple[ArgKind, ...]  # kinds of the leading arguments; the last repeats
    returns: Returns
    meaning: str

    def arity_text(self) -> str:
        if self.max_args == self.min_args:
            return str(self.min_args)
        if self.max_args is None:
            return f"{self.min_args} or more"
        return f"{self.min_args} to {self.max_args}"


def _spec(
    name: str, arity: tuple[int, int | None], args: str, returns: Returns, meaning: str
) -> FunctionSpec:
    kinds = tuple(args.split()) if args else ()
    return FunctionSpec(name, arity[0], arity[1], kinds, returns, meaning)  # type: ignore[arg-type]


_MATH = [
    _spec("abs", (1, 1), "number", "same", "absolute value"),
    _spec("sqrt", (1, 1), "number", "same", "square root"),
    _spec("exp", (1, 1), "number", "none", "exponential"),
    _spec("log", (1, 1), "number", "none", "natural logarithm"),
    _spec("sin", (1, 1), "number", "none", "sine"),
    _spec("cos", (1, 1), "number", "none", "cosine"),
    _spec("tan", (1, 1), "number", "none", "tangent"),
    _spec("atan", (1, 1), "number", "angle", "arc tangent"),
    _spec("atan2", (2, 2), "number number", "angle", "arc tangent of y/x with the quadrant"),
    _spec("sinh", (1, 1), "number", "none", "hyperbolic sine"),
    _spec("cosh", (1, 1), "number", "none", "hyperbolic cosine"),
    _spec("tanh", (1, 1), "number", "none", "hyperbolic tangent"),
    _spec("hypot", (2, 2), "number number", "same", "sqrt(a**2 + b**2)"),
    _spec("step", (1, 1), "number", "none", "Heaviside step: 1 where x >= 0, else 0 (ADL hstep)"),
    _spec("min", (2, None), "number", "same", "elementwise minimum of the arguments"),
    _spec("max", (2, None), "number", "same", "elementwise maximum of the arguments"),
    _spec(
        "where", (3, 3), "bool number number", "same", "elementwise: b where cond is true, else c"
    ),
]

_REDUCTIONS = [
    _spec(
        "count",
        (1, 1),
        "objects",
        "count",
        "number of objects (per event, or per candidate when nested)",
    ),
    _spec("sum", (1, 1), "number", "same", "sum over the innermost list; empty = 0"),
    _spec(
        "any",
        (1, 1),
        "bool",
        "bool",
        "true when any element of the innermost list is; empty = False",
    ),
    _spec(
        "all",
        (1, 1),
        "bool",
        "bool",
        "true when all elements of the innermost list are; empty = True",
    ),
    _spec("min_of", (1, 1), "number", "same", "innermost minimum; empty = +inf"),
    _spec("mean", (1, 1), "number", "same", "innermost mean; empty = NaN (ADL ave)"),
    _spec("max_of", (1, 1), "number", "same", "innermost maximum; empty = -inf"),
    _spec(
        "nth",
        (2, 2),
        "any number",
        "same",
        "i-th element (0-based) of the innermost list; missing = NaN",
    ),
    _spec(
        "sort_desc",
        (1, 1),
        "number",
        "same",
        "values sorted in decreasing order along the innermost list",
    ),
    _spec("sorted_by_pt", (1, 1), "objects", "objects", "objects sorted by decreasing pt"),
]

_KINEMATICS = [
    _spec(
        "mass", (1, None), "any", "energy", "invariant mass of the four-vector sum of the arguments"
    ),
    _spec(
        "pt_of",
        (1, None),
        "any",
        "energy",
        "transverse momentum of the four-vector sum of the arguments",
    ),
    _spec(
        "delta_r",
        (1, 2),
        "any any",
        "none",
        "Delta R between two objects, or between the members of a pair",
    ),
    _spec("delta_phi", (2, 2), "any any", "angle", "|Delta phi| wrapped into [0, pi]"),
    _spec("delta_eta", (2, 2), "any any", "none", "|Delta eta| between two objects"),
    _spec("pairs", (1, 1), "objects", "pairs", "all unordered pairs of distinct objects"),
    _spec("sfos_pairs", (1, 1), "objects", "pairs", "same-flavour opposite-charge pairs"),
    _spec("first", (1, 1), "pair", "objects", "first member of a pair"),
    _spec("second", (1, 1), "pair", "objects", "second member of a pair"),
    _spec(
        "same_flavour",
        (1, 1),
        "pair",
        "bool",
        "true per pair when both members have the same flavour",
    ),
    _spec(
        "opposite_charge",
        (1, 1),
        "pair",
        "bool",
        "true per pair when the members have opposite charge",
    ),
    _spec(
        "quadruplets",
        (1, 2),
        "objects number",
        "candidates",
        "two SFOS pairs sharing no object; z1 = the pair closest to mz (default 91.1876 GeV)",
    ),
    _spec("z1", (1, 1), "candidate", "pairs", "leading pair (closest to mz) of a quadruplet"),
    _spec("z2", (1, 1), "candidate", "pairs", "subleading pair of a quadruplet"),
    _spec(
        "constituents", (1, 1), "any", "objects", "objects of a candidate or pair, by decreasing pt"
    ),
    _spec(
        "interp",
        (3, 3),
        "number list list",
        "same",
        "piecewise-linear interpolation through (xs, ys), constant beyond the ends",
    ),
    _spec(
        "channel",
        (1, 1),
        "candidate",
        "count",
        "quadruplet flavour code: 0 4e, 1 4mu, 2 2e2mu, 3 2mu2e",
    ),
]

_MISSING_MOMENTUM_AND_SUMS = [
    _spec(
        "mt",
        (2, 2),
        "any any",
        "energy",
        "transverse mass sqrt(2 pt_a pt_b (1 - cos dphi)), e.g. mt(nth(leptons, 0), met_vec)",
    ),
    _spec(
        "mct", (2, 2), "any any", "energy", "contransverse mass sqrt(2 pt_a pt_b (1 + cos dphi))"
    ),
    _spec("ht", (1, 1), "objects", "energy", "scalar sum of pt of the objects (0 for none)"),
    _spec(
        "mht",
        (1, 1),
        "objects",
        "objects",
        "minus the transverse vector sum of the objects, as one object (eta 0)",
    ),
    _spec(
        "vector_sum",
        (1, None),
        "any",
        "objects",
        "four-vector sum as one object: of a list's objects, or of several objects "
        "(vector_sum(nth(leptons, 0), met_vec))",
    ),
    _spec("first_n", (2, 2), "any number", "same", "the first n elements of the innermost list"),
    _spec(
        "combinations",
        (2, 2),
        "objects number",
        "candidates",
        "all unordered n-object combinations",
    ),
    _spec(
        "best_of",
        (2, 2),
        "any number",
        "objects",
        "the element with the smallest key (one number per element); None if empty",
    ),
    _spec(
        "min_delta_r",
        (1, 2),
        "any objects",
        "none",
        "per object of a: Delta R to the closest object of b (+inf if none); min_delta_r(b) in "
        "object scope",
    ),
    _spec(
        "min_delta_phi",
        (2, 2),
        "objects any",
        "angle",
        "smallest |Delta phi| between the objects of a and b; +inf if none",
    ),
    _spec(
        "others_in_cone",
        (2, 3),
        "objects number number",
        "energy",
        "per object: summed weight (default pt) of the other objects of its list within Delta R"
        " < radius, e.g. ptcone30(quad_leptons) - others_in_cone(quad_leptons, 0.3)",
    ),
    _spec(
        "others",
        (2, 2),
        "objects any",
        "objects",
        "the objects of c that are not constituents of x",
    ),
]

_LITERATURE = [
    _spec(
        "megajets",
        (1, 1),
        "objects",
        "objects",
        "razor megajets: the jets split in two groups minimising m1^2 + m2^2, as two objects by "
        "decreasing pt",
    ),
    _spec(
        "razor_mr", (1, 1), "any", "energy", "razor M_R of two (mega)jets (a pair or a list of two)"
    ),
    _spec(
        "razor_mtr",
        (2, 2),
        "any any",
        "energy",
        "razor M_T^R of two (mega)jets and the missing momentum object",
    ),
    _spec("razor_r2", (2, 2), "any any", "none", "razor R^2 = (M_T^R / M_R)^2"),
    _spec(
        "mt2",
        (3, 4),
        "any any any number",
        "energy",
        "stransverse mass MT2 of two visible objects and the missing momentum object, the "
        "invisible particles of mass m_invis (default 0), e.g. mt2(nth(leptons, 0), "
        "nth(leptons, 1), met_vec) (Lester-Nachman bisection, the mt2 package)",
    ),
    _spec(
        "alpha_t",
        (1, 1),
        "objects",
        "none",
        "alpha_T of the jets (0.5 (HT - Delta HT) / sqrt(HT^2 - MHT^2))",
    ),
]

# named functions of the literature the language knows of but does not implement: a call is
# refused with this reason (never kept as a silent text cut)
NOT_IMPLEMENTED: dict[str, str] = {
    "mt2w": "MT2W needs a numerical minimisation the runtime does not have",
    "topness": "topness needs a numerical minimisation the runtime does not have",
}

# functions that build candidate collections (a derived quantity using one is a candidate
# collection)
CANDIDATE_BUILDERS: frozenset[str] = frozenset(
    {"quadruplets", "pairs", "sfos_pairs", "combinations"}
)


def _field_accessors() -> list[FunctionSpec]:
    fields: dict[str, tuple[str, str]] = {}
    for table in list(COLLECTIONS.values()) + [DERIVED_OBJECT_FIELDS]:
        for name, (dimension, meaning) in table.items():
            fields.setdefault(name, (dimension, meaning))
    return [
        _spec(name, (1, 1), "any", dimension, f"field accessor: {meaning} of each object")  # type: ignore[arg-type]
        for name, (dimension, meaning) in sorted(fields.items())
    ]


FIELD_ACCESSORS: dict[str, FunctionSpec] = {spec.name: spec for spec in _field_accessors()}

# the math functions (and `where`): elementwise on numbers, so the compiler may run an
# object cut using only these on flat columns without asking the runtime which they are
MATH_FUNCTIONS: frozenset[str] = frozenset(spec.name for spec in _MATH)

FUNCTIONS: dict[str, FunctionSpec] = {
    spec.name: spec
    for spec in _MATH + _REDUCTIONS + _KINEMATICS + _MISSING_MOMENTUM_AND_SUMS + _LITERATURE
} | FIELD_ACCESSORS


def describe(name: str) -> str:
    """One line for error messages and docs: ``mass(any, ...) -> energy: invariant mass ...``."""
    spec = FUNCTIONS[name]
    return f"{name} ({spec.arity_text()} args) -> {spec.returns}: {spec.meaning}"

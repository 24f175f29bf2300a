"""What a cut asserts (:class:`Claim`), in the terms the support check reads a sentence in,
and how its values and quantity compare with a comparison read from the quote."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pipeline.extract import charges
from pipeline.extract import patterns as P
from pipeline.extract.findings import KIND_OF_COLLECTION, canonical
from pipeline.extract.ratios import RATIO_EXPRESSIONS, ratio_of_expr
from pipeline.extract.windows import WINDOW_EXPRESSIONS, window_of_expr
from pipeline.selection.models import Cut, SelectionList

# an operator's direction: what the support check compares, and what the scorer
# (pipeline/audit/matching.py) keys cuts on - one table, so the two cannot drift
DIRECTION = {
    ">": "lower",
    ">=": "lower",
    "<": "upper",
    "<=": "upper",
    "==": "eq",
    "!=": "ne",
    "between": "range",
    "outside": "outside",
    "[]": "range",  # ADL's inclusive window and its complement
    "][": "outside",
    "in": "in",
    "expr": "expr",  # a cut stated as an expression: keyed by its text, no direction
}
INVERSE = {
    "lower": "upper",
    "upper": "lower",
    "eq": "ne",
    "ne": "eq",
    "range": "outside",
    "outside": "range",
}


def collection_kinds(sel: SelectionList) -> dict[str, str]:
    """Collection name -> object kind: the list's own objects, then the usual names."""
    kinds = {o.name: str(o.kind) for o in sel.objects}
    kinds.update({k: v for k, v in KIND_OF_COLLECTION.items() if k not in kinds})
    return kinds


SAME_QUANTITY = {"ip": {"d0", "z0"}, "jetmass": {"m", "msoftdrop"}, "mass": {"m", "mass"}}
FLAGS = {"btag", "btagged", "id_loose", "id_medium", "id_tight"}
# an expression that is one structured cut: "met > 150", "abs(deta) > 3.5"
_SIMPLE_EXPR = re.compile(
    r"(?P<abs>abs\()?(?P<q>[a-z_]\w*)(?(abs)\))\s*(?P<op>>=|<=|>|<)\s*(?P<v>-?\d+(?:\.\d+)?)"
)
_QUANTITY_NAMES = frozenset(name for name, _ in P.QUANTITIES) - {"symbol"}
SPOKEN = {
    **{name: f"the ratio {expr}" for name, expr in RATIO_EXPRESSIONS.items()},
    **{name: f"the mass window {expr}" for name, expr in WINDOW_EXPRESSIONS.items()},
    "mtmet": "the sum m_T + MET",
    "zwindow": "the distance of a pair mass from the Z mass",
    "sfosmass": "the smallest mass of the same-flavour opposite-sign lepton pairs",
    "met_significance": "the MET significance",
    "ospair": "a pair of opposite charge",
    "sspair": "a pair of the same charge",
}


# nth(sort_desc(pt(jets)), 0) > 100; abs(nth(eta(sorted_by_pt(photons)), 0)) < 1.44
_NTH = (
    r"(?:abs\()?nth\((?:sort_desc\((?P<f1>\w+)\((?P<c1>\w+)\)\)|(?P<f2>\w+)\(sorted_by_pt\("
    r"(?P<c2>\w+)\)\)),\s*(?P<i>\d)\)\)?"
)
# min_of(abs(mass(sfos_pairs(leptons)) - 91.1876)) >= 15: the closest SFOS pair's distance from mZ
_Z_WINDOW_CUT = re.compile(
    r"min_of\(abs\(mass\(sfos_pairs\((\w+)\)\)\s*-\s*91\.1876?\)\)\s*(>=|<=|>|<)\s*(-?[\d.]+)"
)
_SFOS_MASS_CUT = re.compile(r"min_of\(mass\(sfos_pairs\((\w+)\)\)\)\s*(>=|<=|>|<)\s*(-?[\d.]+)")
_RANKED_CUT = re.compile(rf"{_NTH}\s*(?P<op>>=|<=|>|<)\s*(?P<v>-?[\d.]+)")
# nth(sort_desc(pt(photons)), 0) / mgammagamma > 0.35: the leading photon's pT over m_gammagamma
_RANKED_OVER_MGG = re.compile(rf"{_NTH}\s*/\s*mgammagamma\s*(?P<op>>=|<=|>|<)\s*(?P<v>-?[\d.]+)")
_VETOED_RANKED = re.compile(rf"not\s*\(\s*{_NTH}\s*(?P<op>>=|>)\s*(?P<v>-?[\d.]+)\s*\)")
_RANKED_RANGE = re.compile(rf"(?P<lo>-?[\d.]+)\s*<=?\s*{_NTH}\s*<=?\s*(?P<hi>-?[\d.]+)")


# an object cut on the distance to the closest object of another collection (overlap removal)
MIN_DELTA_R = re.compile(r"min_delta_r\(\s*(\w+)\s*\)\s*(>=|<=|>|<)\s*(-?[\d.]+)")


@dataclass(frozen=True)
class Claim:
    """What a cut asserts, in the terms the check reads a sentence in."""

    kind: str  # object kind or 'event'
    quantity: str  # pt, eta, count, met, m12 ...; 'expr' when only its numbers can be checked
    direction: str
    values: tuple[float, ...]
    rank: int | None = None  # the cut is on the n-th object by pT (nth(sort_desc(...), n))
    partner: str | None = None  # min_delta_r(<partner collection>): the kind it is measured to
    absolute: bool = True  # a structured cut on the absolute value (abs: true)
    # not (nth(...) > v): the kept side of a veto of the n-th object, true where there is none
    absent_passes: bool = False


def claim_of(cut: Cut, kinds: dict[str, str]) -> Claim | None:
    """The claim of ``cut`` (None: a cut stated only in words, nothing to check)."""
    kind = kinds.get(cut.target or "", "event")
    if cut.variable is not None and cut.op is not None and cut.value is not None:
        values = tuple(cut.value) if isinstance(cut.value, list) else (cut.value,)
        return Claim(
            kind,
            cut.variable,
            DIRECTION.get(str(cut.op), str(cut.op)),
            tuple(float(v) for v in values),
            absolute=bool(cut.abs),
        )
    if not cut.expr:
        return None
    simple = _SIMPLE_EXPR.fullmatch(cut.expr.strip())
    if simple is not None and simple.group("q") in _QUANTITY_NAMES:
        # "met > 150", a part of a conditional cut or of alternatives: checked as the structured
        # cut it is (the value bound to that quantity), not only for its clause
        return Claim(
            kind,
            simple.group("q"),
            DIRECTION[simple.group("op")],
            (float(simple.group("v")),),
            absolute=simple.group("abs") is not None,
        )
    count = re.fullmatch(
        r"count\((?:sfos_pairs\()?(\w+)\)?\)\s*(>=|<=|==|!=|>|<)\s*(-?[\d.]+)", cut.expr.strip()
    )
    if count:
        quantity = "sfos" if "sfos_pairs" in cut.expr else "count"
        return Claim(
            kinds.get(count.group(1), "other"),
            quantity,
            DIRECTION[count.group(2)],
            (float(count.group(3)),),
        )
    charged = charges.CHARGE_EXPR.fullmatch(cut.expr.strip())
    if charged:  # any(opposite_charge(pairs(leptons))): "two opposite-sign leptons"
        quantity = "sspair" if charged.group("not") else "ospair"
        return Claim(kinds.get(charged.group("coll"), "other"), quantity, "lower", (1.0,))
    counted = re.fullmatch(r"(-?[\d.]+)\s*<=\s*count\((\w+)\)\s*<=\s*(-?[\d.]+)", cut.expr.strip())
    if counted:  # 2 <= count(jets) <= 4: "two, three, or four jets"
        return Claim(
            kinds.get(counted.group(2), "other"),
            "count",
            "range",
            (float(counted.group(1)), float(counted.group(3))),
        )
    vetoed = _VETOED_RANKED.fullmatch(cut.expr.strip())
    if vetoed:  # not (nth(sort_desc(pt(leptons)), 3) > 10): an upper bound no object also meets
        return Claim(
            kinds.get(vetoed.group("c1") or vetoed.group("c2"), "other"),
            vetoed.group("f1") or vetoed.group("f2"),
            "upper",
            (float(vetoed.group("v")),),
            rank=int(vetoed.group("i")),
            absent_passes=True,
        )
    over = _RANKED_OVER_MGG.fullmatch(cut.expr.strip())
    if over:
        return Claim(
            kinds.get(over.group("c1") or over.group("c2"), "other"),
            "ptovermgg",
            DIRECTION[over.group("op")],
            (float(over.group("v")),),
            rank=int(over.group("i")),
        )
    ranked = _RANKED_CUT.fullmatch(cut.expr.strip()) or _RANKED_RANGE.fullmatch(cut.expr.strip())
    if ranked:
        groups = ranked.groupdict()
        return Claim(
            kinds.get(ranked.group("c1") or ranked.group("c2"), "other"),
            ranked.group("f1") or ranked.group("f2"),
            DIRECTION[groups["op"]] if groups.get("op") else "range",
            (float(groups["v"]),)
            if groups.get("v")
            else (float(groups["lo"]), float(groups["hi"])),
            rank=int(ranked.group("i")),
        )
    near = MIN_DELTA_R.fullmatch(cut.expr.strip())
    if near and cut.target:
        return Claim(
            kind,
            "dr",
            DIRECTION[near.group(2)],
            (float(near.group(3)),),
            partner=kinds.get(near.group(1), "other"),
        )
    window = _Z_WINDOW_CUT.fullmatch(cut.expr.strip())
    if window:
        return Claim("event", "zwindow", DIRECTION[window.group(2)], (float(window.group(3)),))
    smallest = _SFOS_MASS_CUT.fullmatch(cut.expr.strip())
    if smallest:
        return Claim("event", "sfosmass", DIRECTION[smallest.group(2)], (float(smallest.group(3)),))
    # met / sqrt(ht) > 5, abs(mjj - 80.4) < 20: the same ratio or window in the quote
    of_quantities = ratio_of_expr(cut.expr) or window_of_expr(cut.expr)
    if of_quantities is not None:
        name, op, value = of_quantities
        return Claim("event", name, DIRECTION[op], (value,))
    ratio = re.fullmatch(r"ptcone30 / pt\s*(<=|<)\s*(-?[\d.]+)", cut.expr.strip())
    if ratio:
        return Claim(kind, "reliso", "upper", (float(ratio.group(2)),))
    numbers = tuple(
        float(n)
        for n in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?", cut.expr)
        if float(n) not in (0.0, 91.1876)
    )
    return Claim(kind, "expr", "", numbers)


def same_value(want: float, have: float, unit: str | None) -> bool:
    converted, _ = canonical(have, unit) if unit else (have, None)
    return any(math.isclose(want, float(v), rel_tol=1e-6, abs_tol=1e-9) for v in (have, converted))  # type: ignore[arg-type]


def comparison_values(comp) -> list[float]:  # type: ignore[no-untyped-def]
    value = comp.value if isinstance(comp.value, list) else [comp.value]
    return [*value, *([comp.alt] if comp.alt is not None else []), *(comp.extra or [])]


def quantity_ok(claim: Claim, comp_quantity: str) -> bool:
    if claim.quantity == comp_quantity:
        return True
    if claim.quantity in SAME_QUANTITY.get(comp_quantity, set()):
        return True
    if (
        claim.kind == "event"
        and _MASS_NAME.match(claim.quantity)
        and _MASS_NAME.match(comp_quantity)
    ):
        return comp_quantity in ("mass", claim.quantity) or claim.quantity == "mass"
    return False


# invariant masses the reading names (m12, mll, mbb, m4l, mZ1 ...): 'mass' stands for any of them,
# never for a named quantity that starts with m (met, mt, mct, mr, mt2, mht)
_MASS_NAME = re.compile(r"^m(?:ass|\d\d|4l|ll|l+|bb|jj|z\d?|gammagamma|mumu|ee|eff)$")


def same_values(claim: Claim, value: float | tuple[float, ...], unit: str | None = None) -> bool:
    """Whether the clause's ``value`` (in its ``unit``: '0.2 TeV') is the claim's (canonical)."""
    values = value if isinstance(value, tuple) else (value,)
    return len(values) == len(claim.values) and all(
        same_value(b, a, unit) for a, b in zip(values, claim.values, strict=True)
    )


def accepted_kinds(claim: Claim) -> set[str]:
    """The object kinds a clause may name for a cut on ``claim.kind`` objects."""
    accepted = {claim.kind} | ({"lepton"} if claim.kind in ("electron", "muon") else set())
    accepted |= {"electron", "muon"} if claim.kind == "lepton" else set()
    return accepted | ({"jet"} if claim.kind == "bjet" else set())


def names_claimed(claim: Claim, kind: str) -> bool:
    """Whether an object of ``kind`` named in a quote is of the objects a count or cut on
    ``claim.kind`` is about (for leptons: electrons and muons too)."""
    return kind == claim.kind or claim.kind == "lepton" and kind in ("electron", "muon")


def fmt(values: tuple[float, ...]) -> str:
    return "-".join(f"{v:g}" for v in values)

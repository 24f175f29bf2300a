"""Vetoes of objects that meet a condition, read as one cut on the objects the veto counts.

"Events containing a photon with E_T > 15 GeV are discarded", "Events are vetoed if they contain a
jet with pT > 20 GeV in the region -3.2 < phi < -2.8", "Events with more than one lepton with pT >
10 GeV are rejected": the thresholds say which objects the veto counts, not which objects the
analysis selects. Read apart, they give a cut on every selected object (which the paper does not
make) and a zero count of every selected object (which rejects far more events). Together they are
``not any((pt(photons) > 15))`` - no photon above 15 GeV - or, for a number other than zero,
``sum((pt(leptons) > 10)) <= 1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.text import top_level

# the fields a condition of a counted object may bound (the comparisons the rules read as cuts)
FIELDS = ("pt", "eta", "phi", "e", "d0", "z0", "d0sig", "z0sintheta", "reliso")
_OPS = (">=", "<=", "==", ">", "<")


@dataclass(frozen=True)
class Condition:
    """One bound on a field of the counted objects: ``abs(eta(jets)) < 2.4``."""

    field: str
    absolute: bool
    op: str  # one of _OPS, or "between" (low < x < high)
    values: tuple[float, ...]


@dataclass(frozen=True)
class CountedVeto:
    """The number of objects of a collection meeting all the conditions, bounded: op n."""

    collection: str
    conditions: tuple[Condition, ...]
    op: str
    n: float


def expression(veto: CountedVeto) -> str:
    """``not any(A and B)`` for none of them, ``sum(A and B) op n`` otherwise."""
    terms = " and ".join(f"({_term(veto.collection, c)})" for c in veto.conditions)
    if (veto.op, veto.n) in (("==", 0.0), ("<", 1.0), ("<=", 0.0)):
        return f"not any({terms})"
    return f"sum({terms}) {veto.op} {veto.n:g}"


def _term(collection: str, c: Condition) -> str:
    lhs = f"{c.field}({collection})"
    lhs = f"abs({lhs})" if c.absolute else lhs
    if c.op == "between":
        return f"{c.values[0]:g} < {lhs} < {c.values[1]:g}"
    return f"{lhs} {c.op} {c.values[0]:g}"


_NUM = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
_FIELD = rf"(?P<abs>abs\()?(?P<field>{'|'.join(FIELDS)})\((?P<coll>\w+)\)\)?"
_TERM = re.compile(
    rf"^\((?:(?P<low>{_NUM})\s*<\s*{_FIELD}\s*<\s*(?P<high>{_NUM})|{_FIELD.replace('?P<', '?P<b_')}"
    rf"\s*(?P<op>{'|'.join(_OPS)})\s*(?P<value>{_NUM}))\)$"
)
_WHOLE = re.compile(
    rf"^(?:not any\((?P<none>.+)\)|sum\((?P<counted>.+)\)\s*(?P<op>{'|'.join(_OPS)})\s*"
    rf"(?P<n>{_NUM}))$"
)


def parse(expr: str) -> CountedVeto | None:
    """The counted veto an expression states (as ``expression`` writes it), None for any other."""
    whole = _WHOLE.match(expr.strip())
    if whole is None:
        return None
    body = whole.group("none") or whole.group("counted")
    conditions, collections = [], set()
    for text in top_level(body, " and "):
        term = _TERM.match(text)
        if term is None:
            return None
        if term.group("low") is not None:
            collections.add(term.group("coll"))
            conditions.append(
                Condition(
                    term.group("field"),
                    bool(term.group("abs")),
                    "between",
                    (float(term.group("low")), float(term.group("high"))),
                )
            )
        else:
            collections.add(term.group("b_coll"))
            conditions.append(
                Condition(
                    term.group("b_field"),
                    bool(term.group("b_abs")),
                    term.group("op"),
                    (float(term.group("value")),),
                )
            )
    if len(collections) != 1 or not conditions:
        return None
    if whole.group("none") is not None:
        return CountedVeto(collections.pop(), tuple(conditions), "==", 0.0)
    return CountedVeto(
        collections.pop(), tuple(conditions), whole.group("op"), float(whole.group("n"))
    )

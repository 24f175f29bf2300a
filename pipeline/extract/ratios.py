"""Ratios of event quantities stated as one requirement (issue 17): "E_T^miss / sqrt(H_T) > 5
GeV^1/2", "E_T^miss/m_eff > 0.2", "the ratio of the missing transverse momentum to H_T must exceed
0.3", "H_T^miss / H_T < 0.5".

A ratio is one cut on one expression of the named quantities (``met / sqrt(ht) > 5``; H_T, m_eff
and H_T^miss get their conventional definitions from :mod:`named_quantities`, recorded for
review). The rules read it here, the list holds it as an expression, and the support check reads
the expression back (:func:`ratio_of_expr`) and looks for the same ratio in the quote, so a quote
giving the number to one of the parts ("H_T > 0.3 TeV") does not verify it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract import patterns as P

# the quantities a ratio is made of, as the prepared text writes them -> the list's name
_PARTS = {
    "met": r"MET|missing\s+transverse\s+(?:momentum|energy)",
    "mht": r"HT\s*\^\s*\{?miss\}?|MHT|missing\s+HT",
    "ht": r"HT(?!\s*\^)|scalar\s+sum\s+of\s+(?:the\s+)?jet\s+(?:pT|transverse\s+momenta)",
    "meff": r"m_?\{?eff\}?(?:\s*\([^()]{0,12}\))?|effective\s+mass",
}
_PART = "|".join(f"(?:{pattern})" for pattern in _PARTS.values())
_OP = rf"(?P<op>{P.SYMBOL_OP})|(?:[^.;<>]{{0,40}}?\b(?P<word>{P.WORD_OP}))"
_RATIO = re.compile(
    # MET / sqrt(HT), MET/\sqrt{HT}, MET / HT
    rf"(?P<num>{_PART})\s*/\s*(?P<sqrt>sqrt\s*\(|\\sqrt\s*\{{)?\s*(?P<den>{_PART})\s*[)}}]?"
    # the ratio of the MET to HT
    rf"|\bratio\s+(?:of\s+)?(?:the\s+)?(?P<num2>{_PART})\s+(?:to|and|over)\s+(?:the\s+)?"
    rf"(?P<sqrt2>square\s+root\s+of\s+(?:the\s+)?)?(?P<den2>{_PART})",
    re.IGNORECASE,
)
_VALUE = re.compile(rf"\s*(?:{_OP})\s*(?P<v>{P.NUM})", re.IGNORECASE)


def _name(text: str) -> str:
    return next(name for name, pattern in _PARTS.items() if re.fullmatch(pattern, text, re.I))


@dataclass(frozen=True)
class Ratio:
    """A ratio requirement: ``quantity`` is its variable name (met_over_sqrt_ht), ``expr`` the
    list's expression of it."""

    quantity: str
    expr: str
    op: str
    value: float
    start: int
    op_position: int
    end: int


def _expr(num: str, den: str, sqrt: bool) -> str:
    return f"{num} / sqrt({den})" if sqrt else f"{num} / {den}"


def quantity_of(num: str, den: str, sqrt: bool) -> str:
    return f"{num}_over_{'sqrt_' if sqrt else ''}{den}"


# variable name -> expression, for every ratio the rules can read
RATIO_EXPRESSIONS = {
    quantity_of(num, den, sqrt): _expr(num, den, sqrt)
    for num in ("met", "mht", "ht")
    for den in ("ht", "meff", "met", "mht")
    for sqrt in (False, True)
    if num != den
}


def ratios(sentence: str) -> list[Ratio]:
    """The ratio requirements of a prepared sentence."""
    out = []
    for match in _RATIO.finditer(sentence):
        value = _VALUE.match(sentence, match.end())
        if value is None:
            continue
        num = _name(match.group("num") or match.group("num2"))
        den = _name(match.group("den") or match.group("den2"))
        sqrt = bool(match.group("sqrt") or match.group("sqrt2"))
        quantity = quantity_of(num, den, sqrt)
        if quantity not in RATIO_EXPRESSIONS:
            continue
        op = value.group("op") or P.WORD_OPS[value.group("word").lower()]
        position = value.start("op") if value.group("op") else value.start("word")
        out.append(
            Ratio(
                quantity,
                RATIO_EXPRESSIONS[quantity],
                op,
                float(value.group("v")),
                match.start(),
                position,
                value.end(),
            )
        )
    return out


_EXPR_CUT = re.compile(r"(?P<lhs>.+?)\s*(?P<op>>=|<=|>|<)\s*(?P<v>-?[\d.]+)")


def named_expression_cut(expr: str, expressions: dict[str, str]) -> tuple[str, str, float] | None:
    """(quantity, op, value) of a list's cut ``<expression> op value`` whose expression is one of
    ``expressions`` (variable name -> expression), else None."""
    match = _EXPR_CUT.fullmatch(expr.strip())
    if match is None:
        return None
    lhs = re.sub(r"\s+", " ", match.group("lhs"))
    quantity = next((q for q, e in expressions.items() if e == lhs), None)
    if quantity is None:
        return None
    return quantity, match.group("op"), float(match.group("v"))


def ratio_of_expr(expr: str) -> tuple[str, str, float] | None:
    """(quantity, op, value) of a list's ratio cut (``met / sqrt(ht) > 5``), else None."""
    return named_expression_cut(expr, RATIO_EXPRESSIONS)

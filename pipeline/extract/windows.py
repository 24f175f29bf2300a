"""Mass windows around a known boson or top mass stated with a symbol (issue 17):
"|m_jj - m_W| < 20 GeV", "|m_bb - m_H| < 25 GeV", "|m_gammagamma - m_H| > 5 GeV".

A window is one cut on one expression of a named mass (``abs(mjj - 80.4) < 20``; m_jj, m_bb and
m_gammagamma get their conventional definitions from :mod:`named_quantities`, recorded for
review). The lepton-pair window around the Z mass is the SFOS pair window of
:mod:`comparisons` (``zwindow``), not this. The rules read a window here, the list holds it as an
expression, and the support check reads the expression back (:func:`window_of_expr`) and looks for
the same window in the quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract import patterns as P
from pipeline.extract.ratios import named_expression_cut

# the reference masses (GeV) a window is centred on, by the subscript papers give them
REFERENCE_MASSES = {"w": 80.4, "z": 91.1876, "h": 125.0, "t": 172.5}
_MASSES = {"jj": "mjj", "bb": "mbb", "gammagamma": "mgammagamma"}
_WINDOW = re.compile(
    r"\|\s*m_?\{?(?P<m>jj|bb|b\s?b|gammagamma)\}?\s*-\s*m_?\{?(?P<ref>W|Z|H|t|top)\}?\s*\|\s*"
    rf"(?P<op>{P.SYMBOL_OP})\s*(?P<v>{P.NUM})",
    re.IGNORECASE,
)

# "The dijet invariant mass must be within 15 GeV of the W boson mass", "m_bb must be within 25
# GeV of the Higgs boson mass": the mass is named before, the reference after
_WITHIN_OF = re.compile(
    rf"\b(?:(?:be|is|are|lie|lies)\s+)?within\s+(?:\+-\s*)?(?P<v>{P.NUM})\s*GeV\s+"
    r"(?:of|from|around)\s+(?:the\s+)?(?:nominal\s+|known\s+|measured\s+)?"
    r"(?:(?P<ref>W|Z|Higgs|H|top)(?:[- ](?:boson|quark))?\s+mass"
    r"|mass\s+of\s+the\s+(?P<ref2>W|Z|Higgs|H|top)\b(?:[- ](?:boson|quark))?"
    r"|m_?\{?(?P<ref3>W|Z|H|t)\}?\b)",
    re.IGNORECASE,
)
_MASS_BEFORE = [
    ("mjj", re.compile(r"\bdi-?jet|\bm_?\{?jj\}?(?![A-Za-z])|\btwo\s+(?:leading\s+)?jets\b", re.I)),
    (
        "mbb",
        re.compile(
            r"\bm_?\{?b\s?b\}?(?![A-Za-z])|\btwo\s+b-?(?:tagged\s+)?jets\b|\bb-?jet\s+pair|\bdi-?b-?jet",
            re.I,
        ),
    ),
    ("mgammagamma", re.compile(r"\bdi-?photon|\bm_?\{?gammagamma\}?|\btwo\s+photons\b", re.I)),
]


def mass_named_before(text: str) -> str | None:
    """The jet-pair, b-jet-pair or photon-pair mass the last 80 characters of ``text`` name."""
    tail = text[-80:]
    found = [(m.start(), name) for name, regex in _MASS_BEFORE for m in regex.finditer(tail)]
    return max(found)[1] if found else None


# variable name -> expression, for every window the rules can read
WINDOW_EXPRESSIONS = {
    f"{mass}_near_{ref}": f"abs({mass} - {value:g})"
    for mass in _MASSES.values()
    for ref, value in REFERENCE_MASSES.items()
}


@dataclass(frozen=True)
class Window:
    """``|m - m_ref| op value``: ``quantity`` is its variable name (mjj_near_w)."""

    quantity: str
    op: str
    value: float
    start: int
    op_position: int
    end: int


def windows(sentence: str) -> list[Window]:
    """The mass windows of a prepared sentence."""
    out = []
    for match in _WINDOW.finditer(sentence):
        mass = _MASSES[re.sub(r"\s", "", match.group("m")).lower()]
        ref = match.group("ref").lower()[0]
        out.append(
            Window(
                f"{mass}_near_{ref}",
                match.group("op"),
                float(match.group("v")),
                match.start(),
                match.start("op"),
                match.end(),
            )
        )
    for match in _WITHIN_OF.finditer(sentence):
        named = mass_named_before(sentence[: match.start()])
        ref = (match.group("ref") or match.group("ref2") or match.group("ref3")).lower()[0]
        if named is None:
            continue  # the lepton pair's window around the Z is the SFOS window
        out.append(
            Window(
                f"{named}_near_{ref}",
                "<",
                float(match.group("v")),
                match.start(),
                match.start(),
                match.end(),
            )
        )
    return out


def window_of_expr(expr: str) -> tuple[str, str, float] | None:
    """(quantity, op, value) of a list's window cut (``abs(mjj - 80.4) < 20``), else None."""
    return named_expression_cut(expr, WINDOW_EXPRESSIONS)

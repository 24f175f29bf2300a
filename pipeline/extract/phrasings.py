"""Phrasings of the rule-based extractor that are not a quantity compared with one number.

- "Delta R > 0.1 for same-flavour pairs and Delta R > 0.2 for different-flavour pairs": one
  event-level cut on all pairs of the named objects, the threshold chosen by flavour;
- "leptons satisfying the tight identification criteria": the objects' working-point flag;
- "the lepton pair whose invariant mass (m12) is closest to the Z boson mass must satisfy ...": the
  pair (the candidate) is chosen first, then cut on, so the list gets a select-best step before the
  cut;
- "m_min < m34 < 115 GeV, where m_min varies from 17.5 GeV at m4l = 120 GeV to 50 GeV at
  m4l = 190 GeV": a threshold interpolated through the stated points. The shape between and
  beyond the points is not stated, so it is recorded as an assumption for review.

All work on prepared (ASCII) sentences (:func:`pipeline.extract.patterns.prepare`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract import patterns as P
from pipeline.extract.findings import COLLECTIONS, CutFinding

_FLAVOUR = r"(?P<{n}>same|different|opposite)[- ]flavou?r(?:ed)?"
_DR_FLAVOUR = re.compile(
    rf"Delta ?R\b[^.;]{{0,80}}?(?P<op1>>=?)\s*(?P<v1>{P.NUM})\s*for\s+(?:the\s+)"
    rf"?{_FLAVOUR.format(n='f1')}(?:\s+(?:lepton\s+|object\s+)?pairs?)?[^.;]{{0,30}}?(?:,|\band\b"
    rf"|\bwhile\b)\s*(?:Delta ?R\s*)?(?:(?P<op2>>=?)\s*)?(?P<v2>{P.NUM})\s*for\s+(?:the\s+)"
    rf"?{_FLAVOUR.format(n='f2')}",
    re.IGNORECASE,
)
_WORKING_POINT = re.compile(
    r"""["'`]{0,2}\b(?P<wp>tight|medium|loose)\b["'`]{0,2}\s+(?:lepton\s+|electron\s+|muon\s+)?"""
    r"(?:identification|ID)\b",
    re.IGNORECASE,
)
_WP_REQUIRED = re.compile(
    r"\b(?:satisf\w*|pass\w*|meet\w*|fulfil\w*|requir\w*|select\w*|must)\b", re.IGNORECASE
)
# "a flag indicating whether the lepton passes ...", efficiencies, scale factors: no requirement
_WP_NOT_A_CUT = re.compile(
    r"\bflag\b|\bindicat\w*|\bwhether\b|scale factor|efficienc|\bcorrection", re.IGNORECASE
)
_MASS = r"m_?\{?(?:\d\d|\dl|ll|Z\d?)\}?"
_SLIDING = re.compile(
    rf"(?P<sym>[A-Za-z]\w{{0,8}}|{_MASS})\s*<\s*(?P<q>{_MASS})\s*<\s*(?P<hi>{P.NUM})\s*GeV,?\s*where\s+(?P=sym)\s+"
    rf"(?:\w+\s+){{0,2}}?(?:varies|increases|rises|changes|goes|grows|runs)\s+(?:\w+\s+){{0,2}}?from\s+"
    rf"(?P<y0>{P.NUM})\s*GeV\s+(?:at|for)\s+(?P<x>{_MASS})\s*=\s*(?P<x0>{P.NUM})\s*GeV\s+to\s+"
    rf"(?P<y1>{P.NUM})\s*GeV\s+(?:at|for)\s+(?P=x)\s*=\s*(?P<x1>{P.NUM})\s*GeV",
)


# the chosen pair is what the cut applies to: "the pair whose mass (m12) is closest to the Z mass
# must satisfy"
_CHOSEN_THEN_CUT = re.compile(
    rf"\bpairs?\b[^.;]{{0,60}}?\(?(?P<m>{_MASS})\)?\s+(?:is|are)\s+closest\s+to\s+the\s+Z(?:\s+boson)?(?:\s+pole)?\s+mass"
    rf"\s*,?\s+(?:must|is required to|are required to|has to|should)\s+(?:satisfy|have|lie|be)\b",
)
Z_MASS = 91.1876


@dataclass(frozen=True)
class FlavourDeltaR:
    """Delta R above ``same`` for same-flavour pairs of ``collection`` and above ``different``
    otherwise."""

    collection: str
    same: float
    different: float
    quote: str

    def expr(self) -> str:
        pairs = f"pairs({self.collection})"
        return (
            f"all(delta_r({pairs}) > where(same_flavour({pairs}), {self.same:g}, "
            f"{self.different:g}))"
        )


@dataclass(frozen=True)
class SlidingThreshold:
    """``low(x) < quantity < high``, low interpolated through (x0, y0) and (x1, y1)."""

    quantity: str
    variable: str
    xs: tuple[float, float]
    ys: tuple[float, float]
    high: float
    quote: str

    def expr(self) -> str:
        (x0, x1), (y0, y1) = self.xs, self.ys
        return (
            f"interp({self.variable}, [{x0:g}, {x1:g}], [{y0:g}, {y1:g}]) < {self.quantity} < "
            f"{self.high:g}"
        )


def _mass_name(symbol: str) -> str:
    return "m" + re.sub(r"^m_?\{?|\}$", "", symbol)


def flavour_delta_r(sentence: str, quote: str) -> FlavourDeltaR | None:
    """The same-/different-flavour Delta R requirement of a prepared sentence, if it states one."""
    match = _DR_FLAVOUR.search(sentence)
    if match is None or match.group("f1").lower() == match.group("f2").lower():
        return None
    before = [m for m in P.OBJECT_RE.finditer(sentence[: match.start()])]
    kind = P.object_of(before[-1]) if before else "lepton"
    if kind not in ("lepton", "electron", "muon"):
        return None
    v1, v2 = float(match.group("v1")), float(match.group("v2"))
    same, different = (v1, v2) if match.group("f1").lower() == "same" else (v2, v1)
    return FlavourDeltaR(collection=COLLECTIONS[kind], same=same, different=different, quote=quote)


def working_points(sentence: str, quote: str) -> list[CutFinding]:
    """'Leptons satisfying the "tight" identification criteria are selected' -> leptons id_tight ==
    1."""
    match = _WORKING_POINT.search(sentence)
    if match is None or _WP_NOT_A_CUT.search(sentence) or not _WP_REQUIRED.search(sentence):
        return []
    if P.TRIGGER.search(
        sentence[: match.start()]
    ):  # "a trigger requiring one photon that passes loose ID"
        return []
    before = [m for m in P.OBJECT_RE.finditer(sentence[: match.start()])]
    after = [m for m in P.OBJECT_RE.finditer(sentence[match.end() :])]
    named = before[-1] if before else (after[0] if after else None)
    if named is None or P.object_of(named) not in ("lepton", "electron", "muon", "photon", "tau"):
        return []
    wp = match.group("wp").lower()
    return [
        CutFinding(
            object=P.object_of(named),
            variable=f"id_{wp}",
            op="==",
            value=1.0,  # type: ignore[arg-type]
            quote=quote,
            description=f"passes the {wp} identification working point",
        )
    ]


def sliding_threshold(sentence: str, quote: str) -> SlidingThreshold | None:
    """'m_min < m34 < 115 GeV, where m_min varies ... from 17.5 GeV at m4l = 120 GeV to 50 GeV at
    m4l = 190 GeV': the lower bound as a function of m4l, through the two stated points."""
    match = _SLIDING.search(sentence)
    if match is None:
        return None
    x0, x1 = float(match.group("x0")), float(match.group("x1"))
    if x0 == x1:
        return None
    points = sorted([(x0, float(match.group("y0"))), (x1, float(match.group("y1")))])
    return SlidingThreshold(
        quantity=_mass_name(match.group("q")),
        variable=_mass_name(match.group("x")),
        xs=(points[0][0], points[1][0]),
        ys=(points[0][1], points[1][1]),
        high=float(match.group("hi")),
        quote=quote,
    )


def chosen_then_cut(sentence: str) -> str | None:
    """The pair mass (``m12``) of 'the pair whose mass (m12) is closest to the Z boson mass must
    satisfy ...': the pair is chosen before the cut applies, not among the pairs passing it."""
    match = _CHOSEN_THEN_CUT.search(sentence)
    return _mass_name(match.group("m")) if match else None

"""Overlap removal and object separation, read as what they are: a Delta R from each kept object
to the closest object of another collection.

``separations(text)`` reads a prepared sentence (:func:`patterns.prepare`) and returns every
statement of the class

- "X within Delta R < v of a Y are removed / not considered / discarded", "X that lie within a
  cone of radius (R =) v of / around a Y are not considered", "not considering X that lie within a
  cone of radius v around a selected Y", "the X closest to a Y is removed if it is within
  Delta R(y, x) < v";
- "X are required to have (an angular distance of) Delta R > v to the nearest Y", "X separated
  from (any) Y by Delta R > v", "X with Delta R(x, y) > v", and "Delta R(x, y) < v ... are removed";

with the kept side: the far objects (``>`` or ``>=``). The rules and the support check share this
reading; the selection language states each as the object cut ``min_delta_r(<Y collection>) > v``
on X's collection. An isolation cone ("the isolation ... within a cone of Delta R = 0.3 around the
lepton") and the distance parameter of the jet algorithm ("anti-kT with R = 0.4") are no
separation: they name no removal and no second collection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract import patterns as P

# the kinds a separation can be from (tracks, deposits, particles are isolation sums)
_KINDS = {"electron", "muon", "lepton", "jet", "bjet", "photon", "tau"}
_ARG_KINDS = {
    "e": "electron",
    "el": "electron",
    "ele": "electron",
    "electron": "electron",
    "mu": "muon",
    "muon": "muon",
    "l": "lepton",
    "ell": "lepton",
    "lep": "lepton",
    "lepton": "lepton",
    "j": "jet",
    "jet": "jet",
    "b": "bjet",
    "bjet": "bjet",
    "gamma": "photon",
    "pho": "photon",
    "photon": "photon",
    "tau": "tau",
    "tau_h": "tau",
}
_DR = r"(?:Delta ?R|\bdR)(?P<args>\s*\([^()]{1,30}\))?"
# "within Delta R = 0.4 of", "within a cone of radius R = 0.4 around"
_WITHIN = re.compile(
    r"\bwithin\s+(?:an?\s+(?:cone|distance|radius)\s+(?:of\s+)?(?:(?:radius|size)\s+)?)?"
    rf"(?:(?:{_DR}|\bR)\s*(?P<op>=|<=|<|of)?\s*)?(?P<num>{P.NUM})(?!\s*(?:GeV|MeV|TeV|mm|cm|%))",
    re.IGNORECASE,
)
# "Delta R > 0.5", "Delta R(gamma, jet) > 0.5", "by Delta R > 0.4"
_COMPARED = re.compile(
    rf"{_DR}\s*(?:of\s+)?(?P<op>>=|<=|>|<)\s*(?P<num>{P.NUM})(?!\s*(?:GeV|MeV|TeV|mm|cm|%|/))",
    re.IGNORECASE,
)
_REMOVAL = re.compile(
    r"\b(?:are|is|were|was|be|being)\s+(?:then\s+|also\s+|further\s+|subsequently\s+)?(?:removed"
    r"|discarded|rejected|not considered|not used|ignored|dropped|excluded|vetoed)\b"
    r"|\b(?:not considering|removing|discarding|ignoring|rejecting)\b",
    re.IGNORECASE,
)
# an isolation sum: "the isolation ...", "sum of transverse momenta of tracks within Delta R = 0.3"
_ISOLATION = re.compile(
    r"\bisolation\b|\bisolated\b(?!\s+from)|\biso\b|\bsums?\b|\bdeposits?\b", re.IGNORECASE
)
_NEAR = 80  # the objects a separation applies to are named at most this many characters before it
# one kind contains the other: "muons within Delta R < 0.3 of a lepton" is no overlap removal
_NESTED = {("electron", "lepton"), ("muon", "lepton"), ("lepton", "electron"), ("lepton", "muon")}
_JET_RADIUS = re.compile(
    r"\banti-?k_?[tT]\b|\bdistance parameter\b|\bradius parameter\b|\bclusteri?(?:ng|ed)\b"
    r"|\blarge-radius\b|\bAK[48]\b",
    re.IGNORECASE,
)
# a mention that is where the distance is measured to, not what is kept or removed
_PARTNER_BEFORE = re.compile(
    r"\b(?:to|of|from|around|near|with respect to|(?:overlapping|overlap|coinciding|matched)\s+"
    r"with)\s+(?:an?\s+|the\s+|any\s+|all\s+|each\s+"
    r"|every\s+)?(?:[\w-]+\s+){0,2}?$",
    re.IGNORECASE,
)
_PARTNER_AFTER = re.compile(
    r"^\s*(?:rad\s+)?(?:to|of|from|around|with respect to|between\s+the\s+\w+\s+and)\s+",
    re.IGNORECASE,
)
_SEPARATED_FROM = re.compile(
    r"\b(?:separated|distant|isolated)\s+(?:\w+\s+){0,2}?from\s+", re.IGNORECASE
)
_KEPT = {"<": ">=", "<=": ">", "=": ">", "of": ">", None: ">"}


@dataclass(frozen=True)
class Separation:
    """X kept only when Delta R to every Y satisfies ``op value`` (``>``/``>=``)."""

    subject: str  # kind of the objects cut (X)
    partner: str  # kind of the objects the distance is measured to (Y)
    op: str
    value: float
    position: int  # offset of the number in the prepared sentence


def _mentions(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), P.object_of(m)) for m in P.OBJECT_RE.finditer(text)]


def _arg_kinds(args: str | None) -> list[str]:
    if not args:
        return []
    names = [a.strip().lower().strip("{}") for a in args.strip()[1:-1].split(",")]
    return [_ARG_KINDS.get(n.rstrip("s"), _ARG_KINDS.get(n, "")) for n in names]


def _in_args(text: str, position: int) -> bool:
    """Whether ``position`` is inside the argument list of a Delta R(...)."""
    return any(m.start("args") <= position < m.end("args") for m in _ARGS.finditer(text))


_ARGS = re.compile(r"(?:Delta ?R|\bdR)(?P<args>\s*\([^()]{1,30}\))", re.IGNORECASE)


def _subject_before(text: str, start: int, mentions: list[tuple[int, int, str]]) -> str | None:
    """The objects a separation applies to: the last object named before ``start`` (in the same
    clause, not inside Delta R arguments) that is not where a distance is measured to."""
    floor = max(text.rfind(";", 0, start), start - _NEAR, 0)
    for a, _, kind in reversed(mentions):
        if a >= start or a < floor or _in_args(text, a):
            continue
        if _PARTNER_BEFORE.search(text[max(0, a - 40) : a]):
            continue
        return kind if kind in _KINDS else None
    return None


def _partner_after(text: str, end: int, mentions: list[tuple[int, int, str]]) -> str | None:
    lead = _PARTNER_AFTER.match(text[end : end + 60])
    if lead is None:
        return None
    return _first_mention(text, end + lead.end(), mentions)


def _first_mention(text: str, at: int, mentions: list[tuple[int, int, str]]) -> str | None:
    """The object named first within three words after ``at`` ('the nearest jet', 'any remaining
    jets', 'loosely identified leptons', 'a selected lepton')."""
    words = re.match(r"(?:[\w-]+\s+){0,3}", text[at:])
    limit = at + (words.end() if words else 0)
    return next((k for a, _, k in mentions if at <= a <= limit and k in _KINDS), None)


def _separated_partner(text: str, start: int, mentions: list[tuple[int, int, str]]) -> str | None:
    """'separated from (any) Y by Delta R > v': Y."""
    found = [m for m in _SEPARATED_FROM.finditer(text, max(0, start - 80), start)]
    if not found:
        return None
    return _first_mention(text, found[-1].end(), mentions)


def _pick(
    text: str,
    match: re.Match[str],
    mentions: list[tuple[int, int, str]],
) -> tuple[str, str] | None:
    """(subject, partner) kinds of one Delta R statement, None when either is not stated."""
    args = [k for k in _arg_kinds(match.group("args")) if k]
    subject = _subject_before(text, match.start(), mentions)
    partner = _partner_after(text, match.end(), mentions) or _separated_partner(
        text, match.start(), mentions
    )
    if len(args) == 2:
        if subject not in args:
            subject = args[0]
        partner = args[1] if subject == args[0] else args[0]
    if subject is None or partner is None or subject == partner or (subject, partner) in _NESTED:
        return None
    if _removed_kind(text, match.start(), mentions) == partner:
        # "If an electron is within Delta R = 0.2 of a jet, the electron is kept and the jet is
        # discarded": the jet is what goes
        return partner, subject
    return subject, partner


_NAMED_AGAIN = re.compile(r"\b(?:the|that|this|these|those)\s+$", re.IGNORECASE)


def _removed_kind(text: str, at: int, mentions: list[tuple[int, int, str]]) -> str | None:
    """The kind named as the subject of a removal verb ('the jet is discarded') in the clause
    of ``at``, if any."""
    begin = text.rfind(";", 0, at) + 1
    end = text.find(";", at) % (len(text) + 1)
    for removal in _REMOVAL.finditer(text, begin, end):
        before = [(a, k) for a, b, k in mentions if 0 <= removal.start() - b <= 12]
        if not before:
            continue
        start, kind = before[-1]
        if _NAMED_AGAIN.search(text[max(0, start - 6) : start]) and not _PARTNER_BEFORE.search(
            text[max(0, start - 40) : start]
        ):  # not "... of an electron are removed", "... and nearest jet are removed"
            return kind
    return None


def separations(text: str) -> list[Separation]:
    """Every overlap-removal or separation statement of the prepared sentence ``text``."""
    if _JET_RADIUS.search(text) and not _REMOVAL.search(text):
        return []
    mentions = _mentions(text)
    removal = _REMOVAL.search(text) is not None
    out: list[Separation] = []
    taken: set[int] = set()
    for match in _WITHIN.finditer(text):
        if not removal or _ISOLATION.search(text[max(0, match.start() - 120) : match.start()]):
            continue  # "within a cone of Delta R = 0.3" of an isolation sum
        pair = _pick(text, match, mentions)
        if pair is None:
            continue
        op = match.group("op")
        out.append(
            Separation(pair[0], pair[1], _KEPT[op], float(match.group("num")), match.start("num"))
        )
        taken.add(match.start("num"))
    for match in _COMPARED.finditer(text):
        if match.start("num") in taken or _ISOLATION.search(
            text[max(0, match.start() - 120) : match.start()]
        ):
            continue
        op = match.group("op")
        if op in ("<", "<="):
            if not removal:
                continue  # "Delta R(l, jet) < 0.4" required: a matching, not a separation
            op = _KEPT[op]
        pair = _pick(text, match, mentions)
        if pair is None:
            continue
        out.append(Separation(pair[0], pair[1], op, float(match.group("num")), match.start("num")))
    return sorted(out, key=lambda s: s.position)


def jet_radius(text: str) -> bool:
    """Whether the prepared sentence states the distance parameter of a jet algorithm."""
    return bool(_JET_RADIUS.search(text))


def isolation_cone(text: str) -> bool:
    """Whether the prepared sentence speaks of an isolation (sum in a cone)."""
    return bool(_ISOLATION.search(text) and re.search(r"\bcones?\b|Delta ?R", text, re.I))

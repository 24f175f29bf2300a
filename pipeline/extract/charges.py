"""Charge requirements on pairs of objects: 'two opposite-sign leptons', 'a pair of oppositely
charged muons', 'the two leptons must have the same electric charge', 'same-sign (SS) dileptons'.

The requirement is that the event has such a pair: ``any(opposite_charge(pairs(leptons)))`` or,
for the same sign, ``any(not opposite_charge(pairs(leptons)))``. A same-flavour opposite-sign pair
is the SFOS requirement (patterns.SFOS_RE), not one of these. Read once here for the rules and the
support check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract import patterns as P

# the objects of a pair, as nouns and as di-nouns ("dimuon", "dilepton pair")
_DI = {"dilepton": "lepton", "dimuon": "muon", "dielectron": "electron", "ditau": "tau"}
_NOUN = rf"(?:{P.OBJECT_RE.pattern}|(?P<di>di(?:lepton|muon|electron|tau))s?\b)"
_SIGN = (
    r"(?:(?P<opp>opposite(?:ly)?)|(?P<same>same|like|equal))[- ]?"
    r"(?:sign(?:ed)?|(?:electric(?:al(?:ly)?)?\s+)?charged?|charges?)\b"
)
# "two opposite-sign leptons", "an opposite-charge muon pair", "a same-sign dilepton pair",
# "a pair of oppositely charged muons", "OS dimuon"
_BEFORE_NOUN = re.compile(
    rf"(?:\b{_SIGN}|\b(?:(?P<os>OS)|(?P<ss>SS))\b)(?:\s*\([^()]{{0,12}}\))?\s+"
    rf"(?:(?:isolated|prompt|signal|tight|selected|light|charged)\s+){{0,2}}{_NOUN}",
    re.IGNORECASE,
)
# "the two leptons must have opposite charges", "muons are required to be of the same sign",
# "leptons with opposite electric charge"
_AFTER_NOUN = re.compile(
    rf"{_NOUN}[^.;]{{0,50}}?\b(?:must|should|(?:are|is)\s+required\s+to|with|having|of|carrying)"
    r"\s+(?:have\s+|be\s+of\s+|carry\s+|be\s+)?(?:the\s+|an?\s+)?"
    r"(?:(?P<opp2>opposite|different|opposing)|(?P<same2>same|equal|identical|like))\s+"
    r"(?:electric(?:al)?\s+)?(?:charges?|signs?)\b",
    re.IGNORECASE,
)
# the pairs a requirement is of, not one the event must have: "m_ll > 12 GeV for all
# opposite-charge lepton pairs", "for each same-sign pair"
_EVERY_PAIR = re.compile(
    r"\b(?:for|of|among|in|to)\s+(?:all|each|every|any)\s+(?:of\s+the\s+|the\s+|possible\s+)?$",
    re.IGNORECASE,
)
_FLAVOUR_TOO = re.compile(r"[- ]?(?:and\s+|,\s*)?(?:same|different|opposite)[- ]flavou?r", re.I)


@dataclass(frozen=True)
class ChargePair:
    """A pair of objects of one kind required to have opposite (or the same) charge."""

    kind: str  # "lepton", "muon", ...
    opposite: bool
    position: int  # where the phrase starts in the sentence


def charge_pairs(sentence: str) -> list[ChargePair]:
    """The charge requirements the prepared ``sentence`` states on pairs of one kind (none for a
    same-flavour opposite-sign pair or an opposite-flavour one)."""
    out: list[ChargePair] = []
    for pattern, opposite_group in ((_BEFORE_NOUN, ("opp", "os")), (_AFTER_NOUN, ("opp2",))):
        for match in pattern.finditer(sentence):
            if _names_flavour(sentence, match) or _EVERY_PAIR.search(
                sentence, max(0, match.start() - 24), match.start()
            ):
                continue
            kind = _DI[match.group("di").lower()] if match.group("di") else P.object_of(match)
            if kind not in ("lepton", "electron", "muon", "tau"):
                continue
            opposite = any(match.group(g) for g in opposite_group)
            out.append(ChargePair(kind, opposite, match.start()))
    return out


def _names_flavour(sentence: str, match: re.Match[str]) -> bool:
    """'opposite-sign same-flavour', 'same-flavour opposite-charge': the SFOS requirement; 'an
    opposite-charge electron-muon pair', 'an electron and a muon of opposite charge': a pair of
    two flavours, which no pair of one collection states."""
    window = sentence[max(0, match.start() - 30) : match.end() + 30]
    return bool(
        P.SFOS_RE.search(window)
        or _FLAVOUR_TOO.match(sentence, _sign_end(match))
        or _MIXED.search(window)
        or (re.search(r"\belectrons?\b", window, re.I) and re.search(r"\bmuons?\b", window, re.I))
        # "a muon and a tau lepton of opposite charge", "the tau candidate and the lepton must
        # have opposite charges": a pair of two kinds
        or len(_kinds_in(match.group(0))) > 1
    )


def _kinds_in(text: str) -> set[str]:
    kinds = {P.object_of(m) for m in P.OBJECT_RE.finditer(text)}
    kinds |= {"tau"} if re.search(r"\btau", text, re.I) else set()
    return kinds - ({"lepton"} if kinds <= {"lepton", "electron", "muon"} else set())


_MIXED = re.compile(
    r"\belectron-muon\b|\bmuon-electron\b|\be\s?-?\s?mu\b|\be\u03bc\b"
    r"|(?:different|opposite)[- ]flavou?r",
    re.IGNORECASE,
)


def _sign_end(match: re.Match[str]) -> int:
    groups = match.groupdict()
    for group in ("opp", "same", "os", "ss", "opp2", "same2"):
        if groups.get(group):
            return match.end(group)
    return match.end()


def expression(collection: str, opposite: bool) -> str:
    """The cut: the event has a pair of ``collection`` with opposite (the same) charge."""
    pairs = f"opposite_charge(pairs({collection}))"
    return f"any({pairs})" if opposite else f"any(not {pairs})"


CHARGE_EXPR = re.compile(r"any\((?P<not>not )?opposite_charge\(pairs\((?P<coll>\w+)\)\)\)")

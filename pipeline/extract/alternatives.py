"""Alternative requirements, read as one cut: ``(A) or (B)``.

"Events are required to have at least eight jets with pT > 50 GeV or at least seven jets with
pT > 80 GeV", "at least two jets with pT > 40 GeV, or one jet with pT > 100 GeV", "at least one
electron or at least one muon": an event passes when it meets either requirement. Read flat, the
sentence gives both thresholds and both counts as cuts every event must pass, which selects
something else. The split is read once here for the rules and the support check; each
alternative is then read as a sentence of its own (the words before the first count, then the
alternative: "Events are required to have at least seven jets with pT > 80 GeV.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract import patterns as P

# a count opening an alternative: a count word, or a bare number followed by a comparison later
_QUANTIFIER = "|".join(sorted(P.COUNT_OPS, key=len, reverse=True))
_OR_COUNT = re.compile(
    rf",?\s+or\s+(?:alternatively\s+)?(?=(?P<q>{_QUANTIFIER})\s+|(?P<bare>(?:{P.NUM_WORD})\s))",
    re.IGNORECASE,
)
_COMPARISON = re.compile(r"[<>\u2264\u2265]|\b(?:above|below|greater|larger|exceeding)\b", re.I)


@dataclass(frozen=True)
class Alternatives:
    """The alternatives of a requirement, each as a sentence of its own."""

    parts: tuple[str, ...]  # ("Events are required to have at least eight jets with ...", ...)


def split(sentence: str) -> Alternatives | None:
    """The alternatives of a prepared sentence requiring one count of objects or another; None for
    any other sentence ('exactly one electron or muon' is one count over both flavours)."""
    counts = [m for m in (P.COUNT_RE.search(sentence), P.OR_MORE_RE.search(sentence)) if m]
    if not counts:
        return None
    first = min(counts, key=lambda m: m.start())  # "at least three leptons", "three or more"
    quantifier = first.group("q") if "q" in first.groupdict() else "at least"
    lead = sentence[: first.start()]
    parts: list[str] = []
    parts_quantified: list[int] = []  # the alternatives opened by a bare number
    start = first.start()
    for match in _OR_COUNT.finditer(sentence, first.end()):
        opened = P.COUNT_RE.match(sentence, match.end()) or _bare_count(sentence, match.end())
        if opened is None or not _balanced(sentence[start : match.start()]):
            continue  # (not "one lepton (an electron or a muon)")
        parts.append(sentence[start : match.start()])
        start = match.end()
        if match.group("bare"):  # "..., or one jet with pT > 100 GeV": the first count word
            parts_quantified.append(len(parts))
    if not parts:
        return None
    parts.append(sentence[start:].rstrip(" ."))
    if parts_quantified and _one_lepton(quantifier, first, parts, parts_quantified):
        return None  # "exactly one electron or one muon": one lepton of either flavour
    for index in parts_quantified:
        parts[index] = f"{quantifier} {parts[index]}"
    return Alternatives(tuple(f"{lead}{part.strip().rstrip('.,')}." for part in parts))


def _one_lepton(quantifier: str, first: re.Match[str], parts: list[str], bare: list[int]) -> bool:
    """'exactly one electron or one muon' (nothing more said of either): a count of one lepton of
    either flavour, not two alternatives."""
    if quantifier.lower() != "exactly" or P.object_of(first) not in ("electron", "muon"):
        return False
    for index in bare:
        match = _bare_count(parts[index], 0)
        if (
            match is None
            or P.count_value(match.group("n").lower()) != 1
            or not re.fullmatch(r"(?i)electrons?|muons?", match.group("obj"))
            or _COMPARISON.search(parts[index])
        ):
            return False
    return P.count_value(first.group("n").lower()) == 1


def _bare_count(text: str, pos: int) -> re.Match[str] | None:
    """'one jet with pT > 100 GeV' at ``pos``: a number and an object, no count word."""
    match = _BARE.match(text, pos)
    if match is None or match.group("n").lower() == "no":
        return None
    if match.group("n").lower() in ("a", "an") and not _QUALIFIED_PAIR.match(text, pos):
        return None  # (not "one lepton (an electron or a muon)"; "or a same-sign pair" is one)
    return match


# "a same-sign lepton pair", "an opposite-charge dimuon pair": a pair opened by an article
_QUALIFIED_PAIR = re.compile(
    r"an?\s+(?:same|like|opposite)[- ](?:sign|charge)|an?\s+(?:SS|OS|SFOS|OSSF)\b", re.IGNORECASE
)
_BARE = re.compile(
    rf"(?P<n>(?i:{P.NUM_WORD}))\s+(?!(?i:[kMGT]?eV|mm|cm|rad|%)\b)(?:[\w-]+\s+){{0,3}}?"
    rf"(?P<obj>{P.OBJECT_RE.pattern}|(?i:di(?:lepton|muon|electron|tau)s?\b))"
)
# the alternatives as the extractors write them: (A) or (B) [or (C)]
_TOP_LEVEL_OR = " or "


def parts_of(expr: str) -> tuple[str, ...] | None:
    """The alternatives of an expression ``(A) or (B)``, None for any other one."""
    parts = _top_level(expr.strip(), _TOP_LEVEL_OR)
    if len(parts) < 2 or not all(p.startswith("(") and p.endswith(")") for p in parts):
        return None
    inner = tuple(p[1:-1] for p in parts)
    return inner if all(_balanced(p) for p in inner) else None


def conjuncts(expr: str) -> tuple[str, ...]:
    """The parts of ``A and B`` at the top level (the expression itself when there is no 'and')."""
    return tuple(_top_level(expr, " and "))


def expression(parts: list[list[str]]) -> str:
    return " or ".join("(" + " and ".join(part) + ")" for part in parts)


def _top_level(expr: str, word: str) -> list[str]:
    out, depth, start, i = [], 0, 0, 0
    while i < len(expr):
        char = expr[i]
        depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(char, 0)
        if depth == 0 and expr.startswith(word, i):
            out.append(expr[start:i].strip())
            i += len(word)
            start = i
            continue
        i += 1
    out.append(expr[start:].strip())
    return out


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0

"""A requirement under a condition, read as one cut: ``not (condition) or (requirement)``.

"For events with exactly two jets, the subleading jet must have pT > 60 GeV", "If the event has at
least three jets, the third jet must have pT > 40 GeV", "Events with m_T2 < 100 GeV are required to
have E_T^miss > 300 GeV": the requirement holds for the events the condition names, and every other
event passes (the language's conditional cut, docs/selection-language.md). The split is read once
here for the rules and the support check; each part is then read as a sentence of its own
(the condition as the requirement "Events must have <condition>.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.text import balanced

_SPLITS = [
    # "For events with exactly two jets, the subleading jet must ..."
    re.compile(
        r"^\W*(?:for|in)\s+(?:all\s+|the\s+|those\s+)?events?\s+(?:with|having|that\s+have"
        r"|containing)\s+(?P<cond>[^,;]{3,100}?)\s*,\s*(?P<req>[^;]+)$",
        re.IGNORECASE,
    ),
    # "In two-muon events, the dimuon mass must ...": events with that many objects (the
    # condition written as "events with exactly two muons"; not "dijet events": two or more)
    re.compile(
        r"^\W*(?:for|in)\s+(?:all\s+|the\s+|those\s+)?(?P<n>one|two|three|four|[1-4])-"
        r"(?P<obj>muon|electron|lepton|photon|jet|b-jet|tau)\s+events?\s*,\s*(?P<req>[^;]+)$",
        re.IGNORECASE,
    ),
    # "When two muons are present, their invariant mass must ..."
    re.compile(
        r"^\W*(?:if|when|where)\s+(?P<cond>(?:(?:at\s+least|exactly|more\s+than)\s+)?"
        r"(?:one|two|three|four|a|an|[1-4])\s+(?:[\w-]+\s+)?[\w-]+)\s+(?:is|are)\s+(?:present|found|"
        # (not "their invariant mass must ...": the requirement names its objects only there)
        r"reconstructed|selected)\s*,\s*(?!\s*(?:their|its|they|it)\b)(?P<req>[^;]+)$",
        re.IGNORECASE,
    ),
    # "If the event has at least three jets, the third jet must ..."
    re.compile(
        r"^\W*(?:if|when)\s+(?:the\s+event\s+(?:has|contains)|there\s+(?:is|are)|an?\s+event\s+"
        r"(?:has|contains))\s+(?P<cond>[^,;]{3,100}?)\s*,\s*(?P<req>[^;]+)$",
        re.IGNORECASE,
    ),
    # "Events with m_T2 < 100 GeV are required to have E_T^miss > 300 GeV", "Events with fewer
    # than four jets must have H_T > 500 GeV"
    # "We require H_T > 300 GeV for events with at least four jets", "The leading jet must have
    # pT > 100 GeV in events with exactly one jet"
    re.compile(
        r"^\W*(?P<req>[^;]{0,200}?\b(?:must|should|require[sd]?|(?:is|are)\s+(?:also\s+)?required)"
        r"\b[^;]{3,200}?|[^;]{3,200}?\b(?:is|are)\s+(?:also\s+)?required)\s*,?\s+(?:for|in)\s+"
        r"(?:all\s+|the\s+|those\s+)?events?\s+(?:with|having|that\s+have|containing)\s+"
        r"(?P<cond>[^,;]{3,80}?)\s*\.?\s*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\W*events?\s+(?:with|having|containing)\s+(?P<cond>[^,;]{3,80}?)\s+(?:(?:are|is)\s+"
        r"(?:also\s+|further\s+|additionally\s+)?required\s+to|(?:must|should)(?:\s+also)?)\s+"
        r"(?:have|satisfy|fulfil+)\s+(?P<req>[^;]+)$",
        re.IGNORECASE,
    ),
]
# a flavour or charge qualifier a count of objects loses ("events with two same-flavour leptons")
_QUALIFIED_PAIR = re.compile(
    r"same[- ]flavou?r|opposite[- ](?:sign|charge|flavou?r)|same[- ](?:sign|charge)|different[- ]"
    r"flavou?r|\bSFOS\b|\bOSSF\b|\bSS\b|\bOS\b",
    re.IGNORECASE,
)
# a requirement that already has its verb ("the subleading jet must have ...")
_HAS_VERB = re.compile(
    r"\b(?:must|should|(?:is|are)\s+(?:also\s+)?required|has\s+to|have\s+to|require[sd]?)\b", re.I
)
# the conditional cut as the extractors write it: not (C) or (R)
_CONDITIONAL_EXPR = re.compile(r"^not \((?P<cond>.+)\) or \((?P<req>.+)\)$")


@dataclass(frozen=True)
class Conditional:
    """The two parts of a conditional requirement, each as a sentence of its own."""

    condition: str  # "Events must have exactly two jets."
    requirement: str  # "the subleading jet must have pT > 60 GeV."


def split(sentence: str) -> Conditional | None:
    """The condition and the requirement of a prepared sentence stating a requirement for the
    events a condition names; None for any other sentence."""
    for pattern in _SPLITS:
        match = pattern.match(sentence)
        if match is None:
            continue
        if "cond" in pattern.groupindex and _QUALIFIED_PAIR.search(match.group("cond")):
            return None  # "two same-flavour leptons": a condition the counts cannot state
        requirement = match.group("req").strip()
        if not _HAS_VERB.search(requirement):
            requirement = f"Events must have {requirement}"
        if "cond" not in pattern.groupindex:  # "In two-muon events, ..."
            condition = f"exactly {match.group('n')} {match.group('obj')}s"
        else:
            condition = match.group("cond").strip()
        return Conditional(f"Events must have {condition}.", requirement)
    return None


def parts_of(expr: str) -> tuple[str, str] | None:
    """(condition, requirement) of a conditional cut's expression, None for any other one."""
    match = _CONDITIONAL_EXPR.match(expr.strip())
    if match is None or not balanced(match.group("cond")) or not balanced(match.group("req")):
        return None
    return match.group("cond"), match.group("req")


def expression(condition: str, requirement: str) -> str:
    return f"not ({condition}) or ({requirement})"

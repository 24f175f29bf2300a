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
from pipeline.extract.clauses import rejects_events
from pipeline.extract.reading import read
from pipeline.extract.text import balanced, top_level

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
    # the clauses before the alternatives' own, read on their own ("Events must have at least two
    # jets; in addition, H_T > 800 GeV or E_T^miss > 250 GeV is required": the jet count)
    before: str = ""


def split(sentence: str) -> Alternatives | None:
    """The alternatives of a prepared sentence requiring one count of objects or another ('at
    least eight jets ... or at least seven jets ...'), or one set of requirements or another
    ('either m_jj > 1000 GeV and |Delta eta_jj| > 3.5, or m_jj > 1500 GeV'); None for any other
    sentence ('exactly one electron or muon' is one count over both flavours) and for a sentence
    rejecting the events (the kept ones meet neither: read as a veto)."""
    if rejects_events(sentence) or _REJECTS.search(sentence):
        return None
    counts = [m for m in (P.COUNT_RE.search(sentence), P.OR_MORE_RE.search(sentence)) if m]
    if not counts:
        return _either(sentence) or _or_comparisons(sentence)
    first = min(counts, key=lambda m: m.start())  # "at least three leptons", "three or more"
    quantifier = first.group("q") if "q" in first.groupdict() else "at least"
    lead = sentence[: first.start()]
    parts: list[str] = []
    parts_quantified: list[int] = []  # the alternatives opened by a bare number
    start = first.start()
    for match in _OR_COUNT.finditer(sentence, first.end()):
        opened = P.COUNT_RE.match(sentence, match.end()) or _bare_count(sentence, match.end())
        if (
            opened is None
            or not balanced(sentence[start : match.start()])
            or ";" in sentence[start : match.start()]
            or _NUMBER_BEFORE.search(sentence[: match.start()])
        ):
            # (not "one lepton (an electron or a muon)", not "one or two taus": a range of
            # one count, not beyond a clause's end)
            continue
        parts.append(sentence[start : match.start()])
        start = match.end()
        if match.group("bare"):  # "..., or one jet with pT > 100 GeV": the first count word
            parts_quantified.append(len(parts))
    if not parts:
        return _either(sentence) or _or_comparisons(sentence)
    parts.append(sentence[start:].rstrip(" ."))
    if parts_quantified and _one_lepton(quantifier, first, parts, parts_quantified):
        return None  # "exactly one electron or one muon": one lepton of either flavour
    # a bare number after "or" is "at least" that many (the first count word only when it is
    # "exactly": "more than three jets ..., or two jets with pT > 100 GeV" is two jets, not three)
    carried = "exactly" if quantifier.lower() == "exactly" else "at least"
    for index in parts_quantified:
        parts[index] = f"{carried} {parts[index]}"
    return Alternatives(tuple(f"{lead}{part.strip().rstrip('.,')}." for part in parts))


_NUMBER_BEFORE = re.compile(rf"(?<![\w.])(?i:{P.NUM_WORD})\s*$")
_REJECTS = re.compile(r"\b(?:reject|veto|discard|exclud)\w*", re.IGNORECASE)
_EITHER = re.compile(r"\beither\s+", re.IGNORECASE)
_OR = re.compile(r",?\s+or\s+", re.IGNORECASE)


# a count of objects the patterns have no collection for ("at least one large-R jet")
_SOME_COUNT = re.compile(
    rf"\b(?:{_QUANTIFIER})\s+(?:{P.NUM_WORD})\s+(?:[\w-]+\s+){{0,2}}?[a-z][\w-]*s?\b",
    re.IGNORECASE,
)


def _either(sentence: str) -> Alternatives | None:
    """'Events are required to satisfy either A and B, or C': the parts after 'either', split at
    each 'or' outside brackets, each with a comparison or a count of its own."""
    either = _EITHER.search(sentence)
    if either is None:
        return None
    lead, body = sentence[: either.start()], sentence[either.end() :].rstrip(" .")
    parts, start = [], 0
    for match in _OR.finditer(body):
        if balanced(body[start : match.start()]):
            parts.append(body[start : match.start()])
            start = match.end()
    parts.append(body[start:])
    if len(parts) < 2 or not all(
        _COMPARISON.search(part) or P.COUNT_RE.search(part) or _SOME_COUNT.search(part)
        for part in parts
    ):
        return None  # "either an electron or a muon": one count of either flavour
    return Alternatives(tuple(f"{lead}{part.strip().rstrip('.,')}." for part in parts))


# "H_T > 800 GeV or E_T^miss > 250 GeV": "or" right after a value (not "or more", "or less")
# (a unit the comparison left after its value: "m_jj > 1000 GeV/c^2 or", "> 0.4 rad or")
_OR_AFTER_VALUE = re.compile(
    r"^\s*(?:[kMGT]?eV\b)?\s*(?:/\s*c\^?\{?2\}?|\b(?:rad|mm|cm)\b)?\s*,?\s+or\s+"
    r"(?!more\b|fewer\b|less\b|equal\b|above\b|below\b)"
)
# "Events are not selected if ...": the alternatives are what the events kept fail
_NEGATED = re.compile(r"\b(?:not|never|no\s+longer)\b|n't\b", re.IGNORECASE)
# a requirement of every event before the alternatives: "m_jj > 500 GeV, and H_T > 300 GeV or ..."
_HEAD_END = re.compile(r",\s*(?:and\s+)?|\s+and\s+", re.IGNORECASE)
_A_REQUIREMENT = re.compile(r"\d|\b(?:at\s+least|exactly|at\s+most|no)\b", re.IGNORECASE)
# the words opening the requirements: "Events must have ", "Events are selected if ", "We require "
_LEAD = re.compile(  # (the last opening words before the first alternative)
    r"^.*\b(?:requir(?:e|es|ed|ing)(?:\s+to\s+(?:have|satisfy|pass|fulfil+))?|must\s+(?:have"
    r"|satisfy|fulfil+|pass|meet|contain)|(?:are|is)\s+selected\s+(?:if|when|with)|selects?"
    r"\s+(?:events\s+)?(?:with|if)|with|if)\s+(?:either\s+)?",
    re.IGNORECASE,
)
# another object named after the "or": "... or the subleading lepton must have pT > 20 GeV"
_OTHER_SUBJECT = re.compile(
    rf"\b(?:leading|sub-?leading|second|third|fourth|trailing|highest|other)\b"
    rf"|{P.OBJECT_RE.pattern}",
    re.IGNORECASE,
)
_OWN_VERB = re.compile(
    r"\b(?:must|required|requires|has\s+to|have\s+to|needs?|exceeds?|is\s+(?:above|larger"
    r"|greater|higher|below|smaller|less))\b",
    re.IGNORECASE,
)
# a common requirement after the last alternative: "..., or E_T^miss > 250 GeV, and two jets"
_COMMON_TAIL = re.compile(
    r"^\s*(?:,\s*and|;\s*and|;|,\s*as\s+well\s+as|,?\s*in\s+addition\s+to|,\s*together\s+with"
    r"|,\s*plus)\s+",
    re.IGNORECASE,
)


def _or_comparisons(sentence: str) -> Alternatives | None:
    """'Events must have H_T > 800 GeV or E_T^miss > 250 GeV', '... if the leading jet has pT >
    250 GeV or the missing transverse momentum exceeds 300 GeV': requirements on different
    quantities joined by 'or', each alternative with the opening words ('Events must have ') and
    a common requirement after the last one (', and at least two jets'). None when no 'or' joins
    two comparisons, or the two bound one quantity ('|eta| < 1.37 or 1.52 < |eta| < 2.47': a
    window, not alternatives)."""
    r = read(sentence)
    text = r.text
    comps = sorted(r.comparisons, key=lambda c: c.position)
    joins: list[tuple[int, int]] = []
    for first, second in zip(comps, comps[1:], strict=False):
        if not first.after or not text.endswith(first.after):
            continue
        value_end = len(text) - len(first.after)
        joined = _OR_AFTER_VALUE.match(first.after)
        if (
            joined is None
            or value_end + joined.end() > second.position
            or second.position - (value_end + joined.end()) > 60
            or (
                (first.quantity, first.rank) == (second.quantity, second.rank)
                # ("... or the subleading lepton must have pT > 20 GeV": another object's)
                and not _OTHER_SUBJECT.search(text, value_end + joined.end(), second.position)
            )
            or not balanced(text[: value_end + joined.start()])
            # ("H_T computed from jets with pT > 30 GeV or photons with pT > 20 GeV": inputs)
            or "input" in r.clause_at(first.position).kinds
        ):
            continue
        joins.append((value_end + joined.start(), value_end + joined.end()))
    if not joins:
        return None
    before = text[: joins[0][0]]
    if ";" in before:
        # (another clause before, read on its own: the alternatives are the last clause's)
        cut = before.rindex(";") + 1
        own = _or_comparisons(text[cut:].strip())
        if own is None or not text[:cut].strip(" ;"):
            return None
        return Alternatives(own.parts, f"{text[:cut].strip(' ;')}. {own.before}".strip())
    if _NEGATED.search(before):
        return None  # (a negated requirement)
    opening = max(c.position for c in comps if c.position < joins[0][0])
    lead_match = _LEAD.match(text[:opening])
    lead = lead_match.group(0) if lead_match else ""
    start, head = len(lead), ""
    ends_of_head = list(_HEAD_END.finditer(text, len(lead), opening))
    if ends_of_head and _A_REQUIREMENT.search(text, len(lead), ends_of_head[-1].start()):
        # "Events must have m_jj > 500 GeV, and H_T > 300 GeV or E_T^miss > 50 GeV": the m_jj
        # requirement is of every event, each alternative's too
        head = text[len(lead) : ends_of_head[-1].start()].strip(" ,") + ", and "
        start = ends_of_head[-1].end()
    tail = ""
    after_last = next((c for c in comps if c.position > joins[-1][1]), None)
    if after_last is not None and after_last.after and text.endswith(after_last.after):
        common = _COMMON_TAIL.match(after_last.after)
        if common is not None:
            tail_start = len(text) - len(after_last.after)
            tail = ", and " + text[tail_start + common.end() :].rstrip(" .")
            text = text[:tail_start]
    bounds = [start] + [end for _, end in joins]
    ends = [start for start, _ in joins] + [len(text)]
    parts = [text[b:e].strip().rstrip(" .,") for b, e in zip(bounds, ends, strict=True)]
    return Alternatives(
        tuple(
            # (an alternative with its own subject and verb needs no opening words)
            f"{'' if index > 0 and _OWN_VERB.search(part) else lead}{head}{part}{tail}."
            for index, part in enumerate(parts)
        )
    )


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
    parts = top_level(expr.strip(), _TOP_LEVEL_OR)
    if len(parts) < 2 or not all(p.startswith("(") and p.endswith(")") for p in parts):
        return None
    inner = tuple(p[1:-1] for p in parts)
    return inner if all(balanced(p) for p in inner) else None


def conjuncts(expr: str) -> tuple[str, ...]:
    """The parts of ``A and B`` at the top level (the expression itself when there is no 'and')."""
    return tuple(top_level(expr, " and "))


def expression(parts: list[list[str]]) -> str:
    return " or ".join("(" + " and ".join(part) + ")" for part in parts)

"""Counts written as structure rather than as "at least N X" (issue 17), read once for the rules
and the support check:

- a sub-count of the objects just counted: "at least six jets, at least one of which is b
  tagged", "at least four jets ... are required, of which at least two must be identified as
  b-jets", "two jets, both of which must be b tagged", "four jets, including at least two b-tagged
  jets" -> the outer count of jets and a count of b jets;
- a veto written as a noun phrase: "• no isolated leptons", "events with no b-tagged jets", "zero
  leptons", "and no electrons or muons" -> no such object. Only plain adjectives may stand between
  "no" and the object, and "no" must open a clause or follow a verb of having, so that "no
  requirement on jets", "no significant excess" or "no b-tagging is applied" are not counts;
- the number of objects as the subject: "the number of jets is required to be at least four",
  "the number of b-tagged jets must be exactly two", "number of b tags = 2" (a table row) -> a
  count; a number with a unit after it ("the number of jets with pT > 30 GeV") is none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract import patterns as P

_NUM = "|".join(["\\d+", *(w for w in P.NUMBER_WORDS if w not in ("no", "a", "an"))])
_Q = r"at least|a minimum of|no fewer than|exactly|at most|a maximum of|no more than|only"
_WHICH = r"(?:of|among)\s+(?:which|them|these|those)"
_B_TAGGED = r"(?:b[- ]?tag(?:ged|s)?\b|b[- ]?jets?\b|bjets?\b)"
_SUB = re.compile(
    rf"(?:,\s*|\s+)(?:{_WHICH}\s*,?\s*(?:(?P<q1>{_Q})\s+)?(?P<n1>{_NUM}|both|all)"
    rf"|(?:(?P<q2>{_Q})\s+)?(?P<n2>{_NUM}|both|all)\s+{_WHICH}(?:\s+jets)?)"
    rf"\s+(?:is|are|must|should|has|have|to|be)\b(?:\s+[\w-]+){{0,4}}?\s+{_B_TAGGED}"
    # "four jets, including (at least) two b-tagged jets"
    rf"|,?\s+including\s+(?:(?P<q3>{_Q})\s+)?(?P<n3>{_NUM})\s+{_B_TAGGED}(?:\s+jets?\b)?",
    re.IGNORECASE,
)
# the jet count the sub-count divides: "at least six small-R jets", "four jets with pT > 30 GeV
# and |eta| < 2.5 are required"
_OUTER = re.compile(
    rf"(?:\b(?P<q>{_Q})\s+)?\b(?P<n>{_NUM})\s+(?P<more>or\s+more\s+)?(?:[\w-]+\s+){{0,2}}?jets?\b"
    r"(?P<rest>[^;:]*)$",
    re.IGNORECASE,
)
_OPS = {
    "at least": ">=",
    "a minimum of": ">=",
    "no fewer than": ">=",
    "exactly": "==",
    "at most": "<=",
    "a maximum of": "<=",
    "no more than": "<=",
    "only": "==",
}


# "Only events with zero b-tagged jets are used to define the search regions with ...": the count
# picks the events of some regions (a category), not the events of the selection
_DEFINES_REGIONS = re.compile(
    r"\bused\s+(?:to\s+define|for|in)\s+(?:the\s+|some\s+)?(?:\w+\s+){0,2}?(?:search\s+|signal\s+)?"
    r"(?:regions?|categor(?:y|ies)|bins?|subsets?)\b",
    re.IGNORECASE,
)


def defines_regions(sentence: str) -> bool:
    """'events with zero b-tagged jets are used to define the search regions ...': the counts of
    the sentence pick the events of some regions, not of the selection."""
    return _DEFINES_REGIONS.search(sentence) is not None


@dataclass(frozen=True)
class SubCount:
    """A count of b jets among counted jets, and the jet count it is taken from."""

    position: int  # of the sub-count phrase
    op: str
    n: int
    outer_op: str  # "==" for a bare number ("two jets, both of which ...")
    outer_n: int
    outer_stated: bool  # the outer count has its own word ("at least six jets")
    outer_position: int


def sub_counts(sentence: str) -> list[SubCount]:
    """The b-jet sub-counts of a prepared sentence, with the jet counts they divide."""
    out: list[SubCount] = []
    if defines_regions(sentence):
        return out
    for match in _SUB.finditer(sentence):
        before = sentence[max(0, match.start() - 160) : match.start()]
        outer = _OUTER.search(before)
        if outer is None or re.search(r"\b(?:of|among)\s+(?:which|them)\b", outer.group("rest")):
            continue
        if re.search(r"\b(?:pairs?|leptons?|electrons?|muons?|photons?)\b", outer.group("rest")):
            continue  # "two jets and two leptons, one of which ...": the noun is not the jets
        outer_q = (outer.group("q") or ("or more" if outer.group("more") else "")).lower()
        outer_op = ">=" if outer.group("more") else _OPS.get(outer_q, "==")
        outer_n = P.count_value(outer.group("n").lower())
        q = (match.group("q1") or match.group("q2") or match.group("q3") or "").lower()
        word = (match.group("n1") or match.group("n2") or match.group("n3")).lower()
        if word in ("both", "all"):
            n, op = outer_n, "==" if outer_op == "==" else ">="
        else:
            n = P.count_value(word)
            # "exactly two of which": as written; a bare "including two b-tagged jets" is at least
            # two, and so is a bare "one of which is b tagged" among an open-ended count ("at
            # least three jets"); among an exact one ("four jets, two of which ...") exactly two
            open_ended = match.group("n3") or outer_op == ">="
            op = _OPS[q] if q else (">=" if open_ended else "==")
        if n > outer_n or n == 0:
            continue
        out.append(
            SubCount(
                match.start(),
                op,
                n,
                outer_op,
                outer_n,
                bool(outer_q),
                match.start() - len(before) + outer.start(),
            )
        )
    return out


_ADJECTIVES = (
    r"additional|extra|further|other|isolated|identified|selected|reconstructed|tagged|good|"
    r"loose|tight|veto|signal|charged|well-identified|well-isolated|prompt"
)
NO_OBJECT = re.compile(
    r"(?:\b(?:and|or|with|have|has|having|contain|containing|contains|requires?|required|requiring)"
    r"|[,;:\u2022]|^)\s*(?P<no>no|zero)\s+(?P<adj>(?:(?:" + _ADJECTIVES + r")\s+){0,2})"
    rf"(?P<obj>{P.OBJECT_RE.pattern})",
    re.IGNORECASE,
)
_ADDITIONAL = re.compile(r"\b(?:additional|extra|further|other)\b", re.IGNORECASE)
_COUNTED = re.compile(
    rf"(?:\b(?:exactly|only|precisely)\s+)?\b(?P<n>one|a|an|single|two|three|four|\d)\s+"
    rf"(?:[\w-]+\s+){{0,2}}?(?P<obj>{P.OBJECT_RE.pattern})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NoObject:
    """'no isolated leptons' (n = 0), or 'one photon and no additional photons' (n = 1)."""

    position: int
    kind: str
    n: int
    match: re.Match[str]


# what follows "no X" when it is the overlap removal of X near other objects, not a veto
# (in its own clause: no comma, no "and" between)
_NEAR_ANOTHER = re.compile(
    r"(?:(?!\band\b)[^.;,]){0,40}?\bwithin\s+(?:a\s+(?:cone\s+of\s+)?)?(?:Delta ?R|cone)\b",
    re.IGNORECASE,
)


def no_objects(sentence: str) -> list[NoObject]:
    """The vetoes of a prepared sentence written as noun phrases. "No additional X" counts beyond
    the X named before in the sentence ("one photon and no additional photons": exactly one);
    with none named it is left out (a zero count would be wrong)."""
    out: list[NoObject] = []
    if defines_regions(sentence):
        return out
    for match in NO_OBJECT.finditer(sentence):
        kind = P.object_of(match)
        if _NEAR_ANOTHER.match(sentence, match.end()):
            continue  # "no jet is allowed within Delta R = 0.4 of a lepton": overlap removal
        if not _ADDITIONAL.search(match.group("adj")):
            out.append(NoObject(match.start("no"), kind, 0, match))
            continue
        named = [
            m
            for m in _COUNTED.finditer(sentence, 0, match.start())
            if P.object_of(m) == kind and m.group("n").lower() not in ("no",)
        ]
        if named:
            out.append(
                NoObject(match.start("no"), kind, P.count_value(named[-1].group("n")), match)
            )
    return out


_NUMBER_OPS = {
    "at least": ">=",
    "at most": "<=",
    "exactly": "==",
    "no more than": "<=",
    "no fewer than": ">=",
    # "the number of jets not exceeding five", "must not exceed five"
    "not exceeding": "<=",
    "must not exceed": "<=",
    "may not exceed": "<=",
    "should not exceed": "<=",
    "does not exceed": "<=",
    "not exceed": "<=",
    "more than": ">",
    "greater than": ">",
    "larger than": ">",
    "fewer than": "<",
    "less than": "<",
    "smaller than": "<",
    "equal to": "==",
    "=": "==",
    "==": "==",
}
# what follows the objects of "the number of X": "is required to be at least four"
_NUMBER_TAIL = (
    # "the number of jets (N_jets) with pT > 30 GeV,", "the number of b-tagged jets, N_b, must"
    r"(?:\s*\([^()]{0,20}\)|\s*,\s*[Nn][\w{}^\\-]{0,12}\s*,)?(?:\s+with\s+[^,;=<>]{0,40}?[<>]\s*[\d.]+\s*(?:GeV|TeV)?)?,?\s*"
    r"(?P<verb>(?:is|are|must\s+be|has\s+to\s+be|should\s+be|be)\s+(?:(?:required|restricted"
    r"|set)\s+to\s+(?:be\s+)?)?)?"
    rf"(?:(?P<q>{'|'.join(k for k in _NUMBER_OPS if k[0].isalpha())})\s+|(?P<op>[<>]=?|==?)\s*)?"
    rf"(?P<n>{_NUM})\b"
    # not a unit, a decimal, a list or a range of values ("= 0, 1, 2", "2-4": bins)
    r"(?!\s*(?:GeV|TeV|MeV|%|\.\d|[-\u2013]\s*\d|(?:,|or|and)\s*\d|(?:or|and)\s+(?:more|fewer|less|one|two|three|four|five|six|seven|eight|nine|ten)\b))"
)
_NUMBER_OF = re.compile(
    r"\b(?:number|multiplicity)\s+of\s+(?:(?:" + _ADJECTIVES + r")\s+){0,2}"
    rf"(?P<obj>{P.OBJECT_RE.pattern}|b[- ]?tags\b)" + _NUMBER_TAIL,
    re.IGNORECASE,
)
# "the jet multiplicity is required to be at least 3", "the b-jet multiplicity must be 0"
_MULTIPLICITY = re.compile(
    rf"\b(?P<obj>{P.OBJECT_RE.pattern}|b[- ]?tags?\b)\s+multiplicity\b" + _NUMBER_TAIL,
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberOf:
    """'the number of b-tagged jets must be exactly two': a count with the number as subject."""

    position: int
    kind: str
    op: str
    n: int


def number_of(sentence: str) -> list[NumberOf]:
    """The counts of a prepared sentence written as "the number of X is/must be ... N"."""
    if defines_regions(sentence):
        return []
    out = []
    for match in (*_NUMBER_OF.finditer(sentence), *_MULTIPLICITY.finditer(sentence)):
        if not (match.group("q") or match.group("op") or match.group("verb")):
            continue  # "the number of jets 4": nothing relates the number to the count
        if not (match.group("op") or P.REQUIREMENT.search(sentence)):
            continue  # "the number of jets is larger than 2 in most events": a description
        word = (match.group("q") or match.group("op") or "=").lower()
        op = _NUMBER_OPS.get(word, word)
        obj = match.group("obj")
        kind = "bjet" if re.fullmatch(r"b[- ]?tags?", obj, re.IGNORECASE) else P.object_of(match)
        out.append(NumberOf(match.start(), kind, op, P.count_value(match.group("n"))))
    return out


@dataclass(frozen=True)
class Enumerated:
    """'two, three, or four jets', 'exactly two or three b-tagged jets': a count from ``low`` to
    ``high`` (each of the numbers named is allowed)."""

    start: int
    end: int
    kind: str
    low: int
    high: int


# "two, three, or four jets", "(exactly) two or three b-tagged jets", "2 or 3 jets", "between
# two and four jets"
_ENUMERATED = re.compile(
    rf"\b(?:(?:exactly|either)\s+|(?P<between>between)\s+)?(?P<first>{_NUM})"
    # ("two to four jets", "from two to four jets": the range)
    rf"(?P<middle>(?:\s*,\s*(?:{_NUM}))*)\s*,?\s+(?:(?(between)and|or)|(?P<to>to))\s+"
    rf"(?P<last>{_NUM})\s+(?!(?i:[kMGT]?eV|mm|cm|rad|%)\b)(?:[\w-]+\s+){{0,2}}?"
    rf"(?P<obj>{P.OBJECT_RE.pattern})",
    re.IGNORECASE,
)


def enumerated(sentence: str) -> list[Enumerated]:
    """The counts of a prepared sentence written as a list of the allowed numbers, when they run
    one by one ('two, three, or four'; not 'two or four')."""
    out = []
    for match in _ENUMERATED.finditer(sentence):
        words = [match.group("first"), *re.findall(_NUM, match.group("middle"), re.I)]
        numbers = [P.count_value(w.lower()) for w in [*words, match.group("last")]]
        between = match.group("between") is not None or match.group("to") is not None
        if between and len(numbers) == 2 and numbers[0] < numbers[1]:
            numbers = list(range(numbers[0], numbers[1] + 1))  # "between two and four": inclusive
        if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            continue
        kind = P.object_of(match)
        out.append(Enumerated(match.start(), match.end(), kind, numbers[0], numbers[-1]))
    return out


@dataclass(frozen=True)
class BareCount:
    """'WZ candidates require three leptons', 'a single isolated lepton is required': a number of
    objects with no quantifier, as the object of a requirement (exactly that many)."""

    position: int
    kind: str
    n: int


_COUNTED_OBJECT = (
    rf"(?P<n>a\s+single|single|{_NUM})\s+(?!(?:{P.RANK_WORDS}|or|and|more|of|out|to|per|such"
    r"|[kMGT]?eV|mm)\b|%)"
    rf"(?:(?!(?:{P.RANK_WORDS}|other|additional|more)\b)[\w-]+\s+){{0,3}}?(?P<obj>{P.OBJECT_RE.pattern})"
    r"(?!\s*(?:candidates?\s+)?pairs?\b)"
)
# after a verb of requiring or having: "events are required to have two leptons", "WZ candidates
# require three leptons"
_BARE = re.compile(
    r"\b(?:requires?|required\s+to\s+(?:have|contain)|requiring|demands?|demanded\s+to\s+have"
    r"|must\s+(?:have|contain|include)|select(?:s|ed)?\s+events\s+with|needs?|ask(?:s|ed)?\s+for)"
    r"\s+" + _COUNTED_OBJECT,
    re.IGNORECASE,
)
# a later item of the list a requiring verb opens: "must contain exactly two same-charge leptons,
# two jets with pT above 45 GeV and MET > 50 GeV"
_BARE_LISTED = re.compile(
    r"(?:,\s*(?:and\s+)?|\s+and\s+|\s+plus\s+)" + _COUNTED_OBJECT, re.IGNORECASE
)
_LIST_OPENED = re.compile(
    r"\b(?:requires?|required\s+to\s+(?:have|contain)|requiring|demands?|must\s+(?:have|contain"
    r"|include)|select(?:s|ed)?\s+events\s+(?:with|containing)|needs?|ask(?:s|ed)?\s+for)\b"
    r"[^;:]*$",
    re.IGNORECASE,
)
# the subject of a requirement: "A single isolated lepton is required", "• two jets are required"
_BARE_SUBJECT = re.compile(
    r"^[\W\u2022]*" + _COUNTED_OBJECT + r"[^.;:]{0,80}?\b(?:is|are)\s+(?:also\s+)?(?:required"
    r"|demanded)\b",
    re.IGNORECASE,
)


# (a quantifier or a number already read before the listed count: "at least four jets, and two")
_COUNTED_BEFORE = re.compile(
    r"\b(?:at\s+least|at\s+most|exactly|more\s+than|fewer\s+than|less\s+than|up\s+to|no\s+more"
    r"\s+than)\s*$|\bor\s*$",
    re.IGNORECASE,
)


_INEXACT = re.compile(
    r"\b(?:at\s+least|at\s+most|more\s+than|fewer\s+than|less\s+than|up\s+to|no\s+more\s+than"
    r"|a\s+minimum\s+of|a\s+maximum\s+of|or\s+more|or\s+fewer)\b",
    re.IGNORECASE,
)


def bare_counts(sentence: str) -> list[BareCount]:
    """The numbers of objects a prepared sentence requires without a quantifier ('events are
    required to have two leptons'); not a number a quantifier or a list already reads ('at least
    two', 'two or more', 'two, three, or four jets'), nor bins."""
    if defines_regions(sentence):
        return []
    listed = enumerated(sentence)
    out = []
    matches = [*_BARE.finditer(sentence), *_BARE_SUBJECT.finditer(sentence)]
    matches += [
        m
        for m in _BARE_LISTED.finditer(sentence)
        if (opened := _LIST_OPENED.search(sentence[: m.start()])) is not None
        and not _COUNTED_BEFORE.search(sentence[: m.start("n")])
        # (not "at least four jets, two b-tagged jets and ...": the quantifier may carry)
        and not _INEXACT.search(sentence, opened.start(), m.start())
    ]
    for match in matches:
        if any(en.start <= match.start("n") < en.end for en in listed):
            continue
        n = 1 if "single" in match.group("n").lower() else P.count_value(match.group("n"))
        out.append(BareCount(match.start("n"), P.object_of(match), n))
    return out

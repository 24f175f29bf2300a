"""Which of the pT-ordered objects a value of a sentence is bound to.

Papers rank objects in several ways, all read here once for the rules and the support check:

- an ordinal subscript of the quantity: ``p_T,l1``, ``p_{T,l2}``, ``p_T^{l1}``, ``p^{j1}_T``,
  ``p_T(j_1)``, ``p_T^{lead}`` (the quantity patterns keep the subscript, :func:`subscript`
  reads it);
- a ranked subject before the value: "the leading lepton must have p_T > 25 GeV", "the two
  leading jets ... p_T > 40 GeV", "the leading (subleading) lepton ... p_T > 25 (20) GeV", "the
  leading and subleading leptons ... p_T > 25 and 20 GeV, respectively", "at least two jets, the
  leading one with ...", "the jet with the highest p_T";
- a ranked phrase after it: "p_T > 25 and 20 GeV for the leading and subleading leptons,
  respectively";
- a continued list: "leading lepton p_T > 20 GeV, subleading > 15 GeV, third > 10 GeV",
  "p_T,l1 > 20, l2 > 15, l3 > 10 GeV" (read as comparisons of their own by
  :mod:`pipeline.extract.comparisons`, with :data:`CONTINUED`).

A phrase is not a rank when words such as "all", "each", "other" or another object stand between
it and the value ("the leading jet ... and all jets |eta| < 2.4").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pipeline.extract import patterns as P

_ONE = (  # not "leading to jets", "leading-order", "next-to-leading-log"
    r"(?:next-to-leading|sub-?leading|(?:second|third|fourth)[- ](?:leading|highest|hardest)"
    rf"|{P.ORDINALS}|leading|highest|hardest)(?![- ](?:to|order|log)\b)"
    r"(?:[- ]p_?T)?"
)
# what a rank word ranks when the object is named elsewhere in the clause ("pT > 40 (30) GeV for
# the leading (subleading) candidate"), and a bare "tau" (not the N-subjettiness tau_21)
_RANKED_NOUN = r"(?:ones?|candidates?|objects?)\b|(?P<bare_tau>tau)\b(?!\s*_?\{?\d)"
_LIST = rf"{_ONE}(?:\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|/\s*|\(\s*)(?:the\s+)?{_ONE}\s*\)?)*"
_OBJECT = P.OBJECT_RE.pattern
# "the two leading jets", "the leading (subleading) lepton", "the first two jets", "the leading one"
PHRASE = re.compile(
    rf"\b(?:(?P<n>two|three|four|2|3|4)\s+)?(?P<words>{_LIST})(?:\s+(?P<n2>two|three|four))?(?:\s+|-)"
    rf"(?:(?!and\b|or\b|with\b)[\w-]+\s+){{0,2}}?(?P<noun>{_OBJECT}|{_RANKED_NOUN})",
    re.IGNORECASE,
)
# "the jet with the highest p_T", "the photon with the highest energy"
_WITH_HIGHEST = re.compile(
    rf"(?P<noun>{_OBJECT})\s+with\s+(?:the\s+)?(?P<words>highest|largest|second[- ]highest)\s+"
    r"(?:p_?T|transverse momentum|energy)",
    re.IGNORECASE,
)
# the rank of the objects of one continued item: "subleading", "the third one", "l2", "j_3"
CONTINUED = re.compile(
    rf"\s*(?:{P.UNIT})?\s*(?:,\s*(?:and\s+)?|and\s+)(?:the\s+)?(?:(?P<words>{_ONE})(?:\s+(?:one|{_OBJECT}))?"
    r"\s*(?:p_?T)?|(?:p_?T\s*,?\s*)?(?P<letter>l|j)\s*_?\{?(?P<digit>[1-9])\}?)\s*"
    rf"(?P<op>{P.SYMBOL_OP})\s*(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})?(?![\w%])",
    re.IGNORECASE,
)
AFTER = re.compile(
    rf"^\s*(?:{P.UNIT})?\s*,?\s*(?:for|of|on)\s+(?:the\s+|both\s+)?(?=\S)", re.IGNORECASE
)
_FOR_THE = re.compile(r"\b(?:for|of|on)\s+(?:the\s+|both\s+)?$", re.IGNORECASE)
# "pT > 25 GeV for the leading lepton and pT > 15 GeV for the other (one)"
_THE_OTHER = re.compile(
    rf"^\s*(?:{P.UNIT})?\s*,?\s*for\s+the\s+other(?:\s+one|\s+{_OBJECT})?\b", re.IGNORECASE
)
_NOT_RANKED = re.compile(
    r"\b(?:all|each|every|any|other|others|additional|remaining|further|extra|while|whereas)\b"
    r"|;",
    re.IGNORECASE,
)
_FLAVOURS_APPOSED = re.compile(
    r"^s?\s*[,(]\s*(?:either\s+)?(?:an?\s+)?(?:electrons?|muons?)(?:\s+(?:or|and)\s+(?:an?\s+)?"
    r"(?:electrons?|muons?))?\s*[,)]",
    re.IGNORECASE,
)
# the words that leave some objects out: "besides", "other than", "except for"
_BESIDES_WORDS = (
    r"\b(?:besides|other\s+than|apart\s+from|except(?:\s+for)?|in\s+addition\s+to|beyond)\s+"
)
_EXCLUDING = re.compile(
    _BESIDES_WORDS + r"(?:the\s+)?$",
    re.IGNORECASE,
)
_EACH_OF_THEM = re.compile(
    r"^\s*(?:(?:must|should|are|have\s+to|are\s+required\s+to|is\s+required\s+to)\s+)?each\b",
    re.IGNORECASE,
)
_SUBSCRIPT = re.compile(rf"(?:{P.PT_SUBSCRIPT})$", re.IGNORECASE)
_SUPERSCRIPT_FIRST = re.compile(  # p^{j1}_T
    r"^p\s*\^\s*\{?\s*(?:l|lep|j|jet|e|mu|gamma|b)\s*_?\s*[1-9]\s*\}?\s*_?\s*\{?T\}?$",
    re.IGNORECASE,
)
_LETTER_DIGIT = re.compile(r"(?P<letter>lep|jet|gamma|mu|l|j|e|b)\s*_?\s*\{?(?P<digit>[1-9])", re.I)
_LETTER_KIND = {
    "l": "lepton",
    "lep": "lepton",
    "j": "jet",
    "jet": "jet",
    "e": "electron",
    "mu": "muon",
    "gamma": "photon",
    "b": "bjet",
}


class Compared(Protocol):
    """What :func:`ranked` needs of a comparison (:class:`comparisons.Comparison`)."""

    rank: int | None
    index_kind: str | None
    value: float | list[float]
    alt: float | None
    extra: list[float] | None
    position: int
    after: str


@dataclass(frozen=True)
class Ranked:
    """The ranks a comparison's values are bound to."""

    phrase: str  # as written: "leading lepton", "pT,l1"
    kind: str | None  # the object kind the phrase names (None: "the leading one")
    pairs: tuple[tuple[int, float | tuple[float, ...]], ...] | None  # None: they do not pair up


def subscript(quantity_text: str) -> tuple[str | None, int] | None:
    """(object kind, rank) of an ordinal subscript ending ``quantity_text`` ("pT,l1" -> lepton,
    0; "pT^{lead}" -> None, 0), else None."""
    match = _SUBSCRIPT.search(quantity_text) or _SUPERSCRIPT_FIRST.match(quantity_text.strip())
    if match is None:
        return None
    text = match.group(0)
    if re.search(r"lead", text, re.IGNORECASE):
        return None, 1 if re.search(r"sub", text, re.IGNORECASE) else 0
    found = _LETTER_DIGIT.search(text[1:] if text.startswith("p^") else text)
    if found is None:
        return None
    return _LETTER_KIND[found.group("letter").lower()], int(found.group("digit")) - 1


_OBJECT_SUPERSCRIPT = re.compile(rf"(?:{P.OBJECT_SUPERSCRIPT})$", re.IGNORECASE)
_OBJECT_SUPERSCRIPT_FIRST = re.compile(rf"(?:{P.OBJECT_SUPERSCRIPT_FIRST})$", re.IGNORECASE)
_SUPERSCRIPT_KIND = {"ell": "lepton", "lep": "lepton", "j": "jet", "jet": "jet"}


def superscript_kind(quantity_text: str) -> str | None:
    """The object a superscript of a p_T or E_T names, with no rank ("E_T^gamma" -> photon,
    "p_T^l" -> lepton, "p_T^{e}" -> electron), else None."""
    match = _OBJECT_SUPERSCRIPT.search(quantity_text) or _OBJECT_SUPERSCRIPT_FIRST.search(
        quantity_text
    )
    if match is None:
        return None
    text = match.group(0)
    text = text[: text.rindex("_")] if match.re is _OBJECT_SUPERSCRIPT_FIRST else text
    letter = re.sub(r"[\s^{}]", "", text.split("^", 1)[1]).lower()
    return _SUPERSCRIPT_KIND.get(letter) or _LETTER_KIND.get(letter)


def rank_of_word(word: str) -> int:
    """0 for leading/first/highest, 1 for subleading/second/next-to-leading, 2 for third ..."""
    low = word.lower()
    for rank, stems in (
        (1, ("next-to", "sub", "second")),
        (2, ("third",)),
        (3, ("fourth",)),
        (4, ("fifth",)),
        (5, ("sixth",)),
    ):
        if low.startswith(stems):
            return rank
    return 0


def _ranks(match: re.Match[str]) -> list[int]:
    words = [m.group(0) for m in re.finditer(_ONE, match.group("words"), re.IGNORECASE)]
    ranks = [rank_of_word(w) for w in words]
    many = match.groupdict().get("n") or match.groupdict().get("n2")
    if many and len(ranks) == 1:
        ranks = list(range(ranks[0], ranks[0] + P.count_value(many.lower())))
    return ranks


def _kind(match: re.Match[str]) -> str | None:
    if match.groupdict().get("bare_tau"):
        return "tau"
    found = P.OBJECT_RE.match(match.group("noun"))
    return P.object_of(found) if found else None


def _values(comp: Compared) -> list[float | tuple[float, ...]]:
    first = tuple(comp.value) if isinstance(comp.value, list) else comp.value
    return [first, *([comp.alt] if comp.alt is not None else []), *(comp.extra or [])]


def _pairs(
    ranks: list[int], comp: Compared
) -> tuple[tuple[int, float | tuple[float, ...]], ...] | None:
    values = _values(comp)
    if len(values) == 1:
        return tuple((rank, values[0]) for rank in ranks)
    if len(values) == len(ranks):
        return tuple(zip(ranks, values, strict=True))
    return None


def _phrase_before(text: str, position: int) -> re.Match[str] | None:
    start = max(0, position - 90)
    window = text[start:position]
    found = [*PHRASE.finditer(window), *_WITH_HIGHEST.finditer(window)]
    if not found:
        return None
    last = max(found, key=lambda m: m.end())
    between = window[last.end() :]
    if last.groupdict().get("n") or last.groupdict().get("n2"):
        # "the two leading jets must each have pT > 100 GeV": "each" of the ranked ones
        between = _EACH_OF_THEM.sub(" ", between, count=1)
    # ("The leading and subleading leptons, electrons or muons, must have ...": the flavours the
    # ranked leptons may be, in apposition)
    if re.search(r"\bleptons?$", last.group(0), re.IGNORECASE):
        between = _FLAVOURS_APPOSED.sub(" ", between, count=1)
    if _NOT_RANKED.search(between) or P.OBJECT_RE.search(between):
        return None
    own = _own_requirement(text, start + last.end(), position)
    if _EXCLUDING.search(window[: last.start()]) and not (
        # (the value in the relative clause itself, not after its end: "..., which must have pT
        # > 250 GeV, are required to have pT > 30 GeV" is every other jet's 30)
        own is not None and "," not in text[own.end() : position]
    ):
        # "any jet other than the two leading jets": the ones not meant (not "..., except the
        # leading jet, which must have pT > 200 GeV": its own requirement)
        return None
    if _FOR_THE.search(window[: last.start()]) and re.search(r"\d", window[: last.start()]):
        return None  # "pT > 25 GeV for the leading lepton and pT > 15 ...": the phrase before
    return last


def ranked(text: str, comp: Compared) -> Ranked | None:
    """The ranks ``text`` binds the values of ``comp`` to (None: the clause ranks nothing)."""
    if comp.rank is not None:
        named = f"{ordinal(comp.rank)} {comp.index_kind or 'one'}"
        return Ranked(named, comp.index_kind, tuple((comp.rank, v) for v in _values(comp)))
    after = AFTER.match(comp.after)
    if after is not None:
        phrase = PHRASE.match(comp.after, after.end())
        if phrase is not None:
            return Ranked(phrase.group(0), _kind(phrase), _pairs(_ranks(phrase), comp))
    before = _phrase_before(text, comp.position)
    if before is None:
        return _the_other(text, comp) or _counted_in_order(text, comp)
    return Ranked(before.group(0), _kind(before), _pairs(_ranks(before), comp))


# "exactly two oppositely charged muons with pT > 25 and 20 GeV": N objects, N values in order
_COUNTED_WITH = re.compile(
    rf"\b(?:(?:exactly|at least|only)\s+)?(?P<n>two|three|four|2|3|4)\s+(?:[\w-]+\s+){{0,2}}?"
    # ("two signal leptons of opposite charge and the same flavour, with p_T > 25 GeV and 20 GeV")
    rf"(?P<noun>{_OBJECT})(?:\s+(?:of|in)\s+[^.;<>]{{0,50}}?)?,?\s+(?:with"
    # ("The two signal leptons must have pT > 25 and 20 GeV": the N objects as the subject)
    r"|(?:must|should|have\s+to|(?:are|is)\s+required\s+to)\s+(?:have|satisfy))\s+"
    r"(?:(?:a|their)\s+)?(?:p_?T|transverse momen\w+|E_?T)\s*$",
    re.IGNORECASE,
)


def _counted_in_order(text: str, comp: Compared) -> Ranked | None:
    """'two muons with pT > 25 and 20 GeV': the values, one per counted object, by decreasing
    pT (as many values as objects, decreasing, and nothing assigning them otherwise)."""
    values = _values(comp)
    counted = _COUNTED_WITH.search(text[max(0, comp.position - 90) : comp.position].rstrip())
    if counted is None or len(values) != P.count_value(counted.group("n").lower()):
        return None
    numbers = [v for v in values if isinstance(v, float | int)]
    if len(numbers) != len(values) or numbers != sorted(numbers, reverse=True):
        return None
    tail = re.match(r"^[^.;]{0,40}?\b(?:respectively|for\s+(?:the\s+)?\w+)", comp.after, re.I)
    if tail is not None and (
        not tail.group(0).lower().endswith("respectively") or P.OBJECT_RE.search(tail.group(0))
    ):
        return None  # "... 25 and 20 GeV for electrons and muons, respectively"
    return Ranked(counted.group(0), _kind(counted), tuple(enumerate(values)))


def _the_other(text: str, comp: Compared) -> Ranked | None:
    """'... for the leading lepton and pT > 15 GeV for the other': the rank after the one
    named before (when that one is a single rank)."""
    if not _THE_OTHER.match(comp.after):
        return None
    named = [m for m in PHRASE.finditer(text[: comp.position]) if len(_ranks(m)) == 1]
    if not named:
        return None
    rank = _ranks(named[-1])[0] + 1
    return Ranked(f"the other {_kind(named[-1]) or 'one'}", _kind(named[-1]), _pairs([rank], comp))


def ordinal(rank: int) -> str:
    return ("leading", "subleading", "third", "fourth", "fifth")[rank] if rank < 5 else f"#{rank}"


# "the leading jet ... >100 GeV and at least one additional jet with p_T > 75 GeV"
_ADDITIONAL_WITH = re.compile(
    r"\b(?:at\s+least\s+)?(?P<n>an?|one|two|three|[1-3])\s+(?:additional|more|further|other)\s+"
    rf"(?P<obj>{_OBJECT})\s+with\s+(?:an?\s+)?(?:transverse momentum|p_?T)\b",
    re.IGNORECASE,
)


# a veto of objects beyond those selected before it: "events with an additional photon with ...",
# "events with additional leptons with pT > 10 GeV"
_ADDITIONAL_VETOED = re.compile(
    r"\b(?P<lead>events?\s+(?:with|containing|having)\s+)(?:an?\s+|any\s+)?(?:additional|extra"
    rf"|further)\s+(?P<obj>{_OBJECT})",
    re.IGNORECASE,
)
_EXACTLY = re.compile(
    rf"\bexactly\s+(?P<n>one|two|three|[1-3])\s+(?:[\w-]+\s+){{0,2}}?(?P<obj>{_OBJECT})",
    re.IGNORECASE,
)
_ORDINALS = {1: "second", 2: "third", 3: "fourth"}


def additional_as_rank(selected: str, veto: str) -> str:
    """``veto`` with its 'additional' object written as its rank when ``selected`` (the
    requirement before it) selected the ones before it: exactly n of the kind, or its n leading
    ones ('Exactly two leptons ... are required, and events with additional leptons with pT > 10
    GeV are rejected': a third lepton); unchanged otherwise."""
    match = _ADDITIONAL_VETOED.search(veto)
    n = _selected_before(selected, P.object_of(match)) if match is not None else None
    if match is None or n is None:
        return veto
    noun = re.sub(r"s$", "", match.group("obj"))
    return (
        f"{veto[: match.start()]}{match.group('lead')}a {_ORDINALS[n]} {noun}{veto[match.end() :]}"
    )


def additional_vetoed(text: str, position: int) -> tuple[str, int] | None:
    """(kind, rank) when the comparison at ``position`` picks the 'additional' objects of a veto
    after a requirement selected the ones before them (see additional_as_rank); None otherwise."""
    match = next(
        (m for m in _ADDITIONAL_VETOED.finditer(text) if 0 <= position - m.end() <= 40), None
    )
    if match is None:
        return None
    kind = P.object_of(match)
    n = _selected_before(text[: match.start()], kind)
    return None if n is None else (kind, n)


def _selected_before(selected: str, kind: str) -> int | None:
    """How many objects of ``kind`` ``selected`` selects: exactly n, or its n leading ones (1 to
    3; None when it says neither)."""
    exact = [m for m in _EXACTLY.finditer(selected) if P.object_of(m) == kind]
    ranked = sorted({r for p in PHRASE.finditer(selected) if _kind(p) == kind for r in _ranks(p)})
    if exact:
        n = P.count_value(exact[-1].group("n").lower())
    elif ranked and ranked == list(range(len(ranked))):
        n = len(ranked)
    else:
        return None
    return n if n in _ORDINALS else None


def beyond_ranked(text: str, position: int) -> tuple[str, int, int] | None:
    """(kind, rank, count) when the comparison at ``position`` is on 'n additional' objects after
    ranked ones of their kind ('the leading jet ... and at least one additional jet with pT >
    75 GeV': the additional one is the next in pT, rank 1); None otherwise."""
    match = next(
        (m for m in _ADDITIONAL_WITH.finditer(text) if 0 <= position - m.end() <= 25), None
    )
    if match is None:
        return None
    kind = P.object_of(match)
    named = sorted(
        {
            rank
            for phrase in PHRASE.finditer(text, 0, match.start())
            if _kind(phrase) == kind
            for rank in _ranks(phrase)
        }
    )
    if not named or named != list(range(len(named))):
        return None
    n = P.count_value(match.group("n").lower())
    return kind, len(named) + n - 1, n


# "at least two jets, at least one of which must satisfy pT > 100 GeV", "one of them must have"
_OF_WHICH = re.compile(
    rf"(?P<obj>{_OBJECT})[^.;]{{0,60}}?,?\s+(?:and\s+)?(?:at\s+least\s+)?(?P<n>one|two|three|[1-3])\s+"
    r"(?:of\s+(?:which|them|these|those))\s+(?:must|should|is|are|has|have|needs?)\b[^.;<>]{0,40}?$",
    re.IGNORECASE,
)


def of_which(text: str, position: int) -> tuple[str, int] | None:
    """(kind, rank) when the comparison at ``position`` is on 'n of which' objects just counted
    ('at least two jets, at least one of which must satisfy pT > 100 GeV': the leading jet, rank
    0; 'two of which': the second, rank 1); None otherwise."""
    match = _OF_WHICH.search(text[max(0, position - 160) : position])
    if match is None:
        return None
    return P.object_of(match), P.count_value(match.group("n").lower()) - 1


# "at least eight jets with pT > 50 GeV": a count of the objects above a value, said just before it
_COUNT_WITH = re.compile(
    rf"\b(?:(?:at\s+least|a\s+minimum\s+of|no\s+fewer\s+than|(?P<more>more\s+than))\s+"
    # (not "exactly one electron with pT > 65 GeV", "only one": a count of the objects above it)
    rf"(?P<n>(?i:{P.NUM_WORD}))|(?<!exactly\s)(?<!only\s)(?<!precisely\s)(?P<one>an?|one))\s+"
    rf"(?:[\w-]+\s+){{0,2}}?(?P<obj>{_OBJECT})\s+"
    r"(?:with|having|"
    r"(?:that|which)\s+(?:have|satisfy))\s+[^,;.<>]{0,30}$",
    re.IGNORECASE,
)


_REQUIRED_BEFORE = re.compile(
    r"\b(?:have|has|contain|contains|containing|require|requires|requiring|with|need|needs"
    r"|demand|demands)\s+$",
    re.IGNORECASE,
)
_REQUIRED_AFTER = re.compile(r"[^.;]{0,60}?\b(?:is|are)\s+(?:also\s+)?required\b", re.IGNORECASE)


# the one object of a channel as the subject: "In the muon channel, the muon must have pT > 27"
THE_ONE = re.compile(
    r"\bthe\s+(?:(?:selected|signal|tight|isolated)\s+)?(?P<obj>electron|muon|lepton|photon|tau)"
    r"\s+(?:must|is\s+required|has\s+to|should|needs\s+to)\b",
    re.IGNORECASE,
)


def the_one(text: str, position: int) -> tuple[str, int] | None:
    """(kind, 0) when the comparison at ``position`` is the requirement of 'the muon', the one
    object of its kind the clause speaks of (the leading one); None otherwise."""
    before = text[max(0, position - 80) : position]
    match = next(THE_ONE.finditer(before), None)
    if match is None or re.search(r"[,;.]\s", before[match.end() :]):
        return None  # (not the muon's of another clause)
    return match.group("obj").lower(), 0


def counted_above(text: str, position: int) -> tuple[str, int] | None:
    """(kind, rank) when the comparison at ``position`` bounds the objects of a count from below
    ('at least eight jets with pT > 50 GeV': the eighth jet has pT > 50 GeV, rank 7); None
    otherwise."""
    match = _COUNT_WITH.search(text[max(0, position - 120) : position])
    if match is None:
        return None
    if match.group("one"):
        # "must have a jet with pT > 450 GeV", "a jet with pT > 450 GeV is required": the leading
        # one (not "An electron with pT > 10 GeV is considered a signal electron if ...")
        start = max(0, position - 120) + match.start()
        if _REQUIRED_BEFORE.search(text[:start]) or _REQUIRED_AFTER.match(text, position):
            return P.object_of(match), 0
        return None
    n = P.count_value(match.group("n").lower()) + (1 if match.group("more") else 0)
    return P.object_of(match), n - 1


# what ends the phrase of one counted object: another object, a clause, a new subject
_PHRASE_ENDS = re.compile(
    r"[;:]|\b(?:while|whereas|which|where)\b|,\s*(?:and\s+)?(?:the|an?|all|each)\b"
    rf"|{_OBJECT}",
    re.IGNORECASE,
)


class _Quantified(Protocol):
    quantity: str
    position: int


def counted_with_pt(
    text: str, comps: Sequence[_Quantified], position: int
) -> tuple[str, int, int] | None:
    """(kind, rank, pT comparison's offset) when the comparison at ``position`` stands in the
    phrase of a counted object's pT threshold ('a jet with pT > 250 GeV and |eta| < 2.0': the
    leading jet's |eta|, as its pT is the leading jet's); None otherwise."""
    for pt in comps:
        if (
            pt.quantity == "pt"
            and 0 < position - pt.position < 60
            and not _PHRASE_ENDS.search(text, pt.position, position)
        ):
            said = counted_above(text, pt.position)
            return None if said is None else (*said, pt.position)
    return None


# "no jet with pT > 50 GeV besides the leading one", "any jet other than the two leading jets"
BESIDES = re.compile(
    _BESIDES_WORDS
    + r"the\s+(?:(?P<n>two|three|four|[2-4])\s+)?(?:leading|highest[- ]p_?T|hardest|first)\b"
    rf"(?:\s+(?:(?P<n2>two|three|four|[2-4])\s+)?(?:(?P<obj>{_OBJECT})|ones?\b))?",
    re.IGNORECASE,
)
# the excepted objects' own requirement after them: ", which must have", ", which is required to"
_OWN_REQUIREMENT = re.compile(
    r"\s*,?\s*(?:which|that|whose)\s+(?:\w+\s+){0,2}?(?:must|is\s+required|are\s+required|has\s+to"
    r"|have\s+to|needs?\s+to|should)\b",
    re.IGNORECASE,
)
# (a veto's exception keeps its old reading: "Events with a jet with pT > 30 GeV other than the
# leading jet, which must have pT > 100 GeV, are rejected")
_REJECTED = re.compile(
    rf"\b(?:are|is)\s+(?:then\s+|also\s+)?{P.REJECTED_VERB}\b",
    re.IGNORECASE,
)


def _own_requirement(
    text: str, at: int, position: int, end: int | None = None
) -> re.Match[str] | None:
    """The excepted objects' own requirement right after ``at`` (", which must have ...", read
    up to ``end``, the comparison's ``position`` by default), outside a clause that vetoes."""
    own = _OWN_REQUIREMENT.match(text, at, position if end is None else end)
    return own if own is not None and not _vetoes(text, position) else None


def _vetoes(text: str, position: int) -> bool:
    """Whether the ';' clause around ``position`` rejects something ('... are rejected')."""
    start = text.rfind(";", 0, position) + 1
    end = text.find(";", position)
    return bool(_REJECTED.search(text, start, end if end >= 0 else len(text)))


_NAMED_BEFORE = re.compile(rf"(?P<obj>{_OBJECT})[^.;,]{{0,40}}$", re.IGNORECASE)


def besides_ranked(text: str, position: int) -> tuple[str, int] | None:
    """(kind, rank) when the comparison at ``position`` is on the objects beyond the n leading
    ones of a kind ('no jet with pT > 50 GeV besides the leading one': the veto is on the second
    jet, rank 1, whose pT must not exceed 50 GeV); None otherwise."""
    match = next((m for m in BESIDES.finditer(text) if abs(m.start() - position) <= 60), None)
    if match is not None and _own_requirement(text, match.end(), position, len(text)):
        # "jets must have pT > 25 GeV, except the leading jet, which must have pT > 200 GeV":
        # the excepted object has its own (higher) requirement; the others' holds for every one
        return None
    if match is None or re.search(
        r"[.;]", text[min(position, match.start()) : max(position, match.start())]
    ):
        return None
    if match.group("obj"):
        kind = P.object_of(match)
    else:
        named = _NAMED_BEFORE.search(text, 0, min(position, match.start()))
        if named is None:
            return None
        kind = P.object_of(named)
    n = match.group("n") or match.group("n2")
    return kind, P.count_value(n.lower()) if n else 1

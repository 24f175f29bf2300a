"""Thresholds a quoted sentence states that no cut reads (issue 17 (b)).

A cut can match its clause word for word and still be wrong because the sentence says more: a
condition ("for events with H_T < 500 GeV"), an alternative ("or E_T^miss > 300 GeV"), a second
channel ("(p_T > 27 GeV for muons)") or a subset ("electrons with p_T > 10 GeV outside the
crack") the reading dropped. A threshold of the sentence that no cut of the list reads (and that
the reading does not place in a clause that selects nothing: a trigger, a histogram, a control
sample, ...) is evidence of such a loss, so the cuts quoting that sentence stay unverified, with
the threshold named, until a reviewer has looked. This is a check of the list as a whole: the
same for the rules and for a model, whichever extractor dropped the part.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from pipeline.extract import patterns as P
from pipeline.extract.reading import Reading, read
from pipeline.extract.support_clauses import NOT_A_SELECTION
from pipeline.selection.units import to_canonical

# a number the sentence compares with: after a comparison sign or word, or carrying a unit of
# energy or length (a value written as a threshold). Counts ("at least two jets") are not here:
# a count the reading drops is rarely what turns a cut wrong.
_COMPARED_BEFORE = re.compile(
    r"(?:(?<![-=])[<>]=?|\u2264|\u2265|\b(?:above|below|exceed(?:s|ing)?|greater\s+than|larger\s+than"
    r"|higher\s+than|more\s+than|less\s+than|smaller\s+than|lower\s+than|at\s+least|at\s+most"
    r"|up\s+to|in\s+excess\s+of|within|between|of\s+at\s+least|over|under|raised\s+to"
    r"|lowered\s+to|increased\s+to|reduced\s+to|tightened\s+to|relaxed\s+to)"
    # a second value in brackets after a first: "pT > 20 GeV (25 in the 2017 data)"
    r"|\d\s*(?:[kMGT]?eV)?\s*\()\s*\(?\s*$",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?<![\w.^_])(\d+(?:\.\d+)?)(?![\w.]*\])(?:\s*(TeV|GeV|MeV|mm|cm|\u00b5m|um|mrad|rad)\b)?"
)
# numbers that are not thresholds whatever their unit: the collision energy, a luminosity, a
# mass or value given with "=", a citation, a year, a percentage
_NOT_A_THRESHOLD_BEFORE = re.compile(
    r"(?:\bs\s*\)?\s*=\s*|\bsqrt\S*\s*|=\s*|\bof\s+|\u2248\s*|~\s*|\bat\s+)$", re.IGNORECASE
)
_NOT_A_THRESHOLD_AFTER = re.compile(r"^\s*(?:fb|pb|nb|%|percent|\bTeV\s+(?:collisions|data))")


# a number bracketed alone after a value ("250 GeV (1)"), with no unit after the bracket: an
# equation or footnote number, not a second value ("30 (25) GeV", "(25 in the 2017 data)")
_IN_BRACKETS_ONLY = re.compile(r"\d\s*(?:[kMGT]?eV)?\s*\(\s*$", re.IGNORECASE)
_BARE_BRACKETED = re.compile(r"\s*\)(?!\s*[kMGT]?eV\b)", re.IGNORECASE)
# the mass of a particle or of signal models, not a threshold: "the 125 GeV Higgs boson",
# "a 2 TeV Z'", "stop masses between 300 and 1000 GeV"
_A_PARTICLE_AFTER = re.compile(
    r"\s*(?:[kMGT]?eV)?\s*(?:Higgs|bosons?|resonances?|signals?|particles?|Z'|W'|mass\s+points?"
    r"|mass\s+hypothes[ie]s|stops?|gluinos?|squarks?|top\s+squarks?|neutralinos?|charginos?)\b",
    re.IGNORECASE,
)
_MASSES_BEFORE = re.compile(
    r"\bmasses\s+(?:of\s+|between\s+|from\s+|in\s+the\s+range\s+|up\s+to\s+)?"
    r"(?:\d+(?:\.\d+)?\s*(?:[kMGT]?eV)?\s*(?:and|to|-|,)\s*)*$",
    re.IGNORECASE,
)


def compared_numbers(sentence: str) -> list[tuple[int, float, str]]:
    """(position, value in GeV/mm/rad, text) of the thresholds ``sentence`` states, in its
    prepared reading's text."""
    text = read(sentence).text
    found = []
    for m in _NUMBER.finditer(text):
        before, after = text[max(0, m.start() - 30) : m.start()], text[m.end() : m.end() + 12]
        unit = m.group(2)
        compared = bool(_COMPARED_BEFORE.search(before))
        if compared and _IN_BRACKETS_ONLY.search(before) and _BARE_BRACKETED.match(after):
            compared = False  # "250 GeV (1) in the signal region": an equation number
        if not compared and unit not in ("TeV", "GeV", "MeV"):
            continue
        if not compared and (
            _NOT_A_THRESHOLD_BEFORE.search(before) or _NOT_A_THRESHOLD_AFTER.match(after)
        ):
            continue
        if _A_PARTICLE_AFTER.match(text, m.end()) or _MASSES_BEFORE.search(before):
            continue  # "the 125 GeV Higgs boson", "masses between 300 and 1000 GeV"
        if P.A_DIFFERENCE.match(text, m.end()):
            continue  # "27 GeV, 1 GeV above the trigger threshold": a difference of two values
        # (in the list's units, as the cuts hold them: "0.05 (0.10) cm" is 0.5 mm, "1.2 TeV"
        # 1200 GeV)
        unit = unit or next(iter(_UNIT_AFTER_BRACKET.findall(after)), None)
        value = to_canonical(float(m.group(1)), unit)
        found.append((m.start(), value, m.group(0)))
    return found


_UNIT_AFTER_BRACKET = re.compile(r"^\s*\([^()]*\)\s*(TeV|GeV|MeV|mm|cm|\u00b5m|um)\b")


# words that tie the parts of a sentence to one another: a threshold left unread in a sentence
# without them is another requirement the reading missed (its cuts stay right); with them it may
# be the condition, alternative, channel or subset of a cut that was read
_STRUCTURE = re.compile(
    r"\b(?:or|either|if|unless|when(?:ever)?|provided|except|otherwise"
    r"|additional|beyond|whereas|while|raised|lowered|increased|reduced|tightened|relaxed)\b"
    # "and 40 GeV for forward jets", "raised to 250 GeV for 2018 data"
    r"|\bfor\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:jets?|electrons?|muons?|leptons?|photons?|taus?"
    r"|objects|candidates|data|events?|channels?|regions?|categor(?:y|ies)|years?|runs?)\b"
    r"|\bfor\s+(?:the\s+|all\s+|each\s+|any\s+)?(?:\w+\s+){0,2}?"
    r"(?:with|in|within|where|outside|inside|above|below|having|that|which)\b"
    r"|\bin\s+(?:the\s+|all\s+)?(?:\S+\s+){0,3}?"
    r"(?:events?|regions?|categor(?:y|ies)|channels?|bins?|selections?|final\s+states?)\b"
    r"|\(\s*(?:[<>]=?\s*)?\d",
    re.IGNORECASE,
)


def unread_thresholds(sentence: str, read_values: Iterable[float]) -> list[str]:
    """The thresholds of ``sentence`` that none of ``read_values`` (the numbers of every cut and
    unresolved item quoting it) is, outside clauses that select nothing; none when nothing in the
    sentence ties its parts to one another (``_STRUCTURE``)."""
    values = list(read_values)
    r = read(sentence)
    if not _STRUCTURE.search(r.text):
        return []
    unread = []
    for position, value, text in compared_numbers(sentence):
        if any(_same(value, v) for v in values):
            continue
        if _condition_of_no_threshold(r, position):
            continue  # "for muons with pT < 10 GeV, the low-pT working point is used"
        if r.clause_at(position).kinds & NOT_A_SELECTION.keys() or r.clause_at(position).kinds & {
            "histogram",
            "categories",
        }:
            continue
        unread.append(text)
    return unread


def _condition_of_no_threshold(r: Reading, position: int) -> bool:
    """Whether the number is in a condition whose statement (up to the clause's end) states no
    number: it picks the objects of a working point or a method, not of a lost cut."""
    span = next(((a, b) for a, b in r.conditions if a <= position < b), None)
    if span is None or r.text[span[0] :].lower().startswith(("except", "unless")):
        return False  # ("..., except in the dimuon channel where pT > 20 GeV is required")
    end = min(
        (i for i in (r.text.find(";", span[1]), r.text.find(". ", span[1])) if i >= 0),
        default=len(r.text),
    )
    statement = r.text[span[1] : end]
    return bool(_A_METHOD.search(statement)) and not re.search(
        r"\d|\b(?:one|two|three|four|at\s+least|exactly|no)\b", statement, re.IGNORECASE
    )


# what a condition may pick objects for without a threshold: "the low-pT identification working
# point is used", "a looser identification is applied"
_A_METHOD = re.compile(
    r"\b(?:working\s+points?|identification|algorithm|tagger|criteria|definition|calibration"
    r"|(?:is|are)\s+(?:used|applied))\b",
    re.IGNORECASE,
)


_SCALES = (1.0, 1000.0, 0.001, math.pi / 180.0)  # the same value in GeV and TeV, in degrees


def _same(value: float, read_value: float) -> bool:
    return any(
        abs(value * scale - read_value) <= 1e-6 * max(1.0, abs(read_value)) for scale in _SCALES
    )


NUMBERS_IN = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def numbers_in(text: str) -> list[float]:
    return [float(x) for x in NUMBERS_IN.findall(text)]

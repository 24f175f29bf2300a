"""The offline rule-based extractor: deterministic, no model, always available.

It reads the selection-relevant passages sentence by sentence and turns each cut
statement it recognises into a :class:`~pipeline.extract.findings.CutFinding` whose
quote is the sentence: thresholds with units, ranges (``50 < m12 < 106 GeV``),
absolute values (``|η| < 2.47``), "at least N" counts, per-flavour values ("30(25) GeV
for electrons (muons)", "7 GeV for electrons and 5 GeV for muons", "..., respectively"),
same-flavour opposite-sign pairs, isolation ratios and impact-parameter significances.
What it cannot read it leaves out; the LLM path or a reviewer adds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.extract import clauses
from pipeline.extract import patterns as P
from pipeline.extract.findings import OBJECT_VARIABLES, CutFinding
from pipeline.extract.sections import relevant_spans
from pipeline.extract.text import squash
from pipeline.parse.document import Document
from pipeline.selection.models import Op

_ABBREV = r"(?<!\bRef)(?<!\bRefs)(?<!\bFig)(?<!\bFigs)(?<!\bEq)(?<!\bEqs)(?<!\bSec)(?<!\bal)(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\bTab)"
# no split at blank lines: text layers put sub/superscripts in blocks of their own
_SENTENCE_END = re.compile(rf"{_ABBREV}[.;:]\s+(?=[A-Z(\[])")
_RIGHT = re.compile(
    rf"^\s*(?P<num>{P.NUM})(?:\s*\((?P<alt>{P.NUM})\))?(?P<more>(?:\s*,\s*{P.NUM})*(?:\s*,?\s*(?:and|or)\s+(?:>\s*)?{P.NUM})?)"
    rf"\s*(?P<unit>{P.UNIT})?(?![\w%])"
)
_RANGE_RIGHT = re.compile(rf"^\s*(?P<q>.{{1,40}}?)\s*(?P<op>{P.SYMBOL_OP})\s*(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})?(?![\w%])")
_LEFT_NUM = re.compile(rf"(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})?\s*$")
_BETWEEN = re.compile(rf"\b(?:between|in the range(?: of)?|range)\s+(?P<lo>{P.NUM})\s*(?P<u1>{P.UNIT})?\s*(?:and|-|to)\s*(?P<hi>{P.NUM})\s*(?P<unit>{P.UNIT})?")
_FOR_OBJECTS = re.compile(
    rf"^\s*for (?P<o1>{P.OBJECT_RE.pattern})(?:\s+candidates)?,?\s*(?:and|while|or)\s+(?:(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})?\s+)?for\s+(?:the\s+)?(?P<o2>\w+)"
)
_FOR_ONE = re.compile(rf"^\s*for (?:the\s+)?(?:selected\s+|tight\s+|loose\s+|veto\s+)?{P.OBJECT_RE.pattern}")
_OP_RE = re.compile(rf"(?P<op>{P.SYMBOL_OP})|\b(?:be |is |are |of )?(?P<word>{P.WORD_OP})\b")


@dataclass
class _Comparison:
    quantity: str
    rank: int | None
    op: str
    value: float | list[float]
    unit: str | None
    position: int  # offset of the operator in the prepared sentence
    alt: float | None = None
    extra: list[float] | None = None
    after: str = ""  # the text after the value
    lepton_index: bool = False  # the quantity was written for the ordered leptons (pT,l1)
    firm: bool = False  # the phrase itself states a requirement ("bins in M_R starting from 800 GeV")


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """``[start, end)`` spans of the sentences of ``text[start:end]``."""
    end = len(text) if end is None else end
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        yield cursor, match.start() + 1
        cursor = match.end()
    if cursor < end:
        yield cursor, end


def _quantity_before(left: str, max_gap: int) -> tuple[str, int | None, str] | None:
    """The quantity named closest to the end of ``left``, at most ``max_gap`` chars before it."""
    call = re.search(r"\([^()]{0,60},[^()]{0,60}\)\s*$", left) if max_gap <= 3 else None
    if call is not None:  # "M_T2(p^l, MET) < 80": the function is the quantity, not its arguments
        best = _closest_quantity(left[: call.start()].rstrip()[-160:], 0)
        return None if best is None else _named(best[1], best[2])
    best = _closest_quantity(left[-160:], max_gap)
    if best is None and max_gap <= 3:  # "M_T(gamma, MET) > 100": skip the argument list
        best = _closest_quantity(re.sub(r"\([^()]{0,40}\)$", "", left[-160:].rstrip()), max_gap)
    return None if best is None else _named(best[1], best[2])


def _closest_quantity(tail: str, max_gap: int) -> tuple[int, str, re.Match[str]] | None:
    best: tuple[int, str, re.Match[str]] | None = None
    for name, regex in P.QUANTITY_ANY:
        for match in regex.finditer(tail):
            if len(tail) - match.end() > max_gap:
                continue
            if name == "symbol" and (match.group(1) in P.NOT_SYMBOLS or len(tail) - match.end() > 2):
                continue
            if best is None or match.end() > best[0]:
                best = (match.end(), name, match)
    return best


def _named(name: str, match: re.Match[str]) -> tuple[str, int | None, str]:
    rank = None
    if name == "pt" and match.group(1):
        rank = int(match.group(1)) - 1
    if name == "mass":
        suffix = (match.group(1) or "").replace(" ", "").lower()
        name = f"m{suffix}" if suffix else "mass"
    elif name == "symbol":
        name = match.group(1).lower()
    return name, rank, match.group(0)


def comparisons(sentence: str) -> list[_Comparison]:
    """Every comparison of a quantity with a number in a prepared sentence."""
    found: list[_Comparison] = []
    taken: set[int] = set()
    for match in _OP_RE.finditer(sentence):
        if match.start() in taken:
            continue
        left, right = sentence[: match.start()], sentence[match.end():]
        op = match.group("op") or P.WORD_OPS[match.group("word")]
        quantity = _quantity_before(left.rstrip(), 3 if match.group("op") else 90)
        verb = _TO_BE.search(left) if quantity is None and match.group("op") else None
        if verb is not None:  # "H_T is required to be >500 GeV"
            quantity = _quantity_before(left[: verb.start()].rstrip(), 3)
        if quantity is None and match.group("op"):
            ranged = _range(left, right, op, match.start())
            if ranged is not None:
                found.append(ranged[0])
                taken.add(match.end() + ranged[1])
            continue
        value = _RIGHT.match(right)
        if quantity is None or value is None or _qualifies(left, quantity[2]):
            continue
        if verb is not None and quantity[0] in P.ENERGY and not value.group("unit"):
            # "the azimuthal angle between MET and the leading jets (in pT) is required to be >0.4"
            quantity = _unitless_before(re.sub(r"\([^()]*\)", "", left[: verb.start()]).rstrip()[-120:])
            if quantity is None:
                continue
        found += _split_ip(_comparison(quantity, op, value, match.start(), right[value.end():]), left)
    found += _betweens(sentence)
    found += _minimum_of(sentence)
    found += _requirement_on(sentence)
    found += _overlap_removal(sentence)
    found += _vertex_distance(sentence)
    found += _excluded_interval(sentence)
    return found


_EXCLUDED = re.compile(
    rf"\|eta\|\s*\(?\s*(?:of|in|between|in the range)?\s*(?P<lo>{P.NUM})\s*-\s*(?P<hi>{P.NUM})\s*\)?"
    r"[^.;]{0,90}?\b(?:are|is)\s+(?:not considered|excluded|rejected|removed|vetoed)"
)


def _unitless_before(tail: str) -> tuple[str, int | None, str] | None:
    """The last dimensionless quantity (an angle, eta, a ratio) named in ``tail``."""
    best: tuple[int, str, re.Match[str]] | None = None
    for name, regex in P.QUANTITY_ANY:
        if name in P.ENERGY or name in P.LENGTH:
            continue
        for match in regex.finditer(tail):
            if best is None or match.end() > best[0]:
                best = (match.end(), name, match)
    return None if best is None else _named(best[1], best[2])


_TO_BE = re.compile(r"\s(?:is|are|be|was|were)\s+(?:\w+\s+){0,2}?to(?:\s+be)?\s*$")


def _qualifies(left: str, quantity_text: str) -> bool:
    """Whether the quantity is only a condition ("if pT < 50 GeV") or a ratio's denominator."""
    stripped = left.rstrip()
    before = stripped[: stripped.rfind(quantity_text)] if quantity_text in stripped else stripped
    return clauses.is_condition(before) or clauses.is_denominator(before)


def _excluded_interval(sentence: str) -> list[_Comparison]:
    """'electrons with |eta| (of 1.442-1.556) in the transition region are not considered'."""
    out = []
    for match in _EXCLUDED.finditer(sentence):
        lo, hi = float(match.group("lo")), float(match.group("hi"))
        if lo < hi:
            out.append(_Comparison("eta", None, "outside", [lo, hi], None, match.start()))
    return out


_WITHIN_OF = re.compile(
    rf"\bwithin\s+(?P<num>{P.NUM})\s*(?P<unit>mm|cm|mum|um)\s+(?:of|from)\s+the\s+"
    r"(?:beam(?:\s*(?:axis|line|spot))?|(?:primary|reconstructed|interaction)\s+vertex|interaction point)"
    r"(?P<rest>[^.;]{0,40})"
)


def _vertex_distance(sentence: str) -> list[_Comparison]:
    """'to originate from within 2 mm of the beam axis in the transverse plane' -> d0 < 2 mm."""
    out = []
    for match in _WITHIN_OF.finditer(sentence):
        rest = match.group("rest")
        quantity = "z0" if re.search(r"longitudinal|along the beam|\bz\b", rest) else "d0"
        if quantity == "d0" and not re.search(r"transverse|r-?phi|xy", rest + sentence[max(0, match.start() - 40):]):
            continue  # a distance in three dimensions is not d0
        out.append(_Comparison(quantity, None, "<", float(match.group("num")), match.group("unit"), match.start()))
    return out


_OVERLAP = re.compile(
    rf"\bwithin\s+(?:a\s+(?:cone|distance)\s+(?:of\s+)?)?Delta ?R\s*(?:=|<|of)?\s*(?P<num>{P.NUM})"
    r"(?P<rest>[^.;]{0,80}?)\b(?:are|is)\s+(?:removed|discarded|rejected|not considered|ignored)"
    rf"|\b(?:not considering|removing|discarding|rejecting|ignoring)\s+(?:\w+\s+){{0,3}}?(?:that|which)\s+lie\s+"
    rf"within\s+a\s+cone\s+of\s+(?:radius\s+)?(?:Delta ?R\s*=\s*)?(?P<num2>{P.NUM})",
)


def _overlap_removal(sentence: str) -> list[_Comparison]:
    """'any jets within Delta R = 0.4 of the lepton are removed': the kept objects have dr > 0.4."""
    return [_Comparison("dr", None, ">", float(m.group("num") or m.group("num2")), None, m.start())
            for m in _OVERLAP.finditer(sentence)]


_REQUIREMENT_ON = re.compile(
    rf"\b(?P<w>minimum|minimal|lower|maximum|maximal|upper)\s+(?:requirement|threshold|cut|bound|value)\s+of\s+"
    rf"(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})?\s+(?:is\s+(?:applied|imposed|placed|required)\s+)?(?:on|for)\s+(?:the\s+)?"
    r"(?P<q>[\w^{}]{1,12}(?:\s+[\w^{}]{1,12})?)"
)
_STARTING = re.compile(
    rf"\bbins?\s+(?:in|of)\s+(?P<q>[\w^{{}}]{{1,12}}),?\s+(?:starting|beginning)\s+(?:from|at)\s+(?P<num>{P.NUM})\s*"
    rf"(?P<unit>{P.UNIT})?"
)


def _leading_quantity(words: str) -> tuple[str, int | None, str] | None:
    """The quantity that ``words`` start with ('MCT is' -> mct, 'missing transverse momentum')."""
    parts = words.split()
    for n in (2, 1):
        best = _closest_quantity(" ".join(parts[:n]), 0)
        if best is not None and best[2].start() == 0:
            return _named(best[1], best[2])
    return None


def _requirement_on(sentence: str) -> list[_Comparison]:
    """'A minimum requirement of 150 GeV on M_CT is applied'; 'five bins in M_R, starting from 800 GeV'."""
    out = []
    for match in _REQUIREMENT_ON.finditer(sentence):
        name = _leading_quantity(match.group("q"))
        if name is not None:
            op = ">" if match.group("w").startswith(("min", "low")) else "<"
            out.append(_Comparison(name[0], name[1], op, float(match.group("num")), match.group("unit"), match.start()))
    for match in _STARTING.finditer(sentence):
        name = _leading_quantity(match.group("q"))
        if name is not None:
            out.append(_Comparison(name[0], name[1], ">=", float(match.group("num")), match.group("unit"), match.start(),
                                   firm=True))
    return out


_MIN_OF = re.compile(
    rf"\b(?P<w>minimum|minimal|maximum|maximal)\s+(?P<q>[\w|,^ ]{{1,30}}?)\s+(?:threshold\s+|value\s+)?of\s+"
    rf"(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})?"
)


def _minimum_of(sentence: str) -> list[_Comparison]:
    """'a minimal pT of 15 GeV', 'a maximum |eta| of 2.4'."""
    out = []
    for match in _MIN_OF.finditer(sentence):
        quantity = _quantity_before(match.group("q"), 0)
        if quantity is None:
            continue
        op = ">" if match.group("w").startswith("mini") else "<"
        out.append(_Comparison(quantity[0], quantity[1], op, float(match.group("num")), match.group("unit"),
                               match.start(), after=sentence[match.end():]))
    return out


def _comparison(quantity: tuple[str, int | None, str], op: str, value: re.Match[str], pos: int, after: str) -> _Comparison:
    more = [float(x) for x in re.findall(P.NUM, value.group("more") or "")]
    return _Comparison(
        quantity=quantity[0], rank=quantity[1], op=op, value=float(value.group("num")),
        lepton_index=bool(re.search(r",\s*l\b|,\s*l\s*\d", quantity[2])),
        unit=value.group("unit"), position=pos, alt=float(value.group("alt")) if value.group("alt") else None,
        extra=more or None, after=after,
    )


_IP_BOTH = re.compile(
    rf"^\s*(?:in the transverse plane|transversely|in r-?phi)[^.]{{0,20}}?\band\s+(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})"
    r"\s+(?:along the beam|in the longitudinal|longitudinal|in z)"
)


_IP_PAREN = re.compile(r"transverse\s*\(\s*longitudinal\s*\)\s*impact parameters?", re.IGNORECASE)


def _split_ip(comp: _Comparison, left: str = "") -> list[_Comparison]:
    """'impact parameter < 0.5 mm in the transverse plane and 1 mm along the beam' is two cuts,
    and so is 'the transverse (longitudinal) impact parameter must not exceed 0.5 (1.0) mm'."""
    if comp.quantity == "ip" and comp.alt is not None and _IP_PAREN.search(left[-120:]):
        z0 = _Comparison("z0", None, comp.op, comp.alt, comp.unit, comp.position)
        return [_Comparison("d0", None, comp.op, comp.value, comp.unit, comp.position), z0]
    both = _IP_BOTH.match(comp.after) if comp.quantity == "ip" else None
    if both is None:
        return [comp]
    z0 = _Comparison("z0", None, comp.op, float(both.group("num")), both.group("unit"), comp.position)
    return [_Comparison("d0", None, comp.op, comp.value, comp.unit, comp.position), z0]


def _range(left: str, right: str, op: str, pos: int) -> tuple[_Comparison, int] | None:
    """``lo < q < hi``, and the offset of its second operator in ``right``."""
    low = _LEFT_NUM.search(left)
    rest = _RANGE_RIGHT.match(right)
    if low is None or rest is None or op[0] != "<" or rest.group("op")[0] != "<":
        return None
    quantity = _quantity_before(rest.group("q").rstrip(), 0)
    if quantity is None:
        return None
    lo, hi = float(low.group("num")), float(rest.group("num"))
    if lo >= hi or clauses.is_condition(left[: low.start()]):
        return None
    unit = rest.group("unit") or low.group("unit")
    outside = bool(P.OUTSIDE_HINT.search(left[-60:]))
    comp = _Comparison(quantity[0], quantity[1], "outside" if outside else "between", [lo, hi], unit, pos,
                       after=right[rest.end():])
    return comp, rest.start("op")


_SECOND_RANGE = re.compile(rf"^\s*(?:and|or|,)\s*(?P<lo>{P.NUM})\s*-\s*(?P<hi>{P.NUM})\s*(?P<unit>{P.UNIT})?")


def _betweens(sentence: str) -> list[_Comparison]:
    """'between 50 and 106 GeV', and 'between 65-105 and 105-210 GeV for W bosons and top quarks'."""
    out = []
    for match in _BETWEEN.finditer(sentence):
        quantity = _quantity_before(sentence[: match.start()].rstrip(), 40)
        if quantity is None:  # "jet mass is computed using ..., and is required to be between"
            quantity = _quantity_before(sentence[: match.start()].rstrip(), 90)
            quantity = quantity if quantity is not None and quantity[0] == "jetmass" else None
        lo, hi = float(match.group("lo")), float(match.group("hi"))
        if quantity is None or lo >= hi:
            continue
        second = _SECOND_RANGE.match(sentence[match.end():]) if not match.group("unit") else None
        unit = match.group("unit") or match.group("u1") or (second.group("unit") if second else None)
        out.append(_Comparison(quantity[0], quantity[1], "between", [lo, hi], unit, match.start()))
        if second is not None and float(second.group("lo")) < float(second.group("hi")):
            out.append(_Comparison(quantity[0], quantity[1], "between", [float(second.group("lo")),
                                   float(second.group("hi"))], unit, match.start() + 1))
    return out


def _objects(sentence: str) -> list[tuple[int, str]]:
    return [(m.start(), P.object_of(m)) for m in P.OBJECT_RE.finditer(sentence)]


def _findings_in(sentence: str, quote: str, context: str | None) -> list[CutFinding]:
    mentions = _objects(sentence)
    pair = re.search(rf"(?P<a>{P.OBJECTS[2][1]}|{P.OBJECTS[3][1]}|{P.OBJECTS[1][1]})\s*\((?P<b>\w+)\)", sentence,
                     re.IGNORECASE)
    out: list[CutFinding] = []
    comps = _merge_alternates(sentence, [c for c in comparisons(sentence) if c.firm or not _disqualified(sentence, c.position)])
    respectively, kinds = _respectively(sentence, comps)
    for index, comp in enumerate(comps):
        if comp.extra and len(comp.extra) == 1 and len(kinds) == 2 and comp.quantity in OBJECT_VARIABLES:
            # "pT > 30 and 25 GeV for electrons and muons, respectively"
            targets = [(kinds[0], comp.value), (kinds[1], comp.extra[0])]
        else:
            targets = _targets(comp, sentence, mentions, pair, context, respectively.get(index))
        out += _expand(comp, targets, _leading_ranks(sentence, comp), quote)
    out += _counts(sentence, quote)
    return out


def _merge_alternates(sentence: str, comps: list[_Comparison]) -> list[_Comparison]:
    """'muons (electrons) with I_rel < 0.10 (I_rel < 0.21)': the bracketed comparison is the
    value of the bracketed object, like 'pT > 30 (25) GeV'."""
    out: list[_Comparison] = []
    for comp in comps:
        prev = out[-1] if out else None
        if (prev is not None and prev.alt is None and not prev.extra and comp.quantity == prev.quantity
                and comp.op == prev.op and isinstance(comp.value, float) and isinstance(prev.value, float)
                and re.fullmatch(r"[^()]{0,20}\(\s*[^()]{0,25}", sentence[prev.position : comp.position])
                and sentence[prev.position : comp.position].count("(") == 1):
            prev.alt = comp.value
            continue
        out.append(comp)
    return out


def _expand(comp: _Comparison, targets: list[tuple[str, float | list[float]]], ranks: list[int],
            quote: str) -> list[CutFinding]:
    """Findings of one comparison: per target, per leading rank, and per listed value.

    "pT > 20, 15 and 10 GeV" for "the three leading leptons" pairs values with ranks;
    "pT > 185 or 80 GeV" (per category) without ranks gives one cut per value.
    """
    values_per_target = [(obj, [value]) for obj, value in targets]
    if comp.extra and not (len(targets) == 2 and targets[1][1] == comp.extra[0]):
        values_per_target = [(obj, [value, *comp.extra]) for obj, value in targets]
    out: list[CutFinding] = []
    for obj, values in values_per_target:
        if ranks and len(ranks) == len(values) > 1:
            pairs = list(zip(ranks, values, strict=True))
        else:
            pairs = [(rank, value) for rank in (ranks or [comp.rank]) for value in values]  # type: ignore[misc]
        for rank, value in pairs:
            finding = _make(comp, obj, value, quote, rank)
            if finding is not None:
                out.append(finding)
    return out


def _leading_ranks(sentence: str, comp: _Comparison) -> list[int]:
    """'the two leading jets ... pT > 80 GeV' -> ranks [0, 1] (empty: not about ordered objects)."""
    if comp.quantity != "pt" or comp.rank is not None:
        return []
    match = None
    for candidate in P.LEADING.finditer(sentence[max(0, comp.position - 70) : comp.position]):
        match = candidate
    if match is None:
        return []
    which = match.group("which").lower()
    first = 2 if which.startswith("third") else 1 if which.startswith(("sub", "second")) else 0
    count = P.count_value(match.group("n").lower()) if match.group("n") else 1
    return list(range(first, first + count))


def _disqualified(sentence: str, position: int) -> bool:
    """Whether the clause around ``position`` talks about triggers, efficiencies, limits ..."""
    clause = sentence[max(0, position - 60) : position + 40]
    if P.DISQUALIFY.search(clause) or P.TRIGGER.search(sentence[:position]):
        return True
    # a requirement verb anywhere before the cut (in the same sentence) outweighs weak context
    return bool(P.WEAK_DISQUALIFY.search(clause)) and not P.REQUIREMENT.search(sentence[: position + 40])


def _targets(comp: _Comparison, sentence: str, mentions: list[tuple[int, str]], pair: re.Match[str] | None,
             context: str | None, forced: str | None) -> list[tuple[str, float | list[float]]]:
    """(object, value) pairs a comparison applies to (per-flavour statements give two)."""
    if comp.quantity == "jetmass":  # the mass of a (large-radius) jet is a jet property
        return [("jet", comp.value)]
    if comp.quantity not in OBJECT_VARIABLES | {"ip"}:
        return [("event", comp.value)]
    if comp.lepton_index:  # "pT,l1", "pTcone/pT,l": the ordered leptons
        return [("lepton", comp.value)]
    subject = clauses.separated_subject(sentence, comp.position, mentions) if comp.quantity == "dr" else None
    if subject is not None:
        return [(subject, comp.value)]
    if forced:
        return [(forced, comp.value)]
    one = _FOR_ONE.match(comp.after) if comp.after else None
    if one is not None and _FOR_OBJECTS.match(comp.after) is None:
        return [(P.object_of(one), comp.value)]
    per = _FOR_OBJECTS.match(comp.after) if comp.after else None
    if per is not None:
        first = P.object_of(per)
        second = _kind(per.group("o2"))
        targets = [(first, comp.value)]
        if second:
            targets.append((second, float(per.group("num")) if per.group("num") else comp.value))
        return targets
    if pair is not None and _kind(pair.group("b")):
        first, second = _kind(pair.group("a")) or "lepton", _kind(pair.group("b")) or "lepton"
        return [(first, comp.value), (second, comp.alt if comp.alt is not None else comp.value)]  # type: ignore[list-item]
    joined = _conjoined(sentence, [(pos, obj) for pos, obj in mentions if pos < comp.position])
    if joined:
        return [(obj, comp.value) for obj in joined]
    before = [obj for pos, obj in mentions if pos < comp.position]
    after = [obj for pos, obj in mentions if pos > comp.position]
    if not before:  # "The loose selections require pT > 5 GeV ... for electrons and muons"
        later = _conjoined(sentence, [(pos, obj) for pos, obj in mentions if pos > comp.position][:2])
        if later:
            return [(obj, comp.value) for obj in later]
    obj = before[-1] if before else (after[0] if after else context)
    if obj and comp.alt is not None:  # "pT > 200 (400) GeV ... W bosons (top quarks)": two definitions
        return [(obj, comp.value), (obj, comp.alt)]
    return [(obj, comp.value)] if obj else []


_CONJUNCTION = re.compile(r"^(?:s|\s)*(?:candidates\s*)?(?:,|and|or|,\s*and)\s*$", re.IGNORECASE)


def _conjoined(sentence: str, before: list[tuple[int, str]]) -> list[str]:
    """'Muon and electron candidates are required to ...': the cut applies to both kinds."""
    if len(before) < 2 or before[-1][1] == before[-2][1]:
        return []
    first = P.OBJECT_RE.match(sentence, before[-2][0])
    if first is None or not _CONJUNCTION.match(sentence[first.end() : before[-1][0]]):
        return []
    return [before[-2][1], before[-1][1]]


def _kind(word: str) -> str | None:
    match = P.OBJECT_RE.search(word)
    return P.object_of(match) if match else None


def _respectively(sentence: str, comps: list[_Comparison]) -> tuple[dict[int, str], list[str]]:
    """Comparisons assigned to the objects of "..., respectively", and those objects."""
    if "respectively" not in sentence:
        return {}, []
    listed = re.search(r"(?P<a>\w+)s?\s*(?:,|and)\s*(?P<b>\w+?)s?,?\s+respectively", sentence)
    kinds = [k for k in (_kind(listed.group("a")), _kind(listed.group("b")))] if listed else []
    if not kinds or None in kinds:
        kinds = list(dict.fromkeys(obj for _, obj in _objects(sentence)))[:2]  # type: ignore[assignment]
    # a comparison listing its own values ("30 and 25 GeV") pairs with the objects by itself
    same = [i for i, c in enumerate(comps) if c.quantity in OBJECT_VARIABLES and not c.extra]
    if len(kinds) != 2 or len(same) != 2 or comps[same[0]].quantity != comps[same[1]].quantity:
        return {}, [k for k in kinds if k] if len(kinds) == 2 else []
    return {same[0]: kinds[0], same[1]: kinds[1]}, kinds  # type: ignore[dict-item,return-value]


def _make(comp: _Comparison, obj: str, value: float | list[float], quote: str,
          rank: int | None = None) -> CutFinding | None:
    variable, op, unit, is_abs = comp.quantity, comp.op, comp.unit, False
    if variable == "jetmass":
        variable = "m"
    if variable == "ip":
        variable = "z0" if re.search(r"longitudinal|along the beam", comp.after[:60]) else "d0"
    if unit is None and variable in P.ENERGY:
        if variable == "symbol" or variable not in ("pt", "met", "ht", "mt") and not variable.startswith("m"):
            return None
        unit = "GeV"
    if unit is not None and variable in ("eta", "dr", "reliso", "d0sig"):
        return None  # "within |eta| < 2.4, and ... within 2 mm of the beam": the 2 mm is not an eta cut
    energy_unit = unit is not None and unit.lower() in ("gev", "mev", "tev")
    if unit is not None and (variable in P.ENERGY and not energy_unit or variable in P.LENGTH and energy_unit):
        return None  # an energy compared with a length, or the reverse
    if variable in ("eta", "d0", "z0", "z0sintheta", "d0sig") and op in ("<", "<=", "between", "outside"):
        is_abs = True
        if op == "between" and isinstance(value, list) and value[0] == -value[1]:
            op, value = "<", value[1]
    if variable not in OBJECT_VARIABLES and obj == "event" and variable in ("mass",):
        variable = "mass"
    try:
        return CutFinding(object=obj, variable=variable, op=op, value=value, unit=unit, abs=is_abs,  # type: ignore[arg-type]
                          rank=comp.rank if rank is None else rank, quote=quote)
    except ValueError:
        return None


def _counts(sentence: str, quote: str) -> list[CutFinding]:
    out: list[CutFinding] = []
    for match in P.COUNT_RE.finditer(sentence):
        if _disqualified(sentence, match.start()):
            continue
        out.append(_count(P.object_of(match), P.COUNT_OPS[match.group("q")], P.count_value(match.group("n")), quote))
    for match in P.OR_MORE_RE.finditer(sentence):
        out.append(_count(P.object_of(match), ">=", P.count_value(match.group("n")), quote))
    for match in P.N_SYMBOL_RE.finditer(sentence):
        kind = _kind(match.group("obj")) or ("bjet" if match.group("obj").startswith("b") else
                                              "jet" if match.group("obj") == "j" else "lepton")
        op = "==" if match.group("op") == "=" else match.group("op")
        out.append(_count(kind, op, int(match.group("n")), quote))
    for match in P.VETO_RE.finditer(sentence):
        out.append(_count(P.object_of(match), "==", 0, quote))
    if P.SFOS_RE.search(sentence):
        pairs = 2 if re.search(r"\b(?:two|2)\b[^.]{0,60}pairs", sentence) else 1
        out.append(CutFinding(object="lepton", variable="sfos", op=Op.ge, value=pairs, quote=quote,
                              description="same-flavour opposite-sign lepton pair(s)"))
    return out


def _count(kind: str, op: str, n: int, quote: str) -> CutFinding:
    return CutFinding(object=kind, variable="count", op=op, value=float(n), quote=quote,  # type: ignore[arg-type]
                      description=f"number of {kind}s {op} {n}")


def extract_findings(doc: Document) -> list[CutFinding]:
    """All cut findings of the selection-relevant passages of ``doc``, in reading order."""
    found: list[CutFinding] = []
    controls = 0
    for start, end in relevant_spans(doc):
        context: str | None = None
        for s_start, s_end in sentences(doc.text, start, end):
            raw = doc.text[s_start:s_end]
            if len(raw) <= 1500 and not any(f.variable == "btag" for f in found):
                btag = clauses.btag_definition(P.prepare(raw), squash(raw))
                found += [btag] if btag is not None else []
            if len(raw) > 1500 or not re.search(r"\d|at least|exactly|opposite|same", raw):
                context = _last_object(raw) or context
                continue
            quote = squash(raw)
            if _numeric_share(quote) > 0.45:  # a flattened table of yields or bin edges
                continue
            prepared = P.prepare(raw)
            if clauses.states_no_cut(prepared):
                context = _last_object(prepared) or context
                continue
            here = _findings_in(prepared, quote, context)
            if here and clauses.defines_control_region(prepared):
                controls += 1
                here = [f.model_copy(update={"region": f"control_{controls}"}) for f in here]
            found += here
            context = _last_object(prepared) or context
    return found


def _numeric_share(text: str) -> float:
    tokens = text.split()
    if len(tokens) < 12:
        return 0.0
    return sum(bool(re.fullmatch(r"[-+<>=\u00b1\u2264\u2265(),.\d^_%]+", t)) for t in tokens) / len(tokens)


def _last_object(text: str) -> str | None:
    mentions = _objects(P.asciify(text))
    return mentions[-1][1] if mentions else None

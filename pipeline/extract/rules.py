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
from dataclasses import replace

from pipeline.extract import (
    alternatives,
    charges,
    clauses,
    comparisons,
    conditionals,
    count_phrases,
    count_thresholds,
    named_quantities,
    named_regions,
    phrasings,
    ranks,
    support_clauses,
    vetoes,
)
from pipeline.extract import patterns as P
from pipeline.extract.comparisons import Comparison as _Comparison
from pipeline.extract.findings import COLLECTIONS, OBJECT_VARIABLES, CutFinding, canonical
from pipeline.extract.reading import Reading, read
from pipeline.extract.sections import relevant_spans
from pipeline.extract.text import balanced, squash
from pipeline.parse.document import Document
from pipeline.selection.models import Op

_ABBREV = (
    r"(?<!\bRef)(?<!\bRefs)(?<!\bFig)(?<!\bFigs)(?<!\bEq)(?<!\bEqs)(?<!\bSec)(?<!\bal)"
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\bTab)"
)
# no split at blank lines: text layers put sub/superscripts in blocks of their own
_SENTENCE_END = re.compile(rf"{_ABBREV}[.;:]\s+(?=[A-Z(\[])")
_FOR_OBJECTS = re.compile(
    rf"^\s*for (?P<o1>{P.OBJECT_RE.pattern})(?:\s+candidates)?,?\s*(?:and|while"
    rf"|or)\s+(?:(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})?\s+)?for\s+(?:the\s+)?(?P<o2>\w+)"
)
_FOR_ONE = re.compile(
    rf"^\s*for (?:the\s+)?(?:selected\s+|tight\s+|loose\s+|veto\s+)?{P.OBJECT_RE.pattern}"
)


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """``[start, end)`` spans of the sentences of ``text[start:end]``."""
    end = len(text) if end is None else end
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        yield cursor, match.start() + 1
        cursor = match.end()
    if cursor < end:
        yield cursor, end


def _objects(sentence: str) -> list[tuple[int, str]]:
    """The objects the sentence names, without those another one is built from after it ('Tau
    candidates are reconstructed from anti-kt jets ... and must have pT > 20 GeV': the taus')."""
    named = [(m.start(), P.object_of(m)) for m in P.OBJECT_RE.finditer(sentence)]
    return [
        (at, kind)
        for index, (at, kind) in enumerate(named)
        if not (index > 0 and P.input_of_another(sentence, at) and named[0][1] != kind)
    ]


_PATTERN = dict(P.OBJECTS)  # kind -> the pattern naming it


def _findings_in(
    sentence_or_reading: Reading | str, quote: str, context: str | None
) -> list[CutFinding]:
    reading = (
        sentence_or_reading
        if isinstance(sentence_or_reading, Reading)
        else read(sentence_or_reading)
    )
    sentence = reading.text
    mentions = _objects(sentence)
    pair = re.search(
        rf"(?P<a>{_PATTERN['electron']}|{_PATTERN['muon']}|{_PATTERN['jet']})\s*\((?P<b>\w+)\)",
        sentence,
        re.IGNORECASE,
    )
    out: list[CutFinding] = []
    # copies: the reading is shared with the support check, and merging alternates sets .alt
    comps = _merge_alternates(
        sentence,
        [
            replace(c)
            for c in reading.comparisons
            if c.firm or not _disqualified(sentence, c.position)
        ],
    )
    comps = [_pair_mass(sentence, c, mentions) for c in comps]
    respectively, kinds = _respectively(sentence, comps)
    for index, comp in enumerate(comps):
        if (
            comp.extra
            and len(comp.extra) == 1
            and len(kinds) == 2
            and comp.quantity in OBJECT_VARIABLES
        ):
            # "pT > 30 and 25 GeV for electrons and muons, respectively"
            targets = [(kinds[0], comp.value), (kinds[1], comp.extra[0])]
        elif (
            comp.extra
            and comp.quantity in OBJECT_VARIABLES
            and len(named := _conjoined(sentence, [m for m in mentions if m[0] < comp.position]))
            == len(comp.extra) + 1
            # (not ranked objects, "The leading and subleading leptons, electrons or muons, must
            # have pT > 25 and 20 GeV": the values are the ranks')
            and not re.search(rf"\b(?:{P.RANK_WORDS}|two|both)\b", sentence[: comp.position], re.I)
        ):
            # "Electrons and muons must have pT > 25 and 20 GeV": one value per kind, in order
            targets = list(zip(named, [comp.value, *comp.extra], strict=True))  # type: ignore[arg-type]
        else:
            targets = _targets(comp, sentence, mentions, pair, context, respectively.get(index))
        ranked = _ranked(sentence, comp, targets, quote)
        if ranked is not None and P.if_present(sentence, comp.position, comp.after):
            ranked = [_if_present(f) for f in ranked]
        out += _expand(comp, targets, quote) if ranked is None else ranked
    if clauses.rejects_objects(sentence) and not clauses.rejects_events(sentence):
        out = clauses.kept_objects(out)  # "Jets with pT below 30 GeV are not used": pT >= 30
    out = _besides_ranked(reading, _beyond_ranked(reading, out + _counts(sentence, quote)))
    out = _at_least_one_above(reading, _counted_above_thresholds(reading, out))
    # 'rejected if they contain a b-tagged jet' already gives the kept side, a zero count
    vetoes = _veto_counts(sentence, quote)
    if not clauses.rejects_events(sentence):
        return out + vetoes
    windows = [f for f in out if f.variable == "zwindow"]
    if windows and all(f.variable in ("zwindow", "sfos") or f.object != "event" for f in out):
        # "events with an SFOS pair within 15 GeV of the Z mass are rejected": the kept events
        # have no such pair (the window of the closest pair inverted; no pair at all passes it),
        # which is neither a pair count nor a lepton veto
        kept_window = clauses.kept_side(windows)
        return [f for f in out if f.object != "event" and f.variable != "sfos"] + kept_window
    vetoed = _vetoed_objects(sentence, quote)
    vetoed_kinds = {str(f.object) for f in vetoed}
    # 'events with one or more veto leptons are rejected': the kept side 'fewer than one' is the
    # zero count of the veto, said once
    conditions = sorted(
        [c.position for c in comps if c.quantity not in OBJECT_VARIABLES | {"ip"}]
        + [
            m.start()
            for m in (
                *P.COUNT_RE.finditer(sentence),
                *P.COUNT_SYMBOL_RE.finditer(sentence),
                *P.VETO_RE.finditer(sentence),
            )
        ]
    )
    alternatives = len(conditions) > 1 and clauses.joined_by_or(sentence, conditions)
    # (a value stated only in a clause that rejects nothing is required as written: "Events with a
    # b-tagged jet are rejected, and the signal regions require m_T2 > 90 GeV")
    required = _required_elsewhere(reading, out)
    kept = [
        f
        for f in clauses.kept_side([f for f in out if id(f) not in required], alternatives)
        + [f for f in out if id(f) in required]
        if not (
            f.variable == "count"
            and f.object in vetoed_kinds
            and (f.op, f.value) in (("<", 1.0), ("<=", 0.0))
        )
    ]
    return kept + vetoes + vetoed


_VETOED = re.compile(
    rf"^\s*{clauses.PURPOSE}"
    r"(?:[\w-]+\s+){0,3}?events?\s+(?:(?:with|containing|having|that contain)\s+"
    # ("events in which a photon ... is found", not "events in which the leading jet has ...")
    r"|(?:in which|where)\s+(?:there\s+(?:is|are)\s+)?(?=an?\s|any\s|one\s))(?:(?:an?|any"
    r"|one or more|at least one)\s+)?(?P<which>(?:[\w-]+\s+){0,3}?)(?P<obj>"
    rf"{P.OBJECT_RE.pattern})",
    re.IGNORECASE,
)


def _vetoed_objects(sentence: str, quote: str) -> list[CutFinding]:
    """'Events containing a b-tagged jet are vetoed': no such object. An 'additional' or 'second'
    one is counted beyond the selected ones, which a count of zero would not say, so it is left
    out."""
    match = _VETOED.match(sentence)
    if match is None or re.search(
        rf"additional|extra|other|further|\d|\b(?:{P.RANK_WORDS}|two|three|four|more|fewer|"
        r"less|than|least|most|hardest)\b",
        match.group("which"),
        re.I,
    ):
        # 'events with fewer than 4 jets', 'with two same-flavour leptons': not a veto of every such
        # object
        return []
    if clauses.failing_objects(sentence[match.end() :]) or clauses.names_bad_objects(
        match.group(0)
    ):
        return []  # 'a jet ... that fails the quality criteria': a veto of bad jets only
    if ranks.BESIDES.search(sentence, match.end(), match.end() + 120):
        return []  # 'a jet with pT > 50 GeV besides the leading one': the second one
    if _PAIR.match(sentence, match.end()):
        return []  # 'events with any SFOS lepton pair with m_ll < 12 GeV': a veto of pairs
    kind = P.object_of(match)
    if kind in ("electron", "muon") and _OTHER_FLAVOUR.match(sentence, match.end()):
        kind = "lepton"
    return [_count(kind, "==", 0, quote)]


def _merge_alternates(sentence: str, comps: list[_Comparison]) -> list[_Comparison]:
    """'muons (electrons) with I_rel < 0.10 (I_rel < 0.21)': the bracketed comparison is the
    value of the bracketed object, like 'pT > 30 (25) GeV'."""
    out: list[_Comparison] = []
    for comp in comps:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.alt is None
            and not prev.extra
            and comp.quantity == prev.quantity
            and comp.op == prev.op
            and isinstance(comp.value, float)
            and isinstance(prev.value, float)
            and re.fullmatch(
                r"[^()]{0,20}\(\s*[^()]{0,25}", sentence[prev.position : comp.position]
            )
            and sentence[prev.position : comp.position].count("(") == 1
        ):
            prev.alt = comp.value
            continue
        out.append(comp)
    return out


def _expand(
    comp: _Comparison, targets: list[tuple[str, float | list[float]]], quote: str
) -> list[CutFinding]:
    """Findings of one comparison that ranks no object: per target and per listed value
    ("pT > 185 or 80 GeV" per category gives one cut per value)."""
    values_per_target = [(obj, [value]) for obj, value in targets]
    paired = [value for _, value in targets[1:]] == comp.extra  # one value per target, in order
    if comp.extra and not paired:
        values_per_target = [(obj, [value, *comp.extra]) for obj, value in targets]
    out: list[CutFinding] = []
    for obj, values in values_per_target:
        for value in values:
            finding = _make(comp, obj, value, quote)
            if finding is not None:
                out.append(finding)
    return out


_RANKABLE = {"pt", "eta", "phi", "e", "d0", "z0", "d0sig", "ip", "ptovermgg"}  # fields of an object


def _if_present(finding: CutFinding) -> CutFinding:
    """'The third jet, if present, must have pT > 30 GeV': the cut on the n-th object holds in
    the events that have one (not (count >= n) or (the n-th object's cut))."""
    if finding.rank is None:
        return finding
    present = finding.model_copy(
        update={"variable": "count", "op": ">=", "value": float(finding.rank + 1), "rank": None}
    )
    conditional = finding.model_copy()
    conditional._condition = present
    return conditional


def _ranked(
    sentence: str, comp: _Comparison, targets: list[tuple[str, float | list[float]]], quote: str
) -> list[CutFinding] | None:
    """Findings of a comparison bound to pT-ordered objects ("the leading (subleading) lepton
    ... pT > 25 (20) GeV", "pT,l1 > 20, l2 > 15 GeV"): one cut on the n-th object per value
    (None: the sentence ranks no object). Values that do not pair up with the ranks give one
    cut on every object, which the support check finds to have lost its rank (and
    ``extract_rules`` sets aside)."""
    if comp.quantity not in _RANKABLE:
        return None  # an isolation ratio or a distance of the n-th object: left to the check
    bound = ranks.ranked(sentence, comp)
    kinds = list(dict.fromkeys(obj for obj, _ in targets))
    if bound is None or (bound.kind is None and not kinds):
        return None
    kind = bound.kind or kinds[0]
    if kind == "lepton":  # ("The leading and subleading leptons, electrons or muons, ...")
        kinds = [k for k in kinds if k not in ("electron", "muon")] or kinds
    if bound.pairs is None or (len(kinds) > 1 and (comp.alt is not None or comp.extra)):
        alt = [(kind, comp.alt)] if comp.alt is not None else []
        return _expand(comp, [(kind, comp.value), *alt], quote)  # per flavour and rank at once
    out = [
        _make(comp, kind, list(value) if isinstance(value, tuple) else value, quote, rank)
        for rank, value in bound.pairs
    ]
    return [f for f in out if f is not None]


_OFFLINE = re.compile(r"\boffline\b|\bin\s+the\s+(?:offline\s+)?(?:analysis|selection)\b", re.I)


# the mass of the pair named before: "Both leptons must have |eta| < 2.4, and their invariant
# mass must exceed 50 GeV", "two photons ..., and the mass of the pair must be ..."
_THEIR_MASS = re.compile(
    r"(?:\b(?:their|the\s+pair(?:'s)?)\s+(?:invariant\s+)?mass\b(?:\s+of\s+the\s+pair)?"
    # ("a pair of jets with an invariant mass above 800 GeV")
    r"|\bpairs?\s+of\s+(?:[\w-]+\s+){0,2}?\w+\s+with\s+(?:an?\s+)?(?:invariant\s+)?mass\b)"
    r"[^.;,]{0,40}$",
    re.IGNORECASE,
)
_PAIR_WORDS = re.compile(
    r"\b(?:two|both|pair|di-?(?:lepton|muon|electron|photon|jet)s?)\b(?![^.;]{0,40}\b(?:three|four)\b)",
    re.IGNORECASE,
)
_PAIR_MASSES = {
    "lepton": "mll",
    "muon": "mmumu",
    "electron": "mee",
    "photon": "mgammagamma",
    "jet": "mjj",
    "bjet": "mbb",
}


def _pair_mass(sentence: str, comp: _Comparison, mentions: list[tuple[int, str]]) -> _Comparison:
    """``comp`` on the mass of the pair named before it ('their invariant mass'), else as is."""
    if comp.quantity != "mass" or not _THEIR_MASS.search(sentence[: comp.position]):
        return comp
    before = [kind for pos, kind in mentions if pos < comp.position]
    if (
        not before
        or before[-1] not in _PAIR_MASSES
        or not _PAIR_WORDS.search(sentence[: comp.position])
        or re.search(r"\b(?:three|four|3|4)\s+(?:[\w-]+\s+)?\w+s\b", sentence[: comp.position])
    ):
        return comp
    return replace(comp, quantity=_PAIR_MASSES[before[-1]])


_ONLINE = re.compile(
    r"\b(?:online|high[- ]level|HLT|L1|level-?1|trigger\s+level|seed)\b", re.IGNORECASE
)


def _required_elsewhere(reading: Reading, found: list[CutFinding]) -> set[int]:
    """Ids of the event-level findings whose values stand only in clauses of the sentence that
    reject nothing."""
    rejecting = [reading.text[c.start : c.end] for c in reading.clauses if c.rejects]
    others = [reading.text[c.start : c.end] for c in reading.clauses if not c.rejects]
    if not rejecting or not others:
        return set()

    def says(texts: list[str], f: CutFinding) -> bool:
        values = f.value if isinstance(f.value, list) else [f.value]
        return all(
            any(re.search(rf"(?<![\d.]){float(v):g}(?![\d])", t) for t in texts)  # type: ignore[arg-type]
            for v in values
        )

    return {
        id(f) for f in found if f.is_event_level() and says(others, f) and not says(rejecting, f)
    }


def _disqualified(sentence: str, position: int) -> bool:
    """Whether the clause around ``position`` talks about triggers, efficiencies, limits ...
    (never across a ';': "b-jets are tagged at the 77% efficiency working point; b-tagged jets
    must have pT > 20 GeV")."""
    part = sentence.rfind(";", 0, position) + 1
    if re.match(r"\s*(?:it|its|this|these|they|which)\b", sentence[part:], re.IGNORECASE) or (
        _ONLINE.search(sentence[part:position])
    ):
        # ("Events are recorded with a trigger; it requires ...", "...; the online electron must
        # have E_T > 24 GeV", "...; at the high-level stage, ...": the trigger's)
        part = 0
    stop = sentence.find(";", position)
    clause = sentence[
        max(part, position - 60) : min(position + 40, stop if stop >= 0 else len(sentence))
    ]
    sentence, position = sentence[part:], position - part
    # "because of the trigger requirements, H_T is required to be >500 GeV": the trigger is the
    # reason
    before = re.sub(
        r"\b(?:because of|due to|owing to) (?:the )?trigger\w*(?: \w+)?",
        "",
        sentence[:position],
        flags=re.IGNORECASE,
    )
    # a trigger before the value, unless "offline" comes after it ("The trigger requires H_T >
    # 800 GeV at the HLT; offline we require H_T > 1000 GeV")
    # (from the last requirement with a subject of its own: "..., above the trigger threshold,
    # and the dielectron mass must exceed 120 GeV" is the offline selection's)
    restart = list(_NEW_REQUIREMENT.finditer(before))
    if restart and not _names_an_earlier_object(before, restart[-1]):
        before = before[restart[-1].start() :]
    triggers = list(P.TRIGGER.finditer(before))
    if P.DISQUALIFY.search(clause) or (
        triggers and not _OFFLINE.search(before[triggers[-1].end() :])
    ):
        return True
    # a requirement verb anywhere before the cut (in the same sentence) outweighs weak context
    return bool(P.WEAK_DISQUALIFY.search(clause)) and not P.REQUIREMENT.search(
        sentence[: position + 40]
    )


def _names_an_earlier_object(before: str, restart: re.Match[str]) -> bool:
    """Whether the new requirement's subject is an object the trigger's clause named ("The trigger
    requires a muon with pT > 24 GeV, and the muon is required to be within |eta| < 2.1")."""
    subject = P.OBJECT_RE.search(restart.group(0))
    if subject is None:
        return False
    kind = P.object_of(subject)
    return any(P.object_of(m) == kind for m in P.OBJECT_RE.finditer(before[: restart.start()]))


_NEW_REQUIREMENT = re.compile(
    r"[,;]\s*(?:and|while|whereas)\s+(?:the|all|each|every|events?)\b[^,;]{0,50}?\b(?:must|is\s+"
    r"required|are\s+required|has\s+to|have\s+to|needs?\s+to)\b",
    re.IGNORECASE,
)


# the object a value is given for, in brackets right after it: "pT > 20 GeV (electrons)"
_OWN_OBJECT = re.compile(rf"^\s*\(\s*(?:{P.OBJECT_RE.pattern})\s*\)")


def _targets(
    comp: _Comparison,
    sentence: str,
    mentions: list[tuple[int, str]],
    pair: re.Match[str] | None,
    context: str | None,
    forced: str | None,
) -> list[tuple[str, float | list[float]]]:
    """(object, value) pairs a comparison applies to (per-flavour statements give two)."""
    if comp.quantity == "jetmass":  # the mass of a (large-radius) jet is a jet property
        # (a sentence naming large-R jets speaks of their mass: small-R jet masses are seldom cut)
        large = _LARGE_R_MASS.search(sentence[max(0, comp.position - 60) : comp.position])
        named = any(kind == "fatjet" for pos, kind in mentions if pos < comp.position)
        return [("fatjet" if large or named else "jet", comp.value)]
    if comp.quantity not in OBJECT_VARIABLES | {"ip"}:
        return [("event", comp.value)]
    if comp.index_kind:  # "pT,l1", "pT(j_2)": the ordered leptons, jets
        return [(comp.index_kind, comp.value)]
    if comp.lepton_index:  # "pTcone/pT,l": the ordered leptons
        return [("lepton", comp.value)]
    if comp.quantity == "dr" and named_quantities.dr_definition(sentence) is not None:
        return [("event", comp.value)]  # "Delta R_ll > 0.4": the two leptons' separation
    subject = (
        clauses.separated_subject(sentence, comp.position, mentions)
        if comp.quantity == "dr"
        else None
    )
    if subject is not None:
        return [(subject, comp.value)]
    if forced:
        return [(forced, comp.value)]
    own = _OWN_OBJECT.match(comp.after) if comp.after and comp.alt is None else None
    if own is not None:  # "pT > 20 GeV (electrons) or pT > 15 GeV (muons)"
        return [(P.object_of(own), comp.value)]
    one = _FOR_ONE.match(comp.after) if comp.after else None
    if (
        one is not None
        and _FOR_OBJECTS.match(comp.after) is None
        and (comp.alt is None or pair is None)
    ):
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
    before = [
        obj
        for pos, obj in mentions
        if pos < comp.position and not (obj == "track" and P.CONSTITUENT.search(sentence[:pos]))
    ]  # (not "one or three charged tracks": what the tau candidates are made of)
    after = [obj for pos, obj in mentions if pos > comp.position]
    if not before:  # "The loose selections require pT > 5 GeV ... for electrons and muons"
        later = _conjoined(
            sentence, [(pos, obj) for pos, obj in mentions if pos > comp.position][:2]
        )
        if later:
            return [(obj, comp.value) for obj in later]
    if not before and not after and context and "," in context:
        return [(kind, comp.value) for kind in context.split(",")]  # ("They ...": both kinds)
    obj = before[-1] if before else (after[0] if after else context)
    if (
        obj and comp.alt is not None
    ):  # "pT > 200 (400) GeV ... W bosons (top quarks)": two definitions
        return [(obj, comp.value), (obj, comp.alt)]
    return [(obj, comp.value)] if obj else []


def _conjoined(sentence: str, before: list[tuple[int, str]]) -> list[str]:
    """'Muon and electron candidates are required to ...': the kinds named together with the last
    one before the value (none when it stands alone)."""
    kinds = P.conjoined(sentence, before, -1) if before else []
    return kinds if len(kinds) > 1 else []


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


# the mass of a large-R jet named as such: "the large-R jet mass", "soft-drop mass", "m_SD"
_LARGE_R_MASS = re.compile(
    r"\b(?:large[- ]?R|large[- ]radius|fat|AK8)\b[^.;]{0,20}mass|soft-?drop|\bm_?SD\b",
    re.IGNORECASE,
)


def _make(
    comp: _Comparison, obj: str, value: float | list[float], quote: str, rank: int | None = None
) -> CutFinding | None:
    variable, op, unit, is_abs = comp.quantity, comp.op, comp.unit, False
    if variable == "jetmass":
        # (the fatjets carry the soft-drop mass; another mass of theirs is not in the data)
        soft_drop = re.search(r"soft-?drop|\bm_?\{?SD\}?(?![A-Za-z])", quote, re.IGNORECASE)
        variable = "msoftdrop" if obj == "fatjet" and soft_drop else "m"
    if variable == "ip":
        variable = "z0" if re.search(r"longitudinal|along the beam", comp.after[:60]) else "d0"
    if unit is None and variable in P.ENERGY:
        if (
            variable == "symbol"
            or variable not in ("pt", "met", "ht", "mt")
            and not variable.startswith("m")
        ):
            return None
        unit = "GeV"
    if unit is not None and variable in ("eta", "dr", "reliso", "d0sig"):
        # "within |eta| < 2.4, and ... within 2 mm of the beam": the 2 mm is not an eta cut
        return None
    energy_unit = unit is not None and unit.lower() in ("gev", "mev", "tev")
    if unit is not None and (
        variable in P.ENERGY and not energy_unit or variable in P.LENGTH and energy_unit
    ):
        return None  # an energy compared with a length, or the reverse
    # |eta| > 2.5 (forward), |d0| > 2 mm (displaced): positive lower bounds are on the absolute
    # value too; "eta > -1.44", "eta > 0", "-3.0 < eta < -1.3" are signed
    low = value[0] if isinstance(value, list) else value
    signed = low <= 0 if op in (">", ">=", "<", "<=") else low < 0
    if variable in ("eta", "d0", "z0", "z0sintheta", "d0sig") and op in ("<", "<="):
        is_abs = not signed
    elif variable in ("eta", "d0", "z0", "z0sintheta", "d0sig") and op in ("between", "outside"):
        is_abs = not signed or (isinstance(value, list) and value[0] == -value[1])
    elif variable in ("eta", "d0", "z0", "z0sintheta") and op in (">", ">=") and not signed:
        is_abs = True
    if is_abs and op == "between" and isinstance(value, list) and value[0] == -value[1]:
        op, value = "<", value[1]
    if variable not in OBJECT_VARIABLES and obj == "event" and variable in ("mass",):
        variable = "mass"
    try:
        return CutFinding(
            object=obj,
            variable=variable,
            op=op,
            value=value,
            unit=unit,
            abs=is_abs,  # type: ignore[arg-type]
            rank=comp.rank if rank is None else rank,
            quote=quote,
        )
    except ValueError:
        return None


def _beyond_ranked(reading: Reading, out: list[CutFinding]) -> list[CutFinding]:
    """'the leading jet with pT > 100 GeV and at least one additional jet with pT > 75 GeV': the
    additional one is the next in pT (nth(..., 1) > 75), not a cut on every jet and a count."""
    for comp in reading.comparisons:
        if comp.quantity != "pt":
            continue
        beyond = ranks.beyond_ranked(reading.text, comp.position)
        which = ranks.of_which(reading.text, comp.position) if beyond is None else None
        if beyond is not None:
            kind, rank, additional = beyond  # the count of the additional ones goes
        elif which is not None:
            # 'at least two jets, one of which must have pT > 100 GeV': the count stands
            (kind, rank), additional = which, None
        else:
            continue
        flat = _flat_lower_pt(out, kind, comp.value)
        if len(flat) != 1:
            continue
        counted = [
            f
            for f in out
            if f.object == kind and f.variable == "count" and (f.op, f.value) == (">=", additional)
        ]
        ranked = flat[0].model_copy(update={"rank": rank})
        out = [f for f in out if f is not flat[0] and f not in counted] + [ranked]
    return out


def _flat_lower_pt(
    out: list[CutFinding], kind: str, value: float | list[float]
) -> list[CutFinding]:
    """The unranked lower pT cuts of ``kind`` at ``value``: the cut on every object a ranked
    reading replaces."""
    return [
        f
        for f in out
        if f.object == kind
        and f.variable == "pt"
        and f.rank is None
        and f.op in (">", ">=")
        and _in_gev(f) == value
    ]


def _in_gev(f: CutFinding) -> float | list[float]:
    """The finding's value in GeV (a count's threshold is read in GeV: "two jets above 1.2 TeV")."""
    return canonical(f.value, f.unit)[0]  # type: ignore[arg-type]


def _counted_above_thresholds(reading: Reading, out: list[CutFinding]) -> list[CutFinding]:
    """'at least two jets with pT > 50 GeV and at least four jets with pT > 25 GeV': the lowest
    threshold is the jets' (with its count), each higher one the pT of the n-th jet
    (count_thresholds)."""
    for kind, counted in count_thresholds.counted_above(reading).items():
        lowest = count_thresholds.the_collections(counted)
        for count in counted:
            flat = _flat_lower_pt(out, kind, count.value)
            if count is lowest or len(flat) != 1:
                continue
            counts = [
                f
                for f in out
                if f.object == kind and f.variable == "count" and (f.op, f.value) == (">=", count.n)
            ]
            ranked = flat[0].model_copy(update={"rank": count.n - 1})
            out = [f for f in out if f is not flat[0] and f not in counts[:1]] + [ranked]
    return out


_AT_LEAST_ONE = re.compile(
    r"\b(?:(?:at\s+least|a\s+minimum\s+of|no\s+fewer\s+than)\s+one|one\s+or\s+more)\s+"
    r"(?:[\w-]+\s+){0,3}?\w+\s+(?:with|having)\b[^,;.]*$",
    re.IGNORECASE,
)
# the counted object is beyond others or one of some: "at least one additional jet with", "a
# further jet", "one more jet", "another photon"
_BEYOND_OR_QUALIFIED = re.compile(
    r"\b(?:additional|further|extra|(?<!or\s)more|other|another|second|third|non-[\w-]+)\s+"
    r"(?:[\w-]+\s+){0,2}?"
    r"\w+\s+(?:with|having)\b[^,;.]*$",
    re.IGNORECASE,
)
# what follows the threshold qualifies the counted object: "... with pT > 100 GeV must be b-tagged",
# "that is identified as a b-jet", "in addition to the two tag jets", "other than the VBF jets"
_QUALIFIED_AFTER = re.compile(
    r"\s*(?:[kMGT]?eV\b)?\s*,?\s*(?:must|should|has\s+to|that|which|in\s+addition|other\s+than"
    r"|(?:is|are)\s+(?:also\s+)?(?:b-tagged|tagged|identified|matched|required\s+to\s+be)"
    r"|besides|apart\s+from|not\b|identified|tagged|b-tagged|matched|separated|within|outside"
    r"|inside|in\s+the|from\s+the|associated)",
    re.IGNORECASE,
)


def _at_least_one_above(reading: Reading, out: list[CutFinding]) -> list[CutFinding]:
    """'at least one jet with pT > 250 GeV', 'must have a jet with pT > 450 GeV': the leading
    jet's pT (which holds exactly when some jet is above the value), not a cut on every jet, which
    would redefine the jets every other cut counts and, alone, require none."""
    if (
        clauses.rejects_events(reading.text)
        or clauses.rejects_objects(reading.text)
        or re.search(rf"\b{P.REJECTED_VERB}\b", reading.text, re.IGNORECASE)
    ):
        return out  # (a veto's objects: its own reading)
    for comp in reading.comparisons:
        if comp.quantity != "pt" or comp.op not in (">", ">=") or isinstance(comp.value, list):
            continue
        said = ranks.counted_above(reading.text, comp.position)
        if (
            said is None
            or said[1] != 0
            or support_clauses.counted_in_veto(reading, comp.position)
            # (not "at least one additional jet": beyond others; "a jet with pT > 100 GeV
            # that is b-tagged": some of the jets only)
            or _BEYOND_OR_QUALIFIED.search(reading.text[max(0, comp.position - 60) : comp.position])
            or _QUALIFIED_AFTER.match(comp.after or "")
        ):
            continue
        kind = said[0]
        value = float(canonical(comp.value, comp.unit)[0])  # type: ignore[arg-type]
        flat = _flat_lower_pt(out, kind, value)
        if len(flat) != 1 or any(
            _flat_lower_pt(out, other, value) for other in COLLECTIONS if other != kind
        ):
            continue  # (not "at least one electron or muon with pT > 25 GeV": the leptons')
        counted = [f for f in out if f.object == kind and f.variable == "count" and f.op != ">="]
        lower = [f for f in out if f.object == kind and f.variable == "pt" and f.op in (">", ">=")]
        explicit = _AT_LEAST_ONE.search(reading.text[max(0, comp.position - 80) : comp.position])
        if counted and len(lower) == 1 and not explicit:
            continue  # ("requires one muon with pT > 25 GeV", read as exactly one: the muons')
        one = [
            f
            for f in out
            if f.object == kind and f.variable == "count" and (f.op, f.value) == (">=", 1)
        ]
        ranked = flat[0].model_copy(update={"rank": 0})
        out = [f for f in out if f is not flat[0] and f not in one[:1]] + [ranked]
        out = _same_object_eta(reading, comp, kind, out)
    return out


def _same_object_eta(
    reading: Reading, comp: _Comparison, kind: str, out: list[CutFinding]
) -> list[CutFinding]:
    """'a jet with pT > 250 GeV and |eta| < 2.0': the |eta| of the same (leading) jet, not a cut
    on every jet."""
    for other in reading.comparisons:
        said = ranks.counted_with_pt(reading.text, reading.comparisons, other.position)
        if (
            other.quantity != "eta"
            or other.op not in ("<", "<=")
            or kind not in ("jet", "fatjet", "bjet")  # (a lepton's |eta| is its acceptance)
            or said is None
            or said[2] != comp.position
        ):
            continue
        flat = [
            f
            for f in out
            if f.object == kind
            and f.variable == "eta"
            and f.rank is None
            and f.value == other.value
            and f.op == other.op
        ]
        if len(flat) == 1:
            out = [f for f in out if f is not flat[0]] + [flat[0].model_copy(update={"rank": 0})]
    return out


def _besides_ranked(reading: Reading, out: list[CutFinding]) -> list[CutFinding]:
    """'no jet with pT > 50 GeV besides the leading one': the veto is on the second jet (not
    (nth(..., 1) > 50)), not a cut on every jet and a zero count; 'events with a jet other than
    the leading one with pT > 50 GeV are rejected': the ranked cut, whose kept side the veto
    gives."""
    for comp in reading.comparisons:
        besides = (
            ranks.besides_ranked(reading.text, comp.position) if comp.quantity == "pt" else None
        )
        if besides is None:
            continue
        kind, rank = besides
        flat = _flat_lower_pt(out, kind, comp.value)
        if len(flat) != 1:
            continue
        none = [
            f
            for f in out
            if f.object == kind
            and f.variable == "count"
            and (f.op, f.value) in (("==", 0), ("<", 1))
        ]
        ranked = flat[0].model_copy(update={"rank": rank})
        ranked._vetoed = bool(none)  # 'no jet ... besides': the kept side already
        out = [f for f in out if f is not flat[0] and f not in none] + [ranked]
    return out


def _conditional(sentence: str, quote: str, context: str | None) -> list[CutFinding] | None:
    """'For events with exactly two jets, the subleading jet must have pT > 60 GeV': each
    event-level requirement under the one event-level condition (not (condition) or
    (requirement)); None when the sentence is no such requirement or its parts do not read as
    one condition and event-level requirements."""
    parts = conditionals.split(sentence)
    if parts is None:
        return None
    condition = [
        f
        for f in _findings_in(read(parts.condition), quote, None)
        if f.is_event_level() and f.region is None
    ]
    required = _findings_in(read(parts.requirement), quote, context)
    if (
        len(condition) != 1
        or not required
        or not all(f.is_event_level() and f.region is None for f in required)
    ):
        return None
    out = []
    for finding in required:
        conditional = finding.model_copy()
        conditional._condition = condition[0]
        out.append(conditional)
    return out


def _counted_vetoes(reading: Reading, found: list[CutFinding]) -> list[CutFinding]:
    """'Events containing a photon with E_T > 15 GeV are discarded': the zero count and the
    thresholds of the objects it counts are one cut, no photon above 15 GeV (vetoes.py); the
    thresholds alone are no cut on the selected objects."""
    for count in [
        f
        for f in found
        if f.variable == "count"
        and f.op in ("==", "<", "<=")
        and f.object in COLLECTIONS
        and f.region is None
    ]:
        kinds = {"electron", "muon", "lepton"} if count.object == "lepton" else {count.object}
        counted = [
            f
            for f in found
            if f.object in kinds
            and f.rank is None
            and f.variable in vetoes.FIELDS
            and f.op in (">", ">=", "<", "<=", "between")
            and _counts_in_veto(reading, f)
        ]
        by_kind: dict[str, set[tuple[object, ...]]] = {}
        for f in counted:
            by_kind.setdefault(str(f.object), set()).add(f.key())
        if (
            not counted
            or len({frozenset(bounds) for bounds in _bounds(by_kind)}) > 1
            or _unread_bound_after(reading, counted, found)
            or _failing_counted(reading.text)
            or not _counts_the_vetoed(reading, count, counted)
        ):
            # (an electron above one pT and a muon above another: no one condition of leptons)
            continue
        combined = count.model_copy()
        combined._where = list({_bound(f): f for f in counted}.values())
        found = [
            f
            for f in found
            if f.key() != count.key() and all(f is not c for c in counted)  # (said twice too)
        ] + [combined]
    return found


# "Events containing an electron with pT > 10 GeV or a muon with pT > 5 GeV are rejected": the
# first object a veto names, the "or" opening a second, and the words rejecting the events after
_VETO_OBJECT = re.compile(
    rf"\b(?:an?|any|one)\s+(?:[\w-]+\s+){{0,3}}?(?P<obj>{P.OBJECT_RE.pattern})", re.IGNORECASE
)
# ("a b-tagged jet with pT > 30 GeV, a photon with pT > 22 GeV or a tau with ...": a list)
_OR_OBJECT = re.compile(
    rf"(?:,?\s+or|,)\s+(?=(?:an?|any|one)\s+(?:[\w-]+\s+){{0,3}}?(?:{P.OBJECT_RE.pattern}))",
    re.IGNORECASE,
)
_COMPARED = re.compile(rf"{P.SYMBOL_OP}|\b(?:{P.WORD_OP})\b", re.IGNORECASE)
_OTHER_CLAUSE = re.compile(r"[,;]\s*(?:while|whereas|but|and\s+the|and\s+all)\b|;", re.IGNORECASE)
_REJECTED_AFTER = re.compile(
    r"\s+(?:are|is)\s+(?:then\s+|also\s+)?(?:rejected|vetoed|discarded|removed|excluded)\b",
    re.IGNORECASE,
)


def _vetoes_joined_by_or(sentence: str, quote: str, context: str | None) -> list[CutFinding] | None:
    """'Events containing an electron with pT > 10 GeV or a muon with pT > 5 GeV are rejected':
    two vetoes, each read as a sentence of its own (the events kept have neither); None for any
    other sentence."""
    if not clauses.rejects_events(sentence):
        return None
    first = _VETO_OBJECT.search(sentence)
    if first is None:
        return None
    joins = [
        m
        for m in _OR_OBJECT.finditer(sentence, first.end())
        if balanced(sentence[first.start() : m.start()])
        and _COMPARED.search(sentence, first.end(), m.start())
    ]
    if not joins:
        return None
    rejected = _REJECTED_AFTER.search(sentence, joins[-1].end())
    tail = sentence[rejected.start() :] if rejected else "."
    lead = sentence[: first.start()]
    starts = [first.start()] + [m.end() for m in joins]
    # (the last item ends where another clause begins: "..., a muon with pT > 10 GeV, while the
    # selected jets must have ...")
    other = _OTHER_CLAUSE.search(sentence, joins[-1].end())
    last = rejected.start() if rejected else other.start() if other else len(sentence)
    ends = [m.start() for m in joins] + [last]
    out: list[CutFinding] = []
    for start, end in zip(starts, ends, strict=True):
        part = read(f"{lead}{sentence[start:end].strip().rstrip('.,')}{tail}")
        found = _counted_vetoes(part, _findings_in(part, quote, context))
        if not found:
            return None
        out += found
    return out


def _counts_the_vetoed(reading: Reading, count: CutFinding, counted: list[CutFinding]) -> bool:
    """Whether ``count`` is the veto's count of the objects its thresholds pick: a zero count, or
    the number said just before them ('more than one lepton with pT > 10 GeV ... rejected': at
    most one), not the selection's own count ('exactly two jets, and events containing a jet with
    pT > 20 GeV ... are vetoed')."""
    if (count.op, count.value) in (("==", 0.0), ("<", 1.0), ("<=", 0.0)):
        return True
    for comp in reading.comparisons:
        if not any(comp.quantity == f.variable and comp.value == f.value for f in counted):
            continue
        said = ranks.counted_above(reading.text, comp.position)
        n = int(count.value)  # type: ignore[arg-type]
        if said is not None and said[1] + 1 == n + (1 if count.op == "<=" else 0):
            return True  # "more than one ... rejected": the second one is what is vetoed
    return False


def _bound(finding: CutFinding) -> tuple[object, ...]:
    """A condition of a counted object, whatever its kind: (variable, op, value, abs)."""
    value = tuple(finding.value) if isinstance(finding.value, list) else finding.value
    return (finding.variable, finding.op, value, finding.abs)


def _bounds(by_kind: dict[str, set[tuple[object, ...]]]) -> list[set[tuple[object, ...]]]:
    """The conditions stated for each kind, kind left out (an electron and a muon above the same
    pT state one condition of leptons)."""
    return [{key[1:] for key in keys} for keys in by_kind.values()]


def _failing_counted(sentence: str) -> bool:
    """'a jet with pT > 20 GeV that fails the jet quality criteria', 'bad jets': the veto counts
    only the objects failing a requirement, which no threshold of the objects states."""
    return bool(clauses.FAILING_WORDS.search(sentence))


def _unread_bound_after(
    reading: Reading, counted: list[CutFinding], found: list[CutFinding]
) -> bool:
    """Whether a number just after the counted thresholds is a condition left out: no value of a
    counted threshold or of another object's finding ('a jet with pT > 20 GeV in the region -3.2
    < phi < -2.8': the region, unread; 'a jet with pT > 30 GeV within Delta R < 0.4 of the
    photon': a separation of the counted jets, which the combination cannot hold)."""
    kinds = {f.object for f in counted}
    read_values = {
        float(v)
        for f in found
        if f in counted or f.object not in kinds or f.is_event_level()
        for v in (f.value if isinstance(f.value, list) else [f.value])
    }
    positions = [
        comp.position
        for comp in reading.comparisons
        for f in counted
        if comp.quantity == f.variable and comp.value == f.value
    ]
    tail = reading.text[min(positions) : max(positions) + 50] if positions else ""
    tail = re.sub(r"\[[\d,\s\u2013-]+\]", " ", tail)  # citations ("[52]")
    return any(float(number) not in read_values for number in re.findall(r"-?\d+(?:\.\d+)?", tail))


def _counts_in_veto(reading: Reading, finding: CutFinding) -> bool:
    return any(
        comp.quantity == finding.variable
        and comp.value == finding.value
        and support_clauses.counted_in_veto(reading, comp.position)
        for comp in reading.comparisons
    )


def _in_named_regions(sentence: str, quote: str, context: str | None) -> list[CutFinding] | None:
    """'SR-low requires E_T^miss > 200 GeV and SR-high requires E_T^miss > 350 GeV': each
    region's event-level requirements, as cuts of that region (named_regions.py); None when the
    sentence names no region as the subject of a requirement, or a part reads as no event-level
    requirement."""
    parts = named_regions.split(sentence)
    if not parts:
        return None
    out = []
    for part in parts:
        found = [f for f in _findings_in(read(part.sentence), quote, context) if f.region is None]
        if not part.name:  # the common requirement before the first region's
            out += found
            continue
        event_level = _at_event_level(found, part.sentence, in_region=True)
        if not event_level or not all(f.is_event_level() for f in event_level):
            return None
        out += [f.model_copy(update={"region": part.name}) for f in event_level]
    return out


def _alternative(sentence: str, quote: str, context: str | None) -> list[CutFinding] | None:
    """'at least eight jets with pT > 50 GeV or at least seven jets with pT > 80 GeV': one cut,
    (A) or (B), each alternative read as a sentence of its own and stated at event level (a count
    of objects above a pT is a cut on the pT of the n-th one); None when the sentence is no such
    requirement or an alternative does not read as event-level requirements."""
    parts = alternatives.split(sentence)
    if parts is None:
        return None
    raw = [_without_pair_counts(_findings_in(read(part), quote, context)) for part in parts.parts]
    # an object definition every alternative states ("Photons with E_T > 75 GeV are selected,
    # and events must have H_T > 800 GeV or ...") is the objects', not part of the alternatives
    # (a threshold of counted objects stays the count's: "..., and at least two jets with pT >
    # 50 GeV" after the alternatives is each alternative's second jet)
    counted = {
        (c.kind, c.value)
        for part in parts.parts
        for cs in count_thresholds.counts_above(read(part)).values()
        for c in cs
    }
    common = [
        f
        for f in raw[0]
        if not f.is_event_level()
        and (f.object, _in_gev(f)) not in counted
        and all(f.key() in {g.key() for g in other} for other in raw)
    ]
    taken = {f.key() for f in common}
    read_parts = []
    for part, found_in_part in zip(parts.parts, raw, strict=True):
        found = _at_event_level([f for f in found_in_part if f.key() not in taken], part)
        if not found:
            return None
        read_parts.append(found)
    head = read_parts[0][0].model_copy()
    head._alternatives = read_parts
    # (read as a sentence of its own, its vetoes too: "Events must contain no jets with pT > 30
    # GeV; in addition, ...")
    before = _sentence_findings(read(parts.before), quote, context) if parts.before else []
    return [*before, *common, head]


def _without_pair_counts(found: list[CutFinding]) -> list[CutFinding]:
    """The findings without the count of two objects a charge pair of them already implies ('a
    same-sign lepton pair': a pair of leptons, two of them or more)."""
    paired = {f.object for f in found if f.variable in ("ospair", "sspair")}
    return [
        f
        for f in found
        if not (f.variable == "count" and f.object in paired and (f.op, f.value) == (">=", 2.0))
    ]


def _at_event_level(
    found: list[CutFinding], text: str = "", in_region: bool = False
) -> list[CutFinding] | None:
    """The findings of one alternative (or region) as event-level requirements: 'at least seven
    jets with pT > 80 GeV' is the seventh jet's pT > 80 GeV, 'a tau with pT > 40 GeV' (in
    ``text``) the leading tau's; None when an object cut is anything else."""
    objects = [f for f in found if not f.is_event_level()]
    if any(f.region is not None for f in found):
        return None
    if not objects:
        return found
    kinds = {f.object for f in objects}
    counts = [f for f in found if f.variable == "count" and f.object in kinds]
    if not counts and len(kinds) == 1 and (_ONE_WITH.search(text) or ranks.THE_ONE.search(text)):
        # "a tau with", "the muon must have": the one (leading) object's
        counts = [_count(str(objects[0].object), ">=", 1, objects[0].quote)]
    if (
        in_region
        and len(kinds) == 1
        and not re.search(r"\bor\b", text)
        and len(counts) == 1
        and (counts[0].op, counts[0].value) == ("==", 1)
        and _ONE_WITH.search(text)
        and not re.search(r"\b(?:exactly|only|precisely|single)\b", text, re.IGNORECASE)
    ):
        # ("in the boosted regime one large-R jet with pT > 450 GeV is required": a region
        # cannot redefine the objects; the one object's threshold is the leading one's, and the
        # count of exactly one stays)
        return [f.model_copy(update={"rank": 0}) for f in objects] + [
            f for f in found if f not in objects
        ]
    if (
        len(kinds) != 1
        or len(counts) != 1
        or counts[0].op not in (">=", ">")
        or not all(f.variable == "pt" and f.op in (">", ">=") for f in objects)
    ):
        return None
    n = int(counts[0].value) + (1 if counts[0].op == ">" else 0)  # type: ignore[arg-type]
    if not 1 <= n <= 10:
        return None
    ranked = [f.model_copy(update={"rank": n - 1}) for f in objects]
    rest = [f for f in found if f not in objects and f is not counts[0]]
    return ranked + rest


# one object with a threshold: "a tau with pT > 40 GeV", "one jet having pT above 100 GeV"
_ONE_WITH = re.compile(
    rf"\b(?:an?|one|at\s+least\s+one)\s+(?:[\w-]+\s+){{0,2}}?(?:{P.OBJECT_RE.pattern})\s+"
    r"(?:with|having|of)\b",
    re.IGNORECASE,
)


def _veto_counts(sentence: str, quote: str) -> list[CutFinding]:
    """'events are rejected if they contain a b-tagged jet', 'we veto events with a muon': no
    such object (the kept side already)."""
    return [
        _count(_either_flavour(sentence, match), "==", 0, quote)
        for match in (
            *P.VETO_RE.finditer(sentence),
            *P.EVENTS_DISCARDED_IF_RE.finditer(sentence),
            *P.NEGATED_HAVE_OBJECT_RE.finditer(sentence),  # 'must not contain a b-jet'
        )
        # 'rejected if an additional loose lepton forms ...': beyond the selected ones
        if not _ADDITIONAL.search(match.group(0))
        # 'events with a jet with pT > 50 GeV besides the leading one are vetoed': the second
        and not ranks.BESIDES.search(sentence, match.start(), match.end() + 80)
        # 'we veto events with more than one muon': a number of them (read as a count)
        and not _QUANTIFIED.search(match.group(0))
        # 'we veto events with a third lepton': the n-th one (a ranked cut)
        and not _ORDINAL.search(match.group(0))
    ]


_ORDINAL = re.compile(rf"\b(?:{P.RANK_WORDS})\b", re.IGNORECASE)


_QUANTIFIED = re.compile(
    r"\b(?:more|fewer|less)\s+than\b|\bat\s+(?:least|most)\b|\b(?:a\s+)?(?:minimum|maximum)\s+of\b"
    r"|\bexactly\b|\b(?:two|three|four|five|six|[2-9])\b",
    re.IGNORECASE,
)


def _counts(sentence: str, quote: str) -> list[CutFinding]:
    out: list[CutFinding] = []
    # multiplicities naming bins, categories or correction factors, with no requirement stated
    binning = bool(_BINS.search(sentence) or _CORRECTIONS.search(sentence)) and not (
        P.REQUIREMENT.search(sentence)
    )
    listed = count_phrases.enumerated(sentence) if P.REQUIREMENT.search(sentence) else []
    for en in listed:  # "two, three, or four jets": from two to four
        if not binning and not _disqualified(sentence, en.start):
            out.append(
                CutFinding(
                    object=en.kind,  # type: ignore[arg-type]
                    variable="count",
                    op="between",
                    value=[float(en.low), float(en.high)],
                    quote=quote,
                    description=f"number of {en.kind}s from {en.low} to {en.high}",
                )
            )
    for match in P.COUNT_RE.finditer(sentence):
        if (
            binning
            or _disqualified(sentence, match.start())
            or any(en.start <= match.start("n") < en.end for en in listed)
        ):
            continue
        op, n = P.COUNT_OPS[match.group("q").lower()], P.count_value(match.group("n"))
        if _PAIR.match(sentence, match.end()):
            # 'at least one SS lepton pair': two leptons or more (other leptons may be present)
            if op in ("<", "<="):
                continue
            op, n = ">=", 2 * n
        out.append(_count(_tagged_or_either(sentence, match), op, n, quote))
        also = _AND_COUNT.match(sentence, match.end())
        if also is not None and P.object_of(also) != P.object_of(match):
            # "exactly one electron and one muon": the same word counts the second object too
            out.append(_count(P.object_of(also), op, P.count_value(also.group("n").lower()), quote))
    for match in P.COUNT_SYMBOL_RE.finditer(sentence):
        if binning or _disqualified(sentence, match.start("op")):
            continue  # '>= 4 jets'
        op = "==" if match.group("op") == "=" else match.group("op")
        out.append(_count(P.object_of(match), op, int(match.group("n")), quote))
    for match in P.OR_MORE_RE.finditer(sentence):
        if binning or _disqualified(sentence, match.start()):
            continue  # 'subcategories with zero, one, and two or more b-tagged jets'
        out.append(
            _count(_tagged_or_either(sentence, match), ">=", P.count_value(match.group("n")), quote)
        )
    for match in P.N_SYMBOL_RE.finditer(sentence):
        if binning or _IN_CONTROL_SAMPLE.search(sentence):
            continue  # 'N_b = 1, N_b = 2, N_b >= 3, giving 18 bins', 'the N_jets = 5 control ...'
        out.append(_count(*P.n_symbol(match), quote))
    if _PASSES.search(sentence) and not _CLASSIFIED.search(sentence):
        # (not "the selected four-lepton events are classified into the 4e, 4mu, 2e2mu
        # categories": the events are sorted, not selected, there)
        for match in _N_OBJECT_EVENTS.finditer(sentence):
            if P.names_conditional_events(sentence, match.start(), match.end()):
                continue  # "..., and in two-muon events the dimuon mass must ...": a condition
            out.append(
                _count(P.object_of(match), "==", P.count_value(match.group("n").lower()), quote)
            )
    for veto in count_phrases.no_objects(sentence):
        if not binning and not _disqualified(sentence, veto.position):
            out.append(_count(_either_flavour(sentence, veto.match), "==", veto.n, quote))
    for num in count_phrases.number_of(sentence):
        if not binning and not _disqualified(sentence, num.position):
            out.append(_count(num.kind, num.op, num.n, quote))
    for bare in count_phrases.bare_counts(sentence):
        if not binning and not _disqualified(sentence, bare.position):
            out.append(_count(bare.kind, "==", bare.n, quote))  # "require three leptons"
    for sub in count_phrases.sub_counts(sentence):
        if binning or _disqualified(sentence, sub.position):
            continue
        out.append(_count("bjet", sub.op, sub.n, quote))
        if (
            not sub.outer_stated
        ):  # "two jets, both of which ...": a stated count has its own finding
            out.append(_count("jet", sub.outer_op, sub.outer_n, quote))
    seen: set[tuple[object, ...]] = set()
    unique: list[CutFinding] = []
    for f in out:  # "including at least two b-tagged jets": one count, read by two rules
        key = f.key() if f.variable == "count" else (id(f), None, None)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    out = unique
    for pair in charges.charge_pairs(sentence):
        if binning or _disqualified(sentence, pair.position):
            continue  # "two opposite-sign leptons", "the two muons must have the same charge"
        out.append(
            CutFinding(
                object=pair.kind,  # type: ignore[arg-type]
                variable="ospair" if pair.opposite else "sspair",
                op=Op.ge,
                value=1,
                quote=quote,
                description=f"a pair of {pair.kind}s of "
                + ("opposite" if pair.opposite else "the same")
                + " charge",
            )
        )
    if P.SFOS_RE.search(sentence) and not comparisons.EVERY_SFOS_PAIR.search(sentence):
        # (not 'm_ll > 12 GeV for all SFOS pairs': no pair is required there)
        pairs = 2 if re.search(r"\b(?:two|2)\b[^.]{0,60}pairs", sentence) else 1
        out.append(
            CutFinding(
                object="lepton",
                variable="sfos",
                op=Op.ge,
                value=pairs,
                quote=quote,
                description="same-flavour opposite-sign lepton pair(s)",
            )
        )
    return out


# "exactly one electron and one muon": a second count under the first count word
_AND_COUNT = re.compile(
    rf"{P.BRACKETED_GAP}\s*,?\s+and\s+(?P<n>(?i:{P.NUM_WORD}))\s+(?!(?i:[kMGT]?eV|mm|cm|rad|%|or)\b)"
    rf"(?:[\w-]+\s+){{0,2}}?(?P<obj>{P.OBJECT_RE.pattern})"
)
# 'an electron or a muon', 'muons (electrons)': both flavours
_PAIR = re.compile(r"\s*(?:candidates?\s+)?pairs?\b", re.IGNORECASE)
# a multiplicity symbol naming bins or a control sample, not a requirement of the selection
_ADDITIONAL = re.compile(r"\b(?:additional|extra|second|third|other|further)\b", re.IGNORECASE)
_BINS = re.compile(
    r"\bbins?\b|\bbinned\b|\b(?:sub)?categor(?:y|ies)\b|\b(?:sub)?divided\s+in(?:to)?\b",
    re.IGNORECASE,
)
_CORRECTIONS = re.compile(r"\bcorrections?\b|\bcorrection factors?\b|\bscale factors?\b", re.I)
_IN_CONTROL_SAMPLE = re.compile(
    r"\b(?:control|validation|sideband)\s+(?:samples?|regions?)\b", re.IGNORECASE
)
_OTHER_FLAVOUR = re.compile(
    rf"{P.BRACKETED_GAP}\s+(?:or|and|/)\s+(?:an?\s+|(?<=or\s)one\s+)?(?:electrons?|muons?)\b"
    r"|\s*\(\s*(?:electrons?|muons?)\s*\)",
    re.IGNORECASE,
)


def _tagged_or_either(sentence: str, match: re.Match[str]) -> str:
    """The kind a count counts: b-jets when the jets must be b-tagged ("at least two jets are
    required to be b-tagged"), both flavours for "one electron or muon"."""
    if P.object_of(match) == "jet" and P.B_TAGGED_AFTER.match(sentence, match.end()):
        return "bjet"
    return _either_flavour(sentence, match)


def _either_flavour(sentence: str, match: re.Match[str]) -> str:
    """'exactly one electron or muon' counts leptons of both flavours together, not electrons."""
    kind = P.object_of(match)
    if kind in ("electron", "muon") and _OTHER_FLAVOUR.match(sentence, match.end()):
        return "lepton"
    return kind


# "3424 four-lepton events pass the basic selection criteria": events with that many objects
_N_OBJECT_EVENTS = re.compile(
    rf"\b(?P<n>{'|'.join(w for w in P.NUMBER_WORDS if len(w) > 2)}|\d)-"
    rf"(?P<obj>{P.OBJECT_RE.pattern})\s+events?\b",
    re.IGNORECASE,
)
_CLASSIFIED = re.compile(
    r"\b(?:classified|categori[sz]ed|divided|split|sorted|separated|subdivided)\s+(?:in|into|"
    r"according|by)\b",
    re.IGNORECASE,
)
_PASSES = re.compile(
    r"\b(?:pass(?:es|ed|ing)?|selected|are required|kept|accepted)\b", re.IGNORECASE
)


def _count(kind: str, op: str, n: int, quote: str) -> CutFinding:
    return CutFinding(
        object=kind,
        variable="count",
        op=op,
        value=float(n),
        quote=quote,  # type: ignore[arg-type]
        description=f"number of {kind}s {op} {n}",
    )


def extract_findings(doc: Document) -> list[CutFinding]:
    """All cut findings of the selection-relevant passages of ``doc``, in reading order."""
    found: list[CutFinding] = []
    controls, region = 0, None
    for start, end in relevant_spans(doc):
        context: str | None = None
        for s_start, s_end in sentences(doc.text, start, end):
            raw = doc.text[s_start:s_end]
            reading = (
                read(raw) if len(raw) <= 1500 else None
            )  # one reading per sentence, shared by every rule
            if reading is not None and not any(f.variable in ("btag", "btagged") for f in found):
                btag = clauses.btag_definition(reading.text, squash(raw))
                found += [btag] if btag is not None else []
            if reading is not None:
                found += phrasings.working_points(reading.text, squash(raw))
            if len(raw) > 1500 or not _MAY_STATE_A_CUT.search(raw):
                context = _last_object(raw) or context
                continue
            quote = squash(raw)
            if (
                _numeric_share(quote) > 0.45
                and not _REQUIRES.search(quote)
                and not _SELECTION_LABEL.match(quote)
                and not _SELECTION_LABEL_BEFORE.search(doc.text[max(0, s_start - 40) : s_start])
            ):  # a flattened table of yields or bin edges
                continue
            prepared = reading.text  # type: ignore[union-attr]
            if clauses.states_no_cut(prepared):
                context = _last_object(prepared) or context
                continue
            here = _sentence_findings(reading, quote, context)  # type: ignore[arg-type]
            region, controls = _region_of(prepared, region, controls)
            signal = _SIGNAL_AFTER.search(prepared) if region is not None else None
            if signal is not None:
                # "The validation region VR-1L is defined with ..., while the signal region
                # requires m_T > 150 GeV": the region's cuts, then the signal selection's
                head = read(prepared[: signal.start()].rstrip(" ,") + ".")
                tail = read(f"Events must have {prepared[signal.end() :].strip()}")
                here = [
                    f.model_copy(update={"region": region})
                    for f in _sentence_findings(head, quote, context)
                ] + _sentence_findings(tail, quote, context)
            elif region is not None:
                here = [f.model_copy(update={"region": region}) for f in here]
            found += here
            context = _last_object(prepared) or context
    return _counted_above_the_definition(found)


# the signal region's requirements after a control region's: "..., while the signal region
# requires m_T > 150 GeV"
_SIGNAL_AFTER = re.compile(
    r",?\s*\b(?:while|whereas|but|and)\s+the\s+signal\s+regions?\s+(?:\w+\s+)?(?:requires?"
    r"|is\s+defined\s+by|demands?|selects?|needs?)\s+",
    re.IGNORECASE,
)


def _sentence_findings(reading: Reading, quote: str, context: str | None) -> list[CutFinding]:
    """The findings of one sentence: its regions, alternatives, conditions, vetoes, or plain
    cuts."""
    sentence = reading.text
    for rule in (
        _requirement_then_veto,
        _in_named_regions,
        _alternative,
        _conditional,
        _vetoes_joined_by_or,
    ):
        found = rule(sentence, quote, context)
        if found is not None:
            return found
    return _counted_vetoes(reading, _findings_in(reading, quote, context))


# a second main clause rejecting events after a requirement: "The leading photon must have E_T >
# 145 GeV; events with an additional photon with E_T > 50 GeV are vetoed"
_THEN_REJECTED = re.compile(r";\s*(?=(?:any\s+|all\s+)?events?\b)|,\s*and\s+(?=events?\s+with\b)")


def _requirement_then_veto(
    sentence: str, quote: str, context: str | None
) -> list[CutFinding] | None:
    """The requirement and the veto of a sentence stating both, each read as a sentence of its
    own (the rejected events' reading inverts only the veto); an 'additional' object of the veto
    is the next in pT after those the requirement selected (ranks.additional_as_rank). None for
    any other sentence."""
    split = _THEN_REJECTED.search(sentence)
    if split is None:
        return None
    first, second = sentence[: split.start()], sentence[split.end() :]
    if (
        clauses.rejects_events(first)
        or not clauses.rejects_events(second)
        # (not a veto naming what the requirement said: "events with more than two such jets")
        or re.search(r"\b(?:such|these|those|them|they|ones)\b", second, re.IGNORECASE)
        # (nor one of a region, channel or sample the sentence opens with)
        or any(
            c.kinds & {"category", "control", "efficiency", "trigger"}
            for c in read(sentence).clauses
        )
    ):
        return None
    second = ranks.additional_as_rank(first, second)
    return [
        *_sentence_findings(read(f"{first}."), quote, context),
        *_sentence_findings(read(second[0].upper() + second[1:]), quote, context),
    ]


def _counted_above_the_definition(found: list[CutFinding]) -> list[CutFinding]:
    """'Jets must have pT > 30 GeV. ... at least four jets with pT > 40 GeV': the jets are the
    ones above 30 GeV (another sentence's definition), and the count above 40 GeV is the pT of
    the fourth jet, not a second definition of the jets and a count of them (the two together
    would make every jet of the analysis one above 40 GeV)."""
    by_quote: dict[str, list[CutFinding]] = {}
    for f in found:
        by_quote.setdefault(f.quote, []).append(f)
    counted: dict[str, list[count_thresholds.CountedAbove]] = {
        quote: [c for cs in count_thresholds.counts_above(read(quote)).values() for c in cs]
        for quote in by_quote
    }
    defined: dict[str, list[tuple[str, float]]] = {}  # kind -> (quote, value) of its definition
    for f in found:
        if (
            f.variable == "pt"
            and f.rank is None
            and f.region is None
            and f.op in (">", ">=")
            and isinstance(f.value, (int, float))
            and not any(c.kind == f.object and c.value == _in_gev(f) for c in counted[f.quote])
        ):
            defined.setdefault(f.object, []).append((f.quote, float(_in_gev(f))))  # type: ignore[arg-type]
    drop: set[int] = set()
    ranked: dict[int, CutFinding] = {}
    for quote, said in counted.items():
        for count in said:
            lower = [v for q, v in defined.get(count.kind, []) if q != quote and v < count.value]
            if count.op != ">=" or not lower:
                continue
            flat = _flat_lower_pt(
                [f for f in by_quote[quote] if id(f) not in drop], count.kind, count.value
            )
            counts = [
                f
                for f in by_quote[quote]
                if f.object == count.kind
                and f.variable == "count"
                and (f.op, f.value) == (">=", count.n)
            ]
            if len(flat) != 1 or len(counts) != 1:
                continue
            ranked[id(flat[0])] = flat[0].model_copy(update={"rank": count.n - 1})
            drop.add(id(counts[0]))
    return [ranked.get(id(f), f) for f in found if id(f) not in drop]


def _region_of(sentence: str, previous: str | None, controls: int) -> tuple[str | None, int]:
    """The control region a sentence's cuts belong to (a new one, or the previous one continued by
    'These events must also have ...'), and the number of control regions so far."""
    if clauses.defines_control_region(sentence):
        return f"control_{controls + 1}", controls + 1
    if previous is not None and clauses.continues_region(sentence):
        return previous, controls
    return None, controls


# a sentence without a number may still state a count ('events with one or more veto leptons are
# rejected', 'no b-tagged jets')
_MAY_STATE_A_CUT = re.compile(
    r"\d|opposite|same|\b(?:OS|SS)\b|\bcharges?\b|\bor more\b|\bno\b|\bzero\b|\breject|\bveto"
    r"|\b(?:of|among) (?:which|them|these)\b|\bincluding\b|\bor (?:two|three|four|five|six)\b"
    r"|\bnot\s+(?:have|contain|include)\b|\bbetween (?:one|two|three|four)\b"
    # the number of objects as the subject ("the number of jets must not exceed five")
    r"|\b(?:number|multiplicity)\b"
    # a bare number of objects required ("require three leptons", "a single lepton is required")
    r"|\b(?:single|one|two|three|four|five|six)\s+(?:[\w-]+\s+){0,3}?(?:leptons?|electrons?|muons?"
    r"|jets?|b-?jets?|photons?|taus?)\b"
    # the count words ("at least", "a maximum of", "no fewer than", ...)
    + "".join(rf"|\b{word}\b" for word in P.COUNT_OPS if word != "only"),
    re.IGNORECASE,
)
_REQUIRES = re.compile(r"\b(?:must|require[sd]?|requiring|satisfy|satisfies)\b")
# "Preselection: N_lep = 1, N_jet >= 4, ...", "Baseline selection: ...": a labelled list of cuts
_LABEL = (
    r"(?:(?:event\s+|baseline\s+|common\s+)?pre-?selection|baseline(?:\s+selection)?"
    r"|event\s+selection)"
)
_SELECTION_LABEL = re.compile(rf"^\s*(?:{_LABEL}|selection)\s*:", re.IGNORECASE)
# the label ending the text before a sentence ("Preselection:" split from its list)
_SELECTION_LABEL_BEFORE = re.compile(rf"\b{_LABEL}\s*:\s*$", re.IGNORECASE)


def _numeric_share(text: str) -> float:
    tokens = text.split()
    if len(tokens) < 12:
        return 0.0
    return sum(bool(re.fullmatch(r"[-+<>=\u00b1\u2264\u2265(),.\d^_%]+", t)) for t in tokens) / len(
        tokens
    )


def _last_object(text: str) -> str | None:
    """The object a pronoun in the next sentence stands for: the sentence's subject, the first
    named, with the kinds named with it ('Electrons and muons must be isolated. They ...':
    'electron,muon'; 'Taus are reconstructed from jets. Their ...': 'tau')."""
    text = P.asciify(text)
    return ",".join(P.subject_kinds(text, _objects(text))) or None

"""The support check: does the quoted clause say what the cut says?

Grounding shows that the quote exists and holds the cut's numbers. This check, independent of
whichever extractor proposed the cut (rules or a model), reads the quote (:mod:`reading`) and
confirms that

(a) the object or quantity named where the number stands is the cut's object and variable,
(b) the comparison direction and the value bind to that quantity in that clause (not to a sum
    such as ``m_T^W + E_T^miss``),
(c) the polarity agrees: a clause saying what is rejected, vetoed, removed or discarded states
    the opposite of the cut the kept objects or events satisfy,
(d) the clause is a selection, not a histogram range or binning, a trigger, efficiency or
    calibration statement, a control sample (unless the cut belongs to that region), a condition
    ("for jets with pT < 50 GeV") or the definition of another object (isolation cones, overlap
    removal).

A verified cut failing any of these becomes ``unverified``; the reason goes into
``grounding.reason``, which the review pages show.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from pipeline.extract import patterns as P
from pipeline.extract import ranks
from pipeline.extract.clauses import joined_by_or, rejects_events
from pipeline.extract.findings import OBJECT_VARIABLES, canonical
from pipeline.extract.reading import Reading, control_context, read
from pipeline.parse.document import Document
from pipeline.selection.models import Cut, SelectionList, Status

_DIRECTION = {
    ">": "lower",
    ">=": "lower",
    "<": "upper",
    "<=": "upper",
    "==": "eq",
    "!=": "ne",
    "between": "range",
    "outside": "outside",
    "in": "in",
}
_INVERSE = {
    "lower": "upper",
    "upper": "lower",
    "eq": "ne",
    "ne": "eq",
    "range": "outside",
    "outside": "range",
}
_KIND_OF_COLLECTION = {
    "electrons": "electron",
    "muons": "muon",
    "leptons": "lepton",
    "jets": "jet",
    "bjets": "bjet",
    "photons": "photon",
    "taus": "tau",
    "tracks": "track",
}
_SAME_QUANTITY = {"ip": {"d0", "z0"}, "jetmass": {"m"}, "mass": {"m", "mass"}}
_FLAGS = {"btag", "id_loose", "id_medium", "id_tight"}
_SPOKEN = {"mtmet": "the sum m_T + MET", "zwindow": "the distance of a pair mass from the Z mass"}
_NOT_A_SELECTION = {
    "histogram": "the clause is a histogram range or binning, not a selection",
    "trigger": "the clause describes a trigger, not an offline selection",
    "efficiency": (
        "the clause states an efficiency, resolution, scale factor or uncertainty, not a selection"
    ),
    "calibration": (
        "the clause describes a calibration, correction or the simulation, not a selection"
    ),
    "control": "the clause defines a control/validation sample, not the signal selection",
    "signature": "the clause describes the signal signature or a decay, not a selection",
    "category": (
        "the clause states the requirement of one event category only, not of the whole selection"
    ),
    "cone": (
        "the number is the size of an isolation cone (a definition of the isolation), not a "
        "cut on the object"
    ),
    "overlap": "the clause describes overlap removal between objects, not a cut on one object",
}
# "The ISR system p_T is required to exceed 250 GeV": a property of a system of objects, not of one
# object
_SYSTEM = re.compile(
    r"\b(?:\w+\s+)?(?:system|recoil|vector sum|scalar sum)\b(?!\s+of\s+(?:the\s+)?(?:selected"
    r"|all))",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"^\s*(?:they|these|those|them|it|such|candidates?|objects?|each|both)\b", re.IGNORECASE
)
_COUNT_DIRECTION = {
    "at least": "lower",
    "or more": "lower",
    "more than": "lower",
    "exactly": "eq",
    "only": "eq",
    "precisely": "eq",
    "at most": "upper",
    "no more than": "upper",
    "fewer than": "upper",
}
_ANY_OBJECT = "(?:" + "|".join(pat for _, pat in P.OBJECTS) + ")"
_COUNT_WORD = "|".join(["\\d+", *P.NUMBER_WORDS])
_COUNT_PHRASE = re.compile(
    r"(?:(?P<q>at least|exactly|at most|no more than|more than|fewer than|only"
    rf"|precisely)\s+)?(?P<n>{_COUNT_WORD})(?:\s+"
    rf"|-)(?P<more>or more\s+)?(?:[\w-]+\s+){{0,3}}?(?P<obj>{_ANY_OBJECT})(?P<either>\s+(?:or|and"
    rf"|/)\s+(?:an?\s+)?(?P<obj2>{_ANY_OBJECT}))?",
    re.IGNORECASE,
)


# nth(sort_desc(pt(jets)), 0) > 100; abs(nth(eta(sorted_by_pt(photons)), 0)) < 1.44
_NTH = (
    r"(?:abs\()?nth\((?:sort_desc\((?P<f1>\w+)\((?P<c1>\w+)\)\)|(?P<f2>\w+)\(sorted_by_pt\("
    r"(?P<c2>\w+)\)\)),\s*(?P<i>\d)\)\)?"
)
_RANKED_CUT = re.compile(rf"{_NTH}\s*(?P<op>>=|<=|>|<)\s*(?P<v>-?[\d.]+)")
_RANKED_RANGE = re.compile(rf"(?P<lo>-?[\d.]+)\s*<=?\s*{_NTH}\s*<=?\s*(?P<hi>-?[\d.]+)")


@dataclass(frozen=True)
class Claim:
    """What a cut asserts, in the terms the check reads a sentence in."""

    kind: str  # object kind or 'event'
    quantity: str  # pt, eta, count, met, m12 ...; 'expr' when only its numbers can be checked
    direction: str
    values: tuple[float, ...]
    rank: int | None = None  # the cut is on the n-th object by pT (nth(sort_desc(...), n))


def claim_of(cut: Cut, kinds: dict[str, str]) -> Claim | None:
    """The claim of ``cut`` (None: a cut stated only in words, nothing to check)."""
    kind = kinds.get(cut.target or "", "event")
    if cut.variable is not None and cut.op is not None and cut.value is not None:
        values = tuple(cut.value) if isinstance(cut.value, list) else (cut.value,)
        return Claim(
            kind,
            cut.variable,
            _DIRECTION.get(str(cut.op), str(cut.op)),
            tuple(float(v) for v in values),
        )
    if not cut.expr:
        return None
    count = re.fullmatch(
        r"count\((?:sfos_pairs\()?(\w+)\)?\)\s*(>=|<=|==|!=|>|<)\s*(-?[\d.]+)", cut.expr.strip()
    )
    if count:
        quantity = "sfos" if "sfos_pairs" in cut.expr else "count"
        return Claim(
            kinds.get(count.group(1), "other"),
            quantity,
            _DIRECTION[count.group(2)],
            (float(count.group(3)),),
        )
    ranked = _RANKED_CUT.fullmatch(cut.expr.strip()) or _RANKED_RANGE.fullmatch(cut.expr.strip())
    if ranked:
        groups = ranked.groupdict()
        return Claim(
            kinds.get(ranked.group("c1") or ranked.group("c2"), "other"),
            ranked.group("f1") or ranked.group("f2"),
            _DIRECTION[groups["op"]] if groups.get("op") else "range",
            (float(groups["v"]),)
            if groups.get("v")
            else (float(groups["lo"]), float(groups["hi"])),
            rank=int(ranked.group("i")),
        )
    ratio = re.fullmatch(r"ptcone30 / pt\s*(<=|<)\s*(-?[\d.]+)", cut.expr.strip())
    if ratio:
        return Claim(kind, "reliso", "upper", (float(ratio.group(2)),))
    numbers = tuple(
        float(n)
        for n in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?", cut.expr)
        if float(n) not in (0.0, 91.1876)
    )
    return Claim(kind, "expr", "", numbers)


def _same_value(want: float, have: float, unit: str | None) -> bool:
    converted, _ = canonical(have, unit) if unit else (have, None)
    return any(math.isclose(want, float(v), rel_tol=1e-6, abs_tol=1e-9) for v in (have, converted))  # type: ignore[arg-type]


def _values(comp) -> list[float]:  # type: ignore[no-untyped-def]
    value = comp.value if isinstance(comp.value, list) else [comp.value]
    return [*value, *([comp.alt] if comp.alt is not None else []), *(comp.extra or [])]


def _quantity_ok(claim: Claim, comp_quantity: str) -> bool:
    if claim.quantity == comp_quantity:
        return True
    if claim.quantity in _SAME_QUANTITY.get(comp_quantity, set()):
        return True
    if claim.kind == "event" and claim.quantity.startswith("m") and comp_quantity.startswith("m"):
        return comp_quantity in ("mass", claim.quantity) or claim.quantity == "mass"
    return False


def _object_ok(claim: Claim, r: Reading, position: int, after: str) -> str | None:
    """None when the clause names the claim's object; else why not."""
    if claim.kind in ("event", "other"):
        return None
    system = _SYSTEM.search(r.text[max(0, position - 40) : position])
    if system is not None:
        return f"the quantity belongs to the {system.group(0)}, not to one {claim.kind}"
    clause = r.clause_at(position)
    objects = _named_objects(r)
    named = [k for pos, k in objects if clause.start <= pos < clause.end]
    if not named and _RELATIVE.match(r.text[clause.start : clause.end]):
        # "..., and isolated charged-hadron PF candidates, which must satisfy pT > 15 GeV": a
        # relative clause speaks of the noun just before it
        named = [k for pos, k in objects if pos < clause.start][-1:]
    named = named or [k for pos, k in objects if pos < clause.end]
    for_match = re.match(
        rf"^\s*(?:\w+\s+){{0,3}}?for\s+(?:the\s+|all\s+)?(?:\w+\s+)?(?P<obj>{P.OBJECT_RE.pattern})",
        after[:60],
        re.IGNORECASE,
    )
    alternative = (
        re.match(rf"\s*\((?P<obj>{_ANY_OBJECT})\)", after[for_match.end() :], re.IGNORECASE)
        if for_match
        else None
    )
    if (
        "respectively" in r.text
    ):  # "... for electrons and muons, respectively": each value to its own object
        named = [kind for _, kind in objects]
    elif for_match is not None:  # "pT > 30 (25) GeV for electrons (muons)": both
        named = [P.object_of(for_match)] + (
            [P.object_of(P.OBJECT_RE.search(alternative.group("obj")))]  # type: ignore[arg-type]
            if alternative
            else []
        )
    accepted = _accepted(claim)
    if (
        not named and r.context_objects
    ):  # "They are required to ...": the object of the sentence before
        named = r.context_objects[-1:]
    if not named:
        return None if _PRONOUN.match(r.text) else f"the quote names no {claim.kind}"
    if accepted & set(named):
        return None
    return f"the clause speaks of {', '.join(dict.fromkeys(named))}, not of {claim.kind}s"


# particle-flow candidates are tracks, whatever particle they are taken for: "isolated
# charged-hadron PF candidates", "for hadron or lepton particle-flow candidates"
_PF_CANDIDATE = re.compile(
    r"\b(?:charged[- ])?(?:hadrons?|leptons?|electrons?|muons?)?[- ]?(?:PF|particle[- ]flow)\s+"
    r"candidates?\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"^\W*(?:which|that|who)\b", re.IGNORECASE)


def _named_objects(r: Reading) -> list[tuple[int, str]]:
    """The objects the sentence names, (offset, kind), with particle-flow candidates read as
    tracks (the shared reading takes 'lepton PF candidates' for leptons)."""
    spans = [(m.start(), m.end()) for m in _PF_CANDIDATE.finditer(r.text)]
    objects = [(pos, k) for pos, k in r.objects if not any(a <= pos < b for a, b in spans)]
    return sorted(objects + [(a, "track") for a, _ in spans])


def _rank_problem(claim: Claim, r: Reading, comp) -> str | None:  # type: ignore[no-untyped-def]
    """A cut on every object read from a clause about the leading (third, ...) one, or a cut on
    the n-th object that the clause does not rank so."""
    if claim.kind in ("event", "other") or "#" in claim.quantity:
        return None
    bound = ranks.ranked(r.text, comp)
    if bound is not None and bound.kind is not None and not _accepted(claim) & {bound.kind}:
        bound = None  # the rank is of other objects ("the leading jet ..., muons with ...")
    if bound is None:
        if claim.rank is None:
            return None
        return (
            f"the cut is on the {ranks.ordinal(claim.rank)} {claim.kind} only, but the clause "
            f"states no rank: it applies to every {claim.kind}"
        )
    phrase = bound.phrase.strip()
    if claim.rank is None:
        return f"the clause ranks the objects ({phrase}), but the cut applies to every {claim.kind}"
    stated = sorted({rank for rank, value in bound.pairs or () if _same_values(claim, value)})
    if bound.pairs is not None and claim.rank not in stated:
        said = " or ".join(ranks.ordinal(k) for k in stated) or "another"
        return (
            f"the clause binds {_fmt(claim.values)} to the {said} {claim.kind} ({phrase}), the "
            f"cut to the {ranks.ordinal(claim.rank)}"
        )
    return None


def _same_values(claim: Claim, value: float | tuple[float, ...]) -> bool:
    values = value if isinstance(value, tuple) else (value,)
    return len(values) == len(claim.values) and all(
        math.isclose(a, b, rel_tol=1e-6) for a, b in zip(values, claim.values, strict=True)
    )


def _accepted(claim: Claim) -> set[str]:
    """The object kinds a clause may name for a cut on ``claim.kind`` objects."""
    accepted = {claim.kind} | ({"lepton"} if claim.kind in ("electron", "muon") else set())
    accepted |= {"electron", "muon"} if claim.kind == "lepton" else set()
    return accepted | ({"jet"} if claim.kind == "bjet" else set())


# "pT > 185 or 80 GeV for the non-boosted or boosted categories, respectively"
_PER_CATEGORY = re.compile(
    r"^\W*(?:GeV|TeV|MeV|rad|mm|cm)?\s*(?:,\s*)?(?:for|in)\s+the\s+[^.;]{0,60}?"
    r"\b(?:categor(?:y|ies)|regions|channels|selections)\b[^.;]{0,12}\brespectively\b",
    re.IGNORECASE,
)


def _check_comparison(claim: Claim, r: Reading, in_region: bool) -> str | None:
    """None when some comparison of the quote supports the claim; else the most telling reason."""
    reasons: list[str] = []
    for comp in r.comparisons:
        if not all(any(_same_value(v, h, comp.unit) for h in _values(comp)) for v in claim.values):
            continue
        if not _quantity_ok(claim, comp.quantity):
            named = _SPOKEN.get(comp.quantity, comp.quantity)
            reasons.append(
                f"the number(s) {_fmt(claim.values)} bind to {named}, not to {claim.quantity}"
            )
            continue
        reason = _clause_problem(r, comp.position, in_region, claim)
        if (
            reason is None
            and r.compound_before(comp.position)
            and comp.quantity not in ("reliso", "d0sig")
        ):
            reason = (
                f"the number is compared with a sum or product ending in {comp.quantity}, "
                f"not with {comp.quantity} alone"
            )
        if (
            reason is None
            and (comp.alt is not None or comp.extra)
            and _PER_CATEGORY.match(comp.after)
        ):
            reason = (
                "the values are alternatives for different event categories ('for the A or B "
                "categories, respectively'), not one cut of the whole selection"
            )
        if reason is None:
            reason = _direction_problem(claim, r, comp)
        if reason is None and not (comp.index_kind and comp.index_kind in _accepted(claim)):
            reason = _object_ok(claim, r, comp.position, comp.after)  # pT,l1 names its lepton
        if reason is None:
            reason = _rank_problem(claim, r, comp)
        if reason is None:
            return None
        reasons.append(reason)
    if reasons:
        return reasons[0]
    if _TABLE_ROW.match(r.text):
        return _check_table_row(claim, r)
    for position in _number_positions(claim.values[:1], r):
        problem = _clause_problem(r, position, in_region, claim)
        if problem is not None:
            return problem
    if _in_condition_text(claim, r):
        return (
            f"{_fmt(claim.values)} appears only in a condition ('for ... with', 'if ...'), "
            "which qualifies another statement"
        )
    return f"no comparison of {claim.quantity} with {_fmt(claim.values)} is stated in the quote"


# a row of a flattened object table: "b-tagged jets >25 < 2.4" (the columns name the quantities)
_TABLE_ROW = re.compile(r"^\s*[A-Za-z][\w\s()-]{0,40}?(?:\s*(?:>=|<=|>|<)\s*-?\d+(?:\.\d+)?)+\s*$")


def _check_table_row(claim: Claim, r: Reading) -> str | None:
    """The row names the claim's object and has a cell with its value and direction."""
    cells = re.findall(r"(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)", r.text)
    if not any(
        _DIRECTION[op] == claim.direction and math.isclose(float(v), claim.values[0])
        for op, v in cells
    ):
        return f"no table cell states {claim.direction} bound {_fmt(claim.values)}"
    named = {kind for _, kind in r.objects}
    if claim.kind not in named and not (claim.kind in ("electron", "muon") and "lepton" in named):
        return (
            f"the table row is about {', '.join(sorted(named)) or 'no object'}, not {claim.kind}s"
        )
    return None


def _number_positions(values: tuple[float, ...], r: Reading) -> list[int]:
    return [
        m.start()
        for m in re.finditer(P.NUM, r.text)
        if any(
            math.isclose(abs(float(m.group())), v) or _same_value(v, float(m.group()), "mev")
            for v in values
        )
    ]


def _in_condition_text(claim: Claim, r: Reading) -> bool:
    for a, b in r.conditions:
        numbers = [float(n) for n in re.findall(P.NUM, r.text[a:b])]
        if claim.values and all(any(math.isclose(v, n) for n in numbers) for v in claim.values):
            return True
    return False


_TRIGGER_BEFORE = re.compile(r"\btrigger|\bHLT\b|\bhigh-level trigger", re.IGNORECASE)
_POINTS_BACK = re.compile(
    r"^\s*(?:The (?:first|second|third|other|former|latter)|It|This|These|They)\b"
)
_OTHER_OBJECTS = re.compile(
    r"\bveto\b|\breferred to as\b|\blooser\b|\bloose\W+(?:isolation|selection|criteri)"
    r"|\bis defined as\b|\badditional (?:loose )?(?:leptons?|electrons?|muons?)\b",
    re.IGNORECASE,
)


# "events are rejected if an additional loose lepton forms an OSSF pair ... with an invariant mass
# less than 12 GeV": the mass is of a pair with an object beyond the selected ones
_WITH_ADDITIONAL = re.compile(
    r"\b(?:an?\s+)?(?:additional|another|extra|further)\s+(?:[\w-]+\s+){0,2}?(?:leptons?"
    r"|electrons?|muons?|photons?|jets?|tracks?)\b[^;]{0,120}\b(?:forms?|forming|pairs?|with)\b",
    re.IGNORECASE,
)
# the events of one category as the subject: "One-lepton events with ...", "Zero-lepton events"
_CATEGORY_EVENTS = re.compile(
    r"^\W*(?:zero|one|two|three|four|single|di|tri|multi|\d)-?(?:lepton|photon|jet|muon|electron"
    r"|tau|b-?jet)s?\s+events\b",
    re.IGNORECASE,
)


def _clause_problem(r: Reading, position: int, in_region: bool, claim: Claim) -> str | None:
    clause = r.clause_at(position)
    if (
        claim.quantity not in ("count", "sfos")
        and claim.kind != "event"
        and _OTHER_OBJECTS.search(r.text[clause.start : clause.end])
    ):
        return (
            "the clause defines other objects (veto, loose or additional ones), not the "
            "selected objects"
        )
    if claim.kind == "event" and _WITH_ADDITIONAL.search(r.text[clause.start : position]):
        return (
            "the quantity is of a pair or system formed with an additional object (beyond the "
            "selected ones), not of the selected objects"
        )
    kinds = set(clause.kinds)
    if r.context_control and (
        claim.kind == "event" or claim.quantity in ("count", "sfos") or claim.rank is not None
    ):  # a cut on the n-th object is an event requirement
        # "We perform a cross check using a CR enriched in Z -> ll events. ... Events must have
        # no b-tagged jets": event requirements of a paragraph defining a control sample are that
        # sample's (object definitions there are usually shared with the signal selection)
        kinds.add("control")
    if "categories" in kinds or (
        _CATEGORY_EVENTS.match(r.text) and (r.context_category or "categor" in r.text.lower())
    ):  # "One-lepton events with fewer than 4 jets are not considered" (paragraph on categories)
        kinds.add("category")
    kinds -= {"control", "category"} if in_region else set()
    if claim.quantity in _FLAGS:
        kinds &= {"histogram", "trigger"}
    if claim.quantity != "dr":
        kinds -= {"cone"}
    if _TRIGGER_BEFORE.search(r.context_tail) and _POINTS_BACK.match(r.text):
        return (
            "the sentence goes on describing the trigger of the sentence before, not an "
            "offline selection"
        )
    for name in (
        "histogram",
        "trigger",
        "efficiency",
        "calibration",
        "control",
        "signature",
        "category",
        "cone",
        "overlap",
    ):
        if name in kinds:
            return _NOT_A_SELECTION[name]
    if r.in_condition(position):
        return (
            "the comparison is a condition ('for ... with', 'if ...') qualifying another "
            "statement, not a cut"
        )
    return None


def _direction_problem(claim: Claim, r: Reading, comp) -> str | None:  # type: ignore[no-untyped-def]
    stated = _DIRECTION.get(comp.op, comp.op)
    rejects = r.clause_at(comp.position).rejects or _rejected_subject(r, comp.position)
    rejects = rejects and stated != "outside"  # an excluded interval is read as 'outside' already
    kept = _INVERSE.get(stated, stated) if rejects else stated
    if claim.direction == kept:
        return _joint_rejection(claim, r, comp) if rejects else None
    if rejects and claim.direction == stated:
        return (
            f"polarity: the clause says what satisfies {comp.quantity} {comp.op} "
            f"{_fmt(claim.values)} is rejected/removed, but the cut keeps it"
        )
    return (
        f"direction: the quote states {comp.quantity} {comp.op}, the cut is {claim.direction} bound"
    )


_JOINT = (
    "the clause rejects events meeting several conditions together (A and B): the kept events "
    "fail one of them"
)


def _joint_rejection(claim: Claim, r: Reading, comp) -> str | None:  # type: ignore[no-untyped-def]
    """'Events are rejected if A and B': the kept events satisfy not-A *or* not-B, so neither
    inverted condition alone is a cut of the selection ('if A or B' inverts cut by cut)."""
    if claim.kind != "event" or not rejects_events(r.text):
        return None
    together = [
        c.position
        for c in r.comparisons
        if c.quantity not in OBJECT_VARIABLES | {"ip"} and r.clause_at(c.position).rejects
    ]
    if comp.position not in together or len(together) < 2 or joined_by_or(r.text, together):
        return None
    return f"{_JOINT}, not necessarily this one, so the inverted condition alone is not a cut"


def _rejected_subject(r: Reading, position: int) -> bool:
    """'Events with ... > X, ..., are rejected': the verb comes after the clause holding the
    number."""
    return rejects_events(r.text) and bool(
        re.search(r"\b(?:rejected|vetoed|discarded|removed|excluded)\b", r.text[position:])
    )


def _check_count(claim: Claim, r: Reading, in_region: bool) -> str | None:
    reasons: list[str] = []
    if claim.values == (0.0,) and claim.direction == "eq":
        for pos, kind in r.objects:
            counted = _COUNTED_BEFORE.search(r.text[max(0, pos - 30) : pos])
            if (
                (kind == claim.kind or claim.kind == "lepton" and kind in ("electron", "muon"))
                and r.clause_at(pos).rejects
                and counted is None
            ):
                return _clause_problem(r, pos, in_region, claim)
        reasons.append(f"no veto of {claim.kind}s is stated in the quote")
    for match in _COUNT_PHRASE.finditer(r.text):
        n = P.count_value(match.group("n").lower())
        if not math.isclose(n, claim.values[0]):
            continue
        kinds = {P.object_of(P.OBJECT_RE.search(match.group("obj")))}  # type: ignore[arg-type]
        if match.group("obj2"):
            second = P.OBJECT_RE.search(match.group("obj2"))
            kinds.add(P.object_of(second))  # type: ignore[arg-type]
        problem = _count_problem(claim, kinds, match, r, in_region)
        if problem is None:
            return None
        reasons.append(problem)
    reasons.sort(
        key=lambda why: (why.startswith("no "), why.startswith(("direction", "the count is of")))
    )  # the most specific first: what the clause is, then what it counts, then what is missing
    return (
        reasons[0]
        if reasons
        else f"no count of {claim.kind}s equal to {_fmt(claim.values)} is stated in the quote"
    )


_ADDITIONAL = re.compile(r"\b(?:additional|further|extra|other)\b", re.IGNORECASE)
# "events with fewer than 4 jets are not considered": a number of objects is rejected, not every
# such object
_COUNTED_BEFORE = re.compile(
    r"(?:\d|\b(?:two|three|four|more|fewer|less|than|least|most|additional|second|third))"
    r"\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_NO_AS_COUNT = re.compile(
    r"(?:\b(?:and|with|have|has|having|contain|containing|requires?|required)|,)\s*$"
)


def _count_problem(
    claim: Claim, kinds: set[str], match: re.Match[str], r: Reading, in_region: bool
) -> str | None:
    if match.group("n").lower() == "no" and not _NO_AS_COUNT.search(r.text[: match.start("n")]):
        return "'no' here does not state a number of objects ('to ensure that no photon ...')"
    if re.match(r"\s*(?:\w+\s+)?pairs?\b", r.text[match.end() :]):
        return "the number counts pairs, not objects"
    if _ADDITIONAL.search(r.text[match.end("n") : match.start("obj")]):
        # "the leading jet ... and at least one additional jet": the count leaves out the objects
        # named before, so it is not the number of all of them
        return (
            f"the count is of additional {claim.kind}s beyond those already named, not of all "
            f"{claim.kind}s"
        )
    if len(kinds) > 1 and claim.kind != "lepton":
        return f"the count is over {' or '.join(sorted(kinds))} together, not {claim.kind}s alone"
    if claim.kind not in kinds and not (
        claim.kind == "lepton" and kinds <= {"electron", "muon", "lepton"}
    ):
        return f"the count is of {', '.join(sorted(kinds))}, not of {claim.kind}s"
    word = (match.group("q") or "").lower()
    stated = "lower" if match.group("more") else _COUNT_DIRECTION.get(word, "eq")
    if r.clause_at(match.start()).rejects or _rejected_subject(r, match.start()):
        stated = _INVERSE.get(stated, stated)  # "events with fewer than 4 jets are not considered"
    if stated != claim.direction:
        return (
            f"direction: the quote says {word or 'the number'} {match.group('n')}, the cut is "
            f"a {claim.direction} bound"
        )
    if r.in_condition(match.start()) or re.search(
        r"(?<!selected )(?<!accepted )(?<!rejected )(?<!vetoed )"
        r"\b(?:if|when|whenever|unless)\s+(?:there\s+(?:are|is)\s+)?$",
        r.text[max(0, match.start() - 30) : match.start()],
    ):
        return (
            "the count is a condition ('if there are ...') qualifying another statement, not "
            "a requirement"
        )
    return _clause_problem(r, match.start(), in_region, claim)


def _check_expr(claim: Claim, r: Reading, in_region: bool) -> str | None:
    """A cut only an expression states (a phrasing of its own): its numbers in one selection
    clause."""
    for clause in r.clauses:
        numbers = [float(n) for n in re.findall(P.NUM, r.text[clause.start : clause.end])]
        if all(any(math.isclose(v, n) for n in numbers) for v in claim.values):
            return _clause_problem(r, clause.start, in_region, claim) if clause.kinds else None
    return None  # numbers spread over clauses: grounding has already found them in the quote


_SENTENCE_END = re.compile(r"[.;:]\s+(?=[A-Z(\[\u2022])|\n\s*\n|\u2022")


def sentence_of(cut: Cut, doc: Document | None) -> tuple[str, str]:
    """The text the check reads and the text before it in its paragraph (where a sentence that names
    no object took it from): the grounded span widened to its sentence in ``doc`` (a fuzzy match may
    cut a word or unit in two), else the matched text, else the quote."""
    prov, grounding = cut.provenance, cut.grounding
    if (
        doc is not None
        and prov is not None
        and prov.char_span
        and prov.document in (None, doc.source.paper_id)
    ):
        start, end = prov.char_span
        before = [
            m
            for m in _SENTENCE_END.finditer(doc.text, max(0, start - 600), start + 1)
            if m.end() <= start
        ]
        after = _SENTENCE_END.search(doc.text, max(start, end - 2), min(len(doc.text), end + 600))
        begin = before[-1].end() if before else max(0, start - 600)
        paragraph = doc.text.rfind("\n\n", max(0, begin - 400), begin)
        context = doc.text[max(paragraph, begin - 400) : begin]
        return doc.text[begin : after.start() + 1 if after else end], context
    if grounding is not None and grounding.matched_text:
        return grounding.matched_text, ""
    return (prov.quote if prov is not None and prov.quote else ""), ""


def support_problem(
    cut: Cut, kinds: dict[str, str], *, in_region: bool = False, doc: Document | None = None
) -> str | None:
    """Why the quote does not support ``cut`` (None: it does, or there is nothing to check)."""
    claim = claim_of(cut, kinds)
    quote, context = sentence_of(cut, doc)
    if claim is None or not quote:
        return None
    r = replace(
        read(quote),
        context_objects=[kind for _, kind in read(context).objects] if context.strip() else [],
        context_tail=re.split(r"[.;]\s+(?=[A-Z])", context.strip())[-1] if context.strip() else "",
        context_control=control_context(P.prepare(context), P.prepare(quote)),
        context_category=bool(re.search(r"\bcategor(?:y|ies)\b", context, re.IGNORECASE)),
    )
    if claim.quantity in ("count",):
        return _check_count(claim, r, in_region)
    if claim.quantity == "sfos":
        found = P.SFOS_RE.search(r.text)
        if found is None:
            return "the quote names no same-flavour opposite-sign pair"
        if (
            r.clause_at(found.start()).rejects
            or _rejected_subject(r, found.start())
            or re.search(r"\brejected if\b|\bvetoed if\b", r.text[: found.start()])
        ):
            return (
                "polarity: the clause says events with such a pair are rejected, but the cut "
                "requires one"
            )
        return _clause_problem(r, found.start(), in_region, claim)
    if claim.quantity in _FLAGS:
        return _object_ok(claim, r, len(r.text) - 1, "") if r.objects else None
    if claim.quantity == "expr":
        return _check_expr(claim, r, in_region)
    return _check_comparison(claim, r, in_region)


def not_as_read(sel: SelectionList, doc: Document | None = None) -> dict[str, str]:
    """Cuts the rules could not state as the paper does, whatever else the check finds in them:
    id -> why. A cut on every object read from a clause that ranks the objects (the rules read
    ranked clauses as ranked cuts, so such a cut holds values they could not pair with the
    ranks: "the leading lepton must have pT > 25, 20 or 15 GeV"), and a condition of events
    rejected together with others ("events with A and B are rejected": the kept events satisfy
    not-A or not-B, which the rules leave as written)."""
    kinds = {o.name: str(o.kind) for o in sel.objects}
    kinds.update({k: v for k, v in _KIND_OF_COLLECTION.items() if k not in kinds})
    found = {}
    for cut in sel.all_cuts():
        claim = claim_of(cut, kinds)
        quote, _ = sentence_of(cut, doc)
        if claim is None or claim.quantity == "expr" or not quote:
            continue
        problem = _not_as_read(claim, read(quote))
        if problem is not None:
            found[cut.id] = f"not expressible as read: {problem}"
    return found


def _not_as_read(claim: Claim, r: Reading) -> str | None:
    for comp in r.comparisons:
        if not _quantity_ok(claim, comp.quantity) or not all(
            any(_same_value(v, h, comp.unit) for h in _values(comp)) for v in claim.values
        ):
            continue
        lost = _rank_problem(claim, r, comp) if claim.rank is None else None
        if lost is not None and "ranks the objects" in lost:
            return lost
        rejects = r.clause_at(comp.position).rejects or _rejected_subject(r, comp.position)
        if _DIRECTION.get(comp.op) == claim.direction and rejects:
            inverted = replace(claim, direction=_INVERSE.get(claim.direction, claim.direction))
            joint = _joint_rejection(inverted, r, comp)
            if joint is not None:
                return f"{_JOINT}, which no single cut states"
    return None


def _fmt(values: tuple[float, ...]) -> str:
    return "-".join(f"{v:g}" for v in values)


def check_support(sel: SelectionList, doc: Document | None = None) -> SelectionList:
    """``sel`` with every verified cut whose quote does not support it marked unverified (reason
    kept)."""
    kinds = {o.name: str(o.kind) for o in sel.objects}
    kinds.update({k: v for k, v in _KIND_OF_COLLECTION.items() if k not in kinds})

    def one(cut: Cut, in_region: bool) -> Cut:
        if cut.status != Status.verified or cut.grounding is None:
            return cut
        prov = cut.provenance
        if (
            doc is not None
            and prov is not None
            and prov.source == "cited"
            and prov.document != doc.source.paper_id
        ):
            return cut  # checked against the cited paper, where its sentence is (cited.py)
        problem = support_problem(cut, kinds, in_region=in_region, doc=doc)
        if problem is None:
            return cut
        grounding = cut.grounding.model_copy(
            update={"reason": f"quote found, numbers match, but not supported: {problem}"}
        )
        return cut.model_copy(update={"status": Status.unverified, "grounding": grounding})

    data = sel.model_copy(deep=True)
    for obj in data.objects:
        obj.cuts = [one(c, False) for c in obj.cuts]
    data.selection = [one(c, False) for c in data.selection]
    for region in data.regions:
        region.cuts = [one(c, True) for c in region.cuts]
    return data

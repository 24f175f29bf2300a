"""The support check of object counts: 'at least two jets', 'exactly one electron or muon',
vetoes ('events with a b-tagged jet are rejected')."""

from __future__ import annotations

import math
import re

from pipeline.extract import count_phrases, ranks, vetoes
from pipeline.extract import patterns as P
from pipeline.extract.clauses import FAILING_WORDS, failing_objects, names_bad_objects
from pipeline.extract.findings import OBJECT_VARIABLES
from pipeline.extract.reading import Reading
from pipeline.extract.support_claims import INVERSE, Claim, fmt, names_claimed
from pipeline.extract.support_clauses import clause_problem, counted_in_veto, rejected_subject
from pipeline.extract.support_objects import ANY_OBJECT

_OP_DIRECTION = {">=": "lower", ">": "lower", "==": "eq", "<=": "upper", "<": "upper"}
# the count words of the rules ("at least", "a minimum of", "exactly", ...), read the same way here
_COUNT_DIRECTION = {word: _OP_DIRECTION[op] for word, op in P.COUNT_OPS.items()}
_COUNT_WORD = "|".join(["\\d+", *P.NUMBER_WORDS])
_COUNT_Q = "|".join(sorted(_COUNT_DIRECTION, key=len, reverse=True))
_COUNT_SYMBOL = {">=": "lower", ">": "lower", "=": "eq", "<=": "upper", "<": "upper"}
_COUNT_PHRASE = re.compile(
    rf"(?:(?P<q>{_COUNT_Q})\s+|(?<![\w)}}\]])(?P<sym>>=|<=|>|<|=)\s*)?(?P<n>{_COUNT_WORD})(?:\s+"
    rf"|-)(?P<more>or more\s+)?(?:[\w-]+\s+){{0,3}}?(?P<obj>{ANY_OBJECT})"
    # (not "two muons and an electron": a count of its own after "and")
    rf"(?P<either>{P.BRACKETED_GAP}\s+(?:or|and|/)\s+(?:(?<=or\s)(?:an?|one)\s+)?(?P<obj2>{ANY_OBJECT}))?",
    re.IGNORECASE,
)


# the start of the finding that a zero count leaves out the thresholds of the vetoed objects
COUNTED_ONLY = "the veto counts only the"


def _kind_of(noun: str) -> str:
    """The kind of an object noun (a bare 'tau', which the shared pattern reads only before a
    verb, is a tau)."""
    found = P.OBJECT_RE.search(noun)
    return (
        P.object_of(found)
        if found is not None
        else "tau"
        if noun.lower().startswith("tau")
        else "other"
    )


def _veto_thresholds(claim: Claim, r: Reading) -> str:
    """The thresholds the quote sets on the objects of ``claim.kind`` a veto counts ('pT > 15'),
    as text; '' when there are none."""
    said = []
    if FAILING_WORDS.search(r.text):
        return ""  # "a jet ... that fails the quality criteria": checked as failing objects
    counted = [
        comp
        for comp in r.comparisons
        if comp.quantity in vetoes.FIELDS and counted_in_veto(r, comp.position)
    ]
    quantities = [comp.quantity for comp in counted]
    if any(comp.alt is not None for comp in counted) or len(set(quantities)) < len(quantities):
        # "muons (electrons) with I_rel < 0.2 (0.1)", "I_rel < 0.10 (I_rel < 0.21)": values per
        # flavour, which no one condition of the counted objects states; left to the object
        # cuts read with them
        return ""
    for comp in counted:
        named = [kind for pos, kind in r.objects if pos < comp.position]
        if named and names_claimed(claim, named[-1]):
            value = comp.value if isinstance(comp.value, list) else [comp.value]
            said.append(f"{comp.quantity} {comp.op} {fmt(tuple(float(v) for v in value))}")
    return ", ".join(said)


_NO_REQUIREMENT = re.compile(
    r"\b(?:no|without\s+(?:any|a)?)\s*(?:[\w-]+\s+){0,2}?(?:requirements?|criteri(?:on|a)|cuts?"
    r"|selection)\b",
    re.IGNORECASE,
)


def _no_requirement_only(r: Reading) -> bool:
    """'no b-jet requirement' in the sentence, and no other clause of it that vetoes ('...; events
    with a b-tagged jet are vetoed' states the zero count the first clause does not)."""
    said = _NO_REQUIREMENT.search(r.text)
    if said is None:
        return False
    clause = r.clause_at(said.start())
    rest = r.text[: clause.start] + " " + r.text[clause.end :]
    return not P.VETO_WORDS.search(rest)


def check_count(claim: Claim, r: Reading, in_region: bool) -> str | None:
    """Why the quote does not state the count; a zero count the quote states of vetoed objects
    that carry thresholds is flagged too (the veto counts only those: COUNTED_ONLY)."""
    problem = _count_reading_problem(claim, r, in_region)
    if problem is not None or claim.values != (0.0,) or claim.direction != "eq":
        return problem
    thresholds = _veto_thresholds(claim, r)
    if thresholds:
        # "events containing a photon with E_T > 15 GeV are discarded": no such photon
        return (
            f"{COUNTED_ONLY} {claim.kind}s with {thresholds} (the quote's thresholds), not "
            f"every selected {claim.kind}: count those (not any((pt({claim.kind}s) > ...)))"
        )
    return None


def _count_reading_problem(claim: Claim, r: Reading, in_region: bool) -> str | None:
    reasons: list[str] = []
    if count_phrases.defines_regions(r.text):
        return (
            "the count picks the events used to define some regions (a category), not the "
            "events of the selection"
        )
    if claim.values == (0.0,) and claim.direction == "eq" and _no_requirement_only(r):
        # "SR-B requires E_T^miss > 350 GeV with no b-jet requirement": none is required
        return (
            f"the quote says there is no requirement on the {claim.kind}s ('no ... requirement'), "
            "not that there are none"
        )
    if claim.values == (0.0,) and claim.direction == "eq":
        for veto in count_phrases.no_objects(r.text):
            if veto.kind == claim.kind and ranks.BESIDES.search(
                r.text, veto.match.end(), veto.match.end() + 120
            ):
                # "no jet with pT > 50 GeV besides the leading one": a veto of the second jet
                return (
                    f"the quote vetoes the {claim.kind}s beyond the leading one(s) ('besides the "
                    "leading one'), not every one: a zero count rejects the events it keeps"
                )
        for pos, kind in r.objects:
            counted = _COUNTED_BEFORE.search(r.text[max(0, pos - 30) : pos])
            if names_claimed(claim, kind) and r.clause_at(pos).rejects and counted is None:
                if failing_objects(r.text[pos:]) or names_bad_objects(
                    r.text[max(0, pos - 40) : pos + 12]
                ):
                    return (
                        f"the vetoed {claim.kind}s are only those failing a requirement ('that "
                        "fails the quality criteria', 'bad jets'), not every one: a zero count of "
                        "all of them would reject far more events"
                    )
                if _NONE_BEFORE.search(r.text[max(0, pos - 50) : pos]) and _REJECTED_NEXT.match(
                    r.text, pos
                ):
                    # "events with no jets are not considered": the kept events have some
                    reasons.append(
                        f"the quote rejects the events with no {claim.kind}s: the kept events "
                        f"have at least one, the opposite of a zero count"
                    )
                    continue
                clause = r.clause_at(pos)
                if _BEYOND.search(r.text[clause.start : clause.end]):
                    reasons.append(
                        f"the vetoed {claim.kind}s are those beyond the selected ones ('in "
                        "addition to ...'), not every one: a zero count rejects the selected events"
                    )
                    continue
                condition = _condition_of_vetoed(r, pos, clause.end)
                if condition is not None:
                    # "events are vetoed if any jet ... has Delta phi(jet, MET) < 0.4", "a jet
                    # ... found between the two tagging jets": only the jets meeting it
                    return (
                        f"the vetoed {claim.kind}s are only those {condition}, not every one: a "
                        "zero count of all of them would reject far more events"
                    )
                qualified = _QUALIFIED_AFTER.match(r.text, P.OBJECT_RE.match(r.text, pos).end())  # type: ignore[union-attr]
                if qualified:
                    # "events with a same-flavour lepton pair with m_ll < 12 GeV are rejected"
                    reasons.append(
                        f"the vetoed {claim.kind}s are only those the quote qualifies "
                        f"('{qualified.group(0).strip()} ...'), not every one: a zero count of all "
                        "of them would reject far more events"
                    )
                    continue
                return clause_problem(r, pos, in_region, claim)
        for some in _ANY_OF.finditer(r.text):
            # "events with at least one b-tagged jet are rejected": the kept events have none
            kind = P.object_of(P.OBJECT_RE.search(some.group("obj")))  # type: ignore[arg-type]
            if names_claimed(claim, kind) and (
                r.clause_at(some.start()).rejects or rejected_subject(r, some.start())
            ):
                return clause_problem(r, some.start(), in_region, claim)
        for veto in count_phrases.no_objects(r.text):
            # "• no isolated leptons", "and no electrons or muons": a veto written as a noun phrase
            kinds = {veto.kind} | (
                {"electron", "muon"} if _FLAVOUR_OR.match(r.text, veto.match.end()) else set()
            )
            if _REJECTED_NEXT.match(r.text, veto.match.end()) and re.search(
                r"\bevents?\s+(?:(?:with|having|containing)\s+)?$",
                r.text[: veto.match.start()],
                re.I,
            ):
                continue  # "events with no jets are not considered": a veto of having none
            if veto.n == 0 and (
                claim.kind in kinds or claim.kind == "lepton" and kinds <= {"electron", "muon"}
            ):
                if len(kinds) > 1 and claim.kind != "lepton":
                    continue  # "no electrons or muons" vetoes both: leptons, not electrons alone
                return clause_problem(r, veto.position, in_region, claim)
        reasons.append(f"no veto of {claim.kind}s is stated in the quote")
    if claim.kind == "bjet":
        # "at least six jets, at least one of which is b tagged": the b tag is named in the phrase
        for sub in count_phrases.sub_counts(r.text):
            if math.isclose(sub.n, claim.values[0]):
                if _OP_DIRECTION[sub.op] != claim.direction:
                    reasons.append(
                        f"direction: the quote counts {sub.op} {sub.n} b-tagged jets, the cut is a "
                        f"{claim.direction} bound"
                    )
                    continue
                return clause_problem(r, sub.position, in_region, claim)
    for symbol in P.N_SYMBOL_RE.finditer(r.text):
        # "N_jet >= 4", "N_b = 0": the multiplicity symbol of the objects counted
        kind, op, n = P.n_symbol(symbol)
        if _BIN_VALUES.match(r.text, symbol.end()):
            continue  # "N_jet = 2-3, 4-5, ...": the bins of some regions, no requirement
        if kind == claim.kind and math.isclose(n, claim.values[0]):
            if _OP_DIRECTION.get(op) != claim.direction:
                reasons.append(
                    f"direction: the quote says {symbol.group(0)}, the cut is a "
                    f"{claim.direction} bound"
                )
                continue
            return clause_problem(r, symbol.start(), in_region, claim)
    enumerations = count_phrases.enumerated(r.text)
    for en in enumerations:
        # "two, three, or four jets": at least two and at most four, not exactly one of them
        if en.kind != claim.kind:
            continue
        if (claim.direction, claim.values) in (
            ("range", (en.low, en.high)),
            ("lower", (en.low,)),
            ("upper", (en.high,)),
        ):
            return clause_problem(r, en.start, in_region, claim)
        reasons.append(
            f"the quote allows {en.low} to {en.high} {en.kind}s (each number it names): the cut "
            f"is a {claim.direction} bound at {fmt(claim.values)}"
        )
    for num in count_phrases.number_of(r.text):
        # "the number of b-tagged jets must be exactly two", "number of b tags = 2"
        if num.kind == claim.kind and math.isclose(num.n, claim.values[0]):
            if _OP_DIRECTION.get(num.op) != claim.direction:
                reasons.append(
                    f"direction: the quote says the number of {num.kind}s {num.op} {num.n}, the "
                    f"cut is a {claim.direction} bound"
                )
                continue
            return clause_problem(r, num.position, in_region, claim)
    for match in _COUNT_PHRASE.finditer(r.text):
        n = P.count_value(match.group("n").lower())
        if not math.isclose(n, claim.values[0]) or any(
            en.start <= match.start("n") < en.end for en in enumerations
        ):
            continue
        kinds = {_kind_of(match.group("obj"))}
        if kinds == {"jet"} and P.B_TAGGED_AFTER.match(r.text, match.end()):
            kinds = {"bjet"}  # "at least two jets are required to be b-tagged"
        if match.group("obj2"):
            kinds.add(_kind_of(match.group("obj2")))
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
        else f"no count of {claim.kind}s equal to {fmt(claim.values)} is stated in the quote"
    )


_BIN_VALUES = re.compile(r"\s*(?:[-\u2013]\s*\d|,\s*(?:\d|>=|<=|[<>]))")
_FLAVOUR_OR = re.compile(
    r"\s+(?:or|and|/)\s+(?:an?\s+|(?<=or\s)one\s+)?(?:electrons?|muons?)\b", re.IGNORECASE
)
_ADDITIONAL = re.compile(r"\b(?:additional|further|extra|other)\b", re.IGNORECASE)
# "events with fewer than 4 jets are not considered": a number of objects is rejected, not every
# such object
_COUNTED_BEFORE = re.compile(
    r"(?:\d|\b(?:two|three|four|more|fewer|less|than|least|most|additional|second|third))"
    r"\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_NONE_BEFORE = re.compile(
    r"\bevents?\s+(?:(?:with|having|containing|that\s+have)\s+(?:no|zero)|without(?:\s+any)?)\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_BEYOND = re.compile(r"\bin\s+addition\s+to\b|\bbesides\b|\bother\s+than\s+the\b", re.I)
_ANY_OF = re.compile(
    rf"\b(?:at\s+least\s+one|one\s+or\s+more)\s+(?:[\w-]+\s+){{0,2}}?(?P<obj>{ANY_OBJECT})",
    re.IGNORECASE,
)
# the verb of the subject 'events with no X' rejects them ("... are not considered")
_REJECTED_NEXT = re.compile(
    r"[^,;]*?\b(?:are|is|were|was)\s+(?:then\s+)?(?:not\s+(?:considered|used|selected|kept"
    r"|accepted|retained)|rejected|discarded|vetoed|removed|excluded|dropped)\b",
    re.IGNORECASE,
)
# what makes the vetoed objects particular ones: a pair of them, a place ("passing the medium
# identification", "with pT > 20 GeV" define the vetoed objects as the collection does)
# a vetoed object's position relative to others: "found between the two tagging jets"
_BETWEEN_OBJECTS = re.compile(
    r"\bbetween\s+the\s+(?:two\s+)?(?:[\w-]+\s+)?(?:tagging|forward|VBF|leading)\s+jets\b"
    r"|\b(?:in|within)\s+the\s+(?:pseudo)?rapidity\s+(?:gap|interval|range)\s+(?:between|of)\b",
    re.IGNORECASE,
)


def _condition_of_vetoed(r: Reading, pos: int, end: int) -> str | None:
    """What the clause says of the vetoed object at ``pos`` beyond its own kinematics: a
    comparison of another quantity (its Delta phi to the MET, a mass) or its place between other
    objects; None when it says nothing more."""
    between = _BETWEEN_OBJECTS.search(r.text, pos, end)
    if between is not None:
        return f"'{between.group(0).strip()}'"
    for comp in r.comparisons:
        if pos < comp.position < end and comp.quantity not in OBJECT_VARIABLES | {"ip", "count"}:
            # the object's own ("any jet ... has Delta phi < 0.4"), not another condition ("a
            # b-tagged jet or if p^miss_T < 50 GeV")
            has = _HAS.search(r.text, pos, comp.position)
            if has is not None and not _OTHER_CONDITION.search(r.text, pos, has.start()):
                return f"meeting a condition on {comp.quantity}"
    return None


_HAS = re.compile(r"\b(?:has|have|having|whose)\b", re.IGNORECASE)
_OTHER_CONDITION = re.compile(r"\b(?:or|if|and|when)\b|[,;]", re.IGNORECASE)


# objects counted by what they contain: "a jet with fewer than two associated prompt tracks", "a
# vertex with at least five tracks"
_WITH_CONSTITUENTS = re.compile(
    r"\s+(?:with|having|that\s+ha(?:s|ve)|containing)\s+(?:(?:fewer|more|less)\s+than|at\s+(?:least|most)"
    r"|exactly|no|zero|one|two|three|four|five|\d+)\s+(?:[\w-]+\s+){0,3}?(?:tracks?|vertex|vertices"
    r"|constituents?|hits?|subjets?|clusters?|muon\s+segments?)\b",
    re.IGNORECASE,
)
# "exactly two electrons or two muons": another count as the alternative
_OR_ANOTHER_COUNT = re.compile(
    rf"\s*,?\s+or\s+(?:exactly\s+|at\s+least\s+)?(?:{_COUNT_WORD})\s+(?:[\w-]+\s+){{0,2}}?"
    rf"(?P<obj>{ANY_OBJECT})",
    re.IGNORECASE,
)
# "two b-tagged jets in the hemisphere opposite to the ISR jet", "one or more jets separated from
# the large-R jet by Delta R > 1.2": the count is of some of the objects, those placed so
_A_SUBSET_AFTER = re.compile(
    r"\s*(?:in\s+the\s+(?:same|opposite|other)\s+hemisphere|in\s+the\s+hemisphere\s+opposite"
    r"|(?:separated|isolated|away)\s+from\s+(?:the|that|this|any)\b(?!\s+other\b)"
    r"|opposite\s+to\s+the\b|(?:close|near|next)\s+to\s+the\b"
    # (not "associated with the primary vertex", "matched to the trigger object": every one)
    r"|(?:associated|matched)\s+(?:with|to)\s+the\b(?!\s+(?:(?:primary|hard[- ]scatter)\s+)?"
    r"(?:vertex|trigger|online))"
    r"|within\s+(?:a\s+)?(?:Delta\s*R|dR|cone)\b)",
    re.IGNORECASE,
)
# a tag said of the counted objects after them: "that is double-b tagged", "must be top-tagged",
# "identified as displaced"
_TAGGED_AFTER = re.compile(
    r"\s*,?\s*(?:(?:that|which)\s+(?:is|are|must\s+be|should\s+be)\s+(?:also\s+)?"
    r"|(?:must|should|have\s+to|has\s+to)\s+(?:also\s+)?be\s+"
    r"|(?:is|are)\s+(?:also\s+)?required\s+to\s+be\s+)?(?:identified|tagged)\s+as\s+(?:an?\s+)?[\w-]+"
    r"|\s*,?\s*(?:(?:that|which)\s+(?:is|are|must\s+be|should\s+be)\s+(?:also\s+)?"
    r"|(?:must|should|have\s+to|has\s+to)\s+(?:also\s+)?be\s+"
    r"|(?:is|are)\s+(?:also\s+)?required\s+to\s+be\s+)(?:[\w-]+\s+)?(?:\w+-?)?tagged\b",
    re.IGNORECASE,
)
_QUALIFIED_AFTER = re.compile(
    r"\s*(?:pairs?\b|(?:within|failing)\b)",
    re.IGNORECASE,
)
# "at least one of the jets must be b-tagged": the count is of the objects the predicate picks
_OF_THE_MUST = re.compile(
    r"\s*(?:\([^)]*\)\s*)?(?:must|should|(?:is|are)\s+required\s+to|(?:has|have|needs?)\s+to)\b",
    re.IGNORECASE,
)
_NO_AS_COUNT = re.compile(
    r"(?:\b(?:and|with|have|has|having|contain|containing|requires?|required)|,)\s*$"
)


# "at least four jets and two b-tagged jets": the count word before carries to the second count
_CARRIED = re.compile(
    rf"\b(?P<q>{_COUNT_Q})\s+(?:{_COUNT_WORD})\s+(?:[\w-]+\s+){{0,3}}?(?:{ANY_OBJECT})"
    r"(?:\s*\([^()]{0,80}\))?\s*,?\s+and\s+$",
    re.IGNORECASE,
)


def _carried_word(text: str, match: re.Match[str]) -> str | None:
    if re.match(r"\s+or\s+(?:more|fewer|less)\b", text[match.end("n") :], re.IGNORECASE):
        return None  # "two or fewer electrons" says its own direction
    carried = _CARRIED.search(text[max(0, match.start() - 120) : match.start()])
    return carried.group("q") if carried else None


def _count_problem(
    claim: Claim, kinds: set[str], match: re.Match[str], r: Reading, in_region: bool
) -> str | None:
    if match.group("n").lower() == "no" and not _NO_AS_COUNT.search(r.text[: match.start("n")]):
        return "'no' here does not state a number of objects ('to ensure that no photon ...')"
    if re.match(r"\s*(?:\w+\s+)?pairs?\b", r.text[match.end() :]):
        return "the number counts pairs, not objects"
    named_before = any(
        pos < match.start() and names_claimed(claim, kind) for pos, kind in r.objects
    )  # ("exactly one lepton and at least four additional jets": no jet named before)
    if _ADDITIONAL.search(r.text[match.end("n") : match.start("obj")]) and named_before:
        # "the leading jet ... and at least one additional jet": the count leaves out the objects
        # named before, so it is not the number of all of them
        return (
            f"the count is of additional {claim.kind}s beyond those already named, not of all "
            f"{claim.kind}s"
        )
    if len(kinds) > 1 and claim.kind != "lepton":
        return f"the count is over {' or '.join(sorted(kinds))} together, not {claim.kind}s alone"
    events = re.match(r"\s*events?\b", r.text[match.end() :], re.IGNORECASE)
    if events is not None and P.names_conditional_events(
        r.text, match.start(), match.end() + events.end()
    ):
        # "..., and in two-muon events the dimuon mass must ...": the events a requirement holds for
        return (
            "the count names the events another requirement holds for (a condition), not a "
            "requirement"
        )
    other = _OR_ANOTHER_COUNT.match(r.text, match.end())
    if other is not None and _kind_of(other.group("obj")) not in kinds:
        # "exactly two electrons or two muons": either flavour's pair, not this one's in every event
        return (
            f"the count is one of alternatives ('... or {other.group(0).strip()[3:].strip()}'): an "
            f"event may pass with the other, so no {claim.kind} count is required of every event"
        )
    tagged = _TAGGED_AFTER.match(r.text, match.end())
    if tagged is not None and not (
        claim.kind == "bjet"
        and re.search(r"\bb[- ]?(?:tag|jet|quark)", tagged.group(0), re.IGNORECASE)
    ):
        # "at least two large-R jets must be top-tagged", "three jets identified as displaced":
        # a count of the tagged ones, which no collection of the list holds
        return (
            f"the count is of the {claim.kind}s '{tagged.group(0).strip()}' only, not of all "
            f"{claim.kind}s"
        )
    placed = _A_SUBSET_AFTER.match(r.text, match.end())
    if placed is not None:
        return (
            f"the count is of the {claim.kind}s '{placed.group(0).strip()} ...' only, not of all "
            f"{claim.kind}s"
        )
    constituents = _WITH_CONSTITUENTS.match(r.text, match.end())
    if constituents is not None:
        # "at least one jet with fewer than two associated prompt tracks": only such jets count
        return (
            f"the count is of the {claim.kind}s that have '{constituents.group(0).strip()}', "
            f"not of all {claim.kind}s"
        )
    if re.search(r"\bof\s+(?:the|these|those|them)\b", match.group(0), re.I) and _OF_THE_MUST.match(
        r.text, match.end()
    ):
        return (
            f"the count is of the {claim.kind}s that meet the requirement after it ('at least "
            "one of the jets must be b-tagged'), not of all of them"
        )
    if claim.kind not in kinds and not (
        claim.kind == "lepton" and kinds <= {"electron", "muon", "lepton"}
    ):
        return f"the count is of {', '.join(sorted(kinds))}, not of {claim.kind}s"
    word = (match.group("q") or match.group("sym") or _carried_word(r.text, match) or "").lower()
    stated = (
        "lower"
        if match.group("more")
        else _COUNT_DIRECTION.get(word) or _COUNT_SYMBOL.get(word, "eq")
    )
    if r.clause_at(match.start()).rejects or rejected_subject(r, match.start()):
        stated = INVERSE.get(stated, stated)  # "events with fewer than 4 jets are not considered"
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
    return clause_problem(r, match.start(), in_region, claim)

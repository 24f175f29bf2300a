"""Clause-level judgements of the rule-based extractor, on prepared (ASCII) sentences.

Which sentences state no cut of the selection (performance figures), which define a
control region (their cuts go to a region, not the signal selection), which comparisons are
conditions rather than requirements ("if pT < 50 GeV", "for pT > 200 GeV"), which quantity is only
the denominator of a ratio, and the b-tagging definition sentence ("Jets originating from b quarks
are identified using the CSVv2 algorithm"), which states the b-tag requirement of the b-jet
collection.
"""

from __future__ import annotations

import re

from pipeline.extract import patterns as P
from pipeline.extract.findings import CutFinding

# a comparison right after these words qualifies another statement: "if pT < 50 GeV, the cone ..."
_CONDITION = re.compile(
    r"(?:(?:\bif|\bwhen|\bwhenever|\bunless)\s*(?:the\s+)?(?:\w+\s+){0,2}|(?:\bfor|\bat)\s*(?:the\s+)?(?:[\w^{}]+\s*)?)"
    r"(?:-?\d+(?:\.\d+)?\s*[<>]=?\s*)?$",
    re.IGNORECASE,
)
# a fronted conditional clause ("In addition, if a jet is found within Delta R < 0.4 ..., it is
# assumed") qualifies the main clause; a trailing one ("events are rejected if ...") states the cut
# itself
_FRONTED_IF = re.compile(r"(?:^|[,;:]\s*|^\s*\w+,\s*)(?:if|when|whenever)\b[^,;:]*$", re.IGNORECASE)
# sentences that report how well something performs, not what is required
_PERFORMANCE = re.compile(
    r"\befficienc(?:y|ies)\b[^.;]{0,120}?\b(?:is|are|was|were|ranges?|amounts?)\s+(?:in the range"
    r"|about|approximately|typically|on average|between|\d)|\bmis(?:identification"
    r"|tag(?:ging)?)\s+(?:rate|probabilit)|\b(?:the )?efficienc(?:y|ies) (?:is|are) \d"
    r"|\bresolution (?:is|of) (?:about|approximately|\d)",
    re.IGNORECASE,
)
# sentences defining a control, validation or sideband region or sample
_CONTROL = re.compile(
    r"(?i:\b(?:control|validation|sideband|side-band)\s+(?:regions?|samples?|selections?)\b)|\bCRs?\b|\bVRs?\b"
    r"|(?i:-enriched (?:sample|region|selection)|\bside-?bands?\b)",
)

_BTAG_SUBJECT = re.compile(
    r"\bb[- ]?tag|\b(?:b|bottom)[- ](?:quarks?|hadrons?|jets?)\b|\bheavy[- ]flavou?r|\bb-?jets?\b",
    re.IGNORECASE,
)
_BTAG_VERB = re.compile(r"\b(?:identified|tagged|selected|classified|considered)\b", re.IGNORECASE)
_BTAG_TOOL = re.compile(
    r"\balgorithms?\b|\btaggers?\b|working point|operating point|discriminat|\bCSV|\bMV\d|\bDL1"
    r"|DeepCSV|DeepJet",
    re.IGNORECASE,
)
_NOT_DEFINITION = re.compile(
    r"scale factors?|\bcorrect(?:ed|ion)|\buncertaint|\bmeasured\b|\bshows?\b|\bshown\b"
    r"|\bdistributions?\b|\bmultiplicit",
    re.IGNORECASE,
)


def states_no_cut(sentence: str) -> bool:
    """Whether a prepared sentence reports a performance (an efficiency, a mistag rate) only."""
    return bool(_PERFORMANCE.search(sentence))


def defines_control_region(sentence: str) -> bool:
    """Whether a prepared sentence defines a control, validation or sideband region or sample:
    its cuts are real, but they are not the signal selection."""
    return bool(_CONTROL.search(sentence))


_CONTINUES = re.compile(
    r"^\s*(?:(?:These|Such|Those)\s+(?:events|regions?|samples?|selections?)\b"
    r"|(?:This|That|The same)\s+(?:region|sample|selection|control region)\b)",
)


def continues_region(sentence: str) -> bool:
    """'These events must also have ...': the sentence goes on defining the region named before."""
    return bool(_CONTINUES.match(sentence))


# "Jets are considered if they have pT > 20 GeV": a trailing if-clause after a selection verb is the
# requirement
_SELECTED_IF = re.compile(
    r"\b(?:selected|accepted|kept|retained|considered|used|required)\s+(?:only\s+)?(?:if|when)\b[^,;]*$"
    r"|" + r"\bevents?\s+(?:is|are)\s+(?:then\s+|also\s+)?(?:rejected|vetoed|discarded|excluded)"
    r"\s+(?:if|when)\b[^;]*$"  # "events are rejected if A, or if B": the if-clauses are the cut
    rf"|{P.DEFINED_AS}\s+(?:only\s+)?(?:if|when)\b[^,;]*$",
    re.IGNORECASE,
)


def is_condition(before_quantity: str) -> bool:
    """'if pT < 50 GeV', 'for pT > 200 GeV', 'at pT = 125 GeV': the comparison qualifies something
    else."""
    if _SELECTED_IF.search(before_quantity):
        return False
    return bool(_CONDITION.search(before_quantity[-30:]) or _FRONTED_IF.search(before_quantity))


def is_denominator(before_quantity: str) -> bool:
    """'|pT(ISR) + MET| / MET < 0.5': the named quantity is only the denominator of a ratio."""
    return before_quantity.rstrip().endswith("/")


def btag_definition(sentence: str, quote: str) -> CutFinding | None:
    """The b-jet requirement stated by 'jets (originating from b quarks) are identified (b tagged)
    using the <algorithm> at the <working point>': b-jets are the jets passing that tagger."""
    subject = _BTAG_SUBJECT.search(sentence)
    verb = _BTAG_VERB.search(sentence)
    tool = _BTAG_TOOL.search(sentence)
    if subject is None or verb is None or tool is None or _NOT_DEFINITION.search(sentence):
        return None
    if (
        _PERFORMANCE.search(sentence)
        or P.DISQUALIFY.search(sentence)
        or not re.search(r"\bjets?\b|\bb[- ]?tag", sentence, re.IGNORECASE)
    ):
        return None
    return CutFinding(
        object="bjet",
        variable="btagged",
        op="==",
        value=1.0,
        quote=quote,  # type: ignore[arg-type]
        description="passes the b-tagging algorithm and working point quoted",
    )


def separated_subject(sentence: str, position: int, mentions: list[tuple[int, str]]) -> str | None:
    """'Jets must be separated from leptons by Delta R > 0.4': the separated objects are the
    jets."""
    left = sentence[:position]
    found = list(re.finditer(r"\b(?:separated|isolated|distant)\s+(?:\w+\s+){0,2}?from\b", left))
    if not found:
        return None
    match = found[-1]
    before = [obj for pos, obj in mentions if pos < match.start()]
    return before[-1] if before else None


# "Events with fewer than 4 jets are not considered": the sentence states what is thrown away;
# a fronted purpose clause ("To reduce the Drell-Yan background, events with ...") leaves the
# subject of the main clause where it is
PURPOSE = r"(?:(?:in order )?to\s[^,;]{0,200},\s*)?"
# where the main clause starts: the sentence's start, or after a reason ("The number of jets is
# expected to be small, and therefore events with a fifth jet ... are rejected")
_MAIN = r"(?:^\s*|,\s*(?:and\s+)?(?:therefore|thus|hence|so|consequently)\s+)"
_REJECTED_EVENTS = re.compile(
    rf"{_MAIN}{PURPOSE}(?:[\w-]+\s+){{0,3}}?events?\s+(?:\w+\s+){{0,2}}?(?:with|containing|having"
    # (a decimal point is no sentence end: "within Delta R < 0.4 of the photon are removed")
    # (nor a clause keeping events: "Events with exactly two jets are kept, and events with ...")
    r"|that|in which|where|whose)\b(?:(?!\b(?:are|is)\s+(?:kept|selected|retained|accepted"
    r"|required)\b)(?:[^.;]|\.(?=\d))){0,200}?\b(?:are|is)\s+(?:then\s+|also\s+)?"
    r"(?:rejected|vetoed|discarded|removed|excluded|not considered|not used|not selected)\b",
    re.IGNORECASE,
)
_INVERSE = {
    ">": "<=",
    ">=": "<",
    "<": ">=",
    "<=": ">",
    "==": "!=",
    "!=": "==",
    "between": "outside",
    "outside": "between",
}


# "Events are rejected if A or B", "An event is vetoed if it has ...", "We reject events with ..."
_REJECTED_IF = re.compile(
    rf"{_MAIN}{PURPOSE}(?:(?:an?|the|all|such)\s+)?events?\s+(?:is|are)\s+(?:then\s+|also\s+)?"
    r"(?:rejected|vetoed|discarded|excluded)\s+(?:if|when|whenever)\b"
    rf"|{_MAIN}{PURPOSE}we\s+(?:also\s+)?(?:reject|veto|discard|exclude)\s+(?:all\s+)?events?\s+"
    r"(?:with|containing|having|that|in which|where|whose|if)\b"
    # "An additional veto is applied on events with more than two leptons"
    rf"|^\s*{PURPOSE}(?:(?:an?|the)\s+)?(?:[\w-]+\s+)?veto\s+(?:is\s+(?:also\s+)?applied\s+)?"
    r"(?:on|of|to|against)\s+(?:all\s+)?events?\s+(?:with|containing|having|that|in which|where"
    r"|whose)\b",
    re.IGNORECASE,
)
# the conditions of a rejected-events sentence joined by 'or': "if A, or if B", "with A or B"
_OR_JOINED = re.compile(r"^[^;]*?(?:,\s*)?\b(?:or|either)\b[^;]*$", re.IGNORECASE)


def rejects_events(sentence: str) -> bool:
    """Whether the sentence's subject is the events that are thrown away ('Events with ... are
    rejected', 'Events are rejected if ...', 'We reject events with ...')."""
    if P.NEGATED_REJECTED.search(sentence):
        return False  # "Events that do not satisfy X are discarded": X is what is kept
    return bool(
        _REJECTED_EVENTS.search(sentence)
        or _REJECTED_IF.search(sentence)
        # "Events must not contain a b-jet with ..." (not "Jets must not have |eta| > 2.5")
        or (P.NEGATED_HAVE_RE.search(sentence) and not _REJECTED_OBJECTS.search(sentence))
    )


def joined_by_or(sentence: str, positions: list[int]) -> bool:
    """Whether the comparisons at ``positions`` (two or more, in order) are alternatives ('A or
    B'): each gap between them says 'or' and none says 'and'."""
    gaps = [sentence[a:b] for a, b in zip(positions, positions[1:], strict=False)]
    return len(gaps) > 0 and all(
        _OR_JOINED.match(gap) and not re.search(r"\band\b", gap) for gap in gaps
    )


def kept_side(findings: list[CutFinding], alternatives: bool = False) -> list[CutFinding]:
    """The cuts the kept events satisfy, for a sentence naming the rejected ones: with a single
    event-level condition it is that condition inverted; with conditions rejected as
    ``alternatives`` ('rejected if A or B') each is inverted (the kept events satisfy not-A and
    not-B); conditions rejected together (A and B) do not invert cut by cut, so they are left
    as written."""
    event_level = [
        f for f in findings if f.is_event_level()
    ]  # a cut on the n-th object is an event requirement; its veto above a value ("events with a
    # fourth lepton with pT > 10 GeV are rejected") is not (its pT > 10), not its pT <= 10, which
    # events without one would fail

    if len(event_level) != 1 and not (alternatives and event_level):
        return findings
    inverted = {id(f): _inverted(f) for f in event_level}
    return [inverted.get(id(f), f) for f in findings]


def _inverted(finding: CutFinding) -> CutFinding:
    if finding.rank is not None and finding.op in (">", ">="):
        vetoed = finding.model_copy(update={"description": _rejected_note(finding.description)})
        vetoed._vetoed = True
        return vetoed
    return finding.model_copy(
        update={
            "op": _INVERSE[finding.op],
            "description": _rejected_note(finding.description),
        }
    )


def _rejected_note(description: str | None) -> str:
    note = "the paper states the rejected events"
    return f"{description}; {note}" if description else note


# "a jet with pT > 20 GeV that fails the jet quality criteria", "jets failing the cleaning",
# "badly reconstructed muons": the objects a veto names are only those failing a requirement
_FAILING = re.compile(
    r"^[^.;,]{0,80}?\b(?:that|which|who)\s+(?:fails?|do(?:es)?\s+not\s+(?:pass|satisfy|meet))\b"
    # "a jet of pT above 20 GeV that is flagged as originating from non-collision backgrounds"
    r"|^[^.;,]{0,80}?\b(?:that|which)\s+(?:is|are)\s+(?:flagged|identified|tagged|classified)\s+as\b"
    r"|^[^.;,]{0,80}?\boriginating\s+from\s+(?:non-collision|noise|cosmic|beam-induced)"
    r"|^\s*(?:[\w-]+\s+){0,2}?(?:failing|not\s+(?:passing|satisfying|meeting))\b"
    # ("a jet with pT > 20 GeV failing the loose cleaning criteria")
    r"|^\s*[\w-]+\s+with\s+[^.;,]{0,40}?\b(?:failing|not\s+(?:passing|satisfying|meeting))\b"
    r"|^\s*(?:is|are)\s+(?:identified|classified)\s+as\s+(?:bad|fake)\b"
    # "if any jet with pT > 20 GeV fails the cleaning", "if the leading jet points to a masked
    # region", "if any muon is badly reconstructed", "if an electron falls in a dead region"
    r"|^\s*[\w-]+\s+(?:with\s+[^.;,]{0,60}?\s+)?(?:fails?\b|does\s+not\s+(?:pass|satisfy|meet)\b"
    r"|(?:is|are)\s+(?:badly|poorly|wrongly|mis)[\w-]*|points?\s+(?:to|towards|into)\b"
    r"|falls?\s+(?:in|into|within)\b|lies?\s+in\b|(?:is|are)\s+(?:located|found)\s+in\b"
    r"|(?:is|are)\s+(?:flagged|identified|classified)\s+as\s+(?:bad|fake))",
    re.IGNORECASE,
)
_BAD_OBJECTS = re.compile(
    r"\b(?:bad|badly[- ]\w+|fake|noisy|problematic|mis-?reconstructed|cosmic(?:-ray)?)\s+"
    r"(?:[\w-]+\s+)?"
    r"(?:jets?|muons?|electrons?|photons?|leptons?)\b",
    re.IGNORECASE,
)


# words saying a vetoed object fails a requirement, anywhere in a sentence ("a jet ... that fails
# the quality criteria", "bad jets", "does not satisfy"): shared by the rules and the check
FAILING_WORDS = re.compile(
    r"\bfail(?:s|ing|ed)?\b|\bbad(?:ly)?\b|\b(?:does|do)\s+not\s+(?:pass|satisfy|meet)\b",
    re.IGNORECASE,
)


def failing_objects(after_object: str) -> bool:
    """Whether the text after a vetoed object restricts the veto to objects failing a
    requirement ("that fails the jet quality criteria", "failing the cleaning")."""
    return bool(_FAILING.search(after_object))


def names_bad_objects(text: str) -> bool:
    """Whether ``text`` names bad objects ("bad jets", "badly reconstructed muons")."""
    return bool(_BAD_OBJECTS.search(text))


# "Jets with pT below 30 GeV are not used", "Muons are rejected if their d0 exceeds 0.2 mm": the
# sentence names the objects thrown away
_OBJECT_WORDS = r"(?:electrons?|muons?|leptons?|jets?|photons?|taus?|tracks?|candidates?)"
_REJECTED_OBJECTS = re.compile(
    # (one clause: no comma before the verb; the verb ends the statement - "are removed if they
    # lie within Delta R < 0.4 of ...", "not considered in the computation of H_T" name other
    # conditions or purposes, under which the value before is only a condition)
    rf"^\s*(?:(?:all|any|the)\s+)?(?:[\w-]+\s+){{0,2}}?{_OBJECT_WORDS}\s+(?:with|whose|that|which"
    r"|having)\b(?:[^.;,]|\.(?=\d)){0,100}?\b(?:are|is)\s+(?:then\s+|also\s+)?(?:not\s+(?:used|considered"
    r"|selected|included|kept)|rejected|discarded|removed|ignored|excluded)\b"
    r"(?!\s+(?:if|when|whenever|from|during|by|as|because|since|to)\b|\s+(?:in|for)\s+(?:the\s+)?"
    r"(?:computation|calculation|determination|definition|sum|reconstruction|estimat|isolation"
    r"|b[- ]?tagging|trigger)\w*)"
    rf"|^\s*(?:(?:all|any|the)\s+)?(?:[\w-]+\s+){{0,2}}?{_OBJECT_WORDS}\s+(?:are|is)\s+(?:then\s+"
    r"|also\s+)?(?:rejected|discarded|removed|ignored|excluded)\s+(?:if|when|whenever)\b"
    # "Jets must not have |eta| > 2.5", "Muons are required not to have ..."
    rf"|^\s*(?:(?:all|any|the)\s+)?(?:[\w-]+\s+){{0,2}}?{_OBJECT_WORDS}\s+(?:must|should|are\s+"
    r"required)\s+not\s+(?:to\s+)?(?:have|exceed|be)\b",
    re.IGNORECASE,
)


def rejects_objects(sentence: str) -> bool:
    """Whether the sentence's subject is objects that are thrown away ('Jets with pT below 30
    GeV are not used', 'Muons are rejected if ...')."""
    return bool(_REJECTED_OBJECTS.search(sentence))


def kept_objects(findings: list[CutFinding]) -> list[CutFinding]:
    """The cuts the kept objects satisfy, for a sentence naming the rejected ones: one plain
    object condition inverted (conditions of the thrown-away objects joined together do not
    invert one by one, and a separation is read by its own rule)."""
    plain = [
        f
        for f in findings
        if f.object != "event" and f.variable not in ("count", "sfos", "dr") and f.rank is None
    ]
    if len(plain) != 1 or plain[0].op == "outside":
        # ("with |eta| (of 1.442-1.556) ... are not considered": an outside range is read kept)
        return findings
    return [_inverted(f) if f is plain[0] else f for f in findings]

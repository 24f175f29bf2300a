"""The support check's clause tests: is the clause holding the number a selection (not a
histogram, trigger, control sample, condition, definition of other objects), and does its
polarity (required / rejected) agree with the cut's direction?"""

from __future__ import annotations

import re

from pipeline.extract import patterns as P
from pipeline.extract.clauses import joined_by_or, rejects_events
from pipeline.extract.findings import OBJECT_VARIABLES
from pipeline.extract.reading import CATEGORIES, CONTROL, Reading, names_several_regions
from pipeline.extract.separations import isolation_cone, jet_radius, separations
from pipeline.extract.support_claims import (
    DIRECTION,
    FLAGS,
    INVERSE,
    Claim,
    accepted_kinds,
    fmt,
    same_value,
)
from pipeline.extract.support_objects import ANY_OBJECT, ranked_subject_problem, subset_problem

NOT_A_SELECTION = {
    "histogram": "the clause is a histogram range or binning, not a selection",
    "trigger": "the clause describes a trigger, not an offline selection",
    "efficiency": (
        "the clause states an efficiency, resolution, scale factor or uncertainty, not a selection"
    ),
    "calibration": (
        "the clause describes a calibration, correction, the simulation or the detector's "
        "reach, not a selection"
    ),
    "control": (
        "the clause defines a control/validation sample or a measurement's fiducial phase "
        "space, not the signal selection"
    ),
    "signature": "the clause describes the signal signature or a decay, not a selection",
    "elsewhere": (
        "the clause states a cut of another analysis, an alternative that was studied, a "
        "cross-check, a typical value or a share of events, not this analysis's selection"
    ),
    "input": (
        "the objects are inputs of a computed quantity or of a reconstruction (an isolation sum, "
        "the missing transverse momentum, a momentum correction, a vertex), not selected objects"
    ),
    "category": (
        "the clause states the requirement of one event category, channel or signal region "
        "only, not of the whole selection"
    ),
    "cone": (
        "the number is the size of an isolation cone (a definition of the isolation), not a "
        "cut on the object"
    ),
    "overlap": "the clause describes overlap removal between objects, not a cut on one object",
    "permitted": (
        "the clause permits an optional object and says when it may be there ('a second jet ... "
        "is allowed if ...'), not a requirement of every event"
    ),
}


_SAME_FLAVOUR_EVENTS = re.compile(
    r"\bin\s+the\s+(?:same[- ]flavou?r|SF|ee\s+and\s+(?:mumu|\u03bc\u03bc)"
    r"|(?:mumu|\u03bc\u03bc)\s+and\s+ee)\s+(?:channels?|events|final\s+states?|categor(?:y|ies))\b",
    re.IGNORECASE,
)
_TRIGGER_BEFORE = re.compile(r"\btrigger|\bHLT\b|\bhigh-level trigger", re.IGNORECASE)
_POINTS_BACK = re.compile(
    r"^\s*(?:The (?:first|second|third|other|former|latter)|It|This|These|They)\b"
)
_OTHER_OBJECTS = re.compile(
    r"\bveto\b|\breferred to as\b|\blooser\b|\bloose\W+(?:isolation|selection|criteri)"
    r"|\bis defined as\b|\badditional (?:loose )?(?:leptons?|electrons?|muons?)\b"
    # ATLAS "baseline" objects (for overlap removal and vetoes), not the "signal" ones selected
    r"|\bbaseline\s+(?:[\w-]+\s+)?(?:leptons?|electrons?|muons?|jets?|photons?|taus?)\b"
    r"(?!\s+(?:selection|criteria|requirements?|definition|identification|id)\b)",
    re.IGNORECASE,
)


# "events are rejected if an additional loose lepton forms an OSSF pair ... with an invariant mass
# less than 12 GeV": the mass is of a pair with an object beyond the selected ones
_WITH_ADDITIONAL = re.compile(
    r"\b(?:an?\s+)?(?:additional|another|extra|further)\s+(?:[\w-]+\s+){0,2}?(?:leptons?"
    r"|electrons?|muons?|photons?|jets?|tracks?)\b[^;]{0,120}\b(?:forms?|forming|pairs?|with)\b",
    re.IGNORECASE,
)
# "we require the p_T of the leading jet to be >100 GeV and to contain at least one additional jet
# with p_T > 75 GeV": a threshold on objects beyond those already named (the second jet), not on
# every object
_COUNTED_ADDITIONAL = re.compile(
    r"\b(?:at least|exactly|only)\s+(?:one|two|three|four|\d)\s+(?:additional|extra|further|more)"
    r"\s+(?:[\w-]+\s+)?(?:jets?|photons?|leptons?|electrons?|muons?)\s+with\b",
    re.IGNORECASE,
)
# the events of one category as the subject: "One-lepton events with ...", "Zero-lepton events"
_CATEGORY_EVENTS = re.compile(
    r"^\W*(?:zero|one|two|three|four|single|di|tri|multi|\d)-?(?:lepton|photon|jet|muon|electron"
    r"|tau|b-?jet)s?\s+events\b",
    re.IGNORECASE,
)


# "The transfer factor (T_QCD) is the ratio between the number of QCD multijet events in
# Delta phi_min > 0.4 to the number ...", "zeta = N(|Delta phi_R| < 2.8) / N(...)": the comparison
# only says which events a yield counts
_YIELD_RATIO = re.compile(
    r"\btransfer factors?\b[^.;]{0,40}\b(?:is|are|defined as)\b[^.;]{0,20}\bratio\b"
    r"|\bratio\s+(?:between|of)\s+the\s+(?:numbers?|yields?)\s+of\b",
    re.IGNORECASE,
)
_IN_YIELD = re.compile(r"\bN(?:_\{?\w+\}?)?\s*\([^()]*$")


# "two or more jets with", "at least one b-tagged jet with": objects an event requirement counts
_COUNT_WORD = r"(?:one|two|three|four|five|six|seven|eight|\d+)"
_COUNTED_WITH = re.compile(
    rf"\b(?:(?:at least|exactly|only)\s+{_COUNT_WORD}|{_COUNT_WORD}\s+or\s+more)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:jets?|photons?|leptons?|electrons?|muons?|taus?)\s+with\b[^;]{0,40}$",
    re.IGNORECASE,
)
# the words naming an object kind (a sentence introducing the objects a control sample holds)
_KIND_WORDS = {
    "bjet": r"b[- ]?(?:tagged\s+)?jets?",
    "lepton": r"leptons?|electrons?|muons?",
    "tau": r"taus?|tau[- ]leptons?|tau_h",
}


# a channel named by its leptons' flavours: an event cut stated in it is that channel's only
_FLAVOUR_CHANNEL = re.compile(
    r"\bin\s+the\s+(?:(?:ee|mumu|emu|e\s*mu|mu\s*mu|electron|muon|same-flavou?r"
    r"|different-flavou?r|opposite-flavou?r|dielectron|dimuon)(?:\s*(?:,|and|or)\s*)?){1,3}"
    r"\s+(?:channel|final\s+state)s?\b",
    re.IGNORECASE,
)


_ONE_FLAVOUR_NAME = r"(?:ee|mumu|\u03bc\u03bc|emu|e\u03bc|electron|muon|dielectron|dimuon)"
_BRACKETED_CHANNEL = re.compile(
    rf"\b{_ONE_FLAVOUR_NAME}\s*\(\s*{_ONE_FLAVOUR_NAME}\s*\)\s+(?:channel|final\s+state)s?\b",
    re.IGNORECASE,
)


# values of several channels, categories or selections in brackets: "30 (25) GeV in the
# l tau_h (tau_h tau_h) channel", "for the resolved (boosted) selection"
_FLAVOUR_IN_BRACKETS = re.compile(
    rf"\b{_ONE_FLAVOUR_NAME}s?\s*\(\s*{_ONE_FLAVOUR_NAME}s?\s*\)", re.IGNORECASE
)
_VALUE_IN_BRACKETS = re.compile(r"\d\s*(?:[kMGT]?eV\s*)?\(\s*-?\d+(?:\.\d+)?\s*(?:[kMGT]?eV\s*)?\)")
_BRACKETED_GROUP = re.compile(
    r"\b(?:in|for)\s+(?:the\s+)?[^\s()]+(?:\s+[^\s()]+)?\s*\([^()]{1,40}\)\s+(?:channel|final\s+state"
    r"|categor(?:y|ies)|selection|region|signal\s+region|regime|topology)s?\b",
    re.IGNORECASE,
)
# the mass of a pair of one flavour: a value of each is one of its channel
_FLAVOUR_MASSES = {"mee", "mmumu"}
# a channel of another multiplicity: "for the dilepton channel, ..., while for the single-lepton
# channel" (only when the sentence gives more than one channel)
_MULTIPLICITY_CHANNEL = re.compile(
    r"\b(?:in|for)\s+the\s+(?:single|di|tri|multi|zero|one|two|three|same-sign|0|1|2|3)"
    r"[- ]?(?:lepton|photon|jet|tau|muon|electron)s?\s+(?:channel|final\s+state)s?\b",
    re.IGNORECASE,
)


# (a verb: "are selected", not the adjective of "not associated with any selected object")
_SELECTED = re.compile(
    r"\b(?:are|is|be|were|was)\s+(?:also\s+|then\s+)?selected\b|\b(?:required|must|accepted)\b",
    re.IGNORECASE,
)


# a requirement of every channel: "the same as in the other two channels", "common to all
# channels", "in both channels"
_EVERY_CHANNEL = re.compile(
    r"\b(?:same|identical)\s+(?:as|to)\s+(?:(?:in|for)\s+)?(?:that\s+of\s+)?(?:the\s+)?"
    r"(?:other|all|both)\b[^.;]{0,30}?\bchannels\b"
    r"|\b(?:common|shared)\s+(?:to|by)\s+(?:all|both|the\s+\w+)\s+(?:[\w-]+\s+)?channels\b"
    r"|\b(?:in|for)\s+(?:all|both|each\s+of\s+the)\s+(?:[\w-]+\s+)?channels\b",
    re.IGNORECASE,
)


def control_objects(r: Reading, claim: Claim, in_region: bool, position: int | None = None) -> bool:
    """Whether an object cut describes the objects of a control sample: "The gamma+jets control
    sample consists of events having at least one selected photon. Photons are required to have
    p_T > 185 GeV" - the sentence before defines the sample with objects of this kind, and this one
    goes on saying which of them it takes; or, in a paragraph defining a control sample, the value
    is of the objects an event requirement counts ("Events must have no b-tagged jets, two or more
    jets with p_T > 80 GeV"): that sample's requirement, not every object's. (Object definitions
    after a paragraph naming a control sample are otherwise usually shared with the signal
    selection.)"""
    if in_region or claim.kind == "event" or not r.context_control:
        return False
    if position is not None and _COUNTED_WITH.search(
        r.text[r.clause_at(position).start : position]
    ):
        return True
    words = _KIND_WORDS.get(claim.kind, rf"{claim.kind}s?")
    tail = r.context_tail
    # (not a process: "the W+jets-enriched CR" names no jets)
    named = re.search(rf"(?<![+\w])(?:{words})\b", tail, re.IGNORECASE)
    return bool(CONTROL.search(tail) and named)


def _every_channel(before: str) -> bool:
    """Whether the channel named last before the value is every channel ("the same as in the
    other two channels, requiring pT > 25 GeV"; not "In the electron channel, E_T^miss > 30 GeV
    ..., and in both channels ...")."""
    named = list(re.finditer(r"\bchannels?\b", before, re.IGNORECASE))
    return bool(named) and any(
        m.start() <= named[-1].start() < m.end() for m in _EVERY_CHANNEL.finditer(before)
    )


def clause_problem(r: Reading, position: int, in_region: bool, claim: Claim) -> str | None:
    clause = r.clause_at(position)
    condition = _OBJECT_CONDITION.match(r.text)
    if (
        condition
        and claim.kind != "event"
        and position >= condition.end()
        and P.object_of(P.OBJECT_RE.search(condition.group("obj")))  # type: ignore[arg-type]
        in accepted_kinds(claim)
    ):
        # "For jets with pT < 60 GeV and |eta| < 2.4, the jet vertex tagger is required to ..."
        return (
            f"the requirement is only for the {claim.kind}s the condition opening the sentence "
            f"names ('{condition.group(0).strip()} ...'), not for every {claim.kind}"
        )
    picked = _PICKED_FROM.search(r.text, 0, position)
    if picked is not None and claim.kind == "jet" and ";" not in r.text[picked.end() : position]:
        # "b-tagged jets are selected from jets with pT > 20 GeV and |eta| < 2.5 using ...": the
        # jets the b-jets are picked from
        return (
            "the values pick the jets the b-tagged jets are chosen from ('"
            f"{picked.group(0).strip()} ...'): a cut on the b-jets, not on every jet"
        )
    part = _DETECTOR_PART.match(r.text)
    if part and claim.kind != "event" and ";" not in r.text[part.end() : position]:
        # "In the barrel region, electrons must have pT > 25 GeV" (and "In the forward region
        # (|eta| > 2.5), ...": the value in the opening bounds the part, not the objects)
        return (
            f"the requirement is only for the {claim.kind}s in the part of the detector the "
            f"sentence opens with ('{part.group(0).strip()} ...'), not for every {claim.kind}"
        )
    if (
        claim.quantity not in ("count", "sfos")
        and claim.kind != "event"
        # (not the veto of the n-th object: "a veto ... on additional jets with pT > 30 GeV
        # beyond the two leading jets" is the third jet's pT, which rank_problem checks)
        and not (claim.rank is not None and claim.absent_passes)
        and _OTHER_OBJECTS.search(r.text[clause.start : clause.end])
    ):
        return OTHER_OBJECTS
    if (
        claim.rank is None
        and claim.quantity not in ("count", "sfos")
        and claim.kind != "event"
        and _COUNTED_ADDITIONAL.search(r.text[clause.start : position])
    ):
        return (
            "the clause requires a number of additional objects (beyond those already named) "
            "with the value, not that every object has it"
        )
    if _YIELD_RATIO.search(r.text) or _IN_YIELD.search(r.text[max(0, position - 60) : position]):
        return (
            "the clause defines a ratio of event yields (a transfer factor), not a selection: "
            "the value only names the events counted"
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
    if (
        (claim.kind == "event" and _FLAVOUR_CHANNEL.search(r.text[clause.start : clause.end]))
        or _MULTIPLICITY_CHANNEL.search(r.text)
    ) and len(
        re.findall(r"\b(?:channels?|final\s+states?)\b", r.text, re.IGNORECASE)
    ) > 1:  # "p_T^miss > 50 GeV in the ee and mumu channels and p_T^miss > 30 GeV in the emu
        # channel": values that differ by channel (one channel's cut alone is left as read)
        kinds.add("category")
    if claim.kind == "event" and _BRACKETED_CHANNEL.search(r.text[clause.start : clause.end]):
        kinds.add("category")  # "in the ee (mumu) channel ... m_ll > 20 (15) GeV": per channel
    clause_text = r.text[clause.start : clause.end]
    if (
        _VALUE_IN_BRACKETS.search(clause_text)
        and _BRACKETED_GROUP.search(clause_text)
        # (not "in the electron (muon) channel, electrons (muons) must have pT > 30 (25) GeV":
        # each flavour's objects, named with it)
        and not _BRACKETED_CHANNEL.search(clause_text)
    ):  # "taus must have pT > 30 (25) GeV in the l tau_h (tau_h tau_h) channel": per channel
        kinds.add("category")
    if (
        claim.kind == "event"
        and _VALUE_IN_BRACKETS.search(clause_text)
        and _FLAVOUR_IN_BRACKETS.search(r.text)
    ):  # "exactly one electron (muon) with ... and E_T^miss above 65 (55) GeV": per channel
        kinds.add("category")
    if claim.quantity in _FLAVOUR_MASSES and any(
        c.quantity in _FLAVOUR_MASSES - {claim.quantity} for c in r.comparisons
    ):  # "m_ee > 225 GeV, while dimuon events need m_mumu > 250 GeV": each of its channel
        kinds.add("category")
    if CATEGORIES.search(r.context_tail) and r.context_tail.rstrip().endswith(":"):
        # "Two signal regions are defined: / SR-low requires m_eff > 1000 GeV and SR-high ..."
        kinds.add("categories")
    if "categories" in kinds or (
        _CATEGORY_EVENTS.match(r.text) and (r.context_category or "categor" in r.text.lower())
    ):  # "One-lepton events with fewer than 4 jets are not considered" (paragraph on categories)
        kinds.add("category")
    if (
        claim.kind == "event" or claim.quantity in ("count", "sfos") or claim.rank is not None
    ) and names_several_regions(r.text):
        kinds.add("category")  # "The ggF category requires ..., and the VBF category requires ..."
    kinds -= {"control", "category"} if in_region else set()
    if _every_channel(r.text[clause.start : position + 1]):
        kinds.discard("category")  # "the electron channel's selection is the same as the others'"
    if "input" in kinds and _SELECTED.search(r.text):
        kinds.discard("input")  # "are selected and are also used in the calculation of the MET"
    if claim.quantity in FLAGS:
        kinds &= {"histogram", "trigger"}
    if control_objects(r, claim, in_region, position):
        kinds.add("control")
    if claim.quantity != "dr" or claim.partner is not None:
        kinds -= {"cone"}
    if claim.partner is not None:  # read as overlap removal already (separation_problem)
        kinds -= {"overlap"}
    if claim.quantity in ("zwindow", "sfosmass", "sfos") and _SAME_FLAVOUR_EVENTS.search(r.text):
        # "... are rejected in the same-flavour channels": a cut on SFOS pairs holds there only
        kinds -= {"category"}
    if _TRIGGER_BEFORE.search(r.context_tail) and _POINTS_BACK.match(r.text):
        return (
            "the sentence goes on describing the trigger of the sentence before, not an "
            "offline selection"
        )
    split = split_objects_problem(claim, r)
    if split is not None:
        return split
    if claim.kind != "event" and claim.rank is None and _INPUT_OF_A_SUM.search(r.text):
        return (
            "the objects are the inputs of an event quantity ('jets with pT > 40 GeV enter the "
            "calculation of H_T'): the value says which objects it sums, not which are selected"
        )
    for name in (
        "histogram",
        "trigger",
        "efficiency",
        "calibration",
        "control",
        "signature",
        "elsewhere",
        "input",
        "category",
        "cone",
        "overlap",
        "permitted",
    ):
        if name in kinds:
            return NOT_A_SELECTION[name]
    if r.in_condition(position) and claim.partner is None:
        return (
            "the comparison is a condition ('for ... with', 'if ...') qualifying another "
            "statement, not a cut"
        )
    picks_events = any(
        b <= position and _EVENTS_SUBJECT.search(r.text[max(0, a - 30) : a])
        for a, b in r.conditions
    )  # "Events with fewer than four jets must have H_T > 500 GeV"
    opening = _CONDITIONAL_OPENING.match(r.text)
    conditional = opening is not None and (
        claim.kind == "event"
        or claim.rank is not None
        or bool(_EVENT_OR_RANK.search(opening.group("cond")))
        # "When the muon has |eta| > 1.2, its pT must be above 30 GeV": the forward muons' only
        # (not overlap removal, "If a jet is within Delta R < 0.4 of an electron, the jet is
        # removed": the condition is the separation cut itself)
        or (claim.partner is None and bool(_COMPARED.search(opening.group("cond"))))
    )  # "When the leading lepton is a muon, its pT must exceed 28 GeV": not every muon's
    if (
        conditional
        or (claim.kind == "event" or claim.rank is not None)
        and (_EVENT_CONDITION.search(r.text) or picks_events)
    ) and not in_region:
        # "H_T > 300 GeV is required for events with N_jets >= 4 (and H_T > 500 GeV otherwise)":
        # the requirement holds where the condition does; as one cut on all events it is not
        # what the paper applies
        return (
            "the requirement holds only for the events a condition in the sentence names ('for "
            "events with ...', 'if ...', 'otherwise'): as one cut on every event it is not the "
            "paper's; state it with the condition (cond ? cut : ALL) or in its region"
        )
    return None


# a sentence opening with the objects a requirement is for: "For jets with pT < 60 GeV, ...,"
_OBJECT_CONDITION = re.compile(
    r"^\W*for\s+(?:all\s+|the\s+|those\s+|any\s+)?(?:[\w-]+\s+){0,2}?"
    rf"(?P<obj>{ANY_OBJECT})\s+(?:with|having|that\s+have|whose|in\s+the)\b[^,;]{{3,120}}?,",
    re.IGNORECASE,
)
_PICKED_FROM = re.compile(
    r"\bb-?(?:tagged\s+)?jets?\s+(?:are|is)\s+(?:then\s+)?(?:selected|identified|chosen|taken"
    r"|defined|tagged)\s+(?:from|among|amongst|out\s+of)\s+(?:the\s+|all\s+)?(?:[\w-]+\s+)?jets"
    r"\s+(?:with|having|that\s+have|satisfying)\b",
    re.IGNORECASE,
)
# a part of the detector opening the sentence: "In the barrel region, ...", "In the endcaps, ...",
# "For the forward calorimeter, ..." (the objects there, not every object)
_DETECTOR_PART = re.compile(
    r"^\W*(?:in|for|within)\s+the\s+(?:barrel|end-?caps?|forward|central|transition|crack"
    r"|overlap)\b(?:\s+(?:regions?|parts?|calorimeters?|detectors?|section))?\s*(?:\([^)]*\))?"
    # (or no comma before the objects: "In the barrel region electrons must have ...")
    rf"\s*(?:,|(?=(?:the\s+|all\s+)?{ANY_OBJECT}\b))",
    re.IGNORECASE,
)
# ("Selected events with exactly two leptons are required to ..." are all the selected events)
_EVENTS_SUBJECT = re.compile(r"(?<!selected )\bevents?\s+with\s*$", re.IGNORECASE)
# objects split into groups with different requirements: "Muons with pT above 20 GeV are required
# to be isolated, whereas lower-pT muons need only ...", "pT > 30 GeV in the central region and
# pT > 40 GeV in the forward region"
_SPLIT_OBJECTS = re.compile(
    r"\b(?:whereas|while|but)\s+(?:the\s+)?(?:those|ones|lower-?\s?p_?T|higher-?\s?p_?T|softer"
    r"|harder)\b|\b(?:whereas|while)\s+[^,;]{0,30}?\b(?:below|above)\b"
    r"|\bin\s+the\s+(?:central|barrel)\s+(?:region|part|calorimeter|detector)\b[^.;]{0,80}?"
    r"\bin\s+the\s+(?:forward|end-?caps?)\b",
    re.IGNORECASE,
)


def split_objects_problem(claim: Claim, r: Reading) -> str | None:
    """A requirement of every object read from a sentence that splits them ('Muons with pT above
    20 GeV are required to be isolated, whereas lower-pT muons need only ...')."""
    if claim.kind == "event" or claim.rank is not None or not _SPLIT_OBJECTS.search(r.text):
        return None
    return (
        "the sentence gives different requirements to objects above and below a value or in "
        "different regions ('... whereas lower-pT muons ...', 'in the central region and ... in "
        "the forward region'): the requirement holds for some of the objects, not every one"
    )


# the objects an event quantity sums: "Only jets with pT > 50 GeV enter the calculation of H_T",
# "H_T is computed from jets with pT > 40 GeV", "Jets with pT > 40 GeV are used in the computation
# of m_eff"
_SUM = r"(?:H_?T\b|HT\b|MHT\b|m_?\{?eff\}?|meff\b|S_?T\b|effective\s+mass|H_?T\s*\^\s*\{?miss)"
_INPUT_OF_A_SUM = re.compile(
    r"\b(?:enter(?:s|ing)?|(?:used|considered|included)\s+(?:in|for))\s+the\s+(?:computation"
    rf"|calculation|determination|definition|sum)\s+of\s+(?:the\s+)?{_SUM}"
    rf"|{_SUM}\s*,?\s+(?:(?:is|are)\s+)?(?:computed|calculated|defined|built|formed|constructed)\s+"
    r"(?:from|using|with|as\s+the\s+(?:scalar\s+)?sum\s+of)\b",
    re.IGNORECASE,
)
# a sentence opening with a condition: "If the event has at least three jets, ...", "Should a
# second lepton be present, ...", "When the leading lepton is a muon, ..." (not "If not stated
# otherwise, ...", "When available, ...", "When forming the pairs, ...")
_CONDITIONAL_OPENING = re.compile(
    r"^\W*(?:if|when|whenever|should|in\s+case|provided(?:\s+that)?)\s+"
    r"(?!not\b|otherwise\b|available\b|needed\b|necessary\b|applicable\b|possible\b|\w+ing\b)"
    r"(?P<cond>[^,;]{3,150}?),",
    re.IGNORECASE,
)
_COMPARED = re.compile(
    r"[<>\u2264\u2265]|\b(?:above|below|greater|less|larger|smaller|exceeds?)\b", re.IGNORECASE
)
_EVENT_OR_RANK = re.compile(
    rf"\b(?:events?|{P.RANK_WORDS}|hardest|highest)\b",
    re.IGNORECASE,
)
_EVENT_CONDITION = re.compile(
    r"\b(?:for|in)\s+(?:all\s+|the\s+|those\s+)?events?\s+(?:with|having|that\s+have|whose"
    r"|in\s+which)\b"
    # "..., and in two-muon events the dimuon mass must ...": the events with that many objects
    # (after a clause break: not "This search for top squarks in two-lepton events requires ...",
    # "selected in four-lepton events with ...": the whole selection's events)
    rf"|{P.CONDITION_EVENTS_BEFORE}(?:one|two|three|four|[1-4])-(?:muon|electron|lepton|photon"
    rf"|jet|b-jet|tau)\s+events\b(?!{P.EVENTS_QUALIFIED_AFTER})"
    # (an if-clause opening the sentence; "vetoed if it has ..." states the requirement itself)
    r"|^\W*(?:if|when|whenever)\s+(?:the\s+)?(?:event|there\s+(?:is|are)|N_?\w*|H_?T|MET)\b"
    # (not "..., otherwise the event is discarded": the requirement itself, said strictly)
    r"|\botherwise\b(?!,?\s+(?:the\s+|this\s+)?events?\s+(?:is|are)\s+(?:discarded|rejected|removed"
    r"|vetoed|dropped|not\s+(?:considered|used|kept)))",
    re.IGNORECASE,
)


# the objects a rejected event has, with what makes them count: "Events with more than one lepton
# with pT > 10 GeV are rejected" (the threshold says which leptons are counted, not what is thrown
# away: the count carries the polarity, and the threshold defines veto objects)
_REJECTED_EVENTS_WITH = (
    r"(?:\bevents?\s+(?:with|containing|having|that\s+(?:have|contain)|in\s+which)"
    # "events are vetoed if they contain a jet with ..."
    r"|\b(?:if|when)\s+(?:they|it|the\s+event)\s+(?:contains?|has|have)"
    rf"|{P.NEGATED_HAVE})\s+"
)
# the counted object and its threshold (not "events with a fifth jet with pT above 75 GeV": the
# n-th one, not the counted ones)
_COUNTED_OBJECT = (
    rf"(?:(?!(?:{P.RANK_WORDS}|\d+(?:st|nd|rd|th))\b)"
    rf"[\w-]+\s+){{0,4}}?{ANY_OBJECT}(?:\s*\([^()]{{0,40}}\))?\s+(?:with|having|of)\s+[^,;]{{0,40}}$"
)
_COUNTED_IN_REJECTED_EVENTS = re.compile(_REJECTED_EVENTS_WITH + _COUNTED_OBJECT, re.IGNORECASE)
# a later item of the vetoed objects' list: "events containing a b-jet with pT > 30 GeV, a photon
# with pT > 22 GeV or a tau with pT > 24 GeV are discarded"
_LISTED_IN_REJECTED_EVENTS = re.compile(
    _REJECTED_EVENTS_WITH
    + r"(?:an?|any|one)\s+[^;]{0,120}?(?:,\s*(?:or\s+)?|\s+or\s+)(?=(?:an?|any|one)\s)"
    + _COUNTED_OBJECT,
    re.IGNORECASE,
)


def _counted_in_rejected_events(before: str) -> bool:
    return bool(
        _COUNTED_IN_REJECTED_EVENTS.search(before) or _LISTED_IN_REJECTED_EVENTS.search(before)
    )


# "no jet with pT > 50 GeV besides the leading one": the objects above the value are excluded
_NO_OBJECT_BEFORE = re.compile(
    rf"\bno\s+(?:[\w-]+\s+){{0,2}}?{ANY_OBJECT}\s+[^.;]{{0,60}}$", re.IGNORECASE
)


# the start of the finding that a threshold picks the objects a veto counts
VETO_THRESHOLD = "the threshold says which"
OTHER_OBJECTS = (
    "the clause defines other objects (veto, loose or additional ones), not the selected objects"
)


def counted_in_veto(r: Reading, position: int) -> bool:
    """Whether the comparison at ``position`` says which objects a veto counts ('events
    containing a photon with E_T > 15 GeV are discarded', 'no b-tagged jet with pT > 20 GeV')."""
    before = r.text[:position]
    if _NO_OBJECT_BEFORE.search(before):
        return True
    rejects = r.clause_at(position).rejects or rejected_subject(r, position)
    return rejects and _counted_in_rejected_events(before)


def direction_problem(claim: Claim, r: Reading, comp) -> str | None:  # type: ignore[no-untyped-def]
    stated = DIRECTION.get(comp.op, comp.op)
    rejects = (
        r.clause_at(comp.position).rejects
        or rejected_subject(r, comp.position)
        # the veto of the n-th object ('no jet ... besides the leading one')
        or (claim.absent_passes and bool(_NO_OBJECT_BEFORE.search(r.text[: comp.position])))
    )
    if (
        rejects
        and claim.kind != "event"
        and claim.rank is None
        and _counted_in_rejected_events(r.text[: comp.position])
    ):
        return (
            f"{VETO_THRESHOLD} {claim.kind}s the veto counts, not which are selected: "
            f"as a cut on the selected {claim.kind}s it is not the paper's (state the vetoed "
            "objects as a collection of their own and count those)"
        )
    rejects = rejects and stated != "outside"  # an excluded interval is read as 'outside' already
    if (
        not rejects
        and comp.op == "between"
        and claim.absolute
        and claim.direction == "upper"
        and isinstance(comp.value, list)
        and len(comp.value) == 2
        and comp.value[0] == -comp.value[1]
    ):
        return None  # "-2.5 < eta < 2.5" is |eta| < 2.5
    kept = INVERSE.get(stated, stated) if rejects else stated
    if claim.direction == kept:
        return joint_rejection(claim, r, comp) if rejects else None
    if rejects and claim.direction == stated:
        return (
            f"polarity: the clause says what satisfies {comp.quantity} {comp.op} "
            f"{fmt(claim.values)} is rejected/removed, but the cut keeps it"
        )
    return (
        f"direction: the quote states {comp.quantity} {comp.op}, the cut is {claim.direction} bound"
    )


JOINT = (
    "the clause rejects events meeting several conditions together (A and B): the kept events "
    "fail one of them"
)


def joint_rejection(claim: Claim, r: Reading, comp) -> str | None:  # type: ignore[no-untyped-def]
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
    return f"{JOINT}, not necessarily this one, so the inverted condition alone is not a cut"


def rejected_subject(r: Reading, position: int) -> bool:
    """'Events with ... > X, ..., are rejected': the verb comes after the clause holding the
    number."""
    return rejects_events(r.text) and bool(
        re.search(r"\b(?:rejected|vetoed|discarded|removed|excluded)\b", r.text[position:])
    )


JET_RADIUS = (
    "the number is the distance parameter (radius) of the jet clustering algorithm, not a "
    "separation between objects"
)


# the events as the subject the objects are said of ("Events with a jet ... within Delta R < 0.4
# of the photon are removed": the events are removed, not the jet)
_EVENTS_WITH = re.compile(
    r"^\W*(?:(?:any|all|the)\s+)?events?\s+(?:with|containing|having|that\s+(?:have|contain)|in\s+"
    r"which)\b",
    re.IGNORECASE,
)


def separation_problem(claim: Claim, r: Reading, in_region: bool) -> str | None:
    """A ``min_delta_r(Y) > v`` cut on X: the quote must be an overlap-removal or separation
    statement (:mod:`separations`) of X from Y at v, keeping the far objects."""
    found = separations(r.text)
    subjects = accepted_kinds(claim)
    partners = accepted_kinds(Claim(str(claim.partner), "dr", "", ()))
    value = claim.values[0] if claim.values else float("nan")
    for sep in found:
        if not (
            sep.subject in subjects
            and sep.partner in partners
            and same_value(value, sep.value, None)
        ):
            continue
        if _EVENTS_WITH.search(r.text[: sep.position]) and rejects_events(r.text):
            # "Events with a jet with pT > 30 GeV within Delta R < 0.4 of the photon are removed"
            return (
                f"the quote rejects the events that have such a {sep.subject} (an event veto), "
                f"not the {sep.subject}s: a cut on the {sep.subject}s keeps those events"
            )
        subject = [pos for pos, kind in r.objects if kind in subjects and pos < sep.position]
        some = subset_problem(claim, r, subject) or ranked_subject_problem(claim, r, subject)
        if some is not None:
            return some  # ("The leading jet must be separated from the photon by ...")
        if DIRECTION[sep.op] != claim.direction:
            return (
                f"polarity: the quote removes the {sep.subject}s closer than Delta R "
                f"{sep.value:g} to a {sep.partner} (the kept ones are farther), but the cut is "
                f"{claim.direction} bound"
            )
        return clause_problem(r, sep.position, in_region, claim)
    if found:
        sep = found[0]
        return (
            f"the quote separates {sep.subject}s from {sep.partner}s by Delta R {sep.value:g}, "
            f"not {claim.kind}s from {claim.partner}s by {fmt(claim.values)}"
        )
    if jet_radius(r.text):
        return JET_RADIUS
    if isolation_cone(r.text):
        return NOT_A_SELECTION["cone"]
    return (
        f"no overlap-removal or separation statement of {claim.kind}s from {claim.partner}s at "
        f"Delta R {fmt(claim.values)} in the quote"
    )

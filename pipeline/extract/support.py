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

This module reads the quote and runs the checks; what a cut claims is in :mod:`support_claims`,
the object and rank tests in :mod:`support_objects`, the clause and polarity tests in
:mod:`support_clauses`, the count tests in :mod:`support_counts`.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from pipeline.extract import (
    alternatives,
    charges,
    conditionals,
    count_thresholds,
    named_regions,
    ranks,
    vetoes,
)
from pipeline.extract import patterns as P
from pipeline.extract.grounding import _Index, cut_numbers, ground_cut, text_numbers
from pipeline.extract.legal import NOT_EXPRESSIBLE
from pipeline.extract.reading import (
    WITH_SUBJECT,
    Reading,
    control_context,
    read,
    subject_conditions,
)
from pipeline.extract.support_claims import (
    DIRECTION,
    FLAGS,
    INVERSE,
    SPOKEN,
    Claim,
    accepted_kinds,
    claim_of,
    collection_kinds,
    comparison_values,
    fmt,
    names_claimed,
    quantity_ok,
    same_value,
)
from pipeline.extract.support_clauses import (
    JOINT,
    NOT_A_SELECTION,
    OTHER_OBJECTS,
    VETO_THRESHOLD,
    clause_problem,
    control_objects,
    counted_in_veto,
    direction_problem,
    joint_rejection,
    rejected_subject,
    separation_problem,
    split_objects_problem,
)
from pipeline.extract.support_counts import COUNTED_ONLY, check_count
from pipeline.extract.support_coverage import numbers_in, unread_thresholds
from pipeline.extract.support_objects import object_problem, rank_problem, subset_problem
from pipeline.extract.text_bins import REGION_PREFIX as TEXT_BIN_PREFIX
from pipeline.parse.document import Document
from pipeline.selection.models import Cut, Grounding, Provenance, SelectionList, Status

# "pT > 185 or 80 GeV for the non-boosted or boosted categories, respectively"
# "... 150 GeV (200 GeV) for the low-mass (high-mass) region", "250 (350) GeV in SRA (SRB)"
_PER_REGION_ALTERNATIVE = re.compile(
    # (not "for the leading (subleading) photon": values per rank, which the ranks state)
    rf"^[^.;]{{0,30}}?\b(?:for|in)\s+(?:the\s+)?(?!(?:{P.RANK_WORDS})\b)[^.;()]{{0,30}}"
    r"\((?!\s*(?:" + P.RANK_WORDS + r")\b)[^()]{1,25}\)",
    re.IGNORECASE,
)
# an alternative value with its unit: "150 GeV (200 GeV)" (not an equation number "(1)")
_BRACKETED_VALUE = re.compile(r"^\s*(?:[kMGT]?eV)?\s*\(\s*-?[\d.]+\s*[kMGT]?eV\s*\)")
_PER_CATEGORY = re.compile(
    r"^\W*(?:GeV|TeV|MeV|rad|mm|cm)?\s*(?:,\s*)?(?:for|in)\s+the\s+[^.;]{0,60}?"
    r"\b(?:categor(?:y|ies)|regions|channels|selections)\b[^.;]{0,12}\brespectively\b",
    re.IGNORECASE,
)


def _check_comparison(claim: Claim, r: Reading, in_region: bool) -> str | None:
    """None when some comparison of the quote supports the claim; else the most telling reason."""
    reasons: list[str] = []
    elsewhere: list[str] = []  # the value bound to another quantity: said last
    for comp in r.comparisons:
        if not all(
            any(same_value(v, h, comp.unit) for h in comparison_values(comp)) for v in claim.values
        ):
            continue
        if not quantity_ok(claim, comp.quantity):
            named = SPOKEN.get(comp.quantity, comp.quantity)
            elsewhere.append(
                f"the number(s) {fmt(claim.values)} bind to {named}, not to {claim.quantity}"
            )
            continue
        reason = clause_problem(r, comp.position, in_region, claim)
        if reason is None and comp.unit is None and _TIMES_QUANTITY.match(comp.after):
            reason = (
                "the value multiplies another quantity ('E_T > 0.3 m_gammagamma'): the cut is "
                "relative to it, not the number alone"
            )
        if (
            reason is None
            and r.compound_before(comp.position)
            and comp.quantity not in ("reliso", "d0sig", "ystar")  # (the * of y* is no product)
        ):
            reason = (
                f"the number is compared with a sum or product ending in {comp.quantity}, "
                f"not with {comp.quantity} alone"
            )
        alternative = comp.alt is not None or _BRACKETED_VALUE.match(comp.after) is not None
        per_region = _PER_REGION_ALTERNATIVE.match(comp.after) if alternative else None
        if reason is None and per_region and not P.OBJECT_RE.search(per_region.group(0)):
            reason = (
                "the values are alternatives for different regions or categories ('150 GeV (200 "
                "GeV) for the low-mass (high-mass) region'), not one cut of the whole selection"
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
        if (
            reason is None
            and comp.extra
            and claim.kind == "event"
            and claim.rank is None
            and _RESPECTIVELY.match(comp.after)
            and len(set(comparison_values(comp))) > 1
        ):
            reason = (
                "the values are one per object ('... 0.5, 0.5, 0.3, 0.3, respectively'), not "
                "one cut on an event quantity"
            )
        if (
            reason is None
            and comp.extra
            and claim.kind == "event"
            and claim.rank is None
            and claim.direction in ("lower", "upper")
            and len(set(comparison_values(comp))) > 1
        ):  # "E_T^miss thresholds of 250, 400 and 600 GeV": one per signal region or bin
            reason = (
                "the comparison lists several values of one event quantity ('> 250, 400 and 600 "
                "GeV'), one per signal region or bin; no one of them is a cut of the whole "
                "selection"
            )
        if reason is None and _range_condition(r, comp):
            condition = re.split(r"[,;]\s|\s+and\s", comp.after.strip(), maxsplit=1)[0][:80]
            reason = (
                f"the value holds only in a range of another quantity ('... {condition}'), not "
                "for every object"
            )
        if reason is None:
            period = _data_period(r, comp)
            if period is not None:
                reason = (
                    f"the value is stated for one data-taking period ('{period}'), not for the "
                    "whole dataset"
                )
        if reason is None:
            call = _ARGUMENT_OF.search(r.text, r.clause_at(comp.position).start, comp.position)
            if (
                call is not None
                and _function(call.group("f")) not in (comp.quantity, "pt", "eta")
                # (not the denominator of the ratio compared: "E_T^miss/m_eff(N_j) > 0.2")
                and not r.text[: call.start()].rstrip().endswith("/")
            ):
                reason = (
                    f"{comp.quantity} is an argument of {call.group('call')}, the quantity "
                    "compared; the cut bounds the argument alone"
                )
        if reason is None and _WAIVED.search(r.text, comp.position, r.clause_at(comp.position).end):
            reason = (
                "the value picks the objects a requirement is waived for ('are exempt from ...', "
                "'need not ...'), not a cut"
            )
        if reason is None and P.if_present(r.text, comp.position, comp.after):
            reason = (
                "the requirement holds only where such an object is present ('if present'); as a "
                "cut it also requires one"
            )
        if reason is None and _CONDITION_AFTER.match(comp.after):
            condition = re.split(r"[,;]\s", comp.after.strip(), maxsplit=1)[0][:80]
            reason = (
                f"the value holds only under the condition after it ('... {condition}'), not "
                "for every object or event"
            )
        if reason is None and claim.rank is not None and _PER_FLAVOUR.match(comp.after):
            reason = (
                "the value depends on the flavour of the ranked object ('25 GeV for electrons "
                "and 20 GeV for muons'), which one cut on the n-th object does not state"
            )
        if reason is None and claim.kind not in ("event", "other"):
            reason = _picks_objects(r, comp.position)
        if reason is None and claim.kind not in ("event", "other"):
            here = r.clause_at(comp.position)
            picked = [
                (a, b)
                for a, b in subject_conditions(r.text)
                if here.start <= a and b <= comp.position
            ]
            if picked:
                reason = (
                    "the requirement is for the objects the with-phrase before it picks "
                    f"('... with {r.text[picked[-1][0] : picked[-1][1]].strip()} must ...'), not "
                    "for every object"
                )
        if reason is None:
            reason = direction_problem(claim, r, comp)
        if (
            reason is None
            and claim.rank is not None
            and claim.direction == "upper"
            and not claim.absent_passes
            and (r.clause_at(comp.position).rejects or rejected_subject(r, comp.position))
        ):
            reason = (
                f"the quote vetoes a {ranks.ordinal(claim.rank)} {claim.kind} above the value; "
                f"an upper cut on the {ranks.ordinal(claim.rank)} {claim.kind} would also reject "
                "the events that have none"
            )
        if reason is None and not (comp.index_kind and comp.index_kind in accepted_kinds(claim)):
            reason = object_problem(claim, r, comp.position, comp.after)  # pT,l1 names its lepton
        if reason is None:
            reason = rank_problem(claim, r, comp)
        if (
            reason is None
            and claim.rank is not None
            and _PAIR_FORMED.search(r.text)
            and _OUTSIDE_THE_PAIR.search(r.text, r.clause_at(comp.position).start, comp.position)
        ):
            reason = (
                "the clause speaks of the object outside the pair the sentence forms ('the third "
                f"lepton' of a Z candidate and one more), not of the {ranks.ordinal(claim.rank)} "
                f"{claim.kind} by pT"
            )
        if reason is None and claim.kind not in ("event", "other") and claim.rank is None:
            reason = _some_of_them(claim, r, comp.position)
        if reason is None:
            return None
        reasons.append(reason)
    if reasons or elsewhere:
        return (reasons + elsewhere)[0]
    if _TABLE_ROW.match(r.text):
        return _check_table_row(claim, r)
    for position in _number_positions(claim.values[:1], r):
        problem = clause_problem(r, position, in_region, claim)
        if problem is not None:
            return problem
    if _in_condition_text(claim, r):
        return (
            f"{fmt(claim.values)} appears only in a condition ('for ... with', 'if ...'), "
            "which qualifies another statement"
        )
    return f"no comparison of {claim.quantity} with {fmt(claim.values)} is stated in the quote"


# quantities a selection bounds in absolute value: eta > 2.5 means |eta| > 2.5, d0 < 0.5 mm |d0|
_BOTH_SIGNS = frozenset({"eta", "d0", "z0", "z0sintheta"})

_PER_FLAVOUR = re.compile(
    r"^[^.;]{0,20}?\b(?:for\s+(?:the\s+|an?\s+)?|(?:if|when)\s+it\s+is\s+an?\s+)(?:electrons?"
    r"|muons?|ee|mumu|e\s*mu)\b",
    re.IGNORECASE,
)
# a condition right after the value: "pT > 30 GeV if 2.4 < |eta| < 4.5", "... when the jet is
# forward", "provided that ..."
_CONDITION_AFTER = re.compile(
    r"^\s*(?:[kMGT]?eV|mm|cm|rad)?\s*,?\s*(?:(?:if|when|whenever|provided|in\s+case|unless)\b"
    # "H_T > 120 GeV for 2-jet events (150 GeV for 3-jet events)": events of one multiplicity
    r"|(?:for|in)\s+(?:the\s+)?(?:\d+|zero|one|two|three|four)[- ](?:b-?)?(?:jets?|leptons?"
    r"|photons?|taus?|b-?tag\w*)\s+(?:events?|categor(?:y|ies)|channels?|bins?|regions?)\b)",
    re.IGNORECASE,
)
_RESPECTIVELY = re.compile(r"^[^.;]{0,30}?\brespectively\b", re.IGNORECASE)
# a value for a range of another quantity after it: "pT > 25 GeV for |eta| < 2.4 and ..."
_RANGE_CONDITION_AFTER = re.compile(
    r"^\s*(?:[kMGT]?eV)?\s*,?\s*(?:(?:is|are)\s+(?:also\s+)?(?:required|applied|imposed|demanded)"
    r"\s+)?(?:only\s+)?(?:for|in|at|within)\s+(?:the\s+)?"
    r"(?:(?:region|range)\s+(?:of\s+)?)?(?:(?:events|jets|objects)\s+with\s+)?"
    r"(?:-?[\d.]+\s*(?:<=?|>=?)\s*)?\|?\s*(?P<q>eta|y|p_?T|E_?T|H_?T|m_?eff|N_?jets?|n_?j"
    r"|E_?T\^?miss|MET|m_?T|m_?ll)\s*\|?\s*(?:<=?|>=?)",
    re.IGNORECASE,
)


def _range_condition(r: Reading, comp) -> bool:  # type: ignore[no-untyped-def]
    """'pT > 20 GeV for |eta| < 2.5 and pT > 30 GeV in 2.5 < |eta| < 4.5': the value holds in
    a range of another quantity - one the sentence splits (another value of the same quantity)
    or a range that is not the acceptance ('for 2.5 < |eta| < 4.5', 'for |eta| > 2.4'). Not the
    acceptance alone: 'pT > 25 GeV within |eta| < 2.5' is two cuts."""
    said = _RANGE_CONDITION_AFTER.match(comp.after)
    if said is None:
        return False
    if said.group("q").lower() not in ("eta", "y"):
        return True  # ("alpha_T > 0.52 is required for H_T < 800 GeV": not an acceptance)
    if re.search(
        r"(?:-?[\d.]+\s*<=?|>=?)\s*\|?\s*(?:eta|y|p_?T|E_?T)\s*\|?\s*(?:<=?|>=?)$", said.group(0)
    ):
        return True  # ("in 2.5 < |eta| < 4.5", "for |eta| > 2.4": a range the acceptance is not)
    if re.search(r"\s*(?:>=?)$", said.group(0)):
        return True
    rest = re.split(r";|\.(?!\d)", comp.after[said.end() :], maxsplit=1)[0]
    if re.search(
        r"\b(?:and|or|while|whereas)\s+(?:[\w-]+\s+){0,3}?\d+(?:\.\d+)?\s*[kMGT]?eV\b", rest
    ):
        return True  # ("pT > 20 GeV for |eta| < 2.5 and 30 GeV for 2.5 < |eta| < 4.5")
    return any(
        other.quantity == comp.quantity and other.position != comp.position
        for other in r.comparisons
    )


# one data-taking period: "In 2017 data, ...", "events in the 2015-2016 dataset must have", "in
# 2018"; a value of one period when the sentence sets it against another period or value
_PERIOD = re.compile(
    r"\b(?:in|for|during)\s+(?:the\s+)?"
    r"(?:20\d\d(?:\s*(?:-|\u2013|\+|and|to)\s*(?:20)?\d\d)?|Run[- ]?[123])"
    r"(?:\s+(?:data(?:set|-taking(?:\s+period)?)?|run|collisions|period))?\b",
    re.IGNORECASE,
)
# a quantity named as the argument of another: "mT(b, E_T^miss) is required to be above 150 GeV"
_ARGUMENT_OF = re.compile(
    # (a mass of the arguments: "mT(...)", "m_T(...)", "M_T2(...)", "m_CT(...)", "m(...)")
    r"(?P<call>(?P<f>\b[mM](?:_?\{?(?:T2?|CT|eff)\}?)?)\s*\([^()]{1,40}\))\s*"
    r"(?:[a-z]+\s+){0,6}$"
)
# a requirement waived for the objects the value picks: "Electrons with E_T above 500 GeV are
# exempt from the isolation requirement"
_WAIVED = re.compile(
    r"\b(?:(?:are|is)\s+(?:exempt(?:ed)?|excused)\s+from|(?:are|is)\s+not\s+(?:required|subject)"
    r"\s+to|need\s+not|(?:do|does)\s+not\s+need\s+to|(?:requirement|criterion|cut)\s+is\s+"
    r"(?:dropped|removed|waived|relaxed|not\s+applied))\b",
    re.IGNORECASE,
)


_CONTRAST = re.compile(
    r"\b(?:instead\s+of|rather\s+than|whereas|while|compared\s+(?:to|with)|raised|lowered"
    r"|increased|decreased|tightened|loosened)\b",
    re.IGNORECASE,
)


# a with-phrase that picks some objects for a requirement (a pT upper bound or an |eta| lower
# bound is seldom a definition): "jets with pT < 60 GeV and |eta| < 2.4 must satisfy the JVT
# requirement", "jets with |eta| > 2.5 must have ..."
_SOME_OBJECTS = re.compile(
    r"\bp_?T\s*(?:<|below|less\s+than|smaller\s+than|under)|\|?eta\|?\s*(?:>|above|greater)",
    re.IGNORECASE,
)


def _picks_objects(r: Reading, position: int) -> str | None:
    for match in WITH_SUBJECT.finditer(r.text):
        body = match.group("body")
        if match.start("body") <= position < match.start("verb") and _SOME_OBJECTS.search(body):
            return (
                "the value is in the with-phrase picking the objects a further requirement is "
                f"for ('... with{body.rstrip()} {match.group('verb')} ...'), not a cut on every "
                "object"
            )
    return None


# a pair the sentence forms, and the object left outside it: "The SFOS pair with the mass closest
# to m_Z ..., and the third lepton must have pT > 20 GeV"
# (a pair chosen by something other than pT: "a pair of jets" or "the two leading jets form a
# pair" leave the third jet the third by pT)
_PAIR_FORMED = re.compile(
    r"\bZ[- ]?(?:boson\s+)?candidate|\b(?:closest|nearest)\s+to\b|\bbest\b[^.;]{0,40}\bpair\b"
    r"|\b(?:SFOS|OSSF|same[- ]flavou?r[^.;]{0,30}?)\s*(?:lepton\s+)?pairs?\b"
    # (a pair chosen by its mass: "an opposite-charge electron pair with 81 < m_ee < 101 GeV")
    r"|\b(?:lepton|electron|muon|dilepton|dielectron|dimuon)\s+pairs?\b[^.;]{0,40}?"
    r"(?:\bm_?\{?(?:ll|ee|mumu)\b|\bZ\b)",
    re.IGNORECASE,
)
_OUTSIDE_THE_PAIR = re.compile(
    r"\b(?:third|remaining|other|additional|extra|unpaired)\s+(?:lepton|electron|muon|jet)",
    re.IGNORECASE,
)


def _data_period(r: Reading, comp) -> str | None:  # type: ignore[no-untyped-def]
    """The data-taking period a value is stated for: in the clause of the comparison, opening
    the sentence ("In 2017 data, ..."), or right after the value ("... > 29 GeV in 2018")."""
    periods = len(_PERIOD.findall(r.text))
    if not periods or (periods == 1 and not _CONTRAST.search(r.text)):
        return None  # ("Jets must have pT > 25 GeV for the 2016 data": the data analysed)
    clause = r.clause_at(comp.position)
    after = re.match(r"^[^,;.]{0,30}", comp.after)
    for text in (
        r.text[clause.start : comp.position],
        # (the opening "In 2017 data, ..." is of the clauses up to a ';')
        r.text[: r.text.find(",") + 1]
        if r.text.find(",") > 0 and ";" not in r.text[: comp.position]
        else "",
        after.group(0) if after else "",
    ):
        found = _PERIOD.search(text)
        if found is not None:
            return found.group(0).strip()
    return None


def _function(name: str) -> str:
    """The quantity a function-call name stands for: 'mT' -> 'mt', 'm_{T2}' -> 'mt2'."""
    return re.sub(r"[\s_{}^\\]", "", name).lower()


# a row of a flattened object table: "b-tagged jets >25 < 2.4" (the columns name the quantities)
_TABLE_ROW = re.compile(r"^\s*[A-Za-z][\w\s()-]{0,40}?(?:\s*(?:>=|<=|>|<)\s*-?\d+(?:\.\d+)?)+\s*$")


# "Events with a third lepton passing the loose identification are discarded"
_VETOED_EXTRA = re.compile(
    r"\bevents?\s+(?:with|having|containing)\s+(?:an?\s+|any\s+)?(?P<which>third|fourth|fifth"
    r"|additional|extra|further|other)\b[^.;]{0,120}?\b(?:are|is)\s+(?:then\s+)?(?:rejected"
    r"|discarded|vetoed|removed|excluded|not\s+considered)\b",
    re.IGNORECASE,
)
# "E_T > 0.3 m_gammagamma", "pT > 0.35 x m_gg", "MET > 0.2 H_T": a fraction of another quantity
_TIMES_QUANTITY = re.compile(
    r"\s*(?:[*\u00d7x]\s*|\\cdot\s*|times\s+)?(?:m_|m\^|M_|H_?T\b|p_?T\b|E_?T\b|sqrt|\u221a"
    r"|m_?eff\b|MET\b)"
)
# "At least one of the two leptons must have pT > 25 GeV", "the lower pT threshold on the
# subleading jet is 40 GeV": the requirement is for some of the objects, not for each
_ONE_OF_THE = re.compile(
    r"\b(?:one|two|three|\d|either)\s+of\s+(?:the|these|those|its|their)\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
# "Among the four leptons, at least one must have p_T > 20 GeV and another ...": some of them
# "one of them must have ...", "at least one of these", "either of those": some objects named before
_SOME_OF_THEM = re.compile(
    r"\b(?:(?:at\s+(?:least|most)\s+)?(?:one|two|three|\d)|either|some|none|neither)\s+of\s+"
    r"(?:them|these|those)\b",
    re.IGNORECASE,
)
_AMONG = re.compile(
    r"\bamong\s+(?:the\s+|these\s+|its\s+)?(?:[\w-]+\s+){0,2}?(?:leptons|electrons|muons|jets"
    r"|photons|taus)\s*,\s*(?:at\s+least\s+)?(?:one|two|three)\b",
    re.IGNORECASE,
)
_RANKED = re.compile(
    rf"\b(?:{P.RANK_WORDS}|highest-?\S*|hardest|softest"
    # ("the leading (subleading) tau ...": both ranks named)
    rf"|trailing)(?:\s*\(\s*(?:{P.RANK_WORDS}|trailing)\s*\))?(?:\s+|-)(?:[\w-]+\s+){{0,1}}$",
    re.IGNORECASE,
)


# the rank said of both objects of a pair: "the leading electron or muon must have ..."
_RANKED_PAIR = re.compile(
    rf"\b(?:{P.RANK_WORDS}|highest-?\S*|hardest)\s+[\w-]+\s*(?:or|and|/)\s*$", re.IGNORECASE
)
_DIGIT = re.compile(r"\d")
# the object a bracketed one stands after: "electron (" of "the leading electron (muon)"
_BRACKETED_AFTER = re.compile(r"[\w-]+\s*\(\s*$")


def _some_of_them(claim: Claim, r: Reading, position: int) -> str | None:
    """Why a cut on every object of ``claim.kind`` is not what the quote says when the object it
    names, in the clause of the comparison, is one or a ranked few of them."""
    start = r.clause_at(position).start
    # the object named before the operator, or, for a threshold stated as a noun ('the pT
    # threshold on the subleading jet is 40'), before the value
    end = position
    if not any(start <= pos < position for pos, _ in r.objects):
        number = _DIGIT.search(r.text, position)
        end = number.start() if number else position
    named = [pos for pos, kind in r.objects if start <= pos < end and names_claimed(claim, kind)]
    pronoun = _SOME_OF_THEM.search(r.text, start, end)
    if pronoun and not any(start <= pos < end for pos, _ in r.objects):
        # "Exactly two jets are required; one of them must have |eta| > 2.5"
        said = pronoun.group(0).strip()
        return f"the requirement is for some of the {claim.kind}s ('{said} ...'), not for each one"
    if not named:
        return None
    before = r.text[max(0, named[-1] - 40) : named[-1]]
    some = _ONE_OF_THE.search(before) or _AMONG.search(r.text, start, end)
    if some:
        said = some.group(0).strip()
        return f"the requirement is for some of the {claim.kind}s ('{said} ...'), not for each one"
    alternative = _BRACKETED_AFTER.search(before)
    if alternative:
        # "the leading electron (muon) must have pT > 30 (28) GeV": the rank is the muon's too
        before = before[: alternative.start()]
    ranked = _RANKED.search(before) or _RANKED_PAIR.search(before)
    if ranked:
        said = ranked.group(0).strip()
        return f"the requirement is for the {said} {claim.kind} only, not for each {claim.kind}"
    return None


def _check_table_row(claim: Claim, r: Reading) -> str | None:
    """The row names the claim's object and has a cell with its value and direction."""
    cells = re.findall(r"(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)", r.text)
    if not any(
        DIRECTION[op] == claim.direction and math.isclose(float(v), claim.values[0])
        for op, v in cells
    ):
        return f"no table cell states {claim.direction} bound {fmt(claim.values)}"
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
            math.isclose(abs(float(m.group())), v) or same_value(v, float(m.group()), "mev")
            for v in values
        )
    ]


def _in_condition_text(claim: Claim, r: Reading) -> bool:
    for a, b in r.conditions:
        numbers = [float(n) for n in re.findall(P.NUM, r.text[a:b])]
        if claim.values and all(any(math.isclose(v, n) for n in numbers) for v in claim.values):
            return True
    return False


def _check_expr(claim: Claim, r: Reading, in_region: bool) -> str | None:
    """A cut only an expression states (a phrasing of its own): its numbers in one selection
    clause."""
    for clause in r.clauses:
        numbers = [float(n) for n in re.findall(P.NUM, r.text[clause.start : clause.end])]
        if all(any(math.isclose(v, n) for n in numbers) for v in claim.values):
            return clause_problem(r, clause.start, in_region, claim) if clause.kinds else None
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
        interrupted = _interrupted_paragraph(doc.text, begin)
        return doc.text[begin : after.start() + 1 if after else end], interrupted or context
    if grounding is not None and grounding.matched_text:
        return grounding.matched_text, ""
    return (prov.quote if prov is not None and prov.quote else ""), ""


_CAPTION = re.compile(r"^\s*(?:Figure|Fig\.|Table)\s+\d+\s*[:.]")


TABLE_CELL = (
    "read from a table of signal regions (the quote is its caption): the support check reads "
    "sentences, not table cells - compare the region's cuts with its row"
)


TEXT_BIN = (
    "a search bin from a list of ranges in the sentence: the support check does not tell "
    "search bins from histogram bins - compare the region with the list"
)


# a region named as a control or validation region (the rules' control_N, a model's CR_ttbar)
_CONTROL_REGION = re.compile(r"(?:^|_)(?:control|validation|cr|vr)(?:_|\d|$)", re.IGNORECASE)
CONTROL_REGION = (
    "the clause defines a control/validation sample, not the signal selection: the cut is kept "
    "in its region - check it there"
)


def _left_to_reviewer(cut: Cut, reason: str = TABLE_CELL) -> Cut:
    """A region read from a table of bins, or from a list of bins in a sentence: never
    verified by the check of a sentence."""
    grounding = (
        cut.grounding or Grounding(found=False, numbers_match=False, score=0.0)
    ).model_copy(update={"reason": reason})
    return cut.model_copy(update={"status": Status.unverified, "grounding": grounding})


def _interrupted_paragraph(text: str, begin: int) -> str | None:
    """The paragraph a fragment continues when figure or table captions stand between them in
    the text layer ("..., have" / captions / "two jets with pT > 80 GeV, and ..."): a fragment
    starting in lower case after a blank line. None when the text before is no caption."""
    if not text[begin : begin + 1].islower() or text[max(0, begin - 2) : begin] != "\n\n":
        return None
    end, captions = begin - 2, 0
    while captions < 6:
        start = text.rfind("\n\n", 0, end) + 2
        if not _CAPTION.match(text[start:end]):
            return text[max(start, end - 800) : end] if captions else None
        end, captions = start - 2, captions + 1
    return None


def support_problem(
    cut: Cut, kinds: dict[str, str], *, in_region: bool = False, doc: Document | None = None
) -> str | None:
    """Why the quote does not support ``cut`` (None: it does, or there is nothing to check)."""
    parts = conditionals.parts_of(cut.expr) if cut.expr else None
    if parts is not None:
        return _conditional_problem(cut, parts, kinds, in_region, doc)
    veto = vetoes.parse(cut.expr) if cut.expr else None
    if veto is not None:
        return _counted_veto_problem(cut, veto, kinds, in_region, doc)
    either = _alternatives_problem(cut, kinds, in_region, doc)
    if either is not None:
        return either or None
    unconditioned = _unconditioned_problem(cut, kinds, in_region, doc)
    if unconditioned is not None:
        return unconditioned
    if not in_region:
        regional = _region_only_problem(cut, kinds, doc)
        if regional is not None:
            return regional or None
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
    if claim.quantity in _BOTH_SIGNS and not claim.absolute and all(v > 0 for v in claim.values):
        return (
            f"the paper bounds |{claim.quantity}| (both signs); the cut bounds the signed "
            f"{claim.quantity}, keeping one side only: set abs"
        )
    if claim.quantity in ("count", "sfos", "ospair", "sspair"):
        alternative = _one_alternative(claim, r)
        if alternative is not None:
            return alternative
    if claim.quantity in ("count",):
        counted = [pos for pos, kind in r.objects if kind in accepted_kinds(claim)][:1]
        return check_count(claim, r, in_region) or subset_problem(claim, r, counted)
    if claim.quantity == "sfos":
        found = P.SFOS_RE.search(r.text)
        if found is None:
            return "the quote names no same-flavour opposite-sign pair"
        if (
            r.clause_at(found.start()).rejects
            or rejected_subject(r, found.start())
            or re.search(r"\brejected if\b|\bvetoed if\b", r.text[: found.start()])
        ):
            return (
                "polarity: the clause says events with such a pair are rejected, but the cut "
                "requires one"
            )
        return clause_problem(r, found.start(), in_region, claim)
    if claim.quantity in ("ospair", "sspair"):
        return _charge_problem(claim, r, in_region)
    if claim.quantity in FLAGS:
        if control_objects(r, claim, in_region):
            return NOT_A_SELECTION["control"]
        split = split_objects_problem(claim, r)
        if split is not None:
            return split  # "Electrons above 30 GeV must pass the tight identification, while ..."
        some = _some_of_them(claim, r, len(r.text)) if claim.rank is None else None
        if some is not None and claim.kind != "event":
            return some  # "Either of the two leptons must satisfy the tight identification"
        vetoed = _VETOED_EXTRA.search(r.text)
        if vetoed and claim.kind != "event":
            # "Events with a third lepton passing the loose identification are discarded": the
            # flag picks the objects of a veto; the selected objects need not have it
            return (
                f"the quote vetoes events with {vetoed.group('which')} objects having the flag, "
                "not a requirement the selected objects meet"
            )
        return object_problem(claim, r, len(r.text) - 1, "") if r.objects else None
    if claim.partner is not None:
        return separation_problem(claim, r, in_region)
    if claim.quantity == "expr":
        return _check_expr(claim, r, in_region)
    return (
        _counted_above_problem(claim, r)
        or _cone_problem(cut, claim, r)
        or _check_comparison(claim, r, in_region)
    )


# the size of an isolation cone the quote states: "within a cone of Delta R = 0.4", "R = 0.2"
# ("within a cone of Delta R < 0.4", "a cone size of 0.4", "a Delta R = 0.2 cone"; not a jet
# radius "anti-kt R = 0.4 jets" or a separation "Delta R > 0.4 from jets")
_CONE_SIZE = re.compile(
    r"\bcone\b(?:\s+(?:of|with|size|radius|a))*\s*(?:(?:Delta\s*)?R\s*(?:=|<=?)\s*)?(?P<size>0\.\d+)"
    r"|(?:Delta\s*)?R\s*(?:=|<=?)\s*(?P<before>0\.\d+)\s*(?:isolation\s+)?cone\b",
    re.IGNORECASE,
)


def _cone_problem(cut: Cut, claim: Claim, r: Reading) -> str | None:
    """'I_rel < 0.15 within a cone of Delta R = 0.4' read as the track isolation in the 0.3 cone
    of the data (ptcone30 / pt): another quantity."""
    if claim.quantity != "reliso" or not cut.expr or "ptcone30" not in cut.expr:
        return None
    sizes = {float(m.group("size") or m.group("before")) for m in _CONE_SIZE.finditer(r.text)}
    if not sizes or 0.3 in sizes:
        return None
    return (
        f"the quote's isolation is in a cone of Delta R = {min(sizes):g}, the cut's ptcone30 is "
        "the track isolation in the 0.3 cone: another quantity"
    )


def _counted_above_problem(claim: Claim, r: Reading) -> str | None:
    """'at least two jets with pT > 50 GeV and at least four jets with pT > 25 GeV': a cut on
    every jet is the lowest threshold only (count_thresholds)."""
    if claim.quantity != "pt" or claim.rank is not None or claim.kind == "event":
        return None
    counted = count_thresholds.counted_above(r).get(claim.kind)
    if not counted or claim.values[:1] == (count_thresholds.the_collections(counted).value,):
        return None
    stated = " and ".join(f"{c.n} above {c.value:g} GeV" for c in counted)
    return (
        f"the quote counts {claim.kind}s above different thresholds ({stated}): only the lowest "
        f"is a cut on every {claim.kind}, a higher one is the pT of the n-th {claim.kind}"
    )


# "a veto is applied to events with jets of pT > 25 GeV": the objects of the veto (not additional,
# loose or baseline ones beyond the selected ones, which a count of all of them would not state)
_VETO_OBJECTS = re.compile(
    r"^(?!.*\b(?:additional|extra|further|loose|baseline)\b).*\bveto", re.IGNORECASE | re.DOTALL
)


def _requoted(cut: Cut, sentence: str, **fields: object) -> Cut:
    """``cut`` quoting ``sentence`` alone and ungrounded, to check it against one part of its quote
    (a region's requirement, a condition); with ``fields``, a new cut of those fields instead (an
    alternative's conjunct, a counted veto's count or condition)."""
    provenance = Provenance(source="paper", document="", quote=sentence)
    if not fields:
        return cut.model_copy(update={"provenance": provenance, "grounding": None})
    return Cut.model_validate(
        {"id": cut.id, "description": cut.description, **fields, "provenance": provenance}
    )


def _region_only_problem(cut: Cut, kinds: dict[str, str], doc: Document | None) -> str | None:
    """A cut of the whole selection from a quote stating requirements of named regions ('SRC
    additionally requires E_T^miss > 400 GeV'): only the quote's common part, before the first
    region's, may state it. '' when that part does, None when the quote names no region."""
    quote, _ = sentence_of(cut, doc)
    parts = named_regions.split(P.prepare(quote)) if quote else []
    named = sorted({p.name for p in parts if p.name})
    if not named:
        return None
    for part in parts:
        if part.name:
            continue
        here = _requoted(cut, part.sentence)
        if support_problem(here, kinds) is None:
            return ""
    return f"{NOT_A_SELECTION['category']} (a cut of the region(s) {', '.join(named)})"


def _named_region_problem(
    cut: Cut, region: str, kinds: dict[str, str], doc: Document | None
) -> str | None:
    """A cut of region ``region`` from a quote stating requirements of named regions ('SR-low
    requires ..., SR-high requires ...'): the quote must name that region, and its part must
    support the cut. '' when it does, None when the quote names no region."""
    quote, _ = sentence_of(cut, doc)
    parts = named_regions.split(P.prepare(quote)) if quote else []
    if not parts:
        return None
    mine = [p for p in parts if p.name == region]
    if not mine:
        said = ", ".join(sorted({p.name for p in parts}))
        return f"the quote states requirements of the regions {said}, not of {region}"
    problems = []
    for part in mine:
        here = _requoted(cut, part.sentence)
        problem = support_problem(here, kinds, in_region=True)
        if problem is None:
            return ""
        problems.append(problem)
    return f"the quote's requirement of {region} ('{mine[0].sentence}'): {problems[0]}"


def _counted_veto_problem(
    cut: Cut,
    counted: vetoes.CountedVeto,
    kinds: dict[str, str],
    in_region: bool,
    doc: Document | None,
) -> str | None:
    """``not any((pt(photons) > 15))``: the quote must bound the number of such objects the same
    way (checked as the count alone), and say that each condition picks the objects the veto
    counts (each checked as an object cut: supported, or found to be a veto's threshold); a
    threshold of the counted objects the cut leaves out is a problem too."""
    quote, _ = sentence_of(cut, doc)
    if not quote:
        return None

    def part(**fields: object) -> Cut:
        return _requoted(cut, quote, **fields)

    vetoing = _vetoing_part(P.prepare(quote))
    also = _REJECTED_IF_ALSO.search(vetoing)
    if kinds.get(counted.collection, counted.collection.rstrip("s")) == "jet" and _B_TAGGED.search(
        vetoing
    ):
        # "Events containing a jet with pT > 30 GeV ... identified as a b jet are discarded"
        return (
            "the quote vetoes b-tagged jets, but the veto counts every jet: the b-tagging of the "
            "vetoed jets is left out"
        )
    exempted = _EXCEPT.search(vetoing)
    if exempted is not None and not _EXCEPT_RANKED.match(vetoing, exempted.end()):
        # "No jet with pT > 20 GeV may be present, except for the selected tau candidate"
        return (
            f"the quote exempts some objects from the veto ('{exempted.group(0)} ...'), which "
            "a veto of every such object would count"
        )
    if also is not None:
        # "Events with an electron ... are rejected if they also contain a muon ...": the events
        # go only when both are there
        return (
            f"the quote rejects such events only under a further condition ('{also.group(0)} "
            "...'): a veto of these objects alone rejects events the paper keeps"
        )
    count = part(expr=f"count({counted.collection}) {counted.op} {counted.n:g}")
    problem = support_problem(count, kinds, in_region=in_region)
    if problem is not None and not problem.startswith(COUNTED_ONLY):
        return f"its count ({count.expr}): {problem}"
    r = read(quote)
    if (counted.op, counted.n) not in (("==", 0.0), ("<", 1.0), ("<=", 0.0)) and not any(
        (said := ranks.counted_above(r.text, comp.position)) is not None
        and said[1] + 1 == int(counted.n) + (1 if counted.op == "<=" else 0)
        for comp in r.comparisons
        if comp.quantity in vetoes.FIELDS and counted_in_veto(r, comp.position)
    ):
        # "exactly two jets, and events containing a jet with pT > 20 GeV ... are vetoed": the
        # number is the selection's, not the number of the objects the thresholds pick
        return (
            f"the number {counted.n:g} is not said of the {counted.collection} the thresholds "
            "pick ('more than one lepton with pT > 10 GeV'): it counts other objects"
        )
    for c in counted.conditions:
        value: float | list[float] = list(c.values) if c.op == "between" else c.values[0]
        bound = part(
            scope="object",
            target=counted.collection,
            variable=c.field,
            op=c.op,
            value=value,
            abs=c.absolute,
            unit=cut.unit,
        )
        problem = support_problem(bound, kinds, in_region=in_region)
        if problem is not None and not (
            problem.startswith(VETO_THRESHOLD)
            or (problem == OTHER_OBJECTS and _VETO_OBJECTS.search(quote))
        ):
            return f"its condition on {c.field}: {problem}"
    for c in counted.conditions:
        stated = [
            DIRECTION.get(comp.op, comp.op)
            for comp in r.comparisons
            if comp.quantity == c.field
            and all(
                any(same_value(v, h, comp.unit) for h in comparison_values(comp)) for v in c.values
            )
        ]
        if stated and DIRECTION.get(c.op, c.op) not in stated:
            return (
                f"direction: the quote counts the objects with {c.field} {stated[0]} bound, the "
                f"cut those with {c.field} {c.op} {fmt(c.values)}"
            )
    for comp in r.comparisons:
        if (
            comp.quantity in vetoes.FIELDS
            and counted_in_veto(r, comp.position)
            and not any(c.field == comp.quantity for c in counted.conditions)
        ):
            return (
                f"the quote also bounds {comp.quantity} of the objects the veto counts, which "
                "the cut leaves out"
            )
    return None


# alternatives of counts or pairs: "either a same-sign lepton pair or at least three leptons",
# "either two jets or one large-R jet" (not "exactly one lepton, either an electron or a muon":
# one object, of either flavour)
_EITHER_COUNTED = re.compile(
    r"\beither\s+(?:an?\s+|at\s+least\s+|exactly\s+)?(?:\w+\s+)?[^.;,]{0,40}?\s+or\s+"
    r"(?:at\s+least|exactly|more\s+than|(?:one|two|three|four|five|\d+)\s+(?:or\s+more\s+)?"
    r"[\w-]+|an?\s+(?:[\w-]+\s+){0,2}pair)\b",
    re.IGNORECASE,
)


def _one_alternative(claim: Claim, r: Reading) -> str | None:
    """'either a same-sign lepton pair or at least three leptons': a count or pair of the
    alternatives alone is not the requirement (counts beside them are)."""
    either = _EITHER_COUNTED.search(r.text)
    if either is None:
        return None
    end = re.compile(r"[,;.]|\s(?:and|while|whereas)\s").search(r.text, either.end())
    stop = end.start() if end else len(r.text)
    # (the claim's own kind: not "exactly two leptons, either two electrons or two muons", the
    # flavours of the counted leptons)
    if not any(either.start() <= pos < stop and kind == claim.kind for pos, kind in r.objects):
        return None
    return (
        f"the quote states alternatives ('{either.group(0).strip()} ...'): one of them alone is "
        "not the requirement; state them as one cut (A) or (B)"
    )


# the words of a clause that vetoes: "...; events with a b-tagged jet are vetoed"


def _vetoing_part(sentence: str) -> str:
    """The ';'-separated parts of a sentence that veto, the whole sentence if none or all do:
    'Jets must have pT > 30 GeV and no b-jet requirement is applied; events with a muon are
    vetoed' - what the veto check reads is the second part (its b-tagging, exemptions)."""
    parts = [part for part in sentence.split(";") if P.VETO_WORDS.search(part)]
    return "; ".join(parts) if parts else sentence


# objects exempted from a veto ("..., except for the selected tau candidate", "other than the
# photon"), not the ranked objects a veto of the n-th one leaves ("besides the leading one")
_EXCEPT = re.compile(
    r"\b(?:except(?:\s+for)?|other\s+than|apart\s+from|aside\s+from|besides|not\s+counting"
    # (not "except in the 1-jet category": a category's own requirement, checked as such)
    r"|excluding)\b(?!\s+in\b)",
    re.IGNORECASE,
)
_EXCEPT_RANKED = re.compile(
    rf"\s+(?:the\s+)?(?:(?:{P.NUM_WORD})\s+)?(?:{P.RANK_WORDS}|highest|hardest|first)\b",
    re.IGNORECASE,
)
_B_TAGGED = re.compile(
    r"\bb[- ]?(?:tag|jet)|\bidentified\s+as\s+(?:an?\s+)?b\b|\bb-?quark|\bheavy[- ]flavou?r",
    re.IGNORECASE,
)
# a rejection that needs something more of the events: "... are rejected if they also contain ..."
_REJECTED_IF_ALSO = re.compile(
    r"\b(?:rejected|vetoed|discarded|removed|excluded)\s+(?:only\s+)?(?:if|when|provided)\s+"
    r"(?:that\s+)?(?:they|it|the\s+events?)\s+(?:also|in\s+addition|additionally)\b",
    re.IGNORECASE,
)


def _charge_problem(claim: Claim, r: Reading, in_region: bool) -> str | None:
    """A pair of opposite (the same) charge: the quote must ask for one, of the cut's objects."""
    want = claim.quantity == "ospair"
    said = [p for p in charges.charge_pairs(r.text) if p.kind == claim.kind]
    if not said:
        return f"the quote states no pair of {claim.kind}s of opposite or the same charge"
    if not any(p.opposite == want for p in said):
        return (
            f"the quote asks for {claim.kind}s of {'the same' if want else 'opposite'} charge, "
            f"the cut for {'opposite' if want else 'the same'} charges"
        )
    pos = next(p.position for p in said if p.opposite == want)
    if r.clause_at(pos).rejects or rejected_subject(r, pos):
        return (
            "polarity: the clause says events with such a pair are rejected, but the cut "
            "requires one"
        )
    return clause_problem(r, pos, in_region, claim)


def _alternatives_problem(
    cut: Cut, kinds: dict[str, str], in_region: bool, doc: Document | None
) -> str | None:
    """A quote stating alternative requirements ('at least eight jets with pT > 50 GeV or at least
    seven jets with pT > 80 GeV'): the cut must be (A) or (B), each alternative checked against
    its part of the quote. '' when it is and each part is supported, None when the quote states no
    alternatives."""
    quote, _ = sentence_of(cut, doc)
    said = alternatives.split(P.prepare(quote)) if quote else None
    parts = alternatives.parts_of(cut.expr) if cut.expr else None
    if said is None:
        if (
            parts is not None
            and any(_REQUIREMENT_PART.search(p) for p in parts)
            and not _one_quantity(parts)
        ):
            # "(count(jets) >= 2) or (count(leptons) == 1)" from "at least two jets ... and
            # exactly one lepton": alternatives the quote does not state
            return (
                "the cut is alternative requirements '(A) or (B)', but the quote states no "
                "alternatives ('... or at least ...', 'either ... or ...')"
            )
        return None
    if parts is None and _stated_in_every(cut, said.parts):
        return None  # ("Photons with E_T > 75 GeV ..., and H_T > 800 or ...": every part's)
    if parts is None and said.before and _all_numbers_in(cut, said.before):
        # ("Events must have at least two jets; in addition, H_T > 800 or ...": the clause's own)
        return support_problem(_requoted(cut, said.before), kinds, in_region=in_region) or ""
    if parts is None or len(parts) != len(said.parts):
        return (
            "the quote states alternative requirements ('... or at least ...'): an event passes "
            "when it meets either, but this cut requires one of them (or part of one) of every "
            "event"
        )
    for index, (expr, sentence) in enumerate(zip(parts, said.parts, strict=True)):
        for conjunct in alternatives.conjuncts(expr):
            part = _requoted(cut, sentence, expr=conjunct, unit=cut.unit)
            problem = support_problem(part, kinds, in_region=in_region)
            if problem is not None:
                return f"its alternative {index + 1} ({conjunct}): {problem}"
        stated = {
            float(m.group())
            for m in _WRITTEN_NUMBER.finditer(sentence)
            if not _COUNTED_AFTER.match(sentence, m.end())  # ("at least 2 jets": a count)
        }
        written = set(cut_numbers(Cut(id="x", description="x", expr=expr)))
        left_out = sorted(
            n
            # (not what every alternative states: the objects' definition before them)
            for n in stated - written - _in_every_part(said.parts)
            # (a value in TeV or MeV is written in GeV: "m_jj > 1.5 TeV" is mjj > 1500)
            if not {round(n * 1000, 6), round(n / 1000, 9)} & written
        )
        if left_out:
            # "(count(jets) >= 8) or ...": the alternative's 50 GeV threshold left out
            return (
                f"its alternative {index + 1} ({expr}) leaves out what the quote states of it "
                f"({', '.join(f'{n:g}' for n in left_out)})"
            )
    return ""


_WRITTEN_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")  # a number an alternative writes


def _in_every_part(parts: tuple[str, ...]) -> set[float]:
    numbers = [{float(m.group()) for m in _WRITTEN_NUMBER.finditer(p)} for p in parts]
    return set.intersection(*numbers) if numbers else set()


def _stated_in_every(cut: Cut, parts: tuple[str, ...]) -> bool:
    """Whether every number of ``cut`` is written in each alternative (a requirement common to
    all of them, the objects' definition before them), so the cut is no alternative's own."""
    return all(_all_numbers_in(cut, part) for part in parts)


def _sentence_case(clause: str) -> str:
    clause = clause.strip().rstrip(".")
    return f"{clause[:1].upper()}{clause[1:]}."


def _all_numbers_in(cut: Cut, text: str) -> bool:
    """Whether every number of ``cut`` is written in ``text``."""
    numbers = cut_numbers(cut)
    return bool(numbers) and all(
        any(same_value(n, v, None) for v in text_numbers(text)) for n in numbers
    )


def _one_quantity(parts: tuple[str, ...]) -> bool:
    """Whether the parts bound one quantity ('(count(taus) < 1) or (count(taus) > 2)', the kept
    side of a vetoed range): a window, not alternative requirements."""
    sides = [_SIMPLE_BOUND.fullmatch(p.strip()) for p in parts]
    return all(sides) and len({s.group("lhs") for s in sides if s}) == 1


_SIMPLE_BOUND = re.compile(r"(?P<lhs>.+?)\s*(?:>=|<=|>|<)\s*-?[\d.]+")


# an alternative that is a requirement of its own (not one side of a window on one quantity,
# "(m < 12) or (76 < m < 106)"): a count, a ranked object, a charge pair, a conjunction
_REQUIREMENT_PART = re.compile(r"\bcount\(|\bnth\(|\bany\(|\bsum\(| and ")
# a number counting objects ("at least 2 jets"), which the ranked form writes as a rank
_COUNTED_AFTER = re.compile(
    rf"\s+(?:or\s+more\s+)?(?:[\w-]+\s+){{0,2}}?(?:{P.OBJECT_RE.pattern})", re.IGNORECASE
)


def _unconditioned_problem(
    cut: Cut, kinds: dict[str, str], in_region: bool, doc: Document | None
) -> str | None:
    """A cut on every event (or object) read from a quote that states a requirement for the
    events a condition names ('In events with at least one muon, jets must have pT > 30 GeV'):
    the condition is no requirement, and the requirement does not hold for every event."""
    quote, _ = sentence_of(cut, doc)
    said = conditionals.split(P.prepare(quote)) if quote else None
    if said is None and quote and ";" in quote:
        # "In events with exactly one jet, that jet ...; in events with two jets, ...": the clause
        # holding the cut's numbers, read as a sentence of its own
        mine = [part for part in P.prepare(quote).split(";") if _all_numbers_in(cut, part)]
        said = conditionals.split(_sentence_case(mine[0])) if len(mine) == 1 else None
    if said is None:
        return None
    as_condition = _requoted(cut, said.condition)
    if support_problem(as_condition, kinds, in_region=in_region) is None:
        return (
            "this is a condition the quote sets for another requirement ('for events with ...', "
            "'in events with ...'), not a requirement of every event"
        )
    return (
        "the quote states the requirement only for the events a condition names ('for events "
        f"with ...': {said.condition.removeprefix('Events must have ').rstrip('.')}); as a cut "
        "of every event it rejects events the paper keeps"
    )


def _conditional_problem(
    cut: Cut,
    parts: tuple[str, str],
    kinds: dict[str, str],
    in_region: bool,
    doc: Document | None,
) -> str | None:
    """A conditional cut (not (C) or (R)): the quote states R for the events C names ('for events
    with exactly two jets, the subleading jet must ...'), each part checked as a sentence of its
    own."""
    quote, _ = sentence_of(cut, doc)
    said = conditionals.split(P.prepare(quote)) if quote else None
    present = P.IF_PRESENT.search(P.prepare(quote)) if quote else None
    if said is None and present is not None and _PRESENT_CONDITION.fullmatch(parts[0].strip()):
        # "The third and fourth jet if present, are required to have pT > 30 GeV": the n-th
        # object's cut where there is one, checked without the words that make it conditional
        text = P.prepare(quote)
        without = f"{text[: present.start()]}{text[present.end() :]}"
        part = _requoted(cut, without, expr=parts[1], unit=cut.unit)
        problem = support_problem(part, kinds, in_region=in_region)
        return None if problem is None else f"its requirement ({parts[1]}): {problem}"
    if said is None:
        return (
            "the cut holds under a condition ('not (C) or (R)'), but the quote states no "
            "requirement for the events a condition names ('for events with ..., ...')"
        )
    for expr, sentence, role in (
        (parts[0], said.condition, "condition"),
        (parts[1], said.requirement, "requirement"),
    ):
        part = _requoted(cut, sentence, expr=expr, unit=cut.unit)
        problem = support_problem(part, kinds, in_region=in_region)
        if problem is not None:
            return f"its {role} ({expr}): {problem}"
    return None


_PRESENT_CONDITION = re.compile(r"count\(\w+\)\s*>=\s*\d+")


def not_as_read(sel: SelectionList, doc: Document | None = None) -> dict[str, str]:
    """Cuts the rules could not state as the paper does, whatever else the check finds in them:
    id -> why. A cut on every object read from a clause that ranks the objects (the rules read
    ranked clauses as ranked cuts, so such a cut holds values they could not pair with the
    ranks: "the leading lepton must have pT > 25, 20 or 15 GeV"), and a condition of events
    rejected together with others ("events with A and B are rejected": the kept events satisfy
    not-A or not-B, which the rules leave as written)."""
    kinds = collection_kinds(sel)
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
        if not quantity_ok(claim, comp.quantity) or not all(
            any(same_value(v, h, comp.unit) for h in comparison_values(comp)) for v in claim.values
        ):
            continue
        lost = rank_problem(claim, r, comp) if claim.rank is None else None
        if lost is not None and "ranks the objects" in lost:
            return lost
        rejects = r.clause_at(comp.position).rejects or rejected_subject(r, comp.position)
        if DIRECTION.get(comp.op) == claim.direction and rejects:
            inverted = replace(claim, direction=INVERSE.get(claim.direction, claim.direction))
            joint = joint_rejection(inverted, r, comp)
            if joint is not None:
                return f"{JOINT}, which no single cut states"
    return None


def check_support(sel: SelectionList, doc: Document | None = None) -> SelectionList:
    """``sel`` with every verified cut whose quote does not support it marked unverified (reason
    kept).

    A cut the paper states more than once (a summary, then the selection section) keeps its first
    statement when that one is verified; otherwise it is quoted from the first later statement,
    in document order, that grounding and this check verify (and the rules can state as read);
    with none, it keeps its first statement and stays unverified."""
    kinds = collection_kinds(sel)
    index: list[_Index] = []  # built once, on the first restated cut that needs it

    def problem_of(cut: Cut, in_region: bool, region: str | None = None) -> str | None:
        if cut.status != Status.verified or cut.grounding is None:
            return None
        if region is not None:
            named = _named_region_problem(cut, region, kinds, doc)
            if named is not None:
                return named or None
        prov = cut.provenance
        if (
            doc is not None
            and prov is not None
            and prov.source == "cited"
            and prov.document != doc.source.paper_id
        ):
            return None  # checked against the cited paper, where its sentence is (cited.py)
        return support_problem(cut, kinds, in_region=in_region, doc=doc)

    def one(cut: Cut, region: str | None = None) -> Cut:
        in_region = region is not None
        if in_region and cut.provenance is not None and _CAPTION.match(cut.provenance.quote):
            return _left_to_reviewer(cut)
        if region is not None and region.startswith(TEXT_BIN_PREFIX):
            return _left_to_reviewer(cut, TEXT_BIN)
        if region is not None and _CONTROL_REGION.search(region) and cut.status == "verified":
            # issue 17 (d): a control sample is no selection; its cuts are read, but only a
            # reviewer can say they are the control region the analysis uses
            return _left_to_reviewer(cut, f"quote found, numbers match, but {CONTROL_REGION}")
        problem = problem_of(cut, in_region, region)
        if problem is not None:
            cut = unsupported(cut, problem)
        if cut.status != Status.unverified or not cut._restatements or doc is None:
            return cut
        if not index:
            index.append(_Index(doc))
        return _restated(cut, index[0], kinds, in_region, doc) or cut

    data = sel.model_copy(deep=True)
    for obj in data.objects:
        obj.cuts = [one(c) for c in obj.cuts]
    data.selection = [one(c) for c in data.selection]
    for region in data.regions:
        region.cuts = [one(c, region.name) for c in region.cuts]
    return data


def unsupported(cut: Cut, problem: str) -> Cut:
    """``cut`` unverified: its quote is found and holds its numbers, but does not support it."""
    grounding = cut.grounding.model_copy(  # type: ignore[union-attr]
        update={"reason": f"quote found, numbers match, but not supported: {problem}"}
    )
    return cut.model_copy(update={"status": Status.unverified, "grounding": grounding})


def check_thresholds_read(sel: SelectionList, doc: Document | None) -> SelectionList:
    """``sel`` with the verified cuts of a sentence that states a threshold no cut reads (or only
    a cut found unsupported) unverified (support_coverage)."""
    paper = doc.source.paper_id if doc is not None else None
    cuts = sel.all_cuts()
    sentences = {c.id: sentence_of(c, doc)[0] for c in cuts}
    read_in: dict[str, list[float]] = {}
    for c in cuts:
        # (a reading the check found unsupported reads nothing: "pT > 15 GeV, or pT > 10 GeV if
        # the event contains a muon" read as two flat cuts, the second flagged, loses the first's
        # alternative all the same)
        read_in.setdefault(sentences[c.id], []).extend(
            []
            if _alternative_lost(c, sentences[c.id])
            else numbers_in(c.expr)
            if c.expr
            else cut_numbers(c)
        )
    for item in sel.unresolved:
        # a cut read but not expressible is read all the same (a condition set aside is not)
        proposed, _, quoted = item.description.partition('; quote: "')
        if item.reason.startswith(NOT_EXPRESSIBLE):
            for sentence, numbers in read_in.items():
                if sentence and sentence[:60] in quoted:
                    numbers.extend(numbers_in(proposed))
    kinds = collection_kinds(sel)
    for sentence, numbers in read_in.items():
        # "jets with pT > 30 GeV" restating the definition of the jets the sentence names (not
        # the electrons' 25 GeV read into "muons ... (25 GeV in the 2017 data)")
        named = {kind for _, kind in read(sentence).objects} if sentence else set()
        numbers.extend(
            v
            for obj in sel.objects
            if kinds.get(obj.name) in named
            for c in obj.cuts
            if not _alternative_lost(c, sentence)
            for v in cut_numbers(c)
        )
    unread = {s: unread_thresholds(s, v) for s, v in read_in.items() if s}

    def one(cut: Cut) -> Cut:
        missing = unread.get(sentences[cut.id])
        prov = cut.provenance
        if (
            cut.status != Status.verified
            or not missing
            or cut.grounding is None
            or (prov is not None and prov.document not in (None, paper))
        ):  # (a cited paper's cut is read in that paper's sentence)
            return cut
        return unsupported(
            cut,
            f"the sentence also states {', '.join(repr(m) for m in missing)}, which no cut reads "
            "(or only one found unsupported): a condition, an alternative or a channel of this "
            "cut may be lost - check the sentence",
        )

    return sel.with_cuts(one)


def _alternative_lost(cut: Cut, sentence: str) -> bool:
    """Whether ``cut`` reads a value the check found to hold only under a condition, in a sentence
    offering it as the alternative of another ("pT > 15 GeV, or pT > 10 GeV if the event contains
    a muon"): then the other value's flat cut loses it, as if nothing read it."""
    reason = cut.grounding.reason if cut.grounding is not None else None
    return (
        cut.status == Status.unverified
        and reason is not None
        and "condition" in reason
        and _ALTERNATIVE_WORDS.search(sentence) is not None
    )


_ALTERNATIVE_WORDS = re.compile(
    r",\s*or\b|\b(?:otherwise|instead|rather\s+than|unless|except)\b", re.IGNORECASE
)


def _restated(
    cut: Cut, index: _Index, kinds: dict[str, str], in_region: bool, doc: Document
) -> Cut | None:
    """``cut`` quoted from the first of its later statements (in document order) that is verified
    and supports it; None when none does."""
    first = cut.provenance.quote if cut.provenance is not None else ""
    reason = cut.grounding.reason if cut.grounding is not None else ""
    grounded = []
    for provenance, description in cut._restatements:
        if provenance.document not in (None, doc.source.paper_id):
            continue  # a cited paper's statement is checked against that paper
        alt = ground_cut(cut.model_copy(update={"provenance": provenance}), index)
        if alt.status == Status.verified and alt.provenance is not None:
            grounded.append((alt.provenance.char_span or (len(doc.text), 0), alt, description))
    for _, alt, description in sorted(grounded, key=lambda g: g[0]):
        if support_problem(alt, kinds, in_region=in_region, doc=doc) is not None:
            continue
        claim = claim_of(alt, kinds)
        quote, _ = sentence_of(alt, doc)
        if (
            claim is not None
            and claim.quantity != "expr"
            and quote
            and _not_as_read(claim, read(quote)) is not None
        ):
            continue  # the rules could not state the cut as this statement says it
        note = (
            f'stated more than once: quoted from a later statement, the first ("{first[:160]}") '
            f"being unverified ({reason})"
        )
        update: dict[str, object] = {"notes": f"{cut.notes}; {note}" if cut.notes else note}
        if cut.description == first[:160]:
            update["description"] = description
        return alt.model_copy(update=update)
    return None

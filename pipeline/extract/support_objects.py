"""The support check's object and rank tests: does the clause name the cut's object, and
the rank (leading, second, ...) the cut is on?"""

from __future__ import annotations

import re

from pipeline.extract import patterns as P
from pipeline.extract import ranks
from pipeline.extract.reading import Reading, read
from pipeline.extract.support_claims import Claim, accepted_kinds, fmt, same_values

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
ANY_OBJECT = "(?:" + "|".join(pat for _, pat in P.OBJECTS) + ")"


def object_problem(claim: Claim, r: Reading, position: int, after: str) -> str | None:
    """None when the clause names the claim's object; else why not."""
    if claim.kind in ("event", "other"):
        return None
    system = _SYSTEM.search(r.text[max(0, position - 40) : position])
    if system is not None:
        return f"the quantity belongs to the {system.group(0)}, not to one {claim.kind}"
    clause = r.clause_at(position)
    objects = _named_objects(r)
    others = [
        m
        for m in _OTHER_JETS.finditer(r.text, clause.start, position)
        # (large-R jets are the fatjets' own name)
        if not (claim.kind == "fatjet" and P.OBJECT_RE.fullmatch(m.group(0)))
    ]
    other = others[-1] if others else None
    if other is not None and not any(other.end() <= pos < position for pos, _ in objects):
        return (
            f"the quantity belongs to the {other.group(0).strip()} (large-R or track jets, "
            f"another collection), not to a {claim.kind}"
        )
    named = [k for pos, k in objects if clause.start <= pos < clause.end]
    if not named and _RELATIVE.match(r.text[clause.start : clause.end]):
        # "..., and isolated charged-hadron PF candidates, which must satisfy pT > 15 GeV": a
        # relative clause speaks of the noun just before it
        named = [k for pos, k in objects if pos < clause.start][-1:]
    if (
        _POSSESSIVE.match(r.text, clause.start)
        and not any(clause.start <= pos < position for pos, _ in objects)
        and r.context_tail
    ):
        # "Hadronically decaying taus are reconstructed from jets. Their visible pT must exceed
        # 20 GeV and they must have one or three tracks": the subject of the sentence before
        before = read(r.context_tail)
        named = P.subject_kinds(before.text, _named_objects(before)) or named
    named = named or [k for pos, k in objects if pos < clause.end]
    for_match = re.match(
        rf"^\s*(?:\w+\s+){{0,3}}?for\s+(?:the\s+|all\s+)?(?:\w+\s+)?(?P<obj>{P.OBJECT_RE.pattern})",
        after[:60],
        re.IGNORECASE,
    )
    alternative = (
        re.match(rf"\s*\((?P<obj>{ANY_OBJECT})\)", after[for_match.end() :], re.IGNORECASE)
        if for_match
        else None
    )
    if (
        "respectively" in r.text
    ):  # "... for electrons and muons, respectively": each value to its own object
        named = [kind for _, kind in objects]
    elif for_match is not None and re.search(
        r"\b(?:forward|tag|probe)\b", for_match.group(0), re.IGNORECASE
    ):  # "... and at least 25 GeV for forward jets": a value for some of them
        return (
            f"the value is for some {claim.kind}s ({for_match.group(0).strip()}), not for every "
            f"{claim.kind}"
        )
    elif for_match is not None:  # "pT > 30 (25) GeV for electrons (muons)": both
        named = [P.object_of(for_match)] + (
            [P.object_of(P.OBJECT_RE.search(alternative.group("obj")))]  # type: ignore[arg-type]
            if alternative
            else []
        )
    own = re.match(rf"^\s*\(\s*(?P<obj>{ANY_OBJECT})\s*\)", after, re.IGNORECASE)
    if own is not None:  # "pT > 20 GeV (electrons) or pT > 15 GeV (muons)": the value's own
        named = [P.object_of(P.OBJECT_RE.search(own.group("obj")))]  # type: ignore[arg-type]
    accepted = accepted_kinds(claim)
    if (
        not named and r.context_objects
    ):  # "They are required to ...": the object of the sentence before
        named = r.context_objects[-1:]
    if not named:
        return None if _PRONOUN.match(r.text) else f"the quote names no {claim.kind}"
    if accepted & set(named):
        mine = [p for p, k in objects if k in accepted and clause.start <= p < position]
        mine = mine or [p for p, k in objects if k in accepted and p < position][-1:]
        return reference_problem(claim, r, mine) or subset_problem(claim, r, mine)
    return f"the clause speaks of {', '.join(dict.fromkeys(named))}, not of {claim.kind}s"


# a qualifier making the objects a subset: "the tag muon", "forward jets"; prompt and displaced
# (central and forward) only when the sentence speaks of both kinds
# ("light-flavour jets", "non-b-tagged jets", "untagged jets": the jets that are not b-tagged)
_SUBSET_BEFORE = re.compile(
    r"\b(?P<q>forward|tag|probe|light|untagged|non-b-tagged|non-b|non-tagged"
    # muons of one reconstruction type: "calorimeter-tagged muons are accepted within |eta| <
    # 0.1" (the gap of the muon spectrometer), "stand-alone muons in 2.5 < |eta| < 2.7"
    r"|calo(?:rimeter)?[- ]tagged|segment[- ]tagged|stand-?alone|extrapolated"
    # the objects of one role: "the W lepton", "the Z candidate leptons", "the two tagging jets"
    r"|(?:(?-i:[WZH])|top|Higgs)(?:[- ](?:boson|quark))?(?:[- ]candidate)?|tagging|VBF|spectator"
    r"|recoil(?:ing)?)(?:[- ]\w+)?\s*$",
    re.IGNORECASE,
)
# one object by rank, for a cut on every object: "the leading jet must ... be separated from the
# photon by Delta R > 0.8"
_RANKED_BEFORE = re.compile(
    r"\b(?P<q>(?:(?:two|three|four)\s+)?(?:leading|sub-?leading|second|third|fourth"
    r"|highest[- ]p_?T|hardest))(?:[- ]\w+)?\s*$",
    re.IGNORECASE,
)
# qualifiers naming some objects when the sentence names the others too ("one-prong tau
# candidates must have pT > 20 GeV and three-prong candidates pT > 30 GeV")
_ONE_PRONG = r"(?:one|1|single)[- ]prong"
_MULTI_PRONG = r"(?:three|3|multi)[- ]prong"
_PAIRED = {
    "prompt": r"displaced",
    "displaced": r"prompt",
    "central": r"forward",
    "barrel": r"end-?caps?",
    "endcap": r"barrel",
    "end-cap": r"barrel",
    "one-prong": _MULTI_PRONG,
    "three-prong": _ONE_PRONG,
}
_PAIRED_BEFORE = re.compile(
    rf"\b(?P<q>prompt|displaced|central|barrel|end-?cap|(?P<one>{_ONE_PRONG})|(?P<multi>"
    rf"{_MULTI_PRONG}))(?:\s+\w+)?\s*$",
    re.IGNORECASE,
)
# a role after the noun: "the electron used as the tag", "jets in the forward region"
_ROLE_AFTER = re.compile(
    r"^\w*\s+(?P<q>used\s+as\s+(?:the\s+|a\s+)?(?:tag|probe)|in\s+the\s+forward\s+"
    r"(?:region|direction|calorimeter)|in\s+the\s+(?:[\w-]+\s+)?(?:region|range|interval)\s+"
    # ("jets in the region 2.5 < |eta| < 3.0")
    # (a positive lower edge: a part of the detector; "-2.5 < eta < 2.5" is the acceptance)
    r"(?:of\s+)?(?:0\.\d*[1-9]|[1-9][\d.]*)\s*(?:<=?\s*\|?\s*[A-Za-z][\w^{}]*\s*\|?\s*<=?|-|\u2013|to\b)"
    r"\s*\d[\d.]*|(?:associated\s+with|assigned\s+to|attributed\s+to)\s+the\s+(?:[\w-]+\s+){0,2}?(?:decay"
    r"|boson|candidate)|with\s+the\s+(?:highest|largest|lowest|smallest|second[- ]"
    r"(?:highest|largest))\b|(?:from|of)\s+the\s+(?:[\w-]+\s+){0,2}?(?:decay|boson|candidate))\b",
    re.IGNORECASE,
)


def ranked_subject_problem(claim: Claim, r: Reading, positions: list[int]) -> str | None:
    """A cut on every object from a clause about one by rank, where no comparison carries the
    rank: 'The leading jet must be separated from the photon by Delta R > 0.8' (the object named
    last, not as an index: 'The leading jet must satisfy |y^jet| < 4.4 and be separated ...')."""
    named = [pos for pos in positions if pos == 0 or r.text[pos - 1] not in "^_{"][-1:]
    ranked = _RANKED_BEFORE.search(r.text[max(0, named[0] - 30) : named[0]]) if named else None
    if ranked is None or claim.rank is not None:
        return None
    return (
        f"the clause ranks the objects ({ranked.group('q').lower()}), but the cut applies to "
        f"every {claim.kind}"
    )


_EXCLUDED = re.compile(
    rf"\s*(?:are|is)\s+(?:then\s+)?(?:{P.REJECTED_VERB}|not\s+considered)\b",
    re.IGNORECASE,
)


def _states_values(text: str, claim: Claim) -> bool:
    numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}
    return bool(claim.values) and all(v in numbers for v in claim.values)


def subset_problem(claim: Claim, r: Reading, positions: list[int]) -> str | None:
    """A cut on every object of a kind read from a clause about some of them: forward jets,
    the tag or probe lepton, the prompt (or the displaced) muon of a sentence that has both."""
    for pos in positions:
        before = _SUBSET_BEFORE.search(r.text[max(0, pos - 30) : pos])
        paired = _PAIRED_BEFORE.search(r.text[max(0, pos - 24) : pos])
        role = _ROLE_AFTER.match(r.text[pos : pos + 90])
        found = before.group("q") if before else None
        if found is None and paired is not None:
            said = paired.group("q").lower()
            other = _PAIRED[
                "one-prong"
                if paired.group("one")
                else "three-prong"
                if paired.group("multi")
                else said
            ]
            if re.search(rf"\b{other}\s+\w+\b(?!\s+(?:are|is)\s+not\b)", r.text, re.IGNORECASE):
                found = paired.group("q")
        if (
            found is None
            and role is not None
            and not (
                _states_values(role.group("q"), claim) and _EXCLUDED.match(r.text, pos + role.end())
            )
        ):
            # (not the range the cut is: "Electrons in the region 1.37 < |eta| < 1.52 are
            # excluded")
            found = role.group("q")
        if found is not None:
            return (
                f"the clause speaks of some {claim.kind}s ({found.lower()}), not of every "
                f"{claim.kind}: a cut on the whole collection does not state it"
            )
    return None


# particle-flow candidates are tracks, whatever particle they are taken for: "isolated
# charged-hadron PF candidates", "for hadron or lepton particle-flow candidates"
_PF_CANDIDATE = re.compile(
    r"\b(?:charged[- ])?(?:hadrons?|leptons?|electrons?|muons?)?[- ]?(?:PF|particle[- ]flow)\s+"
    r"candidates?\b",
    re.IGNORECASE,
)
# jets of another collection named where the quantity stands ("the large-R jet must have pT >
# 450 GeV ... and contain two track jets identified as b-jets")
_OTHER_JETS = re.compile(
    r"\b(?:large[- ]R|large[- ]radius|fat|AK8|re-?clustered|trimmed|(?:variable-radius\s+)?"
    r"track)[- ]jets?\b",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"\s*(?:their|its|they|these|those)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"^\W*(?:which|that|who)\b", re.IGNORECASE)


def _named_objects(r: Reading) -> list[tuple[int, str]]:
    """The objects the sentence names, (offset, kind), with particle-flow candidates read as
    tracks (the shared reading takes 'lepton PF candidates' for leptons)."""
    spans = [(m.start(), m.end()) for m in _PF_CANDIDATE.finditer(r.text)]
    objects = [
        (pos, k)
        for pos, k in r.objects
        if not any(a <= pos < b for a, b in spans)
        # (not "one or three charged tracks": what the tau candidates are made of)
        and not (k == "track" and P.CONSTITUENT.search(r.text[:pos]))
    ]
    return sorted(objects + [(a, "track") for a, _ in spans])


def _counted_above(claim: Claim, text: str, comp, comps: list) -> tuple[str, int] | None:  # type: ignore[no-untyped-def,type-arg]
    """'at least eight jets with pT > 50 GeV' as the eighth jet's pT > 50 GeV: a lower bound on
    the pT of the n-th object only (the n-th by pT is above it exactly when n of them are)."""
    if (
        claim.quantity == "eta"
        and claim.direction == "upper"
        and claim.kind in ("jet", "fatjet", "bjet")
    ):
        # ("a jet with pT > 250 GeV and |eta| < 2.0": the same, leading, jet's)
        said = ranks.counted_with_pt(text, comps, comp.position)
        return None if said is None or said[1] != 0 else (said[0], 0)
    if claim.quantity != "pt" or claim.direction != "lower":
        return None
    return ranks.counted_above(text, comp.position)


def rank_problem(claim: Claim, r: Reading, comp) -> str | None:  # type: ignore[no-untyped-def]
    """A cut on every object read from a clause about the leading (third, ...) one, or a cut on
    the n-th object that the clause does not rank so."""
    if claim.kind in ("event", "other") or "#" in claim.quantity:
        return None
    bound = ranks.ranked(r.text, comp)
    if bound is not None and bound.kind is not None and not accepted_kinds(claim) & {bound.kind}:
        bound = None  # the rank is of other objects ("the leading jet ..., muons with ...")
    if bound is None:
        besides = ranks.besides_ranked(r.text, comp.position)
        if claim.rank is None and besides is not None and besides[0] in accepted_kinds(claim):
            return (
                f"the clause is on the {claim.kind}s beyond the {besides[1]} leading one(s) "
                f"('besides the leading one'), but the cut applies to every {claim.kind}"
            )
        if claim.rank is None:
            return None
        beyond = (
            ranks.beyond_ranked(r.text, comp.position)
            or ranks.of_which(r.text, comp.position)
            or ranks.besides_ranked(r.text, comp.position)
            or _counted_above(claim, r.text, comp, r.comparisons)
            # ("The leading photon must have ...; events with an additional photon with E_T > 50
            # GeV are vetoed": the second photon)
            or ranks.additional_vetoed(r.text, comp.position)
            # ("In the muon channel, the muon must have pT > 27 GeV": the one muon)
            or ranks.the_one(r.text, comp.position)
        )
        if beyond is not None and beyond[1] == claim.rank and beyond[0] in accepted_kinds(claim):
            # "the leading jet ... and at least one additional jet with pT > 75 GeV", "at least
            # two jets, one of which must have pT > 100 GeV"
            return None
        return (
            f"the cut is on the {ranks.ordinal(claim.rank)} {claim.kind} only, but the clause "
            f"states no rank: it applies to every {claim.kind}"
        )
    phrase = bound.phrase.strip()
    if claim.rank is None:
        return f"the clause ranks the objects ({phrase}), but the cut applies to every {claim.kind}"
    stated = sorted(
        {rank for rank, value in bound.pairs or () if same_values(claim, value, comp.unit)}
    )
    if bound.pairs is not None and claim.rank not in stated:
        said = " or ".join(ranks.ordinal(k) for k in stated) or "another"
        return (
            f"the clause binds {fmt(claim.values)} to the {said} {claim.kind} ({phrase}), the "
            f"cut to the {ranks.ordinal(claim.rank)}"
        )
    return None


_SEPARATION_WORDS = re.compile(r"Delta ?R|\bseparat|\bisolated\s+from|\boverlap", re.IGNORECASE)
_FROM_REFERENCE = re.compile(
    r"\b(?:from|to)\s+(?:any|all|the|each|every|a|an)?\s*(?:other\s+|selected\s+|nearby\s+)?$",
    re.IGNORECASE,
)


def reference_problem(claim: Claim, r: Reading, positions: list[int]) -> str | None:
    """A cut on the objects a separation is measured from ("electrons must be separated by
    Delta R > 0.4 from any jet with pT > 30 GeV"): the value picks the reference objects of
    another object's requirement; the analysis keeps jets below it too."""
    if not _SEPARATION_WORDS.search(r.text):
        return None
    for pos in positions:
        if _FROM_REFERENCE.search(r.text[max(0, pos - 30) : pos]):
            return (
                f"the {claim.kind}s are the reference of another object's separation ('from any "
                f"{claim.kind} with ...'): the value picks which {claim.kind}s count there, it "
                f"is no requirement on the {claim.kind}s"
            )
    return None

"""The support check's object and rank tests: does the clause name the cut's object, and
the rank (leading, second, ...) the cut is on?"""

from __future__ import annotations

import re

from pipeline.extract import patterns as P
from pipeline.extract import ranks
from pipeline.extract.reading import Reading
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
        re.match(rf"\s*\((?P<obj>{ANY_OBJECT})\)", after[for_match.end() :], re.IGNORECASE)
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


def rank_problem(claim: Claim, r: Reading, comp) -> str | None:  # type: ignore[no-untyped-def]
    """A cut on every object read from a clause about the leading (third, ...) one, or a cut on
    the n-th object that the clause does not rank so."""
    if claim.kind in ("event", "other") or "#" in claim.quantity:
        return None
    bound = ranks.ranked(r.text, comp)
    if bound is not None and bound.kind is not None and not accepted_kinds(claim) & {bound.kind}:
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
    stated = sorted({rank for rank, value in bound.pairs or () if same_values(claim, value)})
    if bound.pairs is not None and claim.rank not in stated:
        said = " or ".join(ranks.ordinal(k) for k in stated) or "another"
        return (
            f"the clause binds {fmt(claim.values)} to the {said} {claim.kind} ({phrase}), the "
            f"cut to the {ranks.ordinal(claim.rank)}"
        )
    return None

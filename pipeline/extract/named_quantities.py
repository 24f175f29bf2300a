"""Event quantities papers name by a symbol (H_T, m_T, M_R, R^2, M_CT, alpha_T, S_T, L_T, H_T^miss)
defined in the selection language when a cut uses them.

The rules and the support check read these symbols in their typographic forms
(:mod:`patterns`); a cut on one is a structured cut on the symbol's canonical name (``mr > 400``)
and the list gets a derived quantity of that name with the common definition, recorded as an
assumption for review. A quantity the language names but does not implement (M_T2: a numerical
minimisation) is never given a look-alike definition: its cuts go to ``unresolved`` with that
reason (:func:`unexpressible_quantities`).
"""

from __future__ import annotations

import re

from pipeline.extract import patterns as P
from pipeline.extract import ranks
from pipeline.selection.expr import cut_expression
from pipeline.selection.models import (
    Assumption,
    Cut,
    Derived,
    PhysicsObject,
    Provenance,
    SelectionList,
)


def _transverse_mass(collection: str) -> str:
    lead = f"sorted_by_pt({collection})"
    return f"sqrt(2 * nth(pt({lead}), 0) * met * (1 - cos(nth(phi({lead}), 0) - met_phi)))"


def _leading(collection: str, rank: int) -> str:
    return f"nth(sorted_by_pt({collection}), {rank})"


_MBB = f"mass({_leading('bjets', 0)}, {_leading('bjets', 1)})"
_LEAD_LEPTON_PT = "nth(pt(sorted_by_pt(leptons)), 0)"
# event quantities papers name without a formula, defined by the common convention (recorded as an
# assumption): name -> [(collection it is built from, expression, meaning)], the first whose
# collection the list has wins
NAMED_QUANTITIES: dict[str, list[tuple[str, str, str]]] = {
    "ht": [("jets", "sum(pt(jets))", "H_T = the scalar sum of the pT of the selected jets")],
    "mt": [
        (
            "photons",
            _transverse_mass("photons"),
            "m_T = the transverse mass of the leading photon and the MET",
        ),
        (
            "leptons",
            _transverse_mass("leptons"),
            "m_T = the transverse mass of the leading lepton and the MET",
        ),
    ],
    "wt": [
        (
            "leptons",
            _transverse_mass("leptons"),
            "m_T^W = the transverse mass of the leading lepton and the MET",
        )
    ],
    "mbb": [("bjets", _MBB, "m_bb = the invariant mass of the two leading b-tagged jets")],
    "mll": [
        (
            "leptons",
            f"mass({_leading('leptons', 0)}, {_leading('leptons', 1)})",
            "m_ll = the invariant mass of the two leading leptons (check the paper's pair: "
            "opposite-sign, same-flavour, or the one closest to the Z)",
        )
    ],
    "ptll": [
        (
            "leptons",
            f"pt_of({_leading('leptons', 0)}, {_leading('leptons', 1)})",
            "p_T^ll = the transverse momentum of the two leading leptons together",
        )
    ],
    "mmumu": [
        (
            "muons",
            f"mass({_leading('muons', 0)}, {_leading('muons', 1)})",
            "m_mumu = the invariant mass of the two leading muons",
        )
    ],
    "mee": [
        (
            "electrons",
            f"mass({_leading('electrons', 0)}, {_leading('electrons', 1)})",
            "m_ee = the invariant mass of the two leading electrons",
        )
    ],
    "mgammagamma": [
        (
            "photons",
            f"mass({_leading('photons', 0)}, {_leading('photons', 1)})",
            "m_gammagamma = the invariant mass of the two leading photons",
        )
    ],
    "mjj": [
        (
            "jets",
            f"mass({_leading('jets', 0)}, {_leading('jets', 1)})",
            "m_jj = the invariant mass of the two leading jets",
        )
    ],
    "mr": [
        (
            "jets",
            "razor_mr(megajets(jets))",
            "M_R = the razor mass of the two megajets built from the selected jets",
        )
    ],
    "rsq": [
        (
            "jets",
            "razor_r2(megajets(jets), met_vec)",
            "R^2 = (M_T^R / M_R)^2 of the two megajets built from the selected jets and the MET",
        )
    ],
    "mct": [
        (
            "jets",
            f"mct({_leading('jets', 0)}, {_leading('jets', 1)})",
            "M_CT = the contransverse mass of the two leading jets",
        )
    ],
    "alphat": [
        ("jets", "alpha_t(jets)", "alpha_T of the selected jets (two pseudo-jets, HT and MHT)")
    ],
    "mht": [
        (
            "jets",
            "pt(mht(jets))",
            "H_T^miss = the magnitude of the negative vector sum of the selected jets' pT",
        )
    ],
    "lt": [
        (
            "leptons",
            f"{_LEAD_LEPTON_PT} + met",
            "L_T = the pT of the leading lepton plus the MET",
        )
    ],
    "meff": [
        (
            "jets",
            "sum(pt(jets)) + met",
            "m_eff = the scalar sum of the pT of the selected jets and the MET (some analyses "
            "add the leptons' pT: check the paper's definition)",
        )
    ],
    "st": [
        (
            "leptons",
            "sum(pt(jets)) + sum(pt(leptons))",
            "S_T = the scalar sum of the pT of the selected jets and leptons (H_T + pT of the "
            "leptons)",
        )
    ],
    "dy": [
        (
            "jets",
            "abs(nth(rapidity(sorted_by_pt(jets)), 0) - nth(rapidity(sorted_by_pt(jets)), 1))",
            "|Delta y| = the rapidity difference of the two leading jets",
        )
    ],
    "ystar": [
        (
            "jets",
            "abs(nth(rapidity(sorted_by_pt(jets)), 0) - nth(rapidity(sorted_by_pt(jets)), 1)) / 2",
            "|y*| = half the rapidity difference of the two leading jets (the rapidity of either "
            "jet in the dijet centre-of-mass frame)",
        )
    ],
    "mt2": [
        (
            "leptons",
            f"mt2({_leading('leptons', 0)}, {_leading('leptons', 1)}, met_vec)",
            "M_T2(ll) = the stransverse mass of the two leading leptons and the MET",
        ),
        (
            "jets",
            "mt2(nth(megajets(jets), 0), nth(megajets(jets), 1), met_vec)",
            "M_T2 = the stransverse mass of the two megajets built from the selected jets and "
            "the MET (check the paper's pseudojets)",
        ),
    ],
}
_UNITLESS = {"rsq", "alphat", "dphi", "deta", "dr", "dy", "ystar"}
# M_T2 of leptons only when the quote speaks of them (a lepton veto gives a hadronic search a
# lepton collection too)
_TRACK_QUOTE = re.compile(r"\btracks?\b", re.IGNORECASE)
# (a prepared quote: "\u2113" is "l"; "m_T^W", "the electron or muon and p_T^miss", "m_T(l, ...)")
_LEPTON_QUOTE = re.compile(
    r"lepton|\u2113|\bll\b|\(\s*ll\s*\)|_\{?ll\}?|\belectrons?\b|\bmuons?\b|\(\s*l\s*,"
    r"|m_?T\^?\{?W\b|\bW[- ](?:boson|candidate)",
    re.IGNORECASE,
)
# quantities the language names but does not implement: name -> why no cut on them can be stated
NOT_IMPLEMENTED = {
    "mt2w": "M_T2^W is a numerical minimisation the runtime does not implement",
}
_PHOTON_QUOTE = re.compile(r"\u03b3|photon|gamma", re.IGNORECASE)


def unexpressible_quantities(sel: SelectionList) -> dict[str, str]:
    """Cut id -> why, for cuts on a quantity the language cannot compute (M_T2^W), or on an M_T2
    that defines veto tracks (of a track and a lepton) rather than the events."""
    out = {}
    for cut in sel.all_cuts():
        if cut.variable in NOT_IMPLEMENTED:
            out[cut.id] = (
                "not expressible in the selection language: " + NOT_IMPLEMENTED[cut.variable]
            )
        elif _defines_veto_tracks(cut):
            out[cut.id] = (
                "an M_T2 of a track (and a lepton) defines the veto tracks, not an event "
                "quantity: the language has no track objects to state it on"
            )
    return out


_NUMBER_OF_JETS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}
_MEGAJETS = re.compile(r"megajets?", re.IGNORECASE)
_MISSING = re.compile(
    r"miss|\bMET\b|\bMHT\b|missing (?:transverse )?(?:momentum|energy)", re.IGNORECASE
)
_N = r"two|three|four|[234]"
# which jets: "the three leading jets", "the three jets with highest pT", "the leading four jets",
# "j_{1,2,3}" (a count - "at least two jets" - says nothing of it)
_LEADING_JETS = re.compile(
    rf"\b(?P<n>{_N})\s+(?:leading|highest[- ]p_?T|hardest)\s+jets"
    rf"|\b(?P<n2>{_N})\s+jets\s+with\s+(?:the\s+)?(?:highest|largest|leading)"
    rf"|\b(?:leading|first)\s+(?P<n3>{_N})\s+jets"
    # "Delta phi(jet_i, MET) > 0.4 for up to four jets": the (at most) four leading ones
    rf"|\bup\s+to\s+(?P<n4>{_N})\s+jets\b"
    r"|\b(?:j|jets?)_?\{?1\s*,\s*(?:2\s*,\s*)?(?:3\s*,\s*)?(?P<last>[234])\}?"
    # one jet: "the leading jet and the missing transverse momentum", "Delta phi(j1, MET)"
    r"|(?P<one>\b(?:leading|highest[- ]p_?T|hardest|first)\s+jet\b(?!s)"
    r"|\b(?:j|jet)_?\{?1\}?(?=\s*,))",
    re.IGNORECASE,
)
# one jet below the leading one: "Delta phi(j2, MET)", "Delta phi(jet_3, E_T^miss)", "between the
# second jet and the MET"
_RANKED_JET = re.compile(
    r"\b(?:j|jet)_?\{?(?P<digit>[2-6])\}?(?=\s*,)"
    r"|\b(?P<word>second|third|fourth|sub-?leading|next-to-leading)(?:[- ]leading)?\s+jet\b(?!s)",
    re.IGNORECASE,
)
_RANK_WORD = {"second": 1, "subleading": 1, "sub-leading": 1, "next-to-leading": 1, "third": 2,
              "fourth": 3}  # fmt: skip
# every jet: "for all jets", "between each jet and", "any of the jets"
_EVERY_JET = re.compile(
    r"\b(?:all|each|every|any)\s+(?:of\s+the\s+)?(?:(?:selected|signal|reconstructed)\s+)?jets?\b",
    re.IGNORECASE,
)
_ABOVE = re.compile(
    r"\s+(?:with|having)\s+(?:a\s+)?(?:p_?T|transverse momentum)\s*(?:>|>=|\u2265|above|greater\s+"
    r"than|larger\s+than|exceeding|of\s+at\s+least)\s*(?P<v>\d+(?:\.\d+)?)\s*GeV\b",
    re.IGNORECASE,
)
# the two leptons: "Delta phi_ll", "the azimuthal angle between the two leptons"
_TWO_LEPTONS = re.compile(
    r"Delta\s*phi\s*_?\{?(?:ll|\u2113\u2113)\}?|\bbetween\s+the\s+two\s+(?:selected\s+)?leptons\b"
    r"|\bDelta\s*phi\s*\(\s*(?:l|\u2113)_?\{?1\}?\s*,\s*(?:l|\u2113)_?\{?2\}?\s*\)",
    re.IGNORECASE,
)
_LEPTON_AND_W = re.compile(r"lepton[^.;]{0,80}\bW\b|\bW\b[^.;]{0,80}lepton", re.IGNORECASE)


_MHT = re.compile(r"H_?\{?T\}?\s*\^\s*\{?miss|\bMHT\b|H\s*\^\s*\{?miss")


def _missing_vector(quote: str) -> tuple[str, str]:
    """(expression, name) of the missing momentum a Delta phi quote measures from: H_T^miss when
    it names it, else the MET."""
    return ("mht(jets)", "H_T^miss") if _MHT.search(quote) else ("met_vec", "the MET")


_ANGLE = re.compile(r"Delta\s*phi|\u0394\s*\u03c6|\bazimuthal\b", re.IGNORECASE)


def _nearer_the_angle(quote: str, one: re.Match[str], other: re.Match[str]) -> bool:
    """Whether ``one`` is named nearer the Delta phi the quote states than ``other``."""
    angle = _ANGLE.search(quote)
    if angle is None or one.start() < angle.start():
        return False  # (an earlier "All jets must have ..." is no angle's)
    return abs(one.start() - angle.start()) < abs(other.start() - angle.start())


def dphi_definition(quote: str) -> tuple[str, str] | None:
    """The Delta phi a quote names, as (expression, meaning): between the two razor megajets,
    between the missing momentum (or H_T^miss) and the closest of the n leading jets, or between
    the lepton and the W candidate (lepton + MET). None when the quote does not say which."""
    if _MEGAJETS.search(quote):
        pair = "nth(megajets(jets), 0), nth(megajets(jets), 1)"
        return f"delta_phi({pair})", "Delta phi_R = the azimuthal angle between the two megajets"
    jets = _LEADING_JETS.search(quote)
    angle = _ANGLE.search(quote)
    # (the jet the angle's own symbol or words name: not "The second jet must have pT > 30 GeV,
    # and Delta phi(jet, MET) > 0.4 ... for all jets")
    ranked = _RANKED_JET.search(quote, angle.start(), angle.end() + 50) if angle else None
    if (
        ranked is not None
        and _MISSING.search(quote)
        and (jets is None or jets.start() > ranked.start())
    ):
        said = ranked.group("digit")
        rank = int(said) - 1 if said else _RANK_WORD[ranked.group("word").lower()]
        vector, named = _missing_vector(quote)
        which = ranks.ordinal(rank)
        return (
            f"nth(delta_phi(sorted_by_pt(jets), {vector}), {rank})",
            f"Delta phi = the azimuthal angle between {named} and the {which} jet",
        )
    every = _EVERY_JET.search(quote)
    if jets is not None and every is not None and _nearer_the_angle(quote, every, jets):
        jets = None  # ("a leading jet with pT > 150 GeV, ..., and Delta phi(jet, MET) > 0.4 for
        # all selected jets": the angle's own jets are all of them)
    if jets is not None and _MISSING.search(quote):
        said = next((jets.group(g) for g in ("n", "n2", "n3", "n4", "last") if jets.group(g)), None)
        n = _NUMBER_OF_JETS[said.lower()] if said else 1
        vector, named = _missing_vector(quote)
        return (
            f"min_of(delta_phi(first_n(sorted_by_pt(jets), {n}), {vector}))",
            f"Delta phi_min = the smallest azimuthal angle between {named} and the {n} leading "
            "jets",
        )
    if every is not None and _MISSING.search(quote):
        # "Delta phi(jet, MET) > 0.5 for all jets", "between each jet and the MET"
        vector, named = _missing_vector(quote)
        above = _ABOVE.match(quote, every.end())
        if above is not None:
            # "all jets with pT > 100 GeV must fulfil ...": only those jets count (4 > pi for
            # the others, so they never make the smallest angle)
            threshold = above.group("v")
            return (
                f"min_of(where(pt(jets) > {threshold}, delta_phi(jets, {vector}), 4))",
                f"Delta phi_min = the smallest azimuthal angle between {named} and any selected "
                f"jet with pT > {threshold} GeV",
            )
        return (
            f"min_of(delta_phi(jets, {vector}))",
            f"Delta phi_min = the smallest azimuthal angle between {named} and any selected jet",
        )
    two = _pair_collection(quote, _DPHI_PAIR, r"Delta\s*phi\b")
    if two is not None and two != "leptons" and not _MISSING.search(quote):
        # "Delta phi_{gammagamma}", "Delta phi(j, j)", "the two jets ... Delta phi"
        named = two[:-1].replace("bjet", "b-tagged jet")
        return (
            f"delta_phi({_leading(two, 0)}, {_leading(two, 1)})",
            f"Delta phi = the azimuthal angle between the two leading {named}s",
        )
    if (_TWO_LEPTONS.search(quote) or two == "leptons") and not _MISSING.search(quote):
        pair = "nth(sorted_by_pt(leptons), 0), nth(sorted_by_pt(leptons), 1)"
        return (
            f"delta_phi({pair})",
            "Delta phi_ll = the azimuthal angle between the two leading leptons",
        )
    if _LEPTON_AND_W.search(quote):
        lepton = "nth(sorted_by_pt(leptons), 0)"
        return (
            f"delta_phi({lepton}, vector_sum({lepton}, met_vec))",
            "Delta phi(l, W) = the azimuthal angle between the leading lepton and the W candidate "
            "(lepton + MET)",
        )
    return None


# a separation of two objects of one kind, by its symbol's subscript or arguments ("Delta R_ll",
# "Delta R(l, l)", "Delta R_{gammagamma}", "Delta R(b_1, b_2)") or in words ("the two leptons"):
# the pair symbol -> the collection
_PAIR_COLLECTIONS = {
    "l": "leptons",
    "\u2113": "leptons",
    "ell": "leptons",
    "lep": "leptons",
    "e": "electrons",
    "mu": "muons",
    "\u03bc": "muons",
    "gamma": "photons",
    "\u03b3": "photons",
    "j": "jets",
    "jet": "jets",
    "b": "bjets",
    "tau": "taus",
}
_ONE = "|".join(sorted((re.escape(k) for k in _PAIR_COLLECTIONS), key=len, reverse=True))
_PAIR_SYMBOL = (
    rf"\s*(?:_\s*\{{?\s*(?P<s1>{_ONE})\s*(?P<s2>{_ONE})\s*\}}?(?![A-Za-z])"
    rf"|\(\s*(?P<a1>{_ONE})\s*_?\{{?[12]?\}}?\s*,\s*(?P<a2>{_ONE})\s*_?\{{?[12]?\}}?\s*\))"
)
_DR_PAIR = re.compile(rf"Delta\s*R{_PAIR_SYMBOL}")
_DPHI_PAIR = re.compile(rf"Delta\s*phi{_PAIR_SYMBOL}")
_TWO_OF_A_KIND = re.compile(
    r"\b(?:the|both|these)\s+two\s+(?:selected\s+|leading\s+|signal\s+)?(?P<kind>leptons|electrons"
    r"|muons|photons|b-tagged\s+jets|b[- ]?jets|jets|taus|tau\s+(?:candidates|leptons))\b",
    re.IGNORECASE,
)
_WORD_COLLECTIONS = {"leptons": "leptons", "electrons": "electrons", "muons": "muons",
                     "photons": "photons", "jets": "jets", "taus": "taus",
                     "tau candidates": "taus", "tau leptons": "taus"}  # fmt: skip


def dr_definition(quote: str) -> tuple[str, str] | None:
    """The Delta R a quote names between the two (leading) objects of one kind, as (expression,
    meaning); None when it relates two kinds ("jets within Delta R < 0.4 of an electron": an
    object cut, read by the separation rules) or does not say."""
    collection = _pair_collection(quote, _DR_PAIR, r"Delta\s*R\b")
    if collection is None:
        return None
    named = collection[:-1].replace("bjet", "b-tagged jet")
    return (
        f"delta_r({_leading(collection, 0)}, {_leading(collection, 1)})",
        f"Delta R = the angular separation of the two leading {named}s",
    )


_DETA_PAIR = re.compile(rf"Delta\s*eta{_PAIR_SYMBOL}")
# objects other than jets whose pseudorapidity separation a quote may bound
_OTHER_PAIRS = re.compile(
    r"\b(?:leptons?|electrons?|muons?|photons?|taus?|tau[- ](?:candidates|leptons)|diphoton"
    r"|dilepton|gammagamma|\u03b3\u03b3)\b",
    re.IGNORECASE,
)


def deta_definition(quote: str) -> tuple[str, str] | None:
    """The Delta eta a quote names: between the two leading objects of the kind it names
    ("Delta eta_gammagamma", "the two photons ... |Delta eta|"), of the two leading jets when it
    names jets or no other object (VBF's Delta eta_jj); None when it names other objects without
    saying which two (a Delta eta of two taus is no Delta eta of jets)."""
    collection = _pair_collection(quote, _DETA_PAIR, r"Delta\s*eta\b|rapidity")
    if collection is None:
        if _OTHER_PAIRS.search(quote) and not re.search(r"\bjets?\b|_\{?jj", quote, re.I):
            return None
        collection = "jets"
    named = collection[:-1].replace("bjet", "b-tagged jet")
    return (
        f"abs(delta_eta({_leading(collection, 0)}, {_leading(collection, 1)}))",
        f"Delta eta = the pseudorapidity separation of the two leading {named}s",
    )


def _pair_collection(quote: str, symbol_re: re.Pattern[str], word: str) -> str | None:
    """The collection of the two objects of one kind a Delta R or Delta phi quote relates."""
    symbol = symbol_re.search(quote)
    collection = None
    if symbol is not None:
        first, second = (
            (symbol.group("s1"), symbol.group("s2"))
            if symbol.group("s1")
            else (symbol.group("a1"), symbol.group("a2"))
        )
        if _PAIR_COLLECTIONS[first] == _PAIR_COLLECTIONS[second]:
            collection = _PAIR_COLLECTIONS[first]
    elif (
        (words := _TWO_OF_A_KIND.search(quote)) is not None
        and (
            re.search(word, quote[words.end() :])
            # "Delta R between the two leptons": the symbol just before them
            or re.search(rf"{word}[^.;]{{0,30}}$", quote[: words.start()])
        )
    ):
        kind = words.group("kind").lower()
        collection = "bjets" if kind.startswith("b") else _WORD_COLLECTIONS[kind]
    return collection


_DEFINED_BY_QUOTE = {"dphi": dphi_definition, "dr": dr_definition, "deta": deta_definition}

# a scalar sum the quote spells out: "S_T, the scalar sum of the pT of the leptons, jets and
# E_T^miss", "L_T, the sum of the transverse momenta of the leptons", "H_T, the scalar sum of the pT
# of the jets and leptons", "the scalar sum of E_T^miss and the lepton pT"
_SUM_OF = re.compile(
    r"\b(?:scalar\s+)?sum\s+of\s+(?P<parts>[^;.]{3,120}?)(?=,\s*(?:must|is|are|should)\b|\s+"
    r"(?:must|is|are|should|has|have|exceeds?|above|greater|larger)\b|[;.]|$)",
    re.IGNORECASE,
)
_SUMMED_PARTS = [
    ("jets", re.compile(r"(?<![\w-])jets?\b", re.I)),
    ("leptons", re.compile(r"\bleptons?\b", re.I)),
    ("electrons", re.compile(r"\belectrons?\b", re.I)),
    ("muons", re.compile(r"\bmuons?\b", re.I)),
    ("photons", re.compile(r"\bphotons?\b", re.I)),
    ("met", _MISSING),
]
_SUMS = {"ht", "lt", "st", "meff"}


def sum_definition(quote: str) -> tuple[str, str, str] | None:
    """(collection, expression, meaning) of a scalar sum the quote spells out, None when it
    names none (the common definition then stands)."""
    match = _SUM_OF.search(quote)
    if match is None:
        return None
    parts = [name for name, regex in _SUMMED_PARTS if regex.search(match.group("parts"))]
    objects = [p for p in parts if p != "met"]
    if not objects:
        return None
    if "leptons" in objects:
        objects = [o for o in objects if o not in ("electrons", "muons")]
    terms = [f"sum(pt({o}))" for o in objects] + (["met"] if "met" in parts else [])
    said = " + ".join(("the MET" if t == "met" else f"the pT of the {t[7:-2]}") for t in terms)
    collection = "leptons" if "leptons" in objects else objects[0]
    return collection, " + ".join(terms), f"the scalar sum of {said}, as the quote defines it"


def _defines_veto_tracks(cut: Cut) -> bool:
    """An M_T2 of a track (and a lepton) defines veto tracks, not an event quantity."""
    return cut.variable == "mt2" and bool(_TRACK_QUOTE.search(_quote(cut)))


def _quote(cut: Cut) -> str:
    """The cut's quote, prepared as the rules read it (LaTeX and Unicode as ASCII)."""
    return P.prepare(cut.provenance.quote or "") if cut.provenance is not None else ""


# the symbol of each quantity a quote defines: where one of several such quantities starts
_SYMBOLS = {
    "dphi": re.compile(r"Delta\s*phi|\bazimuthal\b", re.IGNORECASE),
    "dr": re.compile(r"Delta\s*R\b", re.IGNORECASE),
    "deta": re.compile(r"Delta\s*eta|\bpseudorapidity\s+(?:gap|separation|difference)", re.I),
}


def _own_text(cut: Cut, name: str) -> str:
    """The part of the cut's quote that states it: when the quote names the quantity twice or more
    ("Delta phi(j1, MET) > 0.5 and Delta phi(j_2, MET) > 0.3"), from the last symbol before the
    cut's value to the value; else the whole quote."""
    quote = _quote(cut)
    symbols = [m.start() for m in _SYMBOLS[name].finditer(quote)]
    if len(symbols) < 2 or not isinstance(cut.value, int | float) or isinstance(cut.value, bool):
        return quote
    for number in re.finditer(P.NUM, quote):
        before = [start for start in symbols if start < number.start()]
        if before and float(number.group(0)) == float(cut.value):
            return quote[before[-1] : number.end()]
    return quote


def _own_definitions(used: list[Cut], name: str) -> dict[str, tuple[str, str] | None]:
    """Cut id -> the definition of ``name`` its own part of its quote states (None: none), in
    the order of ``used`` (the list's definition is the first one stated)."""
    definition_of = _DEFINED_BY_QUOTE[name]
    return {c.id: definition_of(_own_text(c, name)) for c in used}


def dphi_conflicts(sel: SelectionList) -> dict[str, str]:
    """Cut id -> why, for Delta phi (Delta R) cuts whose quote names another Delta phi (Delta R)
    than the one the list defines (the first one a quote names) and that cannot be written with
    their own (:func:`with_own_definitions`): one name holds one quantity."""
    out = {}
    for name in _DEFINED_BY_QUOTE:
        used = _uses(sel, name)
        owns = _own_definitions(used, name)
        defined = next((d for d in owns.values() if d), None)
        if defined is None or any(d.name == name for d in sel.derived):
            continue
        # the quotes where some cut's own part names its objects
        stated = {_quote(c) for c in used if owns[c.id] is not None}
        for cut in used:
            own = owns[cut.id]
            if own is None and _own_text(cut, name) != _quote(cut) and _quote(cut) in stated:
                # ("Delta phi_min(jets, MET) > 0.4 and Delta phi(j2, MET) > 0.2": the first one's
                # jets are not stated, and it is not the second one's angle)
                out[cut.id] = (
                    f"not expressible as read: the quote names several {name} quantities and "
                    "this cut's part of it does not say which objects it is of"
                )
            elif own is not None and own[0] != defined[0]:
                out[cut.id] = (
                    f"not expressible in the selection language: the list's {name} is "
                    f"'{defined[1]}', this cut's is '{own[1]}' (one name, one quantity)"
                )
    return out


def with_own_definitions(sel: SelectionList) -> SelectionList:
    """``sel`` with each structured Delta phi (Delta R, Delta eta) cut whose own part of its quote
    names another such quantity than the list's (the first one stated) written as an expression
    of its own: "Delta phi(j1, MET) > 0.5 and Delta phi(j_2, MET) > 0.3" is two angles, and the
    second one is not the leading jet's."""
    for name in _DEFINED_BY_QUOTE:
        used = [c for c in _uses(sel, name) if c.variable == name and c.expr is None]
        owns = _own_definitions(used, name)
        defined = next((d for d in owns.values() if d), None)
        if defined is None or any(d.name == name for d in sel.derived):
            continue
        own = {i: d for i, d in owns.items() if d is not None and d[0] != defined[0]}

        def inline(cut: Cut, own: dict[str, tuple[str, str]] = own, name: str = name) -> Cut:
            if cut.id not in own:
                return cut
            expr, meaning = own[cut.id]
            written = re.sub(rf"\b{name}\b", expr, cut_expression(cut), count=1)
            return cut.model_copy(
                update={
                    "expr": written,
                    "variable": None,
                    "op": None,
                    "value": None,
                    "abs": False,
                    "description": f"{cut.description} ({meaning})",
                }
            )

        sel = sel.with_cuts(inline)
    return sel


def _uses(sel: SelectionList, name: str) -> list[Cut]:
    word = re.compile(rf"\b{name}\b")
    return [
        c
        for c in sel.all_cuts()
        if c.scope == "event" and (c.variable == name or (c.expr and word.search(c.expr)))
    ]


def _definition(sel: SelectionList, name: str, used: list[Cut]) -> tuple[str, str, str] | None:
    """The definition of ``name`` the list can build: m_T of a photon only when the cuts' quotes
    speak of one."""
    kinds = {o.kind for o in sel.objects}
    photon_quote = any(
        c.provenance and _PHOTON_QUOTE.search(c.provenance.quote or "") for c in used
    )
    if name == "mt2" and any(_defines_veto_tracks(c) for c in used):
        return None  # see unexpressible_quantities
    if name in _SUMS:
        spelled = next((d for d in (sum_definition(_quote(c)) for c in used) if d), None)
        if spelled is not None:
            return spelled
    if name in _DEFINED_BY_QUOTE:
        found = next((d for d in (_DEFINED_BY_QUOTE[name](_quote(c)) for c in used) if d), None)
        if found is None:
            return None
        collection = next(
            (
                c
                for c in ("leptons", "electrons", "muons", "photons", "bjets", "taus")
                if c in found[0]
            ),
            "jets",
        )
        return (collection, *found)
    for collection, expr, meaning in NAMED_QUANTITIES[name]:
        if collection == "photons" and not (photon_quote and "photon" in kinds):
            continue
        if collection == "leptons" and (photon_quote or not kinds & {"electron", "muon", "lepton"}):
            continue
        if (
            name == "mt2"
            and collection == "leptons"
            and not any(_LEPTON_QUOTE.search(_quote(c)) for c in used)
        ):
            continue
        return collection, expr, meaning
    # a quantity whose name says what it is built from ("the dilepton invariant mass m_ll", "the
    # diphoton mass") though the list defines none of them: built from the collection all the same
    # (the definition of the collection is missing, which the list shows as no object cut)
    implied = _IMPLIED.get(name)
    if implied is not None and not (
        name == "mt" and not any(_LEPTON_QUOTE.search(_quote(c)) for c in used)
    ):
        return next(d for d in NAMED_QUANTITIES[name] if d[0] == implied)
    return None


# the collection a quantity's name implies: name -> collection
_IMPLIED = {
    "mll": "leptons",
    "ptll": "leptons",
    "mee": "electrons",
    "mmumu": "muons",
    "mgammagamma": "photons",
    "mt": "leptons",
}


def _with_collections(objects: list[PhysicsObject], expr: str) -> list[PhysicsObject]:
    """``objects`` plus the jet collections ``expr`` reads that no object defines."""
    out = list(objects)
    for collection in ("jets", "bjets", "electrons", "muons", "photons"):
        if re.search(rf"\b{collection}\b", expr) and not any(o.name == collection for o in out):
            out.append(
                PhysicsObject(
                    name=collection, kind=collection[:-1], description="no object cut stated"
                )  # type: ignore[arg-type]
            )
    return out


def with_named_quantities(sel: SelectionList) -> SelectionList:
    """Define the named quantities cuts use when the list has what they are built from: the
    conventional definition, with the choice in the assumption ledger for review."""
    for name in [*NAMED_QUANTITIES, *_DEFINED_BY_QUOTE]:
        used = _uses(sel, name)
        if not used or any(d.name == name for d in sel.derived):
            continue
        found = _definition(sel, name, used)
        if found is None:
            continue  # the transverse mass of what? left for the validator to send to unresolved
        collection, expr, meaning = found
        why = Provenance(source="assumption", document=sel.paper.id)
        unit = None if name in _UNITLESS else "GeV"
        derived = Derived(name=name, expr=expr, unit=unit, description=meaning, provenance=why)
        assumption = Assumption(
            id=f"definition_{name}",
            topic=f"definition of {name}",
            unstated="the paper names the quantity without a formula",
            choice=f"{name} = {expr}",
            rationale=meaning,
            affects=[c.id for c in used],
        )
        sel = sel.model_copy(
            update={
                "objects": _with_collections(sel.objects, expr),
                "derived": [*sel.derived, derived],
                "assumptions": [*sel.assumptions, assumption],
            }
        )
        if collection == "leptons" and not any(o.name == "leptons" for o in sel.objects):
            sources = [o.name for o in sel.objects if o.name in ("electrons", "muons")]
            union = PhysicsObject(name="leptons", kind="lepton", sources=sources)
            sel = sel.model_copy(update={"objects": [*sel.objects, union]})
    return sel

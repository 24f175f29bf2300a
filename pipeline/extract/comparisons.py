"""Comparisons of a quantity with a number in one prepared sentence of a paper.

``comparisons`` finds "pT > 25 GeV", "|eta| < 2.47", "50 < m12 < 106 GeV", "between 65-105 and
105-210 GeV", "a minimal pT of 15 GeV", "a minimum requirement of 150 GeV on M_CT", "within
Delta R = 0.4 ... are removed", impact-parameter pairs and excluded |eta| intervals, and leaves
out comparisons that are only conditions ("if pT < 50 GeV") or denominators of a ratio.
Which objects a comparison applies to is decided by :mod:`pipeline.extract.rules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.extract import clauses, ranks, ratios, windows
from pipeline.extract import patterns as P

_RIGHT = re.compile(
    rf"^\s*(?P<num>{P.NUM})(?:\s*\((?P<alt>{P.NUM})\))?(?P<more>"
    # "p_T > 20 GeV and 15 GeV, respectively", "pT > 200 GeV and (>) 100 GeV." (the clause's
    # end): a unit after each value
    rf"\s*{P.UNIT}\s*(?:,\s*|\s+and\s+)(?:>\s*)?{P.NUM}"
    rf"(?=\s*{P.UNIT}\s*(?:,?\s*respectively|[.;](?!\d)|$))"
    rf"|(?:\s*,\s*{P.NUM})*(?:\s*,?\s*(?:and|or)\s+(?:>\s*)?{P.NUM})?)"
    rf"\s*(?P<unit>{P.UNIT})?(?![\w%])"
)
_RANGE_RIGHT = re.compile(
    rf"^\s*(?P<q>.{{1,40}}?)\s*(?P<op>{P.SYMBOL_OP})\s*(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})?(?![\w%])"
)
# (not a subscript: "eta^j_2 < 0 and |eta| < 4.7" has no lower edge 2)
_LEFT_NUM = re.compile(rf"(?<![_^\w])(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})?\s*$")
_BETWEEN = re.compile(
    # ("within 76-106 GeV": an interval, not 'within' read as '<')
    r"\b(?:between|in the range(?: of)?|range|window|interval"
    r"|within(?:\s+the\s+(?:range|interval|window)(?:\s+of)?)?)\s+"
    rf"(?P<lo>{P.NUM})\s*(?P<u1>{P.UNIT})?\s*(?:and|-|to)\s*(?P<hi>{P.NUM})\s*(?P<unit>{P.UNIT})?"
    # "m_ll \u2208 [76, 106] GeV": an interval by membership
    rf"|\u2208\s*[\[(]\s*(?P<lo2>{P.NUM})\s*,\s*(?P<hi2>{P.NUM})\s*[\])]\s*(?P<unit2>{P.UNIT})?"
)

# what follows a 'within' that is no upper bound: an interval ("within 76-106 GeV") or a distance
# from a value ("within 15 GeV of the Z mass", read by windows.py and the Z-window readers)
_WITHIN_NOT_BELOW = re.compile(
    # ("within 4.9 < m < 5.9 GeV": the window written out, read as a range)
    rf"\s*(?:\+-\s*)?{P.NUM}\s*(?:{P.UNIT})?\s*(?:(?:-|\u2013|to|and)\s*{P.NUM}|<"
    r"|(?:of|from|around)\s+(?:the\s+)?(?:nominal\s+|known\s+|measured\s+|world[- ]average\s+)?"
    r"(?:[ZWH]|Higgs|top|mass|m_))",
    re.IGNORECASE,
)
# a count after a comparison word: "at least 6 jets", "more than two leptons"
_COUNTED_NEXT = re.compile(
    rf"\s*\d+\s+(?!(?:[kMGT]?eV|mm|cm|rad)\b)(?:(?!(?:for|of|in|and|or)\b)[\w-]+\s+){{0,2}}?"
    rf"(?:{P.OBJECT_RE.pattern})",
    re.IGNORECASE,
)
# the subject of a comparison word, a symbol with a subscript: "am_T2 must exceed", "m_T^{b,min}
# is required to be above"
_SYMBOL_SUBJECT = re.compile(
    # (a comma only inside braces: "Delta phi_ll, must" is no symbol "phi_ll,")
    r"(?P<symbol>\b[A-Za-z]{1,5}_(?:\{[A-Za-z0-9,]{1,8}\}|[A-Za-z0-9]{1,8})(?:\^\{?[\w,]{1,8}\}?)?"
    # (a symbol without a subscript mark: "the asymmetric stransverse mass amT2 must exceed")
    r"|\b(?![mM][Tt]2)[a-z]{1,3}[A-Z]{1,3}\d\w{0,4})"
    r",?\s+(?:must\s+|should\s+"
    r"|(?:is|are)\s+required\s+to\s+|has\s+to\s+|have\s+to\s+)?(?:be\s+)?$"
)
# a ratio or fraction as the subject: its parts are not the quantity compared ("The ratio of the
# lepton pT to MET must lie between 0.4 and 1.5"; the ratios of named event quantities are read
# by ratios.py)
_RATIO_SUBJECT = re.compile(
    r"\b(?P<of>(?:ratio|fraction|product)\s+(?:of|between))\b[^.;<>=]*$", re.IGNORECASE
)
# "the larger of the two single-lepton transverse masses": one of several values of the quantity
# per event, not the one the list names
_EXTREMUM_OF_SEVERAL = re.compile(
    # (not "a minimum of four jets and E_T^miss > 200 GeV": a count, then the quantity)
    r"\b(?:larger|smaller|greater|lesser|higher|lower|maximum|minimum|max|min)\s+of\s+the\s+"
    r"(?:(?:two|three|four|all|both)\s+)?(?:(?!(?:and|or)\b)[\w-]+\s+){0,3}?$",
    re.IGNORECASE,
)
_OUTSIDE_SEVERAL = re.compile(
    r"\b(?:outside|not\s+within)\s+(?:of\s+)?(?:both|all|each|either|any)\b", re.IGNORECASE
)
# an apposition saying what something is built from: ", built from the lepton and E_T^miss"
_BUILT_FROM = r",\s*(?:built|formed|computed|constructed|reconstructed|calculated|obtained)\b"
_AN_INGREDIENT = re.compile(
    # "the scalar sum of the pT of the leptons, the jets and E_T^miss", or an apposition ", built
    # from the lepton and E_T^miss"
    rf"(?:\b(?:scalar\s+|vector\s+|vectorial\s+)?sum\s+of|{_BUILT_FROM}\s+(?:from|using|out\s+of))\b"
    # (up to the quantity, with no verb, number, comparison or events between: not "Jets are
    # built from ... and must have pT", "a scalar sum of jet pT above 400 GeV and E_T^miss > 200
    # GeV", "formed from events with E_T^miss > 500 GeV")
    r"(?:(?!\b(?:must|is|are|was|were|has|have|should|required|above|below|exceed\w*|over|under"
    r"|greater|less|larger|smaller|between|events?)\b)[^;<>=\d])*$",
    re.IGNORECASE,
)
_A_SUM_OF = re.compile(r"\b(?:summed|sum\s+of\s+(?:the\s+)?)\s*$", re.IGNORECASE)
_MT_OF_ANOTHER_LEPTON = re.compile(
    r"\b(?:of|from|by|with|using)\s+(?:the\s+)?(?:third|fourth|remaining|additional|other|extra"
    r"|second|subleading|trailing|unpaired|non-?paired)\s+(?:[\w-]+\s+)?(?:lepton|electron|muon)s?\b"
    r"|\blepton\s+(?:not\s+(?:in|from)|outside)\s+the\b",
    re.IGNORECASE,
)
_RATIO_JOIN = re.compile(
    r"\b(?:to|over)\s+(?!(?:have|be|pass|satisfy|lie|meet|fulfil\w*)\b)", re.IGNORECASE
)
_NAMED_VARIABLE = re.compile(
    r"\b(?:the|a)\s+(?!(?:key|main|final|most|discriminating|kinematic|event)\b)[\w-]+\s+"
    r"(?:variable|observable)\s+(?:is|are|must|should|has|have|needs?)\b[^,;]*$",
    re.IGNORECASE,
)
_CLAUSE_WORD = re.compile(r",|\b(?:that|which|are|is|were|was|by|if|when)\b", re.IGNORECASE)
# a symbol ending the text before an apposition ("The quantity m_T^{b,min} , the ...")
# (a quantity's letter: a mass, momentum or energy; not an object's label "W_had", "j_1")
_SYMBOL_END = re.compile(
    r"\b[mMpPEHS][A-Za-z]{0,3}(?:_\{?[\w,]{1,8}\}?)?\^\{?[\w,]{1,8}\}?\s*$"
    r"|\b[mMpPEHS][A-Za-z]{0,3}_\{?[\w,]{1,8}\}?\s*$"
)
_OP_RE = re.compile(rf"(?P<op>{P.SYMBOL_OP})|\b(?:be |is |are |of )?(?P<word>{P.WORD_OP})\b")


@dataclass
class Comparison:
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
    firm: bool = (
        False  # the phrase itself states a requirement ("bins in M_R starting from 800 GeV")
    )
    index_kind: str | None = None  # the object an ordinal subscript names (pT,l1: lepton)


def _quantity_before(left: str, max_gap: int) -> tuple[str, int | None, str] | None:
    """The quantity named closest to the end of ``left``, at most ``max_gap`` chars before it."""
    call = re.search(r"\([^()]{0,60},[^()]{0,60}\)\s*$", left) if max_gap <= 3 else None
    if call is not None:  # "M_T2(p^l, MET) < 80": the function is the quantity, not its arguments
        best = _closest_quantity(left[: call.start()].rstrip()[-160:], 0)
        return None if best is None else _named(best[1], best[2])
    best = _closest_quantity(left[-160:], max_gap)
    if best is None and max_gap <= 3:  # "M_T(gamma, MET) > 100": skip the argument list
        best = _closest_quantity(re.sub(r"\([^()]{0,40}\)$", "", left[-160:].rstrip()), max_gap)
    if best is not None:
        best = _head_of(left[-160:], best)
    return None if best is None else _named(best[1], best[2])


# an apposition between the quantity and its verb: "S_T, the scalar sum of ..., must be ..."
_APPOSITIVE = re.compile(
    r",\s*(?:the|a|an|i\.e\.|defined\s+as|which\s+is|computed|calculated|built)\b[^;]{3,150}?,"
    r"(?=\s*(?:must|is|are|should|has|have|was|were|needs?|shall)\b[^,;]*$)",
    re.IGNORECASE,
)
# "the transverse mass m_T of the lepton and E_T^miss", "the scalar sum of the jet pT and
# E_T^miss": the quantity closest to the comparison is the last argument of one named before it
_ARGUMENTS_OF = (
    r"\b(?:of|between|(?:built|formed|computed|calculated|constructed|made)\s+(?:from|by|with"
    r"|using|out\s+of))"
)
_LAST_ARGUMENT = re.compile(
    # (not a comma: "the scalar sum of the pT of all jets, H_T, must ..." names the sum H_T)
    # ("the scalar sum of E_T^miss and the lepton pT": the objects' word before the last one)
    # ("between any of the four leading jets and E_T^miss")
    # ("the transverse mass built from the third lepton and E_T^miss")
    rf"{_ARGUMENTS_OF}\s+(?:the\s+|all\s+|each\s+)?(?:[A-Za-z][\w-]*\s+){{0,6}}?and\s+"
    r"(?:the\s+|a\s+)?(?:(?:lepton|jet|photon|electron|muon)s?\s+)?$"
    rf"|{_ARGUMENTS_OF}\s+(?:the\s+|all\s+|each\s+)?(?:[A-Za-z][\w-]*\s+){{0,4}}?and$"
    # "the ratio of E_T^miss to the leading jet pT": the second term of a ratio
    r"|\bof\s+(?:the\s+)?\S{1,20}\s+to\s+(?:the\s+)?(?:[A-Za-z][\w-]*\s+){0,3}?$"
    # "the angle between H_T^miss and each of the jets": the first of the two a 'between' names
    r"|\bbetween\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# a term of a sum: "S_T^gamma = E_T^gamma + sum of jet pT > 600 GeV"
_SUMMED = re.compile(
    r"\bsum\s+(?:[A-Za-z_^{}]{1,8}\s+)?of\s+(?:the\s+|all\s+)?(?:[A-Za-z][\w-]*\s+){0,2}?$", re.I
)
_TERM = re.compile(r"(?:[+=]|\bplus)\s*$", re.IGNORECASE)
# the quantity divides another: "E_T^miss/sqrt(H_T)", "p_T^miss / H_T"
_DIVISOR = re.compile(r"/\s*(?:sqrt\s*\(\s*|\(\s*)?$", re.IGNORECASE)
# a unit that goes on after the energy: "MeV g-1 cm2", "GeV/cm" (not "GeV/c", a momentum)
_COMPOUND_UNIT = re.compile(
    r"\s*(?:/\s*(?:cm|mm|m|g|s|ns)\b|g\s*(?:\^\s*)?-\s*1\b|cm\s*(?:\^\s*)?2\b)", re.IGNORECASE
)
_DIVIDES = re.compile(r"/\s*(?:sqrt\s*\(\s*|\(\s*|\|\s*)?$", re.IGNORECASE)
# what takes arguments: "the transverse mass m_T of ...", "the scalar sum of ...", "the angle of"
_HEAD_WORD = re.compile(
    r"(?:mass(?:es)?|m_?T|sum|angle|separation|distance|difference|product|ratio|[mM]_\{?\w+\}?"
    r"|M_?T2|Delta\s*\w+)\s*(?:\([^()]*\)\s*)?,?\s*$",
    re.IGNORECASE,
)
# an earlier argument of the same list: "the sum of the jet pT" (before "and E_T^miss")
_FIRST_ARGUMENT = re.compile(
    r"\b(?:of|between)\s+(?:the\s+|all\s+|each\s+)?(?:[A-Za-z][\w-]*\s+){0,2}?$",
    re.IGNORECASE,
)


def _head_of(
    tail: str, best: tuple[int, str, re.Match[str]]
) -> tuple[int, str, re.Match[str]] | None:
    """The quantity a comparison binds to when ``best`` (the closest one) is the last argument of
    another: the one the argument list belongs to, named before it; None when it names none (the
    comparison is then of a quantity written in words, not of an argument)."""
    if _DIVISOR.search(tail[: best[2].start()]) or re.search(
        r"(?:\+|\bplus)\s*$", tail[: best[2].start()], re.IGNORECASE
    ):
        return None  # "E_T^miss/sqrt(H_T) greater than 15", "E_T^gamma + H_T > 600": not H_T
    before = tail[: best[2].start()]
    last = _LAST_ARGUMENT.search(before)
    if last is not None and not (
        last.group(0).lower().startswith("between")
        or _HEAD_WORD.search(before[max(0, last.start() - 40) : last.start()])
    ):
        last = None  # "a minimum of four jets and E_T^miss > 200": no quantity takes arguments
    if not (last or _SUMMED.search(before)) or _CONE_BEFORE.search(before):
        # "an angular distance of Delta R > 0.5": the value of the quantity named; "the scalar
        # pT sum of tracks within Delta R < 0.3": the cone's size, not the sum's
        return best
    for _ in range(4):
        earlier = _closest_quantity(tail[: best[2].start()], len(tail))
        if earlier is None:
            return None
        best = earlier
        before = tail[: best[2].start()]
        if not (
            _LAST_ARGUMENT.search(before) or _FIRST_ARGUMENT.search(before) or _TERM.search(before)
        ):
            return best
    return None


_CONE_BEFORE = re.compile(
    r"\b(?:within|inside|cone\s+(?:of\s+)?(?:(?:size|radius)\s+)?(?:of\s+)?)\s*$", re.IGNORECASE
)
# p_T naming a rank, not a quantity compared: "the four highest-pT jets", "leading-p_T lepton"
_RANKING_PT = re.compile(r"(?:highest|lowest|leading|largest|hardest|high|low)[- ]$", re.IGNORECASE)


def _closest_quantity(tail: str, max_gap: int) -> tuple[int, str, re.Match[str]] | None:
    best: tuple[int, str, re.Match[str]] | None = None
    for name, regex in P.QUANTITY_ANY:
        for match in regex.finditer(tail):
            if len(tail) - match.end() > max_gap:
                continue
            if name == "pt" and _RANKING_PT.search(tail[: match.start()]):
                continue
            if name == "symbol" and (
                match.group(1) in P.NOT_SYMBOLS or len(tail) - match.end() > 2
            ):
                continue
            if (
                best is None
                or match.end() > best[0]
                or (match.end() == best[0] and match.start() < best[2].start())
            ):  # the closest to the value; of two ending there, the longer ("sum of jet pT")
                best = (match.end(), name, match)
    return best


def _named(name: str, match: re.Match[str]) -> tuple[str, int | None, str]:
    rank = None
    if name == "pt":
        indexed = ranks.subscript(match.group(0))
        rank = indexed[1] if indexed else None
    if name == "mass":
        suffix = (match.group(1) or "").replace(" ", "").lower()
        name = f"m{suffix}" if suffix else "mass"
    elif name == "symbol":
        name = match.group(1).lower()
    return name, rank, match.group(0)


def comparisons(sentence: str) -> list[Comparison]:
    """Every comparison of a quantity with a number in a prepared sentence."""
    found: list[Comparison] = []
    taken: set[int] = set()
    for match in _OP_RE.finditer(sentence):
        if match.start() in taken:
            continue
        left, right = sentence[: match.start()], sentence[match.end() :]
        if match.group("word") == "within" and _WITHIN_NOT_BELOW.match(right):
            continue  # "within 76-106 GeV", "within 15 GeV of the Z mass": windows, read apart
        if match.group("word") and _COUNTED_NEXT.match(right):
            continue  # "at least 6 jets with p_T > 40 GeV": a count, not a value of a quantity
        unknown = None if match.group("op") else _SYMBOL_SUBJECT.search(left)
        if unknown is not None and _quantity_before(left[: unknown.end("symbol")], 3) is None:
            continue  # "and am_T2 must exceed 200 GeV": a quantity the reader does not know
        op = match.group("op") or P.WORD_OPS[match.group("word")]
        apposed = None if match.group("op") else _APPOSITIVE.search(left)
        if apposed is not None:
            # "S_T, the scalar sum of the pT of the leptons, jets and E_T^miss, must be greater
            # than 1 TeV": the subject before the apposition, not its last word
            quantity = _quantity_before(left[: apposed.start()].rstrip(), 3)
            # (no subject before it: "To suppress it, the minimum azimuthal separation between
            # ..., Delta phi_min, is required ...": the apposition's own last quantity names it)
            if quantity is None and _SYMBOL_END.search(left[: apposed.start()]):
                # "The quantity m_T^b,min, the transverse mass computed from MET and ..., must
                # exceed 200 GeV": a symbol the reader does not know is the subject, not the
                # apposition's MET
                continue
            if quantity is None:
                # (the symbol's arguments dropped: "Delta phi(jet_1,2, p_T^miss)_min" is no MET)
                quantity = _quantity_before(_WITHOUT_ARGUMENTS.sub("", left).rstrip(), 90)
        else:
            quantity = _quantity_before(left.rstrip(), 3 if match.group("op") else 90)
        if quantity is None and not match.group("op"):
            quantity = _implicit_pt(left, right)
        verb = (
            _TO_BE.search(left) or _OF_OBJECT_TO_BE.search(left)
            if quantity is None and match.group("op")
            else None
        )
        if verb is not None:  # "H_T is required to be >500 GeV"
            quantity = _quantity_before(left[: verb.start()].rstrip(), 3)
        if match.group("op") and (quantity is None or _LEFT_NUM.search(left)):
            # ("an invariant mass 81 < m_ll < 101 GeV": a number before the sign is the window's
            # lower edge, whatever quantity is named before it)
            ranged = _range(left, right, op, match.start())
            if ranged is not None:
                found.append(ranged[0])
                taken.add(match.end() + ranged[1])
                continue
            if quantity is None:
                continue
        value = _RIGHT.match(right)
        if quantity is None or value is None or _qualifies(left, quantity[2]):
            continue
        if re.match(r"\s*/\s*\d", right[value.end() :]):
            continue  # "p_T/m_gammagamma > 1/3": a fraction, not the number before its slash
        if value.group("unit") and _COMPOUND_UNIT.match(right, value.end()):
            continue  # "dE/dx above 2.1 MeV g-1 cm2": no energy, whatever the quantity before
        subject_at = left.rfind(quantity[2])
        before_named = left[:subject_at]
        if quantity[0] == "mt" and _MT_OF_ANOTHER_LEPTON.search(left[subject_at:]):
            # "the transverse mass formed by the remaining lepton and MET": not the leading
            # lepton's m_T the list defines
            continue
        if (
            _part_of_ratio(left, quantity[2])
            # "C_l = |eta_l - (eta_j1 + eta_j2)/2| / |Delta eta_jj| < 0.5": the divisor of what
            # is compared, not it
            or _DIVIDES.search(before_named)
            or _NAMED_VARIABLE.search(left)
            # (the minimum Delta phi of several jets is the list's)
            or (not quantity[0].startswith("dphi") and _EXTREMUM_OF_SEVERAL.search(before_named))
            # "a summed pT of other tracks in a cone of 0.3 below 10 GeV": a sum, not their pT
            or (quantity[0] == "pt" and _A_SUM_OF.search(before_named))
            # "the scalar sum of the pT of the leptons, the jets and E_T^miss", "the pT of the W
            # candidate, built from the lepton and E_T^miss": a part of what is compared
            or (
                # (not "formed from two electrons, each with E_T > 30 GeV": the electrons' pT)
                quantity[0] in ("met", "mt")
                and _AN_INGREDIENT.search(before_named)
                # (an apposition ends at a comma after the quantity: ", built from ... and
                # E_T^miss, must ..."; a sum's part is its last: "... and E_T^miss must exceed")
                and (
                    not re.search(_BUILT_FROM, left, re.IGNORECASE)
                    or left[subject_at + len(quantity[2]) :].lstrip().startswith(",")
                )
            )
        ):
            # ("..., and the topness variable is required to be greater than 8": a quantity the
            # reader does not know, not the one named before it)
            continue  # "The ratio of the leading jet pT to HT must be below 0.5": not the HT's
        if P.A_DIFFERENCE.match(right, value.end()):
            continue  # "at least 1 GeV above the trigger threshold": a difference of two values
        # (an apposition describes the quantity: "mT2, the stransverse mass, must exceed ...")
        named_at = left.rfind(quantity[2]) + 1
        if apposed is not None and named_at <= apposed.start():
            named_at = apposed.end()
        if match.group("word") and _OTHER_QUANTITY.search(left[named_at:]):
            # "pT > 200 GeV and a mass above 50 GeV", "a DNN output above 0.9": the word names
            # another quantity (one the reader does not know), not the pT named before it
            continue
        if (
            match.group("word")
            and quantity[0] in P.ENERGY
            and not value.group("unit")
            and _COMPARED_ALREADY.search(left[left.rfind(quantity[2]) + len(quantity[2]) :])
        ):
            # "the minimum azimuthal angle between MET and all jets with pT > 30 GeV is required
            # to be larger than 0.5": the pT has its comparison; the unitless value is the angle's
            quantity = _unitless_before(left[: left.rfind(quantity[2])].rstrip()[-120:])
            if quantity is None:
                continue
        if verb is not None and quantity[0] in P.ENERGY and not value.group("unit"):
            # "the azimuthal angle between MET and the leading jets (in pT) is required to be >0.4"
            quantity = _unitless_before(
                re.sub(r"\([^()]*\)", "", left[: verb.start()]).rstrip()[-120:]
            )
            if quantity is None:
                continue
        found += _split_ip(
            _comparison(quantity, op, value, match.start(), right[value.end() :]), left
        )
    found += _betweens(sentence)
    found += _minimum_of(sentence)
    found += _requirement_on(sentence)
    found += _overlap_removal(sentence)
    found += _vertex_distance(sentence)
    found += _excluded_interval(sentence)
    found = _respectively_listed(sentence, found)
    return _of_every_sfos_pair(sentence, _structured(sentence, _continued(sentence, found)))


# an object compared with an energy, no quantity named: "the leading muon above 30 GeV", "jets
# above 25 GeV", "the photon must be above 150 GeV" (its transverse momentum)
_OBJECT_BEFORE = re.compile(
    rf"(?P<noun>{P.OBJECT_RE.pattern})\s*(?:(?:must|should|(?:is|are)(?:\s+required\s+to)?"
    r"|(?:has|have)\s+to)(?:\s+be)?\s+)?$"
)
_RANK_BEFORE = re.compile(
    r"\b(?:leading|sub-?leading|second|third|fourth|highest-?p_?T|hardest|first)\s+"
    r"(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
_A_QUANTITY_OF = re.compile(
    r"\b(?:of|for)\s+(?:the\s+|a\s+|an\s+|each\s+|all\s+|both\s+)?(?:[\w-]+\s+){0,3}$", re.I
)
_ENERGY_NEXT = re.compile(rf"\s*{P.NUM}\s*(?:[kMGT]eV)\b")


def _implicit_pt(left: str, right: str) -> tuple[str, int | None, str] | None:
    """('pt', None, the object's word) when an object is compared with an energy, no quantity
    named between them ("the leading muon above 30 GeV"), else None."""
    if not _ENERGY_NEXT.match(right):
        return None
    named = _OBJECT_BEFORE.search(left.rstrip() + " ")
    if (
        named is None
        or _A_QUANTITY_OF.search(left[: named.start()])
        # (a ranked object only: "jets below 60 GeV", "a photon above 150 GeV" in a veto or a
        # condition have readings of their own, which the explicit "pT" gives)
        or not _RANK_BEFORE.search(left[: named.start()])
    ):
        return None  # (not "the mass of the leading large-R jet must be above 120 GeV")
    return "pt", None, named.group("noun")


# what may stand between two comparisons of one quantity listed for "respectively": the unit, a
# comma or "and", the quantity's name again ("E_T > 40 GeV and E_T > 30 GeV for the leading and
# subleading photon, respectively")
_LISTED_BETWEEN = re.compile(r"^\s*(?:[kMGT]?eV)?\s*,?\s*(?:and\s+)?[^\d.;,<>=]{0,20}$")
_RESPECTIVELY_AFTER = re.compile(r"^[^.;]{0,100}\brespectively\b", re.IGNORECASE)


def _respectively_listed(sentence: str, found: list[Comparison]) -> list[Comparison]:
    """Two comparisons of one quantity listed before 'respectively' are one comparison with two
    values, as '> 40 and 30 GeV ..., respectively' is (each value then goes to its object or
    rank)."""
    ordered = sorted(found, key=lambda c: c.position)
    merged: dict[int, Comparison] = {}
    skip: set[int] = set()
    index = 0
    while index < len(ordered):
        run = [ordered[index]]  # "pT > 100 GeV, pT > 50 GeV and pT > 30 GeV, respectively"
        while index + len(run) < len(ordered) and _listed_next(
            sentence, run[-1], ordered[index + len(run)]
        ):
            run.append(ordered[index + len(run)])
        if len(run) > 1 and _RESPECTIVELY_AFTER.match(run[-1].after):
            merged[id(run[0])] = replace(
                run[0],
                extra=[float(c.value) for c in run[1:]],  # type: ignore[arg-type]
                after=run[-1].after,
            )
            skip |= {id(c) for c in run[1:]}
        index += len(run)
    return [merged.get(id(c), c) for c in found if id(c) not in skip]


def _listed_next(sentence: str, first: Comparison, second: Comparison) -> bool:
    """Whether ``second`` continues a list of comparisons of ``first``'s quantity."""
    between = sentence[len(sentence) - len(first.after) : second.position]
    return (
        first.quantity == second.quantity
        and first.op == second.op
        and not (first.extra or second.extra or first.alt is not None or second.alt is not None)
        and not isinstance(first.value, list)
        and not isinstance(second.value, list)
        and bool(_LISTED_BETWEEN.match(between))
    )


def _continued(sentence: str, found: list[Comparison]) -> list[Comparison]:
    """'leading lepton pT > 20 GeV, subleading > 15 GeV, third > 10 GeV', 'pT,l1 > 20, l2 > 15
    GeV': each continued item is a comparison of the same quantity for the object it ranks."""
    out: list[Comparison] = []
    at = {c.position: c for c in found}
    for comp in found:
        out.append(comp)
        if comp.quantity != "pt" or comp.extra or comp.alt is not None:
            continue
        items, offset = [comp], len(sentence) - len(comp.after)
        while (item := ranks.CONTINUED.match(sentence, offset)) is not None:
            if item.group("digit") and comp.rank is None:
                break  # "l2 > 15" continues only a subscripted "pT,l1 > 20"
            digit = item.group("digit")
            rank = int(digit) - 1 if digit else ranks.rank_of_word(item.group("words"))
            offset = item.end()
            if item.start("op") in at:  # "..., the subleading one pT > 15 GeV": read already
                same = at[item.start("op")]
                same.rank = rank if same.rank is None else same.rank
                continue
            items.append(
                Comparison(
                    "pt",
                    rank,
                    item.group("op"),
                    float(item.group("num")),
                    item.group("unit"),
                    item.start("op"),
                    after=sentence[item.end() :],
                    index_kind=comp.index_kind,
                )
            )
        for each in items:  # "pT,l1 > 20, l2 > 15 GeV": the unit written once, at the end
            each.unit = each.unit or items[-1].unit
        out += items[1:]
    return out


# "|eta| < 1.37 or 1.52 < |eta| < 2.47", "in the barrel (|eta| < 1.44) or in the endcaps (1.57 <
# |eta| < 2.5)"
_OR_RANGES = re.compile(
    rf"\|eta\|\s*<\s*(?P<a>{P.NUM})\s*\)?\s*,?\s*or\s*(?:[A-Za-z-]+\s+){{0,4}}?\(?\s*"
    rf"(?P<b>{P.NUM})\s*<=?\s*\|eta\|\s*<=?\s*(?P<c>{P.NUM})"
)
_SAME_SIGN = re.compile(r"\b(?:same|like)[- ](?:sign|charge)|\bSS\s+(?:pair|lepton)", re.I)
_Z_WINDOW = re.compile(
    rf"\bwithin\s+(?:\+-\s*)?(?P<num>{P.NUM})\s*GeV\s+(?:of|from|around)\s+(?:the\s+)?(?:nominal\s+|known\s+)?"
    rf"(?:Z(?:[- ]boson)?\s+(?:boson\s+)?mass|m_?Z\b|mass of the Z(?: boson)?)"
    # (a lepton pair's mass: |m_jj - m_Z| is a window of windows.py)
    rf"|\|\s*m(?!_?\{{?(?:jj|bb|b\s?b|gammagamma)\b)_?\{{?(?:ll|l\s?l|ee|mumu|\d\d|\w{{1,3}})\}}?\s*-\s*m_?\{{?Z\}}?\s*\|\s*"
    rf"(?P<op>{P.SYMBOL_OP})\s*(?P<num2>{P.NUM})",
)


# "m^W_T + E^miss_T > 60 GeV": one cut on the sum, not a MET cut
_MT_PLUS_MET = re.compile(
    rf"\b[mM]_?\^?\{{?W?\}}?_?T(?:\^\{{?W\}}?)?\s*\+\s*MET\s*(?P<op>{P.SYMBOL_OP})\s*(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})?"
)


# a mass of more than two leptons near the Z ("the three-lepton invariant mass must not fall
# within 10 GeV of the Z"): no SFOS pair's window
_NOT_A_PAIR = re.compile(
    r"\b(?:three|four|3|4)-?lepton|\btri-?lepton|\bm_?\{?(?:3l|lll|4l|llll)\}?"
    # a lepton and a photon ("the electron-photon invariant mass", "m_{e gamma}", "m_llgamma"):
    # no lepton pair's mass
    r"|\b(?:electron|muon|lepton|e|mu|l|ll|ee|mumu)[- ]?(?:photon|gamma)\b"
    r"|\bm_?\{?(?:e|mu|l|ll|ee|mumu)\s?gamma\}?",
    re.IGNORECASE,
)


def _structured(sentence: str, found: list[Comparison]) -> list[Comparison]:
    """Phrasings that are one statement made of several comparisons: '|eta| < 1.37 or 1.52 < |eta| <
    2.47' (an acceptance with the crack excluded) and Z-mass windows ('within 15 GeV of the Z mass',
    '|m_ll - m_Z| < 10 GeV'); the comparisons they contain are replaced."""
    out, spans = [], []
    for match in _OR_RANGES.finditer(sentence):
        lo, hi, top = float(match.group("a")), float(match.group("b")), float(match.group("c"))
        if lo < hi < top:
            out += [
                Comparison(
                    "eta", None, "<", top, None, match.start(), after=sentence[match.end() :]
                ),
                Comparison(
                    "eta",
                    None,
                    "outside",
                    [lo, hi],
                    None,
                    match.start() + 1,
                    after=sentence[match.end() :],
                ),
            ]
            spans.append((match.start(), match.end()))
    for match in _Z_WINDOW.finditer(sentence):
        if windows.mass_named_before(sentence[: match.start()]) or _NOT_A_PAIR.search(
            sentence[max(0, match.start() - 80) : match.start()]
        ):
            continue  # "the dijet mass within 15 GeV of the Z mass": a window of windows.py
        window = re.split(r"[;.]\s", sentence[max(0, match.start() - 100) : match.start()])[-1]
        same = _SAME_SIGN.search(window)
        if same and not re.search(r"opposite", window[same.end() :], re.IGNORECASE):
            continue  # a same-sign pair near the Z mass (charge flips): no SFOS pair's window
        op = match.group("op") or "<"
        value = float(match.group("num") or match.group("num2"))
        out.append(
            Comparison(
                "zwindow",
                None,
                op,
                value,
                "GeV",
                match.start(),
                after=sentence[match.end() :],
                firm=True,
            )
        )
        spans.append((match.start(), match.end()))
    for match in _MT_PLUS_MET.finditer(sentence):
        out.append(
            Comparison(
                "mtmet",
                None,
                match.group("op"),
                float(match.group("num")),
                match.group("unit"),
                match.start("op"),
                after=sentence[match.end() :],
                firm=True,
            )
        )
        spans.append((match.start(), match.end()))
    whole = []  # a ratio or a window is one statement: no comparison inside it stands alone
    for window in windows.windows(sentence):  # |m_jj - m_W| < 20 GeV: one statement
        out.append(
            Comparison(
                window.quantity,
                None,
                window.op,
                window.value,
                "GeV",
                window.start,  # (as the Z window: the minus inside is no sum before the number)
                after=sentence[window.end :],
                firm=True,
            )
        )
        whole.append((window.start, window.end))
    for ratio in ratios.ratios(sentence):
        out.append(
            Comparison(
                ratio.quantity,
                None,
                ratio.op,
                ratio.value,
                None,
                ratio.op_position,
                after=sentence[ratio.end :],
                firm=True,
            )
        )
        whole.append((ratio.start, ratio.end))
    if not spans and not whole:
        return found
    kept = [
        c
        for c in found
        if not any(a <= c.position < b for a, b in whole)
        and (
            not any(a <= c.position < b for a, b in spans)
            or c.quantity not in ("eta", "mass", "mz", "symbol", "met")
            and not c.quantity.startswith("m")
        )
    ]
    return kept + out


_EXCLUDED = re.compile(
    r"\|eta\|\s*\(?\s*(?:of|in|between"
    rf"|in the range)?\s*(?P<lo>{P.NUM})\s*-\s*(?P<hi>{P.NUM})\s*\)?[^.;]{{0,90}}?\b(?:are"
    r"|is)\s+(?:not considered|excluded|rejected|removed|vetoed)"
)


_WITHOUT_ARGUMENTS = re.compile(r"\((?:[^()]|\([^()]*\))*\)")
_COMPARED_ALREADY = re.compile(rf"^\s*{P.SYMBOL_OP}\s*{P.NUM}\s*(?:{P.UNIT})?\s+(?:is|are)\b")


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
# "we require the p_T of the leading jet to be >100 GeV": the quantity stands before its object
_OF_OBJECT_TO_BE = re.compile(
    rf"\s+of\s+(?:the\s+)?(?:[\w-]+\s+){{0,3}}?(?:{P.OBJECT_RE.pattern})\s+(?:(?:is|are)\s+"
    r"(?:\w+\s+){0,2}?)?(?:to\s+be|must\s+be)\s*$",
    re.IGNORECASE,
)


_OTHER_QUANTITY = re.compile(
    # ("..., and mass above 50 GeV": the same with no article after a conjunction)
    # ("a track curvature significance below 5": two words before the noun)
    r"(?:\b(?:an?|the|its|their)|(?:,|\band|\bwith))\s+(?:[\w-]+\s+){0,2}?(?:mass|output|score"
    r"|discriminant|energy"
    r"|significance|fraction|width|length|multiplicity)\b",
    re.IGNORECASE,
)


def _qualifies(left: str, quantity_text: str) -> bool:
    """Whether the quantity is only a condition ("if pT < 50 GeV") or a ratio's denominator."""
    stripped = left.rstrip()
    before = stripped[: stripped.rfind(quantity_text)] if quantity_text in stripped else stripped
    return clauses.is_condition(before) or clauses.is_denominator(before)


def _excluded_interval(sentence: str) -> list[Comparison]:
    """'electrons with |eta| (of 1.442-1.556) in the transition region are not considered'."""
    out = []
    for match in _EXCLUDED.finditer(sentence):
        lo, hi = float(match.group("lo")), float(match.group("hi"))
        if lo < hi:
            out.append(Comparison("eta", None, "outside", [lo, hi], None, match.start()))
    return out


_WITHIN_OF = re.compile(
    rf"\bwithin\s+(?P<num>{P.NUM})\s*(?P<unit>mm|cm|mum|um)\s+(?:of"
    r"|from)\s+the\s+(?:beam(?:\s*(?:axis|line|spot))?|(?:primary|reconstructed"
    r"|interaction)\s+vertex|interaction point)(?P<rest>[^.;]{0,40})"
)


def _vertex_distance(sentence: str) -> list[Comparison]:
    """'to originate from within 2 mm of the beam axis in the transverse plane' -> d0 < 2 mm."""
    out = []
    for match in _WITHIN_OF.finditer(sentence):
        rest = match.group("rest")
        quantity = "z0" if re.search(r"longitudinal|along the beam|\bz\b", rest) else "d0"
        if quantity == "d0" and not re.search(
            r"transverse|r-?phi|xy", rest + sentence[max(0, match.start() - 40) :]
        ):
            continue  # a distance in three dimensions is not d0
        out.append(
            Comparison(
                quantity, None, "<", float(match.group("num")), match.group("unit"), match.start()
            )
        )
    return out


_OVERLAP = re.compile(
    r"\bwithin\s+(?:a\s+(?:cone|distance)\s+(?:of\s+)?)?Delta ?R\s*(?:=|<"
    rf"|of)?\s*(?P<num>{P.NUM})(?P<rest>[^.;]{{0,80}}?)\b(?:are|is)\s+(?:removed|discarded"
    r"|rejected|not considered|ignored)|\b(?:not considering|removing|discarding|rejecting"
    r"|ignoring)\s+(?:\w+\s+){0,3}?(?:that"
    r"|which)\s+lie\s+within\s+a\s+cone\s+of\s+(?:radius\s+)?(?:Delta ?R\s*=\s*)"
    rf"?(?P<num2>{P.NUM})",
)


def _overlap_removal(sentence: str) -> list[Comparison]:
    """'any jets within Delta R = 0.4 of the lepton are removed': the kept objects have dr > 0.4."""
    return [
        Comparison("dr", None, ">", float(m.group("num") or m.group("num2")), None, m.start())
        for m in _OVERLAP.finditer(sentence)
    ]


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


def _requirement_on(sentence: str) -> list[Comparison]:
    """'A minimum requirement of 150 GeV on M_CT is applied'; 'five bins in M_R, starting from 800
    GeV'."""
    out = []
    for match in _REQUIREMENT_ON.finditer(sentence):
        name = _leading_quantity(match.group("q"))
        if name is not None:
            op = ">" if match.group("w").startswith(("min", "low")) else "<"
            out.append(
                Comparison(
                    name[0],
                    name[1],
                    op,
                    float(match.group("num")),
                    match.group("unit"),
                    match.start(),
                )
            )
    for match in _STARTING.finditer(sentence):
        name = _leading_quantity(match.group("q"))
        if name is not None:
            out.append(
                Comparison(
                    name[0],
                    name[1],
                    ">=",
                    float(match.group("num")),
                    match.group("unit"),
                    match.start(),
                    firm=True,
                )
            )
    return out


_MIN_OF = re.compile(
    r"\b(?P<w>minimum|minimal|maximum|maximal)\s+(?P<q>[\w|,^ ]{1,30}?)\s+(?:threshold\s+"
    rf"|value\s+)?of\s+(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})?"
)


# "the pT threshold for muons is 25 GeV", "the muon pT threshold is 25 GeV", "the minimum pT
# required for electrons is 10 GeV": a threshold named as a noun, its value after "is"
_THRESHOLD_IS = re.compile(
    r"\b(?P<w>minimum|minimal|maximum|maximal|lower|upper)?\s*(?P<q>[\w|^{} ]{1,30}?)\s+"
    r"(?:threshold|cut|requirement|required)(?:\s+(?:for|on|of|applied\s+to)\s+(?:the\s+)?"
    # ("for electrons (muons) is 7 (5) GeV": the second flavour's value in brackets)
    r"(?:selected\s+)?[A-Za-z]+(?:\s+[A-Za-z]+)?(?:\s*\([A-Za-z]+\))?)?\s+(?:is|was|amounts\s+to)\s+"
    rf"(?:set\s+(?:to|at)\s+)?(?P<num>{P.NUM})(?:\s*\(\s*(?P<alt>{P.NUM})\s*\))?"
    rf"\s*(?P<unit>{P.UNIT})?"
)


# "the electron and muon pT thresholds are 20 and 15 GeV, respectively", "the pT thresholds for
# electrons and muons are 25 and 20 GeV": one value per object, in order
_THRESHOLDS_ARE = re.compile(
    r"\b(?P<w>minimum|minimal|maximum|maximal|lower|upper)?\s*(?P<q>[\w|^{} ]{1,40}?)\s+"
    r"thresholds(?:\s+(?:for|on|of|applied\s+to)\s+(?:the\s+)?[A-Za-z ,-]{1,60}?)?\s+"
    r"(?:are|were)\s+"
    # ("are 25, 15 and 10 GeV", "are 60 GeV and 40 GeV")
    rf"(?:set\s+(?:to|at)\s+)?(?P<nums>{P.NUM}(?:\s*{P.UNIT})?(?:\s*(?:,\s*and|,|and)\s*{P.NUM}"
    rf"(?:\s*{P.UNIT}(?=\s*(?:,|and)))?)+)\s*(?P<unit>{P.UNIT})?"
)


# "The minimum jet pT is 25 GeV", "the maximum allowed |eta| is 2.5"
_MINIMUM_IS = re.compile(
    r"\b(?P<w>minimum|minimal|maximum|maximal)\s+(?:(?:allowed|accepted|required)\s+)?"
    rf"(?P<q>[\w|^{{}} ]{{1,30}}?)(?:\s+(?:for|of)\s+(?:the\s+)?[A-Za-z]+(?:\s+[A-Za-z]+)?)?"
    rf"\s+(?:is|was)\s+(?:set\s+(?:to|at)\s+)?(?P<num>{P.NUM})"
    rf"\s*(?P<unit>{P.UNIT})?"
)


def _minimum_of(sentence: str) -> list[Comparison]:
    """'a minimal pT of 15 GeV', 'a maximum |eta| of 2.4'; 'the pT threshold for muons is 25
    GeV' (a threshold without 'maximum' or 'upper' is a lower bound)."""
    out = []
    for match in _THRESHOLD_IS.finditer(sentence):
        quantity = _quantity_before(match.group("q"), 0)  # "muon pT": the words end with it
        if quantity is None:
            continue
        said = [match.group("w") or "", *match.group("q").split()]  # "and the upper pT"
        upper = any(w.lower().startswith(("max", "upp")) for w in said)
        out.append(
            Comparison(
                quantity[0],
                quantity[1],
                "<" if upper else ">",
                float(match.group("num")),
                match.group("unit"),
                match.start("num"),  # (in the clause of the value: "The offline muon pT ...")
                alt=float(match.group("alt")) if match.group("alt") else None,
                after=sentence[match.end() :],
            )
        )
    for match in _THRESHOLDS_ARE.finditer(sentence):
        words = match.group("q").split()
        quantity = next(  # "the electron and muon pT": the quantity ends the words, or any word
            (q for q in (_quantity_before(" ".join(words[i:]), 0) for i in range(len(words))) if q),
            None,
        )
        if quantity is None:
            continue
        values = [float(x) for x in re.findall(P.NUM, re.sub(P.UNIT, "", match.group("nums")))]
        unit = match.group("unit") or next(iter(re.findall(P.UNIT, match.group("nums"))), None)
        upper = any(w.lower().startswith(("max", "upp")) for w in [match.group("w") or "", *words])
        out.append(
            Comparison(
                quantity[0],
                quantity[1],
                "<" if upper else ">",
                values[0],
                unit,
                # (at the values: the ranks named before them bind them, "The pT thresholds for
                # the leading and subleading jets are 60 and 40 GeV")
                match.start("nums"),
                extra=values[1:],
                after=sentence[match.end() :],
            )
        )
    for match in [*_MIN_OF.finditer(sentence), *_MINIMUM_IS.finditer(sentence)]:
        quantity = _quantity_before(match.group("q"), 0)
        if quantity is None:
            continue
        op = ">" if match.group("w").startswith("mini") else "<"
        out.append(
            Comparison(
                quantity[0],
                quantity[1],
                op,
                float(match.group("num")),
                match.group("unit"),
                match.start(),
                after=sentence[match.end() :],
            )
        )
    return out


def _comparison(
    quantity: tuple[str, int | None, str], op: str, value: re.Match[str], pos: int, after: str
) -> Comparison:
    more = [float(x) for x in re.findall(P.NUM, value.group("more") or "")]
    indexed = ranks.subscript(quantity[2]) if quantity[0] == "pt" else None
    return Comparison(
        quantity=quantity[0],
        rank=quantity[1],
        index_kind=indexed[0]
        if indexed
        else ranks.superscript_kind(quantity[2])
        if quantity[0] == "pt"
        else None,
        op=op,
        value=float(value.group("num")),
        lepton_index=bool(re.search(r",\s*l\b|,\s*l\s*\d", quantity[2])),
        unit=value.group("unit"),
        position=pos,
        alt=float(value.group("alt")) if value.group("alt") else None,
        extra=more or None,
        after=after,
    )


_IP_BOTH = re.compile(
    r"^\s*(?:in the transverse plane|transversely"
    rf"|in r-?phi)[^.]{{0,20}}?\band\s+(?P<num>{P.NUM})\s*(?P<unit>{P.UNIT})\s+(?:along the beam"
    r"|in the longitudinal|longitudinal|in z)"
)


_IP_PAREN = re.compile(r"transverse\s*\(\s*longitudinal\s*\)\s*impact parameters?", re.IGNORECASE)


def _split_ip(comp: Comparison, left: str = "") -> list[Comparison]:
    """'impact parameter < 0.5 mm in the transverse plane and 1 mm along the beam' is two cuts,
    and so is 'the transverse (longitudinal) impact parameter must not exceed 0.5 (1.0) mm'."""
    if comp.quantity == "ip" and comp.alt is not None and _IP_PAREN.search(left[-120:]):
        z0 = Comparison("z0", None, comp.op, comp.alt, comp.unit, comp.position)
        return [Comparison("d0", None, comp.op, comp.value, comp.unit, comp.position), z0]
    both = _IP_BOTH.match(comp.after) if comp.quantity == "ip" else None
    if both is None:
        return [comp]
    z0 = Comparison(
        "z0", None, comp.op, float(both.group("num")), both.group("unit"), comp.position
    )
    return [Comparison("d0", None, comp.op, comp.value, comp.unit, comp.position), z0]


def _range(left: str, right: str, op: str, pos: int) -> tuple[Comparison, int] | None:
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
    # ("excluding the transition region between the barrel and endcap calorimeters (1.37 <")
    # (in the clause of the range: not "Events with ... are excluded ..., and the photon must
    # satisfy 1.52 < |eta| < 2.37")
    clause = re.split(r";|,\s*and\b|\bwhile\b|\bwhereas\b", left[-100:])[-1]
    outside = (
        (
            bool(P.OUTSIDE_HINT.search(clause))
            # "must lie outside the Upsilon window 9 < m_mumu < 10.5 GeV", "outside both the phi
            # (1.00 < m < 1.04 GeV) and psi(2S) (3.6 < m < 3.8 GeV) windows"
            or bool(_OUTSIDE_BEFORE.search(left[: low.start()]))
            or bool(_OUTSIDE_SEVERAL.search(clause))
            or bool(_OUTSIDE_THE_PLURAL.search(clause) and _PLURAL_AFTER.match(right, rest.end()))
        )
        or bool(
            _EXCLUDED_AFTER.match(right, rest.end())
            and _A_REGION_BEFORE.search(left[: low.start()])
            and not re.search(r"\bevents?\b", clause, re.IGNORECASE)  # (the events are rejected)
        )
    )
    comp = Comparison(
        quantity[0],
        quantity[1],
        "outside" if outside else "between",
        [lo, hi],
        unit,
        pos,
        after=right[rest.end() :],
    )
    return comp, rest.start("op")


# "outside the J/psi window", "not within the range": the range after is the one left out
# (a predicate: not "Jets outside the tracker acceptance (2.5 < |eta| < 4.7) are ...", where the
# range says where the outside is)
_PREDICATE_OUTSIDE = (
    r"\b(?:(?:lie|lies|lying|be|is|are|fall|falls|located)\s+(?:outside|not\s+(?:in|within|inside))"
    r"|not\s+(?:lie|be|fall)\s+(?:in|within|inside))\b"
)
_OUTSIDE_BEFORE = re.compile(
    _PREDICATE_OUTSIDE + r"\s+(?:of\s+)?(?:the\s+|a\s+)?(?:[\w/\\{}()-]+\s+){0,3}?"
    r"(?:(?:region|range|interval|window)s?\s*)?[(:,]?\s*$",
    re.IGNORECASE,
)
# "must lie outside the J/psi (2.9 < m < 3.3 GeV) and Upsilon (8.9 < m < 10.6 GeV) windows"
_OUTSIDE_THE_PLURAL = re.compile(_PREDICATE_OUTSIDE + r"\s+the\b", re.IGNORECASE)
_PLURAL_AFTER = re.compile(r"[^;.]{0,40}?\b(?:windows|regions|ranges|intervals)\b", re.IGNORECASE)
# "with the region 1.37 < |eta| < 1.52 excluded", "the range ... is removed": the range left out
_EXCLUDED_AFTER = re.compile(
    rf"\s*(?:\([^()]*\)\s*)?(?:(?:is|are)\s+)?{P.REJECTED_VERB}\b",
    re.IGNORECASE,
)
_A_REGION_BEFORE = re.compile(
    r"\b(?:region|range|interval|window)s?\s*\(?\s*$|\b(?:region|range|interval)s?\s+(?:of\s+)?$",
    re.IGNORECASE,
)
_SECOND_RANGE = re.compile(
    rf"^\s*(?:and|or|,)\s*(?P<lo>{P.NUM})\s*-\s*(?P<hi>{P.NUM})\s*(?P<unit>{P.UNIT})?"
)


_A_MASS_BEFORE = re.compile(r"\b(?:a|its|their|the)\s+(?:[\w-]+\s+)?mass(?:es)?\s*$", re.IGNORECASE)
_NOT_IN = re.compile(r"\b(?:outside|not)\s+(?:of\s+)?(?:the\s+)?(?:[\w-]+\s+)?$", re.IGNORECASE)


def _part_of_ratio(left: str, named: str) -> bool:
    """``named``, the quantity found before a comparison, is a part of a ratio or fraction that
    is the subject ("The ratio of the lepton pT to MET must lie between 0.4 and 1.5")."""
    ratio = _RATIO_SUBJECT.search(left)
    if ratio is None or left.rfind(named) < ratio.end("of"):
        return False
    # (in one noun phrase: not "A large fraction of the events are rejected by the requirement
    # that Delta phi_R is less than 2.8", "a negative product of their pseudorapidities and
    # m_jj > 400 GeV"; one "and" in "the ratio between A and B")
    stretch = left[ratio.end("of") : left.rfind(named)]
    if _CLAUSE_WORD.search(stretch):
        return False
    # the word joining the ratio's parts ("to", "over", or the "and" of "between ... and"); an
    # "and" after it ends the ratio, one before it is inside the numerator ("the ratio of the
    # scalar sum of the jet and lepton pT to m_eff")
    joins = (
        re.search(r"\band\b", stretch, re.IGNORECASE)
        if ratio.group("of").lower().endswith("between")
        else _RATIO_JOIN.search(stretch)
    )
    after = stretch[joins.end() :] if joins is not None else stretch
    return not re.search(r"\band\b", after, re.IGNORECASE)


def _betweens(sentence: str) -> list[Comparison]:
    """'between 50 and 106 GeV', and 'between 65-105 and 105-210 GeV for W bosons and top
    quarks'."""
    out = []
    for match in _BETWEEN.finditer(sentence):
        quantity = _quantity_before(sentence[: match.start()].rstrip(), 40)
        if quantity is None:  # "jet mass is computed using ..., and is required to be between"
            quantity = _quantity_before(sentence[: match.start()].rstrip(), 90)
            quantity = quantity if quantity is not None and quantity[0] == "jetmass" else None
        member = match.group("lo2") is not None  # "m_ll \u2208 [76, 106] GeV"
        lo, hi = (float(match.group(g)) for g in (("lo2", "hi2") if member else ("lo", "hi")))
        if quantity is None or lo >= hi or _part_of_ratio(sentence[: match.start()], quantity[2]):
            continue
        if quantity[0] in ("pt", "eta", "met", "ht") and _A_MASS_BEFORE.search(
            sentence[: match.start()]
        ):
            continue  # "p_T > 400 GeV and have a mass between 105 and 220 GeV": no pT window
        if member:
            unit = match.group("unit2")
            out.append(
                Comparison(quantity[0], quantity[1], "between", [lo, hi], unit, match.start())
            )
            continue
        second = _SECOND_RANGE.match(sentence[match.end() :]) if not match.group("unit") else None
        unit = (
            match.group("unit") or match.group("u1") or (second.group("unit") if second else None)
        )
        # "outside the range 81-101 GeV", "not between 76 and 106 GeV": the excluded interval
        op = (
            "outside"
            if _NOT_IN.search(sentence[max(0, match.start() - 30) : match.start()])
            else "between"
        )
        out.append(Comparison(quantity[0], quantity[1], op, [lo, hi], unit, match.start()))
        if second is not None and float(second.group("lo")) < float(second.group("hi")):
            out.append(
                Comparison(
                    quantity[0],
                    quantity[1],
                    "between",
                    [float(second.group("lo")), float(second.group("hi"))],
                    unit,
                    match.start() + 1,
                )
            )
    return out


# "m_ll > 12 GeV for all same-flavour opposite-sign pairs", "events with any SFOS lepton pair with
# m_ll < 12 GeV are rejected": the mass of every such pair, i.e. the smallest one
EVERY_SFOS_PAIR = re.compile(
    r"\b(?:all|any|every|each|no)\s+(?:(?:possible|lepton)\s+)?(?:same[- ]flavou?r[,\s]+"
    r"opposite[- ](?:sign|charge)|opposite[- ](?:sign|charge)[,\s]+same[- ]flavou?r|SFOS|OSSF"
    r"|SF-?OS|OS-?SF)"
    r"(?:\s+(?:lepton|dilepton))?\s+pairs?\b",
    re.IGNORECASE,
)


def _of_every_sfos_pair(sentence: str, found: list[Comparison]) -> list[Comparison]:
    """A dilepton mass said of every same-flavour opposite-sign pair is ``sfosmass``, the smallest
    of their masses (no pair: no constraint), not the mass of the two leading leptons."""
    every = [m.start() for m in EVERY_SFOS_PAIR.finditer(sentence)]
    # ("All opposite-charge lepton pairs must have m_ll > 4 GeV": a floor on every pair of another
    # kind, eμ pairs too, which no quantity of the reader is: not the leading two leptons' mass)
    others = [m.start() for m in _EVERY_OTHER_PAIR.finditer(sentence) if m.start() not in every]
    if not every and not others:
        return found
    return [
        replace(c, quantity="sfosmass", firm=True)
        if c.quantity in ("mll", "mass") and any(abs(c.position - pos) <= 90 for pos in every)
        else c
        for c in found
        if not (c.quantity in ("mll", "mass") and any(abs(c.position - p) <= 90 for p in others))
    ]


_EVERY_OTHER_PAIR = re.compile(
    r"\b(?:all|every|each)\s+(?:possible\s+)?(?:(?:same[- ]flavou?r|opposite[- ](?:sign|charge)|"
    r"same[- ](?:sign|charge)|oppositely[- ]charged)[,\s]+)?(?:lepton|dilepton)\s+pairs?\b"
    r"|\b(?:all|every|each)\s+(?:possible\s+)?(?:same[- ]flavou?r|opposite[- ](?:sign|charge)|"
    r"same[- ](?:sign|charge)|oppositely[- ]charged)\s+pairs?\b",
    re.IGNORECASE,
)

"""Regular expressions of the rule-based extractor, on prepared (ASCII, one-line) sentences.

``prepare`` turns a sentence of a PDF text layer into a form these patterns can read:
unicode symbols become ASCII (``≥`` -> ``>=``, ``η`` -> ``eta``), and sub/superscripts
that the text layer split off are joined again (``E miss T`` -> ``MET``, ``p T`` -> ``pT``).
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.extract.text import SYMBOLS, squash

NUM = r"-?\d+(?:\.\d+)?"
UNIT = r"(?:GeV|MeV|TeV|mm|cm|mum|um|microns?|degrees?|deg\b)"
SYMBOL_OP = r"(?:>=|<=|>|<)"
WORD_OPS: dict[str, str] = {
    "greater than": ">",
    "larger than": ">",
    "higher than": ">",
    "above": ">",
    "exceeding": ">",
    "in excess of": ">",
    "more than": ">",
    "at least": ">=",
    "of at least": ">=",
    "less than": "<",
    "smaller than": "<",
    "lower than": "<",
    "below": "<",
    "at most": "<=",
    "within": "<",
    "not exceeding": "<=",
    "not exceed": "<=",
    "up to": "<=",
    "exceed": ">",
    "exceeds": ">",
    "threshold of": ">",
    "thresholds of": ">",
}
# a comparison word negated ("no larger than 50 GeV", "not lower than 100 GeV") is the inclusive
# opposite bound: read whole, before the bare word inside it would be read the other way round
WORD_OPS |= {
    f"{negation} {word}": {">": "<=", "<": ">="}[WORD_OPS[word]]
    for negation in ("no", "not")
    for word in (
        "greater than",
        "larger than",
        "higher than",
        "more than",
        "less than",
        "smaller than",
        "lower than",
        "above",
        "below",
    )
}
WORD_OP = "|".join(sorted((re.escape(w) for w in WORD_OPS), key=len, reverse=True))

# quantity name -> pattern; order matters where patterns overlap (most specific first)

# ordinal subscripts of p_T, read by ranks.py: p_T,l1  p_T,j2  p_T^{l1}  p_T(j_1)  p_T^{lead}
_RANK_LETTER = r"(?:l|lep|j|jet|e|mu|gamma|b)"
PT_SUBSCRIPT = (
    rf",\s*{_RANK_LETTER}\s*_?\{{?[1-9]\}}?\b"
    rf"|\s*\^\s*\{{?\s*{_RANK_LETTER}\s*_?\s*\{{?[1-9]\}}?\s*\}}?"
    r"|\s*\^\s*\{?\s*(?:lead|sublead|sub-lead)(?:ing)?\s*\}?"
    rf"|\s*\(\s*{_RANK_LETTER}\s*_?\s*\{{?[1-9]\}}?\s*\)"
)

# a superscript naming the object of a p_T or E_T (issue 17): p_T^gamma, E_T^{e}, p_T^l, p_T^mu,
# p_T^{jet} (read by ranks.superscript_kind); not ^miss, ^lead, ^cone, which are joined or ranked
OBJECT_SUPERSCRIPT = r"\s*\^\s*(?:\{\s*)?(?:gamma|ell|lep|l|e|mu|jet|j)(?:\s*\})?(?![A-Za-z0-9_{])"
# the same superscript written before the subscript, as text layers have it: p^gamma_T, p^l_T
OBJECT_SUPERSCRIPT_FIRST = (
    r"\b[pE]\s*\^\s*(?:\{\s*)?(?:gamma|ell|lep|l|e|mu|jet|j)(?:\s*\})?\s*_\s*\{?T\}?(?![A-Za-z])"
)

QUANTITIES: list[tuple[str, str]] = [
    ("z0sintheta", r"\|?z_?0\s*(?:x|\*)?\s*sin\s*\(?theta\)?\|?"),
    (
        "d0sig",
        r"\|?d_?0\|?\s*/\s*sigma\s*\(?\s*d_?0\s*\)?|d_?0 significance"
        r"|impact[- ]?parameter significance",
    ),
    (
        "reliso",
        r"(?:relative |track |calorimeter |mini[- ]?)*isolation(?: variable| requirement| ratio)?"
        r"|\bI_?\{?(?:rel|mini|mu|e|l)\}?(?![A-Za-z])|p_?[Tt]\s*cone\s*\d*\s*/\s*p_?T(?:,\s*l)?|p_?T?\s*sum\s*T?\s*/\s*p_?T"
        r"|psumT\s*/\s*pT|E_?T\s*cone\s*\d*\s*/\s*[EpP]_?T",
    ),
    ("ip", r"impact parameters?"),
    # a quantity named in words may be followed by a symbol of the paper's own ("... parameter z_d <
    # 1 mm")
    (
        "d0",
        r"\|d_?0\||\bd_?0\b|\|d_?xy\||\bd_?xy\b"
        r"|transverse impact parameter(?:\s+[A-Za-z]_?\{?[A-Za-z0-9]{1,3}\}?)?",
    ),
    (
        "z0",
        r"\|z_?0\||\bz_?0\b|\|d_?z\||\bd_?z\b"
        r"|longitudinal impact parameter(?:\s+[A-Za-z]_?\{?[A-Za-z0-9]{1,3}\}?)?",
    ),
    # the rapidity of the dijet system in its centre of mass, y* = (y1 - y2) / 2, and the rapidity
    # difference of two jets: rapidities, not pseudorapidities
    ("ystar", r"\|\s*y\s*\*\s*\||(?<![A-Za-z])y\s*\^?\s*\{?\*\}?(?=\s*(?:<|>|=|is|must))"),
    ("dy", r"\bDelta ?y(?:_?\{?jj\}?)?\b|\brapidity (?:separation|difference)"),
    # the pseudorapidity separation of two objects (VBF's Delta eta_jj) is no object's eta
    (
        "deta",
        r"\bDelta ?eta(?:_?\{?(?:gammagamma|tautau|[A-Za-z0-9]{1,4})\}?)?(?:\s*\([^)]{0,20}\))?"
        r"|\bpseudorapidity (?:separation|difference|gap)|\brapidity gap",
    ),
    # (not the end of another word: "sigma_ietaieta", "beta")
    ("eta", r"\|eta\|?|pseudorapidity(?: range)?|(?<![A-Za-z])\|?eta\b"),
    # (before met: "MET significance", "MET/sigma(MET)", "S(MET)" are no MET in GeV)
    (
        "met_significance",
        r"\bsignificance\s+of\s+(?:the\s+)?(?:MET\b|missing transverse (?:momentum|energy))"
        r"|(?:\bMET|missing transverse (?:momentum|energy))\s+significance(?:\s*,?\s*S(?:\s*\(\s*"
        r"MET\s*\))?,?)?(?:\s+S\b)?|\bMET\s*/\s*sigma\s*\(\s*MET\s*\)|\bS\s*\(\s*MET\s*\)",
    ),
    (
        "met",
        r"\bMET\b(?!\s+significance)(?!\s*/\s*sigma)"
        r"|missing transverse (?:momentum|energy)(?!\s+significance)",
    ),
    # the transverse momentum of the lepton pair (not a lepton's): "p_T^ll", "p_T^{ll}", "the
    # dilepton p_T", "the transverse momentum of the dilepton system"
    (
        "ptll",
        r"\bp_?T\s*\^\s*\{?(?:ll|\u2113\u2113|ee|mumu)\}?(?![A-Za-z])"
        r"|\bp_?T\s*_\s*\{?(?:ll|\u2113\u2113)\}?(?![A-Za-z])"
        r"|\bdi-?lepton (?:p_?T|transverse momentum)"
        r"|\b(?:transverse momentum|p_?T) of the (?:di-?lepton|lepton pair)(?: system)?",
    ),
    # the diphoton system's pT (not each photon's): "the diphoton p_T", "p_T^gammagamma"
    (
        "ptgammagamma",
        r"\bdi-?photon\s+(?:system\s+)?(?:p_?T|transverse\s+momentum)"
        r"|\bp_?T\s*\^\s*\{?(?:gammagamma|yy)\}?(?![A-Za-z])",
    ),
    # a photon's pT relative to the diphoton mass: "E_T/m_gammagamma > 0.35", "p_T^gamma / m_yy"
    (
        "ptovermgg",
        r"\b[pE]_?T(?:\s*\^\s*\{?gamma\}?)?\s*/\s*m_?\{?(?:gammagamma|yy)\}?(?![A-Za-z])",
    ),
    (
        "pt",
        rf"\bp_?T(?:{PT_SUBSCRIPT}|{OBJECT_SUPERSCRIPT}|,\s*l\s*(\d))?"
        rf"|\bp\s*\^\s*\{{?\s*{_RANK_LETTER}\s*_?\s*[1-9]\s*\}}?"
        rf"\s*_?\s*\{{?T\}}?|\bE_?T(?:{OBJECT_SUPERSCRIPT}|\b)|{OBJECT_SUPERSCRIPT_FIRST}"
        r"|transverse (?:momentum|energy)"
        r"|\bmomenta\b",
    ),
    # named event quantities (named_quantities.py defines them in the language); typographic forms
    # as the prepared text has them: M_R -> MR, M_{CT} -> MCT, H_T^miss -> HT^miss
    (
        "mht",
        r"\bH_?\{?T\}?\s*\^\s*\{?miss\}?|\bH\s*\^\s*\{?miss\}?\s*_?\{?T\b|\bMHT\b|\bmissing H_?T\b",
    ),
    ("mr", r"\bM_?\{?R\}?(?![\w^])|\bM R(?=\s*(?:[<>=]|\Z))"),
    ("rsq", r"\bR\s*\^\s*\{?2\}?(?!\d)|\bR_?\{?(?:2|sq)\}?(?![\w^])"),
    ("mct", r"\b[mM]_?\{?CT\}?(?![\w^])|\bcontransverse mass"),
    ("mt2", r"\b[mM]_?\{?T_?2\}?(?!\w)|\bstransverse mass"),
    ("alphat", r"\balpha_?\{?T\}?(?![A-Za-z^])"),
    ("st", r"\bS_?\{?T\}?(?![\w^])"),
    ("lt", r"\bL_?\{?T\}?(?![\w^])"),
    # H_T written in words: "the (scalar) sum of the pT of all jets", "the scalar sum of jet pT"
    (
        "ht",
        # (H_T^lep, H_T^gamma: a sum over other objects than the jets)
        r"\bH_?T\b(?!\s*\^\s*\{?(?:lep|l\b|\u2113|gamma|\u03b3|e\b|mu\b|\u03bc))"
        r"|(?<!vector )(?<!vectorial )(?<!negative )\b(?:scalar\s+)?sum\s+of\s+"
        r"(?:the\s+)?(?:(?:transverse\s+momenta|p_?T)\s+of"
        r"\s+(?:all\s+)?(?:the\s+)?(?:selected\s+)?jets|jet\s+p_?T|jet\s+transverse\s+momenta)\b"
        r"(?!\s+(?:and|plus)\b)",
    ),
    ("mt", r"\b[mM]_?T\b|transverse mass"),
    ("meff", r"\beffective mass\b"),
    # (with a subscript naming the pair: "Delta R_ll", "Delta R_{gammagamma}")
    ("dr", r"Delta ?R(?:_\{?[A-Za-z0-9\u2113\u03b3\u03bc]{1,10}\}?)?(?:\s*\([^)]{0,20}\))?"),
    (
        "dphi",
        r"\bDelta ?phi(?![\s)]*\^)(?:_?\{?[A-Za-z0-9]{1,8}\}?)?(?:\s*\([^)]{0,30}\))?"
        r"|\bazimuthal (?:angle|separation)(?: difference)?(?: Delta ?phi(?:_?\{?[A-Za-z0-9]{1,8}"
        r"\}?)?)?",
    ),
    (
        "jetmass",
        r"\b(?:[Ll]arge-radius |[Ll]arge-R |[Ww]ide |[Ff]at |AK8 )?[Jj]ets? (?:soft-?drop "
        r"|groomed |trimmed |pruned )?mass|\bsoft-?drop (?:jet )?mass|\bm_?SD\b",
    ),
    # an invariant mass named in words: "the dilepton mass", "the invariant mass of the lepton
    # pair", "the diphoton invariant mass", "the dijet mass"
    (
        "mll",
        r"\b(?:di-?lepton|lepton[- ]pair)(?: invariant)? mass"
        r"|\binvariant mass of the (?:two (?:leading )?leptons|(?:di)?lepton pair)",
    ),
    (
        "mmumu",
        r"\b(?:di-?muon|muon[- ]pair)(?: invariant)? mass"
        r"|\binvariant mass of the (?:two (?:leading )?muons|(?:di)?muon pair)",
    ),
    (
        "mee",
        r"\b(?:di-?electron|electron[- ]pair)(?: invariant)? mass"
        r"|\binvariant mass of the (?:two (?:leading )?electrons|(?:di)?electron pair)",
    ),
    (
        "mgammagamma",
        r"\bdi-?photon(?: invariant)? mass"
        r"|\binvariant mass of the (?:two (?:leading )?photons|(?:di)?photon pair)",
    ),
    (
        "mjj",
        r"\bdi-?jet(?: invariant)? mass"
        r"|\binvariant mass of the (?:two (?:leading )?jets|(?:di)?jet pair)",
    ),
    (
        "mass",
        r"\b[mM]_?\{?(\d\d|4l|ll|l+|bb|b b|jj|Z\d?|gammagamma|mumu|ee|eff)\}?(?![A-Za-z])"
        r"|invariant mass",
    ),
    ("symbol", r"\b([A-Z][A-Za-z]{0,2}[A-Z0-9][A-Za-z0-9]{0,3})"),
]
QUANTITY_RES = [(name, re.compile(rf"(?:{pat})\s*$")) for name, pat in QUANTITIES]
QUANTITY_ANY = [(name, re.compile(pat)) for name, pat in QUANTITIES]
ENERGY = {
    "pt",
    "met",
    "ht",
    "mt",
    "meff",
    "mass",
    "mll",
    "mmumu",
    "mee",
    "ptll",
    "sfosmass",
    "mgammagamma",
    "mjj",
    "symbol",
    "jetmass",
    "mht",
    "mr",
    "mct",
    "mt2",
    "st",
    "lt",
}
LENGTH = {"d0", "z0", "z0sintheta", "ip"}
NOT_SYMBOLS = {
    "GeV",
    "TeV",
    "MeV",
    "CMS",
    "ATLAS",
    "LHC",
    "CL",
    "SM",
    "MC",
    "CR",
    "SR",
    "QCD",
    "NLO",
    "LO",
    "PDF",
    "Ref",
    "Refs",
    "Fig",
    "Table",
    "Sec",
    "II",
    "III",
    "IV",
    "VR",
    "CSV",
    "CSVv2",
}

# a small-R jet's algorithm or size named before "jets"
_JET_ALGORITHM = (
    r"(?:small[- ]R|anti-?k_?\{?t\}?|AK4|PFlow|EMTopo|particle-flow|R\s*=\s*0\.4|calorimeter)"
)
OBJECTS: list[tuple[str, str]] = [
    # (not "non-b-tagged jets": the other jets)
    (
        "bjet",
        r"(?<!\+)(?<!non-)(?<!non )\bb[- ]?(?:tagged |quark |flavou?red )?jets?\b"
        r"|(?<!non-)\bb-jets?\b|\bbjets?\b|(?<!non-)\bb[- ]?tags\b"
        # the jet algorithm between: "b-tagged small-R jets", "b-tagged anti-kt jets"
        rf"|(?<!non-)\bb[- ]tagged\s+{_JET_ALGORITHM}\s+jets?\b"
        # "small-R jets that are b-tagged"
        rf"|\b(?:{_JET_ALGORITHM}\s+)?jets?\s+(?:that|which)\s+are\s+(?:also\s+)?b[- ]tagged\b",
    ),
    # "+jets" names a process (W+jets), not the object; large-R jets are another collection
    (
        "jet",
        r"(?<!\+)(?<!large-R )(?<!large R )(?<!large-radius )(?<!large radius )(?<!fat )"
        r"(?<!reclustered )(?<!re-clustered )(?<!trimmed )(?<!AK8 )(?<!large-R\) )(?<!fat-)"
        r"(?<!track )(?<!track-)(?<!calo-)\bjets?\b",
    ),
    ("electron", r"\belectrons?\b"),
    ("muon", r"\bmuons?\b"),
    ("lepton", r"\bleptons?\b"),
    ("photon", r"\bphotons?\b"),
    (
        "tau",
        r"\btau(?:s|[- ]leptons?|[- ]candidates| jets)\b|\btau_?h(?:\s+(?:leptons?|candidates?"
        r"|jets?))?\b"
        # "tau_had-vis", "tau_{had}", and a bare "tau" as a subject ("the leading tau must have";
        # not the N-subjettiness tau_21)
        r"|\btau_?\{?had\}?(?:-vis)?\b|\btau(?=\s+(?:must|is|are|should|has|have|with)\b)",
    ),
    # (not "track jets": jets of tracks, another collection)
    # (not "muon tracks", "electron track", "their tracks": the lepton, named as its track)
    (
        "track",
        r"\btracklets?\b|"
        r"(?<!\bmuon\s)(?<!\belectron\s)(?<!\blepton\s)(?<!\btheir\s)(?<!\bits\s)\btracks?\b"
        # (not "the track curvature significance", "track fit quality": the muon's track)
        r"(?![- ](?:isolation|based|p_?T|momentum|quality|cone|jets?\b|curvature|fit\b|chi|hits?\b"
        r"|segments?\b|parameters?\b|impact|match|reconstruction|resolution))",
    ),
    # large-R jets: their own collection (fatjets)
    (
        "fatjet",
        r"\b(?:large[- ]?R|large[- ]radius|fat|AK8|re-?clustered|trimmed)[- ]jets?\b"
        r"|\bfat-?jets?\b|\blarge-R\)\s+jets?\b",
    ),
]
# a parenthesised aside between an object and what follows it ("one electron (E_T > 130 GeV)
# or muon")
BRACKETED_GAP = r"(?:\s*\([^()]{0,80}\))?"
OBJECT_RE = re.compile("(?i:" + "|".join(f"(?P<{name}>{pat})" for name, pat in OBJECTS) + ")")
# a number of tracks an object has, before the word "tracks" ("tau candidates are required to have
# one or three charged tracks and pT > 20 GeV"): its constituents, not the objects a later value
# is of
CONSTITUENT = re.compile(
    rf"\b(?:{OBJECT_RE.pattern})[^.;]{{0,60}}\b(?:have|has|having|with)\s+(?:exactly\s+)?"
    r"(?:one|two|three|1|2|3)(?:\s+or\s+(?:two|three|2|3))?\s+(?:charged\s+|associated\s+)?$",
    re.IGNORECASE,
)
NUMBER_WORDS = {
    "no": 0,
    "zero": 0,
    "one": 1,
    "a": 1,
    "an": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
COUNT_OPS = {
    "at least": ">=",
    "a minimum of": ">=",
    "no fewer than": ">=",
    "exactly": "==",
    "at most": "<=",
    "a maximum of": "<=",
    "no more than": "<=",
    "not more than": "<=",
    "more than": ">",
    "fewer than": "<",
    # "the monojet selection allows up to four jets" (not "up to four jets are used to compute")
    "allows up to": "<=",
    "allowing up to": "<=",
    "allowed up to": "<=",
    # "must have up to two b-jets", "events having up to three jets" (not "final states with up
    # to three leptons", "merged with up to one additional jet": descriptions)
    "have up to": "<=",
    "having up to": "<=",
    "containing up to": "<=",
    "only": "==",
    "precisely": "==",
}
NUM_WORD = "|".join(["\\d+", *NUMBER_WORDS])
COUNT_RE = re.compile(
    # the quantifier in any case: a sentence may open with it ("At least four jets ... are")
    # (not "at least 25 GeV for forward jets": a value with its unit is no multiplicity)
    rf"\b(?P<q>(?i:{'|'.join(COUNT_OPS)}))\s+(?P<n>{NUM_WORD})\s+(?!(?i:[kMGT]?eV|mm|cm|rad|%)\b)"
    rf"(?:[\w-]+\s+){{0,3}}?(?P<obj>{OBJECT_RE.pattern})"
)
# a count written with a symbol: "events must have >= 4 jets", "<= 1 b-tagged jets", "with = 2
# leptons" (after a verb or preposition, so "pT > 30 jets" or "N_jets >= 4" is not one)
COUNT_SYMBOL_RE = re.compile(
    r"(?i:\b(?:have|has|having|with|requires?|required|requiring|contains?|containing|of|select"
    r"|selects|selected|are|is|allowed|needs?|needed)\s+)"
    rf"(?P<op>>=|<=|>|<|=)\s*(?P<n>\d+)\s+(?!(?i:[kMGT]?eV|mm|cm|rad|%)\b)"
    rf"(?:[\w-]+\s+){{0,2}}?(?P<obj>{OBJECT_RE.pattern})"
)
# what makes counted jets b-jets, said after them: "at least two jets are required to be
# b-tagged", "a minimum of three jets must carry a b-tag"
B_TAGGED_AFTER = re.compile(
    r"\s*(?:must|should|(?:is|are)\s+(?:also\s+)?required\s+to|(?:has|have|needs?)\s+to)\s+"
    r"(?:be\s+(?:b[- ]?tagged|(?:identified|tagged)\s+as\s+(?:originating\s+from\s+)?b[- ]?"
    r"(?:jets?|quarks?))|carry\s+an?\s+b[- ]?tag|pass\s+the\s+b[- ]?tagging)\b",
    re.IGNORECASE,
)
OR_MORE_RE = re.compile(
    rf"\b(?P<n>(?i:{NUM_WORD}))\s+or\s+more\s+(?:[\w-]+\s+){{0,2}}?(?P<obj>{OBJECT_RE.pattern})"
)
N_SYMBOL_RE = re.compile(
    r"\bN_?\{?(?P<obj>jets?|j|bjets?|b jets|b-jets?|b|leptons?|lep|l|ell|gamma"
    rf"|photons?)\}}?\s*(?P<op>{SYMBOL_OP}|=)\s*(?P<n>\d+)"
)


def n_symbol(match: re.Match[str]) -> tuple[str, str, int]:
    """(object kind, op, number) of a multiplicity symbol matched by ``N_SYMBOL_RE``
    ("N_jet >= 4" -> jet, >=, 4; "N_b = 0" -> bjet, ==, 0; "N_gamma" -> photon)."""
    name = match.group("obj").lower()
    kind = (
        "bjet" if name.startswith("b") else "jet" if name.startswith("j") else
        "photon" if name in ("gamma", "photon", "photons") else "lepton"
    )  # fmt: skip
    op = "==" if match.group("op") == "=" else match.group("op")
    return kind, op, int(match.group("n"))


VETO_RE = re.compile(
    # "we veto events with a muon", "a veto (is applied) on events containing a b-tagged jet"
    r"\b(?:reject|veto)\w*\s+(?:(?:is\s+(?:also\s+)?)?(?:applied\s+)?(?:on|of|to|against)\s+)?"
    r"(?:the\s+|all\s+|any\s+)?(?:events?\s+)?(?:(?:with|containing|that contain|if)\s+"
    # ("a veto on b-tagged jets is applied")
    r"|(?<=\bon\s)(?=(?:any\s+|all\s+)?(?:[\w-]+\s+)?(?:b-tagged\s+)?(?:jets?|leptons?|electrons?"
    r"|muons?|photons?|taus?|b-?jets?)\b)"
    r"|(?:in which|where)\s+(?:there\s+(?:is|are)\s+)?(?=an?\s|any\s))(?:an?|any)?\s*"
    rf"(?:[\w-]+\s+){{0,3}}?(?P<obj>{OBJECT_RE.pattern})"
)
# "Events are discarded (removed, excluded) if they contain a photon": the events as the subject
# (not "Electrons are discarded if they share a track with a muon": objects removed)
EVENTS_DISCARDED_IF_RE = re.compile(
    r"\bevents?\s+(?:are|is)\s+(?:also\s+|then\s+)?(?:discarded|removed|excluded)\s+if\s+"
    r"(?:they|it|the\s+event)\s+(?:contains?|has|have)\s+(?:an?|any)\s+"
    rf"(?:[\w-]+\s+){{0,3}}?(?P<obj>{OBJECT_RE.pattern})"
    # (not an object qualified after it: "pointing to a dead module", "in the transition region",
    # "matched to a tau", "sharing a track", "not matched to the primary vertex")
    r"(?![^.;]{0,60}\b(?:point\w*|match\w*|shar\w*|overlap\w*|in\s+the|within|affected|not|that"
    r"|which|from|near|close|and\s+an?)\b)",
    re.IGNORECASE,
)
# the words of a clause that vetoes: "...; events with a b-tagged jet are vetoed", "no jets", "must
# not contain" (not "no b-jet requirement": none is required)
VETO_WORDS = re.compile(
    r"\b(?:reject|veto|discard|remov|exclud)\w*|\bno\s+(?!(?:[\w-]+\s+){0,2}?(?:requirements?"
    r"|criteri|cuts?|selection)\b)|\bnot\s+(?:be\s+)?(?:present|contain|have)|\bmust\s+not\b"
    r"|\bzero\b",
    re.IGNORECASE,
)
# "..., and in two-muon events the dimuon mass must ...": the events a later requirement holds
# for, named after a clause break (not "This search ... in two-lepton events requires ...", nor
# "selected in four-lepton events with ...": the whole selection's events)
CONDITION_EVENTS_BEFORE = (
    r"(?:[,;]\s*(?:and\s+|but\s+)?|\b(?:while|whereas)\s+)(?:in|for)\s+(?:all\s+|the\s+|those\s+)?"
)
EVENTS_QUALIFIED_AFTER = r"\s+(?:with|that|which|are|is)\b"


def names_conditional_events(text: str, start: int, end: int) -> bool:
    """Whether the events named at ``start:end`` ("two-muon events") are a condition of the
    requirement after them (``CONDITION_EVENTS_BEFORE``), not events the selection requires."""
    return bool(
        re.search(CONDITION_EVENTS_BEFORE + "$", text[:start], re.IGNORECASE)
        and not re.match(EVENTS_QUALIFIED_AFTER, text[end:], re.IGNORECASE)
    )


# what a statement of rejected objects or events says of them: "are rejected", "are removed"
REJECTED_VERB = r"(?:rejected|vetoed|discarded|removed|excluded)"
# after a value, the value is a difference of two others, not a threshold: "at least 1 GeV above
# the trigger threshold" (one reading for the comparisons and the coverage check)
A_DIFFERENCE = re.compile(
    r"\s*(?:[kMGT]?eV\s+)?(?:above|below|(?:higher|lower|more|less)\s+than)\s+(?:the|that|those)\b",
    re.IGNORECASE,
)
# the ranks of pT-ordered objects in words: one list for every reader of ranks
ORDINALS = r"first|second|third|fourth|fifth|sixth"
RANK_WORDS = rf"{ORDINALS}|leading|sub-?leading"
# a requirement that something is absent: "Events must not contain a b-jet with pT > 20 GeV",
# "The event must not have a third lepton ...", "required to have no second photon with ..."
NEGATED_HAVE = (
    r"\b(?:must|should|shall|may)\s+not\s+(?:have|contain|include)\b"
    r"|\b(?:is|are)\s+required\s+not\s+to\s+(?:have|contain)\b"
    r"|\b(?:have|has|contain|contains)\s+no\s+(?=(?:[\w-]+\s+)?(?:"
    + ORDINALS
    + r"|additional|extra|further|other)\b)"
)
NEGATED_HAVE_RE = re.compile(NEGATED_HAVE, re.IGNORECASE)
NEGATED_HAVE_OBJECT_RE = re.compile(
    rf"(?i:{NEGATED_HAVE})\s+(?:(?i:an?|any)\s+)?(?:[\w-]+\s+){{0,3}}?(?P<obj>{OBJECT_RE.pattern})"
)
SFOS_RE = re.compile(
    r"same[- ]?flavou?r[\s,-]*(?:and\s+)?opposite[- ]?(?:sign|charge)|opposite[- ]?(?:sign"
    r"|charge)[\s,-]*(?:and\s+)?same[- ]?flavou?r|\bSFOS\b|\bOSSF\b",
    re.IGNORECASE,
)
DISQUALIFY = re.compile(
    r"excluded (?:at|up to|for|by)|upper limits?|limits? (?:on|at|of)|cross sections?|\b95%"
    # (not a tagger's working point: "at the 77% efficiency working point and must have ...")
    r"|\bFig(?:ure|s?\.)|efficienc(?!y\s+(?:working|operating)\s+point)|interpret|sensitiv"
    r"|\bexclusion"
    r"|\bmass(?:es)? of (?:the )?(?:top|Higgs|W|Z|gluino|squark|neutralino|chargino)",
    re.IGNORECASE,
)
# context that usually describes the apparatus or the simulation, unless a requirement is stated
# right there
WEAK_DISQUALIFY = re.compile(
    r"generated|simulat|uncertaint|resolution|\bexpected\b|detectors?\b(?! region)|tracker"
    r"|azimuth|solenoid|\bbins?\b|encompass|scintillat|magnet",
    re.IGNORECASE,
)
TRIGGER = re.compile(r"\btrigger", re.IGNORECASE)  # thresholds of triggers are not offline cuts
REQUIREMENT = re.compile(
    r"requir|must|restrict|select|satisf|accept|consider|veto|reject|\bneeds?\b|\bdemands?\b"
    r"|\bask(?:s|ed)?\s+for\b",
    re.IGNORECASE,
)
# the rejected events named by what they fail: "Events that do not satisfy E_T^miss > 200 GeV are
# discarded", "events failing ...", "events which do not have ...": the kept events satisfy it
# (the subject of the sentence: not "... are vetoed, as are events failing the event cleaning")
NEGATED_REJECTED = re.compile(
    r"^\W*(?:[\w-]+\s+){0,2}?events?\s+(?:(?:that|which)\s+(?:do|does|did)\s+not\s+"
    r"|(?:that|which)\s+fail|(?:failing|not\s+(?:passing|satisfying|meeting|fulfill?ing|having"
    r"|containing))\b)",
    re.IGNORECASE,
)
OUTSIDE_HINT = re.compile(r"exclud|except|transition|crack|gap", re.IGNORECASE)

# the index of a mass written apart from its m ("m jj", "m ll", "m eff", "m 4l")
_SPLIT_MASS_INDEX = (
    r"jjj?|ll|lll|llll|ee|mumu|emu|mue|bb|gammagamma|yy|eff|CT|4l|3l|4mu|4e|2e2mu|llgamma"
    r"|mumugamma|eegamma|tautau|jj\s*gamma"
)
_JOINS = [
    # the ranks in other words, paired: "for the harder (softer) photon", "the higher-pT
    # (lower-pT) muon" (not "the higher-pT lepton above 28 GeV" alone)
    (
        re.compile(
            r"\b(?:harder|higher-p_?T)\s*\(\s*(?:softer|lower-p_?T)\s*\)(?!(?:\s+[\w-]+){0,2}\s+"
            r"(?:thresholds?|requirements?|cuts?)\b)",
            re.IGNORECASE,
        ),
        "leading (subleading)",
    ),
    (re.compile(r"\b([A-Z])_\{?([A-Z]{1,3})\}?(?![A-Za-z])"), r"\1\2"),
    (re.compile(r"\b([pE])\s*\^\s*\{?cone\s*(\d*)\}?\s*_\s*\{?T\}?"), r"\1Tcone\2"),
    (re.compile(r"\b[EPp]\s*\^\s*\{?miss\}?\s*_\s*\{?T\}?"), "MET"),
    (re.compile(r"\b[EPp]\s*_?\s*\{?T\}?\s*\^\s*\{?miss\}?"), "MET"),  # E_T^miss
    (re.compile(r"\b([pEHMm])\s*_\s*\{?T\}?(?![A-Za-z])"), r"\1T"),
    (re.compile(r"\b[EP]\s*miss\s*T\b|\bp\s*miss\s*T\b|\bE\s*T\s*miss\b|/\s*E\s*T\b"), "MET"),
    (re.compile(r"\bp\s+T\b"), "pT"),
    (re.compile(r"\bE\s+T\b"), "ET"),
    (re.compile(r"(?:\b|(?<=sqrt))H\s+T\b"), "HT"),  # ("E T miss / sqrtH T")
    # the text layer's split subscripts of masses and separations: "m T2", "am T2", "m jj",
    # "m ll", "m eff", "Deltaeta jj", "DeltaR ll", "Deltaeta 12"
    (re.compile(r"\b(a?m)\s+T\s*2\b"), r"\1T2"),
    (re.compile(r"\bm_?\{?yy\}?(?![A-Za-z])"), "m_gammagamma"),  # "m_yy": the diphoton mass
    # a lower bound as how far down the selected objects go: "muons are accepted down to p_T = 3
    # GeV" (not "reconstructed/identified down to": the detector's reach; not "... 3 GeV in the
    # endcap and 3.5 GeV in the barrel": values per detector part)
    (
        re.compile(
            r"\b(accepted|selected|considered|kept|used|retained|allowed)\s+down\s+to\s+(?:a\s+|an\s+)?"
            r"(pT|ET|p_T|E_T|transverse\s+momentum)\s*(?:=|of)\s*"
            r"(?![^.;]{0,40}\b(?:barrel|endcaps?|end-caps?|forward|central)\b)"
        ),
        r"\1 with \2 >= ",
    ),
    # the reference mass first: "|m_Z - m_ee|" is "|m_ee - m_Z|"
    (
        re.compile(r"\|\s*(m_?\{?Z\}?)\s*-\s*(m_?\{?(?:ll|ee|mumu)\}?)\s*\|"),
        r"|\2 - \1|",
    ),
    (re.compile(r"(?<![A-Za-z])sqrt\s*(H_?T|m_?eff|S_?T)(?![\w(])"), r"sqrt(\1)"),  # "sqrtHT"
    (re.compile(rf"(?<![\d.] )\bm\s+({_SPLIT_MASS_INDEX})\b(?![.\d-])"), r"m_\1"),
    (
        re.compile(r"\bDelta\s*(eta|phi|R|y)\s+(jj|ll|bb|gammagamma|mumu|ee|tautau)\b(?![.\d])"),
        r"Delta\1_\2",
    ),  # fmt: skip
    (re.compile(r"\bDelta\s*eta\s+12\b(?![.\d])"), "Deltaeta_12"),
    (re.compile(r"\bM\s+T\b"), "MT"),
    (re.compile(r"\bm\s+T\b"), "mT"),
    (re.compile(r"\btau\s+(had-vis|had|h)\b"), r"tau_\1"),  # "tau had-vis candidates"
    (re.compile(r"\bp\s*\^\s*\{?sum\}?\s*_\s*\{?T\}?"), "psumT"),
    (re.compile(r"\bp\s*sum\s*T\b"), "psumT"),
    (re.compile(r"\bp\s*cone\s*T\b"), "pTcone"),
    (re.compile(r"\b([pE])\s*T\s*cone\s*(\d\d)"), r"\1Tcone\2"),
    (re.compile(r"\bp\s*T\s*,\s*l\s*(\d)"), r"pT,l\1"),
]


def asciify(text: str) -> str:
    text = text.replace("\u20d7", "")  # combining arrow of vectors (p-vector miss)
    out = []
    for char in text:
        mapped = SYMBOLS.get(char)
        if mapped is None:
            mapped = unicodedata.normalize("NFKC", char)
            mapped = SYMBOLS.get(mapped, mapped)
        out.append(mapped)
    return "".join(out)


# LaTeX math a paper's source keeps (the LaTeX backend leaves "$|\eta| < 2.47$" as written): the
# macros as the ASCII the patterns read, the same as their Unicode characters ("\geq" as ">=")
_LATEX_WORDS = {
    "ell": "l",
    "mu": "mu",
    "nu": "nu",
    "tau": "tau",
    "gamma": "gamma",
    "eta": "eta",
    "phi": "phi",
    "varphi": "phi",
    "Delta": "Delta",
    "sigma": "sigma",
    "chi": "chi",
    "theta": "theta",
    "sin": "sin",
    "cos": "cos",
    "pi": "pi",
    "alpha": "alpha",
    "beta": "beta",
    "rho": "rho",
    "geq": ">=",
    "ge": ">=",
    "geqslant": ">=",
    "leq": "<=",
    "le": "<=",
    "leqslant": "<=",
    "gt": ">",
    "lt": "<",
    "neq": "!=",
    "ne": "!=",
    "times": "x",
    "pm": "+-",
    "approx": "~",
    "sim": "~",
    "rightarrow": "->",
    "to": "->",
}
# the physics macros of the collaborations' classes and packages, which a paper uses without
# defining them (CMS cms-tdr.cls: "\pt > 53\GeV", "\abs{\eta}", "\ptmiss", "\PQb"; ATLAS
# atlasphysics.sty: "\pT", "\met", "\ETmiss")
_HEP_MACROS = {
    **dict.fromkeys(["pt", "pT", "PT"], "p_T"),
    **dict.fromkeys(["ET", "Et", "et"], "E_T"),
    **dict.fromkeys(["ptmiss", "ptvecmiss", "vecptmiss", "ptvmiss"], "p_T^miss"),
    **dict.fromkeys(["MET", "met", "ETmiss", "Etmiss", "VEtmiss", "ETslash", "etmiss"], "E_T^miss"),
    "HT": "H_T",
    "MHT": "H_T^miss",
    "mT": "m_T",
    "MT": "M_T",
    "meff": "m_eff",
    "mll": "m_ll",
    "mjj": "m_jj",
    "MTtwo": "M_T2",
    "mttwo": "m_T2",
    "fbinv": "fb^-1",
    "pbinv": "pb^-1",
    "ttbar": "ttbar",
    "ie": "i.e.",
    "eg": "e.g.",
    "etal": "et al.",
    "Pe": "e",
    "Pgm": "mu",
    "PGm": "mu",
    **dict.fromkeys(["Pgt", "PGt", "tauh"], "tau"),
    **dict.fromkeys(["Pgg", "PGg"], "gamma"),
    "PW": "W",
    "PZ": "Z",
    "PH": "H",
    **dict.fromkeys(["PQb", "cPqb", "Pqb"], "b"),
    **dict.fromkeys(["PQt", "cPqt", "Pqt"], "t"),
    "antikt": "anti-k_t",
    "antikT": "anti-k_t",
}
_HEP_UNITS = re.compile(r"\\(GeV|TeV|MeV|keV|cm|mm|mum)(?![A-Za-z])")
_HEP_MACRO = re.compile(
    r"\\(" + "|".join(sorted(_HEP_MACROS, key=len, reverse=True)) + r")(?![A-Za-z])"
)
_LATEX_MACRO = re.compile(
    r"\\(" + "|".join(sorted(_LATEX_WORDS, key=len, reverse=True)) + r")(?![A-Za-z])"
)
# a style or accent around a word: "\mathrm{GeV}", "\text{miss}", "\vec{p}", "\rm GeV"
_LATEX_STYLE = re.compile(
    r"\\(?:math(?:rm|it|bf|sf|cal)|text(?:rm|it|bf)?|operatorname|boldsymbol|vec|bar|hat|tilde"
    r"|overline|mbox)\s*\{([^{}]*)\}|\\(?:rm|it|bf|left|right|displaystyle)\b\s*"
)
_LATEX_ABS = re.compile(r"\\abs\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
# (a tie "30~GeV" is a space; "~3 jets" is "about three")
_LATEX_SPACE = re.compile(r"\\[,;:! ]|~(?=[A-Za-z\\])|\$")


def _latex(text: str) -> str:
    if "\\" not in text and "$" not in text and "~" not in text:
        return text
    for _ in range(3):  # ("\mathrm{\mathbf{T}}", "\abs{\eta}")
        text = _LATEX_STYLE.sub(lambda m: m.group(1) or "", text)
        text = _LATEX_ABS.sub(r"|\1|", text)
    text = _HEP_UNITS.sub(r" \1", text)  # ("53\GeV": "53 GeV")
    text = _HEP_MACRO.sub(lambda m: _HEP_MACROS[m.group(1)], text)
    text = _LATEX_MACRO.sub(lambda m: _LATEX_WORDS[m.group(1)], text)
    # ("$b$-tagged jets": one word; "$2.47$ ($2.5$)": a value in brackets; "$\mu$+jets")
    text = re.sub(r"\$(?=[-+)])|(?<=[-+(])\$", "", text)
    return _LATEX_SPACE.sub(" ", text)


# a short sub- or superscript in braces, as the LaTeX backend writes it ("p_{T}" -> "p_T",
# "m_{SD}" -> "m_SD"), and the supercluster / cluster pseudorapidity of an electron ("eta_SC")
_BRACED_INDEX = re.compile(r"([_^])\{([\w+\-*]{1,6})\}")
_CLUSTER_ETA = re.compile(
    r"(?<![A-Za-z])eta_\{?(?:SC|sc|clus(?:ter)?|calo|cl)\}?(?![A-Za-z])"
    # the object's own eta as a superscript: "|eta^jet|", "|eta^{e}|"
    # (not an indexed one, "eta^{j}_{1}", nor a flavour's, "|eta^e| ... |eta^mu|")
    r"|(?<![A-Za-z])eta\^\{?(?:jets?|j|gamma|ph)\}?(?![A-Za-z0-9_{])"
)


def prepare(sentence: str) -> str:
    """One ASCII line with split sub/superscripts joined, for the patterns above."""
    text = asciify(_latex(squash(sentence)))
    text = _CLUSTER_ETA.sub("eta", _BRACED_INDEX.sub(r"\1\2", text))
    text = re.sub(r"\s+", " ", text)
    for pattern, repl in _JOINS:
        text = pattern.sub(repl, text)
    return text


# what another object is built from or matched to: "reconstructed from anti-kt jets", "seeded by
# jets", "clusters matched to inner-detector tracks", "clusters without matching tracks"
_INPUT_BEFORE = re.compile(
    r"(?:\b(?:reconstructed|built|formed|seeded|constructed|clustered|made|identified)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:from|by|with|using|out\s+of)\s+(?:[^.;,]{0,80}?\s+)?"
    r"|\b(?:matched|matching|associated|geometrically\s+matched)\s+(?:to\s+|with\s+)?"
    r"(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?)$",
    re.IGNORECASE,
)


def input_of_another(text: str, position: int) -> bool:
    """Whether the object named at ``position`` is what another object is built from or matched
    to (its reconstruction's input, not the object the requirement is on)."""
    return bool(_INPUT_BEFORE.search(text[max(0, position - 120) : position]))


# objects given an attribute by the if-clause after it, which is their requirement: "Muons are
# considered isolated if their relative isolation is below 0.15"
DEFINED_AS = (
    r"\b(?:are|is)\s+(?:considered|defined\s+as|regarded\s+as|classified\s+as|deemed|labell?ed)"
    r"\s+(?:to\s+be\s+)?(?:isolated|identified|prompt|signal|tight|good|well[- ]measured|b-tagged)"
)


# a requirement of objects that need not be there: "The third and fourth jet if present, are
# required to have pT > 30 GeV" (not "if any jet ...": a condition on the jets)
IF_PRESENT = re.compile(
    r"\b(?:if\s+(?:present|any(?=\s*[,;.)])|it\s+exists|there\s+is\s+(?:one|such)|one\s+exists"
    r"|they\s+exist)|where\s+present|when\s+present)\b",
    re.IGNORECASE,
)


def if_present(text: str, position: int, after: str) -> bool:
    """Whether the comparison at ``position`` (``after``: the text after its value) holds only
    where its object is present: 'the third jet, if present, must have pT > 40 GeV' (the phrase
    after the object, with no other object or clause between it and the comparison), or 'pT >
    40 GeV for the third jet if present' (the phrase right after the value). One window for the
    rules and the support check, never across a ';' or another object's clause."""
    start = max(0, position - 80, text.rfind(";", 0, position) + 1)
    for said in IF_PRESENT.finditer(text, start, position):
        between = text[said.end() : position]
        if not OBJECT_RE.search(between) and not re.search(r"\band\s+the\b|[;:]", between):
            return True
    if _IF_PRESENT_AFTER.match(after):
        return True
    # ("The third jet must satisfy pT > 40 GeV and |eta| < 2.5, if present": at the clause's end)
    end = re.search(r";|\.(?!\d)", text[position:])
    clause = text[position : position + end.start()] if end else text[position:]
    later = IF_PRESENT.search(clause)
    return later is not None and not OBJECT_RE.search(clause, 0, later.start())


_IF_PRESENT_AFTER = re.compile(
    rf"^\s*(?:{UNIT})?\s*(?:for\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}?\w+\s*)?,?\s*\(?\s*"
    rf"(?:{IF_PRESENT.pattern})",
    re.IGNORECASE,
)


def count_value(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def object_of(match: re.Match[str]) -> str:
    return next(name for name, _ in OBJECTS if match.group(name))


_CONJUNCTION = re.compile(r"^(?:s|\s)*(?:candidates\s*)?(?:,|and|or|,\s*and)\s*$", re.IGNORECASE)


def conjoined(text: str, mentions: list[tuple[int, str]], index: int) -> list[str]:
    """The kinds named together with the ``index``-th of ``mentions`` (offset, kind) by 'and',
    'or' or commas: 'Electrons and muons must be isolated' names one subject of two kinds."""
    if not mentions:
        return []
    index %= len(mentions)

    def gap(a: int) -> str | None:  # the joining word between mentions a and a + 1, if any
        first = OBJECT_RE.match(text, mentions[a][0])
        between = text[first.end() : mentions[a + 1][0]] if first is not None else ""
        return between.strip(" s") if first is not None and _CONJUNCTION.match(between) else None

    gaps = [gap(a) for a in range(len(mentions) - 1)]
    start = end = index
    while start > 0 and gaps[start - 1] is not None:
        start -= 1
    while end + 1 < len(mentions) and gaps[end] is not None:
        end += 1
    # (a bare comma joins a list only when "and"/"or" ends it: "electrons, muons and taus"; not
    # "In events with a photon, jets must ...")
    while end > start and gaps[end - 1] == ",":
        end -= 1
    if start > index or end < index:
        return [mentions[index][1]]
    return list(dict.fromkeys(kind for _, kind in mentions[start : end + 1]))


# an opening phrase before the subject: "In events with a photon, jets must ..."
_INTRODUCTION = re.compile(
    r"^\W*(?:in|for|after|with|among|of|once|when|if|to)\b[^,;]{0,100},", re.IGNORECASE
)


def subject_kinds(text: str, mentions: list[tuple[int, str]]) -> list[str]:
    """The kinds of a sentence's subject, the first objects named after any opening phrase, with
    the kinds named with them: what 'They' in the next sentence stands for."""
    opening = _INTRODUCTION.match(text)
    start = opening.end() if opening else 0
    first = next((i for i, (pos, _) in enumerate(mentions) if pos >= start), 0)
    return conjoined(text, mentions, first)

"""One reading of one sentence, shared by the rules and by the support check.

``read(sentence)`` prepares the sentence once (ASCII, joined sub/superscripts) and records
what every consumer asks of it: its clauses, the comparisons of a quantity with a number, the
objects it names, and for each clause what kind of statement it is (a selection, a histogram
range or binning, a trigger/efficiency/calibration statement, a control sample), whether it
says that what it describes is thrown away (polarity), and the spans that are conditions
("for jets with pT < 50 GeV", "if ..."), isolation cones or overlap removal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.extract import patterns as P
from pipeline.extract.comparisons import Comparison, comparisons

# clause boundaries: a semicolon or colon, a bullet, or a comma/"and" that opens a new statement
_BOUNDARY = re.compile(
    r";|:\s|\u2022|,\s*(?=excluding|except|apart from)|,\s+(?=and\s+(?:[\w-]+\s+){0,3}?(?:with"
    r"|are|is|must)\b)"
    # ("events in which ...", "events where ...": the events the clause is about, not a new one)
    r"|(?<!\bin)(?<!\bevents)(?<!\bevent)(?<!\bEvents)(?<!\bEvent)(?:,\s*|\s)(?:while|whereas|but|which|where|and\s+(?:the|those|events|any"
    r"|all|then)|and\s+(?=if\b))\b|,\s+(?=(?:if|when|unless|provided)\b)"
    # "... trigger with a threshold of 110 GeV, and offline E_T^miss > 250 GeV is required"
    r"|,?\s+(?=(?:and\s+|while\s+)?offline\b)"
    # "Unlike the 2015 analysis, which required ..., we require ...": this analysis again
    r"|,\s*(?=(?:we|this\s+(?:analysis|search|paper|work)|the\s+(?:present|current)\s+"
    r"(?:analysis|search))\s+(?:now\s+|instead\s+|only\s+)?(?:require|select|apply|use|impose|lower"
    r"|raise|tighten|loosen|demand)"
    r")"
)
REJECT = re.compile(
    r"\b(?:are|is|were|was|be|being)\s+(?:then\s+|also\s+|further\s+|subsequently\s+)?(?:rejected"
    r"|vetoed|removed|discarded|excluded|not considered|not used|not selected|ignored|dropped)\b"
    r"|\b(?:reject(?:ing|s)?|veto(?:ing|es|ed)?|remov(?:e|es|ing)|discard(?:s|ing)?|exclud(?:e|es"
    r"|ing))\b|\bvetoed\b|\bremoved\b|\bdiscarded\b|\brejected\b|" + P.NEGATED_HAVE,
    re.IGNORECASE,
)
# "QCD multijet events are rejected by the requirement that Delta phi_R < 2.8": the requirement is
# stated as what is kept, so the verb does not turn it into a veto
_BY_REQUIREMENT = re.compile(
    r"\b(?:rejected|removed|discarded|excluded|vetoed|suppressed)\s+(?:\w+\s+)?by\s+(?:the\s+|a\s+|an\s+"
    r"|this\s+)?(?:[\w-]+\s+)?(?:requirements?|requiring|selection)\b"
    # "no veto tracks", "the veto leptons": 'veto' names a kind of object, nothing is vetoed here
    r"|\bveto\s+(?:leptons?|tracks?|electrons?|muons?|photons?|taus?|objects?)\b"
    # a purpose: "To reject events from Z boson decays, m_ll > 101 GeV is required", "..., in order
    # to suppress the ttbar background": what the cut is for, not what it throws away
    r"|(?:^\W*|\bin\s+order\s+|,\s*|\b(?:GeV|required|applied|imposed|used|\d+(?:\.\d+)?)\s+)to\s+"
    r"(?:further\s+)?"
    r"(?:reject|remove|suppress|veto|exclude|discard|eliminate|reduce)\b"
    # "The leading jet must have pT > 250 GeV, otherwise the event is discarded": the requirement
    r"|\botherwise,?\s+(?:the\s+|this\s+)?events?\s+(?:is|are)\s+(?:rejected|vetoed|removed"
    r"|discarded|dropped|not\s+(?:considered|used|kept))\b",
    re.IGNORECASE,
)
# the flavours of leptons a channel can be named by ("In the muon channel, ...": the muon's cuts)
_FLAVOURS = (
    r"(?:electron|muon|e|mu|ee|mumu|emu|mue|e\s?mu|\u03bc\u03bc|e\u03bc|\u03bc|electron-muon"
    r"|e\+jets|mu\+jets|\u03bc\+jets|same-flavou?r|different-flavou?r|opposite-flavou?r"
    r"|dielectron|dimuon)"
)
_STUDY = r"(?:analys[ie]s|search(?:es)?|measurements?|stud(?:y|ies)|publications?)"
# what names an analysis other than this one: its run, energy, year, or that it came before
_EARLIER = (
    r"Run[- ]?(?:1|2|I|II)|\d+(?:\.\d+)?\s*TeV|(?:19|20)\d\d|original|published|earlier|previous"
    r"|prior|former|older|initial|first"
)
# a signal region's name: "SR-0b", "SR-SF-0J", "SRA-TT", "SR_high", "SR1"
SR_NAME = r"(?-i:SR(?:[-_][A-Za-z0-9]+|[A-Z0-9][A-Za-z0-9]*)(?:[-_][A-Za-z0-9]+)*)"
# the names of several regions or categories in one sentence ("The ggF category requires exactly
# one jet, and the VBF category requires ...", "SR-1b ..., while SR-2b ...", "signal regions
# SRA, SRB and SRC"): each requirement is one region's, none the whole selection's
_REGION_NAME = re.compile(
    rf"(?<![\w-])(?P<sr>{SR_NAME}|(?-i:[CV]R(?:[-_][A-Za-z0-9]+|[A-Z0-9][A-Za-z0-9]*)))(?![\w-])"
    r"|\b(?P<word>[\w+-]+)\s+(?:categor(?:y|ies)|signal\s+regions?|regimes?|topolog(?:y|ies))\b",
    re.IGNORECASE,
)
_NOT_A_NAME = {
    "the",
    "this",
    "that",
    "each",
    "every",
    "all",
    "both",
    "any",
    "our",
    "its",
    "their",
    "a",
    "an",
    "one",
    "two",
    "three",
    "four",
    "five",
    "several",
    "various",
    "different",
    "other",
    "these",
    "those",
    "same",
    "event",
    "events",
    "analysis",
    "signal",
    "search",
    "of",
    "in",
    "for",
    "and",
    "or",
    "to",
    "with",
    "into",
    "common",
    "baseline",
    "whole",
    "full",
    "final",
}


def names_several_regions(text: str) -> bool:
    """Whether ``text`` names two regions or categories or more, by name ('SR-low ... SR-high',
    'the ggF category ... the VBF category', 'three signal regions, SRA, SRB and SRC')."""
    names = set()
    for match in _REGION_NAME.finditer(text):
        name = match.group("sr") or match.group("word")
        if name.lower() not in _NOT_A_NAME:
            names.add(name.lower())
    return len(names) >= 2


ONE_FLAVOUR = r"(?:electron|muon|e|mu|e\+jets|mu\+jets|\u03bc|\u03bc\+jets)"
# the lepton flavours of a dilepton category ("In ee and mumu events", "for same-flavour events")
FLAVOURS = (
    r"(?:ee|mumu|\u03bc\u03bc|e\s*\u03bc|e\s*mu|same[- ]flavou?r|different[- ]flavou?r"
    r"|opposite[- ]flavou?r|SF|DF|OF)"
)
# one flavour's channel, or each of two named together: "electron (muon)", "electron or muon"
_FLAVOURS = rf"{ONE_FLAVOUR}(?:\s*\(\s*{ONE_FLAVOUR}\s*\)|\s+(?:and|or)\s+{ONE_FLAVOUR})?"
# what kind of statement a clause is, when it is not a selection
KINDS: list[tuple[str, re.Pattern[str]]] = [
    (
        "histogram",
        re.compile(
            # a region label among numbers (a flattened table), not "SR1 requires ..."
            r"\bSR\s?\d+(?![^.;]{0,80}\b(?:requires?|required|must|(?:is|are)\s+defined\s+by"
            r"|selects?)\b)|\binclusive in\b|\btail regions?\b|histogram|\bbinn(?:ed|ing)\b"
            r"|(?<!search )\bbins?\b(?![^.;]{0,40}\b(?:required|must)\b)|\bfill(?:ed|ing)?\b"
            r"|\bplott?(?:ed|ing)?\b|\baxis\b|\bspectrum\b|\bdistributions?\b"
            r"|\bfit(?:ted)?\s+(?:range|in|over)",
            re.I,
        ),
    ),
    (
        "trigger",
        re.compile(
            r"(?<!matching the )(?<!corresponding )\btrigger(?!\s+objects?)|\bHLT\b"
            # "selected online by requiring two muons ... at Level-1", "the L1 seed requires"
            r"|\bLevel-?\s?1\b|(?-i:\bL1\s+(?:seed|trigger|accept|threshold|requirement))|\b(?:selected|recorded|accepted)\s+online\b"
            r"|\bonline\s+(?:selection|requirements?|thresholds?)\b",
            re.I,
        ),
    ),
    (
        "efficiency",
        re.compile(
            # (not the tagger's working point: "at the 77% efficiency working point")
            r"efficienc(?!y\s+(?:working\s+point|WP|operating\s+point)\b)|scale factors?"
            r"|mis-?identification|mistag|fake rate|resolution"
            # "The probability for a light-flavour jet with pT > 30 GeV to be misidentified ..."
            r"|\bprobability\s+(?:for|that)\s+(?:an?\s+)?(?:[\w-]+\s+){0,3}?(?:jets?|leptons?"
            r"|electrons?|muons?|photons?|taus?)\b[^,;]{0,60}?\bto\s+be\s+(?:mis-?)?identified"
            # (not "within the tracker acceptance, |eta| < 2.5": the detector's coverage)
            r"|\btag[- ]and[- ]probe\b"
            r"|(?<!tracker )(?<!detector )(?<!spectrometer )(?<!calorimeter )(?<!geometric )"
            r"(?<!geometrical )(?<!fiducial )\bacceptance\b|\bsystematic|uncertaint",
            re.I,
        ),
    ),
    (
        "calibration",
        re.compile(
            r"calibrat|\bcorrect(?:ed|ion)\b|\bpile-?up\b(?!\s+jets)|\bsimulat|\bgenerat"
            # the reconstruction: "reconstructed from clusters ..., where the seed clusters are
            # required to have E_T above 1 GeV"
            r"|\bseed(?:ing)?\s+(?:clusters?|tracks?|towers?|cells?|crystals?)\b"
            # the detector's reach: "where the muon momentum is measured up to 2 TeV", "the muon
            # spectrometer reconstructs muon tracks within |eta| < 2.7", "the tracker covers"
            r"|\b(?:measured|reconstructed|calibrated)\s+(?:up|down)\s+to\b"
            r"|\b(?:spectrometer|calorimeters?|tracker|inner\s+detector|tracking\s+detector|detector)"
            r"\s+(?:[\w-]+\s+){0,2}?(?:covers?|covering|extends?|reconstructs?|provides?|measures?)\b",
            re.I,
        ),
    ),
    (
        "control",
        CONTROL := re.compile(
            r"\b(?:control|validation|sideband|side-band)\b|-enriched|(?<![A-Z])CRs?\b|\bVRs?\b"
            # a measurement's particle-level phase space: "The fiducial phase space is defined by"
            # (not the detector's: "within the fiducial region of the calorimeter, |eta| < 2.47")
            r"|(?i:\bfiducial\s+(?:phase[- ]space|volume|cross[- ]sections?|definition)\b)"
            # "The fiducial region is defined by", "the particle-level selection" (not "the fiducial
            # region of the calorimeter", "within the fiducial region |eta| < 2.47")
            r"|(?i:\b(?:the|a|this)\s+fiducial\s+(?:region|selection|acceptance)\b"
            r"(?!\s+(?:of|in)\s+the\b)"
            r"(?=\s+(?:is|are|was|were|requires?|consists|contains|selects)\b))"
            r"|(?i:\b(?:particle|generator|truth|hadron)[- ]level\b)"
            r"|(?i:\bvalidated\s+(?:in|using|with)\b)"
            r"|(?i:\bestimat\w*\s+(?:of\s+)?(?:the\s+)?\S{0,30}\s*backgrounds?)"
            # "the background is estimated from events with ..."
            r"|(?i:\bbackgrounds?\s+(?:is|are|was|were)\s+(?:\w+\s+)?(?:estimated|predicted"
            r"|determined|derived|normali[sz]ed)\s+(?:from|using|in|with)\s+(?:the\s+)?(?:events"
            r"|an?\s+(?:\w+\s+)?(?:sample|region))\b)"
            # "The fake-lepton background is estimated using loose leptons with ...", "the matrix
            # method", "a fake factor": the objects of a background method
            r"|(?i:\b(?:fake|non-?prompt|misidentified)[- ](?:lepton\s+)?backgrounds?\s+(?:is|are"
            r"|was|were)\s+(?:\w+\s+)?(?:estimated|predicted|determined)\b|\bmatrix\s+method\b"
            r"|\bfake[- ]factors?\b)"
            # the samples of a background method or of a classifier's training: "seed events with
            # H_T > 300 GeV" (rebalance and smear), "trained on events with ..."
            r"|(?i:\bseed\s+events?\b|\brebalance[- ](?:and|&)[- ]smear|\bR\s*(?:\+|&)\s*S\s+method"
            r"|\b(?:trained|training)\s+(?:\w+\s+)?(?:on|with|using|samples?)\b|\bto\s+train\b)"
            # "the W+jets normalisation is obtained from events with", "the ttbar background is
            # normalised in a region where", "a sample dominated by Z+jets events"
            r"|(?i:\bnormali[sz]ation\s+(?:\w+\s+)?(?:is|are|was|were)\s+(?:obtained|taken|derived"
            r"|extracted|determined|fixed|constrained)\s+(?:from|using|in)\b)"
            r"|(?i:(?<!signal )\b(?:samples?|regions?)\s+dominated\s+by\b)"
            # "a sample enriched in Z -> ll decays"; "to suppress contamination from signal"
            r"|(?i:\b(?:samples?|regions?|events?)\s+enriched\s+in\b|\bsignal\s+contamination"
            r"|\bcontamination\s+(?:from|by|of)\s+(?:the\s+)?signal)"
        ),
    ),
    (
        # "Events in the one-lepton category are required to ...", "In the HH and HL categories"
        "category",
        re.compile(
            r"\bevents?\s+in\s+the\s+(?:[\w-]+\s+){1,3}?categor(?:y|ies)\b"
            r"|\bin\s+the\s+(?:[\w()-]+\s+(?:and|or)\s+)?[\w()-]+\s+categor(?:y|ies)\b"
            # "in the two-lepton channel", "in the ee and mumu channels", "in the high-mass signal
            # region SR-H", "in signal regions with zero leptons", "in SR-0b", "in the boosted
            # selection": one channel or region of several
            # (one flavour's channel is one, "In the muon channel, ..."; two flavours' named
            # together are not: "in the electron or muon channel" is the whole one-lepton
            # selection)
            # "For the ee selection with exactly one jet, ...", "in the selection with two or more
            # jets": one category of several, named by what its events have
            r"|\b(?:in|for)\s+the\s+(?:[\w-]+\s+)?(?:selection|category|channel|regime)\s+"
            r"(?:with|requiring)\s+(?:exactly\s+|at\s+least\s+|no\s+|zero\s+|one\s+or\s+|two\s+or\s+)?"
            r"(?:one|two|three|four|zero|no|[0-4])\b"
            # "In ee and mumu events, ...", "for same-flavour events": some flavours' events
            rf"|\b(?:in|for)\s+(?:the\s+)?{FLAVOURS}(?:\s+(?:and|or)\s+{FLAVOURS})?\s+events\b"
            rf"|\bin\s+the\s+(?!{ONE_FLAVOUR}(?:\s+(?:and|or)\s+{ONE_FLAVOUR})\s+channels?\b)"
            r"(?:[\w()+-]+\s+(?:and|or)\s+)?[\w()+-]+\s+channels?\b"
            r"|\bin\s+(?:the\s+)?(?!(?:the|all|both|each|these|those|our|every|any)\s)"
            r"(?:[\w-]+\s+){1,2}signal\s+regions?\b"
            r"|\bin\s+(?:the\s+|all\s+)?signal\s+regions\s+(?:with|where|requiring|that)\b"
            rf"|\bin\s+(?:the\s+)?(?:signal\s+regions?\s+)?{SR_NAME}\b"
            # "... in all signal regions except SR-1b, where exactly one b-jet is required"
            rf"|\bexcept\s+(?:for\s+|in\s+)?(?:the\s+)?(?:signal\s+regions?\s+)?{SR_NAME}\b"
            # "The signal region SR-SF-0J requires ...", "The SR-high region is defined by ...":
            # one named region of several
            rf"|^\W*(?:(?:while|whereas|and|but)\s+)?(?:the\s+)?(?:signal\s+region\s+)?{SR_NAME}"
            r"(?:\s+(?:signal\s+)?region)?\s+"
            r"(?:(?:further|additionally|also)\s+)?(?:requires|selects|demands|is\s+defined)\b"
            r"|\bin\s+the\s+(?:boosted|resolved|merged|compressed|non-?compressed|low-\w+"
            r"|high-\w+)\s+(?:selection|regime|topology|regions?|analysis)\b"
            # "in the spin-2 search", "for the 2-lepton analysis": one of the paper's searches
            # (not a run or an energy: "As in the Run-1 analysis", "For the 13-TeV analysis")
            r"|\b(?:in|for)\s+the\s+(?!run-|\d+-tev\b)(?:[a-z]+-\d\w*|\d+-[a-z]\w*)\s+"
            r"(?:search|analysis|selection)\b"
            # "For the 2l SS channel, events must ...", "The e mu channel requires ...", "The
            # Z(nunu)H(bb) channel requires", "in the high-p_T^V category": one channel of several
            rf"|\b(?:for|in)\s+the\s+(?!{_FLAVOURS}\s+channels?\b)(?:[\w()+^{{}}\\-]+\s+){{1,2}}"
            r"(?:channels?|categor(?:y|ies))\b"
            rf"|^\W*(?:the\s+)?(?!{_FLAVOURS}\s+channels?\b)(?:[\w()+^{{}}\\-]+\s+){{1,2}}"
            r"(?:channel|category)\s+(?:(?:further|additionally|also)\s+)?(?:requires|selects"
            r"|demands|is\s+defined|contains|consists)\b"
            # "The 2-jet and 3-jet categories require ...", "The same-flavour signal regions
            # additionally require ...": some of the categories or regions (not "The signal
            # regions require", "All categories require": every one)
            # (after "and", "while": "..., and the signal regions require"; one multiplicity
            # names the analysis's regions: "The three-lepton signal regions require ...")
            r"|^\W*(?:(?:and|while|whereas|but)\s+)?(?:the\s+)?(?!(?:the|and|while|whereas|but|all|both"
            r"|each|these|those|our|every|any|two|three|four|five|several|signal|search|analysis"
            r"|selected)\s)(?![\w]+-(?:lepton|jet|photon|tau)s?\s+(?:signal\s+|search\s+)?regions\s+"
            r"(?:require|select|demand|need)\b)(?:[\w()+^{}\\-]+\s+(?:and\s+|or\s+)?){1,3}?(?:signal\s+"
            r"|search\s+)?(?:regions|categories|channels)\s+(?:(?:further|additionally|also)\s+)?"
            r"(?:require|select|demand|are\s+defined|contain|need)\b",
            re.I,
        ),
    ),
    (
        # "three exclusive lepton selections are defined: * high-high (HH) selection: ..."
        "categories",
        CATEGORIES := re.compile(
            r"\b(?:exclusive|separate|distinct|orthogonal)\s+(?:[\w-]+\s+)?(?:selections"
            r"|categories)\s+(?:are|were)\s+defined\b"
            # "Two signal regions are defined: SR-low requires ... and SR-high requires ..."
            r"|\b(?:two|three|four|five|several|multiple|\d+)\s+(?:[\w-]+\s+)?(?:signal|search)"
            r"\s+regions\s+(?:are|were)\s+defined\b",
            re.I,
        ),
    ),
    (
        # "The previous analysis required ...", "Compared to Ref. [5], where ... was required",
        # "An alternative selection with ... was studied", "... used as a cross-check", "Signal
        # events typically have ...": a cut of another analysis, or none at all
        "elsewhere",
        re.compile(
            # (the other analysis as the clause's subject: "The previous search required ...",
            # not "Following the previous analysis, we require", "compared to 200 GeV in the
            # previous analysis")
            r"^\W*(?:the\s+|an?\s+|in\s+the\s+)?(?:previous|earlier|prior|former)\s+(?:[\w-]+\s+){0,2}?"
            r"(?:analys[ie]s|search(?:es)?|measurements?|stud(?:y|ies)|publications?|results?"
            r"|versions?)\b"
            r"|\b(?:compared\s+(?:to|with)|unlike|in\s+contrast\s+to|as\s+opposed\s+to)\s+"
            r"(?:Refs?\.?\s*\[|the\s+(?:previous|earlier|[\w-]+\s+(?:analysis|search)))"
            r"|^\W*In\s+Refs?\.?\s*\[[^\]]*\]\s*,"
            # "In the CMS analysis of Ref. [12], leptons were required ...", "The CMS analysis of
            # Ref. [12] used ...", "Muons must have pT > 20 GeV in the reference analysis of Ref.
            # [30]" (not "Following the analysis of Ref. [12], we require ...")
            rf"|(?:^\W*The|\bin\s+the)\s+(?:[\w-]+\s+){{0,3}}?{_STUDY}\s+(?:of|in|from)\s+Refs?\.?\s*\["
            # "The CMS search [12] selected events with ...": another analysis by its reference
            rf"|^\W*(?:the|an?)\s+(?:[\w-]+\s+){{0,3}}?{_STUDY}\s+\[[\d,\s\u2013-]+\]\s+"
            r"(?:used|required|applied|imposed|selected|demanded|had|relied|considered)\b"
            # "A looser requirement of E_T^miss > 100 GeV was used in the 2015 analysis"
            rf"|\b(?:was|were|had\s+been)\s+(?:used|required|applied|imposed|chosen)\s+(?:in|by|for)\s+"
            rf"(?:the|an?)\s+(?:{_EARLIER})\s+(?:[\w-]+\s+){{0,2}}?{_STUDY}"
            # "Events with E_T^miss > 200 GeV account for 3% of the total background", "Only 2% of
            # signal events have a leading jet with pT below 100 GeV": a share, not a requirement
            r"|\baccounts?\s+for\s+(?:about\s+|approximately\s+|roughly\s+|only\s+)?\d+(?:\.\d+)?\s*%"
            r"|^\W*(?:only\s+|about\s+|approximately\s+|roughly\s+|less\s+than\s+|over\s+)?\d+(?:\.\d+)?"
            r"\s*%\s+of\s+(?:the\s+|all\s+)?(?:[\w-]+\s+){0,2}?(?:events|candidates)\b"
            # "The Run-1 analysis used a looser requirement ...", "the 8 TeV search required ...":
            # an earlier analysis, named by its run, energy or year, and a verb in the past
            rf"|^\W*(?:the|an?)\s+(?:{_EARLIER})\s+(?:[\w-]+\s+){{0,2}}?{_STUDY}\s+(?:[\w-]+\s+)?"
            r"(?:used|required|applied|imposed|selected|demanded|had|relied)\b"
            r"|\balternative\s+(?:[\w-]+\s+)?(?:selections?|requirements?|cuts?|thresholds?)\b"
            r"|\b(?:was|were)\s+(?:also\s+)?(?:studied|investigated|tested|tried)\b"
            r"|\bcross-?\s?checks?\b|\btypical(?:ly)?\b",
            re.I,
        ),
    ),
    ("signature", re.compile(r"\bresulting in\b|\bsignatures?\b|\bdecays? (?:in)?to\b", re.I)),
    (
        # "Photons with E_T > 25 GeV are used to compute the isolation", "jets entering the
        # calculation of the missing transverse momentum": inputs of a computed quantity
        "input",
        re.compile(
            # ("are used only in the computation of E_T^miss")
            r"\b(?:used|considered|included)\s+(?:(?:only|solely|exclusively)\s+)?"
            r"(?:to\s+(?:compute|calculate|determine|build)"
            r"|in\s+the\s+(?:computation|calculation|determination)\s+of|for\s+the\s+"
            r"(?:computation|calculation)\s+of)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:isolation"
            r"|missing\s+transverse|E_?T\^?miss|p_?T\^?miss|MET\b)"
            r"|\bent(?:er|ers|ering)\s+(?:only\s+)?(?:into\s+)?the\s+(?:computation|calculation|sum|reconstruction"
            r"|definition)\s+of\s+(?:the\s+)?"
            r"(?:[\w-]+\s+){0,2}?(?:isolation|missing\s+transverse|E_?T\^?miss|p_?T\^?miss|MET\b)"
            # inputs of a reconstruction or correction: "photons with E_T > 2 GeV ... are added
            # to its four-momentum", "are used to correct the muon momentum", "tracks with pT > 1
            # GeV are used to reconstruct the secondary vertex", "are included in the isolation
            # sum", "are clustered into track jets", "are used to seed ..."
            # (objects "used to reconstruct the top-quark candidates" or "to form the Higgs
            # candidate" are selected ones: not inputs)
            r"|\b(?:are|is)\s+(?:then\s+|also\s+)?(?:used\s+(?:to\s+(?:correct|seed|recover"
            r"|refine)|to\s+reconstruct\s+the\s+(?:[\w-]+\s+)?(?:vertex|vertices)|as\s+(?:seeds?"
            r"|inputs?))\b|added\s+to\s+(?:its|their|the)\s+(?:[\w-]+\s+){0,2}?(?:four-?momentum"
            r"|momentum|energy)|included\s+in\s+the\s+(?:[\w-]+\s+){0,2}?isolation(?:\s+sum)?"
            r"|clustered\s+into)"
            # "Wide jets are formed by combining the two leading jets with all jets within Delta R <
            # 1.1": how an object is built, not a selection
            r"|\b(?:formed|built|constructed|obtained)\s+by\s+(?:combining|merging|adding|clustering)\b"
            # "... computed as the negative vector sum of ..., including a soft term from tracks"
            r"|\bsoft\s+term\b|\b(?:computed|calculated|defined)\s+as\s+the\s+(?:negative\s+)?"
            r"(?:vector(?:ial)?\s+)?sum\b",
            re.I,
        ),
    ),
    (
        "cone",
        re.compile(
            r"\bcones?\b|\bisolation\b(?:[^.;]|\.(?=\d)){0,40}Delta ?R"
            r"|Delta ?R\s*\([^)]*(?:deposit|track|cluster)",
            re.I,
        ),
    ),
    (
        "overlap",
        re.compile(
            # (not "After overlap removal, events are required to ...": when the cuts apply)
            r"(?<!after )(?<!following )(?<!after the )(?<!following the )overlap(?:ping)?[- ]"
            r"(?:removal|objects?)|\bambiguit|\bclosest\b[^.;]{0,30}\bremoved"
            r"|Delta ?R\s*\(\s*\w+\s*,\s*\w+\s*\)(?:[^.;]|\.(?=\d)){0,160}\b(?:removed|discarded"
            r"|rejected)",
            re.I,
        ),
    ),
    (
        # "A second jet with pT > 30 GeV is permitted only if |Delta eta| < 1.3", "an additional
        # b-jet may be present provided ...": an optional object and when it may be there
        "permitted",
        re.compile(
            # (an object beyond the required ones; not "Events are accepted only if ...": the
            # requirement itself)
            r"\b(?:additional|second|third|extra|further|another)\s+(?:[^,;]|\.\d){0,60}?"
            r"(?:(?:is|are)\s+(?:also\s+)?(?:permitted|allowed|tolerated)|may\s+(?:also\s+)?be\s+"
            r"present)\s+(?:only\s+)?(?:if|provided|when|as\s+long\s+as)\b",
            re.I,
        ),
    ),
]
# the signal selection named again: "In the signal region, ...", "the search sample"
_SIGNAL_AGAIN = re.compile(
    r"\b(?:signal|search)\s+(?:regions?|selections?|samples?|bins?)\b|\bSRs?\b|\bbaseline\b"
    r"|\bpreselection\b",
    re.IGNORECASE,
)


def control_context(context: str, sentence: str) -> bool:
    """Whether the paragraph before ``sentence`` (``context``) is defining a control, validation or
    enriched sample that the sentence goes on describing: a control sample is named there, and
    neither the rest of the paragraph nor the sentence returns to the signal selection."""
    hits = list(CONTROL.finditer(context))
    if not hits:
        return False
    return not (_SIGNAL_AGAIN.search(context[hits[-1].end() :]) or _SIGNAL_AGAIN.search(sentence))


# a comparison in such a span selects which objects another statement applies to
_CONDITION_START = re.compile(
    # (not "a minimum of three jets with": a count of the objects with ...)
    # (not "a pair of jets with m_jj > 500 GeV": the pair the events must contain)
    r"(?<!number )(?<!multiplicity )(?<!numbers )(?<!minimum )(?<!maximum )(?<!total )(?<!pair )"
    r"(?<!pairs )(?<!up )"  # (not "up to three jets with": a count of them)
    r"\b(?:for|to|on|of)\s+(?:all\s+|the\s+|those\s+"
    r"|any\s+)?(?:[\w-]+\s+){0,2}?(?:with|having|that have|whose)\b|\b(?:if|when|whenever|unless"
    r"|provided(?: that)?|in case)\b|\bfor\s+(?=p_?T|\|?eta|E_?T|m_?\w*\s*[<>])|\bonly (?:for|to"
    # "alpha_T must exceed 0.52 in events with H_T below 800 GeV"; "except in the forward region
    # (|eta| > 2.5), where ..."
    r"|in)\b|\bin\s+(?:the\s+|those\s+|all\s+)?events?\s+(?:with|having|that\s+have|where|in\s+which)\b"
    r"|\bexcept\s+(?:in|for)\b|^\s*in (?:\w+\s+){0,3}?(?:with|having)\b"
    # "Delta phi(jet_i, MET) > 0.4 for up to four jets with pT > 30 GeV": the jets it is of
    r"|\bfor\s+up\s+to\s+(?:[\w-]+\s+){1,3}?(?:with|having)\b",
    re.IGNORECASE,
)
_REGION_BRACKET = re.compile(
    r"\b(?:in|within)\s+the\s+(?:barrel|end-?caps?|forward|central|transition|crack|overlap)"
    r"(?:\s+(?:region|part|calorimeter|detector))?\s*\((?=[^()]{0,40}[<>\u2264\u2265])",
    re.IGNORECASE,
)
_STATES_CUT_BEFORE = re.compile(
    r"\b(?:selected|accepted|kept|retained|rejected|vetoed|discarded|removed|considered|used"
    r"|required)\s+(?:only\s+)?$"
    rf"|{P.DEFINED_AS}\s+(?:only\s+)?$",
    re.IGNORECASE,
)
# "events are rejected if A, or if B": the second if-clause continues the first
_OR_IF_AFTER_CUT = re.compile(
    r"\b(?:selected|accepted|kept|retained|rejected|vetoed|discarded|excluded|required)\s+"
    r"(?:only\s+)?(?:if|when)\b[^;]*\bor\s+$",
    re.IGNORECASE,
)
_CONDITION_END = re.compile(r"[,;:]|\b(?:is|are|must|be|was|were|should|has|have|require[sd]?)\b")
# (a minus between operands; not a bullet's dash: "- E_T^miss > 300 GeV;")
_SUM_BEFORE = re.compile(r"(?:[+*]|(?<=[\w)}\]^])\s+-\s)\s*[^\s<>=+*]{1,24}\s*$")


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    kinds: frozenset[str]
    rejects: bool


@dataclass
class Reading:
    """What one sentence says, read once."""

    raw: str
    text: str  # prepared: ASCII, sub/superscripts joined
    clauses: list[Clause] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    objects: list[tuple[int, str]] = field(default_factory=list)  # (offset, kind)
    conditions: list[tuple[int, int]] = field(default_factory=list)  # condition spans
    context_objects: list[str] = field(default_factory=list)  # objects named before the sentence
    context_tail: str = ""  # the sentence before, in the same paragraph
    context_control: bool = False  # the paragraph before the sentence defines a control sample
    context_category: bool = False  # the paragraph before the sentence speaks of event categories

    def clause_at(self, position: int) -> Clause:
        for clause in self.clauses:
            if clause.start <= position < clause.end:
                return clause
        return self.clauses[-1]

    def in_condition(self, position: int) -> bool:
        return any(a <= position < b for a, b in self.conditions)

    def compound_before(self, position: int) -> bool:
        """'m_T^W + MET > 60': the number is compared with a sum, not with the last quantity
        named."""
        left = self.text[max(0, position - 40) : position]
        return bool(_SUM_BEFORE.search(left))

    def objects_in(self, start: int, end: int) -> list[str]:
        return [kind for pos, kind in self.objects if start <= pos < end]


_SENTENCE_WIDE = {
    "histogram",
    "categories",
}  # "we define two bins in MET: 125 < MET < 200 GeV and ...": the whole sentence


def _clauses(text: str) -> list[Clause]:
    cuts = [0] + [m.start() for m in _BOUNDARY.finditer(text)] + [len(text)]
    spans = [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    wide = frozenset(name for name, regex in KINDS if name in _SENTENCE_WIDE and regex.search(text))
    out: list[Clause] = []
    for a, b in spans or [(0, len(text))]:
        piece = text[a:b]
        kinds = wide | frozenset(name for name, regex in KINDS if regex.search(piece))
        if _OF_ANOTHER_PAPER.search(text[:a]) and re.match(
            r"\W*(?:where|which|events\s+were)\b", piece
        ):
            kinds |= {"elsewhere"}  # "Compared to Ref. [5], where E_T^miss > 400 GeV was required"
        reason = _TRIGGER_AS_REASON.search(piece) if "trigger" in kinds else None
        if reason is not None:
            kinds -= {"trigger"}  # "..., to ensure the trigger is fully efficient"
            rest = piece[: reason.start()] + piece[reason.end() :]
            if not _EFFICIENCY.search(rest):
                # ("to match the acceptance of the single-muon trigger": the reason's words only)
                kinds -= {"efficiency"}
        if out and _RELATIVE_TO_REGION.match(piece):
            # "... normalised in a region where exactly one muon ...", "... except SR-1b, where
            # exactly one b-jet is required": the region the clause before names (not "...,
            # except in the dimuon channel where ...": the coverage check reads the exception)
            inherited = {"control"}
            if _EXCEPT_REGION.search(text, out[-1].start, a):
                inherited.add("category")
            kinds |= out[-1].kinds & inherited
        requiring = _REQUIRING.search(text, out[-1].start, a) if out else None
        if requiring is not None and _CONTINUED_OBJECT.match(piece):
            # "efficiencies are measured with ..., requiring the tag muon to have pT > 30 GeV and
            # the pair mass to be within 10 GeV of the Z mass": the second object of one
            # "requiring" is the sample's too (the kind named before "requiring", not in what
            # it requires: "requiring two jets b-tagged at the 77% efficiency working point")
            sample = text[out[-1].start : requiring.start()]
            kinds |= {
                name
                for name, regex in KINDS
                if name in ("efficiency", "control", "calibration", "trigger")
                and regex.search(sample)
            }
        rejects = bool(REJECT.search(_BY_REQUIREMENT.sub(" ", piece)))
        # ("Events that do not satisfy X are discarded" keeps X)
        rejects = rejects and not P.NEGATED_REJECTED.search(piece)
        out.append(Clause(a, b, kinds, rejects))
    return out


# the clause after names another paper's selection: "Compared to Ref. [5], where ...", "In Ref.
# [12], events were required ..."
_OF_ANOTHER_PAPER = re.compile(
    r"(?:^\W*In|\b(?:compared\s+(?:to|with)|unlike|as\s+opposed\s+to|in\s+contrast\s+to))\s+"
    rf"(?:Refs?\.?\s*\[[^\]]*\]|the\s+(?:{_EARLIER}|[A-Z]+)\s+(?:[\w-]+\s+){{0,2}}?{_STUDY}"
    r"(?:\s+\[[^\]]*\])?)\s*,?\s*$",
    re.IGNORECASE,
)
# a trigger named as the reason of an offline cut
_TRIGGER_AS_REASON = re.compile(
    r"\b(?:to\s+ensure|so\s+that|such\s+that|where|in\s+order\s+for)\s+the\s+(?:[\w-]+\s+)?"
    r"trigger|\btrigger\s+(?:is\s+|becomes\s+)?(?:fully\s+)?efficient|\btrigger\s+plateau"
    # "... within |eta| < 2.1 to match the acceptance of the single-muon trigger", "... above the
    # trigger turn-on", "(because of|due to) the trigger"
    r"|\bto\s+(?:match|be\s+within|stay\s+within|lie\s+within)\s+the\s+(?:acceptance|coverage"
    r"|plateau|range)\s+of\s+the\s+(?:[\w-]+\s+){0,3}?trigger|\b(?:because\s+of|due\s+to|owing\s+to)"
    r"\s+the\s+(?:[\w-]+\s+){0,2}?trigger|\b(?:above|beyond)\s+the\s+(?:[\w.-]+\s+){0,4}?trigger\s+"
    r"(?:turn-?on|thresholds?|plateau)",
    re.IGNORECASE,
)
_EFFICIENCY = dict(KINDS)["efficiency"]
_EXCEPT_REGION = re.compile(
    rf"\bexcept\s+(?:for\s+)?(?:the\s+)?(?:signal\s+regions?\s+)?{SR_NAME}\W*$"
)
_REQUIRING = re.compile(r"\brequiring\b", re.IGNORECASE)
_CONTINUED_OBJECT = re.compile(
    r"^\W*and\s+(?:(?:the|a|an|its|their)\s+)?(?:[\w-]+\s+){0,3}?to\s+(?:be|have|satisfy|pass)\b",
    re.IGNORECASE,
)
# a clause continuing the region or sample the clause before named
_RELATIVE_TO_REGION = re.compile(r"^\W*(?:where|in\s+which|for\s+which|whose)\b", re.IGNORECASE)


def _conditions(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _CONDITION_START.finditer(text):
        if (
            _STATES_CUT_BEFORE.search(text[: match.start()])
            or _OR_IF_AFTER_CUT.search(text[: match.start()])
        ) and match.group(0).lower().startswith(("if", "when")):
            # "events are selected if they contain ...": the if-clause is the requirement itself
            continue
        if re.search(
            r"\bevents?\s+(?:with|having|that have|whose)$", match.group(0), re.IGNORECASE
        ) and not re.match(r"for\b", match.group(0), re.IGNORECASE):
            # "a sample of events with ...": what the events must have, not a condition ("For
            # events with H_T > 1000 GeV, the requirement is relaxed ...", "H_T > 300 GeV is
            # required for events with N_jets >= 4" are)
            continue
        there = re.match(
            # ("when the muon has |eta| > 1.2, ...": the object's own verb is in the condition)
            r"\s*(?:there|they|it|events?|the event|the\s+[\w-]+)\s+(?:are|is|exist|have|has"
            r"|contain\w*)\b",
            text[match.end() :],
        )
        end = _CONDITION_END.search(text, match.end() + (there.end() if there else 0))
        if match.group(0).lower().startswith("except"):
            # "except in the forward region (|eta| > 2.5), where p_T > 50 GeV is required": the
            # exception and what holds there, to the end of the clause
            end = re.compile(r"[;]").search(text, match.end())
        spans.append((match.start(), end.start() if end else len(text)))
    # "electrons in the barrel (|eta| < 1.479) must have ...", "For electrons in the endcap (|eta|
    # > 1.479), the isolation must ...": the bracket defines the part of the detector another
    # requirement is for
    for match in _REGION_BRACKET.finditer(text):
        close = text.find(")", match.end())
        # (in an opening for-clause, "For electrons in the endcap (|eta| > 1.479), the isolation
        # must ...": the objects a later requirement is for; not "photons in the barrel (|eta| <
        # 1.44) are required to have pT > 175 GeV" nor "electrons must be in the central region
        # (|eta| < 1.4)", where the region is required too)
        if (
            close != -1
            and P.OBJECT_RE.search(text[max(0, match.start() - 25) : match.start()])
            and re.match(r"\W*for\b", text, re.IGNORECASE)
        ):
            spans.append((match.start(), close + 1))
    return spans + subject_conditions(text)


# "all jets with pT > 100 GeV must fulfill dphi > 0.3": the with-phrase picks the objects a later
# requirement applies to; it is a condition when the predicate states a comparison of its own
WITH_SUBJECT = re.compile(
    r"\b(?:all|any|each|every|those|the)?\s*\w+\s+with\b(?P<body>[^,;]{1,80}?)"
    r"\b(?P<verb>must|(?:is\s+|are\s+)?(?:additionally\s+|also\s+|further\s+)?required|should"
    r"|has to|have to)\b(?P<rest>[^;]*)"
)


# "events with fewer than four jets must have H_T > 500 GeV": a count picks the events too
_COUNT_WORDS = (
    r"\b(?:fewer|more|less)\s+than\b|\bat\s+(?:least|most)\b|\bexactly\b|\bno\s+(?:more\s+than\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:jets?|leptons?|electrons?|muons?|photons?|taus?)\b"
    # "events with two same-flavour leptons must also have ...": a number or a flavour picks them
    r"|\b(?:one|two|three|four|[1-4])\s+(?:[\w-]+\s+){0,2}?(?:jets?|leptons?|electrons?|muons?"
    r"|photons?|taus?)\b|\bsame[- ]flavou?r\b|\bopposite[- ](?:sign|charge)\b|\bsame[- ]sign\b"
)


def subject_conditions(text: str) -> list[tuple[int, int]]:
    """Spans of with-phrases picking the objects a later requirement is for."""
    out = []
    for match in WITH_SUBJECT.finditer(text):
        if (
            _NAMED_REQUIREMENT.match(match.group("rest"))
            and _PT_UP_TO.search(match.group("body"))
            and P.OBJECT_RE.search(text, match.start(), match.start("body"))
        ):
            # "Jets with pT between 20 and 60 GeV must pass the JVT requirement": the range picks
            # the jets a named requirement is for (a lower pT bound alone may define the jets)
            out.append((match.start("body"), match.start("verb")))
            continue
        if (
            re.search(
                r"[<>]|\b(?:greater|larger|less|smaller|above|below|exceed)",
                match.group("rest")[:80],
            )
            and re.search(
                r"[<>]|\b(?:above|below|between|exceeding|in\s+the\s+range)\b|" + _COUNT_WORDS,
                match.group("body"),
            )
            and not _ACCEPTANCE_OF_DEFINED.match(match.group(0))
        ):
            out.append((match.start("body"), match.start("verb")))
    return out


# an upper pT bound or a pT range ("pT < 60 GeV", "20 < pT < 60 GeV", "pT between 20 and 60 GeV")
_PT_UP_TO = re.compile(
    r"\b(?:p_?T|E_?T|transverse\s+(?:momentum|energy))\s*(?:<|below|less\s+than|smaller\s+than"
    r"|between|in\s+the\s+range|of\s+at\s+most)|\d\s*<\s*(?:p_?T|E_?T)\s*<",
    re.IGNORECASE,
)
# a requirement named, not stated as a comparison: "must pass the JVT requirement", "are required to
# satisfy the tight identification criteria", "must be b-tagged"
_NAMED_REQUIREMENT = re.compile(
    r"\s*(?:additionally\s+|also\s+|further\s+)?(?:to\s+)?(?:pass|satisfy|fulfil+|meet)\b"
    r"(?:\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:requirements?|criteria|criterion|working\s+point|tagger|selection|cut|discriminant|veto)\b)?"
    # (a pile-up tagger's: not "must satisfy the tight identification criteria", whose range
    # defines the objects)
    r"(?=[^<>]*\b(?:JVT|fJVT|jet[- ]vertex[- ]tag\w*|pile-?up|PU)\b)[^<>]*$",
    re.IGNORECASE,
)
# objects defined by a pT lower bound, with their acceptance after it: "Jets with pT > 30 GeV are
# required to have |eta| < 2.4" (both define the jets; not "jets with pT < 60 GeV must ...", "jets
# with pT > 30 GeV must pass the JVT requirement": a subset, another requirement)
_ACCEPTANCE_OF_DEFINED = re.compile(
    rf"\s*(?:all\s+|the\s+)?(?:{P.OBJECT_RE.pattern})\s+with\s+(?:a\s+)?(?:p_?T|E_?T|transverse\s+"
    rf"(?:momentum|energy))\s*(?:>=?|above|greater\s+than|exceeding|of\s+at\s+least)\s*{P.NUM}\s*"
    r"(?:[kMGT]?eV)?\s+(?:is\s+|are\s+)?(?:also\s+)?(?:required\s+to\s+(?:have|be|lie|satisfy)|must"
    r"\s+(?:have|be|lie|satisfy))\s+(?:within\s+|in\s+)?(?:the\s+(?:region|range)\s+)?\|?\s*eta\s*\|?\s*"
    r"(?:<|below|less|smaller)",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def read(sentence: str) -> Reading:
    """The reading of ``sentence`` (cached: every rule and the support check share it)."""
    text = P.prepare(sentence)
    return Reading(
        raw=sentence,
        text=text,
        clauses=_clauses(text),
        comparisons=comparisons(text),
        objects=[(m.start(), P.object_of(m)) for m in P.OBJECT_RE.finditer(text)],
        conditions=_conditions(text),
    )

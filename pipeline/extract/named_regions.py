"""Requirements of named signal regions and categories, read as the cuts of those regions.

"SR-low requires E_T^miss > 200 GeV and SR-high requires E_T^miss > 350 GeV", "The ggF category
requires exactly one jet, and the VBF category requires m_jj > 600 GeV", "In the boosted category,
a large-R jet with pT > 250 GeV is required", "SRC additionally requires E_T^miss > 400 GeV": each
requirement is one region's (a region of the list: extra cuts on top of the common selection), not
the whole selection's. The sentence is split at each region named as the subject of a requirement;
each part is then read as a sentence of its own ("Events must have E_T^miss > 200 GeV.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.patterns import NUM, UNIT
from pipeline.extract.reading import FLAVOURS, ONE_FLAVOUR, SR_NAME

# a category named by a multiplicity ("the N_jet = 0 category", "the N_b >= 2 region")
_MULTIPLICITY = r"N_\{?\w+\}?\s*(?:=|>=|<=|>|<)\s*\d+"
_NAME = (
    rf"(?P<sr>{SR_NAME}|(?-i:[CV]R(?:[-_][A-Za-z0-9]+|[A-Z0-9][A-Za-z0-9]*)))(?![\w-])"
    r"(?:\s+(?:signal\s+|control\s+|validation\s+)?region)?"
    # (one flavour's channel too: "In the electron channel, ..." is a channel of a one-lepton
    # search; two flavours' named together are not, see _name_of)
    rf"|(?P<word>{_MULTIPLICITY}|[\w+-]+(?:\s+(?:and|or)\s+[\w+-]+|\s+[\w+-]+)?)\s+"
    r"(?P<noun>categor(?:y|ies)|signal\s+regions?|channels?|regimes?|topolog(?:y|ies)|final\s+states?"
    r"|selections?)\b"
    # a bare "region" after a label ("the 3l-Z-1b4j region", "the N_jet >= 2 region"), not after
    # a word ("the barrel region", "the control region": a detector part, a region of another kind)
    rf"|(?P<label>{_MULTIPLICITY}|[\w+]*(?:\d|[\w+]-[\w+])[\w+-]*)\s+(?P<bare>region)\b"
    # a name given after "signal region" ("Signal region Gtt-1L-B requires ...")
    r"|(?<=region\s)(?P<given>(?-i:[A-Z])[\w+]*(?:-[\w+]+)*)(?![\w-])"
)
# a region as the subject of a requirement ("SR-low requires", "the VBF category must have",
# "while SR-high additionally requires") or opening a clause ("In the boosted category, ...")
# (a bare "and" opens a subject only before a region's name: "SR-low requires ... and SR-high
# requires ...", not "The ggF and VBF categories require ...")
_OPENING = (
    r"(?:^|(?<=[,;:])|(?<=[,;:])\s*(?:and|while|whereas|but)\b|\b(?:while|whereas)\b"
    rf"|\band\b(?=\s+(?:the\s+)?{SR_NAME})"
    # ("The electron channel requires MET > 30 GeV and the muon channel requires ...")
    r"|\band\b(?=\s+the\s+[\w+-]+(?:\s+[\w+-]+)?\s+(?:categor(?:y|ies)|channels?|regimes?"
    r"|signal\s+regions?|selections?)\s+(?:(?:further|additionally|also|then)\s+)?"
    r"(?:requires?|needs?|demands|must)\b))\s*"
)
_SUBJECTS = [
    re.compile(
        # ("the signal region SR-3b requires": the kind of region before its name)
        # ("region HM further demands": a bare "region" before its name too)
        rf"{_OPENING}(?:the\s+)?(?:(?:(?:signal|control|validation|search)\s+)?region\s+(?=[A-Z]))?"
        rf"(?:{_NAME})\s*,?\s+(?:(?:further|additionally|also|then)\s+)?"
        r"(?P<verb>requires?|needs?|selects|demands|must\s+(?:have|satisfy|contain)|is\s+defined\s+"
        r"(?:by|with)|has\s+to\s+have)\b",
        re.IGNORECASE,
    ),
    # (the comma may be left out: "..., and in the low-mass region m_ll < 200 GeV")
    re.compile(
        rf"{_OPENING}\b(?:in|for)\s+the\s+(?:{_NAME})(?:\s*,|\s+(?!(?:is|are)\b))", re.IGNORECASE
    ),
    # "In ee and mumu events, the MET significance must ...": the events of some flavours
    re.compile(
        rf"{_OPENING}\b(?:in|for)\s+(?:the\s+)?(?P<flav>{FLAVOURS}(?:\s+(?:and|or)\s+{FLAVOURS})?)"
        r"\s+events(?:\s*,|\s+(?!(?:is|are|with|have|has|must)\b))",
        re.IGNORECASE,
    ),
    # "Two signal regions are defined: SR-3b, with at least six jets ..., and SR-2b, with ...":
    # a region named with its requirements in apposition
    # (in a list, not opening the sentence: "SR-A, with MET > 300 GeV, is the tightest region")
    re.compile(
        rf"{_OPENING}(?:the\s+)?(?:(?:signal|control|validation)\s+region\s+)?"
        rf"(?P<sr>{SR_NAME}|(?-i:[CV]R(?:[-_][A-Za-z0-9]+|[A-Z0-9][A-Za-z0-9]*)))(?![\w-])"
        r"\s*[,:(]?\s*(?P<appos>with|requiring|demanding|which\s+requires?|defined\s+by)\b",
        re.IGNORECASE,
    ),
    # "Events in the high-pT category are required to have ..."
    re.compile(
        rf"{_OPENING}events?\s+in\s+the\s+(?:{_NAME})\s+(?P<verb>(?:are|is)\s+(?:also\s+|further\s+)?"
        r"required\s+to\s+(?:have|satisfy|contain)|must\s+(?:have|satisfy|contain)|needs?)\b",
        re.IGNORECASE,
    ),
]
# words that name no region ("the signal region", "each category", "all channels")
_NOT_A_NAME = {
    "the", "this", "that", "each", "every", "all", "both", "any", "our", "its", "a", "an", "one",
    "same", "other", "given", "single", "signal", "event", "search", "analysis", "common",
    "inclusive", "baseline", "final", "corresponding", "respective", "relevant", "latter",
    "former", "following", "previous", "dedicated", "last", "first", "second", "third",
    # (a conjunction before "the signal region" names none: "..., while the signal region ...")
    "while", "whereas", "and", "but",
    # (a generic word names no region: "the targeted final state", "the different topologies")
    "targeted", "considered", "studied", "chosen", "analysed", "analyzed", "investigated",
    "different", "various", "two", "three", "several",
}  # fmt: skip


# a requirement before the first region's ("Events with two opposite-sign leptons are selected;
# in the same-flavour channels, ...")
_COMMON_REQUIREMENT = r"\d|\b(?:at least|exactly|no|one|two|three|four|five|six|single|a pair)\b"


# what a "selection" names that is no region: an object's, a stage's
_OBJECT_STAGE_WORDS = (
    r"trigger|offline|online|object|event|kinematic|pre|photon|electron|muon|lepton|jet|tau|track"
    r"|b-?jet|vertex|identification|isolation"
)
_OBJECT_OR_STAGE = re.compile(rf"\b(?:{_OBJECT_STAGE_WORDS})s?\b", re.IGNORECASE)


@dataclass(frozen=True)
class RegionPart:
    """One region's requirement, as a sentence of its own."""

    name: str  # "sr_low", "vbf_category"
    sentence: str  # "Events must have E_T^miss > 200 GeV."


def split(sentence: str) -> list[RegionPart]:
    """The named regions' requirements of a prepared sentence (empty when it names none as the
    subject of a requirement)."""
    subjects = sorted(
        (
            m
            for pattern in _SUBJECTS
            for m in pattern.finditer(sentence)
            if (_name_of(m) is not None or _the_signal_region(m))
        ),
        key=lambda m: m.start(),
    )
    appositions = [m for m in subjects if m.groupdict().get("appos")]
    if len(appositions) == 1:
        # (regions listed with their requirements in apposition are two or more: not "SR-A,
        # with MET > 300 GeV, is the tightest region; all events must ...")
        subjects = [m for m in subjects if m is not appositions[0]]
    plural = [
        m
        for m in subjects
        if re.search(r"regions$", m.groupdict().get("noun") or "", re.I)
        and m.groupdict().get("verb")
    ]
    if len(plural) == 1 and len(subjects) == 1:
        # ("The two-lepton signal regions require ...": the subject may be the whole analysis's
        # regions, and per-region values after it are read as such; "In the soft-lepton signal
        # regions, ..." scopes what follows)
        subjects = []
    if not subjects:
        return _paired_regions(sentence) or _trailing_region(sentence)
    if all(_name_of(m) is None for m in subjects):
        return []
    selections = [
        m for m in subjects if (m.groupdict().get("noun") or "").lower().startswith("sel")
    ]
    if selections and (
        len(subjects) < 2
        or any(_OBJECT_OR_STAGE.fullmatch(m.group("word") or "") for m in selections)
    ):
        # ("The offline selection requires ...": one selection is the selection; "the photon
        # selection requires E_T > 25 GeV and the electron selection ...": objects' definitions)
        return []
    if any(
        re.search(r"\s(?:and|or)\s", m.groupdict().get("word") or "")
        and re.search(
            r"\brespectively\b|\bor\b(?!\s+(?:more|fewer|less)\b)",
            sentence[m.end() : subjects[i + 1].start() if i + 1 < len(subjects) else None],
        )
        for i, m in enumerate(subjects)
    ):
        # "The 2-jet and 3-jet categories require exactly two and exactly three jets,
        # respectively": one value each, not both regions' (the reading checks it as categories)
        return []
    parts = []
    lead = sentence[: subjects[0].start()].strip(" ,;:") if subjects else ""
    if re.search(_COMMON_REQUIREMENT, lead, re.IGNORECASE) and not re.search(r":\s*$", lead):
        # "Events are required to have at least one lepton, and the VBF category requires ...":
        # the common requirement before the first region's, as a part of no region
        lead = re.sub(r"(?:,?\s*(?:and|while|whereas|but))$", "", lead).strip(" ,;")
        parts.append(RegionPart("", f"{_capitalised(lead)}."))
    for index, match in enumerate(subjects):
        end = subjects[index + 1].start() if index + 1 < len(subjects) else len(sentence)
        text = sentence[match.end() : end].strip(" ,;:.")
        text = re.sub(r"(?:,?\s*(?:and|while|whereas|but))$", "", text).strip(" ,;")
        if not text:
            continue
        if match.groupdict().get("appos"):
            # (the apposition ends at a clause: "..., is the tightest; all events must ...")
            text = re.split(r";|,\s*(?:is|are|which|while|whereas)\b", text)[0].strip(" ,")
        if match.groupdict().get("verb") or match.groupdict().get("appos"):
            text = f"Events must have {text}"
        name = _name_of(match) or ""
        groups = match.groupdict()
        multiplicity = re.match(_MULTIPLICITY, groups.get("word") or groups.get("label") or "")
        if multiplicity and name:  # the category's own requirement ("the N_jet = 0 category")
            parts.append(RegionPart(name, f"Events must have {multiplicity.group(0)}."))
        parts.append(RegionPart(name, f"{_capitalised(text)}."))
    return parts


# a region named at the end of the requirement: "Events are required to have E_T^miss/m_eff >
# 0.2 and m_eff > 1.4 TeV in SR4j."
_TRAILING = re.compile(
    rf"\s*,?\s+(?:in|for)\s+(?:the\s+)?(?:signal\s+region\s+)?(?P<sr>{SR_NAME})\s*\.?\s*$"
)


_COMPARED_TO_REGION = re.compile(
    r"\b(?:than|compared|relative|relaxed|tightened|orthogonal|instead|unlike|i\.e\.|as\s+in"
    r"|below\s+the|above\s+the|with\s+respect|region|regions)\b",
    re.IGNORECASE,
)


def _trailing_region(sentence: str) -> list[RegionPart]:
    trailing = _TRAILING.search(sentence)
    if (
        trailing is None
        or re.search(SR_NAME, sentence[: trailing.start()])
        or _COMPARED_TO_REGION.search(sentence[: trailing.start()])
    ):
        # (one region named at the end only, of the whole requirement: not "SR-A requires ...,
        # as in SR-B", "a looser requirement than the m_T2 > 160 GeV applied in SR-A")
        return []
    text = sentence[: trailing.start()].strip(" ,;:.")
    name = _identifier(trailing.group("sr"))
    return [RegionPart(name, f"{_capitalised(text)}.")] if name and text else []


# two regions named at the end, the second in brackets, for values given the same way:
# "E_T^miss must exceed 210 (330) GeV in SR-low (SR-high)", "... in the low-mass (high-mass) region"
_REGION_WORD = r"[\w+]*(?:\d|[\w+]-[\w+])[\w+-]*"
_PAIRED_TRAILING = re.compile(
    rf"\s*,?\s+(?:in|for)\s+(?:the\s+)?(?:(?P<sr1>{SR_NAME})\s*\(\s*(?P<sr2>{SR_NAME})\s*\)"
    rf"|(?P<w1>{_REGION_WORD})\s*\(\s*(?P<w2>{_REGION_WORD})\s*\)\s+(?P<noun>regions?|categor(?:y|ies)"
    r"|channels?|selections?))\s*\.?\s*$",
    re.IGNORECASE,
)
_VALUE_AND_ALTERNATIVE = re.compile(
    rf"(?P<v>{NUM})(?P<unit>\s*{UNIT})?\s*\(\s*(?P<alt>{NUM})(?:\s*{UNIT})?\s*\)"
)
# another pairing in brackets ("for the leading (subleading) tau"): the values are not the regions'
_WORDS_IN_BRACKETS = re.compile(r"\(\s*[A-Za-z]")


def _paired_regions(sentence: str) -> list[RegionPart]:
    """'E_T^miss must exceed 210 (330) GeV in SR-low (SR-high)': the values outside the brackets
    are the first region's, those inside the second's."""
    paired = _PAIRED_TRAILING.search(sentence)
    text = sentence[: paired.start()].strip(" ,;:.") if paired else ""
    if (
        paired is None
        or not _VALUE_AND_ALTERNATIVE.search(text)
        or re.search(SR_NAME, text)
        or _WORDS_IN_BRACKETS.search(text)
        # (every bracketed number one region's: not "95 (60) GeV" left beside them)
        or "(" in _VALUE_AND_ALTERNATIVE.sub("", text)
    ):
        return []
    if paired.group("sr1"):
        names = [_identifier(paired.group("sr1")), _identifier(paired.group("sr2"))]
    else:
        noun = paired.group("noun").lower().rstrip("s").replace("categorie", "category")
        names = [_identifier(f"{paired.group(w)} {noun}") for w in ("w1", "w2")]
    parts = []
    value_at = _VALUE_AND_ALTERNATIVE.search(text)
    start = value_at.start() if value_at else 0
    clause_at = max(text.rfind(",", 0, start), text.rfind(";", 0, start))
    if clause_at >= 0:
        # ("Jets must have pT > 30 GeV, and events must have MET > 200 (300) GeV in SR-low
        # (SR-high)": the clause before is the common selection's)
        lead, text = text[:clause_at].strip(" ,;"), text[clause_at + 1 :]
        text = re.sub(r"^\s*(?:and|while|whereas|but)\b", "", text).strip(" ,")
        parts.append(RegionPart("", f"{_capitalised(lead)}."))
    first = _VALUE_AND_ALTERNATIVE.sub(lambda m: m.group("v") + (m.group("unit") or ""), text)
    second = _VALUE_AND_ALTERNATIVE.sub(lambda m: m.group("alt") + (m.group("unit") or ""), text)
    return parts + [
        RegionPart(name, f"{_capitalised(part)}.")
        for name, part in zip(names, (first, second), strict=True)
        if name
    ]


def _capitalised(text: str) -> str:
    """A part as a sentence: its first word capitalised, not a symbol ('pT^ll > 30 GeV ...')."""
    return f"{text[0].upper()}{text[1:]}" if re.match(r"[a-z]+\b", text) else text


def _the_signal_region(match: re.Match[str]) -> bool:
    """'..., while the signal region requires m_T > 150 GeV' after a named region's requirement:
    the signal selection's own (a part of no region), which ends the named region's part."""
    return (
        not match.group("sr")
        and match.groupdict().get("noun") is not None
        and match.group("noun").lower().startswith("signal")
        and all(w.lower() in _NOT_A_NAME for w in match.group("word").split())
    )


def _name_of(match: re.Match[str]) -> str | None:
    """The region's name as an identifier ('SR-low' -> 'sr_low'), None for a word naming none."""
    groups = match.groupdict()
    if groups.get("flav"):
        return _identifier(f"{groups['flav']} events")
    if match.group("sr"):
        raw = match.group("sr")
    elif match.group("given"):
        raw = match.group("given")
    elif match.group("label"):
        raw = f"{match.group('label')} region"
    else:
        words = match.group("word").split()
        while words and words[0].lower() in _NOT_A_NAME:
            words = words[1:]
        if not words or (
            len(words) > 1
            and all(
                re.fullmatch(ONE_FLAVOUR, w, re.IGNORECASE) or w.lower() in ("and", "or")
                for w in words
            )
        ):
            # (nor one flavour's channels named together: "In the electron and muon channels,
            # ..." of a one-lepton search is its whole selection)
            return None
        noun = match.group("noun").lower()
        raw = " ".join([*words, "category" if noun.startswith("categor") else noun])
    return _identifier(raw)


def _identifier(raw: str) -> str | None:
    """A region's name as an identifier ('SR-low' -> 'sr_low', '0-lepton channel' ->
    'r_0_lepton_channel'); None when nothing is left of it."""
    name = re.sub(r"[^a-z0-9]+", "_", raw.lower()).strip("_")
    if not name:
        return None
    return name if name[0].isalpha() else f"r_{name}"

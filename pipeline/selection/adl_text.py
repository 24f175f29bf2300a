"""Reading ADL (CutLang) text: blocks and statements, and expressions into our language.

ADL files come in dialects (CutLang, Delphes, NanoAOD flavours): ``pT(Muon)``,
``Muon.pT``, ``{jets[0]}pT``, ``|eta|``, ``size(jets)``, ``jets.size``, ``x [] a b``
ranges, ``c ? a : b`` conditions. :func:`translate` rewrites one ADL expression into
the selection language by plain text transformations; whether the result means
something is then decided by the real parser and validator, so a rewrite that goes
wrong is caught there and the cut is kept as text, never silently mistranslated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.selection.functions import FIELD_ACCESSORS

BLOCKS = {
    "info",
    "object",
    "region",
    "define",
    "table",
    "histo",
    "histolist",
    "countsformat",
}
STATEMENTS = {
    "take",
    "select",
    "reject",
    "bin",
    "bins",
    "weight",
    "histo",
    "sort",
    "save",
    "print",
    "counts",
    "define",
}
# CutLang's lexer (CLA/parse.l): synonyms of the keywords above, and the keywords it reads in
# any case (take, histo, weight, bin ... ; object, region, select are case-sensitive there)
KEYWORD_SYNONYMS = {
    "obj": "object",
    "algo": "region",
    "algorithm": "region",
    "cmd": "select",
    "cut": "select",
    "command": "select",
    "def": "define",
    "using": "take",
}
_ANY_CASE = {"take", "using", "histo", "weight", "table", "bin", "bins", "sort", "save", "print"}
_ANY_CASE |= {"info", "counts", "histolist", "countsformat"}


def keyword(word: str) -> str:
    """The keyword ``word`` spells (``cmd`` -> ``select``, ``Take`` -> ``take``), or ``word``."""
    if word.lower() in _ANY_CASE:
        word = word.lower()
    return KEYWORD_SYNONYMS.get(word, word)


# ADL field spellings -> canonical fields of pipeline/selection/fields.py
FIELD_ALIASES: dict[str, str] = {
    "pt": "pt",
    "pT": "pt",
    "PT": "pt",
    "Pt": "pt",
    "eta": "eta",
    "Eta": "eta",
    "ETA": "eta",
    "phi": "phi",
    "Phi": "phi",
    "PHI": "phi",
    "e": "e",
    "E": "e",
    "energy": "e",
    "q": "charge",
    "charge": "charge",
    "Charge": "charge",
    "d0": "d0",
    "D0": "d0",
    "dxy": "d0",
    "dz": "z0",
    "Dz": "z0",
    "z0": "z0",
    "dZ": "z0",
    # ADL's BTag is the input's tag decision (Delphes' bit, CutLang's flag); a named
    # discriminator is the score
    "btag": "btagged",
    "BTag": "btagged",
    "bTag": "btagged",
    "btagDeepB": "btag",
    "btagDeepFlavB": "btag",
    "btagCSVV2": "btag",
    "theta": "theta",
    "msoftdrop": "msoftdrop",
    "softdropmass": "msoftdrop",
    "tau1": "tau1",
    "tau2": "tau2",
    "tau3": "tau3",
    "idMVAnewDM2017v2": "id_mva",
    "dMVAnewDM2017v2": "id_mva",  # so spelled in a CutLang file of the corpus
    "decayMode": "decay_mode",
    "miniPFRelIsoAll": "mini_iso",
    "miniPFRelIso_all": "mini_iso",
    "miniPFRelIso": "mini_iso",
    "softId": "soft_id",
    "rap": "rapidity",
    "Rap": "rapidity",
    "RAP": "rapidity",
    "rapidity": "rapidity",
    "pz": "pz",
    "Pz": "pz",
    "PZ": "pz",
    # identification working points (CutLang tight/medium/loose, NanoAOD tightId ...)
    "tight": "id_tight",
    "Tight": "id_tight",
    "tightId": "id_tight",
    "isTight": "id_tight",
    "medium": "id_medium",
    "Medium": "id_medium",
    "mediumId": "id_medium",
    "isMedium": "id_medium",
    "loose": "id_loose",
    "Loose": "id_loose",
    "looseId": "id_loose",
    "isLoose": "id_loose",
    "ptcone30": "ptcone30",
    "etcone20": "etcone20",
    "ptcone": "ptcone30",
    "etcone": "etcone20",
} | {name: name for name in FIELD_ACCESSORS}
FUNCTION_ALIASES: dict[str, str] = {
    "dR": "delta_r",
    "dr": "delta_r",
    "deltaR": "delta_r",
    "dPhi": "delta_phi",
    "dphi": "delta_phi",
    "deltaPhi": "delta_phi",
    "Sqrt": "sqrt",
    "SQRT": "sqrt",
    "Abs": "abs",
    "ABS": "abs",
    "Sum": "sum",
    "SUM": "sum",
    "m": "mass",
    "M": "mass",
    "Cos": "cos",
    "Sin": "sin",
    "size": "count",
    "Size": "count",
    "SIZE": "count",
    "count": "count",
    "Count": "count",
    "NumOf": "count",
    # named functions of the ADL/CutLang library
    "fMT": "mt",
    "fMll": "mass",
    "fMR": "razor_mr",
    "fMTR": "razor_mtr",
    "fmegajets": "megajets",
    "fHT": "ht",
    "fMT2": "mt2",
    "fAlphaT": "alpha_t",
    "fMCT": "mct",
    "fMHT": "mht",
    "dEta": "delta_eta",
    "deta": "delta_eta",
    "deltaEta": "delta_eta",
    "ave": "mean",
    "Ave": "mean",
    "AVE": "mean",
    "hstep": "step",
    "Hstep": "step",
    "HSTEP": "step",
}
# functions whose MET argument is the missing-momentum *object* (met_vec), not its magnitude
MET_VECTOR_FUNCTIONS = ("dR", "dPhi", "dphi", "deltaR", "deltaPhi", "fMT", "fMTR", "fMT2", "fMCT")
MET_NAMES = {"MET", "met", "MissingET", "MissingEt"}


@dataclass
class Statement:
    keyword: str
    text: str
    line: int
    raw: str
    tag: str | None = (
        None  # id= from a trailing '# id=... unit=...' comment (written by our export)
    )
    unit: str | None = None


@dataclass
class Block:
    kind: str  # object, region, define, info
    name: str
    line: int
    header: str = ""  # the rest of the header line (object NAME : Union(...), define NAME = ...)
    body: list[Statement] = field(default_factory=list)


_ID_TAG = re.compile(r"#\s*id=([A-Za-z_][A-Za-z0-9_.\-]*)(?:\s+unit=(\S+))?")


def _strip(line: str) -> tuple[str, re.Match[str] | None]:
    return line.split("#", 1)[0].rstrip(), _ID_TAG.search(line)


def commented_info(text: str) -> dict[str, str]:
    """``# arXiv 1706.09933`` style metadata, from commented or plain info blocks."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(
            r"^\s*#?\s*(title|experiment|id|sqrtS|lumi|arXiv|arxiv|doi)\s+(.+?)\s*$", line
        )
        if match and match.group(1) not in found:
            found[match.group(1).lower()] = match.group(2).strip().strip('"')
    return found


def blocks(text: str) -> list[Block]:
    """Split ADL text into blocks; continuation lines are joined to their statement."""
    result: list[Block] = []
    for number, raw in enumerate(text.splitlines(), 1):
        body, tag = _strip(raw)
        if not body.strip():
            continue
        words = body.split()
        first = keyword(words[0])
        if first in {"object", "region"} or (first in BLOCKS and not raw[:1].isspace()):
            result.append(_header(first, body, number, raw, tag))
            continue
        if not result:
            continue
        block = result[-1]
        if first in STATEMENTS:
            block.body.append(
                Statement(
                    first, body.strip()[len(words[0]) :].strip(), number, raw.strip(), *_tag(tag)
                )
            )
        elif block.body and raw[:1].isspace() and block.kind != "info" and not _single_name(body):
            block.body[-1].text += " " + body.strip()
            block.body[-1].raw += " " + body.strip()
        else:
            block.body.append(Statement("", body.strip(), number, raw.strip(), *_tag(tag)))
    return result


def _tag(match: re.Match[str] | None) -> tuple[str | None, str | None]:
    return (match.group(1), match.group(2)) if match else (None, None)


def _header(first: str, body: str, number: int, raw: str, tag: re.Match[str] | None) -> Block:
    kind = first
    match = re.match(r"^\s*\w+\s+([A-Za-z_]\w*)\s*(.*)$", body)
    name, header = (match.group(1), match.group(2).strip()) if match else ("", "")
    block = Block(kind, name, number, header)
    taken = re.match(r"(?i)(take|using)\b", header)
    if kind == "object" and taken:
        block.body.append(
            Statement("take", header[taken.end() :].strip(), number, raw.strip(), *_tag(tag))
        )
    return block


def _single_name(text: str) -> bool:
    return re.fullmatch(r"\s*[A-Za-z_]\w*\s*", text) is not None


def split_top(text: str, separators: tuple[str, ...]) -> list[str]:
    """Split at separators that are not inside brackets (keeps the separators as items)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0:
            for sep in separators:
                if text.startswith(sep, i) and (
                    sep != sep.strip() or not sep.isalpha() or _word_boundary(text, i, len(sep))
                ):
                    parts += [text[start:i], sep]
                    i += len(sep)
                    start = i
                    break
            else:
                i += 1
                continue
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _word_boundary(text: str, i: int, length: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + length] if i + length < len(text) else " "
    return not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")


# ADL names the selection language cannot represent honestly, by gap class (the classes are the
# entries of "Known gaps in ADL import" in docs/selection-language.md): the import report names
# the class and the reason instead of a bare "unknown name"
_SUBSTRUCTURE = (
    "large-R jet substructure",
    "the canonical large-R jets (fatjets) carry msoftdrop and tau1-tau3 only; 4-subjettiness "
    "and the ratio names are not fields (write tau2 / tau1)",
)
_TAGGERS = (
    "tagger outputs outside the canonical content",
    "charm-, tau-jet and tau-identification tagger outputs are not canonical fields (jets have "
    "btag only)",
)
_CLUSTERING = (
    "jet reclustering",
    "building new jets from other objects needs a clustering algorithm the runtime does not have",
)
KNOWN_GAPS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("tau4", "tau21", "tau32"), _SUBSTRUCTURE),
    **dict.fromkeys(("cTag", "ctag", "TauTag", "tauTag"), _TAGGERS),
    "antikT": _CLUSTERING,
}
# functions that build a collection: in an object's ``select`` CutLang gives them no defined
# meaning as a condition (the object is written ``take fmegajets(jets)``)
COLLECTION_FUNCTIONS = frozenset({"fmegajets", "antikT"})

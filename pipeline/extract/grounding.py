"""Grounding, the hallucination guard: every cut must be traceable to the text.

For each cut the quote is located in the source document (tolerant to whitespace,
line-break hyphenation and unicode variants, see :mod:`pipeline.extract.text`), and
the cut's numbers must appear in the *matched document text* (not in the quote the
extractor supplied, which may itself be invented). A cut that passes becomes
``verified`` with page, section, char span and boxes filled in; one that fails stays
in the list as ``unverified`` with the reason. Human decisions (reviewed, edited,
rejected) are never overwritten.
"""

from __future__ import annotations

import math
import re
from difflib import SequenceMatcher

from pipeline.extract.text import Folded, fold, fold_plain
from pipeline.extract.windows import REFERENCE_MASSES
from pipeline.parse.document import Document
from pipeline.selection.models import BoundingBox, Cut, Grounding, Provenance, SelectionList, Status

FOUND_THRESHOLD = 0.85  # similarity of the best window for a quote to count as found
_SEED = 12  # length of the exact seeds used to find candidate windows
_HUMAN = {Status.reviewed.value, Status.edited.value, Status.rejected.value}
_NUMBER = re.compile(r"(?<![A-Za-z_])[-\u2212]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WORDS = {
    "zero": 0,
    "no": 0,
    "one": 1,
    "single": 1,
    "two": 2,
    "pair": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "both": 2,
    "exactly": None,
    "veto": 0,
    "reject": 0,
    "without": 0,
    "additional": None,
}
_FLAGS = {
    "btag",
    "btagged",
    "id_loose",
    "id_medium",
    "id_tight",
}  # boolean per-object flags: passes the tagger or working point the quote names
# one number in a canonical unit may be written in another unit in the text
_UNIT_FACTORS = (1.0, 1e3, 1e-3, 0.1, 10.0, math.pi / 180.0)  # (the last: degrees in radians)


class _Index:
    """A document folded once, reused for every quote."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.folded: Folded = fold(doc.text)


def locate(quote: str, index: _Index) -> tuple[int, int, float] | None:
    """Best ``(start, end, score)`` of ``quote`` in the document's original text, or None.

    The score may be below :data:`FOUND_THRESHOLD`; the caller decides.
    """
    query = fold_plain(quote)
    hay = index.folded.text
    if len(query) < 4:
        return None
    exact = hay.find(query)
    if exact >= 0:
        start, end = index.folded.span(exact, exact + len(query))
        return start, end, 1.0
    best: tuple[int, float] | None = None
    for offset, seed in _seeds(query):
        position = hay.find(seed)
        hits = 0
        while position >= 0 and hits < 20:
            begin = max(0, position - offset)
            window = hay[begin : begin + len(query)]
            score = SequenceMatcher(None, query, window, autojunk=False).ratio()
            if best is None or score > best[1]:
                best = (begin, score)
            position = hay.find(seed, position + 1)
            hits += 1
    if best is None:
        return None
    start, end = index.folded.span(best[0], min(len(hay), best[0] + len(query)))
    return start, end, best[1]


def _seeds(query: str) -> list[tuple[int, str]]:
    if len(query) <= _SEED:
        return [(0, query)]
    step = max(1, (len(query) - _SEED) // 6)
    return [(i, query[i : i + _SEED]) for i in range(0, len(query) - _SEED + 1, step)]


# the centre of a mass window (abs(mjj - 80.4)) is a reference mass, not the paper's number
_WINDOW_CENTRE = re.compile(
    r"-\s*(?:" + "|".join(re.escape(f"{m:g}") for m in REFERENCE_MASSES.values()) + r")\)"
)


_A_PAIR = re.compile(r"count\(sfos_pairs\(\w+\)\)\s*>=\s*1")


_PRESENT = re.compile(r"^not \(count\(\w+\) >= \d+\)(?= or \((?:abs\()?nth\()")


def cut_numbers(cut: Cut) -> list[float]:
    """The numbers a cut states (its value(s), or the literals of its expression)."""
    if cut.variable in _FLAGS and cut.op == "==" and cut.value == 1:
        return []  # "b tagged": the 1 is the language's true, not a number the paper writes
    if cut.value is not None:
        values = cut.value if isinstance(cut.value, list) else [cut.value]
        return [float(v) for v in values]
    if cut.expr and _A_PAIR.fullmatch(cut.expr.strip()):
        return []  # "an opposite-sign same-flavour pair": the 1 is "there is one", seldom written
    if cut.expr:
        # 91.1876 (the Z mass) and 0 are conventions of the language, not claims of the paper
        expr = (
            re.sub(r",\s*\d+\)", ")", cut.expr) if "nth(" in cut.expr else cut.expr
        )  # drop nth indices
        expr = _WINDOW_CENTRE.sub(")", expr)
        # "the third jet, if present, ...": the count saying it is there is the rank's, unwritten
        expr = _PRESENT.sub("not (", expr)
        found = [float(m.group()) for m in _NUMBER.finditer(expr)]
        return [v for v in found if v not in (0.0, 91.1876)]
    return []


def text_numbers(text: str) -> list[float]:
    numbers = [float(m.group().replace("\u2212", "-")) for m in _NUMBER.finditer(text)]
    numbers += [abs(v) for v in numbers if v < 0]
    words = re.findall(r"[a-z]+", text.lower())
    numbers += [float(n) for n in (_WORDS.get(w) for w in words) if n is not None]
    if any(w.startswith(("veto", "reject", "discard", "exclud")) for w in words):
        numbers.append(0.0)  # a veto states "zero of these"
    return numbers


def numbers_present(wanted: list[float], text: str) -> tuple[bool, list[float]]:
    """Whether each wanted number (in canonical units) is written in ``text``; the missing ones."""
    have = text_numbers(text)
    missing = [w for w in wanted if not any(_same(w, h * f) for h in have for f in _UNIT_FACTORS)]
    return not missing, missing


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def provenance_at(
    doc: Document, start: int, end: int, quote: str, base: Provenance | None
) -> Provenance:
    """Provenance for ``[start, end)`` of ``doc``: page, section, span and boxes."""
    section = doc.section_at(start)
    label = None
    if section is not None:
        label = f"{section.number} {section.title}" if section.number else section.title
    boxes = [
        BoundingBox(page=b.page, x0=b.bbox[0], y0=b.bbox[1], x1=b.bbox[2], y1=b.bbox[3])
        for b in doc.blocks
        if b.bbox is not None and b.start < end and b.end > start
    ]
    fields = base.model_dump() if base is not None else {}
    fields.update(
        document=fields.get("document") or doc.source.paper_id,
        quote=quote,
        page=doc.page_at(start) or fields.get("page"),
        section=label or fields.get("section"),
        char_span=(start, end),
        bbox=[b.model_dump() for b in boxes[:6]],
    )
    return Provenance.model_validate(fields)


def ground_cut(cut: Cut, index: _Index) -> Cut:
    """The cut with grounding, status and (when found) precise provenance."""
    if cut.status in _HUMAN:
        return cut
    quote = cut.provenance.quote if cut.provenance else ""
    if not quote.strip():
        grounding = Grounding(
            found=False, numbers_match=False, score=0.0, reason="the cut has no quote"
        )
        return cut.model_copy(update={"grounding": grounding, "status": Status.unverified})
    hit = locate(quote, index)
    if hit is None or hit[2] < FOUND_THRESHOLD:
        score = 0.0 if hit is None else round(hit[2], 3)
        reason = f"quote not found in {index.doc.source.paper_id} (best similarity {score})"
        grounding = Grounding(found=False, numbers_match=False, score=score, reason=reason)
        return cut.model_copy(update={"grounding": grounding, "status": Status.unverified})
    start, end, score = hit
    matched = index.doc.text[start:end]
    ok, missing = numbers_present(cut_numbers(cut), matched)
    reason = (
        "quote found, numbers match"
        if ok
        else (
            f"quote found but the number(s) {', '.join(f'{m:g}' for m in missing)} do not appear "
            "in it"
        )
    )
    grounding = Grounding(
        found=True,
        numbers_match=ok,
        score=round(score, 3),
        reason=reason,
        matched_text=matched[:2000],
    )
    provenance = provenance_at(index.doc, start, end, quote, cut.provenance)
    status = Status.verified if ok else Status.unverified
    return cut.model_copy(
        update={"grounding": grounding, "status": status, "provenance": provenance}
    )


def ground_selection(
    sel: SelectionList, doc: Document, *, cited: dict[str, Document] | None = None
) -> SelectionList:
    """Ground every cut of ``sel`` against ``doc`` (and cited documents by their paper id).

    Cuts taken from a cited paper are grounded against that paper when it is given in
    ``cited``; otherwise their earlier grounding is kept, or they become unverified.
    """
    indexes = {doc.source.paper_id: _Index(doc)}
    for key, other in (cited or {}).items():
        indexes[key] = _Index(other)
        indexes.setdefault(other.source.paper_id, indexes[key])
    main = indexes[doc.source.paper_id]

    def one(cut: Cut) -> Cut:
        prov = cut.provenance
        if prov is None or prov.source != "cited":
            return ground_cut(cut, main)
        if prov.document in indexes:
            return ground_cut(cut, indexes[prov.document])
        if cut.grounding is not None:
            return cut
        reason = f"cited source {prov.document} not available to check the quote"
        grounding = Grounding(found=False, numbers_match=False, score=0.0, reason=reason)
        return cut.model_copy(update={"grounding": grounding, "status": Status.unverified})

    return sel.with_cuts(one)


def grounding_summary(sel: SelectionList) -> dict[str, int]:
    cuts = sel.all_cuts()
    return {
        "cuts": len(cuts),
        "verified": sum(c.status == Status.verified for c in cuts),
        "unverified": sum(c.status == Status.unverified for c in cuts),
    }

"""Which parts of a paper state the selection.

Both extractors read only the selection-relevant parts: the body before the
references, minus sections that never define the selection (introduction, detector,
systematics, results, conclusions). For the LLM the passages are further ranked by
how many cut-like statements they hold, so a token budget keeps the best ones.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from pipeline.parse.document import Block, Document

EXCLUDED_TITLES = re.compile(
    r"introduction|conclusion|summary|systematic|uncertaint|results?\b|acknowledg|references"
    r"|bibliograph|interpretation|statistical|the (?:cms|atlas) detector|detector|monte carlo"
    r"|simulat|outlook|limits",
    re.IGNORECASE,
)
SELECTION_TITLES = re.compile(
    r"object|selection|event|reconstruct|candidate|definition|preselection|requirement|criteria|strateg|region|cut",
    re.IGNORECASE,
)
_FIGURE = re.compile(
    r"\s*(?:Figure|Fig\.)\s*\d"
)  # figure captions describe plots, not the selection
_END_MARKER = re.compile(r"\n\s*(?:References|REFERENCES|Bibliography|Acknowledge?ments?)\s*\n")
_CUT_LIKE = re.compile(
    r"(?:[<>\u2264\u2265]|at least|exactly|greater than|less than|between)\s*[-\u2212]?\d"
    r"|\d\s*(?:GeV|MeV|TeV|mm)\b|same[- ]flavou?r|opposite[- ](?:sign|charge)"
)


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    section: str | None
    score: float
    text: str
    kind: str = "text"  # or "table"


def body_end(doc: Document) -> int:
    """Offset where the references (or acknowledgements) start; the text length if none."""
    ref_blocks = [b.start for b in doc.blocks if b.kind == "reference"]
    candidates = [
        m.start() for m in _END_MARKER.finditer(doc.text) if m.start() > len(doc.text) * 0.3
    ]
    titled = [
        s.start
        for s in doc.sections
        if re.match(r"(references|acknowledg)", s.title, re.IGNORECASE)
    ]
    found = [
        x
        for x in (
            min(ref_blocks, default=None),
            min(candidates, default=None),
            min(titled, default=None),
        )
        if x is not None
    ]
    return min(found) if found else len(doc.text)


def _section_label(doc: Document, offset: int) -> str | None:
    section = doc.section_at(offset)
    if section is None:
        return None
    return f"{section.number} {section.title}" if section.number else section.title


def _excluded(doc: Document, offset: int) -> bool:
    section = doc.section_at(offset)
    while section is not None:
        if EXCLUDED_TITLES.search(section.title) and not SELECTION_TITLES.search(section.title):
            return True
        section = next((s for s in doc.sections if s.id == section.parent), None)
    return False


def _blocks(doc: Document) -> list[Block]:
    if doc.blocks:
        return [
            b
            for b in doc.blocks
            if b.kind not in ("reference", "header", "footnote", "title")
            and not (b.kind == "caption" and _FIGURE.match(b.text))
        ]
    return [Block(id="all", page=1, text=doc.text, start=0, end=len(doc.text))]


def relevant_spans(doc: Document) -> list[tuple[int, int]]:
    """Merged ``[start, end)`` spans of the body a selection can be stated in."""
    end = body_end(doc)
    # the title and abstract name the final state ("at least one photon"), not the selection
    begin = max((b.end for b in doc.blocks if b.kind == "abstract"), default=0)
    spans: list[tuple[int, int]] = []
    for block in _blocks(doc):
        if block.start >= end or block.start < begin or _excluded(doc, block.start):
            continue
        stop = min(block.end, end)
        if spans and block.start - spans[-1][1] < 400:
            spans[-1] = (spans[-1][0], stop)
        else:
            spans.append((block.start, stop))
    return spans


def score_text(text: str, section: str | None) -> float:
    hits = len(_CUT_LIKE.findall(text))
    bonus = 2.0 if section and SELECTION_TITLES.search(section) else 0.0
    return hits + bonus if hits else 0.0


def passages(doc: Document) -> list[Passage]:
    """Scored paragraphs and tables of the relevant spans, in reading order."""
    end = body_end(doc)
    out: list[Passage] = []
    for block in _blocks(doc):
        # the abstract states results and the final state, not the selection the model should read
        if block.start >= end or block.kind == "abstract" or _excluded(doc, block.start):
            continue
        label = _section_label(doc, block.start)
        text = doc.text[block.start : min(block.end, end)]
        score = score_text(text, label)
        if score > 0:
            out.append(Passage(block.start, block.end, label, score, text))
    for table in doc.tables:
        caption = table.caption or ""
        if re.search(
            r"selection|requirement|criteria|cut|definition|region", caption, re.IGNORECASE
        ):
            body = "\n".join(" | ".join(row) for row in table.rows)
            out.append(
                Passage(
                    0,
                    0,
                    f"Table {table.id} (page {table.page})",
                    5.0,
                    f"{caption}\n{body}",
                    "table",
                )
            )
    return out


def estimate_tokens(text: str) -> int:
    """Tokens of ``text``: tiktoken when installed, else four characters per token."""
    try:
        import tiktoken  # optional: exact counts for OpenAI models
    except ImportError:
        return math.ceil(len(text) / 4)
    return len(tiktoken.get_encoding("cl100k_base").encode(text))


def budgeted_chunks(items: list[Passage], budget: int, max_calls: int) -> list[list[Passage]]:
    """Passages packed, in reading order, into at most ``max_calls`` chunks of ``budget`` tokens.

    When everything does not fit, the lowest-scoring passages are dropped first.
    """
    keep = sorted(items, key=lambda p: -p.score)
    total = budget * max_calls
    chosen: list[Passage] = []
    used = 0
    for item in keep:
        cost = estimate_tokens(item.text)
        if cost > budget:
            item = Passage(
                item.start, item.end, item.section, item.score, item.text[: budget * 4], item.kind
            )
            cost = estimate_tokens(item.text)
        if used + cost <= total:
            chosen.append(item)
            used += cost
    chosen.sort(key=lambda p: (p.kind == "table", p.start))
    chunks: list[list[Passage]] = [[]]
    size = 0
    for item in chosen:
        cost = estimate_tokens(item.text)
        if chunks[-1] and size + cost > budget:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += cost
    return [c for c in chunks if c][:max_calls]

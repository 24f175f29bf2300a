"""Backend-independent structure: the text/blocks builder, sections, bibliography, citations.

Every backend produces an ordered list of typed blocks; this module lays them into
``Document.text`` (keeping each block's span), builds the section tree from the
heading blocks, splits the bibliography into entries and links ``[12]``-style
citation markers in the running text to those entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.fetch.ids import ARXIV_IN_TEXT, DOI_IN_TEXT
from pipeline.parse.document import Block, BlockKind, Citation, Reference, Section

_HEADING_NUMBER = re.compile(
    r"^(?P<num>(?:[IVX]{1,5}|[A-Z]|\d{1,2}(?:\.\d{1,2}){0,3}))(?:\.|\s)\s*(?P<title>\S.*)$"
)
_ROMAN = re.compile(r"^[IVX]{1,5}$")


@dataclass
class TextBuilder:
    """Appends blocks to one text, recording each block's ``[start, end)`` span."""

    parts: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    length: int = 0

    def add(
        self,
        kind: BlockKind,
        text: str,
        page: int,
        bbox: tuple[float, float, float, float] | None = None,
        joiner: str = "\n\n",
    ) -> Block:
        if self.parts:
            self.parts.append(joiner)
            self.length += len(joiner)
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        block = Block(
            id=f"b{len(self.blocks) + 1}",
            page=page,
            bbox=bbox,
            kind=kind,
            text=text,
            start=start,
            end=self.length,
            section=None,
        )
        self.blocks.append(block)
        return block

    @property
    def text(self) -> str:
        return "".join(self.parts)


def split_heading(text: str) -> tuple[str | None, str]:
    """``'IV. EVENT SELECTION'`` -> ``('IV', 'EVENT SELECTION')``; unnumbered -> ``(None,
    text)``."""
    match = _HEADING_NUMBER.match(text.strip())
    if match is None:
        return None, text.strip()
    return match.group("num"), match.group("title").strip()


def heading_level(number: str | None, roman_top: bool) -> int:
    if number is None:
        return 1
    if _ROMAN.match(number) and roman_top:
        return 1
    if re.fullmatch(r"[A-Z]", number):
        return 2 if roman_top else 1  # revtex: I. > A. ; otherwise appendices A, B
    return number.count(".") + 1


def build_sections(blocks: list[Block], text_length: int) -> list[Section]:
    """The section tree from heading blocks; assigns ``Block.section`` in place."""
    headings = [b for b in blocks if b.kind == "heading"]
    parsed = [split_heading(b.text) for b in headings]
    roman_top = any(n is not None and _ROMAN.match(n) and n != "I" for n, _ in parsed)
    sections: list[Section] = []
    stack: list[Section] = []
    for block, (number, title) in zip(headings, parsed, strict=True):
        level = heading_level(number, roman_top)
        while stack and stack[-1].level >= level:
            stack.pop()
        section = Section(
            id=f"s{len(sections) + 1}",
            number=number,
            title=title,
            level=level,
            parent=stack[-1].id if stack else None,
            page=block.page,
            start=block.start,
            end=text_length,
        )
        sections.append(section)
        stack.append(section)
    for i, section in enumerate(sections):
        later = [s.start for s in sections[i + 1 :] if s.level <= section.level]
        section.end = later[0] if later else text_length
    for block in blocks:
        inside = [s for s in sections if s.start <= block.start < s.end]
        if inside:
            block.section = max(inside, key=lambda s: s.level).id
    return sections


REFERENCES_TITLE = re.compile(r"^(references?|bibliography|literature cited)$", re.IGNORECASE)
_ENTRY_START = re.compile(r"(?:^|(?<=\s))\[(\d{1,4})\]\s+")
_NUMBERED_START = re.compile(r"^(\d{1,4})[.)]?\s+(?=[A-Z])")
_QUOTED_TITLE = re.compile(r'"([^"]{8,300}?),?"')


def reference_from_text(
    key: str,
    text: str,
    page: int | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> Reference:
    arxiv = ARXIV_IN_TEXT.search(text)
    doi = DOI_IN_TEXT.search(text.replace(" ", "") if "doi" in text.lower() else text)
    title = _QUOTED_TITLE.search(text)
    return Reference(
        key=key,
        text=text.strip(),
        page=page,
        bbox=bbox,
        arxiv_id=(arxiv.group("id") or arxiv.group("old")) if arxiv else None,
        doi=doi.group(1).rstrip(".") if doi else None,
        title=title.group(1).strip() if title else None,
    )


def split_bibliography(blocks: list[Block]) -> list[Reference]:
    """Entries from the reference blocks: ``[12] ...`` markers, else ``12. ...`` paragraphs."""
    refs: list[Reference] = []
    current: tuple[str, list[str], Block] | None = None
    for block in blocks:
        pieces = _ENTRY_START.split(block.text)
        if len(pieces) == 1:
            numbered = _NUMBERED_START.match(block.text)
            if numbered is not None:
                pieces = ["", numbered.group(1), block.text[numbered.end() :]]
        if current is not None and pieces[0].strip():
            current[1].append(pieces[0].strip())
        for i in range(1, len(pieces) - 1, 2):
            if current is not None:
                refs.append(
                    reference_from_text(
                        current[0], " ".join(current[1]), current[2].page, current[2].bbox
                    )
                )
            current = (pieces[i], [pieces[i + 1].strip()], block)
    if current is not None:
        refs.append(
            reference_from_text(current[0], " ".join(current[1]), current[2].page, current[2].bbox)
        )
    seen: set[str] = set()
    return [r for r in refs if not (r.key in seen or seen.add(r.key))]  # type: ignore[func-returns-value]


_CITATION = re.compile(
    r"(?:(?:Refs?\.|References?)[ \u00a0]?)?\[(\d{1,4}(?:\s*[–\-,]\s*\d{1,4})*)\]"
)


def expand_keys(inner: str) -> list[str]:
    """``'12-14, 20'`` -> ``['12', '13', '14', '20']`` (ranges capped at 100 entries)."""
    keys: list[str] = []
    for part in re.split(r"\s*,\s*", inner.strip()):
        bounds = [p for p in re.split(r"\s*[–\-]\s*", part) if p]
        if len(bounds) == 2 and int(bounds[0]) <= int(bounds[1]) < int(bounds[0]) + 100:
            keys.extend(str(k) for k in range(int(bounds[0]), int(bounds[1]) + 1))
        else:
            keys.extend(bounds)
    return keys


def find_citations(text: str, blocks: list[Block], references: list[Reference]) -> list[Citation]:
    """Citation markers outside the bibliography whose keys name known references."""
    known = {r.key for r in references}
    skip = [(b.start, b.end) for b in blocks if b.kind == "reference"]
    citations: list[Citation] = []
    for match in _CITATION.finditer(text):
        bracket = match.start(1) - 1
        if any(s <= bracket < e for s, e in skip):
            continue
        keys = [k for k in expand_keys(match.group(1)) if k in known]
        if not keys:
            continue
        block = next((b for b in blocks if b.start <= bracket < b.end), None)
        citations.append(
            Citation(
                marker=match.group(0),
                keys=keys,
                start=match.start(),
                end=match.end(),
                page=block.page if block else None,
            )
        )
    return citations

"""The parsed form of a paper, whatever backend produced it.

``text`` is the whole normalised text in reading order; every block knows its
``[start, end)`` span in it, its page and bounding box, so a quote found in ``text``
maps back to a page and a box on that page (the review page highlights it).
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

DOCUMENT_SCHEMA_VERSION: Final = "1.0.0"

BlockKind = Literal[
    "title",
    "abstract",
    "heading",
    "paragraph",
    "caption",
    "footnote",
    "table",
    "equation",
    "reference",
    "header",
    "other",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(_Model):
    number: int = Field(ge=1)
    width: float
    height: float


class Block(_Model):
    id: str
    page: int = Field(ge=1)
    bbox: tuple[float, float, float, float] | None = None
    kind: BlockKind = "paragraph"
    text: str
    start: int = Field(ge=0, description="offset of the block in Document.text")
    end: int = Field(ge=0)
    section: str | None = Field(None, description="id of the enclosing section")


class Section(_Model):
    id: str
    number: str | None = Field(None, description="'2', '4.1', 'A' ...")
    title: str
    level: int = Field(ge=1)
    parent: str | None = None
    page: int | None = None
    start: int = Field(ge=0, description="offset of the section heading in Document.text")
    end: int = Field(ge=0, description="offset where the section (with its subsections) ends")


class Reference(_Model):
    key: str = Field(description="the label used in citation markers, usually the number: '12'")
    text: str
    arxiv_id: str | None = None
    doi: str | None = None
    title: str | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None


class Citation(_Model):
    marker: str = Field(description="as written: '[12]', '[12-14]', 'Refs. [3,7]'")
    keys: list[str]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: int | None = None


class Table(_Model):
    id: str
    page: int
    bbox: tuple[float, float, float, float] | None = None
    caption: str | None = None
    rows: list[list[str]] = Field(default_factory=list)


class SourceInfo(_Model):
    paper_id: str = Field(description="arXiv:ID or the file name for local files")
    path: str
    sha256: str
    backend: Literal["pymupdf", "latex", "grobid"]
    kind: Literal["pdf", "latex", "tei"] = "pdf"


class Document(_Model):
    schema_version: Literal["1.0.0"] = DOCUMENT_SCHEMA_VERSION
    source: SourceInfo
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    abstract: str | None = None
    pages: list[Page] = Field(default_factory=list)
    text: str = ""
    blocks: list[Block] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def section_at(self, offset: int) -> Section | None:
        """The innermost section containing ``offset``."""
        inside = [s for s in self.sections if s.start <= offset < s.end]
        return max(inside, key=lambda s: s.level, default=None)

    def block_at(self, offset: int) -> Block | None:
        return next((b for b in self.blocks if b.start <= offset < b.end), None)

    def page_at(self, offset: int) -> int | None:
        block = self.block_at(offset)
        return block.page if block else None

    def reference(self, key: str) -> Reference | None:
        return next((r for r in self.references if r.key == key), None)

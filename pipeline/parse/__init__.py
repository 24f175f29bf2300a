"""Parsing: a paper file -> a :class:`~pipeline.parse.document.Document`.

Public API::

    parse_document(path_or_entry, backend="auto", settings=None) -> Document
    load_document(path) -> Document;  write_document(doc, path)   # atomic
    find_sections(doc, patterns) -> list[Section];  section_text(doc, section)
    cut_sentences(doc, section=None) -> [(offset, sentence)]
"""

from __future__ import annotations

from pipeline.parse.api import (
    BACKENDS,
    OBJECT_SECTION_PATTERNS,
    check_document,
    cut_sentences,
    find_sections,
    load_document,
    parse_document,
    section_text,
    write_document,
)
from pipeline.parse.document import Document

__all__ = [
    "BACKENDS",
    "OBJECT_SECTION_PATTERNS",
    "Document",
    "check_document",
    "cut_sentences",
    "find_sections",
    "load_document",
    "parse_document",
    "section_text",
    "write_document",
]

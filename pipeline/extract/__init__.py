"""Stage one: extraction of the selection list from a parsed paper.

Public API::

    extract_selection(doc, *, backend="rules"|"llm", settings=None, samples=1, run_dir=None,
                      paper_ref=None, replay=None, cited_depth=1) -> SelectionList
    ground_selection(sel, doc, *, cited=None) -> SelectionList
    ExtractionIncomplete  (ExtractionError with .partial, the list so far, complete=False)

Every cut carries a quote; grounding locates it in the document and checks its numbers,
marking the cut ``verified`` or ``unverified`` (kept, with the reason).
"""

from __future__ import annotations

from pipeline.extract.api import ExtractionIncomplete, extract_rules, extract_selection
from pipeline.extract.grounding import ground_selection, grounding_summary

__all__ = [
    "ExtractionIncomplete",
    "extract_rules",
    "extract_selection",
    "ground_selection",
    "grounding_summary",
]

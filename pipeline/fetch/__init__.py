"""Fetching papers: ids, the arXiv API, the offline mirror and the on-disk cache.

Public API::

    normalize_paper_id(text) -> PaperId          # .slug names the cache directory
    fetch_paper(paper, settings, refresh=False) -> PaperEntry
    load_entry(directory) -> PaperEntry
"""

from __future__ import annotations

from pipeline.fetch.cache import FileInfo, PaperEntry, PaperMeta, fetch_paper, load_entry
from pipeline.fetch.ids import VALID_FORMS, PaperId, normalize_paper_id

__all__ = [
    "FileInfo",
    "PaperEntry",
    "PaperMeta",
    "PaperId",
    "VALID_FORMS",
    "fetch_paper",
    "load_entry",
    "normalize_paper_id",
]

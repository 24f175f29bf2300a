"""Captions of tables the parser reads even when table detection is off."""

from __future__ import annotations

import re

# captions of tables that define signal (search) regions or bins (their first sentence)
_DEFINES = re.compile(
    r"definitions?\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:search\s+bins|(?:signal|search)"
    r"(?:,?\s+(?:and\s+)?(?:control|validation))*\s+regions?|SRs?\b)"
    r"|(?:signal|search)[- ]regions?\s+(?:definitions?|are\s+defined)"
    r"|(?:selection\s+)?(?:requirements|criteria|cuts)\s+(?:for|of|defining)\s+the\s+"
    r"(?:[\w-]+\s+){0,2}?(?:signal|search)\s+regions?"
    r"|overview\s+of\s+the\s+(?:signal|search)\s+regions?"
    # "The categorization of H_T and M_CT for search regions in noncompressed signal models"
    r"|(?:categori[sz]ation|binning|division)\s+(?:in|of)\s+[^.]{1,80}?\s+(?:for|of|in|into)"
    r"\s+(?:the\s+)?(?:search|signal)\s+(?:regions?|bins)",
    re.IGNORECASE,
)
_AGGREGATED = re.compile(r"aggregated\s+(?:search\s+bins|signal\s+regions)", re.IGNORECASE)
# captions of tables of numbers about regions, not of their requirements
_NOT_DEFINING = re.compile(
    r"uncertaint|efficienc|cut-?flow|transfer\s+factor|systematic|see\s+(?:the\s+)?definition"
    r"|used\s+in\s+the\s+fit|\bresults\b",
    re.IGNORECASE,
)


def defines_regions(caption: str) -> bool:
    """Whether a table caption announces a table defining signal regions or search bins (its
    first sentence says so, and is not about yields' uncertainties, efficiencies or a fit)."""
    first = re.split(r"(?<=\.)\s+(?=[A-Z])", caption.strip(), maxsplit=1)[0]
    if _AGGREGATED.search(first):
        return True  # yields in aggregated bins: the table lists each bin's requirements
    return bool(_DEFINES.search(first)) and not _NOT_DEFINING.search(first)

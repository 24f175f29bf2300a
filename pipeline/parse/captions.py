"""Captions of tables the parser reads even when table detection is off."""

from __future__ import annotations

import re

# captions of tables that define signal (search) regions or bins
REGION_CAPTION = re.compile(
    r"definitions?\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:search\s+bins|signal\s+regions?"
    r"|search\s+regions?|SRs?\b|categories|bins)"
    r"|(?:signal|search)\s+(?:regions?|bins?)\s+(?:definitions?|are\s+defined|used)"
    r"|aggregated\s+(?:search\s+bins|signal\s+regions)"
    r"|summary\s+of\s+(?:the\s+)?(?:signal|search)\s+regions?",
    re.IGNORECASE,
)

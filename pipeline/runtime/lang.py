"""Every function of the selection language as an attribute: ``rt.mass(rt.z1(quads))``.

Compiled analyses ``import pipeline.runtime.lang as rt``; the language's ``abs``,
``sum``, ``min`` ... live here without shadowing Python's builtins in the script.
"""

from __future__ import annotations

from typing import Any

from pipeline.runtime import FUNCTIONS, best_candidate_mask, isin, merge
from pipeline.runtime.objects import every, flat_objects

globals().update(FUNCTIONS)

__all__ = sorted(FUNCTIONS) + ["best_candidate_mask", "every", "flat_objects", "isin", "merge"]


def __getattr__(name: str) -> Any:  # pragma: no cover - only for type checkers' benefit
    raise AttributeError(f"the selection language has no function {name!r}")

"""Stage two, comparison: generated analysis outputs against a baseline's."""

from __future__ import annotations

from pipeline.compare.compare import compare_outputs, parse_step_map
from pipeline.compare.models import Comparison

__all__ = ["Comparison", "compare_outputs", "parse_step_map"]

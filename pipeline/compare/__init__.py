"""Stage two, comparison: generated analysis outputs against a baseline's."""

from __future__ import annotations

from pipeline.compare.models import Comparison
from pipeline.compare.outputs import compare_outputs
from pipeline.compare.step_map import parse_step_map, propose_step_map, read_step_map

__all__ = ["Comparison", "compare_outputs", "parse_step_map", "propose_step_map", "read_step_map"]

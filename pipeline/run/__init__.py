"""The whole run: ``reproduce PAPER`` (``pipeline.py``), its state (``state.py``), stage-two calls (``stage2.py``)."""

from __future__ import annotations

from pipeline.run.options import RunOptions
from pipeline.run.pipeline import reproduce

__all__ = ["RunOptions", "reproduce"]

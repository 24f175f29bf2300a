"""The whole run: ``reproduce PAPER`` (``reproduce.py``), the stage table (``stages.py``), its
state (``state.py``), stage-two calls (``stage2.py``)."""

from __future__ import annotations

from pipeline.run.options import RunOptions
from pipeline.run.reproduce import reproduce

__all__ = ["RunOptions", "reproduce"]

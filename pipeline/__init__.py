"""reproduce: a paper-to-code reproduction pipeline for high-energy physics."""

from __future__ import annotations

__version__ = "0.1.0"

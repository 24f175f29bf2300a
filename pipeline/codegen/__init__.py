"""Stage two, code generation: a selection list -> a standalone analysis script.

``compile_selection`` (deterministic, default) or ``generate_with_llm`` (``--codegen llm``).
"""

from __future__ import annotations

from pipeline.codegen.compiler import CODEGEN_VERSION, compile_selection, selection_digest

__all__ = ["CODEGEN_VERSION", "compile_selection", "selection_digest"]

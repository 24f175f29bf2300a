"""Reading a model's free-text answer: the code it was asked for.

Why here: code generation, the text-only cuts, the repair loop and the echo check all read
model answers the same way; keeping the parser with the model backends lets each of those
stages use it without importing a later stage (codegen used to import it from the sandbox).
"""

from __future__ import annotations

import re

_FENCED = re.compile(r"```(?:python)?\n(.*?)```", re.S)


def extract_code(answer: str) -> str:
    """The first fenced Python block of an answer, or the whole answer when there is none."""
    match = _FENCED.search(answer)
    return (match.group(1) if match else answer).strip() + "\n"

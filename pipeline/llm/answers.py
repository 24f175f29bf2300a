"""Reading a model's free-text answer: the code it was asked for, and whether it was complete.

Why here: code generation, the text-only cuts, the repair loop and the echo check all read
model answers the same way; keeping the parser with the model backends lets each of those
stages use it without importing a later stage (codegen used to import it from the sandbox).
"""

from __future__ import annotations

import re
import zlib

_FENCED = re.compile(r"```(?:python)?\n(.*?)```", re.S)
_OPENED = re.compile(r"```(?:python)?\n(.*)", re.S)

# finish reasons of an answer that stopped before it was done: the server's token cap, or the
# stream cut by the client when the answer degenerated into a loop (see ``degenerate``)
CUT_FINISHES = frozenset({"length", "repetition"})
# a failing script shown back to a model: whole up to SHOWN_LINES lines (a compiled 25-cut list is
# ~230), else its head and tail - a script that ran to max_tokens in a loop would fill the context
SHOWN_LINES = 300
SHOWN_TAIL = 60


class Answer(str):
    """A text answer that knows why it ended (``finish_reason``: ``stop``, ``length``,
    ``repetition``, or None when not known, e.g. a recording made before this was kept)."""

    finish_reason: str | None

    def __new__(cls, content: str, finish_reason: str | None = None) -> Answer:
        answer = super().__new__(cls, content)
        answer.finish_reason = finish_reason
        return answer

    @property
    def cut(self) -> bool:
        return self.finish_reason in CUT_FINISHES


def was_cut(answer: str) -> bool:
    return isinstance(answer, Answer) and answer.cut


def extract_code(answer: str) -> str:
    """The first fenced Python block of an answer; the rest of the answer after an opening fence
    that was never closed (an answer cut short); else the whole answer."""
    match = _FENCED.search(answer) or _OPENED.search(answer)
    return (match.group(1) if match else answer).strip() + "\n"


def shown(code: str, max_lines: int = SHOWN_LINES) -> str:
    """``code`` as shown back to a model: whole, or its head and its last ``SHOWN_TAIL`` lines
    around a line saying how many were left out. The tail is kept because the end of a script
    (its ``main()``) matters: a 1.5B model shown only the head returned a script without it."""
    lines = code.rstrip("\n").split("\n")
    if len(lines) <= max_lines:
        return code.rstrip("\n") + "\n"
    head, tail = max_lines - SHOWN_TAIL, SHOWN_TAIL
    hidden = len(lines) - head - tail
    marker = f"# [... {hidden} lines left out here ...]"
    return "\n".join([*lines[:head], marker, *lines[-tail:]]) + "\n"


# A window of generated text that compresses below this ratio is a loop, not code or prose:
# measured on this project's source and on every compiled selection list, 3,000-character
# windows compress to 0.12-0.45 (zlib level 6); a model repeating one line (with a counter, or
# one more "_range" each time) gives 0.01-0.04.
DEGENERATE_WINDOW = 3000
DEGENERATE_RATIO = 0.07


def degenerate(text: str) -> bool:
    """Whether the end of ``text`` is a repetition loop (see ``DEGENERATE_RATIO``)."""
    if len(text) < DEGENERATE_WINDOW:
        return False
    window = text[-DEGENERATE_WINDOW:].encode("utf-8", "replace")
    return len(zlib.compress(window, 6)) < DEGENERATE_RATIO * len(window)

"""Text normalisation with a map back to the original offsets.

PDF text layers differ from what a person (or a model) quotes: line breaks and
hyphenation split words, sub- and superscripts land on their own lines (``p\\nT``),
and the same symbol has several code points (``−`` vs ``-``, ``≥`` vs ``>=``,
``η`` vs ``eta``). Matching is done on a *folded* form in which all of that is
made uniform and all whitespace is dropped; ``Folded.origin`` maps every folded
character back to its offset in the original text so a match becomes a char span.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# symbols folded to ASCII (after NFKC); Greek letters become their names so a
# quote written "|eta| < 2.47" finds "|η| < 2.47" and the other way round
SYMBOLS: dict[str, str] = {
    "\u2212": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u00ad": "",
    "\u2009": " ",
    "\u00a0": " ",
    "\u200b": "",
    "\u2265": ">=",
    "\u2a7e": ">=",
    "\u2264": "<=",
    "\u2a7d": "<=",
    # the single angle quotation marks a PDF text layer gives for < and > ("4.9 \u2039 m < 5.9")
    "\u2039": "<",
    "\u203a": ">",
    "\uff1c": "<",
    "\uff1e": ">",
    "\u226b": ">>",
    "\u226a": "<<",
    "\u00d7": "x",
    "\u00b7": ".",
    "\u2032": "'",
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2248": "~",
    "\u223c": "~",
    "\u00b1": "+-",
    "\u2206": "Delta",
    "\u0394": "Delta",
    "\u03b7": "eta",
    "\u03c6": "phi",
    "\u03d5": "phi",
    "\u03b8": "theta",
    "\u03c3": "sigma",
    "\u03bc": "mu",
    "\u00b5": "mu",
    "\u2113": "l",
    "\u03b3": "gamma",
    "\u03c7": "chi",
    "\u03c4": "tau",
    "\u03c0": "pi",
    "\u03b1": "alpha",
    "\u03b2": "beta",
    "\u221a": "sqrt",
    "\u2192": "->",
    "\u2032\u2032": '"',
    "\u2044": "/",
    "\u2215": "/",
    "\u00b0": " degrees",  # "Delta phi > 150°"
}

_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-z])-\s*\n\s*(?=[a-z])")


@dataclass(frozen=True)
class Folded:
    """A folded string and, for each of its characters, the offset it came from."""

    text: str
    origin: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` covering folded ``[start, end)``."""
        return self.origin[start], self.origin[end - 1] + 1


def fold_char(char: str) -> str:
    if char in SYMBOLS:
        return SYMBOLS[char]
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1 and folded in SYMBOLS:
        return SYMBOLS[folded]
    if folded.isspace():
        return ""
    return folded.lower()


def fold(text: str) -> Folded:
    """Fold ``text``: lower case, ASCII symbols, no whitespace, no hyphens.

    Hyphens go entirely because a line-end hyphen may split a plain word
    ("iso-\\nlation") or a compound ("same-\\nflavour") and the two cannot be told
    apart; the numbers check works on the original text, where signs survive.
    """
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for out in fold_char(char):
            if out.isspace() or out == "-":
                continue
            chars.append(out)
            origin.append(index)
    return Folded("".join(chars), origin)


def fold_plain(text: str) -> str:
    return fold(text).text


def squash(text: str) -> str:
    """One line, single spaces, line-break hyphens removed: a readable quote."""
    text = _HYPHEN_BREAK.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def balanced(text: str) -> bool:
    """Whether every bracket ``text`` opens is closed in it, none before it opens."""
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def top_level(expr: str, word: str) -> list[str]:
    """``expr`` split at each ``word`` (" or ", " and ") outside brackets, parts stripped."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(expr):
        depth += {"(": 1, ")": -1, "[": 1, "]": -1}.get(expr[i], 0)
        if depth == 0 and expr.startswith(word, i):
            out.append(expr[start:i].strip())
            i += len(word)
            start = i
            continue
        i += 1
    out.append(expr[start:].strip())
    return out

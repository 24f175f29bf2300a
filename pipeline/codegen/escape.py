"""Text of a selection list into generated source: string literals, comments, the docstring.

Titles, descriptions, quotes and ids come from papers and models, so none of them may
end a literal, a comment or the docstring early. Ordinary text comes out unchanged (the
scripts of valid lists keep their bytes); what could break out is escaped:

- :func:`py_str`: a string literal (``repr``, in double quotes when that spells the same value);
- :func:`comment_text`: one line for after ``#``: line breaks of any kind become spaces,
  control, surrogate and bidirectional-override characters are written as escapes;
- :func:`docstring_text`: for inside ``\"\"\"...\"\"\"``: backslashes, double quotes and those
  characters escaped, so the docstring reads back as the text itself.
"""

from __future__ import annotations

import unicodedata

# what str.splitlines (and so editors and the reviewer's eye) takes as the end of a line
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# bidirectional controls reorder how a line is displayed ("Trojan Source", CVE-2021-42574)
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def py_str(text: str) -> str:
    """A Python literal equal to ``text``: ``"name"`` for plain text, else ``repr(text)``."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        # no quote of either kind inside (repr would have chosen "..." for a lone '): same escapes
        return f'"{literal[1:-1]}"'
    return literal


def _hidden(ch: str) -> bool:
    """Characters that must not stand raw in generated source (tab is fine)."""
    if ch == "\t":
        return False
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs")


def _escape(ch: str) -> str:
    return repr(ch)[1:-1]  # '\x00', '\u202e', '\ud800'


def comment_text(text: str) -> str:
    """``text`` as one comment line: line breaks -> spaces, hidden characters -> escapes."""
    return "".join(" " if ch in LINE_BREAKS else _escape(ch) if _hidden(ch) else ch for ch in text)


def docstring_text(text: str) -> str:
    """``text`` for inside a triple-double-quoted docstring (which then reads back as ``text``)."""
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch in LINE_BREAKS or _hidden(ch):
            out.append(_escape(ch))
        else:
            out.append(ch)
    return "".join(out)

"""Text normalisation that keeps physics intact.

PDF glyph streams spell the same symbol many ways (math-italic 𝜂, ϕ vs φ, ∆ vs Δ,
µ vs μ, U+2212 minus, ﬁ ligatures, accents emitted before their letter). We map them
to one spelling each so that rules and quotes match, and never drop a symbol that
carries meaning: ``|η| < 2.47``, ``≥ 4 jets``, ``20.3 fb^-1`` survive unchanged.

Conventions of the normalised text: the minus sign is ASCII ``-``; Greek letters and
``ℓ ≥ ≤ × ± √ →`` stay as Unicode; subscripts are written ``_X`` and superscripts
``^X`` (``p_T``, ``E_T^miss``, ``fb^-1``) by the layout code that can see them.
"""

from __future__ import annotations

import re
import unicodedata

_CHAR_MAP = {
    "\u2212": "-",  # minus sign
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u00ad": "",  # soft hyphen
    "\u2206": "Δ",  # increment -> Greek capital delta
    "\u00b5": "μ",  # micro sign -> Greek mu
    "\u03d5": "φ",  # phi symbol -> phi
    "\u03f5": "ε",  # lunate epsilon
    "\u03b5": "ε",
    "\u2113": "ℓ",
    "\u00a0": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u202f": " ",
    "\u200b": "",
    "\ufeff": "",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2032": "'",
    "\u2217": "*",  # asterisk operator (Z*)
    "\u2264": "≤",
    "\u2265": "≥",
    "\u2a7d": "≤",  # slanted less-or-equal
    "\u2a7e": "≥",
    "\u2243": "≃",
    "\u223c": "~",  # tilde operator, as in "~ 125 GeV"
}
_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_TRANSLATE = str.maketrans({**_CHAR_MAP, **_LIGATURES})
# accents that TeX fonts emit as a spacing glyph before the letter they sit on
_SPACING_ACCENTS = {
    "¯": "\u0304",
    "˜": "\u0303",
    "ˆ": "\u0302",
    "˙": "\u0307",
    "¨": "\u0308",
    "´": "\u0301",
    "⃗": "\u20d7",
}
_ACCENT_RE = re.compile(f"([{''.join(_SPACING_ACCENTS)}])\\s?([A-Za-zα-ωΑ-Ω])")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ue000-\uf8ff]")
_SPACES_RE = re.compile(r"[ \t]+")


def _math_alphanumeric(char: str) -> str:
    """𝜂 (U+1D702) -> η: NFKC only for the Mathematical Alphanumeric Symbols block."""
    if "\U0001d400" <= char <= "\U0001d7ff":
        return unicodedata.normalize("NFKC", char)
    return char


def normalize_chars(text: str) -> str:
    """Per-character normalisation; safe on any fragment (a span, a line, a whole text)."""
    text = text.translate(_TRANSLATE)
    if any("\U0001d400" <= c <= "\U0001d7ff" for c in text):
        text = "".join(_math_alphanumeric(c) for c in text)
    text = _CONTROL_RE.sub("", text)
    text = _ACCENT_RE.sub(lambda m: m.group(2) + _SPACING_ACCENTS[m.group(1)], text)
    # a combining accent on its own (dropped letter) would corrupt the next word
    return text


def attach_accents(text: str) -> str:
    """``b¯b`` -> ``bb̄``: a spacing accent joins the letter after it (across span borders)."""
    return _ACCENT_RE.sub(lambda m: m.group(2) + _SPACING_ACCENTS[m.group(1)], text)


def normalize_text(text: str) -> str:
    """Characters, then whitespace: runs of spaces collapse, lines are stripped."""
    text = normalize_chars(text)
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


_WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-]*[A-Za-z]")


def vocabulary(lines: list[str]) -> set[str]:
    """Lower-case words (with their inner hyphens) seen in a document, for de-hyphenation.

    The first word of a line and a word hyphenated at a line end may be fragments
    (``ported``, ``responsi-``), so they do not count.
    """
    words: set[str] = set()
    for line in lines:
        found = _WORD_RE.findall(
            line.rstrip("-") if not line.endswith("-") else line[: line.rfind(" ") + 1]
        )
        words.update(w.lower() for w in found[1:])
    return words


_TAIL_RE = re.compile(r"(?:^|[^A-Za-z\-])((?:[A-Za-z]+-)*)([A-Za-z]+)-$")
_HEAD_RE = re.compile(r"^([A-Za-z]+)")


def _keep_hyphen(prefix: str, first: str, second: str, words: set[str] | None) -> bool:
    """Is the hyphen at ``first-`` + ``second`` part of the word (``top-quark``) or a break?"""
    known = words or set()
    joined = (first + second).lower()
    if second[0].isupper():  # MAD-/GRAPH, Z-/boson: never a plain word break
        return joined not in known
    if joined in known:
        return False
    if f"{prefix}{first}-{second}".lower() in known or f"{first}-{second}".lower() in known:
        return True
    # inside a compound (next-to-/leading) or between two words the document uses on their
    # own (track-/cluster) the hyphen stays; otherwise it splits syllables (mo-/mentum)
    if prefix and second.lower() in known:
        return True
    return len(first) >= 3 and first.lower() in known and second.lower() in known


def join_lines(lines: list[str], words: set[str] | None = None) -> str:
    """Join the lines of one paragraph, undoing end-of-line hyphenation.

    ``mo-`` + ``mentum`` -> ``momentum``; ``top-`` + ``quark`` stays ``top-quark`` when the
    document spells ``top-quark`` (or both words) elsewhere and never spells ``topquark``.
    """
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if not out:
            out = line
            continue
        tail, head = _TAIL_RE.search(out), _HEAD_RE.match(line)
        if tail and head:
            out = (
                out + line
                if _keep_hyphen(tail.group(1), tail.group(2), head.group(1), words)
                else out[:-1] + line
            )
        else:
            out = f"{out} {line}"
    return _SPACES_RE.sub(" ", out)

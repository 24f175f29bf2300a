"""One ADL (CutLang) expression -> the selection language, by text rewriting.

The rewrite is deliberately shallow: the parser and the validator judge the result,
and anything they reject stays a text-only cut with the reason recorded.
"""

from __future__ import annotations

import re

from pipeline.selection.adl_text import (
    FIELD_ALIASES,
    FUNCTION_ALIASES,
    MET_VECTOR_FUNCTIONS,
    split_top,
)

_OBJ = r"[A-Za-z_]\w*"
_INDEXED = rf"({_OBJ})\s*\[\s*(\d+)\s*\]"


def _field(name: str) -> str:
    return FIELD_ALIASES.get(name, name)


# CutLang's comparison words (its lexer: GT, LT, GE, LE, EQ, NE)
_WORD_COMPARISONS = {"GT": ">", "LT": "<", "GE": ">=", "LE": "<=", "EQ": "==", "NE": "!="}


def _logic(text: str) -> str:
    text = text.replace("&&", " and ").replace("||", " or ").replace("^", "**")
    text = re.sub(r"\b(GT|LT|GE|LE|EQ|NE)\b", lambda m: f" {_WORD_COMPARISONS[m.group(1)]} ", text)
    # CutLang's trigger words (the single-electron and single-muon triggers)
    text = re.sub(r"\bTRGe\b", "trig_e", text)
    text = re.sub(r"\bTRGm\b", "trig_m", text)
    # absEta(x): |eta| of x
    text = re.sub(r"\b[Aa][Bb][Ss][Ee][Tt][Aa]\s*\(([^()]*)\)", r"abs(eta(\1))", text)
    text = re.sub(r"\bAND\b", "and", text)
    text = re.sub(r"\bOR\b", "or", text)
    text = re.sub(r"\bNOT\b", "not ", text)
    text = re.sub(r"!(?!=)", "not ", text)
    text = re.sub(rf"\{{({_SEVERAL_OBJECTS})\}}\s*(\w+)", _braced_sum, text)
    return re.sub(r"\{\s*([^{}]+?)\s*\}\s*(\w+)", r"\1.\2", text)


# CutLang ``{a[0] a[1]}m``: a property of the four-vector sum of several indexed objects
_SEVERAL_OBJECTS = rf"\s*{_OBJ}\s*\[\s*\d+\s*\](?:\s*\+?\s*{_OBJ}\s*\[\s*\d+\s*\])+\s*"
_SUM_PROPERTIES = {"m": "m", "M": "m", "pt": "pT", "pT": "pT", "Pt": "pT", "PT": "pT"}


def _braced_sum(match: re.Match[str]) -> str:
    """``{a[0] a[1]}m`` is ``m(a[0] a[1])`` (the mass of the sum), ``{a[0] a[1]}pT`` its pt; any
    other property of a sum is left as written, for the parser to refuse."""
    prop = _SUM_PROPERTIES.get(match.group(2))
    if prop is None:
        return match.group(0)
    return f"{prop}({match.group(1).strip()})"


def _ternary(text: str) -> str | None:
    parts = split_top(text, ("?", ":"))
    if "?" not in parts:
        return None
    cond = parts[0]
    rest = parts[2:]
    then = rest[0]
    # the else branch may hold a ternary of its own: a ? b : c ? d : e is a ? b : (c ? d : e)
    other = "".join(rest[2:]) if len(rest) > 2 and rest[1] == ":" else "ALL"
    c, a, b = (translate_logic(x) for x in (cond, then, other))
    if b.strip() in ("ALL", "True"):
        return f"(not ({c}) or ({a}))"
    if a.strip() in ("ALL", "True"):
        return f"(({c}) or ({b}))"
    return f"((({c}) and ({a})) or ((not ({c})) and ({b})))"


def _ranges(clause: str) -> str:
    """``x [] a b`` -> ``(a <= x <= b)``; ``x ][ a b`` -> ``(x < a or x > b)``."""
    match = re.match(
        r"^(.*?)\s*(\[\]|\]\[)\s*(-?[\d.]+(?:[eE][-+]?\d+)?)\s+(-?[\d.]+(?:[eE][-+]?\d+)?)\s*$",
        clause,
    )
    if not match:
        return clause
    left, op, lo, hi = match.groups()
    left = left.strip()
    if op == "[]":
        return f" ({lo} <= {left} <= {hi}) "
    return f" ({left} < {lo} or {left} > {hi}) "


def translate_logic(text: str) -> str:
    """Conditions and ranges, clause by clause; accessors are left for :func:`accessors`."""
    text = _logic(text).strip()
    ternary = _ternary(text)
    if ternary is not None:
        return ternary
    parts = split_top(text, (" and ", " or "))
    return "".join(p if p in (" and ", " or ") else _ranges(p) for p in parts).strip()


def _abs_bars(text: str) -> str:
    return re.sub(r"\|([^|]+)\|", r"abs(\1)", text)


_OBJECT_LIST = rf"((?:\s*{_OBJ}\s*\[\s*\d+\s*\]\s*\+?)+)"


def _objects_call(name: str, args: str) -> str:
    items = re.findall(rf"{_OBJ}\s*\[\s*\d+\s*\]", args)
    return f"{name}({', '.join(items)})"


def _mass_args(text: str) -> str:
    """``m(a[0] a[1])``, ``m(a[0] + a[1])``: the objects become arguments; ``pT(a[0] a[1])`` ->
    ``pt_of``."""
    text = re.sub(rf"\b[mM]\({_OBJECT_LIST}\)", lambda m: _objects_call("m", m.group(1)), text)
    text = re.sub(rf"\bfHT\(\s*({_OBJ})\s*\)", r"sum(pt(\1))", text)
    multi = rf"\b(?:pT|pt|Pt)\(((?:\s*{_OBJ}\s*\[\s*\d+\s*\]\s*\+?){{2,}})\)"
    return re.sub(multi, lambda m: _objects_call("pt_of", m.group(1)), text)


def accessors(
    text: str,
    *,
    self_names: frozenset[str] = frozenset(),
    met_names: frozenset[str] = frozenset(),
    object_scope: bool = False,
) -> str:
    """Field access in all its ADL spellings -> accessor functions and ``nth``."""
    met = "|".join(sorted(met_names)) or "MET"
    # MET as an argument of dR/dPhi/fMT... is the missing-momentum object met_vec (the sign kept:
    # -MET has no counterpart and is refused by the validator, never silently flipped)
    vector_calls = "|".join(MET_VECTOR_FUNCTIONS)
    text = re.sub(
        rf"\b((?:{vector_calls})\s*\([^()]*?)(-?)\b(?:{met})\b(?!\s*\.)", r"\1\2METLV", text
    )
    text = re.sub(r"\bMETLV\s*\[\s*0\s*\]", "METLV", text)
    text = re.sub(
        rf"\b({_OBJ})\s*\[\s*0\s*:\s*(\d+)\s*\]",
        lambda m: f"first_n({m.group(1)}, {int(m.group(2)) + 1})",
        text,
    )
    text = re.sub(
        rf"\b(?:{met})\s*\.\s*(?:pT|pt|PT|Pt|MET)\b", "met", text
    )  # Delphes: MissingET.MET
    text = re.sub(rf"\b(?:{met})\s*\.\s*(?:phi|Phi)\b", "met_phi", text)
    text = re.sub(r"\b(?:phi|Phi)\s*\(\s*METLV\s*\[\s*0\s*\]\s*\)", "met_phi", text)
    text = re.sub(r"\b(?:pT|pt|Pt)\s*\(\s*METLV\s*\[\s*0\s*\]\s*\)", "met", text)
    if self_names:
        own = "|".join(sorted(self_names, key=len, reverse=True))
        text = re.sub(rf"\b(\w+)\s*\(\s*(?:{own})\s*\)", lambda m: _field(m.group(1)), text)
        text = re.sub(rf"\b(?:{own})\s*\.\s*(\w+)", lambda m: _field(m.group(1)), text)
    text = _mass_args(text)
    text = re.sub(
        rf"{_INDEXED}\s*\.\s*(\w+)",
        lambda m: f"nth({_field(m.group(3))}({m.group(1)}), {m.group(2)})",
        text,
    )
    text = re.sub(rf"\b({_OBJ})\s*\.\s*size\b", r"count(\1)", text)
    text = re.sub(
        rf"\b({_OBJ})\s*\.\s*(\w+)", lambda m: f"{_field(m.group(2))}({m.group(1)})", text
    )
    text = re.sub(
        rf"\b(\w+)\s*\(\s*{_INDEXED}\s*\)",
        lambda m: (
            f"nth({_call(m.group(1))}({m.group(2)}), {m.group(3)})"
            if _is_field(m.group(1))
            else f"{_call(m.group(1))}(nth({m.group(2)}, {m.group(3)}))"
        ),
        text,
    )
    text = re.sub(_INDEXED, r"nth(\1, \2)", text)
    text = re.sub(r"\b(\w+)\s*\(", lambda m: _call(m.group(1)) + "(", text)
    text = re.sub(rf"\b(?:{met})\b(?!\s*[\(\[])", "met", text)
    if object_scope:
        text = re.sub(r"\b(\w+)\b(?!\s*\()", lambda m: _field(m.group(1)), text)
    if self_names:  # dR(Jet, leptons) in the jets' block: the distance to the closest lepton
        own = "|".join(sorted(self_names, key=len, reverse=True))
        text = re.sub(rf"\bdelta_r\(\s*(?:{own})\s*,\s*(\w+)\s*\)", r"min_delta_r(\1)", text)
        text = re.sub(rf"\bdelta_r\(\s*(\w+)\s*,\s*(?:{own})\s*\)", r"min_delta_r(\1)", text)
    text = re.sub(r"\bMETLV\b", "met_vec", text)
    # dphi(x, -MET): the direction opposite to the missing momentum
    text = re.sub(
        r"\bdelta_phi\(([^()]*(?:\([^()]*\)[^()]*)*),\s*-met_vec\s*\)",
        r"(3.141592653589793 - delta_phi(\1, met_vec))",
        text,
    )
    text = _one_argument_extrema(text)
    return re.sub(r"\b(?:ALL|All|all)\b(?!\s*\()", "True", text)


def _one_argument_extrema(text: str) -> str:
    """ADL's ``min(list)`` / ``max(list)`` reduce a list: ``min_of`` / ``max_of`` (two or more
    arguments stay the elementwise min / max)."""
    out, i = [], 0
    for match in re.finditer(r"\b(min|max)\(", text):
        depth, j, commas = 1, match.end(), 0
        while j < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            commas += text[j] == "," and depth == 1
            j += 1
        if commas == 0:
            out.append(text[i : match.start()] + f"{match.group(1)}_of(")
            i = match.end()
    return "".join(out) + text[i:]


def _is_field(name: str) -> bool:
    return name in FIELD_ALIASES


def _call(name: str) -> str:
    if name in FUNCTION_ALIASES:
        return FUNCTION_ALIASES[name]
    return FIELD_ALIASES.get(name, name)


def translate(
    text: str,
    *,
    self_names: frozenset[str] = frozenset(),
    met_names: frozenset[str] = frozenset(),
    object_scope: bool = False,
) -> str:
    """An ADL expression in the selection language (not yet checked: parse it)."""
    text = _abs_bars(_logic(text))
    text = translate_logic(text)
    text = accessors(text, self_names=self_names, met_names=met_names, object_scope=object_scope)
    return re.sub(r"\s+", " ", text).strip()

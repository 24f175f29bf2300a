"""Reductions, element access, math and the other small functions of the language."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial, reduce
from typing import Any

import awkward as ak
import numpy as np

from pipeline.runtime import candidates as fc
from pipeline.runtime.candidates import Cands, elementwise
from pipeline.runtime.flat import nth_flat, on_flat


def _is_ak(*xs: Any) -> bool:
    return any(isinstance(x, ak.Array) for x in xs)


def _flat(x: Any, how: str) -> Any:
    """The reduction on Cands, or None (awkward then does it, on awkward arrays)."""
    return fc.reduce_lists(x, how) if isinstance(x, Cands) else None


def _reduced(x: Any, how: str, awkward: Any) -> Any:
    flat = _flat(x, how)
    if flat is not None:
        return flat
    return fc.adopt(awkward(fc.to_awkward(x)), x) if isinstance(x, Cands) else awkward(x)


def sum_(x: Any) -> Any:
    return _reduced(x, "sum", lambda a: ak.sum(a, axis=-1))


def any_(x: Any) -> Any:
    return _reduced(x, "any", lambda a: ak.any(a, axis=-1))


def all_(x: Any) -> Any:
    return _reduced(x, "all", lambda a: ak.all(a, axis=-1))


def min_of(x: Any) -> Any:
    """Innermost minimum; an empty list gives +inf."""
    return _reduced(x, "min", lambda a: ak.fill_none(ak.min(a, axis=-1), np.inf))


def max_of(x: Any) -> Any:
    return _reduced(x, "max", lambda a: ak.fill_none(ak.max(a, axis=-1), -np.inf))


def nth(x: Any, i: int) -> Any:
    """Element ``i`` of the innermost list; missing gives NaN so every comparison fails.

    Of a list of objects the element is an object, or None where the list is too short
    (a record has no NaN); quantities of a missing object are None and cuts on them fail.
    """
    index = int(i)
    if isinstance(x, Cands):
        got = fc.nth_entry(x, index)
        return got if got is not None else fc.adopt(nth(x.to_awkward(), index), x)
    flat = nth_flat(x, index)
    if flat is not None:
        return flat
    padded = ak.pad_none(x, index + 1, axis=-1)
    if ak.fields(
        x
    ):  # objects: a missing one is None (its fields, masses... are None, never a number)
        return padded[..., index]
    return ak.fill_none(padded[..., index], np.nan)


def sort_desc(x: Any) -> Any:
    if isinstance(x, Cands):
        return fc.adopt(sort_desc(x.to_awkward()), x)
    return ak.sort(x, axis=-1, ascending=False)


def mean(x: Any) -> Any:
    """Innermost mean; an empty list gives NaN (so every comparison fails)."""
    total = sum_(x)
    n = _reduced(0 * x + 1, "sum", lambda a: ak.sum(a, axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / n


def _step(x: Any) -> Any:
    return np.heaviside(x, 1.0)


def interp(x: Any, xs: Sequence[float], ys: Sequence[float]) -> Any:
    """Piecewise-linear through (xs, ys), constant beyond the ends; ufuncs keep any depth."""
    if len(xs) != len(ys) or not xs:
        raise ValueError("interp needs two lists of the same non-zero length")
    if isinstance(x, Cands):
        return fc.apply(partial(_interp, xs=xs, ys=ys), x)
    return on_flat(partial(_interp, xs=xs, ys=ys), x)


def _interp(x: Any, xs: Sequence[float], ys: Sequence[float]) -> Any:
    y = ys[0] + 0.0 * x
    for (x0, y0), (x1, y1) in zip(
        zip(xs, ys, strict=True), zip(xs[1:], ys[1:], strict=True), strict=False
    ):
        slope = (y1 - y0) / (x1 - x0)
        y = y + slope * (np.minimum(np.maximum(x, x0), x1) - x0)
    return y


def where(cond: Any, a: Any, b: Any) -> Any:
    if any(isinstance(x, Cands) for x in (cond, a, b)):
        return fc.apply(np.where, cond, a, b, fallback=ak.where)
    if _is_ak(cond, a, b):
        return ak.where(cond, a, b)
    return np.where(cond, a, b)


def isin(x: Any, values: Sequence[float]) -> Any:
    result = x == values[0]
    for value in values[1:]:
        result = result | (x == value)
    return result


MATH: dict[str, Any] = {
    "abs": elementwise(np.abs),
    "sqrt": elementwise(np.sqrt),
    "exp": elementwise(np.exp),
    "log": elementwise(np.log),
    "sin": elementwise(np.sin),
    "cos": elementwise(np.cos),
    "tan": elementwise(np.tan),
    "atan": elementwise(np.arctan),
    "atan2": elementwise(np.arctan2),
    "sinh": elementwise(np.sinh),
    "cosh": elementwise(np.cosh),
    "tanh": elementwise(np.tanh),
    "hypot": elementwise(np.hypot),
    "step": elementwise(_step),
    "min": lambda *xs: reduce(elementwise(np.minimum), xs),
    "max": lambda *xs: reduce(elementwise(np.maximum), xs),
}

"""Reductions, element access, math and the other small functions of the language."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial, reduce
from typing import Any

import awkward as ak
import numpy as np

from pipeline.runtime.flat import nth_flat, on_flat


def _is_ak(*xs: Any) -> bool:
    return any(isinstance(x, ak.Array) for x in xs)


def sum_(x: Any) -> Any:
    return ak.sum(x, axis=-1)


def any_(x: Any) -> Any:
    return ak.any(x, axis=-1)


def all_(x: Any) -> Any:
    return ak.all(x, axis=-1)


def min_of(x: Any) -> Any:
    """Innermost minimum; an empty list gives +inf."""
    return ak.fill_none(ak.min(x, axis=-1), np.inf)


def max_of(x: Any) -> Any:
    return ak.fill_none(ak.max(x, axis=-1), -np.inf)


def nth(x: Any, i: int) -> Any:
    """Element ``i`` of the innermost list; missing gives NaN so every comparison fails."""
    index = int(i)
    flat = nth_flat(x, index)
    if flat is not None:
        return flat
    padded = ak.pad_none(x, index + 1, axis=-1)
    return ak.fill_none(padded[..., index], np.nan)


def sort_desc(x: Any) -> Any:
    return ak.sort(x, axis=-1, ascending=False)


def interp(x: Any, xs: Sequence[float], ys: Sequence[float]) -> Any:
    """Piecewise-linear through (xs, ys), constant beyond the ends; ufuncs keep any depth."""
    if len(xs) != len(ys) or not xs:
        raise ValueError("interp needs two lists of the same non-zero length")
    return on_flat(partial(_interp, xs=xs, ys=ys), x)


def _interp(x: Any, xs: Sequence[float], ys: Sequence[float]) -> Any:
    y = ys[0] + 0.0 * x
    for (x0, y0), (x1, y1) in zip(zip(xs, ys, strict=True), zip(xs[1:], ys[1:], strict=True), strict=False):
        slope = (y1 - y0) / (x1 - x0)
        y = y + slope * (np.minimum(np.maximum(x, x0), x1) - x0)
    return y


def where(cond: Any, a: Any, b: Any) -> Any:
    if _is_ak(cond, a, b):
        return ak.where(cond, a, b)
    return np.where(cond, a, b)


def isin(x: Any, values: Sequence[float]) -> Any:
    result = x == values[0]
    for value in values[1:]:
        result = result | (x == value)
    return result


MATH: dict[str, Any] = {
    "abs": np.abs,
    "sqrt": np.sqrt,
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "atan": np.arctan,
    "atan2": np.arctan2,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "tanh": np.tanh,
    "hypot": np.hypot,
    "min": lambda *xs: reduce(np.minimum, xs),
    "max": lambda *xs: reduce(np.maximum, xs),
}

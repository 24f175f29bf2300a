"""Units of the selection list: every number is stored in GeV, mm, rad or fb-1.

Papers quote MeV, TeV, micrometres, pb-1 and degrees; a cut given in any of these is
converted once, on input, so that nothing downstream ever multiplies by 1000 again.
A unit nobody knows, or an energy unit on a dimensionless quantity such as eta, is a
mistake worth stopping for: it means the cut was misread.
"""

from __future__ import annotations

import math

from pipeline.errors import SelectionError, closest_names
from pipeline.selection.fields import Dimension

# unit spelling -> (dimension, factor to the canonical unit of that dimension)
_UNITS: dict[str, tuple[str, float]] = {
    "eV": ("energy", 1e-9),
    "keV": ("energy", 1e-6),
    "MeV": ("energy", 1e-3),
    "GeV": ("energy", 1.0),
    "TeV": ("energy", 1e3),
    "nm": ("length", 1e-6),
    "um": ("length", 1e-3),
    "µm": ("length", 1e-3),
    "μm": ("length", 1e-3),
    "micron": ("length", 1e-3),
    "mm": ("length", 1.0),
    "cm": ("length", 10.0),
    "m": ("length", 1e3),
    "rad": ("angle", 1.0),
    "mrad": ("angle", 1e-3),
    "deg": ("angle", math.pi / 180.0),
    "degree": ("angle", math.pi / 180.0),
    "ab-1": ("luminosity", 1e3),
    "fb-1": ("luminosity", 1.0),
    "pb-1": ("luminosity", 1e-3),
    "nb-1": ("luminosity", 1e-6),
}

CANONICAL: dict[str, str] = {"energy": "GeV", "length": "mm", "angle": "rad", "luminosity": "fb-1"}

# dimensions of pipeline/selection/fields.py that carry no unit
UNITLESS: frozenset[str] = frozenset({"none", "count", "bool", "id"})

_NO_UNIT = {"", "none", "1", "dimensionless"}


def _spelling(unit: str) -> str:
    """Accept the usual variants: 'GeV/c^2', 'fb^-1', '1/fb', 'fb^{-1}', 'mum'."""
    text = unit.strip().replace(" ", "")
    for suffix in ("/c^2", "/c2", "/c"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    for inverse in ("^-1", "^{-1}", "⁻¹", "-1"):
        if text.endswith(inverse):
            return text[: -len(inverse)] + "-1"
    if text.startswith("1/"):
        return text[2:] + "-1"
    return {"mum": "um", "microns": "um", "degrees": "deg", "radians": "rad"}.get(text, text)


def parse_unit(unit: str | None) -> tuple[str, float] | None:
    """``(dimension, factor to canonical)`` of ``unit``; ``None`` for no unit.

    Raises :class:`SelectionError` (with the closest known spellings) for an unknown unit.
    """
    if unit is None or unit.strip().lower() in _NO_UNIT:
        return None
    spelling = _spelling(unit)
    if spelling in _UNITS:
        return _UNITS[spelling]
    lowered = {name.lower(): name for name in _UNITS}
    if spelling.lower() in lowered and spelling.lower() not in {"mev", "m"}:
        return _UNITS[lowered[spelling.lower()]]
    close = closest_names(spelling, list(_UNITS))
    raise SelectionError(
        f"unknown unit {unit!r}",
        hint="use one of GeV, mm, rad, fb-1 (or MeV, TeV, um, cm, deg, pb-1 ...)"
        + (f"; did you mean {', '.join(close)}?" if close else ""),
    )


def canonical_unit(unit: str | None) -> str | None:
    """The canonical spelling for ``unit``'s dimension ('MeV' -> 'GeV'); ``None`` for no unit."""
    parsed = parse_unit(unit)
    return None if parsed is None else CANONICAL[parsed[0]]


def unit_dimension(unit: str | None) -> str | None:
    parsed = parse_unit(unit)
    return None if parsed is None else parsed[0]


def to_canonical(value: float, unit: str | None) -> float:
    """``value`` given in ``unit``, expressed in the canonical unit of its dimension."""
    parsed = parse_unit(unit)
    if parsed is None:
        return value
    converted = value * parsed[1]
    # 7000 MeV must become exactly 7 GeV, not 7.000000000000001
    return float(f"{converted:.12g}")


def convert_values(
    value: float | list[float] | None, unit: str | None
) -> float | list[float] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return [to_canonical(float(v), unit) for v in value]
    return to_canonical(float(value), unit)


def unit_for_dimension(dimension: Dimension | str) -> str | None:
    """The unit a quantity of this fields.py dimension is stored in (``None`` for unitless)."""
    return CANONICAL.get(dimension)


def check_unit_fits(unit: str | None, dimension: Dimension | str, what: str) -> str | None:
    """A message when ``unit`` cannot describe a quantity of ``dimension``; ``None`` when it
    fits."""
    given = unit_dimension(unit)
    if given is None:
        return None
    if dimension in UNITLESS:
        return f"{what} is dimensionless ({dimension}) but the cut has unit {unit!r}"
    if given != dimension:
        return (
            f"{what} is {dimension} (unit {CANONICAL.get(dimension)}) but the cut has unit "
            f"{unit!r} ({given})"
        )
    return None

"""Units: conversion to GeV / mm / rad / fb-1 on input, and unit mistakes rejected."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from pipeline.errors import SelectionError
from pipeline.selection.models import Cut
from pipeline.selection.units import canonical_unit, check_unit_fits, parse_unit, to_canonical


@pytest.mark.parametrize(
    ("value", "unit", "expected", "canonical"),
    [
        (7000, "MeV", 7.0, "GeV"),
        (7, "GeV", 7.0, "GeV"),
        (1.5, "TeV", 1500.0, "GeV"),
        (500, "um", 0.5, "mm"),
        (500, "µm", 0.5, "mm"),
        (0.05, "cm", 0.5, "mm"),
        (36100, "pb-1", 36.1, "fb-1"),
        (36.1, "fb^-1", 36.1, "fb-1"),
        (36.1, "1/fb", 36.1, "fb-1"),
        (180, "deg", math.pi, "rad"),
        (125, "GeV/c^2", 125.0, "GeV"),
    ],
)
def test_conversion_to_canonical(value: float, unit: str, expected: float, canonical: str) -> None:
    assert to_canonical(value, unit) == pytest.approx(expected)
    assert canonical_unit(unit) == canonical


def test_exact_decimal_results() -> None:
    # 7000 MeV must be 7 GeV exactly, so that printed cuts and diffs stay clean
    assert to_canonical(7000, "MeV") == 7.0
    assert to_canonical(500, "um") == 0.5


@pytest.mark.parametrize("unit", [None, "", "none", "dimensionless"])
def test_no_unit(unit: str | None) -> None:
    assert parse_unit(unit) is None
    assert to_canonical(2.47, unit) == 2.47


@pytest.mark.parametrize("unit", ["MeVV", "furlong", "GeVV", "kg"])
def test_unknown_unit_is_rejected_with_suggestions(unit: str) -> None:
    with pytest.raises(SelectionError, match="unknown unit") as info:
        parse_unit(unit)
    assert "GeV" in (info.value.hint or "")


def test_structured_cut_values_are_converted_on_input() -> None:
    cut = Cut(id="a", description="", variable="pt", op="between", value=[7000, 20000], unit="MeV")
    assert cut.value == [7.0, 20.0]
    assert cut.unit == "GeV"
    cut = Cut(id="b", description="", variable="d0", op="<", value=1000, unit="um")
    assert (cut.value, cut.unit) == (1.0, "mm")


def test_expression_cut_in_non_canonical_unit_is_rejected() -> None:
    with pytest.raises(ValidationError, match="canonical units"):
        Cut(id="a", description="", expr="pt > 7000", unit="MeV")


def test_unknown_unit_on_a_cut_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="unknown unit 'GeVV'"):
        Cut(id="a", description="", variable="pt", op=">", value=7, unit="GeVV")


@pytest.mark.parametrize(
    ("unit", "dimension", "fits"),
    [
        ("GeV", "energy", True),
        ("GeV", "none", False),
        ("mm", "energy", False),
        ("mm", "length", True),
        (None, "energy", True),
        ("rad", "angle", True),
        ("GeV", "bool", False),
    ],
)
def test_unit_fits_dimension(unit: str | None, dimension: str, fits: bool) -> None:
    assert (check_unit_fits(unit, dimension, "x") is None) is fits

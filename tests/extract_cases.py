"""The two checks every extraction class suite makes of a synthetic sentence: the wrong readings
of a class are not verified, and the right ones are."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.selection.models import SelectionList
from tests.test_extract_battery_classes import _verified
from tests.test_extract_support_classes import _extracted

Verified = Callable[[SelectionList], set[str]]


def assert_not_verified(
    name: str, sentence: str, wrong: list[str], of: Verified = _verified
) -> None:
    """None of ``wrong`` ('jets: pt > 30', 'event: met > 200') is among the verified cuts."""
    verified = of(_extracted(sentence))
    assert not verified & set(wrong), (name, sorted(verified))


def assert_verified(name: str, sentence: str, right: list[str], of: Verified = _verified) -> None:
    """Every one of ``right`` is among the verified cuts."""
    verified = of(_extracted(sentence))
    assert set(right) <= verified, (name, sorted(verified))

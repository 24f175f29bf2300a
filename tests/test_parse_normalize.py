"""Text normalisation, de-hyphenation, citation markers and headings: cases and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.parse.normalize import join_lines, normalize_chars, normalize_text, vocabulary
from pipeline.parse.structure import expand_keys, heading_level, reference_from_text, split_heading


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u2212 2.5 < \U0001d702 < 2.5", "- 2.5 < η < 2.5"),
        ("\u2206R < 0.4 and \u03d5", "ΔR < 0.4 and φ"),
        ("e\ufb03ciency \ufb01nal \ufb02ow", "efficiency final flow"),
        ("\u00b5+jets", "μ+jets"),
        ("\u2265 4 jets, \u2264 2 b-tags, 2 \u00d7 10", "≥ 4 jets, ≤ 2 b-tags, 2 × 10"),
        ("t\u00aft events", "tt\u0304 events"),  # the bar belongs to the second t
        ("20.3 fb\u22121", "20.3 fb-1"),
        ("\u2113\u2113 pairs", "ℓℓ pairs"),
        ("a\u00a0b\u2009c", "a b c"),
    ],
)
def test_physics_characters(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("lines", "words", "expected"),
    [
        (["transverse mo-", "mentum"], set(), "transverse momentum"),
        (["dominated by top-", "quark pairs"], {"top-quark"}, "dominated by top-quark pairs"),
        (["the W-", "boson mass"], {"w-boson"}, "the W-boson mass"),
        (["MAD-", "GRAPH [21]"], {"madgraph"}, "MADGRAPH [21]"),
        (["a line", "", "  another  line "], None, "a line another line"),
        (["ends with minus -", "2.5"], set(), "ends with minus - 2.5"),
        (["at next-to-", "leading order"], {"leading"}, "at next-to-leading order"),
        (["the track-", "cluster match"], {"track", "cluster"}, "the track-cluster match"),
        (
            ["the track-", "cluster match"],
            {"track", "cluster", "trackcluster"},
            "the trackcluster match",
        ),
    ],
)
def test_join_lines(lines: list[str], words: set[str] | None, expected: str) -> None:
    assert join_lines(lines, words) == expected


def test_vocabulary_keeps_inner_hyphens() -> None:
    words = vocabulary(["the top-quark pair produc-", "tion is large"])
    assert {"top-quark", "pair"} <= words and "produc" not in words and "tion" not in words


@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert "\u2212" not in once and "\ufb01" not in once


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_normalize_chars_never_grows_wildly(text: str) -> None:
    assert len(normalize_chars(text)) <= 3 * len(text)


@pytest.mark.parametrize(
    ("inner", "keys"),
    [
        ("12", ["12"]),
        ("12-14", ["12", "13", "14"]),
        ("3,7", ["3", "7"]),
        ("28–33", ["28", "29", "30", "31", "32", "33"]),
        ("39– 41, 5", ["39", "40", "41", "5"]),
    ],
)
def test_expand_keys(inner: str, keys: list[str]) -> None:
    assert expand_keys(inner) == keys


@given(st.integers(1, 500), st.integers(0, 20))
def test_expand_range_property(start: int, width: int) -> None:
    keys = expand_keys(f"{start}-{start + width}")
    assert keys == [str(k) for k in range(start, start + width + 1)]


@pytest.mark.parametrize(
    ("text", "number", "title", "level"),
    [
        ("IV. EVENT SELECTION", "IV", "EVENT SELECTION", 1),
        ("4.1 Object definitions", "4.1", "Object definitions", 2),
        ("A. Event Reconstruction", "A", "Event Reconstruction", 2),
        ("References", None, "References", 1),
    ],
)
def test_headings(text: str, number: str | None, title: str, level: int) -> None:
    assert split_heading(text) == (number, title)
    assert heading_level(number, roman_top=True) == level


def test_reference_fields() -> None:
    ref = reference_from_text(
        "3",
        'J. Wess, "Supergauge transformations in four dimensions", '
        "Nucl. Phys. B 70 (1974) 39, doi:10.1016/0550-3213(74)90355-1, "
        "arXiv:hep-th/0101001.",
    )
    assert ref.doi == "10.1016/0550-3213(74)90355-1"
    assert ref.arxiv_id == "hep-th/0101001"
    assert ref.title == "Supergauge transformations in four dimensions"

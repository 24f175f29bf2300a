"""Recall/precision matching of selection lists (pipeline.audit.matching): ADL gold, operators,
values."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.audit.matching import cut_key, load_reference, matches, score
from pipeline.errors import UsageError
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, SelectionList
from tests.conftest import shared_path

COLLECTIONS = {"electrons": "electron", "muons": "muon", "leptons": "lepton", "quads": "other"}


def _cut(cut_id: str, **kw: object) -> Cut:
    prov = {"source": "hand", "document": "test"}
    return Cut.model_validate({"id": cut_id, "description": cut_id, "provenance": prov, **kw})


def _list(object_cuts: list[Cut], event_cuts: list[Cut] = ()) -> SelectionList:  # type: ignore[assignment]
    return SelectionList(
        paper=PaperRef(id="test"),
        objects=[PhysicsObject(name="electrons", kind="electron", cuts=object_cuts)],
        selection=list(event_cuts),
    )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            {"scope": "object", "target": "electrons", "variable": "pt", "op": ">", "value": 7},
            {"scope": "object", "target": "electrons", "variable": "pt", "op": ">=", "value": 7.0},
            True,
        ),
        (
            {"scope": "object", "target": "leptons", "variable": "pt", "op": ">", "value": 7},
            {"scope": "object", "target": "electrons", "variable": "pt", "op": ">", "value": 7},
            True,
        ),
        (
            {"scope": "object", "target": "electrons", "variable": "pt", "op": ">", "value": 7},
            {"scope": "object", "target": "electrons", "variable": "pt", "op": "<", "value": 7},
            False,
        ),
        (
            {"scope": "object", "target": "electrons", "variable": "pt", "op": ">", "value": 7.005},
            {"scope": "object", "target": "electrons", "variable": "pt", "op": ">", "value": 7},
            True,
        ),
        (
            {"scope": "object", "target": "electrons", "variable": "pt", "op": ">", "value": 7.1},
            {"scope": "object", "target": "electrons", "variable": "pt", "op": ">", "value": 7},
            False,
        ),
        (
            {"expr": "50 < m12 < 106"},
            {"variable": "m12", "op": "between", "value": [50, 106]},
            True,
        ),
        ({"expr": "count(leptons) >= 4"}, {"expr": "count(leptons) > 4"}, True),
        (
            {"expr": "count(leptons) >= 4"},
            {"expr": "count(muons) >= 4"},
            True,
        ),  # leptons = both flavours
        ({"expr": "count(muons) >= 4"}, {"expr": "count(leptons) >= 4"}, False),
        ({"expr": "count(muons) >= 4"}, {"expr": "count(muons) == 4"}, False),
    ],
)
def test_keys_match_on_object_quantity_direction_and_value(a: dict, b: dict, same: bool) -> None:  # type: ignore[type-arg]
    ka, kb = cut_key(_cut("a", **a), COLLECTIONS), cut_key(_cut("b", **b), COLLECTIONS)
    assert ka is not None and kb is not None
    assert matches(ka, kb) is same


@given(
    st.floats(min_value=0.5, max_value=1e4, allow_nan=False),
    st.sampled_from([">", ">=", "<", "<="]),
)
def test_structured_and_written_out_forms_match(value: float, op: str) -> None:
    structured = _cut("a", variable="met", op=op, value=value)
    written = _cut("b", expr=f"met {op} {value!r}")
    assert matches(cut_key(structured, COLLECTIONS), cut_key(written, COLLECTIONS))  # type: ignore[arg-type]


def test_recall_and_precision_with_missed_and_unmatched_cuts() -> None:
    ref = _list(
        [
            _cut("pt", scope="object", target="electrons", variable="pt", op=">", value=7),
            _cut(
                "eta",
                scope="object",
                target="electrons",
                variable="eta",
                abs=True,
                op="<",
                value=2.47,
            ),
        ],
        [_cut("n", expr="count(electrons) >= 2"), _cut("words", text="a good vertex")],
    )
    got = _list(
        [
            _cut("pt", scope="object", target="electrons", variable="pt", op=">", value=7),
            _cut("bad", scope="object", target="electrons", variable="pt", op=">", value=99),
        ]
    )
    s = score(got, ref)
    assert (s.reference, s.extracted, s.matched_reference, s.matched_extracted) == (3, 2, 1, 1)
    assert (s.recall, s.precision, s.missed, s.unmatched) == (0.333, 0.5, ["eta", "n"], ["bad"])


@pytest.mark.parametrize("name", ["CMS-SUS-16-035", "CMS-SUS-16-047"])
def test_adl_gold_matches_itself(name: str) -> None:
    folder = shared_path("corpus", "adl", name)
    gold = load_reference(next(folder.glob("*_CutLang.adl")))
    s = score(gold, gold)
    assert s.reference > 4 and s.recall == 1.0 and s.precision == 1.0


def test_unknown_reference_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a selection list"):
        load_reference(tmp_path / "gold.yaml")

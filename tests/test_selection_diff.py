"""Semantic diff: by id, across forms, with tolerance, order only where it matters."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.selection.diff import diff_selections, forms_equal
from pipeline.selection.models import SelectionList
from pipeline.selection.store import load_selection

HZZ = (
    Path(__file__).resolve().parents[1] / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"
)


@pytest.fixture
def hzz() -> SelectionList:
    return load_selection(HZZ)


def _edit(sel: SelectionList, change) -> SelectionList:  # type: ignore[no-untyped-def]
    data = sel.model_dump(mode="json")
    change(data)
    return SelectionList.model_validate(data)


def test_identical(hzz: SelectionList) -> None:
    assert diff_selections(hzz, hzz).identical


def test_structured_versus_expression_is_no_change(hzz: SelectionList) -> None:
    def to_expr(d):  # type: ignore[no-untyped-def]
        d["objects"][0]["cuts"][1].update(
            variable=None, op=None, value=None, abs=False, expr="abs(eta) < 2.47"
        )

    assert diff_selections(hzz, _edit(hzz, to_expr)).identical


def test_numeric_tolerance(hzz: SelectionList) -> None:
    def nudge(d):  # type: ignore[no-untyped-def]
        d["objects"][0]["cuts"][0]["value"] = 7.0000001

    b = _edit(hzz, nudge)
    assert diff_selections(hzz, b, tolerance=1e-6).identical
    result = diff_selections(hzz, b, tolerance=1e-12)
    assert [c.id for c in result.changed] == ["el_pt"] and result.changed[0].machine_form_changed


def test_added_removed_changed_and_order(hzz: SelectionList) -> None:
    def edit(d):  # type: ignore[no-untyped-def]
        sel = d["selection"]
        sel[5], sel[6] = sel[6], sel[5]
        sel.pop(0)
        sel.append({"id": "extra", "description": "x", "expr": "met > 10"})
        sel[-2]["expr"] = "115 < m4l < 130"
        d["objects"][0]["cuts"][0]["provenance"]["page"] = 7
        d["assumptions"].reverse()  # order carries no meaning here
        d["notes"].reverse()
        d["assumptions"][0]["choice"] = "something else"

    result = diff_selections(hzz, _edit(hzz, edit))
    assert result.removed == ["trigger"] and result.added == ["extra"]
    changed = {c.id: c for c in result.changed}
    assert set(changed) == {"mass_window", "el_pt"}
    assert changed["mass_window"].new_form == "115 < m4l < 130"
    assert not changed["el_pt"].machine_form_changed
    assert changed["el_pt"].changes[0].path == "provenance.page"
    assert result.cutflow_order_changed
    assert [(e.kind, e.name, e.status) for e in result.entities] == [
        ("assumption", "fsr_recovery", "changed")
    ]


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ("50 < m12 < 106", "m12 > 50 and m12 < 106", True),
        ("x > 5", "5 < x", True),
        ("x > 5", "x >= 5", False),
        ("a and (b and c)", "(a and b) and c", True),
        ("a or b", "a and b", False),
        (None, None, True),
    ],
)
def test_forms_equal(a: str | None, b: str | None, equal: bool) -> None:
    assert forms_equal(a, b) is equal

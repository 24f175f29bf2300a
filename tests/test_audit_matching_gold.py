"""The one scorer (pipeline.audit.matching) on what scripts/eval_extraction.py feeds it: ADL lines,
hand-written gold lists, '!=', expressions keyed by their numbers, and the precision of verified
cuts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.audit.matching import cut_key, keys_of, load_gold, matches, parse_adl, score_keys
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, SelectionList

GOLD = Path(__file__).parent / "gold"
KINDS = {
    "electrons": "electron",
    "muons": "muon",
    "leptons": "lepton",
    "jets": "jet",
    "bjets": "bjet",
}


def _cut(cut_id: str, status: str = "verified", **form: object) -> Cut:
    return Cut.model_validate(
        {
            "id": cut_id,
            "description": cut_id,
            "status": status,
            "provenance": {"source": "paper", "document": "t", "quote": "q"},
            **form,
        }
    )


@pytest.mark.parametrize(
    ("form", "key"),
    [
        ({"variable": "met", "op": "!=", "value": 0}, ("event", "met", "ne", (0.0,))),
        ({"expr": "count(bjets) != 0"}, ("bjet", "count", "ne", (0.0,))),
        ({"expr": "nth(sort_desc(pt(leptons)), 1) > 15"}, ("lepton", "pt#1", "lower", (15.0,))),
        ({"variable": "wt", "op": ">", "value": 30}, ("event", "mt", "lower", (30.0,))),
        (
            {"expr": "min_of(abs(mass(sfos_pairs(leptons)) - 91.1876)) < 15"},
            ("event", "expr", "expr", (15.0,)),
        ),
        (
            {
                "scope": "candidate",
                "target": "quads",
                "expr": "interp(m4l, [120, 190], [17.5, 50]) < m34 < 115",
            },
            ("event", "expr", "expr", (17.5, 50.0, 115.0, 120.0, 190.0)),
        ),
    ],
)
def test_cut_keys(form: dict, key: tuple) -> None:  # type: ignore[type-arg]
    assert cut_key(_cut("c", **form), KINDS) == key


def test_adl_lines_with_not_equal_and_ranges() -> None:
    gold = parse_adl(
        "object jets\n  take Jet\n  select pT(Jet) > 30\nregion SR\n  select MET != 0\n"
        "  select size(jets) [] 2 4\n  select Size(jets) >= 0\n"
    )
    assert gold == {
        ("jet", "pt", "lower", (30.0,)),
        ("event", "met", "ne", (0.0,)),
        ("jet", "count", "range", (2.0, 4.0)),
    }


def test_verified_precision_counts_only_verified_cuts() -> None:
    sel = SelectionList(
        paper=PaperRef(id="t"),
        objects=[
            PhysicsObject(
                name="jets",
                kind="jet",
                cuts=[
                    _cut("good", scope="object", target="jets", variable="pt", op=">", value=30),
                    _cut(
                        "wrong_verified",
                        scope="object",
                        target="jets",
                        variable="pt",
                        op="<",
                        value=50,
                    ),
                    _cut(
                        "wrong_unverified",
                        "unverified",
                        scope="object",
                        target="jets",
                        variable="eta",
                        op="<",
                        value=2.4,
                    ),
                ],
            )
        ],
    )
    row = score_keys(
        keys_of(sel), {("jet", "pt", "lower", (30.0,)), ("jet", "eta", "upper", (2.5,))}
    )
    assert (row["recall"], row["precision"], row["verified"], row["verified_precision"]) == (
        0.5,
        0.333,
        2,
        0.5,
    )
    assert (row["object_recall"], row["event_gold"]) == (0.5, 0)


@pytest.mark.parametrize("path", sorted(GOLD.glob("*.json")), ids=lambda p: p.stem)
def test_gold_lists_are_well_formed(path: Path) -> None:
    gold = load_gold(path)
    assert gold.cuts and all(c.quote and c.page for c in gold.cuts)
    keys = [c.key() for c in gold.cuts]
    assert all(matches(k, k) for k in keys)


@pytest.mark.parametrize("path", sorted(GOLD.glob("*.json")), ids=lambda p: p.stem)
def test_gold_quotes_are_in_the_paper_on_their_page(path: Path) -> None:
    from pipeline.extract.grounding import FOUND_THRESHOLD, _Index, locate
    from pipeline.parse import parse_document
    from tests.conftest import shared_path

    gold = load_gold(path)
    doc = parse_document(shared_path("corpus", *gold.paper.split("/")))
    index = _Index(doc)
    for cut in gold.cuts:
        hit = locate(cut.quote, index)
        assert hit is not None and hit[2] >= FOUND_THRESHOLD, cut.quote
        assert doc.page_at(hit[0]) == cut.page, (cut.quote, doc.page_at(hit[0]))


def test_adl_sums_of_sizes_are_one_count_over_the_collections() -> None:
    gold = parse_adl(
        "region SR\n  select Size(electronsVeto) + Size(muonsVeto) == 0\n"
        "  select Size(electrons) + Size(muons) >= 0\n"
        "  select Size(jets) + Size(fatjets) > 3\n"
        "  select Size(jets) + Size(photons) > 3\n"
    )  # jets and photons are no one kind: skipped
    assert gold == {("lepton", "count", "eq", (0.0,)), ("jet", "count", "lower", (3.0,))}


def test_adl_ternaries_read_when_one_cut_is_meant() -> None:
    gold = parse_adl(
        "region CR\n  select Size(muonsVeto) == 1 ? MTm < 100 : MTe < 100\n"
        "  select Size(jets) > 2 ? pT(jets[2]) > 30 : ALL\n"
        "  select Size(muonsSel) == 2 ? Rsqmm > 0.08 : Rsqee > 0.08\n"
        "  select size(leptons) > 2 ? mll02 < 12 OR mll12 < 12 : ALL\n"
    )
    assert gold == {("event", "mt", "upper", (100.0,)), ("jet", "pt#2", "lower", (30.0,))}

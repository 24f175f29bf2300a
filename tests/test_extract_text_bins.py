"""Search bins listed in a sentence read as regions (issue 17: "signal-region bins (as
regions/bins)"), on two real papers and on synthetic sentences; and the scorer reading the
``bin`` lines of an ADL gold file."""

from __future__ import annotations

import pytest
from conftest import shared_path

from pipeline.audit.matching import parse_adl
from pipeline.codegen.compiler import compile_selection
from pipeline.extract import extract_selection
from pipeline.extract import patterns as P
from pipeline.extract.support import TEXT_BIN
from pipeline.extract.text_bins import sentence_bins
from pipeline.parse import parse_document
from pipeline.selection.expr import cut_expression
from pipeline.selection.models import SelectionList
from pipeline.selection.validate import validate_selection


def _bins(sentence: str) -> list[tuple[str, list[tuple[str, object]]]]:
    return [(q, items) for q, items in sentence_bins(P.prepare(sentence))]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (  # CMS-SUS-16-037: the quantity in every item
            "All four regions are divided in bins of pmiss T: three pmiss T bins: 200 < pmiss T "
            "\u2264350 GeV, 350 < pmiss T \u2264500 GeV, pmiss T > 500 GeV",
            [("met", [("between", (200, 350)), ("between", (350, 500)), (">", 500)])],
        ),
        (  # CMS-SUS-16-047: ranges in parentheses, the unit after the list
            "Three high-pmiss T ranges (350\u2013450, 450\u2013600, and \u2265600 GeV) give rise "
            "to the definition of three signal regions.",
            [("met", [("between", (350, 450)), ("between", (450, 600)), (">=", 600)])],
        ),
        (
            "The H_T bins are 300-500, 500-1000 and > 1000 GeV.",
            [("ht", [("between", (300, 500)), ("between", (500, 1000)), (">", 1000)])],
        ),
        (  # a unit per item
            "Events are divided into M_T2 bins of 200-400 GeV and > 1 TeV.",
            [("mt2", [("between", (200, 400)), (">", 1000)])],
        ),
        (
            "The signal regions are defined in intervals of M_CT: 150-250, 250-350 and above "
            "350 GeV.",
            [("mct", [("between", (150, 250)), ("between", (250, 350)), (">", 350)])],
        ),
    ],
)
def test_lists_of_bins(sentence: str, expected: list[tuple[str, list[tuple[str, object]]]]) -> None:
    assert _bins(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The MET ranges 200-300 GeV and 250-400 GeV overlap.",  # overlapping: no binning
        "The distributions are shown in bins of 50 GeV.",  # one width, no list
        "The signal region requires MET > 250 GeV and H_T > 300 GeV.",  # no bin word
        "Events in the MET range 100-200 GeV are used.",  # one range
        "The H_T regions > 500 GeV and > 300 GeV are nested.",  # not rising
        "Jets in the pT ranges 30-50 and 50-100 GeV are calibrated.",  # not an event quantity
    ],
)
def test_what_is_no_list_of_bins(sentence: str) -> None:
    assert _bins(sentence) == []


@pytest.fixture(scope="module")
def razor_like() -> SelectionList:
    """CMS-SUS-16-037: the MET bins are listed in a sentence (no table of bins)."""
    doc = parse_document(shared_path("corpus", "adl", "CMS-SUS-16-037", "1705.04673.pdf"))
    return extract_selection(doc, backend="rules", cited_depth=0)


def test_bins_of_real_papers_are_regions_left_to_the_reviewer(razor_like: SelectionList) -> None:
    regions = {r.name: r for r in razor_like.regions}
    assert {n: [cut_expression(c) for c in regions[n].cuts] for n in regions if "bins_" in n} == {
        "bins_met_1": ["200 < met < 350"],
        "bins_met_2": ["350 < met < 500"],
        "bins_met_3": ["met > 500"],
    }
    for name in ("bins_met_1", "bins_met_2", "bins_met_3"):
        (cut,) = regions[name].cuts
        assert cut.status == "unverified" and cut.grounding is not None
        assert cut.grounding.reason == TEXT_BIN
        assert "three pmiss" in cut.provenance.quote.replace("p^miss", "pmiss").replace("_T", " T")
    assert [i for i in validate_selection(razor_like) if i.level == "error"] == []
    compile_selection(razor_like)  # the regions compile with the rest of the list


def test_a_second_real_paper() -> None:
    """CMS-SUS-16-047: 'Three high-pmiss T ranges (350-450, 450-600, and >=600 GeV)'."""
    doc = parse_document(shared_path("corpus", "adl", "CMS-SUS-16-047", "1707.06193.pdf"))
    sel = extract_selection(doc, backend="rules", cited_depth=0)
    bins = {cut_expression(c) for r in sel.regions if r.name.startswith("bins_met") for c in r.cuts}
    assert bins == {"350 < met < 450", "450 < met < 600", "met >= 600"}


def test_the_scorer_reads_the_bin_lines_of_an_adl_file() -> None:
    """The gold of an ADL file holds its search bins too (they were not read, so extracted
    bins counted against precision and missing ones not against recall)."""
    gold = parse_adl(
        "region SR\n  select MET > 200\n"
        "  bin MET [] 200 350 and Size(jets) [] 6 8 and Size(bjets) == 1\n"
        "  bin MCT 150 250 350  # edges\n"
        "  bin MET > 500 or HT > 1000\n"
    )
    assert gold == {
        ("event", "met", "lower", (200.0,)),
        ("event", "met", "range", (200.0, 350.0)),
        ("jet", "count", "range", (6.0, 8.0)),
        ("bjet", "count", "eq", (1.0,)),
        ("event", "mct", "range", (150.0, 250.0)),
        ("event", "mct", "range", (250.0, 350.0)),
    }

"""Tables of signal-region bins read as regions (issue 17: "tables ... of signal-region bins (as
regions/bins)"), on two real papers and on synthetic tables."""

from __future__ import annotations

import pytest
from conftest import shared_path

from pipeline.extract import extract_selection
from pipeline.extract.region_tables import region_findings, table_regions
from pipeline.extract.support import TABLE_CELL
from pipeline.parse import parse_document
from pipeline.parse.captions import defines_regions
from pipeline.parse.document import Table
from pipeline.selection.expr import cut_expression
from pipeline.selection.models import SelectionList
from pipeline.selection.validate import validate_selection


def _regions(sel: SelectionList) -> dict[str, set[str]]:
    return {r.name: {cut_expression(c) for c in r.cuts} for r in sel.regions}


@pytest.fixture(scope="module")
def multi_b() -> SelectionList:
    """CMS-SUS-16-042: Tables 4 and 5 define the search bins, Table 6 the aggregated ones."""
    doc = parse_document(shared_path("corpus", "adl", "CMS-SUS-16-042", "1709.09814.pdf"))
    return extract_selection(doc, backend="rules", cited_depth=0)


def test_search_bins_of_a_real_paper_are_regions(multi_b: SelectionList) -> None:
    regions = _regions(multi_b)
    # Table 4, first row: njet in [6, 8], nb = 1, LT in [250, 450], HT bins A01-A03
    # (a count range is the counts themselves: between is exclusive)
    assert regions["table4_a01"] == {
        "count(jets) in [6, 7, 8]",
        "count(bjets) == 1",
        "250 < lt < 450",
        "500 < ht < 1000",
    }
    assert {"ht >= 1500", "count(bjets) == 1"} <= regions["table4_a03"]
    # a merged cell repeats the one above: A04 has the njet and nb of A01
    assert {"count(jets) in [6, 7, 8]", "count(bjets) == 1", "450 < lt < 600"} <= regions[
        "table4_a04"
    ]
    # Table 5 (the 0-b search) and Table 6 (aggregated bins, several per row, no names)
    assert {"count(jets) == 5", "250 < lt < 350"} <= regions["table5_g01"]
    assert any(
        {"count(bjets) >= 3", "count(jets) >= 9", "lt >= 250"} <= c for c in regions.values()
    )
    assert len(regions) >= 60


def test_table_regions_are_unverified_with_the_reason(multi_b: SelectionList) -> None:
    """The support check reads sentences, not cells: a reviewer compares each region with its
    row, so none is marked verified."""
    cuts = [c for r in multi_b.regions if r.name.startswith("table") for c in r.cuts]
    assert cuts and all(c.status == "unverified" for c in cuts)
    assert all(c.grounding is not None and c.grounding.reason == TABLE_CELL for c in cuts)
    assert all(c.provenance and c.provenance.quote.startswith("Table ") for c in cuts)
    assert [i for i in validate_selection(multi_b) if i.level == "error"] == []


def test_a_two_dimensional_table_of_a_real_paper() -> None:
    """CMS-SUS-16-035, Table 3: the rows give Nb, E_T^miss and Njets, each HT column's header its
    HT bin, and a cell names the region(s)."""
    doc = parse_document(shared_path("corpus", "adl", "CMS-SUS-16-035", "1704.07323.pdf"))
    regions = _regions(extract_selection(doc, backend="rules", cited_depth=0))
    assert regions["table3_sr1"] == {
        "count(bjets) == 0",
        "50 < met < 200",
        "count(jets) in [2, 3, 4]",
        "ht < 300",
    }
    assert "300 < ht < 1125" in regions["table3_sr2"]
    # Table 4 (the LL selection) has an SR1 of its own
    assert {"count(bjets) == 0", "ht > 300"} <= regions["table4_sr1"]


def _table(
    rows: list[list[str]], caption: str = "Table 2: Definition of the signal regions."
) -> Table:
    return Table(id="t1", page=1, caption=caption, rows=rows)


def test_synthetic_bins_merged_cells_and_misaligned_rows() -> None:
    rows = [
        ["N_jets", "N_b", "MET [GeV]", "Region", "Expected"],
        ["≥4", "0", "[250, 400] ≥400", "SR1 SR2", "12.1 ± 3"],
        ["", "≥1", "≥250", "SR3", "4.2 ± 1"],
        ["2-3", "0", "[250, 400] [400, 600] ≥600", "SR4 SR5", "1"],  # 3 bins, 2 names
    ]
    found = table_regions(_table(rows))
    by_region: dict[str, set[tuple[object, ...]]] = {}
    for f in found:
        value = tuple(f.value) if isinstance(f.value, list) else f.value
        by_region.setdefault(str(f.region), set()).add((f.object, f.variable, f.op, value))
    assert by_region["table2_sr1"] == {
        ("jet", "count", ">=", 4.0),
        ("bjet", "count", "==", 0.0),
        ("event", "met", "between", (250.0, 400.0)),
    }
    assert ("event", "met", ">=", 400.0) in by_region["table2_sr2"]
    assert ("jet", "count", ">=", 4.0) in by_region["table2_sr3"]  # the merged cell above
    # the third row's three bins with two names get generated names, not shifted labels
    assert "table2_sr4" not in by_region and "table2_row3_bin3" in by_region
    assert ("jet", "count", "in", (2.0, 3.0)) in by_region["table2_row3_bin1"]


def test_tables_that_define_no_regions_give_none() -> None:
    yields = [["Process", "Yield", "Uncertainty"], ["ttbar", "120", "12"], ["W+jets", "40", "5"]]
    assert table_regions(_table(yields)) == []
    one_quantity = [["MET [GeV]", "Events"], ["[250, 400]", "12"], ["≥400", "3"]]
    assert table_regions(_table(one_quantity)) == []  # a binning of one quantity
    rows = [["N_jets", "MET [GeV]"], ["≥4", "≥250"]]

    class _Doc:
        tables = [_table(rows, caption="Table 3: Systematic uncertainties in the yields.")]

    assert region_findings(_Doc()) == []  # type: ignore[arg-type]


def test_headers_of_other_quantities_cells_and_units() -> None:
    """A review's tables: a Delta phi(j, MET) or m_T(l, MET) header is no MET or m_T column (was
    'met > 0.5'), '(250, 400]' and '300 to 500' are ranges, 'veto' in a count column is zero,
    a unit in the cell wins over the header's."""
    rows = [
        [
            "SR",
            "N_lep",
            "N_jets",
            "\u0394\u03c6(j_{1,2}, p_T^miss)",
            "E_T^miss [GeV]",
            "m_T(\u2113, p_T^miss) [GeV]",
            "H_T [GeV]",
        ],
        ["SR1", "veto", "\u22654", ">0.5", "(250, 400]", ">150", "> 1.5 TeV"],
        ["SR2", "1", "\u22654", ">0.5", "300 to 500", ">150", ">500"],
    ]
    found = table_regions(_table(rows))
    got = {(f.region, f.object, f.variable, f.op, str(f.value), f.unit) for f in found}
    assert got == {
        ("table2_sr1", "lepton", "count", "==", "0.0", None),
        ("table2_sr1", "jet", "count", ">=", "4.0", None),
        ("table2_sr1", "event", "met", "between", "[250.0, 400.0]", "GeV"),
        ("table2_sr1", "event", "ht", ">", "1.5", "TeV"),
        ("table2_sr2", "lepton", "count", "==", "1.0", None),
        ("table2_sr2", "jet", "count", ">=", "4.0", None),
        ("table2_sr2", "event", "met", "between", "[300.0, 500.0]", "GeV"),
        ("table2_sr2", "event", "ht", ">", "500.0", "GeV"),
    }


@pytest.mark.parametrize(
    ("caption", "defines"),
    [
        ("Table 4: Definition of search bins and naming convention in the multi-b search.", True),
        ("Table 3: Signal region definitions for the HL selection.", True),
        ("Table 2: Summary of the selection requirements for the signal regions.", True),
        ("Table 2: Signal-region definitions.", True),
        ("Table 4: Selection criteria for the signal regions.", True),
        ("Table 6: Numbers of expected background events ... in aggregated search bins.", True),
        ("Table 5: Event yields in the signal regions.", False),
        (
            "Table 7: Expected and observed yields in the signal regions used in the analysis.",
            False,
        ),
        ("Table 8: Systematic uncertainties in the signal regions used for the search.", False),
        ("Table 9: Cutflow of the signal region definitions for a benchmark model.", False),
        ("Table 3: Definition of the bins of the transfer factors.", False),
        (  # CMS-SUS-16-032
            "Table 2: The categorization of H_T and M_CT for search regions in noncompressed "
            "signal models.",
            True,
        ),
        ("Table 3: Binning of the events in M_T2 into the search bins.", True),
        ("Table 4: Categorization of the systematic uncertainties for the search regions.", False),
    ],
)
def test_which_captions_announce_region_definitions(caption: str, defines: bool) -> None:
    assert defines_regions(caption) is defines

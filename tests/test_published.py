"""The reader of a paper's published cutflow and yield tables (pipeline/extract/published.py):
synthetic table text, a round trip of generated cutflows, and every paper of the corpus we have,
with what each one really publishes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.published import (
    PublishedTables,
    read_pdf_tables,
    read_text_tables,
    save_run_tables,
    split_row,
    text_lines,
)
from tests.conftest import shared_path

CUTFLOW = """\
Table 3: Number of events after each selection step in data and simulation.

Selection step          Signal (MC)      Data
All events              1,204.5 ± 3.1    10000
Trigger                 1100.2 ± 3.0     8000
Exactly 2 jets          950 ± 2.9        4000
pT > 30 GeV             800.4 ± 2.1      2500
b-tag veto              —                1200

Events are then categorised by their missing transverse momentum, as described in Section 5.
"""


def test_synthetic_cutflow_rows_columns_and_uncertainties() -> None:
    tables, skipped = read_text_tables(CUTFLOW, page=7)
    assert skipped == []
    (table,) = tables
    assert (table.number, table.page, table.kind, table.name) == ("3", 7, "cutflow", "Table 3")
    assert table.caption.startswith("Table 3: Number of events after each selection step")
    assert table.columns == ["Signal (MC)", "Data"]
    assert [r.label for r in table.rows] == [
        "All events",
        "Trigger",
        "Exactly 2 jets",
        "pT > 30 GeV",
        "b-tag veto",
    ]
    assert [r.values[1] for r in table.rows] == [10000, 8000, 4000, 2500, 1200]
    assert table.rows[0].values[0] == 1204.5 and table.rows[0].cells[0] == "1,204.5 ± 3.1"
    assert table.rows[-1].values[0] is None  # a dash is an empty cell, not a number


@pytest.mark.parametrize(
    ("line", "label", "cells"),
    [
        (
            "Cut 2: Exactly 4 leptons 277.54 392.09 9.84 827",
            "Cut 2: Exactly 4 leptons",
            ["277.54", "392.09", "9.84", "827"],
        ),
        (
            "ttbar 36.0+3.7 -3.8·104 14.0+2.1 -2.0·104",
            "ttbar",
            ["36.0+3.7 -3.8·104", "14.0+2.1 -2.0·104"],
        ),
        ("Z+jets 12.1 +1.2 -0.5 827 (99.4%)", "Z+jets", ["12.1 +1.2 -0.5", "827 (99.4%)"]),
        ("Trigger 10 ± 2 12", "Trigger", ["10 ± 2", "12"]),
        ("no numbers here at all", "no numbers here at all", []),
    ],
)
def test_split_row(line: str, label: str, cells: list[str]) -> None:
    words, found = split_row(text_lines(line)[0])
    assert " ".join(w[0] for w in words) == label
    assert [" ".join(w[0] for w in cell) for cell in found] == cells


def test_a_label_ending_in_a_number_keeps_it_when_the_columns_say_so() -> None:
    text = "Table 1: Cutflow.\n\nStep  Data\nAll  900\nN jets > 4  500\nMET > 200  100\n"
    (table,), _ = read_text_tables(text)
    assert [(r.label, r.values) for r in table.rows] == [
        ("All", [900]),
        ("N jets > 4", [500]),
        ("MET > 200", [100]),
    ]


def test_yield_table_is_a_yield_table_and_uncertainty_tables_are_skipped() -> None:
    text = (
        "Table 4: Expected and observed event yields in the signal regions.\n\n"
        "Region  Expected  Observed\n"
        "SR1  12.0 ± 3.9  12\nSR2  1.88 ± 0.62  3\nSR3  15.5 ± 4.7  17\n\n"
        "Table 5: Summary of the systematic uncertainties in the event yields.\n\n"
        "Source  Uncertainty (%)\nLuminosity  2.5\nPileup  10\nTrigger  2\n"
    )
    tables, skipped = read_text_tables(text, page=3)
    assert [(t.name, t.kind, t.columns) for t in tables] == [
        ("Table 4", "yields", ["Expected", "Observed"])
    ]
    assert skipped == ["Table 5 (page 3): not a cutflow or yield table"]


def test_a_table_without_rows_of_numbers_is_skipped_with_the_reason() -> None:
    text = "Table 2: Object definitions.\n\nElectrons  tight ID\nMuons  medium ID\n"
    assert read_text_tables(text) == (
        [],
        ["Table 2 (page 1): fewer than two rows of a label and numbers"],
    )


_LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10)


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(_LABEL, min_size=3, max_size=12, unique=True),
    start=st.integers(min_value=10, max_value=10**6),
    cuts=st.data(),
    columns=st.integers(1, 4),
)
def test_round_trip_of_a_printed_cutflow(
    labels: list[str], start: int, cuts: st.DataObject, columns: int
) -> None:
    """Any cutflow printed as aligned text reads back with its labels, columns and counts."""
    flows = []
    for _ in range(columns):
        counts = [start]
        for _label in labels[1:]:
            counts.append(cuts.draw(st.integers(0, counts[-1])))
        counts[-1] = min(counts[-1], start - 1)
        flows.append(counts)
    names = [f"Sample{c}" for c in range(columns)]
    lines = [
        "Table 9: Cutflow of the event selection.",
        "",
        "Selection".ljust(14) + "".join(n.rjust(12) for n in names),
    ]
    lines += [
        f"cut {label}".ljust(14) + "".join(str(f[i]).rjust(12) for f in flows)
        for i, label in enumerate(labels)
    ]
    (table,), _ = read_text_tables("\n".join(lines) + "\n")
    assert table.kind == "cutflow" and table.columns == names
    assert [r.label for r in table.rows] == [f"cut {label}" for label in labels]
    assert [[r.values[c] for r in table.rows] for c in range(columns)] == flows


# the corpus: what each paper really publishes ----------------------------------------------
def test_isa_report_table_iv() -> None:
    pdf = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
    found = read_pdf_tables(pdf)
    assert found.pages_searched == 5 and [t.name for t in found.tables] == ["Table IV"]
    (table,) = found.cutflows()
    assert table.page == 5 and table.caption.startswith(
        "TABLE IV. Number of events passing each selection step"
    )
    assert table.columns == ["Background (ZZ)", "Background (Z+jets, tt)", "Signal", "Data"]
    assert [r.values[3] for r in table.rows] == [832, 827, 827, 679, 656, 311, 286, 285, 225, 166]
    assert table.rows[0].values == [278.89, 395.04, 9.95, 832]
    assert table.rows[-1].label == "Cut 10: Z candidate selection"
    assert table.rows[3].label == "Cut 4: Lepton pT thresholds cut"
    # tables I-III (cross sections, samples, variables) are seen and said to be something else
    assert [s.split(" (")[0] for s in found.skipped] == ["Table I", "Table II", "Table III"]


def test_yasodar_report_has_no_table() -> None:
    found = read_pdf_tables(shared_path("corpus", "papers", "report-h4l-opendata-yasodar.pdf"))
    assert (found.pages_searched, found.tables, found.skipped) == (5, [], [])


def test_arxiv_1312_1956_publishes_yields_not_a_cutflow() -> None:
    found = read_pdf_tables(shared_path("corpus", "papers", "arXiv-1312.1956.pdf"))
    assert found.pages_searched == 25 and found.cutflows() == []
    assert {t.name: t.kind for t in found.tables} == {"Table I": "yields", "Table III": "yields"}
    table_i = next(t for t in found.tables if t.number == "I")
    assert table_i.page == 6 and table_i.rows[0].label == "tt̄"
    assert table_i.rows[0].values[0] == pytest.approx(36.0e4)  # '36.0+3.7 -3.8·10^4'
    assert any(
        s.startswith("Table II (page 7): not a cutflow") for s in found.skipped
    )  # systematics


@pytest.mark.parametrize(
    ("analysis", "pdf", "yield_tables"),
    [
        ("CMS-SUS-16-032", "SUS-16-032-paper-v27.pdf", {"5", "6", "7", "8"}),
        ("CMS-SUS-16-043", "1706.09933.pdf", {"2"}),
        ("CMS-SUS-16-017", "1812.06302.pdf", set()),
    ],
)
def test_adl_papers_publish_yields_per_region_not_cutflows(
    analysis: str, pdf: str, yield_tables: set[str]
) -> None:
    found = read_pdf_tables(shared_path("corpus", "adl", analysis, pdf))
    assert found.cutflows() == []
    assert {t.number for t in found.tables if t.kind == "yields"} == yield_tables


@pytest.mark.parametrize("relative", [False, True])
def test_save_run_tables_reads_the_pdf_of_the_run_document(tmp_path: Path, relative: bool) -> None:
    """document.json names the PDF absolutely, or relatively to the run directory that keeps it."""
    import shutil

    from pipeline.parse import parse_document

    pdf = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
    doc = parse_document(pdf)
    if relative:
        shutil.copyfile(pdf, tmp_path / "paper.pdf")
        doc.source.path = "paper.pdf"
    (tmp_path / "document.json").write_text(doc.model_dump_json())
    (path,) = save_run_tables(tmp_path)
    saved = PublishedTables.model_validate_json(path.read_text())
    assert saved.document == doc.source.paper_id and saved.cutflows()[0].rows[-1].values[3] == 166
    assert save_run_tables(tmp_path / "nothing-here") == []


def test_an_unreadable_pdf_is_recorded_not_raised(tmp_path: Path) -> None:
    from pipeline.parse import parse_document

    pdf = shared_path("corpus", "papers", "report-h4l-opendata-yasodar.pdf")
    doc = parse_document(pdf)
    broken = tmp_path / "paper.pdf"
    broken.write_bytes(b"%PDF-1.4 truncated")
    doc.source.path = str(broken)
    (tmp_path / "document.json").write_text(doc.model_dump_json())
    (path,) = save_run_tables(tmp_path)
    saved = PublishedTables.model_validate_json(path.read_text())
    assert saved.error and saved.error.startswith("paper.pdf: ") and saved.tables == []


def _two_column_pdf(path: Path) -> Path:
    """A page of a two-column paper: prose on the left, on the right a cutflow whose caption is
    under it, and prose with numbers level with the table's rows in the other column."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for k in range(30):
        page.insert_text(
            (50, 80 + 14 * k), f"running text of the left column line {k} with 12 GeV", fontsize=9
        )
    rows = [
        ("Selection", "MC", "Data"),
        ("All events", "1204.5", "1000"),
        ("Trigger", "1100.2", "800"),
        ("Two jets", "950", "500"),
        ("Missing pT > 50 GeV", "300.1", "120"),
    ]
    for k, (label, mc, data) in enumerate(rows):
        y = 120 + 14 * k
        page.insert_text((330, y), label, fontsize=9)
        page.insert_text((470, y), mc, fontsize=9)
        page.insert_text((530, y), data, fontsize=9)
    page.insert_text((330, 200), "Table 2: Cutflow of the event selection,", fontsize=9)
    page.insert_text((330, 212), "events after each step.", fontsize=9)
    doc.save(path)
    return path


def test_pdf_two_columns_and_a_caption_under_its_table(tmp_path: Path) -> None:
    found = read_pdf_tables(_two_column_pdf(tmp_path / "two-column.pdf"))
    assert found.pages_searched == 1
    (table,) = found.tables
    assert (table.name, table.page, table.kind, table.columns) == (
        "Table 2",
        1,
        "cutflow",
        ["MC", "Data"],
    )
    assert [(r.label, r.values) for r in table.rows] == [
        ("All events", [1204.5, 1000]),
        ("Trigger", [1100.2, 800]),
        ("Two jets", [950, 500]),
        ("Missing pT > 50 GeV", [300.1, 120]),
    ]

"""The paper's published numbers beside baseline and generated (pipeline/report/against_paper.py):
matching published rows to cutflow steps, the column compared, the notes, the section."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.contract import AnalysisResult, Cutflow, CutflowStep, InputFile
from pipeline.extract.published import (
    PublishedRow,
    PublishedTable,
    PublishedTables,
    read_text_tables,
)
from pipeline.report.against_paper import (
    choose_column,
    compare_with_paper,
    load_against_paper,
    match_steps,
    table_rows,
)
from pipeline.report.render import paper_markdown

ISA_LABELS = [
    "Cut 1: All events (preselection)",
    "Cut 2: Exactly 4 leptons",
    "Cut 3: Lepton |η| acceptance",
    "Cut 4: Lepton pT thresholds cut",
    "Cut 5: Lepton isolation (ΔR) cut",
    "Cut 6: Tight lepton ID cut",
    "Cut 7: Lepton longitudinal impact (z0) cut",
    "Cut 8: Muon transverse impact parameter (d0) cut",
    "Cut 9: Lepton isolation (pcone T) cut",
    "Cut 10: Z candidate selection",
]
ISA_DATA = [832, 827, 827, 679, 656, 311, 286, 285, 225, 166]
BASELINE_IDS = [
    "all",
    "exactly_4_leptons",
    "eta_acceptance",
    "lepton_pt",
    "delta_r",
    "tight_id",
    "z0",
    "muon_d0",
    "isolation",
    "z_candidates",
]
BASELINE_RAW = [832, 827, 827, 679, 656, 311, 286, 285, 225, 148]
# the reviewed list of tests/test_e2e_report.py: four pT steps, three Z steps
REVIEWED = [
    ("all", "all events", 832),
    ("leptons_count", "number of leptons == 4", 827),
    ("eta_acceptance", "all leptons: all(abs(eta(electrons)) < 2.47)", 827),
    ("leptons_pt_0", "pt > 20", 800),
    ("leptons_pt_1", "pt > 15", 760),
    ("leptons_pt_2", "pt > 10", 700),
    ("leptons_pt_3", "pt > 7", 679),
    ("leptons_dr_flavour", "Delta R > 0.1 for same-flavour pairs", 656),
    ("tight_id", "all leptons: all(id_tight(leptons))", 311),
    ("z0", "all(abs(z0(leptons)) < 10)", 286),
    ("muon_d0", "all(abs(d0(muons)) < 1)", 285),
    ("isolation", "all(ptcone30(leptons) / pt(leptons) < 0.15)", 225),
    ("quads_best_m12", "the candidate whose m12 is closest to the Z mass", 200),
    ("event_m12", "50 < m12 < 106", 190),
    ("event_m34", "m34 above a threshold interpolated in m4l", 148),
]


def _flow(producer: str, steps: list[tuple[str, str, int]]) -> Cutflow:
    return Cutflow(
        producer=producer,
        steps=[CutflowStep(id=i, description=d, raw=n, weighted=n * 0.5) for i, d, n in steps],
    )


def _result(*names: str, synthetic: bool = False) -> AnalysisResult:
    return AnalysisResult(
        producer="x",
        inputs=[
            InputFile(path=f"/d/{n}", sha256="0", release="2020", events=1, synthetic=synthetic)
            for n in names
        ],
        n_input=1,
        n_selected=1,
        weighted_selected=1.0,
        channels={},
        synthetic=synthetic,
    )


def _isa_tables() -> PublishedTables:
    rows = [
        PublishedRow(label=label, cells=["1", str(n)], values=[1.0, float(n)])
        for label, n in zip(ISA_LABELS, ISA_DATA, strict=True)
    ]
    table = PublishedTable(
        number="IV",
        page=5,
        caption="TABLE IV. Number of events passing each selection step",
        kind="cutflow",
        columns=["Signal", "Data"],
        rows=rows,
    )
    return PublishedTables(
        document="report-h4l-opendata-isa-2025.pdf", pages_searched=5, tables=[table]
    )


BASELINE = _flow(
    "baseline:report_isa2025", [(i, "", n) for i, n in zip(BASELINE_IDS, BASELINE_RAW, strict=True)]
)
DATA = _result("data_A.4lep.root", "data_B.4lep.root")


def test_rows_match_steps_by_topic_and_order() -> None:
    steps = [(i, d) for i, d, _ in REVIEWED]
    matched = [steps[j][0] if j is not None else None for j in match_steps(ISA_LABELS, steps)]
    # four pT steps and three Z steps: the row is compared with the last of each run
    assert matched == [
        "all",
        "leptons_count",
        "eta_acceptance",
        "leptons_pt_3",
        "leptons_dr_flavour",
        "tight_id",
        "z0",
        "muon_d0",
        "isolation",
        "event_m34",
    ]
    # 'isolation (ΔR)' speaks of isolation too: order puts it on delta_r, and 'pcone' on isolation
    base = [
        BASELINE_IDS[j] if j is not None else None
        for j in match_steps(ISA_LABELS, [(i, "") for i in BASELINE_IDS])
    ]
    assert base == BASELINE_IDS


def test_a_row_no_step_speaks_of_is_left_unmatched() -> None:
    steps = [
        ("all", "all events"),
        ("leptons_count", "number of leptons == 4"),
        ("event_m34", "m34 window"),
    ]
    assert match_steps(
        ["All events", "Lepton |η| acceptance", "Tight lepton ID cut", "Z candidate selection"],
        steps,
    ) == [0, None, None, 2]


@pytest.mark.parametrize(
    ("names", "synthetic", "column", "weighted"),
    [
        (("data_A.4lep.root", "data_B.4lep.root"), False, 1, False),
        (("mc_345060.ggH125_ZZ4lep.4lep.root",), False, None, True),
        (("synthetic_data.root",), True, None, False),
    ],
)
def test_the_column_compared(
    names: tuple[str, ...], synthetic: bool, column: int | None, weighted: bool
) -> None:
    table = _isa_tables().tables[0]
    index, why, use_weighted = choose_column(table, _result(*names, synthetic=synthetic))
    assert (index, use_weighted) == (column, weighted), why


def test_isa_last_step_166_against_148_with_the_baselines_explanation() -> None:
    ap = compare_with_paper(_isa_tables(), _flow("generated:abc", REVIEWED), BASELINE, DATA)
    assert ap.column == "Data" and "Table IV, page 5" in ap.summary
    last = ap.rows[-1]
    assert (last.published, last.baseline, last.generated) == (166, 148, 148)
    assert (last.baseline_step, last.generated_step) == ("z_candidates", "event_m34")
    assert last.ratio == pytest.approx(148 / 166)
    assert (
        "agree, -10.8% from the paper" in last.note
        and "baselines/README.md explains it" in last.note
    )
    assert all(r.note == "as published" for r in ap.rows[:-1])
    (why,) = ap.explanations
    assert (
        why.startswith("baselines/README.md, `report_isa2025`:") and "166 at the last step" in why
    )
    head, body = table_rows(ap)
    assert head[:4] == ["Table IV row", "published (Data)", "baseline", "generated"]
    assert body[-1][:5] == [
        "Cut 10: Z candidate selection",
        "166",
        "148 (z_candidates)",
        "148 (event_m34)",
        "0.892",
    ]


def test_differences_the_baseline_does_not_share_are_not_explained_by_it() -> None:
    unreviewed = [
        ("all", "all events", 832),
        ("leptons_count", "number of leptons == 4", 242),
        ("event_m34", "m34 window", 148),
    ]
    ap = compare_with_paper(_isa_tables(), _flow("generated:abc", unreviewed), BASELINE, DATA)
    second = ap.rows[1]
    assert second.note == "generated -70.7%; baseline as published"
    assert ap.rows[2].generated_step is None and ap.rows[2].note == "as published"
    text = "\n".join(paper_markdown(ap))
    assert "| Cut 3: Lepton \\|η\\| acceptance | 827 | 827 (eta_acceptance) | unmatched |" in text


def test_no_cutflow_table_says_so_with_the_pages_searched() -> None:
    tables, _ = read_text_tables(
        "Table 2: Expected and observed yields.\n\nRegion  Observed\nSR1  12\nSR2  3\n", page=9
    )
    published = PublishedTables(document="paper.pdf", pages_searched=25, tables=tables)
    ap = compare_with_paper(published, BASELINE, None, DATA)
    assert ap.summary.startswith("The paper publishes no cutflow table (searched 25 pages).")
    assert ap.other_tables == ["Table 2 (page 9, yields): Table 2: Expected and observed yields."]
    text = "\n".join(paper_markdown(ap))
    assert (
        "## Against the paper's published numbers" in text and "Other tables of the paper" in text
    )


def test_a_run_without_published_json_says_why(tmp_path: Path) -> None:
    ap = load_against_paper(tmp_path, BASELINE, None, DATA)
    assert ap.table is None and "not read" in ap.summary and "no document.json" in ap.summary
    (tmp_path / "published.json").write_text(
        PublishedTables(
            document="p.pdf", pages_searched=0, error="p.pdf: not a PDF"
        ).model_dump_json()
    )
    assert "p.pdf: not a PDF" in load_against_paper(tmp_path, BASELINE, None, DATA).summary


def test_an_order_that_does_not_decide_leaves_the_row_unmatched() -> None:
    """hzz4l_paper cuts in another order than the Isa table: 'isolation (ΔR)' fits delta_r and the
    isolation steps alike there, so it is left unmatched rather than guessed."""
    ids = [
        "all",
        "trigger",
        "n_leptons",
        "quadruplet",
        "lepton_pt",
        "muon_types",
        "m12",
        "m34",
        "delta_r",
        "jpsi_veto",
        "track_isolation",
        "calo_isolation",
        "impact_parameter",
        "vertex",
        "best_quadruplet",
        "mass_window",
    ]
    matched = match_steps(ISA_LABELS, [(i, "") for i in ids])
    named = dict(zip(ISA_LABELS, [ids[j] if j is not None else None for j in matched], strict=True))
    assert named["Cut 1: All events (preselection)"] == "all"
    assert named["Cut 2: Exactly 4 leptons"] == "n_leptons"
    assert named["Cut 4: Lepton pT thresholds cut"] == "lepton_pt"
    assert named["Cut 5: Lepton isolation (ΔR) cut"] is None
    assert named["Cut 10: Z candidate selection"] == "best_quadruplet"


def test_the_readme_on_the_papers_own_baseline_is_cited_under_another_baseline() -> None:
    """Run with hzz4l_paper: the generated 148 against the paper's 166 is still what the README's
    section on the baseline written from this report explains; 242 against 827 is not."""
    other = _flow(
        "baseline:hzz4l_paper",
        [("all", "", 832), ("n_leptons", "", 569), ("best_quadruplet", "", 215)],
    )
    unreviewed = [
        ("all", "all events", 832),
        ("leptons_count", "number of leptons == 4", 242),
        ("event_m34", "m34 window", 148),
    ]
    ap = compare_with_paper(_isa_tables(), _flow("generated:abc", unreviewed), other, DATA)
    (why,) = ap.explanations
    assert why.startswith("baselines/README.md, `report_isa2025`:")
    assert (
        ap.rows[-1].note
        == "generated -10.8%; baseline +29.5% - baselines/README.md explains it (below)"
    )
    assert ap.rows[1].note == "generated -70.7%; baseline -31.2%"

"""The rule-based extractor: statement patterns, and the real papers of ../shared/corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import extract_selection
from pipeline.extract.api import NO_SELECTION_NOTE, extract_rules
from pipeline.extract.patterns import prepare
from pipeline.extract.rules import _findings_in
from pipeline.selection.models import SelectionList
from tests.conftest import shared_path
from tests.fakes.simple_pdf import load_pdf


def found(sentence: str) -> set[tuple[object, ...]]:
    findings = _findings_in(prepare(sentence), sentence, None)
    return {
        (
            f.object,
            f.variable,
            f.op,
            tuple(f.value) if isinstance(f.value, list) else f.value,
            f.unit,
        )
        for f in findings
    }


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Jets are required to have pT > 25 GeV and |\u03b7| < 2.5.",
            {("jet", "pt", ">", 25.0, "GeV"), ("jet", "eta", "<", 2.5, None)},
        ),
        (
            "The lepton pair must satisfy 50 < m12 < 106 GeV.",
            {("event", "m12", "between", (50.0, 106.0), "GeV")},
        ),
        (
            "Electrons must have p_T > 7 GeV for electrons and 5 GeV for muons.",
            {("electron", "pt", ">", 7.0, "GeV"), ("muon", "pt", ">", 5.0, "GeV")},
        ),
        (
            "with electrons (muons) satisfying pT > 30(25) GeV and |\u03b7| < 1.44(2.1).",
            {
                ("electron", "pt", ">", 30.0, "GeV"),
                ("muon", "pt", ">", 25.0, "GeV"),
                ("electron", "eta", "<", 1.44, None),
                ("muon", "eta", "<", 2.1, None),
            },
        ),
        (
            "Detector coverage restricts electrons and muons to |\u03b7| < 2.47 and |\u03b7| < "
            "2.7, respectively.",
            {("electron", "eta", "<", 2.47, None), ("muon", "eta", "<", 2.7, None)},
        ),
        (
            "The tight selections require p_T > 30 and 25 GeV for electrons and muons, "
            "respectively.",
            {("electron", "pt", ">", 30.0, "GeV"), ("muon", "pt", ">", 25.0, "GeV")},
        ),
        ("Events must contain at least four jets.", {("jet", "count", ">=", 4.0, None)}),
        ("Events are required to have exactly one lepton.", {("lepton", "count", "==", 1.0, None)}),
        (
            "Each event must contain two same-flavour opposite-sign lepton pairs.",
            {("lepton", "sfos", ">=", 2.0, None)},
        ),
        (
            "Muons must have a track isolation ptcone30/pT < 0.15.",
            {("muon", "reliso", "<", 0.15, None)},
        ),
        ("Muons must satisfy |d0|/\u03c3(d0) < 3.", {("muon", "d0sig", "<", 3.0, None)}),
        ("Muons must satisfy |z0 sin\u03b8| < 0.5 mm.", {("muon", "z0sintheta", "<", 0.5, "mm")}),
        (
            "For both lepton flavours, the impact parameter is required to be less than 0.5 mm in "
            "the transverse plane and 1 mm along the beam direction.",
            {("lepton", "d0", "<", 0.5, "mm"), ("lepton", "z0", "<", 1.0, "mm")},
        ),
        (
            "Electrons with |\u03b7| < 2.47, excluding the transition region 1.37 < |\u03b7| < "
            "1.52, are used.",
            {
                ("electron", "eta", "<", 2.47, None),
                ("electron", "eta", "outside", (1.37, 1.52), None),
            },
        ),
        (
            "The final requirements are E^miss_T \u2265 125 GeV and M_T > 50 GeV.",
            {("event", "met", ">=", 125.0, "GeV"), ("event", "mt", ">", 50.0, "GeV")},
        ),
        (
            "A photon candidate must exceed a minimal p_T of 15 GeV.",
            {("photon", "pt", ">", 15.0, "GeV")},
        ),
        ("Muons are required to have pT > 500 MeV.", {("muon", "pt", ">", 500.0, "MeV")}),
        (
            "Photons are required to have p_T > 185 or 80 GeV for the two categories.",
            {("photon", "pt", ">", 185.0, "GeV"), ("photon", "pt", ">", 80.0, "GeV")},
        ),
        (
            "Any jets within \u0394R = 0.4 of the lepton are removed.",
            {("jet", "dr", ">", 0.4, None)},
        ),
        (
            "Muons are required to originate from within 2 mm of the beam axis in the transverse "
            "plane.",
            {("muon", "d0", "<", 2.0, "mm")},
        ),
        (
            "Double counting is avoided by not considering jets that lie within a cone of radius "
            "0.4 around a lepton.",
            {("jet", "dr", ">", 0.4, None)},
        ),
        (
            "Electrons with |\u03b7| (of 1.442\u20131.556) in the transition region are not "
            "considered.",
            {("electron", "eta", "outside", (1.442, 1.556), None)},
        ),
        (
            "The subset of these jets having p_T > 200 (400) GeV are used to identify W bosons "
            "(top quarks).",
            {("jet", "pt", ">", 200.0, "GeV"), ("jet", "pt", ">", 400.0, "GeV")},
        ),
    ],
)
def test_statement_patterns(sentence: str, expected: set[tuple[object, ...]]) -> None:
    assert found(sentence) == expected


def test_leading_objects_get_ranks() -> None:
    sentence = "The three leading leptons must satisfy pT > 20, 15 and 10 GeV."
    findings = _findings_in(prepare(sentence), sentence, None)
    assert [(f.object, f.rank, f.value) for f in findings] == [
        ("lepton", 0, 20.0),
        ("lepton", 1, 15.0),
        ("lepton", 2, 10.0),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Data events are selected using triggers that require an isolated muon with pT > 24 GeV.",
        "Gluino masses up to 1.6 TeV are excluded at 95% confidence level.",
        "The efficiency for jets with pT between 30 and 400 GeV is 60-65%.",
        "Figure 3: distribution of m12 > 50 GeV for signal.",
    ],
)
def test_non_selection_statements_are_ignored(sentence: str) -> None:
    assert found(sentence) == set()


@settings(max_examples=50, deadline=None)
@given(
    kind=st.sampled_from(["electrons", "muons", "jets", "photons"]),
    value=st.decimals(min_value=1, max_value=999, places=1).map(float),
    op=st.sampled_from(
        [(">", ">"), ("\u2265", ">="), ("greater than", ">"), ("of at least", ">=")]
    ),
)
def test_threshold_sentences_round_trip(kind: str, value: float, op: tuple[str, str]) -> None:
    sentence = f"{kind.capitalize()} are required to have a pT {op[0]} {value:g} GeV."
    assert found(sentence) == {(kind.rstrip("s"), "pt", op[1], value, "GeV")}


def test_units_are_canonical_in_the_list() -> None:
    from pipeline.extract.build import Source, build_selection
    from pipeline.extract.findings import CutFinding
    from pipeline.selection.models import PaperRef

    findings = [
        CutFinding(
            object="muon", variable="pt", op=">", value=500, unit="MeV", quote="pT > 500 MeV ok"
        ),
        CutFinding(
            object="muon",
            variable="d0",
            op="<",
            value=200,
            unit="um",
            abs=True,
            quote="d0 < 200 um ok",
        ),
    ]
    sel = build_selection(
        [(f, Source("x")) for f in findings], paper=PaperRef(id="x"), producer="rules"
    )
    pt, d0 = sel.objects[0].cuts
    assert (pt.value, pt.unit) == (0.5, "GeV") and (d0.value, d0.unit, d0.abs) == (0.2, "mm", True)


def cuts_of(sel: SelectionList) -> set[tuple[object, ...]]:
    """(target, variable, op, value) of each cut, (target, expression) of an expression cut."""
    return {
        (c.target, c.variable, c.op, tuple(c.value) if isinstance(c.value, list) else c.value)
        for c in sel.all_cuts()
        if c.variable
    } | {(c.target, c.expr) for c in sel.all_cuts() if c.expr}


def test_atlas_wwbb_paper() -> None:
    sel = extract_rules(load_pdf(shared_path("corpus", "papers", "arXiv-1312.1956.pdf")))
    cuts = cuts_of(sel)
    assert {
        ("jets", "pt", ">", 25.0),
        ("jets", "eta", "<", 2.5),
        ("electrons", "eta", "<", 2.47),
        ("electrons", "eta", "outside", (1.37, 1.52)),
        ("muons", "pt", ">", 25.0),
    } <= cuts
    assert any(c.expr == "count(jets) >= 4" for c in sel.selection)
    assert all(c.status == "verified" for c in sel.all_cuts())


def test_student_h4l_report() -> None:
    sel = extract_rules(
        load_pdf(shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf"))
    )
    assert {
        ("electrons", "eta", "<", 2.47),
        ("muons", "eta", "<", 2.7),
        ("leptons", "z0", "<", 10.0),
        ("quads", "m12", "between", (50.0, 106.0)),
    } <= cuts_of(sel)
    assert {d.name: d.expr for d in sel.derived}["m12"] == "mass(z1(quads))"
    assert sel.assumptions[0].id == "quadruplet_convention"
    exprs = {c.expr for c in sel.all_cuts()}
    assert {
        "count(leptons) == 4",
        "ptcone30 / pt < 0.15",
        "nth(sort_desc(pt(leptons)), 0) > 20",
        "nth(sort_desc(pt(leptons)), 3) > 7",
    } <= exprs
    assert all(c.status == "verified" for c in sel.all_cuts())


def test_student_report_without_numeric_cuts_gives_valid_list() -> None:
    sel = extract_selection(
        load_pdf(shared_path("corpus", "papers", "report-h4l-opendata-yasodar.pdf")), cited_depth=0
    )
    assert SelectionList.model_validate(sel.model_dump()) == sel
    assert all(c.status in ("verified", "unverified") for c in sel.all_cuts())


@pytest.mark.parametrize(
    ("folder", "pdf", "expected"),
    [
        (
            "CMS-SUS-16-043",
            "1706.09933.pdf",
            {
                ("electrons", "pt", ">", 30.0),
                ("muons", "pt", ">", 25.0),
                ("electrons", "eta", "<", 1.44),
                ("muons", "eta", "<", 2.1),
                ("leptons", "d0", "<", 0.5),
                ("leptons", "z0", "<", 1.0),
                (None, "met", ">=", 125.0),
                (None, "mct", ">", 170.0),
            },
        ),
        (
            "CMS-SUS-16-035",
            "1704.07323.pdf",
            {
                ("electrons", "pt", ">", 15.0),
                ("muons", "pt", ">", 10.0),
                ("jets", "pt", ">", 40.0),
                ("bjets", "pt", ">", 25.0),
            },
        ),
        (
            "CMS-SUS-16-047",
            "1707.06193.pdf",
            {
                ("photons", "pt", ">", 100.0),
                ("photons", "eta", "<", 1.4442),
                ("jets", "pt", ">", 30.0),
            },
        ),
    ],
)
def test_cms_papers_of_the_adl_corpus(
    folder: str, pdf: str, expected: set[tuple[object, ...]]
) -> None:
    sel = extract_rules(load_pdf(shared_path("corpus", "adl", folder, pdf)))
    assert expected <= cuts_of(sel)
    # (the regions read from a table of signal-region bins stay unverified by design)
    stated = [c for o in sel.objects for c in o.cuts] + sel.selection
    assert sum(c.status == "verified" for c in stated) >= 0.9 * len(stated)


def test_deep_learning_paper_gives_empty_list_with_note() -> None:
    sel = extract_selection(
        load_pdf(shared_path("corpus", "papers", "arXiv-1402.4735.pdf")), cited_depth=0
    )
    assert sel.all_cuts() == [] and sel.objects == [] and sel.complete
    assert NO_SELECTION_NOTE in sel.notes
    assert any("does not describe an analysis of recorded collision data" in n for n in sel.notes)


def test_rules_are_deterministic() -> None:
    doc = load_pdf(shared_path("corpus", "papers", "arXiv-1312.1956.pdf"))
    assert extract_rules(doc).model_dump() == extract_rules(doc).model_dump()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_extract_rules_writes_a_loadable_selection(tmp_path: Path) -> None:
    doc = load_pdf(shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf"))
    (tmp_path / "document.json").write_text(doc.model_dump_json(), encoding="utf-8")
    out = tmp_path / "sel.json"
    proc = run_cli(
        "extract",
        str(tmp_path / "document.json"),
        "--backend",
        "rules",
        "--out",
        str(out),
        "--cited-depth",
        "0",
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["verified"] >= 10 and summary["producer"] == "rules"
    from pipeline.selection.store import load_selection

    assert len(load_selection(out, check=False).all_cuts()) == summary["cuts"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope.json"], "does not exist"),
        (["--samples", "0"], "--samples"),
    ],
)
def test_cli_bad_input_is_a_clear_error(tmp_path: Path, args: list[str], message: str) -> None:
    paper = (
        args[0]
        if args[0].endswith(".json")
        else str(shared_path("corpus", "papers", "arXiv-1402.4735.pdf"))
    )
    extra = args[1:] if args[0].endswith(".json") else args
    proc = run_cli(
        "extract",
        str(tmp_path / paper) if paper == "nope.json" else paper,
        *extra,
        "--out",
        str(tmp_path / "o.json"),
    )
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert message in proc.stderr
    assert not (tmp_path / "o.json").exists()


def test_cli_llm_without_model_says_what_to_do(tmp_path: Path) -> None:
    proc = run_cli(
        "extract",
        str(shared_path("corpus", "papers", "report-h4l-opendata-yasodar.pdf")),
        "--backend",
        "llm",
        "--out",
        str(tmp_path / "o.json"),
    )
    assert (
        proc.returncode == 1 and "REPRO_LLM_MODEL" in proc.stderr and "Traceback" not in proc.stderr
    )

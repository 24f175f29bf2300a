"""The support check: a verified cut must mean what its quoted clause says
(pipeline.extract.support).

The cuts here are what an extractor - the rules, or a model - proposed; each sentence is placed in a
document, grounded (quote found, numbers present) and then checked. The wrong readings an ATLAS
analyser finds in the 1312.1956 extraction and in the model replays must not end up verified.
"""

from __future__ import annotations

import pytest

from pipeline.extract.grounding import ground_selection
from pipeline.extract.support import check_support, support_problem
from pipeline.parse.document import Block, Document, SourceInfo
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, Provenance, SelectionList
from pipeline.selection.validate import errors_only, validate_selection


def _document(text: str) -> Document:
    source = SourceInfo(paper_id="test", path="x.pdf", sha256="0" * 64, backend="pymupdf")
    return Document(
        source=source, text=text, blocks=[Block(id="b0", page=1, text=text, start=0, end=len(text))]
    )


def _cut(cut_id: str, quote: str, **form: object) -> Cut:
    return Cut.model_validate(
        {
            "id": cut_id,
            "description": cut_id,
            **form,
            "provenance": Provenance(source="paper", document="test", quote=quote),
        }
    )


def _checked(quote: str, *, target: str | None = None, **form: object) -> Cut:
    """The cut after grounding and the support check, in a list holding only it."""
    cut = _cut("c", quote, **({"scope": "object", "target": target} if target else {}), **form)
    objects = [PhysicsObject(name=target, kind=target.rstrip("s"), cuts=[cut])] if target else []  # type: ignore[arg-type]
    sel = SelectionList(
        paper=PaperRef(id="test"), objects=objects, selection=[] if target else [cut]
    )
    doc = _document("Some text. " + quote + " More text.")
    checked = check_support(ground_selection(sel, doc), doc)
    return checked.all_cuts()[0]


# (quote, target, cut form, words expected in the reason)
WRONG = [
    # model replay: a histogram range read as two jet pT cuts (Yasodar report)
    (
        "Filling a histogram over the range 70-200 GeV",
        "jets",
        {"variable": "pt", "op": ">", "value": 70},
        "histogram",
    ),
    (
        "Filling a histogram over the range 70-200 GeV",
        "jets",
        {"variable": "pt", "op": "<", "value": 200},
        "histogram",
    ),
    # a condition read as object cuts
    (
        "Jets from additional pp interactions are suppressed by requiring the jet vertex fraction "
        "(JVF) to be larger than 0.5 for jets with p_T < 50 GeV and |\u03b7| <2.4.",
        "jets",
        {"variable": "pt", "op": "<", "value": 50},
        "condition",
    ),
    (
        "Jets from additional pp interactions are suppressed by requiring the jet vertex fraction "
        "(JVF) to be larger than 0.5 for jets with p_T < 50 GeV and |\u03b7| <2.4.",
        "jets",
        {"variable": "eta", "abs": True, "op": "<", "value": 2.4},
        "condition",
    ),
    # a sum read as its last term
    (
        "in the \u03bc+jets channel: E^miss_T > 20 GeV and m^W_T +E^miss_T > 60 GeV.",
        None,
        {"variable": "met", "op": ">", "value": 60},
        "sum",
    ),
    # one lepton count over both flavours read as an electron count
    (
        "Events are required to have exactly one reconstructed isolated electron or muon matching "
        "the trigger object.",
        None,
        {"expr": "count(electrons) == 1"},
        "together",
    ),
    # a condition on the number of b-tagged jets read as a requirement
    (
        "Next, the two b-tagged jets are used to reconstruct the candidate; if there are more "
        "than two b-tagged jets, the two jets with the highest b-tagging scores are used.",
        None,
        {"expr": "count(bjets) > 2"},
        "condition",
    ),
    # isolation cone sizes read as object cuts
    (
        "Isolation requirements are imposed in cones of calorimeter energy deposits (\u0394R(e, "
        "deposit) < 0.2) and inner-detector tracks (\u0394R(e, track) < 0.3) around the electrons "
        "direction.",
        "tracks",
        {"variable": "dr", "op": "<", "value": 0.3},
        "cone",
    ),
    # overlap removal read as a cut keeping the removed objects
    (
        "Electrons with \u0394R(e, jet) < 0.4 to any remaining jets and muons with "
        "\u0394R(\u03bc, jet) < 0.4 between the muon and nearest jet are removed.",
        "jets",
        {"variable": "dr", "op": "<", "value": 0.4},
        "overlap",
    ),
    # polarity: what is rejected read as what is kept
    (
        "Events with E^miss_T > 50 GeV are rejected.",
        None,
        {"variable": "met", "op": ">", "value": 50},
        "polarity",
    ),
    # a trigger threshold read as an offline cut
    (
        "Events are selected using single-muon triggers with p_T thresholds of 24 GeV.",
        "muons",
        {"variable": "pt", "op": ">", "value": 24},
        "trigger",
    ),
    # the value belongs to another quantity of the clause
    (
        "Muons are required to have p_T > 25 GeV and |\u03b7| < 2.5.",
        "muons",
        {"variable": "pt", "op": ">", "value": 2.5},
        "eta",
    ),
    # an invented object: the clause speaks of photons
    (
        "Photons are required to have p_T > 25 GeV.",
        "jets",
        {"variable": "pt", "op": ">", "value": 25},
        "photon",
    ),
    # direction
    (
        "Muons are required to have p_T > 25 GeV.",
        "muons",
        {"variable": "pt", "op": "<", "value": 25},
        "direction",
    ),
]

RIGHT = [
    (
        "Jets are required to have p_T > 25 GeV and |\u03b7| < 2.5.",
        "jets",
        {"variable": "pt", "op": ">", "value": 25},
    ),
    (
        "Jets are required to have p_T > 25 GeV and |\u03b7| < 2.5.",
        "jets",
        {"variable": "eta", "abs": True, "op": "<", "value": 2.5},
    ),
    (
        "Selected electrons are required to have transverse momentum p_T > 25 GeV and "
        "pseudorapidity in the range |\u03b7| < 2.47, excluding the calorimeter barrel/end-cap "
        "transition region 1.37 < |\u03b7| < 1.52.",
        "electrons",
        {"variable": "eta", "abs": True, "op": "outside", "value": [1.37, 1.52]},
    ),
    (
        "Selected electrons are required to have transverse momentum p_T > 25 GeV and "
        "pseudorapidity in the range |\u03b7| < 2.47, excluding the calorimeter barrel/end-cap "
        "transition region 1.37 < |\u03b7| < 1.52.",
        "electrons",
        {"variable": "pt", "op": ">", "value": 25},
    ),
    (
        "Selected electrons are required to have transverse momentum p_T > 25 GeV and "
        "pseudorapidity in the range |\u03b7| < 2.47, excluding the calorimeter barrel/end-cap "
        "transition region 1.37 < |\u03b7| < 1.52.",
        "electrons",
        {"variable": "eta", "abs": True, "op": "<", "value": 2.47},
    ),
    (
        "Events with E^miss_T > 50 GeV are rejected.",
        None,
        {"variable": "met", "op": "<=", "value": 50},
    ),
    (
        "in the e+jets channel: E^miss_T > 30 GeV and m^W_T > 30 GeV,",
        None,
        {"variable": "met", "op": ">", "value": 30},
    ),
    (
        "Events are required to have exactly one reconstructed isolated electron or muon matching "
        "the trigger object.",
        None,
        {"expr": "count(leptons) == 1"},
    ),
    (
        "At least four jets with p_T > 25 GeV and |\u03b7| < 2.5 are required, of which at least "
        "two must be identified as b-jets.",
        None,
        {"expr": "count(jets) >= 4"},
    ),
    ("Muons with I_\u03bc < 0.05 are selected.", "muons", {"expr": "ptcone30 / pt < 0.05"}),
]


@pytest.mark.parametrize(("quote", "target", "form", "why"), WRONG)
def test_a_wrong_reading_is_not_verified(
    quote: str, target: str | None, form: dict, why: str
) -> None:  # type: ignore[type-arg]
    cut = _checked(quote, target=target, **form)
    assert cut.grounding is not None and cut.grounding.found, "the quote itself is in the document"
    assert cut.status == "unverified"
    assert why in cut.grounding.reason, cut.grounding.reason


@pytest.mark.parametrize(("quote", "target", "form"), RIGHT)
def test_a_right_reading_stays_verified(quote: str, target: str | None, form: dict) -> None:  # type: ignore[type-arg]
    cut = _checked(quote, target=target, **form)
    assert cut.status == "verified", cut.grounding.reason if cut.grounding else None


def test_model_replays_end_with_no_verified_wrong_cut() -> None:
    """The two model cases: a histogram range became jet pT cuts; jets were invented for a lepton
    report."""
    text = (
        "Each event consists of four reconstructed leptons (electrons or muons). The main steps "
        "are: Filling a histogram over the range 70\u2013200 GeV. A total of 3424 four-lepton "
        "events pass the basic selection criteria."
    )
    model_cuts = [
        _cut(
            "jets_pt",
            "Filling a histogram over the range 70\u2013200 GeV",
            scope="object",
            target="jets",
            variable="pt",
            op=">",
            value=70,
        ),
        _cut(
            "jets_pt_2",
            "Filling a histogram over the range 70\u2013200 GeV",
            scope="object",
            target="jets",
            variable="pt",
            op="<",
            value=200,
        ),
        _cut(
            "jets_n",
            "A total of 3424 four-lepton events pass the basic selection criteria.",
            expr="count(jets) >= 2",
        ),
    ]
    sel = SelectionList(
        paper=PaperRef(id="test"),
        objects=[PhysicsObject(name="jets", kind="jet", cuts=model_cuts[:2])],
        selection=model_cuts[2:],
    )
    checked = check_support(ground_selection(sel, _document(text)), _document(text))
    assert [c.status for c in checked.all_cuts()] == ["unverified"] * 3


def test_a_cut_with_no_quote_is_left_to_grounding() -> None:
    cut = _cut("c", "", variable="met", op=">", value=50)
    assert support_problem(cut, {}) is None


def test_model_cases_on_the_yasodar_report_through_the_llm_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The same check for model output: the model's histogram-range jet cuts and its invented jets,
    replayed through the real LLM path (fake OpenAI server, real PDF), end with no verified wrong
    cut."""
    from dataclasses import replace

    from pipeline.config import load_settings
    from pipeline.extract import extract_selection
    from tests.conftest import shared_path
    from tests.fakes.openai_server import FakeOpenAI, tool_call
    from tests.fakes.simple_pdf import load_pdf

    doc = load_pdf(shared_path("corpus", "papers", "report-h4l-opendata-yasodar.pdf"))
    histogram = "Filling a histogram over the range 70\u2013200 GeV"
    answer = {
        "cuts": [
            {
                "object": "jet",
                "variable": "pt",
                "op": ">",
                "value": 70,
                "unit": "GeV",
                "quote": histogram,
            },
            {
                "object": "jet",
                "variable": "pt",
                "op": "<",
                "value": 200,
                "unit": "GeV",
                "quote": histogram,
            },
            {
                "object": "jet",
                "variable": "count",
                "op": ">=",
                "value": 2,
                "quote": "A total of 3424 four-lepton events pass the basic selection criteria",
            },
        ]
    }
    with FakeOpenAI(model="qwen-fake") as server:
        server.push(tool_call(answer))
        settings = replace(
            load_settings(), llm_base_url=server.base_url, llm_model=server.model, llm_timeout=5.0
        )
        sel = extract_selection(
            doc, backend="llm", settings=settings, run_dir=tmp_path, cited_depth=0
        )
    jets = [
        c for c in sel.all_cuts() if c.target == "jets" or (c.expr or "").startswith("count(jets)")
    ]
    assert jets and all(c.status != "verified" for c in jets), [(c.id, c.status) for c in jets]
    assert errors_only(validate_selection(sel)) == []

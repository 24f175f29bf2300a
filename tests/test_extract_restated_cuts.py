"""A cut the paper states more than once is quoted from a statement that supports it (issue 17).

The extractor keeps one cut per statement key (and region); the later statements ride along, and
the support check quotes the first of them (in document order) that grounding and the check
verify when the first statement does not support the cut. Otherwise the first statement stays, as
before: verified when it supports the cut, unverified when no statement does.
"""

from __future__ import annotations

from functools import cache

from pipeline.extract import extract_selection
from pipeline.extract.build import Source, build_selection, dedupe
from pipeline.extract.findings import CutFinding
from pipeline.extract.grounding import ground_selection
from pipeline.extract.support import check_support
from pipeline.selection.models import Cut, PaperRef, SelectionList
from tests.conftest import shared_path
from tests.test_extract_support_classes import _document

# rejected by the support check: the values are alternatives of two event categories
PER_CATEGORY = (
    "Photons are required to have p_T > 185 or 80 GeV for the non-boosted or boosted "
    "categories, respectively."
)
PROPER = "Photons are required to have p_T > 185 GeV."


def _paper(intro: str, selection: str) -> str:
    return (
        "1 Introduction\n\n"
        + intro
        + "\n\n2 Event selection\n\nWe use 36 fb^-1 of data recorded in 2016. "
        + selection
        + " More text."
    )


def _photon_pt(text: str, value: float = 185.0) -> Cut:
    sel = extract_selection(_document(text), backend="rules", cited_depth=0)
    (cut,) = [c for c in sel.all_cuts() if c.target == "photons" and c.value == value]
    return cut


def test_a_later_statement_that_supports_the_cut_is_quoted() -> None:
    cut = _photon_pt(_paper(PER_CATEGORY, PROPER))
    assert cut.status == "verified"
    assert cut.provenance is not None and cut.provenance.quote == PROPER
    assert cut.grounding is not None and cut.grounding.reason == "quote found, numbers match"
    assert cut.description == PROPER  # the description was the first quote: it follows
    # the first statement stays in view of the reviewer, with why it was not kept
    assert cut.notes is not None and "stated more than once" in cut.notes
    assert "non-boosted" in cut.notes and "event categories" in cut.notes


def test_a_first_statement_that_supports_the_cut_is_kept() -> None:
    cut = _photon_pt(_paper(PROPER, PER_CATEGORY))
    assert cut.status == "verified"
    assert cut.provenance is not None and PROPER in cut.provenance.quote  # (heading glued on)
    assert "non-boosted" not in cut.provenance.quote
    assert not cut.notes


def test_a_cut_no_statement_supports_stays_unverified_with_its_first_quote() -> None:
    again = (
        "Photons with p_T > 185 or 80 GeV are used in the non-boosted or boosted categories, "
        "respectively."
    )
    cut = _photon_pt(_paper(PER_CATEGORY, again))
    assert cut.status == "unverified"
    assert cut.provenance is not None and PER_CATEGORY in cut.provenance.quote  # the first
    assert cut.grounding is not None and "not supported" in cut.grounding.reason
    assert not cut.notes


def test_the_choice_is_deterministic() -> None:
    doc = _document(_paper(PER_CATEGORY, PROPER))
    runs = [
        extract_selection(doc, backend="rules", cited_depth=0).model_dump_json() for _ in (1, 2)
    ]
    assert runs[0] == runs[1]


def _finding(quote: str, region: str | None = None) -> CutFinding:
    return CutFinding(
        object="photon", variable="pt", op=">", value=185.0, unit="GeV", quote=quote, region=region
    )


def test_dedupe_keeps_the_later_statements_and_separates_regions() -> None:
    source = Source(document="test")
    first, later, other = (
        _finding("a first one"),
        _finding("a later one"),
        _finding("in the control region", "cr"),
    )
    groups = dedupe([(first, source), (later, source), (other, source)])
    assert groups == [((first, source), [(later, source)]), ((other, source), [])]


def test_model_findings_take_the_same_path() -> None:
    """Findings a model returns go through build_selection, grounding and the check too."""
    doc = _document(_paper(PER_CATEGORY, PROPER))
    source = Source(document="test")
    findings = [(_finding(PER_CATEGORY), source), (_finding(PROPER), source)]
    sel = build_selection(findings, paper=PaperRef(id="test"), producer="llm:test")
    assert len(sel.all_cuts()) == 1
    assert "_restatements" not in sel.model_dump_json()  # in memory only: the list is as before
    (cut,) = check_support(ground_selection(sel, doc), doc).all_cuts()
    assert cut.status == "verified"
    assert cut.provenance is not None and cut.provenance.quote == PROPER


def test_a_region_cut_is_not_a_restatement_of_the_signal_cut() -> None:
    doc = _document(_paper(PER_CATEGORY, PROPER))
    source = Source(document="test")
    findings = [(_finding(PER_CATEGORY), source), (_finding(PROPER, region="cr"), source)]
    sel = build_selection(findings, paper=PaperRef(id="test"), producer="llm:test")
    checked = check_support(ground_selection(sel, doc), doc)
    (signal,) = [c for o in checked.objects for c in o.cuts]
    assert signal.status == "unverified"
    assert signal.provenance is not None and signal.provenance.quote == PER_CATEGORY


@cache
def _sus_16_037() -> SelectionList:
    from pipeline.parse import parse_document

    pdf = shared_path("corpus", "adl", "CMS-SUS-16-037", "1705.04673.pdf")
    return extract_selection(parse_document(pdf), backend="rules", cited_depth=0)


def test_cms_sus_16_037_b_jet_count_is_quoted_from_the_baseline_selection() -> None:
    (cut,) = [c for c in _sus_16_037().all_cuts() if c.expr == "count(bjets) >= 1"]
    assert cut.status == "verified"
    assert cut.provenance is not None
    assert cut.provenance.quote.startswith("We select events with exactly one isolated charged")
    assert "at least one of which is b tagged" in cut.provenance.quote
    assert cut.notes is not None and "This signature includes a single lepton" in cut.notes


def test_a_count_of_additional_objects_does_not_support_a_cut_on_every_object() -> None:
    """A later statement is only quoted when the check verifies it: 'at least one additional jet
    with p_T > 75 GeV' (the second jet, SUS-16-032) is no threshold on every jet."""
    from tests.test_extract_support_classes import _checked, _reason

    quote = (
        "We require the p_T of the leading jet to be >100 GeV and to contain at least one "
        "additional jet with p_T > 75 GeV."
    )
    cut = _checked(quote, {"variable": "pt", "op": ">", "value": 75.0, "unit": "GeV"}, "jets")
    assert cut.status == "unverified"
    assert "additional objects" in _reason(cut)
    plain = _checked(
        "Jets are required to have p_T > 75 GeV.",
        {"variable": "pt", "op": ">", "value": 75.0, "unit": "GeV"},
        "jets",
    )
    assert plain.status == "verified"

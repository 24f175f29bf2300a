"""Definitions deferred to cited papers: resolved through the mirror, or recorded as unresolved."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.extract import extract_selection
from pipeline.extract.cited import find_deferrals, marker_keys
from tests.conftest import shared_path
from tests.fakes.mirror import add_to_mirror
from tests.fakes.simple_pdf import load_pdf

CLOSED = "http://127.0.0.1:9"  # nothing listens: the network is "down"


@pytest.fixture(scope="module")
def citing():
    return load_pdf(shared_path("corpus", "adl", "CMS-SUS-16-035", "1704.07323.pdf"))


def offline(tmp_path: Path, mirror: Path | None):
    return replace(
        load_settings(),
        home=tmp_path / "home",
        mirror=mirror,
        arxiv_api_url=CLOSED,
        arxiv_export_url=CLOSED,
        network_timeout=2.0,
    )


@pytest.mark.parametrize(
    ("marker", "keys"),
    [
        ("[12]", ["12"]),
        ("[3, 7]", ["3", "7"]),
        ("[12-14]", ["12", "13", "14"]),
        ("[12\u201314]", ["12", "13", "14"]),
    ],
)
def test_marker_keys(marker: str, keys: list[str]) -> None:
    assert marker_keys(marker) == keys


def test_deferral_to_ref_24_is_found(citing) -> None:
    deferrals = find_deferrals(citing)
    assert any(d.keys == ["24"] and "isolation" in d.quote for d in deferrals)
    assert not any("detector" in d.quote.lower() for d in deferrals)


def test_cited_paper_from_mirror_fills_missing_definitions(citing, tmp_path: Path) -> None:
    pdf = shared_path("corpus", "adl", "CMS-SUS-16-035", "1605.03171.pdf")
    add_to_mirror(tmp_path / "mirror", "arXiv:1605.03171", pdf)
    sel = extract_selection(citing, settings=offline(tmp_path, tmp_path / "mirror"), cited_depth=1)
    cited = [c for c in sel.all_cuts() if c.provenance and c.provenance.source == "cited"]
    assert cited, "no definition was taken from the cited paper"
    for cut in cited:
        assert cut.provenance.reference == "[24]" and cut.provenance.document == "arXiv:1605.03171"
        # grounded in the cited paper; the support check may still find that a sentence there is no
        # cut of this selection (the trigger description, the loose isolation of veto leptons)
        assert cut.grounding is not None and cut.grounding.found and cut.provenance.page is not None
        assert cut.status == "verified" or "not supported" in cut.grounding.reason
    assert any(c.status == "verified" for c in cited)
    assert any("taken from cited paper [24]" in n for n in sel.notes)
    own = {c.id for c in sel.all_cuts()} - {c.id for c in cited}
    assert own, "the citing paper's own cuts must stay"


def test_cited_paper_absent_offline_is_unresolved_naming_the_reference(
    citing, tmp_path: Path
) -> None:
    sel = extract_selection(
        citing, settings=offline(tmp_path, tmp_path / "empty-mirror"), cited_depth=1
    )
    (item,) = [u for u in sel.unresolved if u.reference == "Ref. [24]"]
    assert "1605.03171" in item.reason and "mirror" in item.reason
    assert not any(c.provenance and c.provenance.source == "cited" for c in sel.all_cuts())


def test_depth_zero_does_not_follow_references(citing, tmp_path: Path) -> None:
    sel = extract_selection(citing, settings=offline(tmp_path, None), cited_depth=0)
    assert [
        u for u in sel.unresolved if u.reference
    ] == []  # what is left are cuts the language cannot state

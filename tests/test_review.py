"""The review session over a real run (ATLAS arXiv:1312.1956): decisions, versions, log, gate."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import SelectionError, UsageError
from pipeline.review import Decision, ReviewConflict, ReviewSession, require_reviewed, resolve_run
from pipeline.review.decisions import parse_value
from pipeline.review.view import diff_lists, machine_form
from pipeline.selection.store import load_selection
from tests.test_review_helpers import build_run


@pytest.fixture
def run_dir(repro_home: Path) -> Path:
    return build_run(repro_home)


def cut_of(run_dir: Path, cut_id: str, name: str = "selection.reviewed.json"):  # type: ignore[no-untyped-def]
    return next(c for c in load_selection(run_dir / name, check=False).all_cuts() if c.id == cut_id)


def test_approve_writes_version_reviewed_list_and_log(run_dir: Path) -> None:
    session = ReviewSession(run_dir, reviewer="alice")
    result = session.decide(
        Decision(action="approve", cut_id="el_pt", comment="matches the paper"), 0
    )
    assert result.version == 1 == session.version()
    assert (run_dir / "review" / "selection.v001.json").is_file()
    assert cut_of(run_dir, "el_pt").status == "reviewed"
    assert cut_of(run_dir, "el_pt").reviewer_note == "matches the paper"
    assert cut_of(run_dir, "el_pt", "selection.extracted.json").status == "verified"
    (entry,) = session.log()
    assert entry["who"] == "alice" and entry["cut"] == "el_pt" and entry["action"] == "approve"
    assert entry["before"]["status"] == "verified" and entry["after"]["status"] == "reviewed"
    assert (
        entry["comment"] == "matches the paper"
        and entry["version"] == 1
        and entry["time"].endswith("+00:00")
    )
    assert load_selection(run_dir / "selection.reviewed.json").producer == "review"


@pytest.mark.parametrize("action, status", [("approve", "reviewed"), ("reject", "rejected")])
def test_status_transitions(run_dir: Path, action: str, status: str) -> None:
    ReviewSession(run_dir).decide(Decision(action=action, cut_id="mu_eta"), 0)  # type: ignore[arg-type]
    assert cut_of(run_dir, "mu_eta").status == status


def test_edit_changes_value_and_marks_edited_and_approve_keeps_edited(run_dir: Path) -> None:
    session = ReviewSession(run_dir)
    session.decide(
        Decision(
            action="edit", cut_id="bjet_pt", changes={"value": "20", "description": "b-jet pT"}
        ),
        0,
    )
    cut = cut_of(run_dir, "bjet_pt")
    assert (cut.value, cut.description, cut.status) == (20.0, "b-jet pT", "edited")
    session.decide(Decision(action="approve", cut_id="bjet_pt"), 1)
    assert cut_of(run_dir, "bjet_pt").status == "edited"


def test_edit_in_mev_is_stored_in_gev(run_dir: Path) -> None:
    ReviewSession(run_dir).decide(
        Decision(action="edit", cut_id="el_pt", changes={"value": "27000", "unit": "MeV"}), 0
    )
    cut = cut_of(run_dir, "el_pt")
    assert (cut.value, cut.unit) == (27.0, "GeV")


def test_edit_switching_to_an_expression_clears_the_structured_form(run_dir: Path) -> None:
    ReviewSession(run_dir).decide(
        Decision(action="edit", cut_id="mu_pt", changes={"expr": "pt > 26"}), 0
    )
    cut = cut_of(run_dir, "mu_pt")
    assert (cut.expr, cut.variable, cut.op, cut.value) == ("pt > 26", None, None, None)
    assert machine_form(cut) == "muons: pt > 26  [GeV]"


@pytest.mark.parametrize(
    "changes, error, words",
    [
        ({"op": "between", "value": "25"}, SelectionError, "needs value [low, high]"),
        ({"op": "between", "value": "160, 105"}, SelectionError, "low < high"),
        ({"expr": "count(jetz) >= 4"}, SelectionError, "jetz"),
        ({"unit": "furlong"}, SelectionError, "unknown unit"),
        ({"value": "twenty"}, UsageError, "not a number"),
        ({"status": "reviewed"}, UsageError, "cannot edit"),
        ({"description": ""}, SelectionError, "description"),
    ],
)
def test_invalid_edit_is_refused_and_nothing_is_written(
    run_dir: Path, changes: dict, error: type, words: str
) -> None:
    cut_id = "four_jets" if "expr" in changes else "el_pt"
    session = ReviewSession(run_dir)
    with pytest.raises(error) as caught:
        session.decide(Decision(action="edit", cut_id=cut_id, changes=changes), 0)
    assert words in str(caught.value)
    assert session.version() == 0
    assert not (run_dir / "selection.reviewed.json").exists()
    assert session.log() == []
    assert list((run_dir / "review").glob("selection.v*.json")) == []


def test_unknown_cut_names_the_closest(run_dir: Path) -> None:
    with pytest.raises(UsageError, match="el_pt"):
        ReviewSession(run_dir).decide(Decision(action="approve", cut_id="el_ptt"), 0)


def test_stale_save_is_refused_and_keeps_the_first_edit(run_dir: Path) -> None:
    one, two = ReviewSession(run_dir, reviewer="a"), ReviewSession(run_dir, reviewer="b")
    one.decide(Decision(action="edit", cut_id="el_pt", changes={"value": 26}), 0)
    with pytest.raises(ReviewConflict) as caught:
        two.decide(Decision(action="edit", cut_id="mu_pt", changes={"value": 27}), 0)
    assert (caught.value.base_version, caught.value.current_version) == (0, 1)
    assert cut_of(run_dir, "el_pt").value == 26 and cut_of(run_dir, "mu_pt").value == 25
    two.decide(Decision(action="edit", cut_id="mu_pt", changes={"value": 27}), 1)
    assert cut_of(run_dir, "el_pt").value == 26 and cut_of(run_dir, "mu_pt").value == 27
    assert [e["who"] for e in one.log()] == ["a", "b"]


def test_concurrent_reviewers_lose_no_edit(run_dir: Path) -> None:
    ids = ["el_pt", "el_eta", "el_crack", "mu_pt", "mu_eta", "mu_iso", "jet_pt", "jet_eta"]
    conflicts = []

    def reviewer(cut_id: str) -> None:
        session = ReviewSession(run_dir, reviewer=cut_id)
        while True:
            version, _ = session.current()
            try:
                session.decide(Decision(action="approve", cut_id=cut_id), version)
                return
            except ReviewConflict:
                conflicts.append(cut_id)

    threads = [threading.Thread(target=reviewer, args=(cut_id,)) for cut_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    session = ReviewSession(run_dir)
    assert session.version() == len(ids)
    assert all(cut_of(run_dir, cut_id).status == "reviewed" for cut_id in ids)
    assert sorted(e["cut"] for e in session.log()) == sorted(ids)
    assert [e["version"] for e in session.log()] == list(range(1, len(ids) + 1))


def test_add_missing_cut_with_quote_is_located_on_the_page(run_dir: Path) -> None:
    from pipeline.review.sources import locate

    pdf = Path(json.loads((run_dir / "document.json").read_text())["source"]["path"])

    def place(quote: str, page: int | None):  # type: ignore[no-untyped-def]
        spot = locate(pdf, quote, page)
        return spot.page, [
            dict(page=spot.page, x0=b[0], y0=b[1], x1=b[2], y1=b[3]) for b in spot.boxes
        ]

    quote = "Events are required to have exactly one reconstructed isolated electron or muon"
    decision = Decision(
        action="add",
        cut_id="vertex_tracks",
        into="selection",
        after="one_lepton",
        quote=quote,
        changes={
            "description": "primary vertex with at least five tracks",
            "expr": "count(jets) >= 0",
        },
    )
    ReviewSession(run_dir).decide(decision, 0, locate=place)
    selection = load_selection(run_dir / "selection.reviewed.json", check=False)
    assert [c.id for c in selection.selection] == ["one_lepton", "vertex_tracks", "four_jets"]
    added = selection.selection[1]
    assert added.status == "reviewed" and added.provenance.source == "hand"
    assert added.provenance.page == 4 and added.provenance.bbox
    entry = ReviewSession(run_dir).log()[0]
    assert entry["before"] is None and entry["after"]["provenance"]["bbox"]


@pytest.mark.parametrize(
    "decision, words",
    [
        (
            Decision(
                action="add", cut_id="x1", changes={"description": "d", "expr": "count(jets) >= 1"}
            ),
            "quote",
        ),
        (
            Decision(
                action="add",
                cut_id="el_pt",
                quote="q",
                changes={"description": "d", "expr": "count(jets) >= 1"},
            ),
            "twice",
        ),
        (
            Decision(
                action="add",
                cut_id="x2",
                quote="q",
                into="object:elecs",
                changes={"description": "d", "expr": "pt > 1"},
            ),
            "electrons",
        ),
    ],
)
def test_add_refuses_bad_new_cuts(run_dir: Path, decision: Decision, words: str) -> None:
    with pytest.raises((UsageError, SelectionError), match=words):
        ReviewSession(run_dir).decide(decision, 0)


def test_answer_assumption(run_dir: Path) -> None:
    ReviewSession(run_dir).decide(
        Decision(action="answer", assumption_id="btag_wp", answer="use 70% WP"), 0
    )
    (assumption,) = load_selection(run_dir / "selection.reviewed.json", check=False).assumptions
    assert (assumption.status, assumption.answer) == ("answered", "use 70% WP")
    with pytest.raises(UsageError, match="btag_wp"):
        ReviewSession(run_dir).decide(
            Decision(action="answer", assumption_id="nope", answer="x"), 1
        )


def test_diff_extracted_vs_reviewed(run_dir: Path) -> None:
    session = ReviewSession(run_dir)
    session.decide(Decision(action="edit", cut_id="el_pt", changes={"value": 30}), 0)
    items = {item["id"]: item for item in diff_lists(session.extracted(), session.current()[1])}
    assert items["el_pt"]["state"] == "changed"
    assert items["el_pt"]["fields"]["value"] == [25.0, 30.0]
    assert items["el_pt"]["fields"]["status"] == ["verified", "edited"]
    assert items["mu_pt"]["state"] == "unchanged"


def test_gate_refuses_unreviewed_and_unfinished_lists(run_dir: Path) -> None:
    with pytest.raises(UsageError) as caught:
        require_reviewed(run_dir, no_review=False)
    assert "reproduce review" in str(caught.value) and "--no-review" in str(caught.value)
    assert require_reviewed(run_dir, no_review=True) == run_dir / "selection.extracted.json"
    session = ReviewSession(run_dir)
    session.decide(Decision(action="approve", cut_id="el_pt"), 0)
    with pytest.raises(UsageError, match="11 cut"):
        require_reviewed(run_dir, no_review=False)
    for cut in session.current()[1].all_cuts():
        if cut.status != "reviewed":
            session.decide(
                Decision(action="approve" if cut.id != "bjet_pt" else "reject", cut_id=cut.id),
                session.version(),
            )
    assert require_reviewed(run_dir, no_review=False) == run_dir / "selection.reviewed.json"
    assert require_reviewed(run_dir, no_review=True) == run_dir / "selection.reviewed.json"


def test_gate_without_any_list(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no selection list"):
        require_reviewed(tmp_path, no_review=True)


def test_resolve_run_by_path_key_and_id(run_dir: Path, repro_home: Path) -> None:
    outputs = repro_home / "outputs"
    assert resolve_run(str(run_dir), outputs) == run_dir.resolve()
    assert resolve_run("1312.1956/run-1", outputs) == run_dir.resolve()
    assert resolve_run("run-1", outputs) == run_dir.resolve()


@pytest.mark.parametrize(
    "name",
    ["../../etc", "1312.1956/..", "../1312.1956/run-1", "run-1/../../x", "a/b/c", "..", "run 1"],
)
def test_resolve_run_refuses_traversal(run_dir: Path, repro_home: Path, name: str) -> None:
    with pytest.raises(UsageError):
        resolve_run(name, repro_home / "outputs")


def test_resolve_run_unknown_suggests(run_dir: Path, repro_home: Path) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_run("run-2", repro_home / "outputs")
    assert "run-1" in str(caught.value)


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32), min_size=1, max_size=5))
def test_parse_value_round_trips(values: list[float]) -> None:
    parsed = parse_value(", ".join(repr(v) for v in values))
    assert parsed == (values[0] if len(values) == 1 else values)


@pytest.mark.parametrize(
    "document, first",
    [
        ("arXiv:1712.02304", "1712.02304"),
        ("arXiv:1712.02304v2", "1712.02304v2"),
        ("hep-ex/0612017", "hep-ex_0612017"),
        ("report-h4l-opendata-isa-2025.pdf", "report-h4l-opendata-isa-2025"),
        ("../../etc/passwd.pdf", "passwd"),
    ],
)
def test_paper_slugs_match_the_fetch_cache(document: str, first: str) -> None:
    from pipeline.review.sources import paper_slugs

    slugs = paper_slugs(document)
    assert slugs[0] == first and all("/" not in s and s not in {".", ".."} for s in slugs)


def test_a_deleted_reviewed_list_is_not_silently_restarted_from_the_extracted_one(
    run_dir: Path,
) -> None:
    session = ReviewSession(run_dir)
    session.decide(Decision(action="edit", cut_id="el_pt", changes={"value": 26}), 0)
    (run_dir / "selection.reviewed.json").unlink()
    assert session.current()[1].all_cuts()[0].value == 26
    session.decide(Decision(action="approve", cut_id="mu_pt"), 1)
    assert cut_of(run_dir, "el_pt").value == 26 and cut_of(run_dir, "mu_pt").status == "reviewed"


def test_a_corrupt_reviewed_list_is_reported_with_its_path(run_dir: Path) -> None:
    (run_dir / "selection.reviewed.json").write_text(
        '{"paper": {"id": "x"}, "selection": [{"id": 3}]}'
    )
    with pytest.raises(SelectionError) as caught:
        ReviewSession(run_dir).current()
    assert "selection.reviewed.json" in str(caught.value) and "$.selection[0]" in str(caught.value)
    with pytest.raises(SelectionError):
        ReviewSession(run_dir).decide(Decision(action="approve", cut_id="el_pt"), 0)


FIELD_VALUES = {
    "op": st.sampled_from(["<", ">", ">=", "between", "outside", "in", "bogus", ""]),
    "value": st.one_of(
        st.sampled_from(["25", "1, 2", "2, 1", "x", "", "[3,4,5]"]), st.floats(-1e3, 1e3)
    ),
    "unit": st.sampled_from(["GeV", "MeV", "TeV", "mm", "none", "parsec", ""]),
    "expr": st.sampled_from(["pt > 3", "pt >", "count(electrons) >= 1", "__import__('os')", ""]),
    "description": st.sampled_from(["x", ""]),
    "variable": st.sampled_from(["pt", "eta", "nonsense", ""]),
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.fixed_dictionaries({}, optional=FIELD_VALUES))
def test_any_edit_is_saved_whole_or_refused_with_nothing_written(
    run_dir: Path, changes: dict
) -> None:
    import shutil

    from pipeline.errors import ReproError

    shutil.rmtree(run_dir / "review", ignore_errors=True)
    (run_dir / "selection.reviewed.json").unlink(missing_ok=True)
    session = ReviewSession(run_dir)
    try:
        session.decide(Decision(action="edit", cut_id="el_pt", changes=changes), 0)
    except ReproError:
        assert (
            session.version() == 0
            and not (run_dir / "selection.reviewed.json").exists()
            and session.log() == []
        )
        return
    reviewed = load_selection(run_dir / "selection.reviewed.json", check=False)
    assert session.version() == 1 and len(session.log()) == 1
    assert next(c for c in reviewed.all_cuts() if c.id == "el_pt").status == "edited"

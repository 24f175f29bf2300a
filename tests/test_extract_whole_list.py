"""Whole-list extraction: the model writes objects, derived quantities, cutflow and regions; the
project's validator checks them, its errors go back to the model, what still fails is demoted, and
every cut passes the support check. Driven by the scripted fake server (json_schema mode)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import load_settings
from pipeline.extract import extract_selection
from pipeline.extract.prompt import build_whole_list_prompt
from pipeline.extract.whole_list import list_problems, to_selection_data, whole_list_mode
from pipeline.selection.store import load_selection, save_selection
from tests.conftest import shared_path
from tests.fakes.openai_server import FakeOpenAI, json_answer
from tests.fakes.simple_pdf import load_pdf

ETA_QUOTE = (
    "Detector coverage restricts electrons and muons to the pseudorapidity ranges "
    "|\u03b7| < 2.47 and |\u03b7| < 2.7, respectively"
)
M12_QUOTE = "must satisfy 50GeV < m12 < 106GeV"
FOUR_QUOTE = "selecting events containing exactly four leptons"
LEAD_QUOTE = "events are required to satisfy p_T,l1 > 20GeV"
HISTOGRAM_QUOTE = (
    "the binned four-lepton invariant mass (m_4l) distribution was constructed with 5GeV bins"
)
INVENTED_QUOTE = "Muons are required to have pT above 99 GeV in the forward muon spectrometer"

GOOD: dict[str, Any] = {
    "objects": [
        {
            "name": "electrons",
            "kind": "electron",
            "cuts": [{"id": "el_eta", "expr": "abs(eta) < 2.47", "quote": ETA_QUOTE}],
        },
        {
            "name": "muons",
            "kind": "muon",
            "cuts": [{"id": "mu_eta", "expr": "abs(eta) < 2.7", "quote": ETA_QUOTE}],
        },
        {"name": "leptons", "kind": "lepton", "sources": ["electrons", "muons"], "cuts": []},
    ],
    "derived": [
        {"name": "quads", "expr": "quadruplets(leptons, 91.1876)", "quote": M12_QUOTE},
        {
            "name": "m12",
            "expr": "mass(z1(quads))",
            "target": "quads",
            "unit": "GeV",
            "quote": M12_QUOTE,
        },
    ],
    "selection": [
        {"id": "four", "expr": "count(leptons) == 4", "quote": FOUR_QUOTE},
        {
            "id": "z1_mass",
            "expr": "50 < m12 < 106",
            "target": "quads",
            "unit": "GeV",
            "quote": M12_QUOTE,
        },
    ],
    "regions": [
        {
            "name": "lead20",
            "cuts": [
                {
                    "id": "lead_pt",
                    "expr": "nth(pt(leptons), 0) > 20",
                    "unit": "GeV",
                    "quote": LEAD_QUOTE,
                }
            ],
        }
    ],
    "observables": ["m12"],
}


def with_selection(first: dict[str, Any]) -> dict[str, Any]:
    """GOOD with its first cutflow step replaced."""
    answer = copy.deepcopy(GOOD)
    answer["selection"][0] = first
    return answer


@pytest.fixture(scope="module")
def doc():
    return load_pdf(shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf"))


@pytest.fixture
def server():
    with FakeOpenAI(model="qwen-fake", owned_by="llamacpp") as fake:  # json_schema mode
        yield fake


def settings_for(server: FakeOpenAI):
    return replace(
        load_settings(), llm_base_url=server.base_url, llm_model=server.model, llm_timeout=5.0
    )


def extract(doc, server: FakeOpenAI, run_dir: Path):
    with whole_list_mode():
        return extract_selection(
            doc, backend="llm", settings=settings_for(server), run_dir=run_dir, cited_depth=0
        )


def calls(run_dir: Path) -> list[dict[str, Any]]:
    lines = (run_dir / "llm_calls.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def assert_validates(sel, tmp_path: Path) -> None:
    path = save_selection(sel, tmp_path / "written.json")
    load_selection(path, check=True)  # schema, models and meaning: what `reproduce validate` runs


def test_the_answer_maps_one_to_one_onto_a_valid_list() -> None:
    sel, problems = list_problems(to_selection_data(_answer(GOOD), "arXiv:0000.00000"))
    assert problems == [] and sel is not None
    assert [c.id for c in sel.all_cuts()] == ["el_eta", "mu_eta", "four", "z1_mass", "lead_pt"]


def _answer(data: dict[str, Any]):
    from pipeline.extract.whole_list import WholeListAnswer

    return WholeListAnswer.model_validate(data)


def test_whole_list_accepted_validated_and_grounded(doc, server: FakeOpenAI, tmp_path) -> None:
    server.push(json_answer(GOOD))
    sel = extract(doc, server, tmp_path)
    (request,) = server.requests
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["name"] == "WholeListAnswer"
    assert "quadruplets" in request["messages"][0]["content"]  # the language is in the prompt
    assert [o.name for o in sel.objects] == ["electrons", "muons", "leptons"]
    assert [d.name for d in sel.derived] == ["quads", "m12"]
    assert [r.name for r in sel.regions] == ["lead20"] and sel.observables[0].name == "m12"
    cuts = {c.id: c for c in sel.all_cuts()}
    assert cuts["z1_mass"].scope == "candidate" and cuts["z1_mass"].target == "quads"
    assert cuts["el_eta"].scope == "object" and cuts["el_eta"].target == "electrons"
    for cut_id in ("el_eta", "z1_mass", "four"):
        assert cuts[cut_id].status == "verified", (cut_id, cuts[cut_id].grounding)
    assert sel.producer == "llm:qwen-fake" and sel.complete and not sel.unresolved
    assert any("1 request(s) (0 follow-up(s))" in n and "tokens sent" in n for n in sel.notes)
    assert_validates(sel, tmp_path)
    (record,) = calls(tmp_path)
    assert record["purpose"] == "extract:whole:sample0" and record["mode"] == "json_schema"
    assert record["ok"] and record["usage"]["total_tokens"] > 0 and record["requests"] == 1


def test_invalid_expression_fed_back_and_corrected(doc, server: FakeOpenAI, tmp_path) -> None:
    wrong = with_selection({"id": "four", "expr": "count(lepton) == 4", "quote": FOUR_QUOTE})
    server.push(json_answer(wrong), json_answer(GOOD))
    sel = extract(doc, server, tmp_path)
    assert len(server.requests) == 2
    followup = server.requests[1]["messages"]
    assert json.loads(followup[-2]["content"])["selection"][0]["expr"] == "count(lepton) == 4"
    message = followup[-1]["content"]
    assert "$.selection[0].expr" in message and "'lepton'" in message and "leptons" in message
    assert followup[:-2] == server.requests[0]["messages"]  # the original prompt, then the fix
    cuts = {c.id: c for c in sel.all_cuts()}
    assert cuts["four"].expr == "count(leptons) == 4" and cuts["four"].status == "verified"
    assert any("1 validation error(s) fed back" in n for n in sel.notes)
    assert [r["purpose"] for r in calls(tmp_path)] == [
        "extract:whole:sample0",
        "extract:whole:sample0:fix1",
    ]
    assert_validates(sel, tmp_path)


def test_still_invalid_after_the_bound_is_demoted(doc, server: FakeOpenAI, tmp_path) -> None:
    bad = with_selection({"id": "four", "expr": "count(lepton) == 4", "quote": FOUR_QUOTE})
    bad["derived"].append(
        {"name": "m34", "expr": "massx(z2(quads))", "target": "quads", "quote": M12_QUOTE}
    )
    bad["selection"].append(
        {"id": "z2_mass", "expr": "m34 < 115", "target": "quads", "unit": "GeV", "quote": ""}
    )
    server.push(*[json_answer(bad) for _ in range(3)])
    sel = extract(doc, server, tmp_path)
    assert len(server.requests) == 3 and server.remaining == 0  # 1 + 2 follow-ups, no more
    cuts = {c.id: c for c in sel.all_cuts()}
    four = cuts["four"]
    assert four.expr is None and four.text == FOUR_QUOTE  # keeps its words, in its place
    assert "count(lepton) == 4" in (four.notes or "") and "after 2 follow-up(s)" in four.notes
    unresolved = {u.id: u for u in sel.unresolved}
    assert "m34" in unresolved and "massx" in unresolved["m34"].reason
    assert "z2_mass" in cuts or "z2_mass" in unresolved  # text-only or unresolved, never lost
    assert [d.name for d in sel.derived] == ["quads", "m12"]
    assert cuts["z1_mass"].expr == "50 < m12 < 106"  # the valid rest is kept as it was
    assert_validates(sel, tmp_path)


def test_histogram_range_and_invented_sentence_are_not_verified(
    doc, server: FakeOpenAI, tmp_path
) -> None:
    answer = copy.deepcopy(GOOD)
    answer["derived"].append(
        {"name": "m4l", "expr": "mass(quads)", "target": "quads", "unit": "GeV"}
    )
    answer["selection"].append(
        {"id": "m4l_bins", "expr": "m4l > 5", "target": "quads", "unit": "GeV",
         "quote": HISTOGRAM_QUOTE}
    )  # fmt: skip
    answer["objects"][1]["cuts"].append(
        {"id": "mu_pt99", "expr": "pt > 99", "unit": "GeV", "quote": INVENTED_QUOTE}
    )
    server.push(json_answer(answer))
    sel = extract(doc, server, tmp_path)
    cuts = {c.id: c for c in sel.all_cuts()}
    assert cuts["m4l_bins"].status == "unverified"
    assert "histogram" in cuts["m4l_bins"].grounding.reason
    assert cuts["mu_pt99"].status == "unverified"
    assert "not found" in cuts["mu_pt99"].grounding.reason
    assert cuts["el_eta"].status == "verified"
    assert_validates(sel, tmp_path)


def test_prompt_fits_a_small_model(doc) -> None:
    prompt = build_whole_list_prompt(doc)
    assert prompt is not None and len(prompt.messages) == 2
    # with a 4096-token answer, and in the follow-up the previous answer on top: within 16k
    assert prompt.tokens < 7000
    assert "50GeV < m" in prompt.messages[1]["content"].replace("_", "")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_cli_whole_list_then_replay_gives_the_identical_list(
    doc, server: FakeOpenAI, tmp_path
) -> None:
    document = tmp_path / "document.json"
    document.write_text(doc.model_dump_json(), encoding="utf-8")
    wrong = with_selection({"id": "four", "expr": "count(lepton) == 4", "quote": FOUR_QUOTE})
    server.push(json_answer(wrong), json_answer(GOOD))
    env = {"REPRO_LLM_BASE_URL": server.base_url, "REPRO_LLM_MODEL": server.model}
    out = tmp_path / "run" / "sel.json"
    first = run_cli(
        "extract", str(document), "--whole-list", "--out", str(out), "--cited-depth", "0", env=env
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["objects"] == ["electrons", "muons", "leptons"]
    server.stop()
    replayed = tmp_path / "replayed.json"
    calls_file = tmp_path / "run" / "llm_calls.jsonl"
    second = run_cli(
        "extract",
        str(document),
        "--whole-list",
        "--replay",
        str(calls_file),
        "--out",
        str(replayed),
        "--cited-depth",
        "0",
    )
    assert second.returncode == 0, second.stderr
    assert json.loads(replayed.read_text()) == json.loads(out.read_text())
    checked = run_cli("validate", str(replayed))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    flat = run_cli(  # the flat path asks other questions: the recording has no answer to them
        "extract", str(document), "--replay", str(calls_file), "--out", str(tmp_path / "f.json")
    )
    assert flat.returncode != 0 and "prompt changed" in flat.stderr


def test_whole_list_needs_the_llm_backend(tmp_path, doc) -> None:
    document = tmp_path / "document.json"
    document.write_text(doc.model_dump_json(), encoding="utf-8")
    proc = run_cli(
        "extract", str(document), "--backend", "rules", "--whole-list", "--out", str(tmp_path / "s")
    )
    assert proc.returncode != 0 and "--whole-list" in proc.stderr and "Traceback" not in proc.stderr


def test_demotion_of_objects_regions_and_names_defined_twice() -> None:
    from pipeline.extract.whole_list import demote

    answer = copy.deepcopy(GOOD)
    answer["objects"][0]["name"] = "good electrons"  # not an identifier: the object goes
    answer["regions"].append({"name": "tight", "base": "nowhere", "cuts": [
        {"id": "t1", "expr": "count(leptons) >= 4", "quote": FOUR_QUOTE}]})  # fmt: skip
    answer["derived"].append({"name": "muons", "expr": "count(jets)"})  # muons twice
    data = to_selection_data(_answer(answer), "doc")
    sel, problems = list_problems(data)
    assert sel is None and any(p.path == "$.derived[2].name" for p in problems)
    sel, unresolved, _ = demote(data, problems, "still invalid")
    # the union named the refused object, so it goes too, and what is built on it
    assert [o.name for o in sel.objects] == ["muons"]
    ids = {u.id for u in unresolved}
    assert {"good_electrons", "el_eta", "leptons", "tight", "t1", "muons"} <= ids
    assert all(u.reason.startswith("still invalid") for u in unresolved)
    kept = {c.id for c in sel.all_cuts()}
    assert {"mu_eta", "four", "z1_mass", "lead_pt", "el_eta", "t1"} <= kept | ids  # none lost
    assert list_problems(sel.model_dump(mode="json", exclude_none=True))[1] == []

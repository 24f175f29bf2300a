"""The LLM extraction path end to end: real openai+instructor code, local fake server, real PDF."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import ExtractionError
from pipeline.extract import ExtractionIncomplete, extract_selection
from pipeline.extract.consensus import merge_samples
from pipeline.extract.prompt import build_prompts, load_hints
from pipeline.selection.models import Cut, PaperRef, PhysicsObject, SelectionList
from tests.conftest import shared_path
from tests.fakes.openai_server import FakeOpenAI, tool_call
from tests.fakes.simple_pdf import load_pdf

REAL_ETA = {
    "object": "electron",
    "variable": "eta",
    "op": "<",
    "value": 2.47,
    "abs": True,
    "quote": (
        "Detector coverage restricts electrons and muons to the pseudorapidity ranges "
        "|\u03b7| < 2.47 and |\u03b7| < 2.7, respectively"
    ),
}
REAL_M12 = {
    "object": "event",
    "variable": "m12",
    "op": "between",
    "value": [50, 106],
    "unit": "GeV",
    "quote": "must satisfy 50GeV < m12 < 106GeV",
}
INVENTED = {
    "object": "muon",
    "variable": "pt",
    "op": ">",
    "value": 99,
    "unit": "GeV",
    "quote": "Muons are required to have pT above 99 GeV in the forward muon spectrometer",
}
WRONG_NUMBER = {**REAL_ETA, "object": "muon", "value": 2.1}


@pytest.fixture(scope="module")
def doc():
    return load_pdf(shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf"))


@pytest.fixture
def server():
    with FakeOpenAI(model="qwen-fake") as fake:
        yield fake


def llm_settings(server: FakeOpenAI, **kw: object):
    return replace(
        load_settings(), llm_base_url=server.base_url, llm_model=server.model, llm_timeout=5.0, **kw
    )


def test_prompts_are_section_aware_budgeted_and_carry_hints(doc) -> None:
    prompts = build_prompts(doc)
    assert len(prompts) == 1
    user = prompts[0].messages[1]["content"]
    assert "50GeV < m" in user.replace("_", "") and "References" not in user
    assert prompts[0].tokens < len(doc.text) // 4  # not the whole paper
    names = {h.name for h in load_hints()}
    assert {"units", "objects", "pairs"} <= names
    assert all(h.version and len(h.sha256) == 64 for h in prompts[0].hints)
    small = build_prompts(doc, budget=300, max_chunks=10)
    assert len(small) > 1 and all(
        p.tokens < 300 + 1500 for p in small
    )  # passages within budget, plus hints


def test_hallucinations_are_caught_and_calls_logged(
    doc, server: FakeOpenAI, tmp_path: Path
) -> None:
    server.push(tool_call({"cuts": [REAL_ETA, REAL_M12, INVENTED, WRONG_NUMBER]}))
    sel = extract_selection(
        doc, backend="llm", settings=llm_settings(server), run_dir=tmp_path, cited_depth=0
    )
    status = {c.id: (c.status, c.grounding.reason) for c in sel.all_cuts()}
    assert status["electrons_eta"][0] == "verified" and status["event_m12"][0] == "verified"
    assert status["muons_pt"][0] == "unverified" and "not found" in status["muons_pt"][1]
    assert status["muons_eta"][0] == "unverified" and "2.1" in status["muons_eta"][1]
    assert sel.producer == "llm:qwen-fake" and sel.complete
    assert any("units@1" in n and "seed 1234" in n for n in sel.notes)
    assert any("2 of 4 cuts verified" in n for n in sel.notes)
    cuts = {c.id: c for c in sel.all_cuts()}
    assert "rule-based extractor found the same cut" in (cuts["electrons_eta"].notes or "")
    assert "rule-based" not in (cuts["muons_pt"].notes or "")
    assert any("the model did not report" in n and "leptons_z0" in n for n in sel.notes)
    (record,) = [
        json.loads(line) for line in (tmp_path / "llm_calls.jsonl").read_text().splitlines()
    ]
    assert record["model"] == "qwen-fake" and record["ok"] and record["usage"]["total_tokens"] > 0
    assert (tmp_path / "selection.extracted.json").is_file()


def test_garbage_after_retries_saves_partial_and_names_model(
    doc, server: FakeOpenAI, tmp_path: Path
) -> None:
    garbage = {"cuts": [{**REAL_ETA, "op": "roughly"}]}
    server.push(*[tool_call(garbage) for _ in range(3)])
    with pytest.raises(ExtractionIncomplete) as info:
        extract_selection(
            doc, backend="llm", settings=llm_settings(server), run_dir=tmp_path, cited_depth=0
        )
    assert "qwen-fake" in info.value.message and "roughly" in info.value.message
    partial = json.loads((tmp_path / "selection.partial.json").read_text())
    assert partial["complete"] is False and info.value.partial.complete is False
    assert not (tmp_path / "selection.extracted.json").exists()


def test_samples_are_merged_with_agreement(doc, server: FakeOpenAI, tmp_path: Path) -> None:
    other_m12 = {**REAL_M12, "value": [40, 106]}
    server.push(
        tool_call({"cuts": [REAL_ETA, REAL_M12]}),
        tool_call({"cuts": [REAL_ETA, REAL_M12]}),
        tool_call({"cuts": [REAL_ETA, other_m12]}),
    )
    sel = extract_selection(
        doc,
        backend="llm",
        settings=llm_settings(server),
        samples=3,
        run_dir=tmp_path,
        cited_depth=0,
    )
    agreement = {(c.variable, str(c.value)): c.agreement for c in sel.all_cuts()}
    assert agreement[("eta", "2.47")] == 1.0
    assert agreement[("m12", "[50.0, 106.0]")] == pytest.approx(2 / 3)
    assert agreement[("m12", "[40.0, 106.0]")] == pytest.approx(1 / 3)
    flagged = [c for c in sel.all_cuts() if c.notes and "review" in c.notes]
    assert len(flagged) == 2 and "[50.0, 106.0]" in (flagged[1].notes or "")
    assert [
        r["seed"] for r in map(json.loads, (tmp_path / "llm_calls.jsonl").read_text().splitlines())
    ] == [1234, 1235, 1236]


def test_call_cap_stops_the_samples(doc, server: FakeOpenAI, tmp_path: Path) -> None:
    server.push(tool_call({"cuts": [REAL_ETA]}), tool_call({"cuts": [REAL_ETA]}))
    with pytest.raises(ExtractionError, match="cap of 1"):
        extract_selection(
            doc,
            backend="llm",
            settings=llm_settings(server, llm_max_calls=1),
            samples=2,
            run_dir=tmp_path,
            cited_depth=0,
        )
    assert json.loads((tmp_path / "selection.partial.json").read_text())["complete"] is False


def test_merge_of_hand_made_samples() -> None:
    def sample(value: float) -> SelectionList:
        cut = Cut(
            id="jets_pt",
            description="d",
            scope="object",
            target="jets",
            variable="pt",
            op=">",
            value=value,
        )
        return SelectionList(
            paper=PaperRef(id="x"), objects=[PhysicsObject(name="jets", kind="jet", cuts=[cut])]
        )

    merged = merge_samples([sample(25), sample(25), sample(30), sample(25)])
    cuts = merged.objects[0].cuts
    assert [(c.value, c.agreement) for c in cuts] == [(25.0, 0.75), (30.0, 0.25)]
    assert len({c.id for c in cuts}) == 2 and "other samples give > 30.0" in (cuts[0].notes or "")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_cli_llm_then_replay_without_server(doc, server: FakeOpenAI, tmp_path: Path) -> None:
    (tmp_path / "document.json").write_text(doc.model_dump_json(), encoding="utf-8")
    server.push(tool_call({"cuts": [REAL_ETA, INVENTED]}))
    env = {"REPRO_LLM_BASE_URL": server.base_url, "REPRO_LLM_MODEL": server.model}
    first = run_cli(
        "extract",
        str(tmp_path / "document.json"),
        "--out",
        str(tmp_path / "run" / "sel.json"),
        "--cited-depth",
        "0",
        env=env,
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["unverified"] == 1
    server.stop()
    second = run_cli(
        "extract",
        str(tmp_path / "document.json"),
        "--replay",
        str(tmp_path / "run" / "llm_calls.jsonl"),
        "--out",
        str(tmp_path / "replayed.json"),
        "--cited-depth",
        "0",
    )
    assert second.returncode == 0, second.stderr
    assert json.loads((tmp_path / "replayed.json").read_text()) == json.loads(
        (tmp_path / "run" / "sel.json").read_text()
    )


def test_cli_garbage_is_a_clear_error_with_partial(doc, server: FakeOpenAI, tmp_path: Path) -> None:
    (tmp_path / "document.json").write_text(doc.model_dump_json(), encoding="utf-8")
    server.push(*[tool_call({"cuts": "not a list"}) for _ in range(3)])
    env = {"REPRO_LLM_BASE_URL": server.base_url, "REPRO_LLM_MODEL": server.model}
    proc = run_cli(
        "extract",
        str(tmp_path / "document.json"),
        "--backend",
        "llm",
        "--out",
        str(tmp_path / "sel.json"),
        "--cited-depth",
        "0",
        env=env,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "qwen-fake" in proc.stderr and "selection.partial.json" in proc.stderr
    assert not (tmp_path / "sel.json").exists() and (tmp_path / "selection.partial.json").is_file()

"""A cut stated only in words: written by the model as a named function (fake server), or
reported."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from pipeline.codegen import compile_selection
from pipeline.codegen.textcuts import write_text_functions
from pipeline.config import load_settings
from pipeline.contract import read_outputs
from pipeline.llm.base import CallBudget, CallLog
from pipeline.llm.openai_backend import OpenAIBackend
from pipeline.sandbox import run_script
from pipeline.selection.models import SelectionList
from tests.conftest import ROOT, shared_path
from tests.fakes.openai_server import FakeOpenAI, text

PAPER_LIST = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"


def _with_text_cut() -> SelectionList:
    data = json.loads(PAPER_LIST.read_text())
    cut = next(c for c in data["selection"] if c["id"] == "n_leptons")
    cut.pop("expr")
    cut["text"] = "At least four selected leptons are required."
    return SelectionList.model_validate(data)


def _run(tmp_path: Path, source: str) -> list:
    tmp_path.mkdir(exist_ok=True)
    script = tmp_path / "analysis.py"
    script.write_text(source)
    data = shared_path("data", "atlas-opendata-2020", "data_B.4lep.root")
    result = run_script(script, data=[data], work_dir=tmp_path / "work")
    assert result.ok, result.stderr_tail
    return read_outputs(tmp_path / "work" / "out")[1].steps


def test_model_writes_the_text_cut_as_a_named_function(tmp_path: Path) -> None:
    sel = _with_text_cut()
    answer = '```python\ndef cut_n_leptons(v):\n    return rt.count(v["leptons"]) >= 4\n```'
    with FakeOpenAI() as server:
        settings = dataclasses.replace(
            load_settings(), llm_base_url=server.base_url, llm_model=server.model
        )
        backend = OpenAIBackend(settings, log=CallLog(None), budget=CallBudget(5))
        server.push(text(answer))
        functions, notes = write_text_functions(sel, backend)
        assert "At least four selected leptons" in server.requests[0]["messages"][1]["content"]
    assert notes == [] and "cut_n_leptons" in functions["n_leptons"]
    source = compile_selection(sel, functions)
    assert "# n_leptons: written by a model" in source and "# cut: n_leptons" in source
    steps = {s.id: s for s in _run(tmp_path / "model", source)}
    original = SelectionList.model_validate_json(PAPER_LIST.read_text())
    reference = {s.id: s for s in _run(tmp_path / "ref", compile_selection(original))}
    assert steps["n_leptons"].applicable
    assert steps["n_leptons"].raw == reference["n_leptons"].raw < steps["trigger"].raw


def test_without_a_model_the_text_cut_is_reported(tmp_path: Path) -> None:
    steps = {s.id: s for s in _run(tmp_path, compile_selection(_with_text_cut()))}
    assert not steps["n_leptons"].applicable
    assert "stated only in words" in (steps["n_leptons"].reason or "")


def test_an_answer_without_the_function_is_dropped(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        settings = dataclasses.replace(
            load_settings(), llm_base_url=server.base_url, llm_model=server.model
        )
        server.push(text("```python\ndef something_else(v):\n    return True\n```"))
        functions, notes = write_text_functions(
            _with_text_cut(), OpenAIBackend(settings, log=CallLog(None), budget=CallBudget(5))
        )
    assert functions == {} and "defines no cut_n_leptons" in notes[0]

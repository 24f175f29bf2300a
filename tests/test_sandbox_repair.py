"""The repair loop against a real local OpenAI-protocol server with scripted broken code."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import SandboxError
from pipeline.llm.base import CallBudget, CallLog
from pipeline.llm.openai_backend import OpenAIBackend
from pipeline.run.stage2 import generate_code
from pipeline.sandbox.repair import repair_loop
from tests.conftest import ROOT, shared_path
from tests.fakes.openai_server import FakeOpenAI, cut, text

PAPER_LIST = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"


def _backend(server: FakeOpenAI, tmp_path: Path) -> OpenAIBackend:
    settings = dataclasses.replace(
        load_settings(), llm_base_url=server.base_url, llm_model=server.model
    )
    return OpenAIBackend(settings, log=CallLog(tmp_path / "llm_calls.jsonl"), budget=CallBudget(10))


def test_broken_code_is_repaired_on_the_third_attempt(tmp_path: Path) -> None:
    data = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    good = generate_code(PAPER_LIST, tmp_path / "good.py").read_text()
    broken_syntax = good.replace("def select_events(", "def select_events(:", 1)
    broken_import = good.replace(
        "import pipeline.runtime.lang as rt", "import pipeline.runtime.no_such_module as rt"
    )
    with FakeOpenAI() as server:
        server.push(
            text(f"Here you go:\n```python\n{broken_import}```"), text(f"```python\n{good}```")
        )
        out, results = repair_loop(
            broken_syntax,
            backend=_backend(server, tmp_path),
            data=[data],
            attempts_dir=tmp_path / "attempts",
        )
        assert server.remaining == 0
        assert "failed (syntax)" in server.requests[0]["messages"][1]["content"]
    assert [r.verdict for r in results] == ["syntax", "import", "ok"]
    assert (out / "result.json").is_file()
    for n in ("01", "02", "03"):
        assert (tmp_path / "attempts" / n / "analysis.py").is_file()
        assert (tmp_path / "attempts" / n / "verdict.json").is_file()
    assert len((tmp_path / "llm_calls.jsonl").read_text().splitlines()) == 2


def test_loop_is_bounded_and_reports_the_last_failure(tmp_path: Path) -> None:
    with FakeOpenAI() as server:
        server.push(
            text("```python\n1/0\n```"), text("```python\nraise ValueError('still bad')\n```")
        )
        with pytest.raises(SandboxError) as info:
            repair_loop(
                "import nope_xyz\n",
                backend=_backend(server, tmp_path),
                data=[],
                attempts_dir=tmp_path / "attempts",
                max_attempts=3,
            )
    assert info.value.attempts == 3 and info.value.kind == "runtime"
    assert "still bad" in info.value.stderr_tail


def test_a_runaway_script_is_shown_back_in_part_and_a_cut_answer_is_named(tmp_path: Path) -> None:
    """Measured with the 1.5B model: a script that ran to max_tokens in a loop, sent back whole in
    the repair prompt, filled the 16k context. The prompt shows its head and says how much
    followed; an answer the server cut (finish_reason: length) is named in the next prompt."""
    runaway = "import nope_xyz\n" + "".join(f"x_{i} = {i}\n" for i in range(2000))
    cut_short = "```python\nimport also_nope\nx = [\n" + "    1,\n" * 50
    with FakeOpenAI() as server:
        server.push(cut(cut_short), text("```python\nraise ValueError('third')\n```"))
        with pytest.raises(SandboxError):
            repair_loop(
                runaway,
                backend=_backend(server, tmp_path),
                data=[],
                attempts_dir=tmp_path / "attempts",
                max_attempts=3,
            )
        first, second = (r["messages"][-1]["content"] for r in server.requests)
    # head and tail: the end of a script (its main()) is kept - shown only the head, the 1.5B
    # model returned a script without it
    assert "x_238 = 238\n" in first and "x_239 = 239" not in first and "x_1999 = 1999" in first
    assert "# [... 1701 lines left out here ...]" in first and len(first) < 8000
    assert "cut before the script ended (it reached the token limit)" in second
    assert "cut before" not in first
    # the cut answer's script is what an unclosed fence opened: it ran (and failed) as attempt 2
    assert (tmp_path / "attempts" / "02" / "analysis.py").read_text().startswith("import also_nope")


def test_a_script_of_a_few_hundred_lines_is_shown_whole() -> None:
    """Measured: the first cap (150 lines, head only) hid the main() of a 160-line script; the
    model's repair copied the head and the marker line and lost main() (no outputs)."""
    from pipeline.llm.answers import shown

    script = "".join(f"x_{i} = {i}\n" for i in range(250)) + "def main():\n    return 0\n"
    assert shown(script) == script

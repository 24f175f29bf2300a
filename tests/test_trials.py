"""``reproduce trials``: 4 LLM trials against the local fake OpenAI server give the expected
statistics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.codegen import compile_selection
from pipeline.data.synthetic import generate
from pipeline.demo import REVIEWED, make_note_pdf
from pipeline.run.stage2 import load_valid_selection
from tests.conftest import load_timeout, shared_path
from tests.fakes.openai_server import FakeOpenAI, hang, json_answer, text, tool_call

ETA = {
    "object": "electron",
    "variable": "eta",
    "op": "<",
    "value": 2.47,
    "abs": True,
    "quote": "Electrons must have a pseudorapidity |eta| < 2.47.",
}
M12 = {
    "object": "event",
    "variable": "m12",
    "op": "between",
    "value": [50, 106],
    "unit": "GeV",
    "quote": "The leading pair mass must satisfy 50 < m12 < 106 GeV.",
}
INVENTED = {
    "object": "muon",
    "variable": "pt",
    "op": ">",
    "value": 99,
    "unit": "GeV",
    "quote": "Muons must have a transverse momentum above 99 GeV in the forward region.",
}


def _trials(home: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "REPRO_HOME": str(home), **env}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", "trials", *args],
        capture_output=True,
        text=True,
        timeout=load_timeout(300),
        env=full,
    )


@pytest.mark.slow
def test_llm_trials_give_the_expected_statistics(tmp_path: Path) -> None:
    pdf = make_note_pdf(tmp_path / "note.pdf")
    generate(tmp_path / "data", release="2020", n_events=1500, seed=3)
    data = tmp_path / "data"
    good = compile_selection(load_valid_selection(REVIEWED))
    broken = good.replace("v.keep_events((rt.count(", "v.keep_events((rt.cuont(", 1)
    wrong = good.replace('(50 < v.cand("m12"))', '(60 < v.cand("m12"))', 1)
    assert broken != good and wrong != good
    args = (
        str(pdf),
        "--n",
        "4",
        "--backend",
        "llm",
        "--codegen",
        "llm",
        "--data",
        str(data),
        "--baseline",
        "hzz4l_paper",
        "--reference",
        str(REVIEWED),
        "--id",
        "t",
    )
    with FakeOpenAI() as server:
        server.push(
            tool_call({"cuts": [ETA, M12]}),
            text(f"```python\n{good}```"),  # trial 1
            tool_call({"cuts": [ETA, M12]}),
            text(f"```python\n{broken}```"),  # trial 2: repaired
            text(f"```python\n{good}```"),
            tool_call({"cuts": [ETA, M12, INVENTED]}),
            text(f"```python\n{wrong}```"),  # trial 3
            *[tool_call({"cuts": [{"object": "electron"}]})] * 3,
        )  # trial 4: no quote, 3 tries
        env = {
            "REPRO_LLM_BASE_URL": server.base_url,
            "REPRO_LLM_MODEL": server.model,
            "REPRO_LLM_PRICES": json.dumps({server.model: [1.0, 2.0]}),
        }
        proc = _trials(tmp_path / "home", *args, env=env)
        assert proc.returncode == 0, proc.stderr
        assert server.remaining == 0
        seeds = [r.get("seed") for r in server.requests]
        # the again command finds every trial done and asks the model nothing
        again = _trials(tmp_path / "home", *args, env=env)
        assert again.returncode == 0, again.stderr
        assert len(server.requests) == 10
    s = json.loads(proc.stdout)
    assert (
        seeds[0] == 1235 and seeds[2] == 1236 and seeds[5] == 1237 and seeds[7] == 1238
    )  # seed + trial number
    assert (s["n"], s["completed"], s["identical"], s["event_agreement"]) == (4, 3, 2, 0.5)
    assert s["first_divergence"] == {"m12": 1}
    # rt.cuont: found before the run (sandbox/preflight.py), not a runtime error
    assert s["failures"] == {"names": 1, "schema": 1, "ungrounded": 1, "wrong_result": 1}
    trials = s["trials"]
    assert [t["attempts"] for t in trials] == [1, 2, 1, 0] and s["attempts_mean"] == 1.333
    assert [t["verdicts"] for t in trials] == [["ok"], ["names", "ok"], ["ok"], []]
    assert [t["ungrounded"] for t in trials] == [[], [], ["muons_pt"], []]
    assert [t["identical_events"] for t in trials] == [True, True, False, False]
    assert [t["first_divergence"] for t in trials] == [None, None, "m12", None]
    assert [t["calls"] for t in trials] == [2, 3, 2, 1]
    assert (trials[3]["completed"], trials[3]["failed_stage"], trials[3]["score"]) == (
        False,
        "extract",
        None,
    )
    # recall/precision against the demo's reviewed list: eta and m12 are 2 of its 25 comparable cuts
    # (the one scorer keys expressions by their numbers: the two id_loose cuts have none)
    assert [(t["score"]["recall"], t["score"]["precision"]) for t in trials[:3]] == [
        (0.08, 1.0),
        (0.08, 1.0),
        (0.08, 0.667),
    ]
    assert s["recall_mean"] == 0.08 and s["precision_mean"] == 0.889
    stability = {c["id"]: (c["trials"], c["values"]) for c in s["stability"]}
    assert stability["electrons_eta"] == (3, {"abs(eta) < 2.47": 3})
    assert {c["id"]: c["share"] for c in s["stability"]} == {
        "electrons_eta": 0.75,
        "event_m12": 0.75,
        "muons_pt": 0.25,
    }
    assert stability["event_m12"] == (3, {"50 < m12 < 106": 3})
    assert stability["muons_pt"] == (1, {"pt > 99": 1})
    tokens = [(t["prompt_tokens"], t["completion_tokens"]) for t in trials]
    assert all(p > 0 for p, _ in tokens)
    assert s["cost_usd"] == pytest.approx(sum(p * 1.0 + c * 2.0 for p, c in tokens) / 1e6, abs=1e-5)
    assert s["tokens"] == sum(p + c for p, c in tokens)
    assert json.loads(again.stdout)["trials"] == trials
    study = tmp_path / "home" / "outputs" / "note" / "trials-t"
    md = (study / "trials.md").read_text()
    assert "identical events: 2/4 (agreement 0.500)" in md and "| 03 | 3 | 1 |" in md
    html = (study / "trials.html").read_text()
    assert html.count("data:image/png;base64,") == 2 and "<table>" in html
    assert sorted(p.name for p in (study / "plots").iterdir()) == ["agreement.png", "stability.png"]
    assert sorted(p.name for p in study.glob("0*/trial.json")) == ["trial.json"] * 4


def test_rules_trials_in_parallel_agree_with_each_other(tmp_path: Path) -> None:
    pdf = make_note_pdf(tmp_path / "note.pdf")
    generate(tmp_path / "data", release="2020", n_events=1000, seed=4)
    data = tmp_path / "data"
    proc = _trials(
        tmp_path / "home",
        str(pdf),
        "--n",
        "2",
        "--backend",
        "rules",
        "--data",
        str(data),
        "--jobs",
        "2",
        env={},
    )
    assert proc.returncode == 0, proc.stderr
    s = json.loads(proc.stdout)
    assert s["completed"] == 2 and s["baseline"] is None and s["event_agreement"] == 0.0
    assert s["trials"][0]["cut_values"] == s["trials"][1]["cut_values"]
    assert (
        all(c["share"] == 1.0 for c in s["stability"]) and s["tokens"] == 0 and s["cost_usd"] == 0.0
    )


def test_bad_reference_is_a_clear_error(tmp_path: Path) -> None:
    ref = tmp_path / "gold.txt"
    ref.write_text("not a list")
    generate(tmp_path / "data", release="2020", n_events=200, seed=5)
    data = tmp_path / "data"
    pdf = make_note_pdf(tmp_path / "note.pdf")
    proc = _trials(
        tmp_path / "home",
        str(pdf),
        "--n",
        "1",
        "--backend",
        "rules",
        "--data",
        str(data),
        "--reference",
        str(ref),
        env={},
    )
    assert (
        proc.returncode != 0
        and "not a selection list" in proc.stderr
        and "Traceback" not in proc.stderr
    )


def test_llm_trials_without_a_model_are_refused_up_front(tmp_path: Path) -> None:
    pdf = make_note_pdf(tmp_path / "note.pdf")
    proc = _trials(tmp_path / "home", str(pdf), "--n", "2", "--data", str(pdf.parent), env={})
    assert (
        proc.returncode != 0
        and "needs a model" in proc.stderr
        and "REPRO_LLM_BASE_URL" in proc.stderr
    )
    assert not (tmp_path / "home" / "outputs").exists()


def test_whole_list_trials_ask_the_model_for_the_whole_list(tmp_path: Path) -> None:
    """``--whole-list``: each trial's extraction is the whole-list request (the schema with
    objects), and the study is kept apart from a flat-cut study of the same paper."""
    from tests.test_extract_whole_list import GOOD

    isa = shared_path("corpus", "papers", "report-h4l-opendata-isa-2025.pdf")
    data = shared_path("data", "atlas-opendata-2020", "data_C.4lep.root")
    args = (str(isa), "--n", "2", "--whole-list", "--data", str(data), "--id", "whole")
    with FakeOpenAI(model="qwen-fake", owned_by="llamacpp") as server:  # json_schema mode
        server.push(json_answer(GOOD), json_answer(GOOD))
        env = {"REPRO_LLM_BASE_URL": server.base_url, "REPRO_LLM_MODEL": server.model}
        proc = _trials(tmp_path / "home", *args, env=env)
        asked = [r for r in server.requests if "response_format" in r]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(asked) == 2 and all("objects" in json.dumps(r["response_format"]) for r in asked)
    summary = json.loads(proc.stdout[proc.stdout.index("{") :])
    assert summary["completed"] == 2 and summary["backend"] == "llm (whole list)"
    trial = Path(summary["study_dir"]) / "01" / "selection.extracted.json"
    assert [o["name"] for o in json.loads(trial.read_text())["objects"]] == [
        o["name"] for o in GOOD["objects"]
    ]


def test_whole_list_trials_need_the_model_backend(tmp_path: Path) -> None:
    pdf = make_note_pdf(tmp_path / "note.pdf")
    data = shared_path("data", "atlas-opendata-2020", "data_C.4lep.root")
    args = (str(pdf), "--backend", "rules", "--whole-list", "--data", str(data))
    proc = _trials(tmp_path / "home", *args, env={})
    assert proc.returncode != 0 and "needs --backend llm" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "home" / "outputs").exists()


def test_ctrl_c_stops_trials_at_once_and_keeps_what_finished(tmp_path: Path) -> None:
    """Ctrl-C while two trials wait on the model: the command ends now (not when the calls in
    flight reach their deadline), says how to resume, and exits 130."""
    import signal
    import time

    pdf = make_note_pdf(tmp_path / "note.pdf")
    generate(tmp_path / "data", release="2020", n_events=200, seed=5)
    with FakeOpenAI() as server:
        server.push(hang(3600), hang(3600))  # both trials' first calls: no answer for an hour
        env = {
            **os.environ,
            "REPRO_HOME": str(tmp_path / "home"),
            "REPRO_LLM_BASE_URL": server.base_url,
            "REPRO_LLM_MODEL": server.model,
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli.main", "trials", str(pdf), "--n", "3"]
            + ["--jobs", "2", "--backend", "llm", "--data", str(tmp_path / "data")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            # as a terminal starts it: SIGINT at its default, even when this test runs in a
            # background job (whose children inherit SIGINT ignored, and so ignore Ctrl-C)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            deadline = time.monotonic() + load_timeout(120)
            while len(server.requests) < 2 and time.monotonic() < deadline:
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.2)
            assert len(server.requests) == 2  # both workers are waiting on the model
            proc.send_signal(signal.SIGINT)
            _out, err = proc.communicate(timeout=load_timeout(60))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 130, err
    assert "interrupted: 0 of 3 trials finished" in err and "resumes the study" in err


def test_failures_of_model_calls_are_named_for_what_happened() -> None:
    """A call over its deadline and a repair handing back the failing script are their own kinds
    in the taxonomy, not 'other' and 'schema' (both seen in the real-model study)."""
    from pipeline.audit.trials import failure_of
    from pipeline.llm import LLMDeadlineExceeded, LLMOutputError
    from pipeline.llm.echo import unchanged_error

    assert failure_of(LLMDeadlineExceeded("no answer within 1800 s", deadline_s=1800)) == "deadline"
    assert failure_of(unchanged_error("m")) == "unchanged"
    invalid = LLMOutputError("not valid JSON", model="m", last_error="bad json", attempts=3)
    assert failure_of(invalid) == "schema"

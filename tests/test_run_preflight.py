"""Options and inputs of a run are checked before its first stage (pipeline/run/preflight.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import DataError, UsageError
from pipeline.run.options import RunOptions
from pipeline.run.preflight import check_run
from tests.conftest import ROOT, load_timeout, shared_path


def reproduce(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=load_timeout(300),
    )


def _nothing_ran(proc: subprocess.CompletedProcess[str], home: Path) -> None:
    assert "Traceback" not in proc.stderr and "pipeline.errors" not in proc.stderr, proc.stderr
    assert "[1/9]" not in proc.stderr, "a stage ran before the options were checked"
    assert not (home / "outputs").exists() or not any((home / "outputs").rglob("*")), list(
        (home / "outputs").rglob("*")
    )


def test_misspelt_baseline_is_refused_before_any_stage(repro_home: Path) -> None:
    data = shared_path("data", "atlas-opendata-2020")
    proc = reproduce("arXiv:1712.02304", "--data", str(data), "--baseline", "hzz4l_papr")
    assert proc.returncode == 2
    assert "unknown baseline 'hzz4l_papr'" in proc.stderr and "hzz4l_paper" in proc.stderr
    _nothing_ran(proc, repro_home)


def test_empty_data_directory_is_refused_up_front(repro_home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = reproduce("arXiv:1712.02304", "--data", str(empty))
    assert proc.returncode != 0 and f"{empty} is empty" in proc.stderr
    _nothing_ran(proc, repro_home)


def test_non_pdf_paper_creates_no_run_directory(repro_home: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a paper\n")
    proc = reproduce(str(text), "--data", str(shared_path("data", "atlas-opendata-2020")))
    assert proc.returncode == 2 and "is not a PDF" in proc.stderr
    _nothing_ran(proc, repro_home)


@pytest.mark.parametrize(
    "content, words",
    [(None, "holds no .root files"), (b"not root", "not a ROOT file"), (b"", "is empty (0 bytes)")],
)
def test_bad_data_files(tmp_path: Path, content: bytes | None, words: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "readme.txt").write_text("x")
    if content is not None:
        (folder / "a.root").write_bytes(content)
    with pytest.raises(DataError, match=words.replace("(", r"\(").replace(")", r"\)")) as info:
        check_run(RunOptions(paper="arXiv:1712.02304", data=[folder]), load_settings())
    assert info.value.hint


def test_model_options_need_a_model(tmp_path: Path) -> None:
    data = shared_path("data", "atlas-opendata-2020")
    with pytest.raises(UsageError, match="--codegen llm needs a model"):
        check_run(RunOptions(paper="arXiv:1712.02304", data=[data], codegen="llm"), load_settings())
    with pytest.raises(UsageError, match="--extract llm needs a model"):
        check_run(
            RunOptions(paper="arXiv:1712.02304", data=[data], extract_backend="llm"),
            load_settings(),
        )


def test_no_review_run_goes_past_the_review_stage(repro_home: Path) -> None:
    """The rules' list of 1312.1956 (it had region cuts on an undefined 'leptons') never stops a
    --no-review run at review: invalid cuts are quarantined."""
    pdf = shared_path("corpus", "papers", "arXiv-1312.1956.pdf")
    data = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    proc = reproduce(str(pdf), "--data", str(data), "--no-review")
    assert "stopped at stage review" not in proc.stderr, proc.stderr
    assert "[4/9] review: done" in proc.stderr and "[5/9] generate: done" in proc.stderr, (
        proc.stderr
    )


def test_quarantine_covers_region_cuts() -> None:
    """Before: a region cut failing validation made quarantine_invalid raise (the run stopped at
    review)."""
    from pipeline.run.stage2 import quarantine_invalid
    from pipeline.selection.models import SelectionList
    from pipeline.selection.validate import errors_only, validate_selection

    data = json.loads(
        (ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json").read_text()
    )
    cut = {
        **data["selection"][0],
        "id": "control_lepton_count",
        "expr": "count(leptonz) == 1",
        "scope": "event",
        "target": None,
        "kind": "require",
        "unit": None,
    }
    data["regions"] = [{"name": "control_1", "description": "a control region", "cuts": [cut]}]
    sel = SelectionList.model_validate(data)
    assert errors_only(validate_selection(sel))
    pruned, dropped = quarantine_invalid(sel)
    assert [d.split(":")[0] for d in dropped] == ["control_lepton_count"]
    kept = pruned.regions[0].cuts[0]
    assert (
        kept.expr is None
        and "count(leptonz) == 1" in (kept.text or "")
        and not errors_only(validate_selection(pruned))
    )


def test_serve_unknown_run_lists_the_real_runs(repro_home: Path) -> None:
    proc = reproduce("serve", "no/such-run")
    assert proc.returncode == 2 and "[]" not in proc.stderr and "no runs yet" in proc.stderr
    run = repro_home / "outputs" / "1712.02304" / "run-abc"
    run.mkdir(parents=True)
    (run / "selection.extracted.json").write_text("{}")
    proc = reproduce("serve", "no/such-run")
    assert proc.returncode == 2 and "[]" not in proc.stderr and "1712.02304/run-abc" in proc.stderr


def test_fetch_with_an_overlong_id_is_a_usage_error(repro_home: Path) -> None:
    proc = reproduce("fetch", "1" * 5000)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "OSError" not in proc.stderr
    assert "too long" in proc.stderr


def test_execute_with_an_empty_data_directory_is_refused_before_the_sandbox(
    repro_home: Path, tmp_path: Path
) -> None:
    script = tmp_path / "analysis.py"
    script.write_text("print('never run')\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = reproduce("execute", str(script), "--data", str(empty), "-o", str(tmp_path / "out"))
    assert proc.returncode != 0 and f"{empty} is empty" in proc.stderr
    assert "pipeline.errors" not in proc.stderr and not (tmp_path / "codegen").exists()


def test_trials_check_their_inputs_before_the_first_trial(repro_home: Path) -> None:
    data = shared_path("data", "atlas-opendata-2020")
    proc = reproduce(
        "trials",
        "arXiv:1712.02304",
        "--backend",
        "rules",
        "--data",
        str(data),
        "--baseline",
        "hzz4l_papr",
        "--n",
        "1",
    )
    assert proc.returncode == 2 and "did you mean hzz4l_paper" in proc.stderr
    assert not (repro_home / "outputs").exists() or not any((repro_home / "outputs").rglob("*"))


def test_executor_options_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    data = shared_path("data", "atlas-opendata-2020")
    with pytest.raises(UsageError, match="--workers needs --executor dask"):
        check_run(RunOptions(paper="arXiv:1712.02304", data=[data], workers=2), load_settings())
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "distributed" else real(name, *a),
    )
    with pytest.raises(UsageError, match="needs dask.distributed") as info:
        check_run(
            RunOptions(paper="arXiv:1712.02304", data=[data], executor="dask"), load_settings()
        )
    assert "pip install" in (info.value.hint or "")


def test_model_code_without_full_isolation_is_refused_up_front(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pipeline.errors import SandboxError
    from pipeline.sandbox import isolation

    monkeypatch.setattr(isolation, "available", lambda prefer="auto": "unshare")
    monkeypatch.setattr(
        isolation,
        "probe",
        lambda: {"bwrap": (False, "bwrap: not installed"), "unshare": (True, "")},
    )
    data = shared_path("data", "atlas-opendata-2020")
    replay = tmp_path / "llm_calls.jsonl"
    replay.write_text("")
    opts = RunOptions(paper="arXiv:1712.02304", data=[data], codegen="llm", replay=replay)
    with pytest.raises(SandboxError, match="without full isolation"):
        check_run(opts, load_settings())
    check_run(opts.model_copy(update={"isolation": "weak"}), load_settings())  # accepted explicitly
    check_run(
        opts.model_copy(update={"codegen": "compile"}), load_settings()
    )  # compiled code: what there is


def test_invalid_reviewed_list_is_refused_before_any_stage(
    repro_home: Path, tmp_path: Path
) -> None:
    reviewed = tmp_path / "selection.reviewed.json"
    data = json.loads(
        (ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json").read_text()
    )
    data["selection"][0]["expr"] = "count(leptonz) >= 4"
    reviewed.write_text(json.dumps(data))
    proc = reproduce(
        "arXiv:1712.02304",
        "--data",
        str(shared_path("data", "atlas-opendata-2020")),
        "--reviewed",
        str(reviewed),
    )
    assert proc.returncode != 0 and "leptonz" in proc.stderr and str(reviewed) in proc.stderr
    _nothing_ran(proc, repro_home)

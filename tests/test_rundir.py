"""The run directory is what ``RunDir`` names, and a run executes the stage table in order.

Why: the layout of a run and the list of its stages are each written down once
(``pipeline/rundir.py``, ``pipeline/run/stages.py``); these tests fail when a stage writes a
file ``RunDir`` does not name, or when ``reproduce`` stops being a loop over the table.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.demo import run_demo
from pipeline.run.manifest import load_manifest
from pipeline.run.stages import STAGE, STAGE_NAMES, STAGES, Run
from pipeline.run.state import RunState
from pipeline.rundir import RunDir


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """One demo run (offline, no model) in a REPRO_HOME of its own, with its progress lines."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REPRO_HOME", str(home))
        for var in ("REPRO_MIRROR", "REPRO_LLM_BASE_URL", "REPRO_LLM_MODEL", "REPRO_CONFIG"):
            mp.delenv(var, raising=False)
        lines: list[str] = []
        run_dir = run_demo(load_settings(), lines.append, events=20_000)
    return run_dir, lines


def test_rundir_only_computes_paths(tmp_path: Path) -> None:
    paths = RunDir(tmp_path / "nowhere")
    assert paths.script == tmp_path / "nowhere" / "codegen" / "analysis.py"
    assert paths.verdicts() == []
    assert not (tmp_path / "nowhere").exists()


def test_the_run_directory_holds_what_rundir_names(demo_run: tuple[Path, list[str]]) -> None:
    run_dir, _ = demo_run
    paths = RunDir(run_dir)
    files = [
        paths.document,
        paths.extracted,
        paths.reviewed,
        paths.script,
        paths.comparison,
        paths.report_md,
        paths.report_html,
        paths.state,
        paths.manifest,
        paths.analysis / RunDir.RESULT,
        paths.baseline / RunDir.RESULT,
    ]
    assert [p for p in files if not p.is_file()] == []
    assert all(d.is_dir() for d in (paths.codegen, paths.analysis, paths.baseline, paths.plots))
    # the layout on disk, spelled out: RunDir's names are the files a run writes
    assert (run_dir / "selection.reviewed.json").is_file()
    assert (run_dir / "codegen" / "analysis.py").is_file()
    assert (run_dir / "comparison.json").is_file()


def test_every_top_level_entry_is_named_by_rundir(demo_run: tuple[Path, list[str]]) -> None:
    run_dir, _ = demo_run
    named = {value.split("/")[0] for key, value in vars(RunDir).items() if key.isupper()}
    unnamed = {p.name for p in run_dir.iterdir()} - named
    # the paper the document was parsed from is linked in under its own name, and locks come and go
    assert {n for n in unnamed if not n.endswith((".pdf", ".lock"))} == set()


def test_a_run_executes_the_stage_table_in_order(demo_run: tuple[Path, list[str]]) -> None:
    run_dir, lines = demo_run
    ran = [line.split("] ")[1].split(":")[0] for line in lines if ": done in" in line]
    assert tuple(ran) == STAGE_NAMES
    # run.json and the manifest are canonical JSON (keys sorted): the same stages, no others
    state = RunState.model_validate_json(RunDir(run_dir).state.read_text())
    assert set(state.stages) == set(STAGE_NAMES)
    manifest = load_manifest(run_dir)
    assert set(manifest.volatile.stage_notes) == set(STAGE_NAMES)
    assert {o.stage for o in manifest.outputs.values()} <= set(STAGE_NAMES)


def test_the_table_names_public_functions_of_the_run() -> None:
    assert STAGE_NAMES == (
        "fetch",
        "parse",
        "extract",
        "review",
        "generate",
        "execute",
        "baseline",
        "compare",
        "report",
    )
    for stage in STAGES:
        assert not stage.work.__name__.startswith("_")
        assert stage.work is getattr(Run, stage.name)
        assert STAGE[stage.name] is stage


def test_run_json_names_outputs_relative_to_the_run(demo_run: tuple[Path, list[str]]) -> None:
    run_dir, _ = demo_run
    state = json.loads(RunDir(run_dir).state.read_text())
    assert state["stages"]["generate"]["outputs"].keys() == {RunDir.SCRIPT}
    assert state["stages"]["compare"]["outputs"].keys() == {RunDir.COMPARISON}

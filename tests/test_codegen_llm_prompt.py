"""The ``--codegen llm`` prompt: a worked example that runs, and the task cut to what code needs.

Measured with the 1.5B model (docs/trials.md): the earlier prompt (the contract module's source,
a page of hints, the selection list with every quote: 7.5k tokens for the demo) gave scripts
importing invented modules, and once a 4,096-token repetition loop.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.codegen.model_written import codegen_prompt, for_code, worked_example
from pipeline.data import open_dataset
from pipeline.data.synthetic import generate
from pipeline.llm.answers import extract_code
from pipeline.sandbox.runner import run_script
from pipeline.selection.models import SelectionList
from tests.conftest import ROOT

DEMO = ROOT / "pipeline" / "demo" / "selection.reviewed.json"


def _ids(sel: SelectionList) -> list[str]:
    cuts = [c.id for o in sel.objects for c in o.cuts] + [c.id for c in sel.selection]
    return cuts + [d.name for d in sel.derived]


def test_the_worked_example_is_a_script_that_runs_in_the_sandbox(tmp_path: Path) -> None:
    """The example is compiled when the prompt is built, so it cannot drift from the runtime;
    this runs it as the sandbox would run the model's script."""
    _, script = worked_example()
    data = generate(tmp_path / "data", release="2020", n_events=400)
    path = tmp_path / "example.py"
    path.write_text(script)
    result = run_script(path, data=list(data), work_dir=tmp_path / "run")
    assert result.ok, result.stderr_tail
    cutflow = json.loads((Path(result.out_dir) / "cutflow.json").read_text())
    assert [s["id"] for s in cutflow["steps"]] == [
        "all",
        "two_leptons",
        "leading_pt",
        "z_window",
        "met_cut",
    ]


def test_the_task_keeps_what_code_needs_and_drops_the_quotes() -> None:
    sel = SelectionList.model_validate_json(DEMO.read_text())
    shown = for_code(sel)
    kept = json.loads(shown)  # still JSON
    assert [o["name"] for o in kept["objects"]] == [o.name for o in sel.objects]
    for ident in _ids(sel):
        assert f'"{ident}"' in shown
    for cut in sel.selection:
        assert cut.provenance.quote not in shown
        if cut.expr:
            assert json.dumps(cut.expr) in shown
    assert '"status"' not in shown and '"provenance"' not in shown


def test_the_demo_prompt_is_the_example_and_the_task_in_a_third_of_the_old_size(
    tmp_path: Path,
) -> None:
    sel = SelectionList.model_validate_json(DEMO.read_text())
    data = generate(tmp_path / "data", release="2020", n_events=50)
    system, user = codegen_prompt(sel, open_dataset(list(data)).provides)
    assert system["role"] == "system" and "worked example" in system["content"]
    content = user["content"]
    assert content.index("Worked example.") < content.index("Your task. Selection list:")
    # the old prompt was ~30,000 characters (7,543 tokens measured by llama.cpp)
    assert len(system["content"]) + len(content) < 20_000
    assert extract_code(content.split("Its script:\n", 1)[1]) == worked_example()[1]


def test_the_fields_are_shown_as_strings_to_copy_into_reads(tmp_path: Path) -> None:
    """Shown as a bare comma list, the real model copied the fields into READS and left the last
    one (`weight`) unquoted in 4 of 6 first attempts: a NameError before any analysis ran."""
    sel = SelectionList.model_validate_json(DEMO.read_text())
    provides = open_dataset(list(generate(tmp_path / "data", release="2020", n_events=50))).provides
    content = codegen_prompt(sel, provides)[1]["content"]
    line = next(x for x in content.splitlines() if x.startswith("Fields this dataset provides"))
    shown = json.loads(line.split(": ", 1)[1])
    assert shown == sorted(provides) and "weight" in shown

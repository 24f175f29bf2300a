"""Names a script uses that nothing defines are all found before it runs (sandbox/preflight.py).

Measured with the 1.5B model (docs/trials.md): model-written scripts failed on names they never
defined (`objs` copied from the worked example, undefined module constants, invented runtime
functions). In the sandbox such a script stops at the first one, so the repair prompt named one
mistake per attempt and three repairs of one trial each failed on another name.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.codegen.compiler import compile_selection
from pipeline.codegen.model_written import worked_example
from pipeline.config import load_settings
from pipeline.errors import SandboxError
from pipeline.llm.base import CallBudget, CallLog
from pipeline.llm.openai_backend import OpenAIBackend
from pipeline.sandbox import run_script
from pipeline.sandbox.preflight import check_names
from pipeline.sandbox.repair import repair_loop
from pipeline.selection.store import load_selection
from tests.conftest import ROOT, shared_path
from tests.fakes.openai_server import FakeOpenAI, text

_, EXAMPLE = worked_example()


def _said(source: str) -> list[str]:
    return [str(v) for v in check_names(source)]


def test_every_kind_of_undefined_name_is_found_at_once() -> None:
    script = EXAMPLE.replace('    objs = rt.flat_objects(v.events["leptons"])\n', "").replace(
        'rt.count(v["leptons"])', 'rt.count_objects(v["leptons"]) + MIN_LEPTONS'
    )
    said = _said(script)
    assert any("undefined name 'objs'" in s for s in said)
    assert any("undefined name 'MIN_LEPTONS'" in s for s in said)
    assert any("rt.count_objects: pipeline.runtime.lang has no 'count_objects'" in s for s in said)
    # each finding names its line
    assert all(s.startswith("line ") for s in said)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("import pipeline.pipeline", "no module named 'pipeline.pipeline'"),
        ("from pipeline.runtime.helpers import fill", "no module named 'pipeline.runtime.helpers'"),
        ("import nope_xyz_module", "no module named 'nope_xyz_module'"),
        ("from nope_xyz_module.sub import f", "no module named 'nope_xyz_module'"),
        (
            "from pipeline.runtime.analysis import run_everything",
            "pipeline.runtime.analysis has no 'run_everything'",
        ),
        (
            "from pipeline.runtime import lang as L\nL.no_such_function(1)",
            "L.no_such_function: pipeline.runtime.lang has no 'no_such_function'",
        ),
    ],
)
def test_imports_and_project_attributes(line: str, expected: str) -> None:
    assert any(expected in s for s in _said(line + "\n")), _said(line + "\n")


@pytest.mark.parametrize(
    "source",
    [
        "import numpy as np\nx = np.not_checked_here\n",  # third-party attributes: not imported
        "import os.path\nprint(os.path.join('a', 'b'))\n",
        "from pipeline.runtime import lang\nlang.count\n",
        "def f(a):\n    return [b for b in a if b] + [__name__, __file__]\n",
        "try:\n    import tomllib\nexcept ImportError:\n    tomllib = None\n",
        # an import the script has planned to fail
        "try:\n    import nope_xyz_module\nexcept ImportError:\n    nope_xyz_module = None\n",
        "try:\n    from nope_xyz_module import f\n"
        "except (ModuleNotFoundError, OSError):\n    f = 0\n",
    ],
)
def test_valid_code_is_not_flagged(source: str) -> None:
    assert _said(source) == []


def test_every_shipped_list_compiles_to_a_script_that_passes() -> None:
    """The compiler's own output (every shipped list, and the prompt's worked example) is never
    stopped by the check."""
    lists = [
        *sorted((ROOT / "papers").glob("*/selection.reviewed.json")),
        *sorted((ROOT / "papers").glob("*/selection.reference.json")),
        *sorted((ROOT / "papers" / "adl-benchmarks").glob("*.json")),
        ROOT / "pipeline" / "demo" / "selection.reviewed.json",
    ]
    assert len(lists) > 8
    for path in lists:
        assert _said(compile_selection(load_selection(path))) == [], path
    assert _said(EXAMPLE) == []


def test_run_script_stops_before_running_and_names_every_name(tmp_path: Path) -> None:
    script = tmp_path / "analysis.py"
    marker = tmp_path / "ran.txt"
    script.write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
        "print(FIRST_MISSING)\nprint(second_missing)\n"
    )
    result = run_script(script, data=[], work_dir=tmp_path / "work")
    assert result.verdict == "names"
    assert "2 name(s)" in result.reason
    assert "line 3: undefined name 'FIRST_MISSING'" in result.stderr_tail
    assert "line 4: undefined name 'second_missing'" in result.stderr_tail
    assert not marker.exists()  # not run


def test_the_repair_prompt_names_all_of_them(tmp_path: Path) -> None:
    broken = EXAMPLE.replace('    objs = rt.flat_objects(v.events["leptons"])\n', "").replace(
        'rt.count(v["leptons"])', 'rt.count(v["leptons"]) + MIN_LEPTONS'
    )
    settings = load_settings()
    with FakeOpenAI() as server:
        server.push(text("```python\nraise ValueError('still bad')\n```"))
        backend = OpenAIBackend(
            dataclasses.replace(settings, llm_base_url=server.base_url, llm_model=server.model),
            log=CallLog(tmp_path / "llm_calls.jsonl"),
            budget=CallBudget(5),
        )
        with pytest.raises(SandboxError):
            repair_loop(
                broken, backend=backend, data=[], attempts_dir=tmp_path / "a", max_attempts=2
            )
        prompt = server.requests[0]["messages"][-1]["content"]
    assert "failed (names)" in prompt
    assert "undefined name 'objs'" in prompt and "undefined name 'MIN_LEPTONS'" in prompt
    assert not (tmp_path / "a" / "01" / "run" / "out").exists()


def test_an_expression_written_as_a_field_name_is_found() -> None:
    """Seen in a model's script for the demo list (trial 02 of the demo study):
    ``keep["abs(eta)"] < 2.47``, ``keep["abs(z0 * sin(theta))"] < 0.5`` - the list's expressions
    as field names - beside three tables it never defined."""
    script = (
        "import pipeline.runtime.lang as rt\n"
        "def select_objects(v, run):\n"
        '    keep = rt.flat_objects(v.events["electrons"])\n'
        '    keep = keep["abs(eta)"] < 2.47\n'
        '    keep = keep["abs(z0 * sin(theta))"] < 0.5\n'
        '    v["electrons"] = keep\n'
        "def main():\n"
        "    return dict(steps=STEPS, requires=REQUIRES, text_only=TEXT_ONLY)\n"
    )
    said = _said(script)
    assert "line 4: ['abs(eta)'] looks up an expression as a field name" in " ".join(said)
    assert any("'abs(z0 * sin(theta))'" in s for s in said)
    assert sum("undefined name" in s for s in said) == 3
    # names with dots or underscores are fields, not expressions
    assert _said('x = {}\nx["leptons.pt"], x["met_phi"], x["Jet_btagDeepFlavB"]\n') == []


def test_reproduce_execute_says_what_to_fix_when_the_script_was_not_run(tmp_path: Path) -> None:
    """`reproduce execute` on a script refused before it ran named a stderr.txt that does not
    exist; it now lists the names and points at the script."""
    script = tmp_path / "mine.py"
    script.write_text("import sys\nprint(UNDEFINED_THING)\nprint(other_one)\n")
    data = shared_path("data", "atlas-opendata-2020", "data_A.4lep.root")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli.main",
            "execute",
            str(script),
            "--data",
            str(data),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode != 0
    assert "line 2: undefined name 'UNDEFINED_THING'" in proc.stderr
    assert "line 3: undefined name 'other_one'" in proc.stderr
    assert f"fix {script}" in proc.stderr and "stderr.txt" not in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()

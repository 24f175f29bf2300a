#!/usr/bin/env python3
"""The repair loop against the local fake OpenAI server with scripted broken code: attempts to pass.

Each scenario starts from a broken copy of the compiled H->4l analysis and scripts the
model's answers (a fix, another broken script, prose without code, the same mistake
again). The loop runs for real: the openai client, the sandbox, the output contract
and the check against the baseline's cutflow. What this measures is the loop - how
many attempts each kind of failure takes and whether the bound holds - not a model's
skill: no model is reachable here and the answers are scripted.

    python scripts/bench_repair.py [--data FILE] [--max-attempts 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.config import load_settings  # noqa: E402
from pipeline.contract import read_outputs  # noqa: E402
from pipeline.errors import SandboxError  # noqa: E402
from pipeline.llm.base import CallBudget, CallLog  # noqa: E402
from pipeline.llm.openai_backend import OpenAIBackend  # noqa: E402
from pipeline.run.stage2 import generate_code  # noqa: E402
from pipeline.sandbox.limits import Limits  # noqa: E402
from pipeline.sandbox.repair import repair_loop  # noqa: E402
from tests.fakes.openai_server import FakeOpenAI, text  # noqa: E402

PAPER_LIST = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "atlas-opendata-2020" / "data_A.4lep.root"


def block(code: str) -> str:
    return f"Here is the corrected script:\n```python\n{code}```"


def scenarios(good: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (the first script, the model's scripted answers in order)."""
    syntax = good.replace("def select_events(", "def select_events(:", 1)
    imports = good.replace(
        "import pipeline.runtime.lang as rt", "import pipeline.runtime.no_such_module as rt"
    )
    runtime = good.replace('v["quads"] = rt.quadruplets(', 'v["quads"] = rt.quadruplets_typo(', 1)
    contract = good.replace("    return run_analysis(", "    return 0\n    return run_analysis(", 1)
    wrong = good.replace('(rt.count(v["leptons"]) >= 4)', '(rt.count(v["leptons"]) >= 3)', 1)
    policy = good.replace("import sys\n", "import sys\nimport subprocess\n", 1)
    forever = good.replace("def main(argv", "while True:\n    pass\n\n\ndef main(argv", 1)
    return {
        "syntax error, fixed": (syntax, [block(good)]),
        "import error, fixed": (imports, [block(good)]),
        "runtime error, fixed": (runtime, [block(good)]),
        "no outputs (contract), fixed": (contract, [block(good)]),
        "wrong result (check), fixed": (wrong, [block(good)]),
        "forbidden import (policy), fixed": (policy, [block(good)]),
        "endless loop (timeout), fixed": (forever, [block(good)]),
        "syntax, then import, then fixed": (syntax, [block(imports), block(good)]),
        "prose without code, then fixed": (syntax, ["I think the colon is wrong.", block(good)]),
        "same mistake every time": (runtime, [block(runtime), block(runtime)]),
    }


def baseline_check(data: Path, work: Path) -> Callable[[Path], str | None]:
    """A result is wrong when its cutflow differs from the compiled list's on the same data."""
    from pipeline.sandbox.runner import run_script

    reference = run_script(
        generate_code(PAPER_LIST, work / "reference.py"), data=[data], work_dir=work / "ref"
    )
    expected = [(s.id, s.raw) for s in read_outputs(reference.out_dir)[1].steps]

    def check(out_dir: Path) -> str | None:
        got = [(s.id, s.raw) for s in read_outputs(out_dir)[1].steps]
        return None if got == expected else "the cutflow differs from the reference"

    return check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--max-attempts", type=int, default=3)
    args = parser.parse_args()
    if not args.data.is_file():
        sys.exit(f"no data file at {args.data}: give one with --data")
    work = Path(tempfile.mkdtemp(prefix="bench-repair-"))
    good = generate_code(PAPER_LIST, work / "good.py").read_text()
    check = baseline_check(args.data, work)
    limits = Limits(timeout_s=20)
    rows: list[dict[str, Any]] = []
    for n, (name, (first, answers)) in enumerate(scenarios(good).items()):
        folder = work / f"s{n:02d}"
        started = time.monotonic()
        with FakeOpenAI() as server:
            server.push(*(text(a) for a in answers))
            settings = dataclasses.replace(
                load_settings(), llm_base_url=server.base_url, llm_model=server.model
            )
            backend = OpenAIBackend(
                settings, log=CallLog(folder / "llm_calls.jsonl"), budget=CallBudget(10)
            )
            try:
                _, results = repair_loop(
                    first,
                    backend=backend,
                    data=[args.data],
                    attempts_dir=folder / "attempts",
                    max_attempts=args.max_attempts,
                    limits=limits,
                    check=check,
                )
                verdicts, passed = [r.verdict for r in results], True
            except SandboxError as err:
                verdicts = [
                    json.loads((folder / "attempts" / f"{k:02d}" / "verdict.json").read_text())[
                        "verdict"
                    ]
                    for k in range(1, err.attempts + 1)
                ]
                passed = False
        rows.append(
            {
                "scenario": name,
                "passed": passed,
                "attempts": len(verdicts),
                "verdicts": " -> ".join(verdicts),
                "seconds": round(time.monotonic() - started, 1),
            }
        )
        print(
            f"{name:36s} {'pass' if passed else 'FAIL':4s} after {len(verdicts)}: "
            f"{rows[-1]['verdicts']}",
            file=sys.stderr,
        )
    passing = [r for r in rows if r["passed"]]
    report = {
        "max_attempts": args.max_attempts,
        "scenarios": len(rows),
        "passed": len(passing),
        "mean_attempts_to_pass": round(sum(r["attempts"] for r in passing) / len(passing), 2)
        if passing
        else None,
        "bound_held": all(r["attempts"] <= args.max_attempts for r in rows),
        "rows": rows,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

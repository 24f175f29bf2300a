"""The bounded repair loop: run, and on failure ask the model for a fixed script (at most N times).

Every attempt's code, outputs and verdict are kept under ``attempts/NN/``; the prompt
carries the cleaned error tail (no paths, addresses or timings) so that replays
are deterministic. ``check`` may judge a successful run's outputs (``wrong_result``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline import contract
from pipeline.errors import SandboxError
from pipeline.io import write_json_atomic, write_text_atomic
from pipeline.llm.answers import extract_code, shown, was_cut
from pipeline.sandbox.isolation import Requirement
from pipeline.sandbox.limits import Limits
from pipeline.sandbox.runner import RunResult, run_script

REPAIR_SYSTEM = (
    "You fix Python analysis scripts for a HEP event selection. Answer with the complete "
    "corrected script in one ```python block and nothing else. Keep the command line (--data, "
    "--out), the selection it implements and the output contract; change what the error points "
    "at - never return the script unchanged. Do not use subprocess, sockets, eval or files "
    "outside the work directory."
)


def repair_prompt(
    code: str, result: RunResult, *, task: str | None = None, cut: str | None = None
) -> list[dict[str, Any]]:
    """The repair request: the task when known (selection list, data fields, contract), the output
    contract, the cleaned error and the failing script last (its last fenced block; its head and
    tail when over ``SHOWN_LINES`` lines). ``cut``: why the model's answer that gave ``code``
    stopped early (``length``, ``repetition``), said first."""
    context = f"The script was written for this task:\n\n{task}\n\n---\n\n" if task else ""
    if cut:
        context += (
            "Your last answer was cut before the script ended ("
            + ("it reached the token limit" if cut == "length" else "it repeated itself in a loop")
            + "): write a shorter script, without repeating lines.\n\n"
        )
    user = (
        f"{context}Output contract (pipeline.contract, version {contract.CONTRACT_VERSION}): the "
        "script must end with pipeline.contract.write_outputs(...) into --out, which writes "
        f"events.csv (columns {', '.join(contract.EVENT_COLUMNS)}), cutflow.json, "
        "histograms.json and result.json.\n\n"
        f"The script failed ({result.verdict}): {result.reason}\n\nError output (last lines):\n"
        f"{result.stderr_tail}\n\nScript:\n```python\n{shown(code)}```\nReturn the fixed script."
    )
    return [{"role": "system", "content": REPAIR_SYSTEM}, {"role": "user", "content": user}]


def repair_loop(
    code: str,
    *,
    backend: Any,
    data: list[Path],
    attempts_dir: Path,
    max_attempts: int = 3,
    limits: Limits | None = None,
    check: Callable[[Path], str | None] | None = None,
    requirement: Requirement = "full",
) -> tuple[Path, list[RunResult]]:
    """Run ``code``; repair with ``backend`` (``.text(messages, purpose=...)``) until it passes.

    Returns the output directory of the passing attempt and every attempt's result;
    raises :class:`SandboxError` (with the attempts count and last error) when none passes.
    """
    results: list[RunResult] = []
    cut: str | None = None  # why the answer that gave ``code`` stopped early, when it did
    for n in range(1, max_attempts + 1):
        folder = attempts_dir / f"{n:02d}"
        script = write_text_atomic(folder / "analysis.py", code)
        result = run_script(
            script, data=data, work_dir=folder / "run", limits=limits, requirement=requirement
        )
        if result.ok and check is not None:
            problem = check(Path(result.out_dir))
            if problem:
                result = result.model_copy(update={"verdict": "wrong_result", "reason": problem})
        write_json_atomic(folder / "verdict.json", result.model_dump(mode="json"))
        results.append(result)
        if result.ok:
            return Path(result.out_dir), results
        if n == max_attempts or result.verdict == "isolation":
            break  # the sandbox itself refused: no model can fix that
        answer = backend.text(repair_prompt(code, result, cut=cut), purpose=f"repair attempt {n}")
        write_text_atomic(folder / "repair_answer.txt", answer)
        code = extract_code(answer)
        cut = answer.finish_reason if was_cut(answer) else None
    last = results[-1]
    raise SandboxError(
        f"the analysis still fails after {len(results)} attempt(s) ({last.verdict}): {last.reason}",
        kind=last.verdict,
        returncode=last.returncode,
        stderr_tail=last.stderr_tail,
        attempts=len(results),
        hint=f"every attempt is kept under {attempts_dir}",
    )

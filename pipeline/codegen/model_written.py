"""``--codegen llm``: the model writes the analysis script from the selection list.

The prompt is a worked example and the task. The example is a small selection list
(``example_selection.json``) and its script, compiled by :mod:`pipeline.codegen.compiler`
when the prompt is built, so it always uses the runtime as it is: the imports, the tables,
``select_objects`` / ``select_events`` through ``pipeline.runtime.lang`` and the driver that
reads the data and writes the output contract. The task is the run's selection list, cut
down to what code needs (no quotes, provenance, review status, assumptions), and the fields
the chosen dataset provides.

Why a worked example rather than the contract's source and a list of hints: measured with a
1.5B model (docs/trials.md), a 7.5k-token prompt of contract source, hints and a list full of
quotes gave scripts that imported invented modules or ran to ``max_tokens`` in a repetition
loop; a small model imitates a worked example far better than it follows a description.
The answer's code block is the script; the sandbox and its repair loop take it from there.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.codegen.compiler import compile_selection
from pipeline.llm.answers import extract_code
from pipeline.selection.models import SelectionList

EXAMPLE = Path(__file__).with_name("example_selection.json")

SYSTEM = (
    "You write Python analysis scripts for HEP event selections with the pipeline's runtime. "
    "Answer with the whole script in one ```python block and nothing else. Write it in the "
    "form of the worked example: the same imports (only pipeline.runtime.lang as rt, "
    "pipeline.runtime.analysis and pipeline.runtime.selection), the tables STEPS and REQUIRES "
    "with the task's cut ids, select_objects and select_events with one `# cut: <id>` line per "
    "cut, and main() calling run_analysis. Every function of the selection list's expressions "
    "is rt.<name>. Never use subprocess, sockets, eval/exec or files."
)

# what code does not need from a selection list: where a cut was read, how it was reviewed
_NOT_FOR_CODE = frozenset({"provenance", "status", "confidence"})
_LIST_KEYS = ("paper", "objects", "derived", "selection", "regions", "observable", "observables")


def for_code(sel: SelectionList) -> str:
    """``sel`` as JSON with only what a script implements (ids, targets, expressions, values)."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in _NOT_FOR_CODE}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    whole = sel.model_dump(mode="json", exclude_none=True)
    kept = {key: strip(whole[key]) for key in _LIST_KEYS if whole.get(key)}
    return _compact(kept)


def _compact(node: Any, indent: str = "") -> str:
    """JSON with one line per cut or derived quantity (a third of the tokens of indented JSON)."""
    inner = indent + " "
    if isinstance(node, dict) and any(_nested(v) for v in node.values()):
        items = [f"{inner}{json.dumps(k)}: {_compact(v, inner)}" for k, v in node.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(node, list) and any(isinstance(v, dict) for v in node):
        return "[\n" + ",\n".join(inner + _compact(v, inner) for v in node) + f"\n{indent}]"
    return json.dumps(node)


def _nested(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, dict) for v in value)


@cache
def worked_example() -> tuple[str, str]:
    """The example's selection list (as the task's is shown) and its compiled script."""
    sel = SelectionList.model_validate_json(EXAMPLE.read_text(encoding="utf-8"))
    script = compile_selection(sel)
    body = script[script.index("from __future__") :]
    header = '#!/usr/bin/env python3\n"""Z -> ll + MET selection (worked example)."""\n\n'
    return for_code(sel), header + body


def codegen_prompt(
    sel: SelectionList, provides: set[str], extra_hints: str = ""
) -> list[dict[str, Any]]:
    example_list, example_script = worked_example()
    user = (
        f"Worked example. Selection list:\n```json\n{example_list}\n```\n"
        f"Its script:\n```python\n{example_script}```\n\n"
        f"Your task. Selection list:\n```json\n{for_code(sel)}\n```\n\n"
        # as Python strings: shown bare, the model copied them into READS and left the last
        # unquoted in 4 of 6 first attempts (NameError: name 'weight' is not defined)
        f"Fields this dataset provides (READS lists those the script reads, each a quoted "
        f"string): {json.dumps(sorted(provides))}\n\n"
        f"{extra_hints}Write the script for this selection list, in the form of the example."
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def generate_with_llm(sel: SelectionList, provides: set[str], backend: Any) -> str:
    """The model's script for ``sel`` (unchecked: the sandbox checks and runs it)."""
    answer = backend.text(codegen_prompt(sel, provides), purpose="codegen")
    return extract_code(answer)

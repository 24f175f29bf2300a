"""``--codegen llm``: the model writes the analysis script from the selection list.

The prompt carries the selection list (JSON), the data schema of the chosen dataset
(the canonical fields it provides), the output contract, and hints: the runtime
functions and the driver the compiled scripts use, so a model can lean on them.
The answer's code block is the script; the sandbox and its repair loop take it from there.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

from pipeline import contract
from pipeline.llm.answers import extract_code
from pipeline.selection.models import SelectionList

SYSTEM = (
    "You write standalone Python analysis scripts for HEP event selections. Answer with the full "
    "script in one ```python block. The script must accept --data PATH [PATH ...] and --out DIR, "
    "read events only through pipeline.data.open_dataset(paths, release='auto') and its "
    ".iterate(fields, step_size=...), apply the cutflow in the given order, and write the outputs "
    "with pipeline.contract.write_outputs. Mark each line implementing a cut with '# cut: <id>'. "
    "Never use subprocess, sockets, eval/exec or files outside the output directory."
)

HINTS = (
    "Hints:\n"
    "- pipeline.runtime.lang (import as rt) implements every function of the selection language:\n"
    "  rt.quadruplets, rt.mass, rt.z1, rt.z2, rt.constituents, rt.sfos_pairs, rt.pairs, "
    "rt.delta_r, rt.nth,\n"
    "  rt.all, rt.any, rt.count, rt.where, rt.interp, rt.best_candidate_mask([...keys]), "
    "rt.merge(electrons, muons).\n"
    "  rt.quadruplets, rt.pairs and rt.sfos_pairs of an events x objects array return flat "
    "candidates: use rt\n"
    "  functions and operators on them (as on awkward arrays); x.to_awkward() gives the awkward "
    "array.\n"
    "- pipeline.runtime.analysis.main(argv, objects=..., events=..., producer=..., steps=..., "
    "requires=...,\n"
    "  text_only=..., observable=..., candidates=..., reads=...) runs the chunk loop and writes "
    "the contract\n"
    "  outputs; objects/events are functions (v: EventState, run: AnalysisRun) -> None.\n"
    '- EventState: v["name"] reads/sets values, v.keep_events(mask), v.keep_candidates(target, '
    "mask),\n"
    "  v.define_candidates(target, name, value); run.applicable(cut_id); run.record(step_id, v).\n"
    "- Collections are pt-sorted records with fields pt, eta, phi, e (GeV), charge, flavour "
    "(11/13), ...\n"
    "- The first cutflow step is 'all'. Steps whose fields the dataset lacks are marked "
    "applicable: false.\n"
)


def codegen_prompt(
    sel: SelectionList, provides: set[str], extra_hints: str = ""
) -> list[dict[str, Any]]:
    selection = json.dumps(sel.model_dump(mode="json", exclude_none=True), indent=1, sort_keys=True)
    user = (
        f"Selection list:\n```json\n{selection}\n```\n\n"
        f"Fields this dataset provides: {', '.join(sorted(provides))}\n\n"
        f"Output contract (pipeline/contract.py):\n```python\n{inspect.getsource(contract)}```\n\n"
        f"{HINTS}{extra_hints}\nWrite the script."
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def generate_with_llm(sel: SelectionList, provides: set[str], backend: Any) -> str:
    """The model's script for ``sel`` (unchecked: the sandbox checks and runs it)."""
    answer = backend.text(codegen_prompt(sel, provides), purpose="codegen")
    return extract_code(answer)

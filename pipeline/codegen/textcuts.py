"""Cuts stated only in words: a model writes each as one named function, or they are reported.

The function ``cut_<id>(v)`` gets the event state (``v["leptons"]``, ``v["quads"]``,
event fields, derived names) and returns one boolean per event. Its code is placed in
the compiled script under a comment saying a model wrote it; the sandbox's policy
check and run judge it like the rest of the script. An answer without that function
is dropped and the cut stays reported as not executed.
"""

from __future__ import annotations

import ast
from typing import Any

from pipeline.codegen.compiler import function_name
from pipeline.llm.answers import extract_code
from pipeline.selection.models import Cut, SelectionList, Status

SYSTEM = (
    "You turn one event-selection requirement stated in words into one Python function. Answer "
    "with a single ```python block defining only that function. Use only awkward/numpy "
    "operations and the functions of pipeline.runtime.lang (imported as rt); no imports, no I/O."
)


def text_only_cuts(sel: SelectionList) -> list[Cut]:
    return [
        c
        for c in sel.selection
        if c.status != Status.rejected and c.expr is None and c.variable is None
    ]


def _prompt(sel: SelectionList, cut: Cut) -> list[dict[str, Any]]:
    names = [o.name for o in sel.objects] + [d.name for d in sel.derived]
    quote = cut.provenance.quote if cut.provenance else ""
    user = (
        f"Write `def {function_name(cut.id)}(v):` returning a boolean per event (awkward array) "
        f"for this requirement of {sel.paper.id}:\n\n{cut.text}\n\nQuote: {quote}\n\n"
        "v[name] gives event fields (run, event, trig_e, ...), the cleaned collections and "
        f"derived quantities: {', '.join(names)}. Collections are records with pt, eta, phi, e "
        "(GeV), charge, flavour. rt offers count, mass, pairs, sfos_pairs, delta_r, nth, all, "
        "any, where, ..."
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def defines(source: str, name: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return any(isinstance(n, ast.FunctionDef) and n.name == name for n in tree.body)


def write_text_functions(sel: SelectionList, backend: Any) -> tuple[dict[str, str], list[str]]:
    """Model-written functions for the text-only cuts, and notes on the ones that failed."""
    functions, notes = {}, []
    for cut in text_only_cuts(sel):
        source = extract_code(backend.text(_prompt(sel, cut), purpose=f"text cut {cut.id}"))
        if defines(source, function_name(cut.id)):
            functions[cut.id] = source
        else:
            notes.append(
                f"{cut.id}: the model's answer defines no {function_name(cut.id)}(v); not executed"
            )
    return functions, notes

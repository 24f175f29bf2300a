"""Names a script uses that nothing defines, found before it runs.

A model-written script that uses an undefined name (``objs`` copied from the worked example
without the line defining it, a module constant it never wrote), imports a module that does not
exist (``pipeline.pipeline``) or calls a runtime function that is not there (``rt.delta_r2``)
fails in the sandbox at the *first* such name: the repair prompt then names one mistake, the
model fixes that one, and the next attempt fails at the second (docs/trials.md: three repairs of
one trial, three distinct scripts, each failing on another undefined constant). Read statically,
every such name is found at once, and the script is not run at all.

What is checked, all without running or importing the script:
- undefined names, as pyflakes reads them (module scope, functions, comprehensions; names a
  ``from x import *`` could define make the check give up on undefined names, as pyflakes does);
- imports: the module must be findable here (the sandbox runs this interpreter's environment);
- an expression of the list written as a field name (``objs["abs(eta)"]``);
- attributes of the project's own modules (``rt.<name>`` for ``import pipeline.runtime.lang as
  rt``, ``from pipeline.runtime.analysis import <name>``): the module must define them.

Third-party modules' attributes are not checked: importing them only to look would cost seconds.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import importlib.util
import re
from types import ModuleType

from pyflakes import checker
from pyflakes import messages as flakes

from pipeline.sandbox.policy import Violation

MISSING_MODULE = "no module named"
PROJECT = "pipeline"  # modules whose attributes are checked (importing them is ours to do)
_UNDEFINED = (flakes.UndefinedName, flakes.UndefinedLocal, flakes.UndefinedExport)


def check_names(source: str, filename: str = "analysis.py") -> list[Violation]:
    """Every undefined name, missing module and missing project attribute in ``source`` (which
    must parse: a syntax error is reported by the caller)."""
    tree = ast.parse(source, filename)
    found = [
        Violation(m.lineno, _say(m))
        for m in checker.Checker(tree, filename=filename).messages
        if isinstance(m, _UNDEFINED)
    ]
    found += _imports(tree) + _expressions_as_fields(tree)
    return sorted(set(found), key=lambda v: (v.line, v.what))


_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def _expressions_as_fields(tree: ast.Module) -> list[Violation]:
    """``objs["abs(eta)"]``, ``objs["z0 * sin(theta)"]``: an expression of the selection list
    written as the name of a field (seen in the 1.5B model's scripts). No field, derived quantity
    or collection has such a name, so the lookup can only fail."""
    return [
        Violation(
            node.lineno,
            f"[{node.slice.value!r}] looks up an expression as a field name: compute it from the "
            "fields it names",
        )
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
        and node.slice.value
        and not _FIELD.fullmatch(node.slice.value)
        and re.search(r"[()*/+<>=]|\s", node.slice.value)
    ]


def _say(message: flakes.Message) -> str:
    name = message.message_args[0]
    if isinstance(message, flakes.UndefinedLocal):
        return f"local variable {name!r} used before it is assigned"
    return f"undefined name {name!r}"


def _imports(tree: ast.Module) -> list[Violation]:
    """Missing modules, missing names imported from project modules, and missing attributes of
    project modules bound to a name (``import pipeline.runtime.lang as rt``: every ``rt.x``)."""
    found: list[Violation] = []
    bound: dict[str, ModuleType] = {}  # a name in the script -> the project module it holds
    guarded = _guarded_imports(tree)
    for node in ast.walk(tree):
        if node in guarded:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                module, problem = _module(alias.name)
                if problem:
                    found.append(Violation(node.lineno, problem))
                elif module is not None and alias.asname:
                    bound[alias.asname] = module
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            module, problem = _module(node.module)
            if problem:
                found.append(Violation(node.lineno, problem))
            elif module is not None:
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    value = getattr(module, alias.name, None)
                    if value is None and _module(f"{node.module}.{alias.name}")[1]:
                        found.append(Violation(node.lineno, f"{node.module} has no {alias.name!r}"))
                    elif isinstance(value, ModuleType):
                        bound[alias.asname or alias.name] = value
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and isinstance(node.ctx, ast.Load)
            and not hasattr(bound[node.value.id], node.attr)
        ):
            owner = bound[node.value.id]
            what = f"{node.value.id}.{node.attr}: {owner.__name__} has no {node.attr!r}"
            found.append(Violation(node.lineno, what + _close(node.attr, owner)))
    return found


def _close(name: str, module: ModuleType) -> str:
    """The module's public names closest to ``name`` (``cuont`` -> ``count``), as a hint."""
    public = [n for n in dir(module) if not n.startswith("_")]
    close = difflib.get_close_matches(name, public, n=3)
    return f" (close: {', '.join(close)})" if close else ""


_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _guarded_imports(tree: ast.Module) -> set[ast.AST]:
    """Imports in a ``try`` whose handler catches a failed import (``try: import tomli`` ...
    ``except ImportError``): the script has planned for the module to be missing."""
    guarded: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            h.type is None
            or any(isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS for n in ast.walk(h.type))
            for h in node.handlers
        ):
            for statement in node.body:
                guarded |= {
                    n for n in ast.walk(statement) if isinstance(n, ast.Import | ast.ImportFrom)
                }
    return guarded


def _module(name: str) -> tuple[ModuleType | None, str | None]:
    """The project module ``name`` (imported here), None for another findable module, or the
    problem. Of another package only the top level is looked up: finding a submodule would run
    its package's code here (``antigravity.x`` would open a browser)."""
    root = name.split(".")[0]
    looked_up = name if root == PROJECT else root
    try:
        spec = importlib.util.find_spec(looked_up)
    except (ImportError, ValueError):  # a parent package is missing, or not a package
        spec = None
    if spec is None:
        return None, f"{MISSING_MODULE} {looked_up!r}"
    if root != PROJECT:
        return None, None
    try:
        return importlib.import_module(name), None
    except Exception as err:  # noqa: BLE001 - the module exists but cannot be imported here
        return None, f"module {name!r} cannot be imported: {type(err).__name__}"

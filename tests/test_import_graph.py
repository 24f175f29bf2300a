"""The import graph of ``pipeline/``: no circles, and no stage importing a later stage.

Why: data flows forward through the stages (docs/architecture.md), so a module may import
only from its own stage or from earlier ones. A backward import or an import circle makes a
stage impossible to load, test or replace without the stages after it, and circles make the
import order matter. The graph is built with ``ast`` (no module is imported), from
top-level and function-level imports alike, so a lazy import does not hide a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1] / "pipeline"

# bottom first: a package may import from its own layer and from the layers before it
LAYERS: list[list[str]] = [
    ["__init__", "config", "errors", "io", "locks", "resources", "rundir"],
    ["contract", "selection"],  # the contracts between stages
    ["data"],
    ["llm", "model"],  # model backends shared by extract, codegen and the repair loop
    ["fetch"],
    ["parse"],
    ["extract"],
    ["review"],
    ["codegen"],
    ["executor"],  # generic: a dataset and any chunk function in, merged partials out
    ["runtime"],  # the library generated code calls (its chunk loop runs on an executor)
    ["sandbox"],
    ["compare"],
    ["report"],
    ["run", "audit"],
    ["demo", "cli"],
]


def _modules() -> dict[str, Path]:
    mods = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


def _owner(name: str, mods: dict[str, Path]) -> str | None:
    """The module ``name`` refers to: itself, or the nearest package or module holding it."""
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name or None


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_pkg: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_pkg else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    # `from pkg import mod` imports the submodule; `from mod import name` the module
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph() -> nx.DiGraph:
    """Module -> imported module, for imports of ``pipeline`` modules anywhere in a file."""
    mods = _modules()
    graph = nx.DiGraph()
    for module, path in mods.items():
        graph.add_node(module)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = _imported(node, module, path.name == "__init__.py")
            if isinstance(node, ast.ImportFrom):
                submodules = [n for n in names[:-1] if n in mods]
                names = submodules + ([names[-1]] if len(submodules) < len(names) - 1 else [])
            for name in names:
                target = _owner(name, mods) if name.startswith("pipeline") else None
                if target and target != module:
                    graph.add_edge(module, target, line=node.lineno)
    return graph


def package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_package_has_a_layer() -> None:
    layered = {name for layer in LAYERS for name in layer}
    assert {package(m) for m in _modules()} <= layered


def test_no_import_cycles() -> None:
    cycles = list(nx.simple_cycles(import_graph()))
    assert not cycles, "\n".join(" -> ".join(c + c[:1]) for c in cycles)


def test_no_package_cycles() -> None:
    graph = import_graph()
    packages = nx.DiGraph(
        (package(a), package(b)) for a, b in graph.edges if package(a) != package(b)
    )
    cycles = list(nx.simple_cycles(packages))
    assert not cycles, cycles


def test_no_backward_imports() -> None:
    rank = {name: i for i, layer in enumerate(LAYERS) for name in layer}
    backward = [
        f"{a}:{line} imports {b}"
        for a, b, line in import_graph().edges(data="line")
        if rank[package(a)] < rank[package(b)]
    ]
    assert not backward, "\n".join(sorted(backward))


def test_compiler_math_names_are_the_runtime_math() -> None:
    """The compiler takes its elementwise math names from the language, not the runtime."""
    from pipeline.runtime.reduce import MATH
    from pipeline.selection.functions import MATH_FUNCTIONS

    assert set(MATH) | {"where"} == MATH_FUNCTIONS

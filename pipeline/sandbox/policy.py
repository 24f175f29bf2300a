"""Static policy check of generated code, before it runs.

Refuses what an analysis never needs and an attack always does: processes,
sockets and network clients, dynamic code (eval/exec/compile/__import__ of
strings), foreign-function interfaces, and writes to paths outside the work
directory. The sandbox enforces the same at run time; this check gives a clear
reason (and a repair prompt) before anything runs.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

FORBIDDEN_MODULES = frozenset(
    {
        "subprocess",
        "socket",
        "ssl",
        "http",
        "urllib",
        "urllib3",
        "requests",
        "httpx",
        "ftplib",
        "smtplib",
        "telnetlib",
        "multiprocessing",
        "ctypes",
        "cffi",
        "pty",
        "asyncio",
        "importlib",
        "webbrowser",
        "xmlrpc",
        "socketserver",
        "selectors",
        "signal",
        "resource",
        "shutil",
        "builtins",
    }
)
FORBIDDEN_OS = frozenset(
    {
        "system",
        "popen",
        "fork",
        "forkpty",
        "kill",
        "killpg",
        "setuid",
        "setgid",
        "chroot",
        "execv",
        "execve",
        "execl",
        "execle",
        "execlp",
        "execlpe",
        "execvp",
        "execvpe",
        "spawnl",
        "spawnle",
        "spawnlp",
        "spawnlpe",
        "spawnv",
        "spawnve",
        "spawnvp",
        "spawnvpe",
        "posix_spawn",
        "posix_spawnp",
        "rmdir",
        "removedirs",
        "chmod",
        "chown",
        "symlink",
        "link",
    }
)
FORBIDDEN_CALLS = frozenset({"eval", "exec", "compile", "__import__", "breakpoint", "input"})


@dataclass(frozen=True)
class Violation:
    line: int
    what: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.what}"


def _is_outside(path: str) -> bool:
    return path.startswith(("/", "~")) or ".." in path.replace("\\", "/").split("/")


def _write_mode(call: ast.Call) -> bool:
    modes = [a for a in call.args[1:2]] + [k.value for k in call.keywords if k.arg == "mode"]
    return any(
        isinstance(m, ast.Constant) and isinstance(m.value, str) and set(m.value) & set("wax+")
        for m in modes
    )


def _check_call(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
        return f"call of {func.id}()"
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "os"
        and func.attr in FORBIDDEN_OS
    ):
        return f"os.{func.attr}()"
    if isinstance(func, ast.Name) and func.id == "open" and node.args:
        target = node.args[0]
        if (
            isinstance(target, ast.Constant)
            and isinstance(target.value, str)
            and _write_mode(node)
            and _is_outside(target.value)
        ):
            return f"write to {target.value!r} outside the work directory"
    return None


def check_policy(source: str) -> list[Violation]:
    """Every violation in ``source`` (a syntax error is reported by the caller, not here)."""
    tree = ast.parse(source)
    found: list[Violation] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                    found.append(Violation(line, f"import of {alias.name}"))
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            if root in FORBIDDEN_MODULES:
                found.append(Violation(line, f"import from {node.module}"))
            if root == "os" and any(a.name in FORBIDDEN_OS for a in node.names):
                found.append(Violation(line, f"import of a process function from {node.module}"))
        elif isinstance(node, ast.Call):
            what = _check_call(node)
            if what:
                found.append(Violation(line, what))
        elif (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("__")
            and node.attr not in ("__name__", "__file__")
        ):
            found.append(Violation(line, f"dunder attribute {node.attr}"))
        elif isinstance(node, ast.Name) and node.id == "__builtins__":
            found.append(Violation(line, "use of __builtins__"))
    return sorted(found, key=lambda v: (v.line, v.what))

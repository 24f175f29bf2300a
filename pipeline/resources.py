"""Where the project's files outside the ``pipeline`` package are, in a checkout and installed.

A checkout keeps ``schemas/``, ``papers/`` and ``baselines/`` at the repository's top level (the
project layout). A wheel cannot put ``schemas/`` or ``papers/`` there (they would land in
site-packages under names any other distribution may use), so ``setup.py`` ships them inside the
package as ``pipeline/_project/<name>``. This module is the one place that knows both layouts;
callers get a :class:`~pathlib.Path` either way.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path
from typing import Literal

# the directory of the package the wheel ships the project's directories in (setup.py maps them)
SHIPPED = "_project"
ProjectDir = Literal["schemas", "papers"]


def package_dir() -> Path:
    """The ``pipeline`` package's directory.

    It must be a directory on disk (the sandbox mounts it read-only for the analyses), so the
    traversable :func:`importlib.resources.files` gives is a path; a zipped install is refused.
    """
    root = files("pipeline")
    if not isinstance(root, Path):
        raise RuntimeError(f"the pipeline package must be installed on disk, not in {root}")
    return root.resolve()


def project_dir(name: ProjectDir) -> Path:
    """``schemas/`` or ``papers/``: the copy shipped in an installed wheel, else the checkout's.

    The shipped copy is looked for first: from a wheel, the directory next to the package is
    site-packages, where a ``papers/`` or ``schemas/`` would belong to some other distribution.
    A checkout (editable install) has no ``pipeline/_project``.
    """
    shipped = package_dir() / SHIPPED / name
    return shipped if shipped.is_dir() else package_dir().parent / name


def baselines_readme() -> Path:
    """``baselines/README.md``: the ``baselines`` package ships it beside its modules.

    Located with :func:`~importlib.util.find_spec`, which does not run ``baselines/__init__.py``
    (it imports the analyses and their array libraries; a report only needs this text).
    """
    spec = find_spec("baselines")
    locations = spec.submodule_search_locations if spec is not None else None
    base = Path(locations[0]).resolve() if locations else package_dir().parent / "baselines"
    return base / "README.md"

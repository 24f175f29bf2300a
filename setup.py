"""Package discovery for the wheel; everything else is in pyproject.toml.

Why a setup.py: the repository keeps ``schemas/`` and ``papers/`` at its top level (the project
layout), but an installed package can only read what the wheel puts inside it. They are shipped as
``pipeline/_project/schemas`` and ``pipeline/_project/papers`` (read through
``pipeline/resources.py``) by mapping a package name to each directory. pyproject.toml can either
discover packages or list them, not both; a hand-kept list would silently drop any new
subpackage from the wheel, so discovery stays automatic here and the two mapped names are added.
Which files of them are shipped is ``[tool.setuptools.package-data]`` in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

# installed name -> directory in the repository (see pipeline/resources.py, SHIPPED)
PROJECT_DIRS = {"pipeline._project.schemas": "schemas", "pipeline._project.papers": "papers"}

setup(
    packages=[*find_namespace_packages(include=["pipeline*", "baselines*"]), *PROJECT_DIRS],
    package_dir=PROJECT_DIRS,
)

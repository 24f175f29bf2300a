"""The data layer: files of any supported schema -> awkward records of physics objects in GeV.

Public API: :func:`open_dataset` -> :class:`Dataset` (``.release``, ``.files``,
``.provides``, ``.iterate(fields, step_size)``, ``.read_all()``). Collections are
Momentum4D records sorted by pT (highest first); see :mod:`pipeline.data.build`.
"""

from __future__ import annotations

from pipeline.data.reader import Dataset, open_dataset
from pipeline.data.schemas import BUILTIN, Schema

__all__ = ["BUILTIN", "Dataset", "Schema", "open_dataset"]

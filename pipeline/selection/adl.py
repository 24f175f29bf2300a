"""ADL (CutLang) import and export of selection lists.

``from_adl`` reads hand-written ADL descriptions (the ADL4HEP gold set) into selection
lists and lists what it could not represent; ``to_adl`` writes what ADL can express.
"""

from __future__ import annotations

from pipeline.selection.adl_export import to_adl
from pipeline.selection.adl_import import from_adl

__all__ = ["from_adl", "to_adl"]

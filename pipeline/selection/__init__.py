"""The selection list: the one artefact stage one produces, a human reviews, stage two runs."""

from pipeline.selection.models import (
    SCHEMA_VERSION,
    AnalysisInfo,
    Assumption,
    Cut,
    Derived,
    PaperRef,
    PhysicsObject,
    Provenance,
    Region,
    SelectionList,
    Unresolved,
    Weight,
)

__all__ = [
    "SCHEMA_VERSION",
    "AnalysisInfo",
    "Assumption",
    "Cut",
    "Derived",
    "PaperRef",
    "PhysicsObject",
    "Provenance",
    "Region",
    "SelectionList",
    "Unresolved",
    "Weight",
]

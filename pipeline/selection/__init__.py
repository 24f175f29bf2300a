"""The selection list: the one artefact stage one produces, a human reviews, stage two runs."""

from pipeline.selection.models import (
    CUTFLOW_REGION,
    SCHEMA_VERSION,
    AnalysisInfo,
    Assumption,
    Cut,
    Derived,
    HistogramSpec,
    Observable,
    PaperRef,
    PhysicsObject,
    Provenance,
    Region,
    SelectionList,
    Unresolved,
    Weight,
)

__all__ = [
    "CUTFLOW_REGION",
    "SCHEMA_VERSION",
    "AnalysisInfo",
    "Assumption",
    "Cut",
    "Derived",
    "HistogramSpec",
    "Observable",
    "PaperRef",
    "PhysicsObject",
    "Provenance",
    "Region",
    "SelectionList",
    "Unresolved",
    "Weight",
]

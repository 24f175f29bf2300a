"""Human review of a run's selection list: a session model, a web page, a terminal review.

Public API::

    ReviewSession(run_dir, reviewer=None)      # .current(), .decide(Decision, base_version), .log()
    Decision(action=..., cut_id=..., changes={...}, comment=...)
    require_reviewed(run_dir, no_review) -> Path   # the gate stage two calls
    resolve_run(name, outputs_dir) -> Path
"""

from __future__ import annotations

from pipeline.review.decisions import Decision, apply_decision
from pipeline.review.gate import require_reviewed, undecided_cuts
from pipeline.review.runs import resolve_run
from pipeline.review.session import ReviewConflict, ReviewSession, SaveResult

__all__ = [
    "Decision",
    "ReviewConflict",
    "ReviewSession",
    "SaveResult",
    "apply_decision",
    "require_reviewed",
    "resolve_run",
    "undecided_cuts",
]

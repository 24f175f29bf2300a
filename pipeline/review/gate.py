"""The review gate stage two passes through: code is generated from a reviewed list only."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import UsageError
from pipeline.review.session import EXTRACTED, REVIEWED, read_selection
from pipeline.selection.models import SelectionList, Status

DECIDED = {Status.reviewed.value, Status.edited.value, Status.rejected.value}


def undecided_cuts(selection: SelectionList) -> list[str]:
    """Ids of the cuts no human has approved, edited or rejected yet."""
    return [cut.id for cut in selection.all_cuts() if cut.status not in DECIDED]


def require_reviewed(run_dir: Path, no_review: bool) -> Path:
    """The selection list stage two may use: the reviewed one, every cut decided.

    With ``no_review`` the reviewed list is still preferred, else the extracted one is
    returned as is. Without it, a missing or unfinished review raises a UsageError that
    says how to review (or how to skip the review knowingly).
    """
    run_dir = Path(run_dir)
    reviewed, extracted = run_dir / REVIEWED, run_dir / EXTRACTED
    how = (
        f"review it with `reproduce review {run_dir}` (terminal) or `reproduce serve "
        f"{run_dir}` (web page), or pass --no-review to use the unreviewed list"
    )
    if no_review:
        for path in (reviewed, extracted):
            if path.is_file():
                return path
        raise UsageError(
            f"{run_dir} has no selection list ({EXTRACTED})",
            hint="run `reproduce extract PAPER` first",
        )
    if not reviewed.is_file():
        if not extracted.is_file():
            raise UsageError(
                f"{run_dir} has no selection list ({EXTRACTED})",
                hint="run `reproduce extract PAPER` first",
            )
        raise UsageError(f"the selection list of {run_dir} has not been reviewed", hint=how)
    pending = undecided_cuts(read_selection(reviewed))
    if pending:
        shown = ", ".join(pending[:8]) + (" ..." if len(pending) > 8 else "")
        raise UsageError(
            f"the review of {run_dir} is unfinished: {len(pending)} cut(s) undecided ({shown})",
            hint=how,
        )
    return reviewed

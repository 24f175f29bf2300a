"""Two cutflows, step by step: aligned by id or by an explicit step map, never by position."""

from __future__ import annotations

from pipeline.compare.models import StepComparison
from pipeline.compare.step_map import check_step_map
from pipeline.contract import Cutflow, CutflowStep


def compare_steps(
    gen: Cutflow, base: Cutflow, step_map: dict[str, str] | None = None
) -> tuple[list[StepComparison], str | None]:
    """Steps aligned by id, or by the explicit ``step_map`` (generated id -> baseline id) where
    given (generated order, then baseline-only); the first aligned step that differs."""
    step_map = dict(step_map or {})
    check_step_map(step_map, gen, base)
    mapped = set(step_map.values())
    # a step keeps its id-alignment unless the map sends it (or its baseline namesake) elsewhere
    align: dict[str, str] = {
        s.id: step_map.get(s.id, s.id if s.id not in mapped else "") for s in gen.steps
    }
    bsteps = {s.id: s for s in base.steps}
    used = {b for b in align.values() if b in bsteps}
    pairs: list[tuple[CutflowStep | None, CutflowStep | None]] = [
        (g, bsteps.get(align[g.id])) for g in gen.steps
    ]
    pairs += [(None, b) for b in base.steps if b.id not in used]
    rows, first = [], None
    for g, b in pairs:
        same = g is not None and b is not None and g.raw == b.raw and g.applicable == b.applicable
        step_id = g.id if g is not None else b.id  # type: ignore[union-attr]
        rows.append(
            StepComparison(
                id=step_id,
                same=same,
                baseline_id=b.id if g is not None and b is not None and b.id != g.id else None,
                generated_raw=g.raw if g else None,
                baseline_raw=b.raw if b else None,
                generated_weighted=g.weighted if g else None,
                baseline_weighted=b.weighted if b else None,
                generated_applicable=g.applicable if g else None,
                baseline_applicable=b.applicable if b else None,
            )
        )
        if first is None and g is not None and b is not None and not same:
            first = step_id
    return rows, first

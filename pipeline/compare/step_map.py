"""Aligning two cutflows whose step ids differ: the explicit map a reviewer gives, and the map
proposed for the reviewer from steps whose counts agree (evidence, not proof: steps are only
aligned once a person accepts them)."""

from __future__ import annotations

import math
from pathlib import Path

from pipeline.compare.models import StepMapProposal
from pipeline.contract import Cutflow, CutflowStep
from pipeline.errors import UsageError, closest_names


def parse_step_map(text: str | None) -> dict[str, str]:
    """'gen_a=base_a,gen_b=base_b' -> {gen_a: base_a, ...}; UsageError naming the bad item."""
    if not text or not text.strip():
        return {}
    mapping: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        gen_id, sep, base_id = item.partition("=")
        if not item or not sep or not gen_id.strip() or not base_id.strip():
            raise UsageError(
                f"step map item {item!r} is not GENERATED_ID=BASELINE_ID",
                hint="write e.g. --step-map leptons_count=exactly_4_leptons,event_dr=delta_r",
            )
        mapping[gen_id.strip()] = base_id.strip()
    return mapping


def read_step_map(value: str | None) -> dict[str, str]:
    """``--step-map`` as given: pairs inline, or the name of a file with one pair a line."""
    if value is not None and Path(value).is_file():
        value = ",".join(
            line.strip() for line in Path(value).read_text().splitlines() if line.strip()
        )
    return parse_step_map(value)


def check_step_map(step_map: dict[str, str], gen: Cutflow, base: Cutflow) -> None:
    """A mapping must name existing steps on both sides, one to one: an alignment is only honest
    when explicit."""
    gen_ids, base_ids = [s.id for s in gen.steps], [s.id for s in base.steps]
    for gen_id, base_id in step_map.items():
        if gen_id not in gen_ids:
            raise UsageError(
                f"step map: the generated cutflow has no step {gen_id!r}",
                hint=f"closest generated steps: {closest_names(gen_id, gen_ids)}",
            )
        if base_id not in base_ids:
            raise UsageError(
                f"step map: the baseline cutflow has no step {base_id!r}",
                hint=f"closest baseline steps: {closest_names(base_id, base_ids)}",
            )
    targets = list(step_map.values())
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise UsageError(
            f"step map: baseline step(s) {twice} are mapped from more than one generated step",
            hint="map each baseline step from exactly one generated step",
        )


def _agree(g: CutflowStep, b: CutflowStep) -> bool:
    return (
        g.raw == b.raw
        and g.applicable == b.applicable
        and math.isclose(g.weighted, b.weighted, rel_tol=1e-6, abs_tol=1e-9)
    )


def propose_step_map(gen: Cutflow, base: Cutflow, aligned: dict[str, str]) -> list[StepMapProposal]:
    """For each generated step not yet aligned (``aligned``: generated id -> baseline id), the first
    unaligned baseline step with the same raw and weighted count that keeps both cutflows in order
    (after the baseline step of the previous aligned generated step, before that of the next)."""
    bidx = {s.id: j for j, s in enumerate(base.steps)}
    anchors = [(i, bidx[aligned[g.id]]) for i, g in enumerate(gen.steps) if g.id in aligned]
    used, last, out = set(aligned.values()), -1, []
    for i, g in enumerate(gen.steps):
        if g.id in aligned:
            last = max(last, bidx[aligned[g.id]])
            continue
        upper = min((j for gi, j in anchors if gi > i), default=len(base.steps))
        found = [
            b
            for j, b in enumerate(base.steps)
            if last < j < upper and b.id not in used and _agree(g, b)
        ]
        if not found:
            continue
        b, others = found[0], [o.id for o in found[1:]]
        used.add(b.id)
        last = bidx[b.id]
        twins = [
            t.id
            for t in gen.steps[i + 1 : upper_gen(anchors, i, len(gen.steps))]
            if t.id not in aligned and _agree(t, b)
        ]
        evidence = (
            f"both {g.raw} events after the step (weighted {g.weighted:.6g} and "
            f"{b.weighted:.6g}); generated step {i + 1} of {len(gen.steps)}, baseline step "
            f"{last + 1} of {len(base.steps)}"
            + (f"; the same counts also at baseline step(s) {', '.join(others)}" if others else "")
            + (f"; and at generated step(s) {', '.join(twins)}" if twins else "")
        )
        out.append(
            StepMapProposal(
                generated_id=g.id,
                baseline_id=b.id,
                generated_raw=g.raw,
                baseline_raw=b.raw,
                generated_weighted=g.weighted,
                baseline_weighted=b.weighted,
                evidence=evidence,
                alternatives=others,
            )
        )
    return out


def upper_gen(anchors: list[tuple[int, int]], i: int, n: int) -> int:
    """Index of the next aligned generated step after ``i`` (``n`` without one)."""
    return min((gi for gi, _ in anchors if gi > i), default=n)


def step_map_flag(proposals: list[StepMapProposal]) -> str:
    return "--step-map " + ",".join(f"{p.generated_id}={p.baseline_id}" for p in proposals)

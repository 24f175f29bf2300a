"""What the report says, gathered once from a run directory (both renderers use it)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.compare import Comparison
from pipeline.contract import AnalysisResult, Cutflow, Regions, read_outputs, read_regions
from pipeline.report.against_paper import AgainstPaper, load_against_paper
from pipeline.rundir import RunDir
from pipeline.selection.models import SelectionList, Status


@dataclass
class ReportContent:
    run_dir: Path
    selection: SelectionList
    selection_file: str
    result: AnalysisResult
    cutflow: Cutflow
    baseline_cutflow: Cutflow | None
    comparison: Comparison | None
    code: str
    stage_notes: dict[str, str]
    warnings: list[str] = field(default_factory=list)
    plots: dict[str, Path] = field(default_factory=dict)
    against_paper: AgainstPaper | None = None  # the paper's published numbers beside ours
    regions: Regions | None = None  # each region's own cutflow (lists with regions)


def selection_rows(sel: SelectionList) -> list[tuple[str, str, str, str, str, str]]:
    """(id, where, machine form, status, source, quote) for every cut, objects first."""
    from pipeline.selection.expr import cut_expression

    rows = []
    for obj in sel.objects:
        rows += [(c.id, f"{obj.name} (object)", c) for c in obj.cuts]  # type: ignore[misc]
    rows += [(c.id, f"{c.scope}" + (f" {c.target}" if c.target else ""), c) for c in sel.selection]  # type: ignore[misc]
    out = []
    for cut_id, where, cut in rows:  # type: ignore[misc]
        form = (
            cut_expression(cut)
            if cut.executable or cut.expr or cut.variable
            else f"text: {cut.text}"
        )
        prov = cut.provenance
        source = (
            ""
            if prov is None
            else f"{prov.source}: {prov.document}" + (f" p.{prov.page}" if prov.page else "")
        )
        quote = " ".join((prov.quote if prov else "").split())
        out.append((cut_id, where, form, str(cut.status), source, quote))
    return out


def collect_warnings(sel: SelectionList, result: AnalysisResult, used: str) -> list[str]:
    out = []
    if result.synthetic:
        out.append(
            "SYNTHETIC INPUTS: the data are generated samples, not collision data; numbers are "
            "for exercising the pipeline only."
        )
    quarantined = [c.id for c in sel.all_cuts() if c.text and "(not executed:" in c.text]
    if quarantined:
        out.append(
            f"Cuts of the unreviewed list that failed validation and were NOT executed: "
            f"{', '.join(quarantined)}"
        )
    if used.endswith(("extracted.json", "quarantined.json")):
        out.append(
            "The selection list was NOT reviewed by a person (--no-review): code was generated "
            "from the extracted list as is."
        )
    unverified = [c.id for c in sel.all_cuts() if c.status in (Status.unverified, Status.extracted)]
    if unverified:
        out.append(f"Unverified cuts (quote or numbers not confirmed): {', '.join(unverified)}")
    for a in sel.assumptions:
        out.append(
            f"Assumption {a.id} ({a.topic}): {a.unstated} -> {a.choice}"
            + ("" if a.status == "answered" else " [open]")
        )
    out += [f"Not applied: {w}" for w in result.warnings]
    out += [f"Unresolved: {u.id}: {u.description}" for u in sel.unresolved]
    return out


def gather(run_dir: Path, selection_file: Path, stage_notes: dict[str, str]) -> ReportContent:
    from pipeline.selection.store import load_selection

    sel = load_selection(selection_file)
    _, cutflow, result = read_outputs(RunDir(run_dir).analysis)
    base_flow = None
    if (RunDir(run_dir).baseline / RunDir.RESULT).is_file():
        base_flow = read_outputs(RunDir(run_dir).baseline)[1]
    comp_path = RunDir(run_dir).comparison
    comparison = (
        Comparison.model_validate_json(comp_path.read_text()) if comp_path.is_file() else None
    )
    return ReportContent(
        run_dir=run_dir,
        selection=sel,
        selection_file=selection_file.name,
        result=result,
        cutflow=cutflow,
        baseline_cutflow=base_flow,
        comparison=comparison,
        code=RunDir(run_dir).script.read_text(),
        stage_notes=stage_notes,
        warnings=sandbox_warnings(run_dir) + collect_warnings(sel, result, selection_file.name),
        against_paper=load_against_paper(run_dir, cutflow, base_flow, result),
        regions=read_regions(RunDir(run_dir).analysis),
    )


def sandbox_warnings(run_dir: Path) -> list[str]:
    """What the sandbox of the passing attempt did not protect (weak or no isolation), said
    first."""
    verdicts = RunDir(run_dir).verdicts()
    if not verdicts:
        return []
    data = json.loads(verdicts[-1].read_text())
    return [f"Sandbox: {w}" for w in data.get("warnings", [])]

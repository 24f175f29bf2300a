"""The aggregate of a trials study: statistics, ``trials.{json,md,html}``, plots."""

from __future__ import annotations

import base64
import html
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from pipeline.audit.trials_models import TrialResult, TrialsOptions
from pipeline.io import write_json_atomic, write_text_atomic


class CutStability(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    trials: int = Field(description="trials whose extracted list has this cut")
    share: float
    values: dict[str, int] = Field(description="expression -> trials that gave it")


class TrialsSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paper: str
    study_dir: str
    n: int
    backend: str
    codegen: str
    baseline: str | None
    reference: str | None
    completed: int
    identical: int = Field(
        description="trials whose selected events are identical to the baseline's"
    )
    event_agreement: float = Field(
        description="identical / n (failed trials count as not identical)"
    )
    first_divergence: dict[str, int] = Field(
        description="first diverging cut -> trials (completed, not identical)"
    )
    failures: dict[str, int] = Field(description="failure kind -> trials where it was seen")
    recall_mean: float | None = None
    precision_mean: float | None = None
    attempts_mean: float | None = Field(
        None, description="sandbox attempts to pass, over passing trials"
    )
    tokens: int
    cost_usd: float
    wall_s: float
    stability: list[CutStability]
    trials: list[TrialResult]
    report_md: str = ""
    report_html: str = ""


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def summarise(opts: TrialsOptions, study_dir: Path, results: list[TrialResult]) -> TrialsSummary:
    n = len(results)
    seen: dict[str, Counter[str]] = {}
    for r in results:
        for cut, value in r.cut_values.items():
            seen.setdefault(cut, Counter())[value] += 1
    stability = sorted(
        (
            CutStability(
                id=c,
                trials=sum(v.values()),
                share=round(sum(v.values()) / n, 3),
                values=dict(sorted(v.items())),
            )
            for c, v in seen.items()
        ),
        key=lambda s: (-s.trials, s.id),
    )
    identical = sum(1 for r in results if r.identical_events)
    scored = [r.score for r in results if r.score is not None]
    return TrialsSummary(
        paper=opts.paper,
        study_dir=str(study_dir),
        n=n,
        backend=opts.backend + (" (whole list)" if opts.whole_list else ""),
        codegen=opts.codegen,
        baseline=opts.baseline,
        reference=str(opts.reference) if opts.reference else None,
        completed=sum(1 for r in results if r.completed),
        identical=identical,
        event_agreement=round(identical / n, 3) if n else 0.0,
        first_divergence=dict(
            Counter(
                r.first_divergence or "(no common cutflow step diverges)"
                for r in results
                if r.completed and not r.identical_events and opts.baseline
            )
        ),
        failures=dict(sorted(Counter(k for r in results for k in r.failures).items())),
        recall_mean=_mean([s.recall for s in scored]),
        precision_mean=_mean([s.precision for s in scored]),
        attempts_mean=_mean([float(r.attempts) for r in results if r.completed and r.attempts]),
        tokens=sum(r.prompt_tokens + r.completion_tokens for r in results),
        cost_usd=round(sum(r.cost_usd for r in results), 6),
        wall_s=round(sum(r.wall_s for r in results), 3),
        stability=stability,
        trials=results,
    )


def _plots(summary: TrialsSummary, plots: Path) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plots.mkdir(parents=True, exist_ok=True)
    failed = summary.n - summary.completed
    fig, ax = plt.subplots(figsize=(5, 3))
    labels = ["identical events", "different", "failed"]
    ax.bar(
        labels,
        [summary.identical, summary.completed - summary.identical, failed],
        color=["#2a7", "#d94", "#c33"],
    )
    ax.set_ylabel("trials")
    ax.set_title(f"event-level agreement with {summary.baseline or 'no baseline'} (n={summary.n})")
    fig.tight_layout()
    fig.savefig(plots / "agreement.png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 0.3 * max(3, len(summary.stability)) + 1))
    ids = [s.id for s in summary.stability][::-1]
    ax.barh(ids, [s.share for s in summary.stability][::-1], color="#47a")
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of trials with the cut")
    ax.set_title("per-cut stability")
    fig.tight_layout()
    fig.savefig(plots / "stability.png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    return {"agreement": plots / "agreement.png", "stability": plots / "stability.png"}


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def render_markdown(s: TrialsSummary) -> str:
    lines = [
        f"# Trials: {s.paper}",
        "",
        f"{s.n} trials, extraction `{s.backend}`, code generation `{s.codegen}`, "
        f"baseline `{s.baseline}`, "
        f"reference `{s.reference}`.",
        "",
        f"- completed: {s.completed}/{s.n}; identical events: {s.identical}/{s.n} "
        f"(agreement {s.event_agreement:.3f})",
        f"- recall (mean): {_fmt(s.recall_mean)}; precision (mean): {_fmt(s.precision_mean)}",
        f"- attempts to pass (mean): {_fmt(s.attempts_mean)}; tokens: {s.tokens}; "
        f"cost: ${s.cost_usd:.4f}; "
        f"wall time: {s.wall_s:.1f} s",
        "- failures (trials): " + (", ".join(f"{k} {v}" for k, v in s.failures.items()) or "none"),
        "- first diverging cut: "
        + (", ".join(f"{k} ({v})" for k, v in s.first_divergence.items()) or "-"),
        "",
        "| trial | cuts | ungrounded | recall | precision | attempts | comparison | identical | "
        "first divergence | failures | tokens | cost $ | wall s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in s.trials:
        sc = r.score
        lines.append(
            f"| {r.index:02d} | {r.cuts} | {len(r.ungrounded)} | "
            f"{_fmt(sc.recall if sc else None)} | "
            f"{_fmt(sc.precision if sc else None)} | {r.attempts} | "
            f"{r.comparison or ('failed at ' + str(r.failed_stage) if r.failed_stage else '-')} | "
            f"{'yes' if r.identical_events else 'no'} | {r.first_divergence or '-'} | "
            f"{', '.join(r.failures) or '-'} | {r.prompt_tokens + r.completion_tokens} | "
            f"{r.cost_usd:.4f} | {r.wall_s:.1f} |"
        )
    lines += [
        "",
        "## Per-cut stability",
        "",
        "| cut | trials | share | values (trials) |",
        "|---|---|---|---|",
    ]
    for st in s.stability:
        values = "; ".join(f"`{v}` ({k})" for v, k in st.values.items()).replace("|", "\\|")
        lines.append(f"| {st.id} | {st.trials} | {st.share:.2f} | {values} |")
    lines += ["", "![agreement](plots/agreement.png)", "", "![stability](plots/stability.png)", ""]
    return "\n".join(lines)


def _html(md: str, plots: dict[str, Path]) -> str:
    body = []
    rows: list[list[str]] = []
    for line in md.splitlines():
        if line.startswith("|"):
            cells = [html.escape(c.strip()) for c in line.strip("|").split(" | ")]
            if not set("".join(cells)) <= set("-"):
                rows.append(cells)
            continue
        if rows:
            head, *rest = rows
            body.append(
                "<table><tr>"
                + "".join(f"<th>{c}</th>" for c in head)
                + "</tr>"
                + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rest)
                + "</table>"
            )
            rows = []
        if line.startswith("!["):
            name = line[2 : line.index("]")]
            data = base64.b64encode(plots[name].read_bytes()).decode()
            body.append(f'<img alt="{name}" src="data:image/png;base64,{data}">')
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{html.escape(line.lstrip('# '))}</h{level}>")
        elif line.startswith("- "):
            body.append(f"<li>{html.escape(line[2:])}</li>")
        elif line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
    style = (
        "body{font-family:sans-serif;max-width:1200px;margin:2em "
        "auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px;font-size:90%}"
    )
    return (
        "<!doctype html><html><head><meta "
        f"charset='utf-8'><title>trials</title><style>{style}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def write_trials_report(summary: TrialsSummary, study_dir: Path) -> TrialsSummary:
    plots = _plots(summary, study_dir / "plots")
    md = render_markdown(summary)
    summary.report_md = str(write_text_atomic(study_dir / "trials.md", md))
    summary.report_html = str(write_text_atomic(study_dir / "trials.html", _html(md, plots)))
    write_json_atomic(study_dir / "trials.json", summary.model_dump(mode="json"))
    return summary

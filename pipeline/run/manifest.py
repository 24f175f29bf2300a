"""manifest.json: sha256 of every input and output of a run, versions, model, sandbox, usage,
timings.

``build_manifest`` reads the run directory after the run; ``write_manifest`` writes it
atomically; ``load_manifest`` reads it back (a ``ReproError`` naming the file when it is
missing or not a manifest). Files whose bytes depend on time or on where the run lives
are listed in ``excluded`` with the reason instead of being hashed as outputs
(``EXCLUDED``); audits compare everything else.
"""

from __future__ import annotations

import fnmatch
import json
import platform
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pipeline import __version__
from pipeline.config import Settings, load_settings
from pipeline.errors import UsageError
from pipeline.fetch.ids import normalize_paper_id
from pipeline.io import sha256_file, sha256_input, write_json_atomic
from pipeline.llm.prices import cost_usd, price_table
from pipeline.run.manifest_models import (
    SCHEMA_VERSION,
    CodeFile,
    Environment,
    InputFile,
    Manifest,
    ModelInfo,
    OutputFile,
    SandboxInfo,
    Usage,
    Volatile,
)
from pipeline.run.options import RunOptions, code_fingerprint
from pipeline.run.paper import paper_slug
from pipeline.run.state import RunState
from pipeline.rundir import RunDir
from pipeline.sandbox import Limits

PACKAGES = (
    "awkward",
    "uproot",
    "vector",
    "numpy",
    "hist",
    "matplotlib",
    "mplhep",
    "pymupdf",
    "pydantic",
    "openai",
    "instructor",
    "jsonschema",
)
PIPELINE = Path(__file__).resolve().parents[1]
PROMPT_SOURCES = (
    "extract/prompt.py",
    "extract/llm_extract.py",
    "codegen/model_written.py",
    "codegen/example_selection.json",
    "codegen/textcuts.py",
    "sandbox/repair.py",
)
# run files that are not outputs to verify: pattern -> why
EXCLUDED: dict[str, str] = {
    RunDir.MANIFEST: "this manifest",
    RunDir.STATE: "stage timings",
    RunDir.REPORT_MD: "stage timings and the run directory's absolute path",
    RunDir.REPORT_HTML: "stage timings and the run directory's absolute path",
    RunDir.LLM_CALLS: "recorded model calls (timestamps, latencies): an input of the audit, "
    "not an output",
    f"{RunDir.ATTEMPTS}/*": "a sandbox attempt's record (durations, work paths); "
    "its analysis.py is under code",
    RunDir.REVIEWED: "the reviewed list: an input (a human decision)",
    f"{RunDir.REVIEW}/*": "review versions and log: inputs (human decisions)",
    f"{RunDir.CITED}/*": "cited papers: inputs",
    "*.lock": "lock file",
}
STAGE_OF_PREFIX = {
    f"{RunDir.ANALYSIS}/": "execute",
    f"{RunDir.BASELINE}/": "baseline",
    f"{RunDir.CODEGEN}/": "generate",
    f"{RunDir.PLOTS}/": "report",
}


def excluded_reason(rel: str) -> str | None:
    return next((why for pattern, why in EXCLUDED.items() if fnmatch.fnmatch(rel, pattern)), None)


class Located:
    """Records inputs by a name that does not depend on where the run, REPRO_HOME or the package
    live (relative to the run, home or package; external files by name), and where each was read."""

    def __init__(self, run_dir: Path, home: Path) -> None:
        roots = [("run", run_dir.resolve()), ("home", home.resolve()), ("package", PIPELINE)]
        # the innermost root first: a run lies inside home, and home may hold a checkout
        self.roots = sorted(roots, key=lambda r: len(r[1].parts), reverse=True)
        self.inputs: list[InputFile] = []
        self.locations: list[str] = []

    def add(self, path: Path, role: str, required: bool = True) -> None:
        where = path.resolve()
        scope, name = next(
            (
                (scope, where.relative_to(root).as_posix())
                for scope, root in self.roots
                if where.is_relative_to(root)
            ),
            ("external", where.name),
        )
        self.inputs.append(
            InputFile(
                role=role,
                path=name,
                scope=scope,
                sha256=sha256_input(where),  # type: ignore[arg-type]
                size=where.stat().st_size,
                required=required,
            )
        )
        self.locations.append(str(where))


def _cited_slugs(run_dir: Path) -> set[str]:
    path = RunDir(run_dir).extracted
    if not path.is_file():
        return set()
    data = json.loads(path.read_text())
    cuts = [c for o in data.get("objects", []) for c in o.get("cuts", [])] + data.get(
        "selection", []
    )
    slugs = set()
    for cut in cuts:
        prov = cut.get("provenance") or {}
        if prov.get("source") == "cited":
            try:
                slugs.add(normalize_paper_id(prov["document"]).slug)
            except Exception:  # noqa: BLE001 - a file name, not an id: nothing cached to hash
                continue
    return slugs


def collect_inputs(run_dir: Path, opts: RunOptions, settings: Settings, slug: str) -> Located:
    used_model = RunDir(run_dir).llm_calls.is_file()
    found = Located(run_dir, settings.home)
    paper = Path(opts.paper)
    if paper.is_file():
        found.add(paper, "paper_file")
    cache = settings.papers_dir / slug
    for name, role in (
        ("paper.pdf", "paper_pdf"),
        ("source.tar.gz", "paper_source"),
        ("source.tex.gz", "paper_source"),
    ):
        if (cache / name).is_file():
            found.add(cache / name, role)
    for cited in sorted(_cited_slugs(run_dir)):
        pdf = settings.papers_dir / cited / "paper.pdf"
        if pdf.is_file():
            found.add(pdf, "cited_paper")
    for path in sorted(p for p in run_dir.glob("cited/*") if p.is_file()):
        found.add(path, "cited_paper")
    for data in opts.data_files():
        found.add(data, "data")
    if opts.reviewed is not None and opts.reviewed.is_file():
        found.add(opts.reviewed, "selection_reviewed")
    for rel, role in (
        (RunDir.REVIEWED, "selection_reviewed"),
        (RunDir.REVIEW_LOG, "review_log"),
    ):
        if (run_dir / rel).is_file():
            found.add(run_dir / rel, role)
    for path in sorted(RunDir(run_dir).review_dir.glob("selection.v*.json")):
        found.add(path, "review_version")
    for path in sorted((PIPELINE / "extract" / "hints").glob("*.md")):
        found.add(path, "hint", required=used_model)
    for rel in PROMPT_SOURCES:
        if (PIPELINE / rel).is_file():
            found.add(PIPELINE / rel, "prompt", required=used_model)
    if used_model:
        found.add(RunDir(run_dir).llm_calls, "llm_calls")
    if opts.replay is not None and opts.replay.is_file():
        found.add(opts.replay, "llm_calls")
    return found


def environment() -> Environment:
    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = "not installed"
    return Environment(
        reproduce=__version__,
        python=sys.version.split()[0],
        platform=platform.platform(),
        machine=platform.machine(),
        packages=packages,
        stage_two_code=code_fingerprint(),
    )


def read_calls(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def model_usage(calls: list[dict[str, Any]], settings: Settings) -> tuple[ModelInfo, Usage]:
    """What model answered and how much it cost, from the records of ``llm_calls.jsonl``."""

    def seen(key: str) -> list[Any]:
        return sorted({c[key] for c in calls if c.get(key) is not None}, key=str)

    purposes: dict[str, int] = {}
    for call in calls:
        purposes[str(call.get("purpose"))] = purposes.get(str(call.get("purpose")), 0) + 1
    info = ModelInfo(
        configured_model=settings.llm_model,
        configured_server=settings.llm_base_url,
        temperature=settings.llm_temperature,
        seed=settings.llm_seed,
        max_calls=settings.llm_max_calls,
        backends=seen("backend"),
        models=seen("model"),
        servers=seen("base_url"),
        modes=seen("mode"),
        temperatures=seen("temperature"),
        seeds=seen("seed"),
        calls_by_purpose=purposes,
    )
    table = price_table(settings)
    usage = Usage(calls=len(calls), failed_calls=sum(1 for c in calls if not c.get("ok")))
    for call in calls:
        tokens = call.get("usage") or {}
        prompt, completion = (
            int(tokens.get("prompt_tokens", 0)),
            int(tokens.get("completion_tokens", 0)),
        )
        usage.http_requests += len(call.get("attempts") or [])
        usage.prompt_tokens += prompt
        usage.completion_tokens += completion
        usage.total_tokens += int(tokens.get("total_tokens", prompt + completion))
        usage.cost_usd = round(
            usage.cost_usd + cost_usd(str(call.get("model")), prompt, completion, table), 6
        )
    usage.prices_usd_per_1m = {
        m: (table[m].input, table[m].output) if m in table else (0.0, 0.0) for m in info.models
    }
    return info, usage


def sandbox_info(run_dir: Path, opts: RunOptions) -> SandboxInfo:
    info = SandboxInfo(limits=Limits(timeout_s=opts.timeout_s).model_dump(mode="json"))
    for verdict in RunDir(run_dir).verdicts():
        data = json.loads(verdict.read_text())
        info.isolation.append(str(data.get("isolation")))
        info.verdicts.append(str(data.get("verdict")))
        info.warnings += [w for w in data.get("warnings", []) if w not in info.warnings]
    info.attempts = len(info.verdicts)
    return info


def _stage_of(rel: str, state: RunState) -> str:
    for name, rec in state.stages.items():
        if rel in rec.outputs:
            return name
    return next(
        (stage for prefix, stage in STAGE_OF_PREFIX.items() if rel.startswith(prefix)), "unknown"
    )


def outputs_and_code(
    run_dir: Path, state: RunState, opts: RunOptions
) -> tuple[dict[str, OutputFile], dict[str, str], list[CodeFile]]:
    outputs: dict[str, OutputFile] = {}
    excluded: dict[str, str] = {RunDir.MANIFEST: EXCLUDED[RunDir.MANIFEST]}
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(run_dir).as_posix()
        why = excluded_reason(rel)
        if why is not None:
            excluded[rel] = why
        else:
            outputs[rel] = OutputFile(
                sha256=sha256_file(path), size=path.stat().st_size, stage=_stage_of(rel, state)
            )
    origin = "model" if opts.codegen == "llm" else "compiled"
    code = [
        CodeFile(path=p.relative_to(run_dir).as_posix(), sha256=sha256_file(p), origin=origin)  # type: ignore[arg-type]
        for p in [
            RunDir(run_dir).script,
            *sorted(RunDir(run_dir).attempts.glob("*/analysis.py")),
        ]
        if p.is_file()
    ]
    return outputs, excluded, code


def named_options(opts: RunOptions) -> tuple[RunOptions, dict[str, str]]:
    """The options and run key with every file named, not located: the same for any spelling of
    the same files and wherever REPRO_HOME lives (paper id normalised, data as its files' names)."""
    paper = Path(opts.paper)
    name = paper.name if paper.is_file() else opts.paper_key()
    files = [Path(f.name) for f in opts.data_files()]
    named = opts.model_copy(
        update={
            "paper": name,
            "data": files,
            "reviewed": Path(opts.reviewed.name) if opts.reviewed else None,
            "replay": Path(opts.replay.name) if opts.replay else None,
        }
    )
    key = {
        **opts.key(),
        "paper": name,
        "data": ";".join(str(f) for f in files),
        "reviewed": named.reviewed.name if named.reviewed else "",
        "replay": named.replay.name if named.replay else "",
    }
    return named, key


def build_manifest(
    run_dir: Path, state: RunState, opts: RunOptions, settings: Settings
) -> Manifest:
    slug = paper_slug(opts.paper)
    calls = read_calls(RunDir(run_dir).llm_calls)
    info, usage = model_usage(calls, settings)
    outputs, excluded, code = outputs_and_code(run_dir, state, opts)
    timings = {name: rec.seconds for name, rec in state.stages.items()}
    inputs = collect_inputs(run_dir, opts, settings, slug)
    volatile = Volatile(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        timings_s=timings,
        total_s=round(sum(timings.values()), 3),
        stage_notes={name: rec.note for name, rec in state.stages.items()},
        llm_latency_s=round(sum(float(c.get("latency_s") or 0) for c in calls), 3),
        input_locations=inputs.locations,
    )
    # resolved paths, so that an audit started from another directory finds the same files: volatile
    paper = Path(opts.paper)
    volatile.options = opts.model_copy(
        update={
            "paper": str(paper.resolve()) if paper.is_file() else opts.paper,
            "data": [p.resolve() for p in opts.data],
            "reviewed": opts.reviewed.resolve() if opts.reviewed else None,
            "replay": opts.replay.resolve() if opts.replay else None,
        }
    )
    named, key = named_options(opts)
    return Manifest(
        paper=named.paper,
        slug=slug,
        run_id=run_dir.name,
        options=named,
        settings_key=key,
        inputs=inputs.inputs,
        environment=environment(),
        model=info,
        usage=usage,
        sandbox=sandbox_info(run_dir, opts),
        code=code,
        outputs=outputs,
        excluded=excluded,
        volatile=volatile,
    )


def write_manifest(
    run_dir: Path, state: RunState, opts: RunOptions, settings: Settings | None = None
) -> Path:
    start = time.monotonic()
    manifest = build_manifest(run_dir, state, opts, settings or load_settings())
    manifest.volatile.timings_s["manifest"] = round(time.monotonic() - start, 3)
    return write_json_atomic(RunDir(run_dir).manifest, manifest.model_dump(mode="json"))


def load_manifest(run_dir: Path) -> Manifest:
    path = RunDir(run_dir).manifest
    if not path.is_file():
        raise UsageError(
            f"{run_dir} has no manifest.json",
            hint="give the directory of a finished run (reproduce PAPER writes the manifest last)",
        )
    try:
        return Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as err:
        raise UsageError(
            f"{path} is not a manifest of schema {SCHEMA_VERSION}: "
            f"{err.errors()[0]['loc']}: {err.errors()[0]['msg']}",
            hint="re-run the pipeline to write a new manifest",
        ) from err

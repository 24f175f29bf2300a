#!/usr/bin/env python
"""Throughput of the compiled ADL benchmark lists against hand-written awkward code.

Usage: python scripts/bench_adl.py [--events N] [--seed S] [--work DIR] [--repeat R]
                                   [--step EVENTS] [--only 1,6] [--json PATH] [--skip-hash]
Target: compiled/hand-written throughput ratio >= 1.0 for each of the eight IRIS-HEP ADL
benchmarks (papers/adl-benchmarks/); the ratio is printed, never enforced. A benchmark whose
compiled and hand-written results differ (selected events, or any value beyond 1e-6 relative)
makes the exit status 1.

N synthetic NanoAOD events (default 1,000,000; pipeline.data.synthetic_nanoaod) are generated
once into --work, cached by seed and N. Each measurement (benchmark x implementation) runs in a
fresh child process, chunk by chunk (--step events): the compiled list reads the canonical
fields it needs through open_dataset and runs select_objects/select_events as
tests/test_adl_benchmarks.py does; the baseline (baselines/adl_benchmarks.py) reads its raw
branches with uproot and computes. Wall time is the best of --repeat runs of read + compute.
The compiled side waits for the inputs' sha256 (hashed in a background thread from
open_dataset on), as a run does before writing its outputs; the time left to wait after the
analysis is reported apart ("hash wait"). Input hashes are cached on disk while a file is
unchanged (pipeline.io.sha256_input, REPRO_HASH_CACHE). Each child first runs once untimed
(first-call costs; the compiled side without hashing). Then the compiled child runs once with
an empty cache of its own (a first run on a new file: "cold ratio", "cold wait") and --repeat
times with that cache filled, its in-process cache cleared before each run as a new run's
process starts without it ("ratio", "hash wait": the best of those). --skip-hash, a
diagnostic, measures the compiled side without computing them (a run always does), to show
what the hashing costs. The hand-written side hashes nothing. Peak memory is the
child's peak resident set size (VmHWM; ru_maxrss without /proc), reported whole and as the
growth over the child's peak after imports and setup, so one task's memory never hides
another's.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import awkward as ak  # noqa: E402
import numpy as np  # noqa: E402
import uproot  # noqa: E402

from baselines.adl_benchmarks import BRANCHES, Selected, run_benchmark  # noqa: E402
from pipeline.codegen.compiler import compile_selection  # noqa: E402
from pipeline.data import open_dataset  # noqa: E402
from pipeline.data.synthetic_nanoaod import file_name, generate_nanoaod  # noqa: E402
from pipeline.io import RACY_NS  # noqa: E402
from pipeline.runtime.analysis_run import AnalysisRun, provided_names  # noqa: E402
from pipeline.runtime.selection import EventState  # noqa: E402
from pipeline.selection.store import load_selection  # noqa: E402

BENCHMARK_DIR = ROOT / "papers" / "adl-benchmarks"
RTOL = 1e-6
DEFAULT_STEP = 100_000


def compiled_namespace(n: int) -> dict[str, Any]:
    """Compile benchmark list ``n`` and execute the module: its selectors and configuration."""
    sel = load_selection(BENCHMARK_DIR / f"benchmark-{n}.json")
    namespace: dict[str, Any] = {"__name__": f"benchmark_{n}"}
    code = compile(compile_selection(sel), f"benchmark-{n}.py", "exec")
    exec(code, namespace)  # noqa: S102 - our own compiler's output
    return namespace


def _concat(parts: list[Any]) -> ak.Array:
    arrays = [ak.Array(p) if not isinstance(p, ak.Array) else p for p in parts]
    return ak.concatenate(arrays) if len(arrays) > 1 else arrays[0]


def run_compiled(
    namespace: dict[str, Any], path: Path, step: int, waits: list[float] | None = None
) -> Selected:
    """The compiled list through the runtime, chunk by chunk (as the generated main reads);
    the seconds spent waiting for the inputs' sha256 after the analysis go to ``waits``."""
    dataset = open_dataset([path])
    run = AnalysisRun(
        producer="bench",
        steps=namespace["STEPS"],
        requires=namespace["REQUIRES"],
        text_only=namespace["TEXT_ONLY"],
        provided=provided_names(dataset.provides),
        observable=namespace["OBSERVABLE"],
        candidates=namespace["CANDIDATES"],
    )
    fields = sorted({"event", *namespace["READS"]} & run.provided)
    # the list's declared observables (benchmark 6: the trijet pT and its largest b-tag)
    names = list(namespace.get("OBSERVED", {}).get("selection", [namespace["OBSERVABLE"]]))
    events: list[np.ndarray] = []
    values: dict[str, list[Any]] = {name: [] for name in names}
    for chunk in dataset.iterate(fields, step_size=step):
        v = EventState(chunk)
        namespace["select_objects"](v, run)
        namespace["select_events"](v, run)
        events.append(ak.to_numpy(v.events["event"]))
        for name in names:
            values[name].append(v[name])
    if run.reasons:
        raise RuntimeError(f"cuts not applicable to the synthetic NanoAOD: {run.reasons}")
    start = time.perf_counter()
    dataset.files  # noqa: B018 - the inputs' sha256 (hashed beside the analysis), as a run writes them
    if waits is not None:
        waits.append(time.perf_counter() - start)
    return Selected(np.concatenate(events), {k: _concat(p) for k, p in values.items()})


def run_hand(n: int, path: Path, step: int) -> Selected:
    """The hand-written baseline on raw branches read with uproot, chunk by chunk."""
    events: list[np.ndarray] = []
    values: dict[str, list[ak.Array]] = {}
    source = {str(path): "Events"}
    for raw in uproot.iterate(source, list(BRANCHES[n]), step_size=step, library="ak"):
        result = run_benchmark(n, raw)
        events.append(result.event)
        for name, value in result.values.items():
            values.setdefault(name, []).append(value)
    return Selected(np.concatenate(events), {k: _concat(p) for k, p in values.items()})


def flat_values(selected: Selected) -> dict[str, np.ndarray]:
    """Plain float64 columns (lists sorted within each event, plus their lengths) to compare."""
    out = {"event": np.asarray(selected.event, np.int64)}
    for name, value in selected.values.items():
        x = ak.Array(value)
        if x.ndim > 1:
            out[f"{name}:counts"] = ak.to_numpy(ak.num(x, axis=1)).astype(np.int64)
            x = ak.flatten(ak.sort(x, axis=1), axis=None)
        x = ak.fill_none(ak.values_astype(x, np.float64), np.nan)
        out[name] = ak.to_numpy(x)
    return out


def differences(compiled: dict[str, np.ndarray], hand: dict[str, np.ndarray]) -> list[str]:
    """What differs between the two results (empty when they agree within ``RTOL``)."""
    problems = []
    for key in sorted(hand):
        a, b = compiled.get(key), hand[key]
        if a is None:
            problems.append(f"{key}: missing from the compiled result")
        elif a.shape != b.shape:
            problems.append(f"{key}: {a.shape[0]} entries compiled, {b.shape[0]} hand-written")
        elif key == "event" or key.endswith(":counts"):
            if not np.array_equal(a, b):
                problems.append(f"{key}: {int(np.sum(a != b))} entries differ")
        elif not np.allclose(a, b, rtol=RTOL, atol=0.0, equal_nan=True):
            bad = ~np.isclose(a, b, rtol=RTOL, atol=0.0, equal_nan=True)
            problems.append(f"{key}: {int(bad.sum())} values differ beyond {RTOL:g} relative")
    return problems


def max_relative_difference(compiled: dict[str, np.ndarray], hand: dict[str, np.ndarray]) -> float:
    worst = 0.0
    for key, b in hand.items():
        a = compiled.get(key)
        if key == "event" or key.endswith(":counts") or a is None or a.shape != b.shape:
            continue
        finite = np.isfinite(a) & np.isfinite(b) & (b != 0)
        if finite.any():
            worst = max(worst, float(np.max(np.abs(a[finite] / b[finite] - 1.0))))
    return worst


def _rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    VmHWM is the peak of this process's own address space; ru_maxrss is not: Linux carries the
    parent's high-water mark across fork and exec, so every child would report at least the
    parent's RSS (seen: one identical 269 MB for most tasks). ru_maxrss only where /proc is absent.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    scale = 1 / 1024 / 1024 if sys.platform == "darwin" else 1 / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def skip_hashing() -> None:
    """Diagnostic only: open_dataset computes no sha256 of the inputs (a run always does)."""
    from pipeline.data import reader

    reader._digest = lambda path: ""  # type: ignore[assignment]


def _without_hashing(task: Callable[[], Selected]) -> None:
    from pipeline.data import reader

    digest = reader._digest
    reader._digest = lambda path: ""  # type: ignore[assignment]
    try:
        task()
    finally:
        reader._digest = digest  # type: ignore[assignment]


def measure(kind: str, n: int, path: Path, step: int, repeat: int, values: Path) -> dict[str, Any]:
    """One child's task: time the runs, record peak RSS, save the first run's values.

    Both sides first run once untimed (first-call costs; the compiled side without hashing, so
    they are not the hash cache's either). Then the hand-written side runs ``repeat`` times; the
    compiled side once with the (empty) hash cache the parent gave this child, then ``repeat``
    times with it filled; each run starts without the in-process hash cache, as a run's own
    process does."""
    from pipeline.io import _sha256_by_key

    namespace = compiled_namespace(n) if kind == "compiled" else {}
    waits: list[float] = []
    task: Callable[[], Selected] = (
        (lambda: run_compiled(namespace, path, step, waits))
        if kind == "compiled"
        else (lambda: run_hand(n, path, step))
    )
    setup_rss = _rss_mb()
    # untimed, on both sides: a first run's one-off costs (imports on first call, caches of the
    # libraries) are neither side's throughput, and on the compiled side not the hash cache's
    if kind == "compiled":
        _without_hashing(task)
    else:
        task()
    cold, cold_wait = None, 0.0
    best, best_wait, first = float("inf"), 0.0, None
    for i in range(repeat + (kind == "compiled")):
        _sha256_by_key.cache_clear()
        start = time.perf_counter()
        result = task()
        took = time.perf_counter() - start
        first = first or result
        if kind == "compiled" and i == 0:
            cold, cold_wait = took, waits[-1]
        elif took < best:
            best, best_wait = took, (waits[-1] if waits else 0.0)
    peak_rss = _rss_mb()
    assert first is not None
    np.savez(values, **flat_values(first))  # type: ignore[arg-type]  # numpy's stub: allow_pickle
    return {
        "seconds": best,
        "hash_wait_seconds": best_wait,
        "cold_seconds": cold,
        "cold_hash_wait_seconds": cold_wait,
        "selected": len(first.event),
        "peak_rss_mb": peak_rss,
        "rss_growth_mb": peak_rss - setup_rss,
    }


def _child(
    kind: str, n: int, path: Path, args: argparse.Namespace
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    values = Path(args.work) / f"values-{kind}-{n}.npz"
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--measure",
        kind,
        "--benchmark",
        str(n),
        "--data",
        str(path),
        "--step",
        str(args.step),
        "--repeat",
        str(args.repeat),
        "--values",
        str(values),
    ] + (["--skip-hash"] if args.skip_hash else [])
    # a hash cache of this child's own, empty: the user's cache would make the first run warm
    hashes = Path(tempfile.mkdtemp(prefix=f"hashes-{kind}-{n}-", dir=args.work))
    env = {**os.environ, "REPRO_HASH_CACHE": str(hashes)}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    finally:
        shutil.rmtree(hashes, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark {n} ({kind}) failed:\n{proc.stderr[-3000:]}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    with np.load(values) as data:
        arrays = {k: data[k] for k in data.files}
    values.unlink()
    return report, arrays


def bench_one(n: int, path: Path, events: int, args: argparse.Namespace) -> dict[str, Any]:
    """Both implementations of benchmark ``n``, each in its own child process, and their diff."""
    compiled, c_values = _child("compiled", n, path, args)
    hand, h_values = _child("hand", n, path, args)
    problems = differences(c_values, h_values)
    return {
        "benchmark": n,
        "selected": hand["selected"],
        "compiled_s": round(compiled["seconds"], 3),
        "compiled_hash_wait_s": round(compiled["hash_wait_seconds"], 3),
        "compiled_cold_s": round(compiled["cold_seconds"], 3),
        "compiled_cold_hash_wait_s": round(compiled["cold_hash_wait_seconds"], 3),
        "hand_s": round(hand["seconds"], 3),
        "compiled_events_per_s": round(events / compiled["seconds"]),
        "hand_events_per_s": round(events / hand["seconds"]),
        "ratio": round(hand["seconds"] / compiled["seconds"], 3),
        "cold_ratio": round(hand["seconds"] / compiled["cold_seconds"], 3),
        "compiled_peak_rss_mb": round(compiled["peak_rss_mb"], 1),
        "hand_peak_rss_mb": round(hand["peak_rss_mb"], 1),
        "compiled_rss_growth_mb": round(compiled["rss_growth_mb"], 1),
        "hand_rss_growth_mb": round(hand["rss_growth_mb"], 1),
        "match": not problems,
        "max_rel_diff": max_relative_difference(c_values, h_values),
        "problems": problems,
    }


def sample(work: Path, events: int, seed: int) -> Path:
    """The cached synthetic file for (seed, N), generated when absent."""
    path = work / file_name(events, seed)
    if not path.exists():
        start = time.perf_counter()
        generate_nanoaod(work, n_events=events, seed=seed)
        took = time.perf_counter() - start
        print(f"generated {path} ({events} events) in {took:.1f} s", file=sys.stderr)
    # a file changed less than RACY_NS ago is never stored in the hash cache: wait that out,
    # or the "warm" runs would hash it again
    st = path.stat()
    time.sleep(max(0, max(st.st_mtime_ns, st.st_ctime_ns) + RACY_NS - time.time_ns()) / 1e9)
    return path


def _print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'bench':>5} {'selected':>9} {'compiled ev/s':>14} {'hand ev/s':>12} {'ratio':>6} "
        f"{'cold ratio':>10} {'peak RSS MB c/h':>16} {'growth MB c/h':>15} "
        f"{'hash wait s':>11} {'cold wait s':>11}  match"
    )
    for r in rows:
        print(
            f"{r['benchmark']:>5} {r['selected']:>9} {r['compiled_events_per_s']:>14,} "
            f"{r['hand_events_per_s']:>12,} {r['ratio']:>6.2f} {r['cold_ratio']:>10.2f} "
            f"{r['compiled_peak_rss_mb']:>7.0f}/{r['hand_peak_rss_mb']:<8.0f} "
            f"{r['compiled_rss_growth_mb']:>6.0f}/{r['hand_rss_growth_mb']:<8.0f} "
            f"{r['compiled_hash_wait_s']:>11.3f} {r['compiled_cold_hash_wait_s']:>11.3f}  "
            f"{'yes' if r['match'] else 'NO: ' + '; '.join(r['problems'])}"
        )


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "bench_adl", help="cache dir"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="best of N runs per measurement (the compiled side: after one cold-cache run)",
    )
    parser.add_argument("--step", type=int, default=DEFAULT_STEP, help="events per chunk")
    parser.add_argument("--only", default="1,2,3,4,5,6,7,8", help="benchmarks to run")
    parser.add_argument("--json", type=Path, default=None, help="write the table as JSON here")
    parser.add_argument(
        "--skip-hash",
        action="store_true",
        help="diagnostic: the compiled side computes no sha256 of the inputs (a run always does)",
    )
    # the child's side: one measurement
    parser.add_argument("--measure", choices=("compiled", "hand"), help=argparse.SUPPRESS)
    parser.add_argument("--benchmark", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--values", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.skip_hash:
        skip_hashing()
    if args.measure:
        report = measure(
            args.measure, args.benchmark, args.data, args.step, args.repeat, args.values
        )
        print(json.dumps(report))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    path = sample(args.work, args.events, args.seed)
    rows = []
    for n in (int(x) for x in args.only.split(",")):
        rows.append(bench_one(n, path, args.events, args))
        print(f"benchmark {n} done", file=sys.stderr)
    _print_table(rows)
    ok = all(r["match"] for r in rows)
    print(
        f"{args.events:,} synthetic events, chunks of {args.step:,}; ratio = compiled/hand-written "
        f"throughput (target >= 1.0) with the inputs' hashes cached (any run after the first on "
        f"an unchanged file), cold ratio = the compiled side's first run with an empty hash cache; "
        f"{'all match' if ok else 'MISMATCH'}"
        + (
            "; DIAGNOSTIC: the compiled side computed no sha256 (--skip-hash)"
            if args.skip_hash
            else ""
        )
    )
    if args.json:
        table = {
            "date": datetime.date.today().isoformat(),
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
            },
            "events": args.events,
            "seed": args.seed,
            "step": args.step,
            "repeat": args.repeat,
            "skip_hash": args.skip_hash,
            "hash_cache": "compiled_s/ratio: best of --repeat runs with the inputs' sha256 in "
            "the disk hash cache; compiled_cold_s/cold_ratio: one first run with an empty cache",
            "memory": "peak RSS (VmHWM) of a fresh child process per measurement (peak, and "
            "growth over the peak after imports and setup)",
            "rows": rows,
        }
        args.json.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

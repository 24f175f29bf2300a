#!/usr/bin/env python3
"""Compiled analysis vs the hand-written baseline on synthetic events: throughput and peak memory.

Both run as fresh subprocesses on the same files (one run each, no sandbox, so the
numbers compare the analysis code itself); peak memory is the child's max RSS.

    python scripts/bench_codegen.py [--events 1000000] [--release 2025] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAPER_LIST = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"
BASELINE = """
import sys
from pathlib import Path
from baselines import run_baseline
from pipeline.data import open_dataset
run_baseline("hzz4l_paper", open_dataset([Path(sys.argv[1])]), Path(sys.argv[2]))
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"benchmark command failed: {' '.join(cmd)}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--release", default="2025")
    parser.add_argument("--keep", type=Path, default=None, help="keep the samples and outputs here")
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of each, alternating; the fastest counts"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from pipeline.data.synthetic import generate
    from pipeline.run.stage2 import generate_code

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-codegen-"))
    data = work / "data"
    if not data.is_dir():
        t = time.monotonic()
        generate(data, release=args.release, n_events=args.events, seed=7)
        print(
            f"generated {args.events} synthetic events in {time.monotonic() - t:.1f} s",
            file=sys.stderr,
        )
    script = generate_code(PAPER_LIST, work / "analysis.py")
    runs: dict[str, list[tuple[float, float]]] = {"compiled": [], "baseline": []}
    for _ in range(args.repeat):  # alternating, so load from other processes hits both alike
        runs["compiled"].append(
            timed(
                [sys.executable, str(script), "--data", str(data), "--out", str(work / "compiled")]
            )
        )
        runs["baseline"].append(
            timed([sys.executable, "-c", BASELINE, str(data), str(work / "baseline")])
        )
    compiled, baseline = min(runs["compiled"]), min(runs["baseline"])
    from pipeline.compare import compare_outputs

    verdict = compare_outputs(work / "compiled", work / "baseline").verdict
    report = {
        "events": args.events,
        "release": args.release,
        "compiled_s": round(compiled[0], 2),
        "baseline_s": round(baseline[0], 2),
        "compiled_events_per_s": round(args.events / compiled[0]),
        "baseline_events_per_s": round(args.events / baseline[0]),
        "throughput_ratio": round(baseline[0] / compiled[0], 3),
        "compiled_peak_mib": round(compiled[1]),
        "baseline_peak_mib": round(baseline[1]),
        "verdict": verdict,
        "target_ratio": 0.9,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

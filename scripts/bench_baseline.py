"""Benchmark: the paper baseline against reading alone, on synthetic events.

    python scripts/bench_baseline.py --events 1000000 [--release 2025] [--workdir DIR]

Phases, each in a fresh subprocess so each peak RSS is its own:
  floor     uproot.iterate of exactly the branches the baseline needs, to awkward (the floor)
  reader    the same through pipeline.data (canonical records, pT sorting, weights)
  baseline  run_baseline("hzz4l_paper") end to end (reading + selection + outputs)
Selection cost = baseline - reader; the target is selection < floor (reading). Wall and CPU
times are both reported (CPU time is steadier on a shared machine); each phase is run
``--repeat`` times, interleaved, and its fastest run counts.
Prints one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STEP = "100 MB"


def _phase(name: str, data: Path, out: Path) -> dict[str, float]:
    import uproot

    from baselines import get_plan, run_baseline
    from pipeline.data import open_dataset

    ds = open_dataset([data])
    plan = get_plan("hzz4l_paper", ds)
    fields = list(dict.fromkeys([*plan.fields, "run", "event", "weight"]))
    start = time.perf_counter()
    cpu = time.process_time()
    n = 0
    if name == "floor":
        _, _, branches = ds._plan(fields)
        for info in ds.infos:
            for chunk in uproot.iterate(
                {info.path: ds.schema.tree}, sorted(branches), step_size=STEP, library="ak"
            ):
                n += len(chunk)
    elif name == "reader":
        for chunk in ds.iterate(fields, step_size=STEP):
            n += len(chunk)
    else:
        n = run_baseline("hzz4l_paper", ds, out, step_size=STEP).n_input
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {
        "events": n,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "events_per_s": n / seconds,
        "peak_rss_mb": peak_mb,
    }


def _sub(name: str, data: Path, out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--data", str(data), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{done.stderr}")
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--release", default="2025", choices=["2025", "2020"])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="Runs per phase; the fastest counts "
        "(the machine is shared, the minimum is the least disturbed run).",
    )
    parser.add_argument("--phase", choices=["floor", "reader", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(_phase(args.phase, args.data, args.out)))
        return
    from pipeline.data.synthetic import generate

    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench_baseline_"))
    data = work / f"synthetic_{args.release}_{args.events}"
    start = time.perf_counter()
    if not data.is_dir() or not list(data.glob("synthetic_*.root")):
        generate(data, release=args.release, n_events=args.events, seed=1)
    gen_s = time.perf_counter() - start
    _sub("floor", data, work / "warm")  # warm the page cache so no phase pays for the disk
    phases: dict[str, dict[str, float]] = {}
    for _ in range(args.repeat):  # interleaved, so a busy spell hits every phase alike
        for p in ("floor", "reader", "baseline"):
            run = _sub(p, data, work / "out")
            if p not in phases or run["seconds"] < phases[p]["seconds"]:
                phases[p] = run
    selection_s = phases["baseline"]["seconds"] - phases["reader"]["seconds"]
    selection_cpu = phases["baseline"]["cpu_seconds"] - phases["reader"]["cpu_seconds"]
    report = {
        "events": args.events,
        "release": args.release,
        "repeat": args.repeat,
        "synthetic_generation_s": round(gen_s, 2),
        "phases": {k: {m: round(v, 3) for m, v in d.items()} for k, d in phases.items()},
        "selection_s": round(selection_s, 3),
        "selection_over_reading": round(selection_s / phases["floor"]["seconds"], 3),
        "baseline_over_floor": round(phases["baseline"]["seconds"] / phases["floor"]["seconds"], 3),
        "selection_cpu_s": round(selection_cpu, 3),
        "selection_over_reading_cpu": round(selection_cpu / phases["floor"]["cpu_seconds"], 3),
        "target_met": selection_s < phases["floor"]["seconds"],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

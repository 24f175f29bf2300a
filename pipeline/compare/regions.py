"""Regions and declared observables of two output directories, compared.

Each region's own cutflow is compared step by step (aligned by id, as the main cutflow);
each observable both sides declare (``region/observable``) is compared event by event and
value by value (``observables.csv``) and bin by bin (its histogram in ``histograms.json``).
What only one side has is listed and not counted against the other: a hand-written baseline
need not write every quantity a list declares.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from pipeline.compare.cutflows import compare_steps
from pipeline.compare.models import ObservableComparison, RegionComparison, RegionsAndObservables
from pipeline.contract import Cutflow, ObservableValue, read_observables, read_regions

VALUE_RTOL = 1e-6  # observables.csv keeps 9 significant digits
VALUE_ATOL = 1e-9
Key = tuple[int, int, int]  # (dsid, run, event)


def compare_regions(generated: Path, baseline: Path) -> list[RegionComparison]:
    gen, base = read_regions(generated), read_regions(baseline)
    names = [r.name for r in gen.regions] if gen else []
    names += [r.name for r in base.regions if r.name not in names] if base else []
    out = []
    for name in names:
        g = gen.region(name) if gen else None
        b = base.region(name) if base else None
        if g is None or b is None:
            out.append(RegionComparison(name=name, only="generated" if g else "baseline"))
            continue
        steps, first = compare_steps(
            Cutflow(producer=gen.producer if gen else "", steps=g.steps),
            Cutflow(producer=base.producer if base else "", steps=b.steps),
        )
        out.append(
            RegionComparison(
                name=name,
                steps=steps,
                first_divergence=first,
                generated_selected=g.selected.raw,
                baseline_selected=b.selected.raw,
            )
        )
    return out


def _by_event(values: list[ObservableValue]) -> dict[str, dict[Key, list[float]]]:
    out: dict[str, dict[Key, list[float]]] = defaultdict(lambda: defaultdict(list))
    for v in sorted(values, key=lambda v: (v.dsid, v.run, v.event, v.item)):
        out[f"{v.region}/{v.observable}"][(v.dsid, v.run, v.event)].append(v.value)
    return out


def _same(a: list[float], b: list[float]) -> bool:
    if len(a) != len(b):
        return False
    x, y = np.asarray(a, float), np.asarray(b, float)
    return bool(np.allclose(x, y, rtol=VALUE_RTOL, atol=VALUE_ATOL, equal_nan=True))


Hists = dict[str, dict[str, list[float]]]


def _histograms(out: Path) -> Hists:
    path = out / "histograms.json"
    hists: Hists = json.loads(path.read_text()) if path.is_file() else {}
    return hists


def _written(out: Path, hists: Hists) -> dict[str, dict[Key, list[float]]]:
    """Each ``region/observable`` an output directory holds, with its values by event; one
    without values (no event selected) is still there through its histogram."""
    values = _by_event(read_observables(out / "observables.csv"))
    names = [k for k in hists if "/" in k and ":" not in k]
    return {name: values.get(name, {}) for name in names} | dict(values)


def compare_observables(generated: Path, baseline: Path) -> list[ObservableComparison]:
    gen_hists, base_hists = _histograms(generated), _histograms(baseline)
    gen, base = _written(generated, gen_hists), _written(baseline, base_hists)
    out = []
    for key in [*gen, *(k for k in base if k not in gen)]:
        if key not in gen or key not in base:
            out.append(
                ObservableComparison(name=key, only="generated" if key in gen else "baseline")
            )
            continue
        g, b = gen[key], base[key]
        matched = [k for k in g if k in b]
        differ = [k for k in matched if not _same(g[k], b[k])]
        hg, hb = gen_hists.get(key), base_hists.get(key)
        bins = None
        if hg is not None and hb is not None and hg["edges"] == hb["edges"]:
            bins = sum(
                not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
                for x, y in zip(hg["counts"], hb["counts"], strict=True)
            )
        out.append(
            ObservableComparison(
                name=key,
                matched=len(matched),
                only_generated=len(g) - len(matched),
                only_baseline=len(b) - len(matched),
                values_differ=len(differ),
                first_differences=[f"{k[1]}:{k[2]}" for k in differ[:10]],
                bins_differ=bins,
                histograms_comparable=bins is not None,
            )
        )
    return out


def regions_and_observables(generated: Path, baseline: Path) -> RegionsAndObservables:
    return RegionsAndObservables(
        regions=compare_regions(generated, baseline),
        observables=compare_observables(generated, baseline),
    )

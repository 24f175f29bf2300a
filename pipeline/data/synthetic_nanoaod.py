"""Synthetic CMS-NanoAOD-like events, for throughput benchmarks at any size.

The real NanoAOD file on hand has 200 events: too few to time anything. These files use the
branch names and types of that file (``nJet``/``Jet_pt`` ... float32 kinematics, int32 charges,
bool ids, ``MET_*``), so :func:`pipeline.data.open_dataset` reads them as the ``nanoaod`` schema.

They are labelled synthetic like the ATLAS samples of :mod:`pipeline.data.synthetic`: the file
name starts with ``synthetic_``, the file holds a ``synthetic`` TObjString with the generator
settings, and the reader sets ``InputFile.synthetic``. Generation is chunked (a fixed chunk size,
one seed stream per chunk), so 10 million events never sit in memory at once and the same seed
gives the same bytes on any machine and in any directory (fixed ROOT UUID and timestamps).

Physics is only plausible, not simulated: falling pT spectra, uniform phi, a few soft leptons,
Z -> mumu and Z -> ee decays in a fraction of events (so the Z-window and SFOS benchmarks select
something) and b-tag scores in [0, 1].
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import awkward as ak
import numpy as np

from pipeline.data.synthetic import publish_together, write_sample
from pipeline.errors import UsageError

CHUNK = 100_000
MUON_MASS = 0.10566
ELECTRON_MASS = 0.000511
Z_MASS, Z_WIDTH = 91.19, 2.50
Z_MUMU_FRACTION = 0.10
Z_EE_FRACTION = 0.06


def file_name(n_events: int, seed: int) -> str:
    """The name says synthetic and pins the settings: a cache keyed by it cannot go stale."""
    return f"synthetic_nanoaod_seed{seed}_{n_events}.root"


def _falling_pt(rng: np.random.Generator, n: int, threshold: float, index: float) -> np.ndarray:
    """A power-law spectrum above ``threshold`` (pT^-index), as jets and leptons roughly fall."""
    return threshold * rng.uniform(0.0, 1.0, n) ** (-1.0 / (index - 1.0))


def _jagged(flat: dict[str, np.ndarray], counts: np.ndarray) -> ak.Array:
    """One collection as a jagged record array, pT-sorted within each event as NanoAOD is."""
    rec = ak.unflatten(ak.zip(flat), counts)
    return rec[ak.argsort(rec.pt, axis=1, ascending=False, stable=True)]


def _jets(rng: np.random.Generator, n: int) -> ak.Array:
    counts = np.minimum(rng.poisson(4.5, n), 20)
    m = int(counts.sum())
    pt = _falling_pt(rng, m, 15.0, 3.5)
    is_b = rng.uniform(0.0, 1.0, m) < 0.15
    deep = np.where(is_b, rng.beta(5.0, 1.0, m), rng.beta(0.4, 4.0, m))
    csv = np.where(is_b, rng.beta(6.0, 1.2, m), rng.beta(0.8, 3.0, m))
    flat = {
        "pt": pt.astype(np.float32),
        "eta": np.clip(rng.normal(0.0, 1.8, m), -4.7, 4.7).astype(np.float32),
        "phi": rng.uniform(-np.pi, np.pi, m).astype(np.float32),
        "mass": (pt * rng.uniform(0.04, 0.22, m)).astype(np.float32),
        "btagDeepFlavB": deep.astype(np.float32),
        "btagCSVV2": csv.astype(np.float32),
    }
    return _jagged(flat, counts)


def _decay_pairs(
    rng: np.random.Generator, n: int, mass: float
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Two daughters of ``n`` Z bosons (Breit-Wigner mass, isotropic decay, boosted to the lab)."""
    m_z = np.clip(Z_MASS + Z_WIDTH / 2 * rng.standard_cauchy(n), 50.0, 150.0)
    pt_z = rng.exponential(15.0, n)
    y_z = rng.normal(0.0, 1.2, n)
    phi_z = rng.uniform(-np.pi, np.pi, n)
    mt_z = np.hypot(m_z, pt_z)
    z = (pt_z * np.cos(phi_z), pt_z * np.sin(phi_z), mt_z * np.sinh(y_z), mt_z * np.cosh(y_z))
    p_star = np.sqrt(np.maximum((m_z / 2) ** 2 - mass**2, 0.0))
    cos_t = rng.uniform(-1.0, 1.0, n)
    sin_t = np.sqrt(1.0 - cos_t**2)
    phi = rng.uniform(-np.pi, np.pi, n)
    rest = (p_star * sin_t * np.cos(phi), p_star * sin_t * np.sin(phi), p_star * cos_t)
    e_star = np.hypot(p_star, mass)
    beta = [c / z[3] for c in z[:3]]
    b2 = beta[0] ** 2 + beta[1] ** 2 + beta[2] ** 2
    gamma = 1.0 / np.sqrt(1.0 - b2)
    out = []
    for sign in (1.0, -1.0):
        p = [sign * c for c in rest]
        bp = beta[0] * p[0] + beta[1] * p[1] + beta[2] * p[2]
        coef = (gamma - 1.0) * bp / np.where(b2 > 0, b2, 1.0) + gamma * e_star
        lab = [p[i] + coef * beta[i] for i in range(3)]
        pt = np.hypot(lab[0], lab[1])
        out.append(
            {
                "pt": pt,
                "eta": np.arcsinh(lab[2] / np.maximum(pt, 1e-9)),
                "phi": np.arctan2(lab[1], lab[0]),
            }
        )
    return out[0], out[1]


def _leptons(
    rng: np.random.Generator, n: int, mass: float, mean_soft: float, z_fraction: float
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Soft leptons (Poisson) plus a Z pair in a fraction of events: flat columns and counts."""
    soft = rng.poisson(mean_soft, n)
    has_z = rng.uniform(0.0, 1.0, n) < z_fraction
    n_soft, n_z = int(soft.sum()), int(has_z.sum())
    a, b = _decay_pairs(rng, n_z, mass)
    q = rng.choice(np.array([-1, 1], np.int32), n_z)
    soft_cols = {
        "pt": _falling_pt(rng, n_soft, 5.0, 3.0),
        "eta": rng.uniform(-2.4, 2.4, n_soft),
        "phi": rng.uniform(-np.pi, np.pi, n_soft),
    }
    soft_q = rng.choice(np.array([-1, 1], np.int32), n_soft)
    # per event: its soft leptons, then its Z pair (if any)
    owner = np.concatenate(
        [np.repeat(np.arange(n), soft), np.flatnonzero(has_z), np.flatnonzero(has_z)]
    )
    order = np.argsort(owner, kind="stable")
    cols = {k: np.concatenate([soft_cols[k], a[k], b[k]])[order] for k in ("pt", "eta", "phi")}
    cols["charge"] = np.concatenate([soft_q, q, -q])[order]
    return cols, soft + 2 * has_z


def _lepton_collection(
    rng: np.random.Generator, n: int, mass: float, mean_soft: float, z_fraction: float, muon: bool
) -> ak.Array:
    cols, counts = _leptons(rng, n, mass, mean_soft, z_fraction)
    m = len(cols["pt"])
    flat: dict[str, np.ndarray] = {
        "pt": cols["pt"].astype(np.float32),
        "eta": cols["eta"].astype(np.float32),
        "phi": cols["phi"].astype(np.float32),
        "mass": np.full(m, mass, np.float32),
        "charge": cols["charge"].astype(np.int32),
        "dxy": rng.normal(0.0, 0.002, m).astype(np.float32),
        "dz": rng.normal(0.0, 0.005, m).astype(np.float32),
    }
    if muon:
        loose = rng.uniform(0.0, 1.0, m) < 0.97
        medium = loose & (rng.uniform(0.0, 1.0, m) < 0.93)
        flat |= {
            "looseId": loose,
            "mediumId": medium,
            "tightId": medium & (rng.uniform(0.0, 1.0, m) < 0.95),
            "miniPFRelIso_all": rng.exponential(0.08, m).astype(np.float32),
            "softId": rng.uniform(0.0, 1.0, m) < 0.9,
        }
    else:
        flat["miniPFRelIso_all"] = rng.exponential(0.08, m).astype(np.float32)
    return _jagged(flat, counts)


def _photons(rng: np.random.Generator, n: int) -> ak.Array:
    counts = rng.poisson(0.4, n)
    m = int(counts.sum())
    flat = {
        "pt": _falling_pt(rng, m, 5.0, 3.0).astype(np.float32),
        "eta": rng.uniform(-2.5, 2.5, m).astype(np.float32),
        "phi": rng.uniform(-np.pi, np.pi, m).astype(np.float32),
        "mass": np.zeros(m, np.float32),
    }
    return _jagged(flat, counts)


def _chunk(rng: np.random.Generator, first: int, n: int) -> dict[str, Any]:
    """One chunk of branches: NanoAOD names follow from uproot's n<Coll> / <Coll>_<field>."""
    jets = _jets(rng, n)
    ht = ak.to_numpy(ak.sum(jets.pt, axis=1)).astype(np.float64)
    mex, mey = rng.normal(0.0, 18.0, n), rng.normal(0.0, 18.0, n)
    met = np.hypot(mex, mey) + rng.exponential(8.0, n)
    sum_et = ht + rng.exponential(120.0, n)
    events = np.arange(first + 1, first + n + 1, dtype=np.uint64)
    return {
        "run": np.ones(n, np.uint32),
        "luminosityBlock": (events // 1000 + 1).astype(np.uint32),
        "event": events,
        "MET_pt": met.astype(np.float32),
        "MET_phi": rng.uniform(-np.pi, np.pi, n).astype(np.float32),
        "MET_significance": (met**2 / sum_et).astype(np.float32),
        "MET_sumEt": sum_et.astype(np.float32),
        "Jet": jets,
        "Muon": _lepton_collection(rng, n, MUON_MASS, 0.5, Z_MUMU_FRACTION, muon=True),
        "Electron": _lepton_collection(rng, n, ELECTRON_MASS, 0.4, Z_EE_FRACTION, muon=False),
        "Photon": _photons(rng, n),
    }


def _write(path: Path, n_events: int, seed: int) -> None:
    marker = {
        "synthetic": True,
        "generator": "pipeline.data.synthetic_nanoaod",
        "schema": "nanoaod",
        "events": n_events,
        "seed": seed,
        "chunk": CHUNK,
        "note": "SYNTHETIC sample: not CMS simulation, not collision data",
    }
    n_chunks = max(1, -(-n_events // CHUNK))
    streams = np.random.SeedSequence(seed).spawn(n_chunks)
    chunks = (
        _chunk(np.random.default_rng(stream), i * CHUNK, min(CHUNK, n_events - i * CHUNK))
        for i, stream in enumerate(streams)
    )
    write_sample(path, "Events", marker, chunks, n_chunks)


def generate_nanoaod(out_dir: str | Path, *, n_events: int = 100_000, seed: int = 1) -> Path:
    """Write ``synthetic_nanoaod_seed<seed>_<n>.root`` in ``out_dir`` and return its path.

    The file appears whole or not at all (written under its final name in a staging folder, since
    ROOT stores the name, then moved), so a cache of these files never holds a half-written one.
    """
    if n_events < 1:
        raise UsageError(f"n_events must be at least 1, not {n_events}")
    name = file_name(n_events, seed)
    return publish_together(Path(out_dir), [name], lambda path, _: _write(path, n_events, seed))[0]

"""Toy detector for the synthetic samples: smearing, isolation, impact parameters, flags.

Works on the truth blocks of :mod:`pipeline.data.synthetic_physics` and returns the
canonical content of one chunk (GeV, mm) as awkward arrays, independent of the file
schema it will be written in: the same seed gives the same physics in both releases.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from pipeline.data.synthetic_physics import MASS, Truth


def _kinematics(
    rng: np.random.Generator, p4: np.ndarray, flav: np.ndarray
) -> dict[str, np.ndarray]:
    pt_true = np.hypot(p4[:, 1], p4[:, 2])
    eta = np.arcsinh(p4[:, 3] / pt_true)
    phi = np.arctan2(p4[:, 2], p4[:, 1])
    res = np.where(
        flav == 11, 0.02 + 0.1 / np.sqrt(np.maximum(pt_true, 1.0)), 0.015 + 1e-4 * pt_true
    )
    pt = pt_true * np.maximum(1.0 + rng.normal(0, 1, len(pt_true)) * res, 0.3)
    mass = np.where(flav == 11, MASS[11], MASS[13])
    e = np.sqrt((pt * np.cosh(eta)) ** 2 + mass**2)
    return {"pt": pt, "eta": eta, "phi": phi, "e": e}


def _quality(
    rng: np.random.Generator,
    pt: np.ndarray,
    prompt: np.ndarray,
    flav: np.ndarray,
) -> dict[str, np.ndarray]:
    n = len(pt)
    rel_track = np.where(
        prompt, rng.exponential(0.012, n) * (rng.uniform(size=n) < 0.35), rng.exponential(0.35, n)
    )
    rel_calo = np.where(prompt, rng.normal(0.0, 0.035, n), 0.04 + rng.exponential(0.3, n))
    displaced = ~prompt & (rng.uniform(size=n) < 0.6)
    d0sig = rng.normal(0, 1, n) * np.where(displaced, 1.0 + rng.exponential(6.0, n), 1.0)
    sigma_d0 = 0.01 + 0.03 * rng.uniform(size=n) * np.where(flav == 11, 1.5, 1.0)
    d0 = d0sig * sigma_d0
    z0 = rng.normal(0, np.where(prompt, 0.08, 0.5), n)
    u = rng.uniform(size=n)
    loose = u < np.where(prompt, 0.99, 0.70)
    medium = u < np.where(prompt, 0.96, 0.45)
    tight = u < np.where(prompt, 0.90, 0.25)
    return {
        "ptcone30": rel_track * pt,
        "etcone20": rel_calo * pt,
        "d0": d0,
        "d0sig": d0sig,
        "z0": z0,
        "id_loose": loose,
        "id_medium": medium,
        "id_tight": tight,
        "iso_loose": (rel_track < 0.15) & (rel_calo < 0.20),
        "iso_tight": (rel_track < 0.06) & (rel_calo < 0.06),
        "trig_matched": (pt > np.where(flav == 11, 25.0, 21.0))
        & medium
        & (rng.uniform(size=n) < 0.95),
    }


def _objects(
    rng: np.random.Generator,
    counts: np.ndarray,
    pt0: float,
    pt_mean: float,
    eta_max: float,
    mass: float,
) -> dict[str, np.ndarray]:
    n = int(counts.sum())
    pt = pt0 + rng.exponential(pt_mean, n)
    eta = rng.uniform(-eta_max, eta_max, n)
    phi = rng.uniform(-np.pi, np.pi, n)
    e = np.sqrt((pt * np.cosh(eta)) ** 2 + mass**2)
    return {"pt": pt, "eta": eta, "phi": phi, "e": e}


def _jagged(flat: dict[str, np.ndarray], counts: np.ndarray) -> dict[str, ak.Array]:
    return {k: ak.unflatten(v, counts) for k, v in flat.items()}


def _triggers(lep: dict[str, ak.Array]) -> dict[str, np.ndarray]:
    is_e = lep["flavour"] == 11
    good = lep["id_medium"]
    n_e17 = ak.sum(is_e & good & (lep["pt"] > 17), axis=1)
    n_m14 = ak.sum(~is_e & good & (lep["pt"] > 14), axis=1)
    return {
        "trig_e": ak.to_numpy(ak.any(lep["trig_matched"] & is_e, axis=1)),
        "trig_m": ak.to_numpy(ak.any(lep["trig_matched"] & ~is_e, axis=1)),
        "trig_ee": ak.to_numpy(n_e17 >= 2),
        "trig_mm": ak.to_numpy(n_m14 >= 2),
        "trig_em": ak.to_numpy((n_e17 >= 1) & (n_m14 >= 1)),
    }


def reconstruct(rng: np.random.Generator, truth: Truth, neg_fraction: float) -> dict[str, object]:
    """Canonical chunk content: event fields (numpy) and collections (jagged, unordered)."""
    n = len(truth.met)
    counts = truth.valid.sum(axis=1)
    sel = truth.valid.ravel()
    flav = truth.flavour.ravel()[sel]
    prompt = truth.prompt.ravel()[sel]
    kin = _kinematics(rng, truth.p4.reshape(-1, 4)[sel], flav)
    lep = {
        **kin,
        "charge": truth.charge.ravel()[sel],
        "flavour": flav,
        **_quality(rng, kin["pt"], prompt, flav),
    }
    order_key = rng.uniform(size=len(flav))  # the 2025 in-group order is not pT order
    leptons = _jagged({**lep, "order_key": order_key}, counts)
    n_jets = rng.poisson(truth.n_jets_mean, n)
    jets = _objects(rng, n_jets, 20.0, 30.0, 4.5, 8.0)
    jets["btag"] = rng.integers(1, 6, len(jets["pt"])).astype(np.int32)
    jets["jvt"] = rng.uniform(size=len(jets["pt"])) < 0.92
    n_ph = rng.poisson(0.15, n)
    photons = _objects(rng, n_ph, 10.0, 12.0, 2.37, 0.0)
    u = rng.uniform(size=len(photons["pt"]))
    photons.update(id_loose=u < 0.9, id_tight=u < 0.7, iso_loose=u < 0.8, iso_tight=u < 0.6)
    sign = np.where(rng.uniform(size=n) < neg_fraction, -1.0, 1.0)
    event = {
        "mc_weight": sign * np.abs(rng.normal(1.0, 0.08, n)),
        "met": truth.met,
        "met_phi": rng.uniform(-np.pi, np.pi, n),
        **{f"sf_{k}": rng.normal(1.0, 0.02, n) for k in ("pileup", "ele", "muon", "trigger")},
        **_triggers(leptons),
    }
    return {
        "event": event,
        "leptons": leptons,
        "jets": _jagged(jets, n_jets),
        "photons": _jagged(photons, n_ph),
    }

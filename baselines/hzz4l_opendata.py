"""The public 2025 ATLAS open-data H->ZZ*->4l notebook selection, by hand.

A simplified variant of the paper selection written for the open-data variables (see
``shared/facts/atlas-opendata.md``): trigger, trigger match, index-based lepton pT cuts,
identification + isolation flags, flavour sum and charge sum. The pT cuts use the
leptons in the FILE's order (the notebook indexes ``lep_pt[:, i]``; in the 2025 release
that order is electrons first, then muons, not pT order) - reproduced on purpose.
"""

from __future__ import annotations

from functools import partial

import awkward as ak
import numpy as np

from baselines.common import MZ, ChunkResult, HistSpec, Plan, Step, lepton_p4, to_numpy_bool

NAME = "hzz4l_opendata"
ID_ISO = ("leptons.id_loose", "leptons.id_medium", "leptons.iso_loose")


def plan(provides: set[str]) -> Plan:
    id_iso = all(f in provides for f in ID_ISO)
    match = "leptons.trig_matched" in provides
    missing = lambda fs: ", ".join(f for f in fs if f not in provides)  # noqa: E731
    steps = [
        Step("all", "all events read"),
        Step("four_leptons", "exactly four leptons (the notebook reads the exactly4lep skim)"),
        Step("trigger", "trigE or trigM"),
        Step("trigger_match", "at least one trigger-matched lepton", match,
             None if match else "dataset lacks leptons.trig_matched"),
        Step("lepton_pt", "pT > 20, 15, 10 GeV on leptons 0, 1, 2 in the file's order"),
        Step("lepton_id_iso", "electrons loose ID + loose iso, muons medium ID + loose iso", id_iso,
             None if id_iso else f"dataset lacks {missing(ID_ISO)}"),
        Step("flavour_sum", "sum of |pdg id| in {44, 48, 52} (4e, 2e2mu, 4mu)"),
        Step("charge_sum", "sum of charges = 0"),
    ]
    fields = ["leptons.pt", "leptons.eta", "leptons.phi", "leptons.e", "leptons.charge",
              "leptons.flavour", "leptons.index", "trig_e", "trig_m"]
    fields += (["leptons.trig_matched"] if match else []) + (list(ID_ISO) if id_iso else [])
    return Plan(steps=steps, fields=fields, process=partial(process, match=match, id_iso=id_iso),
                hist=HistSpec("m4l", "m4l [GeV] (four leptons)", 36, 80.0, 170.0))


def _z1_channel(lep: ak.Array) -> np.ndarray:
    """Channel from the SFOS pairing whose first pair is closest to mZ (first four leptons)."""
    p4 = lepton_p4(lep)
    col = {k: ak.to_numpy(ak.fill_none(ak.pad_none(p4[k], 4, clip=True), 0.0)) for k in
           ("e", "px", "py", "pz")}
    fl = ak.to_numpy(ak.fill_none(ak.pad_none(lep.flavour, 4, clip=True), 0))
    ch = ak.to_numpy(ak.fill_none(ak.pad_none(lep.charge, 4, clip=True), 0))

    def mass(a: int, b: int) -> np.ndarray:
        e, x, y, z = (col[k][:, a] + col[k][:, b] for k in ("e", "px", "py", "pz"))
        return np.sqrt(np.maximum(e * e - x * x - y * y - z * z, 0.0))

    best_d = np.full(len(fl), np.inf)
    best = np.array([""] * len(fl), dtype=object)
    for (a, b), (c, d) in (((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2)),
                           ((2, 3), (0, 1)), ((1, 3), (0, 2)), ((1, 2), (0, 3))):
        ok = (fl[:, a] == fl[:, b]) & (ch[:, a] * ch[:, b] < 0)
        ok &= (fl[:, c] == fl[:, d]) & (ch[:, c] * ch[:, d] < 0)
        dist = np.where(ok, np.abs(mass(a, b) - MZ), np.inf)
        better = dist < best_d
        name = np.select([(fl[:, a] == 11) & (fl[:, c] == 11), (fl[:, a] == 13) & (fl[:, c] == 13),
                          fl[:, a] == 11], ["4e", "4mu", "2e2mu"], "2mu2e")
        best = np.where(better, name, best)
        best_d = np.where(better, dist, best_d)
    return best


def process(events: ak.Array, *, match: bool, id_iso: bool) -> ChunkResult:
    n = len(events)
    lep = events.leptons[ak.argsort(events.leptons.index, axis=1)]  # back to the file's order
    masks = [np.ones(n, dtype=bool)]
    masks.append(ak.to_numpy(ak.num(lep)) == 4)
    masks.append(masks[-1] & to_numpy_bool(events.trig_e | events.trig_m))
    if match:
        masks.append(masks[-1] & to_numpy_bool(ak.any(lep.trig_matched, axis=1)))
    else:
        masks.append(masks[-1].copy())
    pt = ak.pad_none(lep.pt, 3, clip=True)
    pt_ok = (pt[:, 0] > 20) & (pt[:, 1] > 15) & (pt[:, 2] > 10)
    masks.append(masks[-1] & to_numpy_bool(pt_ok))
    if id_iso:
        is_mu = lep.flavour == 13
        ok = ak.where(is_mu, lep.id_medium & lep.iso_loose, lep.id_loose & lep.iso_loose)
        masks.append(masks[-1] & to_numpy_bool(ak.all(ok, axis=1)))
    else:
        masks.append(masks[-1].copy())
    fsum = ak.to_numpy(ak.sum(lep.flavour, axis=1))
    masks.append(masks[-1] & np.isin(fsum, [44, 48, 52]))
    masks.append(masks[-1] & (ak.to_numpy(ak.sum(lep.charge, axis=1)) == 0))
    p4 = lepton_p4(lep)
    m4l = np.sqrt(np.maximum(
        ak.to_numpy(ak.sum(p4["e"], axis=1)) ** 2 - ak.to_numpy(ak.sum(p4["px"], axis=1)) ** 2
        - ak.to_numpy(ak.sum(p4["py"], axis=1)) ** 2 - ak.to_numpy(ak.sum(p4["pz"], axis=1)) ** 2, 0))
    return ChunkResult(masks=masks, m4l=m4l, channel=_z1_channel(lep), hist_mask=masks[-1])

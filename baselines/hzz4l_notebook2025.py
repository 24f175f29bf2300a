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

from baselines.common import ChunkResult, HistSpec, Plan, Step, lepton_p4, to_numpy_bool, z1_channel

NAME = "hzz4l_notebook2025"
ALIAS = "hzz4l_opendata"  # the name before the 2020 selections were added; still accepted
ID_ISO = ("leptons.id_loose", "leptons.id_medium", "leptons.iso_loose")


def plan(provides: set[str]) -> Plan:
    id_iso = all(f in provides for f in ID_ISO)
    match = "leptons.trig_matched" in provides
    missing = lambda fs: ", ".join(f for f in fs if f not in provides)  # noqa: E731
    steps = [
        Step("all", "all events read"),
        Step("four_leptons", "exactly four leptons (the notebook reads the exactly4lep skim)"),
        Step("trigger", "trigE or trigM"),
        Step(
            "trigger_match",
            "at least one trigger-matched lepton",
            match,
            None if match else "dataset lacks leptons.trig_matched",
        ),
        Step("lepton_pt", "pT > 20, 15, 10 GeV on leptons 0, 1, 2 in the file's order"),
        Step(
            "lepton_id_iso",
            "electrons loose ID + loose iso, muons medium ID + loose iso",
            id_iso,
            None if id_iso else f"dataset lacks {missing(ID_ISO)}",
        ),
        Step("flavour_sum", "sum of |pdg id| in {44, 48, 52} (4e, 2e2mu, 4mu)"),
        Step("charge_sum", "sum of charges = 0"),
    ]
    fields = [
        "leptons.pt",
        "leptons.eta",
        "leptons.phi",
        "leptons.e",
        "leptons.charge",
        "leptons.flavour",
        "leptons.index",
        "trig_e",
        "trig_m",
    ]
    fields += (["leptons.trig_matched"] if match else []) + (list(ID_ISO) if id_iso else [])
    return Plan(
        steps=steps,
        fields=fields,
        process=partial(process, match=match, id_iso=id_iso),
        hist=HistSpec("m4l", "m4l [GeV] (four leptons)", 36, 80.0, 170.0),
    )


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
    m4l = np.sqrt(
        np.maximum(
            ak.to_numpy(ak.sum(p4["e"], axis=1)) ** 2
            - ak.to_numpy(ak.sum(p4["px"], axis=1)) ** 2
            - ak.to_numpy(ak.sum(p4["py"], axis=1)) ** 2
            - ak.to_numpy(ak.sum(p4["pz"], axis=1)) ** 2,
            0,
        )
    )
    return ChunkResult(masks=masks, m4l=m4l, channel=z1_channel(lep), hist_mask=masks[-1])

"""The 2020 ATLAS open-data C++ framework H->ZZ*->4l selection, by hand.

Written from ``shared/facts/atlas-opendata.md`` ("2020 C++ framework", stated there to be based
on JHEP 10 (2017) 132): trigger, good leptons (loose kinematics, isolation, impact parameter),
exactly four good leptons, pT cuts on them in the file's order, charge sum and flavour sum.
It does what the framework does, including its d0 cut |d0| / lep_tracksigd0pvunbiased, which
divides by a branch that already is the significance (so that cut passes nearly every lepton).
Every interpretation is listed in ``baselines/README.md``.
"""

from __future__ import annotations

from functools import partial

import awkward as ak
import numpy as np

from baselines.common import (
    ChunkResult,
    HistSpec,
    Plan,
    Step,
    first_four_mass,
    to_numpy_bool,
    z1_channel,
)

NAME = "hzz4l_opendata2020"
MZ_FRAMEWORK = 91.18  # the framework's Z mass (channel only: it has no m12/m34 window)
FIELDS = [
    "leptons.pt",
    "leptons.eta",
    "leptons.phi",
    "leptons.e",
    "leptons.charge",
    "leptons.flavour",
    "leptons.index",
    "leptons.z0",
    "leptons.d0",
    "leptons.d0sig",
    "leptons.ptcone30",
    "leptons.etcone20",
    "trig_e",
    "trig_m",
]
D0_WARNING = (
    "d0 cut as in the framework: |lep_trackd0pvunbiased| / lep_tracksigd0pvunbiased; "
    "that branch already is the significance, so the cut passes nearly every lepton"
)


def plan(provides: set[str]) -> Plan:
    steps = [
        Step("all", "all events read"),
        Step("trigger", "trigE or trigM"),
        Step(
            "good_leptons",
            "exactly four good leptons (pT>5, |eta|<2.5, ptcone30/pT<0.3, "
            "etcone20/pT<0.3, |z0 sin(theta)|<0.5 mm; e: pT>7, |eta|<2.47, "
            "|d0|/d0sig<5; mu: |d0|/d0sig<3)",
        ),
        Step("lepton_pt", "good leptons 0, 1, 2 in the file's order: pT > 25, 15, 10 GeV"),
        Step("charge_sum", "sum of the four good leptons' charges = 0"),
        Step("flavour_sum", "sum of lep_type in {44, 48, 52} (4e, 2e2mu, 4mu)"),
    ]
    has_d0 = "leptons.d0" in provides and "leptons.d0sig" in provides
    warnings = [
        D0_WARNING
        if has_d0
        else "the dataset lacks leptons.d0 / leptons.d0sig: the d0 cut keeps every lepton"
    ]
    fields = FIELDS if has_d0 else [f for f in FIELDS if not f.startswith("leptons.d0")]
    return Plan(
        steps=steps,
        fields=fields,
        process=partial(process, has_d0=has_d0),
        hist=HistSpec("m4l", "m4l [GeV] (the four good leptons)", 36, 80.0, 170.0),
        warnings=warnings,
    )


def good_leptons(lep: ak.Array, has_d0: bool = True) -> ak.Array:
    """The framework's per-lepton selection (``lep`` in any order; the mask keeps it)."""
    pt, eta = lep.pt, lep.eta
    z0_ok = abs(lep.z0 / np.cosh(eta)) < 0.5  # z0 sin(theta), sin(theta) = 1/cosh(eta)
    loose = (pt > 5) & (abs(eta) < 2.5) & (lep.ptcone30 / pt < 0.3) & (lep.etcone20 / pt < 0.3)
    is_e, is_mu = lep.flavour == 11, lep.flavour == 13
    if has_d0:
        with np.errstate(divide="ignore", invalid="ignore"):
            sig = abs(lep.d0) / lep.d0sig  # sic: the framework's formula (see the module doc)
        e_ip, mu_ip = sig < 5, sig < 3
    else:
        e_ip = mu_ip = True
    ele = is_e & (pt > 7) & (abs(eta) < 2.47) & e_ip
    return loose & z0_ok & (ele | (is_mu & mu_ip))


def process(events: ak.Array, *, has_d0: bool) -> ChunkResult:
    n = len(events)
    lep = events.leptons[ak.argsort(events.leptons.index, axis=1)]  # back to the file's order
    good = lep[good_leptons(lep, has_d0)]
    masks = [np.ones(n, dtype=bool)]
    masks.append(to_numpy_bool(events.trig_e | events.trig_m))
    masks.append(masks[-1] & (ak.to_numpy(ak.num(good)) == 4))
    pt = ak.pad_none(good.pt, 3, clip=True)
    masks.append(masks[-1] & to_numpy_bool((pt[:, 0] > 25) & (pt[:, 1] > 15) & (pt[:, 2] > 10)))
    masks.append(masks[-1] & (ak.to_numpy(ak.sum(good.charge, axis=1)) == 0))
    masks.append(masks[-1] & np.isin(ak.to_numpy(ak.sum(good.flavour, axis=1)), [44, 48, 52]))
    return ChunkResult(
        masks=masks,
        m4l=first_four_mass(good),
        channel=z1_channel(good, MZ_FRAMEWORK),
        hist_mask=masks[-1],
    )

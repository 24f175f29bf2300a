"""The 2020 ATLAS open-data uproot notebook H->ZZ*->4l selection, by hand.

Written from ``shared/facts/atlas-opendata.md`` ("2020 uproot notebook"): the charge sum and the
flavour sum of the first four leptons in the file's order, nothing else. The notebook's optional
extra, pT > 30, 20, 10 GeV on the first three leptons, is the variant ``hzz4l_notebook2020_pt``.
Every interpretation is listed in ``baselines/README.md``.
"""

from __future__ import annotations

from functools import partial

import awkward as ak
import numpy as np

from baselines.common import (
    MZ,
    ChunkResult,
    HistSpec,
    Plan,
    Step,
    first_four_mass,
    to_numpy_bool,
    z1_channel,
)

NAME = "hzz4l_notebook2020"
NAME_PT = "hzz4l_notebook2020_pt"
FIELDS = [
    "leptons.pt",
    "leptons.eta",
    "leptons.phi",
    "leptons.e",
    "leptons.charge",
    "leptons.flavour",
    "leptons.index",
]


def plan(provides: set[str], *, pt_cut: bool = False) -> Plan:
    steps = [
        Step("all", "all events read"),
        Step("four_leptons", "at least four leptons (the notebook indexes leptons 0-3)"),
        Step("charge_sum", "sum of the charges of leptons 0-3 (file order) = 0"),
        Step("flavour_sum", "sum of lep_type of leptons 0-3 (file order) in {44, 48, 52}"),
    ]
    if pt_cut:
        steps.append(
            Step(
                "lepton_pt",
                "the notebook's optional cut: pT > 30, 20, 10 GeV on "
                "leptons 0, 1, 2 in the file's order",
            )
        )
    return Plan(
        steps=steps,
        fields=FIELDS,
        process=partial(process, pt_cut=pt_cut),
        hist=HistSpec("m4l", "m4l [GeV] (the first four leptons)", 34, 80.0, 250.0),
        warnings=["the notebook applies no trigger, identification, isolation or pairing"],
    )


def plan_pt(provides: set[str]) -> Plan:
    return plan(provides, pt_cut=True)


def process(events: ak.Array, *, pt_cut: bool) -> ChunkResult:
    n = len(events)
    lep = events.leptons[ak.argsort(events.leptons.index, axis=1)]  # back to the file's order
    first4 = lep[:, :4]
    masks = [np.ones(n, dtype=bool)]
    masks.append(ak.to_numpy(ak.num(lep)) >= 4)
    masks.append(masks[-1] & (ak.to_numpy(ak.sum(first4.charge, axis=1)) == 0))
    masks.append(masks[-1] & np.isin(ak.to_numpy(ak.sum(first4.flavour, axis=1)), [44, 48, 52]))
    if pt_cut:
        pt = ak.pad_none(lep.pt, 3, clip=True)
        masks.append(masks[-1] & to_numpy_bool((pt[:, 0] > 30) & (pt[:, 1] > 20) & (pt[:, 2] > 10)))
    return ChunkResult(
        masks=masks,
        m4l=first_four_mass(first4),
        channel=z1_channel(first4, MZ),
        hist_mask=masks[-1],
    )

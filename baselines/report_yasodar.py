"""'Analysis and Interpretation of the Four-Lepton Invariant Mass Spectrum Using CERN Open
Data' (student project report, January 2026; shared/corpus/papers/report-h4l-opendata-yasodar.pdf).

The report applies no selection of its own: it reads the 2025 exactly-4-lepton skim
(3424 events, "four reconstructed leptons"), sums the four lepton four-momenta and
histograms m4l from 70 to 200 GeV. Written from its section 4.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from baselines.common import ChunkResult, HistSpec, Plan, Step, lepton_p4

NAME = "report_yasodar"


def plan(provides: set[str]) -> Plan:
    steps = [
        Step("all", "all events read"),
        Step("four_leptons", "four reconstructed leptons (the skim's content; 3424 events)"),
    ]
    return Plan(
        steps=steps,
        fields=["leptons.pt", "leptons.eta", "leptons.phi", "leptons.e", "leptons.flavour"],
        process=process,
        hist=HistSpec("m4l", "m4l [GeV] (sum of the four leptons)", 26, 70.0, 200.0),
    )


def process(events: ak.Array) -> ChunkResult:
    lep = events.leptons
    p4 = lepton_p4(lep)
    tot = {k: ak.to_numpy(ak.sum(p4[k], axis=1)) for k in ("e", "px", "py", "pz")}
    m4l = np.sqrt(np.maximum(tot["e"] ** 2 - tot["px"] ** 2 - tot["py"] ** 2 - tot["pz"] ** 2, 0.0))
    four = ak.to_numpy(ak.num(lep)) == 4
    n_e = ak.to_numpy(ak.sum(lep.flavour == 11, axis=1))
    channel = np.select([n_e == 4, n_e == 0, n_e == 2], ["4e", "4mu", "2e2mu"], "other").astype(
        object
    )
    return ChunkResult(
        masks=[np.ones(len(lep), dtype=bool), four], m4l=m4l, channel=channel, hist_mask=four
    )

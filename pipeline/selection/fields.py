"""Canonical event content: the names every reader produces and every analysis uses.

Readers (2025 and 2020 ATLAS Open Data, generic flat ntuples, synthetic samples)
map their branches onto these names, in GeV and mm. Baselines, compiled code and the
selection-list language refer only to these names. A field a dataset cannot provide
is simply absent from that reader's ``provides``; a cut using it is reported as
"not applicable to this dataset", never silently dropped.
"""

from __future__ import annotations

from typing import Literal

Dimension = Literal["energy", "length", "angle", "none", "count", "bool", "id"]

# per-event fields
EVENT_FIELDS: dict[str, tuple[Dimension, str]] = {
    "run": ("id", "run number"),
    "event": ("id", "event number"),
    "channel_number": ("id", "dataset id (DSID) for simulation, run-dependent for data"),
    "is_data": ("bool", "true for collision data"),
    "weight": ("none", "total event weight normalised to the luminosity (1 for data)"),
    "mc_weight": ("none", "generator weight"),
    "trig_e": ("bool", "single-electron trigger fired"),
    "trig_m": ("bool", "single-muon trigger fired"),
    "trig_ee": ("bool", "di-electron trigger fired"),
    "trig_mm": ("bool", "di-muon trigger fired"),
    "trig_em": ("bool", "electron-muon (mixed) trigger fired"),
    "met": ("energy", "missing transverse momentum magnitude"),
    "met_phi": ("angle", "missing transverse momentum azimuth"),
    "met_significance": (
        "none",
        "missing transverse momentum significance (CMS NanoAOD MET_significance)",
    ),
    "met_sumet": ("energy", "scalar sum of transverse energy (CMS NanoAOD MET_sumEt)"),
    "vertex_chi2_ndof": ("none", "four-lepton common-vertex fit chi2/ndof (not in open data)"),
}

# per-lepton fields (electrons, muons, leptons)
LEPTON_FIELDS: dict[str, tuple[Dimension, str]] = {
    "pt": ("energy", "transverse momentum"),
    "eta": ("none", "pseudorapidity"),
    "phi": ("angle", "azimuth"),
    "e": ("energy", "energy"),
    "charge": ("count", "electric charge, +1 or -1"),
    "flavour": ("id", "absolute PDG id: 11 electron, 13 muon"),
    "d0": ("length", "transverse impact parameter"),
    "d0sig": ("none", "transverse impact parameter significance |d0|/sigma(d0)"),
    "z0": ("length", "longitudinal impact parameter"),
    "ptcone30": ("energy", "track isolation, cone 0.3 (ptvarcone30 in 2025, ptcone30 in 2020)"),
    "etcone20": (
        "energy",
        "calorimeter isolation, cone 0.2 (topoetcone20 in 2025, etcone20 in 2020)",
    ),
    "id_loose": ("bool", "loose identification"),
    "id_medium": ("bool", "medium identification"),
    "id_tight": ("bool", "tight identification"),
    "iso_loose": ("bool", "loose isolation working point"),
    "iso_tight": ("bool", "tight isolation working point"),
    "trig_matched": ("bool", "matched to a trigger object"),
    "calo_tagged": ("bool", "calorimeter-tagged muon (not in open data)"),
    "standalone": ("bool", "stand-alone muon (not in open data)"),
    "index": (
        "count",
        "position in the file's own lepton list (2025: electrons first, then muons)",
    ),
    "mini_iso": ("none", "relative mini-isolation (CMS NanoAOD miniPFRelIso_all)"),
    "soft_id": ("bool", "soft muon identification (CMS NanoAOD Muon_softId)"),
}

JET_FIELDS: dict[str, tuple[Dimension, str]] = {
    "pt": ("energy", "transverse momentum"),
    "eta": ("none", "pseudorapidity"),
    "phi": ("angle", "azimuth"),
    "e": ("energy", "energy"),
    "btag": ("none", "b-tagging score or quantile"),
    "btagged": ("bool", "b-tagged at the data's working point (the schema's btag_working_point)"),
    "jvt": ("bool", "passes the jet-vertex-tagger"),
}

PHOTON_FIELDS: dict[str, tuple[Dimension, str]] = {
    "pt": ("energy", "transverse momentum"),
    "eta": ("none", "pseudorapidity"),
    "phi": ("angle", "azimuth"),
    "e": ("energy", "energy"),
    "id_loose": ("bool", "loose identification"),
    "id_tight": ("bool", "tight identification"),
    "iso_loose": ("bool", "loose isolation"),
    "iso_tight": ("bool", "tight isolation"),
}

TAU_FIELDS: dict[str, tuple[Dimension, str]] = {
    "pt": ("energy", "visible transverse momentum of the hadronic tau"),
    "eta": ("none", "pseudorapidity"),
    "phi": ("angle", "azimuth"),
    "e": ("energy", "energy"),
    "charge": ("count", "electric charge, +1 or -1"),
    "decay_mode": ("id", "reconstructed decay mode (CMS NanoAOD Tau_decayMode)"),
    "id_mva": (
        "id",
        "MVA isolation identification, the working points passed as NanoAOD stores them "
        "(Tau_idMVAnewDM2017v2; bit mask 1 VVLoose, 2 VLoose, 4 Loose, 8 Medium, ...)",
    ),
}

FATJET_FIELDS: dict[str, tuple[Dimension, str]] = {
    "pt": ("energy", "transverse momentum of the large-R (AK8) jet"),
    "eta": ("none", "pseudorapidity"),
    "phi": ("angle", "azimuth"),
    "e": ("energy", "energy"),
    "msoftdrop": ("energy", "soft-drop groomed mass"),
    "tau1": ("none", "1-subjettiness"),
    "tau2": ("none", "2-subjettiness"),
    "tau3": ("none", "3-subjettiness"),
    "btag": ("none", "b-tagging score (NanoAOD FatJet_btagDeepB)"),
}

COLLECTIONS: dict[str, dict[str, tuple[Dimension, str]]] = {
    "electrons": LEPTON_FIELDS,
    "muons": LEPTON_FIELDS,
    "leptons": LEPTON_FIELDS,
    "jets": JET_FIELDS,
    "photons": PHOTON_FIELDS,
    "taus": TAU_FIELDS,
    "fatjets": FATJET_FIELDS,
}

# objects built from event fields, visible as event-scope names: name -> (fields, meaning)
EVENT_OBJECTS: dict[str, tuple[tuple[str, ...], str]] = {
    "met_vec": (
        ("met", "met_phi"),
        "missing transverse momentum as an object: pt = met, phi = met_phi, eta 0, massless",
    ),
}

# the data collection an object of each kind is read from (met, track, other: none)
KIND_COLLECTION: dict[str, str] = {
    "electron": "electrons",
    "muon": "muons",
    "lepton": "leptons",
    "jet": "jets",
    "bjet": "jets",
    "photon": "photons",
    "tau": "taus",
    "fatjet": "fatjets",
}

# derived per-object quantities every analysis may use without defining them
DERIVED_OBJECT_FIELDS: dict[str, tuple[Dimension, str]] = {
    "theta": ("angle", "polar angle, 2 atan(exp(-eta))"),
    "rapidity": ("none", "rapidity y = 0.5 ln((e + pz) / (e - pz)) (ATLAS jets: |y| < 4.4)"),
    "pz": ("energy", "longitudinal momentum, pt sinh(eta)"),
}
# the stored fields each derived quantity is computed from
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "theta": ("eta",),
    "rapidity": ("pt", "eta", "e"),
    "pz": ("pt", "eta"),
}

Channel = Literal["4e", "4mu", "2e2mu", "2mu2e", "other"]

"""File schemas: which branch of which tree holds each canonical field, and in which unit.

A :class:`Schema` maps the canonical names of :mod:`pipeline.selection.fields` onto the
branches of one ntuple flavour. Two layouts exist:

* ATLAS Open Data (2025 ``analysis`` in GeV, 2020 ``mini`` in MeV): one mixed lepton
  list (``lep_*`` with ``lep_type`` 11/13); electrons and muons are derived from it.
* split collections (NanoAOD-like ``Muon_pt``/``Electron_pt``, or the scikit-hep H->ZZ
  tutorial sample with ``Muon_Px``): leptons are the concatenation of both.

Energies are multiplied by ``energy_scale`` and lengths by ``length_scale`` to give GeV
and mm. A collection may give ``mass`` (NanoAOD) or ``px``/``py``/``pz`` (tutorial)
instead of ``pt``/``eta``/``phi``/``e``; the reader derives the canonical four.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

WEIGHT_FACTORS_2025 = (
    "mcWeight",
    "ScaleFactor_PILEUP",
    "ScaleFactor_ELE",
    "ScaleFactor_MUON",
    "ScaleFactor_LepTRIGGER",
)
WEIGHT_FACTORS_2020 = (
    "mcWeight",
    "scaleFactor_PILEUP",
    "scaleFactor_ELE",
    "scaleFactor_MUON",
    "scaleFactor_LepTRIGGER",
)
LUMI_2025_PB = 36.6 * 1000.0
LUMI_2020_PB = 10064.0


class Schema(BaseModel):
    """How one ntuple flavour stores the canonical fields (canonical name -> branch name)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    release: str = Field(description="2025, 2020, nanoaod, hzz-tutorial or a user name")
    tree: str
    energy_scale: float = 1.0
    length_scale: float = 1.0
    event: dict[str, str] = Field(default_factory=dict)
    leptons: dict[str, str] = Field(
        default_factory=dict, description="mixed lepton list with a 'flavour' branch (ATLAS)"
    )
    electrons: dict[str, str] = Field(default_factory=dict, description="split electron branches")
    muons: dict[str, str] = Field(default_factory=dict, description="split muon branches")
    jets: dict[str, str] = Field(default_factory=dict)
    photons: dict[str, str] = Field(default_factory=dict)
    taus: dict[str, str] = Field(default_factory=dict, description="hadronic taus")
    fatjets: dict[str, str] = Field(default_factory=dict, description="large-R (AK8) jets")
    weight_factors: tuple[str, ...] = Field(
        default=(), description="per-event branches multiplied into the event weight"
    )
    lumi_pb: float = Field(0.0, description="luminosity the MC weights are normalised to")
    btag_working_point: float | None = Field(
        None,
        description="the jets' btag value at or above which a jet is b-tagged (the canonical "
        "'btagged' field); None: the data have no tag decision",
    )
    btag_taggers: tuple[tuple[str, float], ...] = Field(
        default=(),
        description="(jet branch, its working point) in order of preference: a file reads btag "
        "from the first one it fills with scores (conversions of older data keep newer taggers' "
        "branches at a placeholder)",
    )
    required: tuple[str, ...] = Field(
        default=(), description="branches without which nothing works"
    )

    @property
    def split_leptons(self) -> bool:
        return not self.leptons


_LEP_COMMON = {
    "pt": "lep_pt",
    "eta": "lep_eta",
    "phi": "lep_phi",
    "charge": "lep_charge",
    "flavour": "lep_type",
    "z0": "lep_z0",
}

SCHEMA_2025 = Schema(
    release="2025",
    tree="analysis",
    event={
        "run": "runNumber",
        "event": "eventNumber",
        "channel_number": "channelNumber",
        "mc_weight": "mcWeight",
        "trig_e": "trigE",
        "trig_m": "trigM",
        "trig_ee": "trigDE",
        "trig_mm": "trigDM",
        "trig_em": "trigML",
        "met": "met",
        "met_phi": "met_phi",
    },
    leptons={
        **_LEP_COMMON,
        "e": "lep_e",
        "d0": "lep_d0",
        "d0sig": "lep_d0sig",
        "ptcone30": "lep_ptvarcone30",
        "etcone20": "lep_topoetcone20",
        "id_loose": "lep_isLooseID",
        "id_medium": "lep_isMediumID",
        "id_tight": "lep_isTightID",
        "iso_loose": "lep_isLooseIso",
        "iso_tight": "lep_isTightIso",
        "trig_matched": "lep_isTrigMatched",
    },
    jets={
        "pt": "jet_pt",
        "eta": "jet_eta",
        "phi": "jet_phi",
        "e": "jet_e",
        "btag": "jet_btag_quantile",
        "jvt": "jet_jvt",
    },
    photons={
        "pt": "photon_pt",
        "eta": "photon_eta",
        "phi": "photon_phi",
        "e": "photon_e",
        "id_loose": "photon_isLooseID",
        "id_tight": "photon_isTightID",
        "iso_loose": "photon_isLooseIso",
        "iso_tight": "photon_isTightIso",
    },
    weight_factors=WEIGHT_FACTORS_2025,
    lumi_pb=LUMI_2025_PB,
    # jet_btag_quantile q = 1..5: passes the {100, 85, 77, 70, 60}% efficiency point; 4 is 70%
    btag_working_point=4,
    required=(
        "runNumber",
        "eventNumber",
        "lep_pt",
        "lep_eta",
        "lep_phi",
        "lep_e",
        "lep_charge",
        "lep_type",
    ),
)

SCHEMA_2020 = Schema(
    release="2020",
    tree="mini",
    energy_scale=0.001,
    event={
        "run": "runNumber",
        "event": "eventNumber",
        "channel_number": "channelNumber",
        "mc_weight": "mcWeight",
        "trig_e": "trigE",
        "trig_m": "trigM",
        "met": "met_et",
        "met_phi": "met_phi",
    },
    leptons={
        # lep_tracksigd0pvunbiased already is |d0|/sigma(d0) (checked on the real files)
        **_LEP_COMMON,
        "e": "lep_E",
        "d0": "lep_trackd0pvunbiased",
        "d0sig": "lep_tracksigd0pvunbiased",
        "ptcone30": "lep_ptcone30",
        "etcone20": "lep_etcone20",
        "id_tight": "lep_isTightID",
        "trig_matched": "lep_trigMatched",
    },
    jets={"pt": "jet_pt", "eta": "jet_eta", "phi": "jet_phi", "e": "jet_E", "btag": "jet_MV2c10"},
    photons={
        "pt": "photon_pt",
        "eta": "photon_eta",
        "phi": "photon_phi",
        "e": "photon_E",
        "id_tight": "photon_isTightID",
    },
    weight_factors=WEIGHT_FACTORS_2020,
    lumi_pb=LUMI_2020_PB,
    btag_working_point=0.8244273,  # MV2c10 at 70% b-jet efficiency (the 2020 release's point)
    required=(
        "runNumber",
        "eventNumber",
        "lep_pt",
        "lep_eta",
        "lep_phi",
        "lep_E",
        "lep_charge",
        "lep_type",
    ),
)


def _nano(prefix: str, extra: dict[str, str]) -> dict[str, str]:
    base = {k: f"{prefix}_{k}" for k in ("pt", "eta", "phi", "mass", "charge")}
    return {**base, **extra}


SCHEMA_NANOAOD = Schema(
    release="nanoaod",
    tree="Events",
    length_scale=10.0,  # NanoAOD stores dxy/dz in cm
    event={
        "run": "run",
        "event": "event",
        "met": "MET_pt",
        "met_phi": "MET_phi",
        "met_significance": "MET_significance",
        "met_sumet": "MET_sumEt",
    },
    electrons=_nano(
        "Electron",
        {"d0": "Electron_dxy", "z0": "Electron_dz", "mini_iso": "Electron_miniPFRelIso_all"},
    ),
    muons=_nano(
        "Muon",
        {
            "d0": "Muon_dxy",
            "z0": "Muon_dz",
            "id_loose": "Muon_looseId",
            "id_medium": "Muon_mediumId",
            "id_tight": "Muon_tightId",
            "mini_iso": "Muon_miniPFRelIso_all",
            "soft_id": "Muon_softId",
        },
    ),
    jets={
        "pt": "Jet_pt",
        "eta": "Jet_eta",
        "phi": "Jet_phi",
        "mass": "Jet_mass",
        "btag": "Jet_btagDeepFlavB",
    },
    photons={"pt": "Photon_pt", "eta": "Photon_eta", "phi": "Photon_phi", "mass": "Photon_mass"},
    taus=_nano("Tau", {"decay_mode": "Tau_decayMode", "id_mva": "Tau_idMVAnewDM2017v2"}),
    fatjets={
        **{
            k: f"FatJet_{k}"
            for k in ("pt", "eta", "phi", "mass", "msoftdrop", "tau1", "tau2", "tau3")
        },
        "btag": "FatJet_btagDeepB",
    },
    lumi_pb=0.0,
    btag_working_point=0.3093,
    # medium points of CMS 2016 (legacy): DeepJet, DeepCSV, CSVv2
    btag_taggers=(
        ("Jet_btagDeepFlavB", 0.3093),
        ("Jet_btagDeepB", 0.6321),
        ("Jet_btagCSVV2", 0.8484),
    ),
    required=("run", "event", "Muon_pt", "Electron_pt"),
)


def _cartesian(prefix: str, extra: dict[str, str]) -> dict[str, str]:
    return {
        "px": f"{prefix}_Px",
        "py": f"{prefix}_Py",
        "pz": f"{prefix}_Pz",
        "e": f"{prefix}_E",
        **extra,
    }


SCHEMA_HZZ_TUTORIAL = Schema(
    release="hzz-tutorial",
    tree="events",
    event={"mc_weight": "EventWeight"},
    electrons=_cartesian("Electron", {"charge": "Electron_Charge"}),
    muons=_cartesian("Muon", {"charge": "Muon_Charge"}),
    jets=_cartesian("Jet", {"btag": "Jet_btag"}),
    photons=_cartesian("Photon", {}),
    lumi_pb=0.0,
    required=("Muon_Px", "Electron_Px"),
)

BUILTIN: dict[str, Schema] = {
    s.release: s for s in (SCHEMA_2025, SCHEMA_2020, SCHEMA_NANOAOD, SCHEMA_HZZ_TUTORIAL)
}

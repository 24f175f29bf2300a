"""H. Isa, "Replication study of Higgs Boson Search in the Four-Lepton Final State Using
ATLAS Open Data" (UC Berkeley student report, 2025;
shared/corpus/papers/report-h4l-opendata-isa-2025.pdf).

Written from the report's text (section II and table IV), for the 2020 release it used.
Its cutflow on the real 2020 data (table IV, 'Data' column): 832, 827, 827, 679, 656,
311, 286, 285, 225, 166. Interpretations are listed in ``baselines/README.md``.
"""

from __future__ import annotations

import awkward as ak
import numpy as np

from baselines.common import MZ, ChunkResult, HistSpec, Plan, Step, lepton_p4

NAME = "report_isa2025"
LUMI_PB = 10000.0  # the report normalises to L_int = 10 fb-1 (not the release's 10064 pb-1)
PAIRINGS = (((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2)))


def plan(provides: set[str]) -> Plan:
    steps = [
        Step("all", "Cut 1: all events (preselection)"),
        Step("exactly_4_leptons", "Cut 2: exactly four leptons"),
        Step("eta_acceptance", "Cut 3: electrons |eta| < 2.47, muons |eta| < 2.7"),
        Step("lepton_pt", "Cut 4: pT-ordered leptons above 20, 15, 10, 7 GeV"),
        Step("delta_r", "Cut 5: Delta R > 0.1 same flavour, > 0.2 different flavour"),
        Step("tight_id", "Cut 6: all leptons tight identification"),
        Step("z0", "Cut 7: |z0| < 10 mm"),
        Step("muon_d0", "Cut 8: muons |d0| < 1 mm"),
        Step("isolation", "Cut 9: ptcone30 / pT < 0.15"),
        Step("z_candidates", "Cut 10: 50 < m12 < 106 GeV, m_min(m4l) < m34 < 115 GeV"),
    ]
    fields = [
        f"leptons.{f}"
        for f in ("pt", "eta", "phi", "e", "charge", "flavour", "id_tight", "z0", "d0", "ptcone30")
    ]
    return Plan(
        steps=steps,
        fields=fields,
        process=process,
        lumi_pb=LUMI_PB,
        hist=HistSpec("m4l", "m4l [GeV] (after cut 10)", 36, 80.0, 170.0),
    )


def _columns(lep: ak.Array) -> dict[str, np.ndarray]:
    """The first four (pT-ordered) leptons as (n, 4) numpy columns; padding fails every cut."""
    p4 = lepton_p4(lep)
    cols = {k: p4[k] for k in ("e", "px", "py", "pz", "eta", "phi")}
    cols.update(
        pt=lep.pt,
        flavour=lep.flavour,
        charge=lep.charge,
        id_tight=lep.id_tight,
        z0=lep.z0,
        d0=lep.d0,
        ptcone30=lep.ptcone30,
    )
    return {
        k: ak.to_numpy(ak.fill_none(ak.pad_none(v, 4, clip=True), 0)).astype(np.float64)
        for k, v in cols.items()
    }


def _pair_mass(c: dict[str, np.ndarray], *idx: int) -> np.ndarray:
    e, x, y, z = (sum(c[k][:, i] for i in idx) for k in ("e", "px", "py", "pz"))
    return np.sqrt(np.maximum(e * e - x * x - y * y - z * z, 0.0))


def _z_candidates(c: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Z1 = the SFOS pair closest to mZ whose partner pair is SFOS too; (pass, m4l, channel)."""

    def sfos(a: int, b: int) -> np.ndarray:
        return (c["flavour"][:, a] == c["flavour"][:, b]) & (
            c["charge"][:, a] * c["charge"][:, b] < 0
        )

    m4l = _pair_mass(c, 0, 1, 2, 3)
    best_d = np.full(len(m4l), np.inf)
    m12 = np.zeros(len(m4l))
    m34 = np.zeros(len(m4l))
    f1 = np.zeros(len(m4l))
    f2 = np.zeros(len(m4l))
    for p, q in PAIRINGS:
        for z1, z2 in ((p, q), (q, p)):
            ok = sfos(*z1) & sfos(*z2)
            m1, m2 = _pair_mass(c, *z1), _pair_mass(c, *z2)
            d = np.where(ok, np.abs(m1 - MZ), np.inf)
            better = d < best_d
            best_d, m12, m34 = (
                np.where(better, d, best_d),
                np.where(better, m1, m12),
                np.where(better, m2, m34),
            )
            f1 = np.where(better, c["flavour"][:, z1[0]], f1)
            f2 = np.where(better, c["flavour"][:, z2[0]], f2)
    m_min = np.interp(m4l, [120.0, 190.0], [17.5, 50.0])
    ok = np.isfinite(best_d) & (m12 > 50) & (m12 < 106) & (m34 > m_min) & (m34 < 115)
    channel = np.select(
        [
            (f1 == 11) & (f2 == 11),
            (f1 == 13) & (f2 == 13),
            (f1 == 11) & (f2 == 13),
            (f1 == 13) & (f2 == 11),
        ],
        ["4e", "4mu", "2e2mu", "2mu2e"],
        "",
    ).astype(object)
    return ok, m4l, channel


def process(events: ak.Array) -> ChunkResult:
    lep = events.leptons  # pT-ordered by the reader
    n = len(events)
    c = _columns(lep)
    is_mu = c["flavour"] == 13
    masks = [np.ones(n, dtype=bool)]
    masks.append(ak.to_numpy(ak.num(lep)) == 4)
    eta_ok = np.abs(c["eta"]) < np.where(is_mu, 2.7, 2.47)
    masks.append(masks[-1] & eta_ok.all(axis=1))
    masks.append(masks[-1] & (c["pt"] > np.array([20.0, 15.0, 10.0, 7.0])).all(axis=1))
    dr_ok = np.ones(n, dtype=bool)
    for a in range(4):
        for b in range(a + 1, 4):
            dphi = (c["phi"][:, a] - c["phi"][:, b] + np.pi) % (2 * np.pi) - np.pi
            dr = np.hypot(c["eta"][:, a] - c["eta"][:, b], dphi)
            same = c["flavour"][:, a] == c["flavour"][:, b]
            dr_ok &= dr > np.where(same, 0.1, 0.2)
    masks.append(masks[-1] & dr_ok)
    masks.append(masks[-1] & (c["id_tight"] > 0).all(axis=1))
    masks.append(masks[-1] & (np.abs(c["z0"]) < 10.0).all(axis=1))
    masks.append(masks[-1] & (~is_mu | (np.abs(c["d0"]) < 1.0)).all(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        masks.append(masks[-1] & (c["ptcone30"] / c["pt"] < 0.15).all(axis=1))
    z_ok, m4l, channel = _z_candidates(c)
    masks.append(masks[-1] & z_ok)
    return ChunkResult(masks=masks, m4l=m4l, channel=channel, hist_mask=masks[-1])

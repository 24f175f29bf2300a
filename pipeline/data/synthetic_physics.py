"""Physics of the synthetic samples: vectorised numpy event generation (no ROOT here).

Each process returns a :class:`Truth` block: up to five lepton slots per event with
four-momenta in GeV, flavour, charge and whether the lepton is prompt. Prompt leptons
come from Z bosons (or W bosons in ttbar), fakes are soft, non-isolated and often
displaced, so the isolation and impact-parameter cuts matter. The physics is
simplified on purpose (isotropic decays, no spin correlations, a toy detector): the
samples exercise the selection, they are not a simulation of ATLAS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MZ, GZ, MH = 91.1876, 2.4952, 125.0
MASS = {11: 0.000511, 13: 0.10566}
SLOTS = 5


@dataclass
class Truth:
    """Leptons in fixed slots (n, SLOTS); ``valid`` marks the slots that hold one."""

    p4: np.ndarray  # (n, SLOTS, 4): E, px, py, pz
    flavour: np.ndarray  # (n, SLOTS) 11 / 13
    charge: np.ndarray  # (n, SLOTS) +-1
    prompt: np.ndarray  # (n, SLOTS) bool
    valid: np.ndarray  # (n, SLOTS) bool
    met: np.ndarray
    n_jets_mean: float


def _boost(p: np.ndarray, beta: np.ndarray) -> np.ndarray:
    b2 = np.maximum((beta**2).sum(-1), 1e-300)
    gamma = 1.0 / np.sqrt(1.0 - np.minimum(b2, 1 - 1e-15))
    bp = (beta * p[..., 1:]).sum(-1)
    g2 = (gamma - 1.0) / b2
    out = np.empty_like(p)
    out[..., 0] = gamma * (p[..., 0] + bp)
    out[..., 1:] = p[..., 1:] + (g2 * bp + gamma * p[..., 0])[..., None] * beta
    return out


def _isotropic(rng: np.random.Generator, n: int) -> np.ndarray:
    cos = rng.uniform(-1, 1, n)
    phi = rng.uniform(-np.pi, np.pi, n)
    sin = np.sqrt(1 - cos**2)
    return np.stack([sin * np.cos(phi), sin * np.sin(phi), cos], axis=-1)


def decay(
    rng: np.random.Generator,
    parent: np.ndarray,
    m1: np.ndarray,
    m2: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic two-body decay in the parent rest frame, boosted to the lab."""
    mass = np.sqrt(np.maximum(parent[:, 0] ** 2 - (parent[:, 1:] ** 2).sum(-1), 0))
    lam = (mass**2 - (m1 + m2) ** 2) * (mass**2 - (m1 - m2) ** 2)
    pstar = np.sqrt(np.maximum(lam, 0)) / (2 * mass)
    d = _isotropic(rng, len(mass)) * pstar[:, None]
    a = np.concatenate([np.sqrt(pstar**2 + m1**2)[:, None], d], axis=1)
    b = np.concatenate([np.sqrt(pstar**2 + m2**2)[:, None], -d], axis=1)
    beta = parent[:, 1:] / parent[:, :1]
    return _boost(a, beta), _boost(b, beta)


def produce(
    rng: np.random.Generator, mass: np.ndarray, pt_mean: float, y_sigma: float
) -> np.ndarray:
    """A system of given mass with a gamma-distributed pT and a Gaussian rapidity."""
    n = len(mass)
    pt = rng.gamma(2.0, pt_mean / 2.0, n)
    y = np.clip(rng.normal(0, y_sigma, n), -4, 4)
    phi = rng.uniform(-np.pi, np.pi, n)
    mt = np.sqrt(mass**2 + pt**2)
    return np.stack([mt * np.cosh(y), pt * np.cos(phi), pt * np.sin(phi), mt * np.sinh(y)], axis=-1)


def breit_wigner(
    rng: np.random.Generator,
    n: int,
    lo: np.ndarray | float,
    hi: np.ndarray | float,
) -> np.ndarray:
    """Z line shape (non-relativistic Breit-Wigner) truncated to [lo, hi] by inverse CDF."""
    cdf = lambda m: np.arctan((m - MZ) / (GZ / 2)) / np.pi + 0.5  # noqa: E731
    u = rng.uniform(cdf(np.asarray(lo, float)), cdf(np.asarray(hi, float)), n)
    return MZ + GZ / 2 * np.tan(np.pi * (u - 0.5))


def _offshell_density(m2: np.ndarray, big: np.ndarray, m1: np.ndarray) -> np.ndarray:
    lam = (big**2 - (m1 + m2) ** 2) * (big**2 - (m1 - m2) ** 2)
    return np.sqrt(np.maximum(lam, 0)) * m2 / ((m2**2 - MZ**2) ** 2 + (MZ * GZ) ** 2)


def z_masses(rng: np.random.Generator, big: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(m1, m2) of a ZZ(*) system of mass ``big``: m1 on shell, m2 off shell when it must."""
    n = len(big)
    m1 = breit_wigner(rng, n, 40.0, np.clip(big - 12.0, 41.0, 120.0))
    m2 = np.empty(n)
    todo = np.arange(n)
    while todo.size:  # rejection sampling; each pass accepts a large share
        hi = np.maximum(big[todo] - m1[todo], 4.5)
        cand = rng.uniform(4.0, hi)
        top = np.minimum(hi, MZ)
        bound = _offshell_density(top, big[todo], np.zeros_like(top)) * 1.05 + 1e-300
        ok = rng.uniform(0, 1, todo.size) * bound <= _offshell_density(cand, big[todo], m1[todo])
        m2[todo[ok]] = cand[ok]
        todo = todo[~ok]
    return m1, m2


def _pair(rng: np.random.Generator, z: np.ndarray, flavour: np.ndarray) -> tuple[np.ndarray, ...]:
    m = np.vectorize(MASS.get)(flavour).astype(float)
    a, b = decay(rng, z, m, m)
    sign = np.where(rng.uniform(size=len(z)) < 0.5, 1, -1)
    return a, b, sign


def _random_flavour(rng: np.random.Generator, n: int, p_electron: float = 0.5) -> np.ndarray:
    return np.where(rng.uniform(size=n) < p_electron, 11, 13)


def _fake(
    rng: np.random.Generator, n: int, pt_mean: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    flav = _random_flavour(rng, n, 0.6)
    pt = 4.5 + rng.exponential(pt_mean, n)
    eta = rng.uniform(-2.7, 2.7, n)
    phi = rng.uniform(-np.pi, np.pi, n)
    m = np.where(flav == 11, MASS[11], MASS[13])
    p4 = np.stack(
        [
            np.sqrt((pt * np.cosh(eta)) ** 2 + m**2),
            pt * np.cos(phi),
            pt * np.sin(phi),
            pt * np.sinh(eta),
        ],
        axis=-1,
    )
    return p4, flav, np.where(rng.uniform(size=n) < 0.5, 1, -1)


def _assemble(
    rng: np.random.Generator,
    slots: list[tuple[np.ndarray, np.ndarray, np.ndarray, bool]],
    met: np.ndarray,
    n_jets_mean: float,
    p_extra: float = 0.05,
) -> Truth:
    n = len(met)
    p4 = np.zeros((n, SLOTS, 4))
    flav = np.zeros((n, SLOTS), np.int32)
    charge = np.zeros((n, SLOTS), np.int32)
    prompt = np.zeros((n, SLOTS), bool)
    for i, (p, f, q, is_prompt) in enumerate(slots):
        p4[:, i], flav[:, i], charge[:, i], prompt[:, i] = p, f, q, is_prompt
    valid = np.zeros((n, SLOTS), bool)
    valid[:, : len(slots)] = True
    extra = rng.uniform(size=n) < p_extra  # a fifth, soft fake lepton in a few events
    p, f, q = _fake(rng, n, 5.0)
    p4[:, 4], flav[:, 4], charge[:, 4], valid[:, 4] = p, f, q, extra
    return Truth(p4, flav, charge, prompt, valid, met, n_jets_mean)


def _zz_like(
    rng: np.random.Generator, big: np.ndarray, pt_mean: float, met_mean: float, n_jets: float
) -> Truth:
    n = len(big)
    system = produce(rng, big, pt_mean, 1.6)
    m1, m2 = z_masses(rng, big)
    z1, z2 = decay(rng, system, m1, m2)
    f1, f2 = _random_flavour(rng, n), _random_flavour(rng, n)
    a, b, s1 = _pair(rng, z1, f1)
    c, d, s2 = _pair(rng, z2, f2)
    slots = [(a, f1, s1, True), (b, f1, -s1, True), (c, f2, s2, True), (d, f2, -s2, True)]
    return _assemble(rng, slots, rng.exponential(met_mean, n), n_jets)


def higgs(rng: np.random.Generator, n: int) -> Truth:
    return _zz_like(rng, np.full(n, MH), 20.0, 12.0, 0.8)


def _falling(rng: np.random.Generator, n: int, lo: float, hi: float, scale: float) -> np.ndarray:
    """exp(-(m - lo) / scale) truncated to [lo, hi], by inverse CDF."""
    top = 1.0 - np.exp(-(hi - lo) / scale)
    return lo - scale * np.log1p(-rng.uniform(0, top, n))


def zz_mass(rng: np.random.Generator, n: int) -> np.ndarray:
    """m4l of qq/gg -> ZZ(*) -> 4l, a simplified but recognisable shape: the single-resonant
    Z -> 4l peak at the Z mass, a continuum falling from it towards the ZZ threshold (one Z off
    shell), and on-shell pairs above 2 mZ rising from the threshold with a falling tail."""
    u = rng.uniform(size=n)
    peak = breit_wigner(rng, n, 80.0, 100.0)
    below = _falling(rng, n, 95.0, 2 * MZ, 50.0)
    on_shell = 2 * MZ + rng.gamma(2.0, 30.0, n)
    return np.where(u < 0.15, peak, np.where(u < 0.32, below, on_shell))


def zz_continuum(rng: np.random.Generator, n: int) -> Truth:
    """qq/gg -> ZZ(*) -> 4l with the m4l shape of :func:`zz_mass`."""
    return _zz_like(rng, zz_mass(rng, n), 25.0, 12.0, 0.6)


def z_jets(rng: np.random.Generator, n: int) -> Truth:
    z = produce(rng, breit_wigner(rng, n, 60.0, 120.0), 15.0, 2.0)
    f = _random_flavour(rng, n)
    a, b, s = _pair(rng, z, f)
    fakes = [(*_fake(rng, n, 8.0), False) for _ in range(2)]
    return _assemble(
        rng, [(a, f, s, True), (b, f, -s, True), *fakes], rng.exponential(15.0, n), 2.0
    )


def ttbar(rng: np.random.Generator, n: int) -> Truth:
    leptons = []
    sign = np.where(rng.uniform(size=n) < 0.5, 1, -1)
    for q in (sign, -sign):  # W+ and W- leptons, prompt
        f = _random_flavour(rng, n)
        pt = 12.0 + rng.gamma(2.0, 18.0, n)
        eta = np.clip(rng.normal(0, 1.2, n), -2.8, 2.8)
        phi = rng.uniform(-np.pi, np.pi, n)
        p4 = np.stack(
            [pt * np.cosh(eta), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)], -1
        )
        leptons.append((p4, f, q, True))
    fakes = [(*_fake(rng, n, 7.0), False) for _ in range(2)]  # from b-hadron decays
    return _assemble(rng, [*leptons, *fakes], 40.0 + rng.exponential(45.0, n), 3.5)


GENERATORS = {"ggH125_ZZ4lep": higgs, "ZZ": zz_continuum, "Zjets": z_jets, "ttbar": ttbar}

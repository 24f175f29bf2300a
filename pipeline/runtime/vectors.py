"""Four-vector arithmetic on awkward records at any list depth.

Objects are records with ``pt``, ``eta``, ``phi`` and ``e`` (GeV); a pair is a
record with ``first``/``second``, a quadruplet one with ``z1``/``z2``. Sums are
done on Cartesian components with numpy ufuncs so that they broadcast through
jagged lists without relying on a registered vector behaviour.
"""

from __future__ import annotations

from typing import Any

import awkward as ak
import numpy as np

from pipeline.runtime import candidates as fc
from pipeline.runtime.candidates import Cands
from pipeline.runtime.flat import on_flat

PAIR_FIELDS = ("first", "second")
QUAD_FIELDS = ("z1", "z2")

COMBO_PREFIX = "_c"  # members of a combination: _c0, _c1, ...

P4 = tuple[Any, Any, Any, Any]
# cached on pairs by with_p4: px, py, pz, E of the pair and its mass
P4_FIELDS = ("_px", "_py", "_pz", "_e", "_mass")


def record_fields(x: Any) -> tuple[str, ...]:
    """The field names of the records inside ``x`` (empty for numbers)."""
    if isinstance(x, ak.Array | ak.Record):
        return tuple(ak.fields(x))
    return ()


def is_pair(x: Any) -> bool:
    return set(PAIR_FIELDS) <= set(record_fields(x))


def is_quad(x: Any) -> bool:
    return set(QUAD_FIELDS) <= set(record_fields(x))


def members(x: Any) -> tuple[Any, Any] | None:
    """The two halves of a pair or quadruplet, or None for a plain object."""
    if is_quad(x):
        return x["z1"], x["z2"]
    if is_pair(x):
        return x["first"], x["second"]
    return None


def with_p4(pairs: Any) -> Any:
    """Pairs carrying their summed four-vector and mass (read back by p4 and mass)."""
    px, py, pz, e = p4(pairs)
    m = np.sqrt(np.maximum(e * e - px * px - py * py - pz * pz, 0.0))
    return ak.with_field(
        ak.with_field(
            ak.with_field(ak.with_field(ak.with_field(pairs, px, "_px"), py, "_py"), pz, "_pz"),
            e,
            "_e",
        ),
        m,
        "_mass",
    )


def p4(x: Any) -> P4:
    """(px, py, pz, E) of an object, or of the sum of a composite's constituents."""
    if "_px" in record_fields(x):
        return x["_px"], x["_py"], x["_pz"], x["_e"]
    halves = members(x)
    if halves is not None:
        a, b = p4(halves[0]), p4(halves[1])
        return a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]
    combo = [name for name in record_fields(x) if name.startswith(COMBO_PREFIX)]
    if combo:  # a combination (combinations(jets, 3)): the sum of its members
        return p4_sum(*(x[name] for name in combo))
    pt, eta, phi, e = (_f64(x[name]) for name in ("pt", "eta", "phi", "e"))
    return pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta), e


def _f64(values: Any) -> Any:
    """Masses in double precision even from float32 files (2020 release)."""
    return ak.values_astype(values, np.float64)


def p4_sum(*items: Any) -> P4:
    total = p4(items[0])
    for item in items[1:]:
        nxt = p4(item)
        total = (total[0] + nxt[0], total[1] + nxt[1], total[2] + nxt[2], total[3] + nxt[3])
    return total


def mass(*items: Any) -> Any:
    """Invariant mass of the four-vector sum; negative m^2 from rounding is clipped to 0."""
    if any(isinstance(x, Cands) for x in items):
        built = fc.pair_mass(items[0]) if len(items) == 1 else None
        return built if built is not None else _summed_p4(_mass, items, mass)
    if len(items) == 1 and "_mass" in record_fields(items[0]):
        return items[0]["_mass"]
    return on_flat(_mass, *p4_sum(*items))


def _mass(px: Any, py: Any, pz: Any, e: Any) -> Any:
    m2 = e * e - px * px - py * py - pz * pz
    return np.sqrt(np.maximum(m2, 0.0))


def pt_of(*items: Any) -> Any:
    if any(isinstance(x, Cands) for x in items):
        return _summed_p4(lambda px, py, pz, e: np.hypot(px, py), items, pt_of)
    px, py, _, _ = p4_sum(*items)
    return np.hypot(px, py)


def _phi_eta(x: Any) -> tuple[Any, Any]:
    if members(x) is None and f"{COMBO_PREFIX}0" not in record_fields(x):
        return _f64(x["phi"]), _f64(x["eta"])
    px, py, pz, _ = p4(x)
    pt = np.hypot(px, py)
    return np.arctan2(py, px), np.arcsinh(pz / pt)


def _phi(x: Any) -> Any:
    """The azimuth alone: what delta_phi reads (a list that was read without eta has none)."""
    if members(x) is None and f"{COMBO_PREFIX}0" not in record_fields(x):
        return _f64(x["phi"])
    return _phi_eta(x)[0]


def _delta_phi(phi_a: Any, phi_b: Any) -> Any:
    dphi = np.abs(phi_a - phi_b)
    if isinstance(
        dphi, np.ndarray
    ):  # x % 2pi is x below 2pi: only the rest needs the (slow) modulo
        wide = dphi >= 2 * np.pi
        if wide.any():
            dphi[wide] = dphi[wide] % (2 * np.pi)
    else:
        dphi = dphi % (2 * np.pi)
    return np.minimum(dphi, 2 * np.pi - dphi)


def _delta_r(phi_a: Any, eta_a: Any, phi_b: Any, eta_b: Any) -> Any:
    return np.hypot(eta_a - eta_b, _delta_phi(phi_a, phi_b))


def _summed_p4(fn: Any, items: tuple[Any, ...], awkward_fn: Any) -> Any:
    """``fn(px, py, pz, E)`` of the summed four-vector of Cands items (``awkward_fn`` on awkward
    arrays for what they cannot give)."""
    parts: list[Any] = [fc.p4_of(x) if isinstance(x, Cands) else None for x in items]
    if any(p is None for p in parts):
        return _on_awkward(awkward_fn, *items)
    total = parts[0]
    for nxt in parts[1:]:
        total = tuple(t + n for t, n in zip(total, nxt, strict=True))
    return fc.apply(fn, *total)


def _flat_angles(a: Any, b: Any) -> tuple[Any, Any, Any, Any] | None:
    got_a, got_b = (
        fc.phi_eta(a) if isinstance(a, Cands) else None,
        fc.phi_eta(b) if isinstance(b, Cands) else None,
    )
    if got_a is None or got_b is None:
        return None
    return got_a[0], got_a[1], got_b[0], got_b[1]


def delta_phi(a: Any, b: Any) -> Any:
    """|Delta phi| wrapped into [0, pi]."""
    if isinstance(a, Cands) or isinstance(b, Cands):
        angles = _flat_angles(a, b)
        if angles is None:
            return _on_awkward(delta_phi, a, b)
        return fc.apply(_delta_phi, angles[0], angles[2])
    return on_flat(_delta_phi, _phi(a), _phi(b))


def _delta_eta(eta_a: Any, eta_b: Any) -> Any:
    return np.abs(eta_a - eta_b)


def delta_eta(a: Any, b: Any) -> Any:
    """|Delta eta| between two objects (or an object and each object of a list)."""
    if isinstance(a, Cands) or isinstance(b, Cands):
        angles = _flat_angles(a, b)
        if angles is None:
            return _on_awkward(delta_eta, a, b)
        return fc.apply(_delta_eta, angles[1], angles[3])
    _, eta_a = _phi_eta(a)
    _, eta_b = _phi_eta(b)
    return on_flat(_delta_eta, eta_a, eta_b)


def delta_r(a: Any, b: Any = None) -> Any:
    """Delta R between two objects, or between the two members of pair ``a``."""
    if isinstance(a, Cands) or isinstance(b, Cands):
        if b is None:
            ref = a.content
            if not isinstance(ref, fc.PairRef):
                return _on_awkward(delta_r, a)
            a, b = a["first"], a["second"]
        angles = _flat_angles(a, b)
        if angles is None:
            return _on_awkward(delta_r, a, b)
        return fc.apply(_delta_r, *angles)
    if b is None:
        halves = members(a)
        if halves is None:
            raise TypeError("delta_r(p) needs a pair; give two objects as delta_r(a, b)")
        a, b = halves
    phi_a, eta_a = _phi_eta(a)
    phi_b, eta_b = _phi_eta(b)
    return on_flat(_delta_r, phi_a, eta_a, phi_b, eta_b)


def _on_awkward(fn: Any, *args: Any) -> Any:
    like = next(x for x in args if isinstance(x, Cands))
    return fc.adopt(fn(*(fc.to_awkward(x) for x in args)), like)

"""Named event quantities as a phrasing class (issue 17): the symbols papers write for razor M_R
and R^2, M_CT, M_T2, alpha_T, S_T, L_T, H_T^miss and Delta phi, in their typographic forms, read
by the rules as cuts on the language's definitions (``named_quantities.py``) and recognised by the
support check, so a correct cut is verified and a cut on another quantity is not.

Each family is tested on synthetic sentences and on the papers of ../shared that use it: razor
variables (1812.06302; the only razor paper there), M_CT (SUS-16-032, 1706.09933), M_T2 (in the
language since the mt2 package; its only uses in the shared papers define veto tracks and stay
``unresolved``, 1705.04673, 1709.09814), Delta eta_jj and m_jj (synthetic, VBF), scalar sums
S_T / L_T (1705.04673, 1709.09814),
Delta phi (1812.06302 between megajets, SUS-16-032 between the MET and the three leading jets).
H_T^miss and alpha_T occur in no shared paper's selection: synthetic sentences only. Two support
classes came with them: a ratio of event yields ("the transfer factor is the ratio between the
number of events in Delta phi_min > 0.4 to ...", "zeta = N(|Delta phi_R| < 2.8) / N(...)":
1812.06302, SUS-16-032) is no selection, and "events are rejected by the requirement that Q < v"
states the kept side (1812.06302).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import awkward as ak
import pytest
import uproot
import vector

from pipeline.extract import extract_selection
from pipeline.parse.document import Document
from pipeline.selection.models import SelectionList
from pipeline.selection.validate import errors_only, validate_selection
from tests.conftest import shared_path
from tests.test_adl_nanoaod import NANOAOD, nanoaod_step_counts
from tests.test_extract_support_classes import _checked, _extracted, _reason


def _cuts(sel: SelectionList) -> set[tuple[str, str, float, str]]:
    return {
        (str(c.variable), str(c.op), float(c.value), str(c.status))  # type: ignore[arg-type]
        for c in sel.all_cuts()
        if c.variable is not None and c.scope == "event"
    }


def _derived(sel: SelectionList) -> dict[str, str]:
    return {d.name: d.expr for d in sel.derived}


# (sentence, (variable, op, value) read and verified, derived name -> expression)
READ = [
    (
        "Jets must have p_T > 50 GeV. The effective mass m_eff, defined as the scalar sum of the "
        "jet pT and E_T^miss, is required to exceed 1500 GeV.",
        {("meff", ">", 1500.0)},
        {"meff": "sum(pt(jets)) + met"},
    ),
    (
        "Events must have at least two jets with p_T > 80 GeV, M_R > 400 GeV and R^2 > 0.25.",
        {("mr", ">", 400.0), ("rsq", ">", 0.25)},
        {"mr": "razor_mr(megajets(jets))", "rsq": "razor_r2(megajets(jets), met_vec)"},
    ),
    (
        "Events must have at least two jets, M R > 500 GeV and R2 > 0.15.",
        {("mr", ">", 500.0), ("rsq", ">", 0.15)},
        {"mr": "razor_mr(megajets(jets))"},
    ),
    (
        "Events must have at least two jets. We require M_{CT} > 170 GeV.",
        {("mct", ">", 170.0)},
        {"mct": "mct(nth(sorted_by_pt(jets), 0), nth(sorted_by_pt(jets), 1))"},
    ),
    (
        "Events with at least two jets are selected, and we require \u03b1_T > 0.52.",
        {("alphat", ">", 0.52)},
        {"alphat": "alpha_t(jets)"},
    ),
    (
        "Events must have at least four jets, H_T^miss > 200 GeV and H_T > 300 GeV.",
        {("mht", ">", 200.0), ("ht", ">", 300.0)},
        {"mht": "pt(mht(jets))", "ht": "sum(pt(jets))"},
    ),
    (
        "Events must have at least four jets and H^miss_T > 250 GeV.",
        {("mht", ">", 250.0)},
        {"mht": "pt(mht(jets))"},
    ),
    (
        "We select events with exactly one muon with p_T > 25 GeV and at least six jets. "
        "We require S_T > 500 GeV.",
        {("st", ">", 500.0)},
        {"st": "sum(pt(jets)) + sum(pt(leptons))"},
    ),
    (
        "We select events with exactly one muon with p_T > 25 GeV. L_T is required to be >250 GeV.",
        {("lt", ">", 250.0)},
        {"lt": "nth(pt(sorted_by_pt(leptons)), 0) + met"},
    ),
    (
        "Events must have at least four jets. The azimuthal angle \u0394\u03c6(j_{1,2,3}, "
        "H_T^miss) > 0.5 is required.",
        {("dphi", ">", 0.5)},
        {"dphi": "min_of(delta_phi(first_n(sorted_by_pt(jets), 3), mht(jets)))"},
    ),
    (
        "Events must have at least two jets. We require \u0394\u03c6_min > 0.4 between the "
        "missing transverse momentum and the three leading jets.",
        {("dphi", ">", 0.4)},
        {"dphi": "min_of(delta_phi(first_n(sorted_by_pt(jets), 3), met_vec))"},
    ),
    (
        "Events must have at least two jets, and the azimuthal angle \u0394\u03c6_R between the "
        "two razor megajets must be less than 2.8.",
        {("dphi", "<", 2.8)},
        {"dphi": "delta_phi(nth(megajets(jets), 0), nth(megajets(jets), 1))"},
    ),
    (
        "Events must have exactly one muon with p_T > 25 GeV. The azimuthal angle \u0394\u03c6 "
        "between the lepton and the W candidate is required to be larger than 0.5.",
        {("dphi", ">", 0.5)},
        {
            "dphi": "delta_phi(nth(sorted_by_pt(leptons), 0), "
            "vector_sum(nth(sorted_by_pt(leptons), 0), met_vec))"
        },
    ),
]


@pytest.mark.parametrize(("sentence", "cuts", "derived"), READ)
def test_named_quantities_read_verified_and_defined(
    sentence: str, cuts: set[tuple[str, str, float]], derived: dict[str, str]
) -> None:
    sel = _extracted(sentence)
    assert {(v, op, x, "verified") for v, op, x in cuts} <= _cuts(sel)
    assert derived.items() <= _derived(sel).items()
    assert not errors_only(validate_selection(sel))


_MEGAJET_MT2 = "mt2(nth(megajets(jets), 0), nth(megajets(jets), 1), met_vec)"
_LEPTON_MT2 = "mt2(nth(sorted_by_pt(leptons), 0), nth(sorted_by_pt(leptons), 1), met_vec)"


@pytest.mark.parametrize(
    ("sentence", "value", "expr"),
    [
        ("Events must have at least two jets. We require MT2 > 200 GeV.", 200.0, _MEGAJET_MT2),
        ("Events are required to have M_{T2} > 100 GeV.", 100.0, _MEGAJET_MT2),
        (  # a lepton veto gives a hadronic search leptons too: M_T2 of leptons only when said
            "Events with an isolated electron or muon are vetoed. We require MT2 > 300 GeV.",
            300.0,
            _MEGAJET_MT2,
        ),
        (
            "Events must contain exactly two leptons with p_T > 25 GeV and M_T2(ll) > 140 GeV.",
            140.0,
            _LEPTON_MT2,
        ),
    ],
)
def test_mt2_is_read_and_defined(sentence: str, value: float, expr: str) -> None:
    """M_T2 is in the language (the mt2 package); it was sent to unresolved as not
    implemented. The definition is the conventional one, recorded for review."""
    sel = _extracted(sentence)
    assert ("mt2", ">", value, "verified") in _cuts(sel)
    assert _derived(sel)["mt2"] == expr
    assert not errors_only(validate_selection(sel))


@pytest.mark.parametrize(
    ("sentence", "cuts", "derived"),
    [
        (  # VBF: Delta eta_jj was read as the eta of every jet (|eta| > 4, verified)
            "The invariant mass of the two leading jets, m_jj, must exceed 500 GeV, and their "
            "pseudorapidity separation |\u0394\u03b7_jj| must be larger than 4.0.",
            {("mjj", ">", 500.0), ("deta", ">", 4.0)},
            {
                "mjj": "mass(nth(sorted_by_pt(jets), 0), nth(sorted_by_pt(jets), 1))",
                "deta": "abs(delta_eta(nth(sorted_by_pt(jets), 0), nth(sorted_by_pt(jets), 1)))",
            },
        ),
        (
            "Jets must have |eta| < 4.7 and the two tagging jets must satisfy "
            "\u0394\u03b7_jj > 3.5.",
            {("deta", ">", 3.5)},
            {"deta": "abs(delta_eta(nth(sorted_by_pt(jets), 0), nth(sorted_by_pt(jets), 1)))"},
        ),
    ],
)
def test_the_separation_of_two_jets_is_no_jet_eta(
    sentence: str, cuts: set[tuple[str, str, float]], derived: dict[str, str]
) -> None:
    sel = _extracted(sentence)
    assert {(v, op, x, "verified") for v, op, x in cuts} <= _cuts(sel)
    assert derived.items() <= _derived(sel).items()
    jet_eta = [c for o in sel.objects for c in o.cuts if c.variable == "eta"]
    assert all(c.value != pytest.approx(4.0) and c.value != pytest.approx(3.5) for c in jet_eta)
    assert not errors_only(validate_selection(sel))


def test_mt2_deta_and_mjj_run_on_real_data(tmp_path: Path) -> None:
    """The definitions compile and run on the shared NanoAOD file; the m_jj and Delta eta_jj
    steps equal the same quantities computed here with vector."""
    sel = _extracted(
        "Events must have at least two jets with p_T > 30 GeV, m_jj > 100 GeV, "
        "\u0394\u03b7_jj > 1.0 and M_T2 > 20 GeV."
    )
    steps = nanoaod_step_counts(sel, tmp_path / "out")
    raw = uproot.open(shared_path(*NANOAOD))["Events"].arrays(
        ["Jet_pt", "Jet_eta", "Jet_phi", "Jet_mass"]
    )
    jets = vector.zip(
        {"pt": raw.Jet_pt, "eta": raw.Jet_eta, "phi": raw.Jet_phi, "mass": raw.Jet_mass}
    )
    jets = jets[jets.pt > 30]
    jets = jets[ak.argsort(jets.pt, axis=1, ascending=False)]
    two = ak.pad_none(jets, 2)
    mjj = ak.fill_none((two[:, 0] + two[:, 1]).mass, 0.0)
    deta = ak.fill_none(abs(two[:, 0].eta - two[:, 1].eta), 0.0)
    assert steps["event_mjj"] == int(ak.sum(mjj > 100)) > 0
    assert steps["event_deta"] == int(ak.sum((mjj > 100) & (deta > 1.0))) > 0
    assert 0 < steps["event_mt2"] <= steps["event_deta"]


def test_delta_phi_needs_a_stated_definition() -> None:
    """'Delta phi(MET, jet) > 0.3' names no leading jets: which jets is not stated, no cut."""
    sel = _extracted(
        "Events must have at least two jets, and \u0394\u03c6(p_T^miss, jet) > 0.3 is required."
    )
    assert not any(c.variable == "dphi" for c in sel.all_cuts())
    assert "dphi" not in _derived(sel)


def test_two_delta_phis_in_one_list_keep_one_name() -> None:
    """The list's dphi is the first one stated; the second is written with its own definition."""
    sel = _extracted(
        "Events must have at least two jets, and the azimuthal angle \u0394\u03c6_R between the "
        "two razor megajets must be less than 2.8. We also require \u0394\u03c6_min > 0.4 between "
        "the missing transverse momentum and the three leading jets."
    )
    assert _derived(sel)["dphi"].startswith("delta_phi(nth(megajets")
    assert ("dphi", "<", 2.8, "verified") in _cuts(sel)
    own = [c for c in sel.all_cuts() if c.expr and "0.4" in c.expr]
    assert [c.expr for c in own] == [
        "min_of(delta_phi(first_n(sorted_by_pt(jets), 3), met_vec)) > 0.4"
    ]
    assert own[0].status == "verified"


# a cut on another quantity than the one the clause names stays unverified
WRONG_QUANTITY = [
    ("Events must have H_T^miss > 200 GeV.", {"variable": "ht", "op": ">", "value": 200}),
    ("Events must have H_T^miss > 200 GeV.", {"variable": "met", "op": ">", "value": 200}),
    ("We require M_{T2} > 100 GeV.", {"variable": "mt", "op": ">", "value": 100}),
    ("We require M_CT > 170 GeV.", {"variable": "mt", "op": ">", "value": 170}),
    ("We require M_CT > 170 GeV.", {"variable": "mass", "op": ">", "value": 170}),
    ("We require M_R > 400 GeV.", {"variable": "mass", "op": ">", "value": 400}),
    ("We require R^2 > 0.25.", {"variable": "mr", "op": ">", "value": 0.25}),
    ("We require S_T > 500 GeV.", {"variable": "ht", "op": ">", "value": 500}),
    ("Instead, L_T is required to be >250 GeV.", {"variable": "met", "op": ">", "value": 250}),
    ("The invariant mass must exceed 100 GeV.", {"variable": "met", "op": ">", "value": 100}),
    # the quantity closest to the comparison is the last argument of the one it binds to
    (
        "The transverse mass m_T of the lepton and E_T^miss must be larger than 150 GeV.",
        {"variable": "met", "op": ">", "value": 150},
    ),
    (
        "The effective mass m_eff, defined as the scalar sum of the jet pT and E_T^miss, is "
        "required to exceed 1500 GeV.",
        {"variable": "met", "op": ">", "value": 1500},
    ),
    (
        "The effective mass m_eff, defined as the scalar sum of the jet pT and E_T^miss, is "
        "required to exceed 1500 GeV.",
        {"variable": "pt", "op": ">", "value": 1500},
    ),
]


@pytest.mark.parametrize(
    ("sentence", "absent", "present"),
    [
        (  # the quantity of the sum is written in words only: no cut on an argument
            "The sum of the jet pT and E_T^miss must exceed 1000 GeV.",
            {("met", ">", 1000.0), ("pt", ">", 1000.0)},
            set(),
        ),
        (  # "of Delta R > 0.5": the value of the quantity, not an argument
            "The photons are required to have an angular distance in the eta-phi plane of "
            "Delta R > 0.5 to the nearest jet.",
            {("eta", ">", 0.5)},
            set(),
        ),
        (  # "between H_T^miss and ...": the angle, not H_T^miss; "highest-pT" ranks the jets
            "The angle Delta phi between H_T^miss and each of the four highest-pT jets must be "
            "larger than 0.5, 0.5, 0.3, 0.3 radians, respectively.",
            {("mht", ">", 0.5), ("pt", ">", 0.5), ("pt", ">", 0.3)},
            set(),
        ),
        (  # an appositive symbol names the sum: no argument
            "The scalar sum of the transverse momenta of all jets , H_T, must be larger than 400 "
            "GeV.",
            {("pt", ">", 400.0)},
            {("ht", ">", 400.0)},
        ),
        (  # the last term of a sum: not a cut on that term
            "Events are required to have S_T^gamma = E_T^gamma + sum of jet pT > 600 GeV.",
            {("pt", ">", 600.0), ("ht", ">", 600.0)},
            set(),
        ),
        (  # H_T written in words
            "The scalar sum of jet pT is required to be above 300 GeV.",
            {("pt", ">", 300.0)},
            {("ht", ">", 300.0)},
        ),
        (
            "The sum of the pT of all jets must exceed 500 GeV.",
            {("pt", ">", 500.0)},
            {("ht", ">", 500.0)},
        ),
        (  # a condition at the head of the sentence
            "For events with H_T > 1000 GeV, the E_T^miss requirement is relaxed to 100 GeV.",
            {("ht", ">", 1000.0)},
            set(),
        ),
        (  # a ratio of two quantities: not a cut on the divisor
            "We require the ratio E_T^miss/sqrt(H_T) to be greater than 15 GeV^1/2.",
            {("ht", ">", 15.0), ("met", ">", 15.0)},
            set(),
        ),
        (
            "Events must satisfy E_T^miss/sqrt(H_T) > 15 GeV^1/2 and H_T > 500 GeV.",
            {("ht", ">", 15.0)},
            {("ht", ">", 500.0)},
        ),
        (  # "of at least 4 and E_T^miss": a count, then another requirement
            "Events are required to have a jet multiplicity of at least 4 and E_T^miss > 200 GeV.",
            set(),
            {("met", ">", 200.0)},
        ),
    ],
)
def test_an_argument_of_a_quantity_is_not_the_quantity_cut(
    sentence: str, absent: set[tuple[str, str, float]], present: set[tuple[str, str, float]]
) -> None:
    sel = _extracted(sentence)
    cuts = {(str(c.variable), str(c.op), float(c.value)) for c in sel.all_cuts() if c.variable}  # type: ignore[arg-type]
    assert not absent & cuts, cuts
    assert present <= cuts, cuts


@pytest.mark.parametrize(("quote", "form"), WRONG_QUANTITY)
def test_cut_on_another_quantity_is_not_verified(quote: str, form: dict) -> None:  # type: ignore[type-arg]
    cut = _checked(quote, form)
    assert cut.status == "unverified", quote
    assert "bind to" in _reason(cut) or "no comparison" in _reason(cut)


@pytest.mark.parametrize(
    ("quote", "form"),
    [
        ("We require M_CT > 170 GeV.", {"variable": "mct", "op": ">", "value": 170}),
        ("Events must have H^miss_T > 250 GeV.", {"variable": "mht", "op": ">", "value": 250}),
        ("We require \u03b1_T > 0.52.", {"variable": "alphat", "op": ">", "value": 0.52}),
        ("We require R2 > 0.15.", {"variable": "rsq", "op": ">", "value": 0.15}),
    ],
)
def test_cut_on_the_named_quantity_is_verified(quote: str, form: dict) -> None:  # type: ignore[type-arg]
    assert _checked(quote, form).status == "verified"


YIELD_RATIO = [
    (
        "The transfer factor (T_QCD) is the ratio between the number of QCD multijet events in "
        "\u0394\u03c6_min > 0.4 to the number of events with \u0394\u03c6_min < 0.4.",
        {"variable": "dphi", "op": ">", "value": 0.4},
    ),
    (
        "We then predict the number of QCD multijet events via the transfer factor \u03b6, "
        "defined as \u03b6 = N(|\u0394\u03c6_R| < 2.8) / N(|\u0394\u03c6_R| > 2.8).",
        {"variable": "dphi", "op": ">", "value": 2.8},
    ),
]


@pytest.mark.parametrize(("quote", "form"), YIELD_RATIO)
def test_a_ratio_of_yields_is_no_selection(quote: str, form: dict) -> None:  # type: ignore[type-arg]
    cut = _checked(quote, form)
    assert cut.status == "unverified"
    assert "ratio of event yields" in _reason(cut)


def test_rejected_by_the_requirement_states_the_kept_side() -> None:
    quote = (
        "A large fraction of QCD multijet events are rejected by the requirement that the "
        "azimuthal angle \u0394\u03c6_R between the two razor megajets is less than 2.8."
    )
    assert _checked(quote, {"variable": "dphi", "op": "<", "value": 2.8}).status == "verified"
    assert _checked(quote, {"variable": "dphi", "op": ">=", "value": 2.8}).status == "unverified"
    vetoed = "Events are rejected if \u0394\u03c6_R is less than 2.8."
    assert _checked(vetoed, {"variable": "dphi", "op": "<", "value": 2.8}).status == "unverified"


@cache
def _paper(*parts: str) -> SelectionList:
    from pipeline.parse import parse_document

    doc: Document = parse_document(shared_path("corpus", *parts))
    return extract_selection(doc, backend="rules", cited_depth=0)


RAZOR = ("adl", "CMS-SUS-16-017", "1812.06302.pdf")
SUS16032 = ("adl", "CMS-SUS-16-032", "SUS-16-032-paper-v27.pdf")
WH = ("adl", "CMS-SUS-16-043", "1706.09933.pdf")
MJ = ("adl", "CMS-SUS-16-037", "1705.04673.pdf")
ONE_LEPTON = ("adl", "CMS-SUS-16-042", "1709.09814.pdf")


@pytest.mark.parametrize(
    ("parts", "variable", "op", "value", "status"),
    [
        (RAZOR, "mr", ">=", 800.0, "unverified"),  # "five bins in M_R, starting from 800 GeV"
        (RAZOR, "rsq", ">=", 0.08, "unverified"),
        (RAZOR, "dphi", "<", 2.8, "verified"),  # rejected by the requirement that ... < 2.8
        (RAZOR, "dphi", ">", 2.8, "unverified"),  # the transfer factor zeta = N(...) / N(...)
        (SUS16032, "mct", ">", 150.0, "verified"),  # "A minimum requirement of 150 GeV on M_CT"
        (SUS16032, "dphi", ">", 0.4, "verified"),  # the closest of the three leading jets
        (WH, "mct", ">", 170.0, "verified"),
        (ONE_LEPTON, "lt", ">", 250.0, "verified"),
        # S_T read; its sentence's "no veto tracks" is still taken for a veto (left open)
        (MJ, "st", ">", 500.0, None),
    ],
)
def test_named_quantities_on_papers(
    parts: tuple[str, ...], variable: str, op: str, value: float, status: str | None
) -> None:
    sel = _paper(*parts)
    found = [
        c
        for c in sel.all_cuts()
        if c.variable == variable and c.op == op and c.value == pytest.approx(value)
    ]
    assert found, f"{variable} {op} {value} not read"
    if status is not None:
        assert status in {str(c.status) for c in found}
    assert variable in _derived(sel)
    assert not errors_only(validate_selection(sel))


@pytest.mark.parametrize("parts", [MJ, ONE_LEPTON])
def test_mt2_of_veto_tracks_on_papers_is_unresolved(parts: tuple[str, ...]) -> None:
    """1705.04673 and 1709.09814 cut on the M_T2 of a lepton and a track to define veto tracks:
    no event cut, and the reason says so (it said 'did you mean mt')."""
    sel = _paper(*parts)
    assert not any(c.variable == "mt2" for c in sel.all_cuts())
    assert any("defines the veto tracks" in u.reason for u in sel.unresolved)


def test_razor_sentence_cut_by_captions_is_read_whole_and_stays_out_of_the_signal() -> None:
    """'Selected events must pass a single-photon trigger, have' / two figure captions / 'two jets
    with pT > 80 GeV, and have M_R > 400 GeV and R^2 > 0.25.': the parser puts the captions after
    the sentence, which belongs to the gamma+jets control sample, so none of its cuts is a
    verified cut of the signal selection."""
    sel = _paper(*RAZOR)
    in_regions = {c.id for region in sel.regions for c in region.cuts}
    quoted = [
        c
        for c in sel.all_cuts()
        if c.provenance is not None
        and ("single-photon trigger" in (c.provenance.quote or "") or
             (c.provenance.quote or "").startswith("two jets"))
    ]  # fmt: skip
    assert not any(c.provenance.quote.startswith("two jets") for c in quoted)  # type: ignore[union-attr]
    assert not [c for c in quoted if c.status == "verified" and c.id not in in_regions]


# 'veto' naming a kind of object ("no veto tracks", "veto leptons") vetoes nothing by itself; the
# verb still does ("events with one or more veto leptons are rejected")
@pytest.mark.parametrize(
    ("quote", "form", "status"),
    [
        (
            "We select events with exactly one muon, no veto tracks, H_T > 500 GeV and at least "
            "four jets.",
            {"variable": "ht", "op": ">", "value": 500},
            "verified",
        ),
        (
            "We select events with exactly one muon, no veto tracks, H_T > 500 GeV and at least "
            "four jets.",
            {"variable": "ht", "op": "<=", "value": 500},
            "unverified",
        ),
        (
            "Events with veto leptons and H_T > 500 GeV are rejected.",
            {"variable": "ht", "op": ">", "value": 500},
            "unverified",
        ),
    ],
)
def test_veto_as_the_name_of_objects(quote: str, form: dict, status: str) -> None:  # type: ignore[type-arg]
    assert _checked(quote, form).status == status


def test_veto_objects_on_papers() -> None:
    """1705.04673: 'exactly one isolated charged lepton ..., no veto tracks, S_T > 500 GeV,
    p^miss_T > 200 GeV, and at least six small-R jets' states what is kept; 1709.09814: 'events
    with one or more veto leptons are rejected' still vetoes."""
    kept = {
        (c.variable or c.expr, str(c.status))
        for c in _paper(*MJ).all_cuts()
        if c.provenance is not None and "no veto tracks" in (c.provenance.quote or "")
    }
    assert {("st", "verified"), ("met", "verified"), ("count(jets) >= 6", "verified")} <= kept
    vetoed = [
        c
        for c in _paper(*ONE_LEPTON).all_cuts()
        if c.expr == "count(leptons) == 0"
        and c.provenance is not None
        and "veto leptons are rejected" in (c.provenance.quote or "")
    ]
    assert vetoed and vetoed[0].status == "verified"


def test_one_value_per_object_is_no_cut_on_an_event_quantity() -> None:
    """'... each of the four highest-pT jets must be larger than 0.5, 0.5, 0.3, 0.3 radians,
    respectively': a value per jet, which one Delta phi cut does not state."""
    quote = (
        "The angle Delta phi between H_T^miss and each of the four highest-pT jets must be "
        "larger than 0.5, 0.5, 0.3, 0.3 radians, respectively."
    )
    sel = _extracted(quote)
    found = [c for c in sel.all_cuts() if c.variable == "dphi"]
    assert found and all(c.status == "unverified" for c in found)
    assert all("one per object" in _reason(c) for c in found)
    cut = _checked(
        "The leading and subleading leptons must have p_T > 25 and 20 GeV, respectively.",
        {"expr": "nth(sort_desc(pt(leptons)), 0) > 25"},
    )
    assert cut.status == "verified", _reason(cut)  # values that are ranks stay verified

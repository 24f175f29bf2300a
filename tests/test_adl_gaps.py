"""ADL import: each class of construct is either represented with its meaning or reported as a
named gap (with its line) that docs/selection-language.md lists under "Known gaps in ADL import"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SHARED, shared_path

from pipeline.selection.adl import from_adl, to_adl
from pipeline.selection.expr import cut_expression, same_meaning

DOCS = Path(__file__).resolve().parents[1] / "docs" / "selection-language.md"
HEAD = (
    "object muons\n  take Muon\n  select pt > 10\nobject electrons\n  take Electron\n"
    "object jets\n  take Jet\n  select pt > 30\n"
)


def _region(*lines: str) -> str:
    return "region SR\n" + "".join(f"  {line}\n" for line in lines)


def _gap_of(entry: str) -> str:
    match = re.search(r": \[([a-z][^\]]*)\] ", entry)
    assert match, f"no gap class in {entry!r}"
    return match.group(1)


def _documented_gaps() -> set[str]:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Known gaps in ADL import", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| \*\*([^*]+)\*\* \|", section, re.MULTILINE))


def test_braced_sum_of_several_objects_is_the_mass_of_the_sum() -> None:
    """CutLang ``{a[0] a[1]}m`` is m(a[0] + a[1]), also inside a condition ``c ? x : y``."""
    sel, missing = from_adl(
        HEAD
        + _region(
            "select size(muons) == 2 ? abs({muons[0] muons[1]}m - 91.2) < 10 : "
            "abs({electrons[0] electrons[1]}m - 91.2) < 10",
            "select {jets[0] + jets[1]}pT > 100",
        )
    )
    assert missing == []
    z, pt = (cut_expression(c) for c in sel.selection)
    assert same_meaning(
        z,
        "(count(muons) == 2 and abs(mass(nth(muons, 0), nth(muons, 1)) - 91.2) < 10) or "
        "(not count(muons) == 2 and abs(mass(nth(electrons, 0), nth(electrons, 1)) - 91.2) < 10)",
    )
    assert same_meaning(pt, "pt_of(nth(jets, 0), nth(jets, 1)) > 100")
    back, again = from_adl(to_adl(sel))
    assert again == []
    assert all(
        same_meaning(cut_expression(c), e) for c, e in zip(back.selection, [z, pt], strict=True)
    )


def test_braced_sum_keeps_other_properties_unrepresented() -> None:
    """The eta of a sum has no spelling in ADL's brace form we could trust: refused, not guessed."""
    sel, missing = from_adl(HEAD + _region("select {jets[0] jets[1]}eta > 1"))
    assert not sel.selection[0].executable and len(missing) == 1


@pytest.mark.parametrize(
    ("statement", "gap"),
    [
        ("select msoftdrop(jets[0]) > 65", "field of another kind of object"),
        ("select jets[0].tau2 / jets[0].tau1 < 0.4", "field of another kind of object"),
        ("select jets[0].tau21 < 0.4", "large-R jet substructure"),
        ("select jets[0].cTag == 1", "tagger outputs outside the canonical content"),
        ("select TauTag(jets[0]) == 1", "tagger outputs outside the canonical content"),
        ("select HT01 > 100", "four-vector sum used as a number"),
        ("select size(jets > 2)", "object used as a number"),
        ("select size(jets) == 2 ? undefinedx > 0.4 : met > 10", "name undefined in the ADL file"),
        ("select LepT > 250", "name undefined in the ADL file"),
        ("select met > 10 ?", "condition without a branch"),
    ],
)
def test_event_cut_gaps_are_named_with_their_line(statement: str, gap: str) -> None:
    text = "#define LepT = leptons[0].pT + MET.pT\ndefine HT01 = jets[0] + jets[1]\n"
    sel, missing = from_adl(HEAD + text + _region(statement))
    cut = sel.selection[-1]
    assert not cut.executable and cut.text == f"ADL: {statement}" and gap in (cut.notes or "")
    line = (HEAD + text + _region(statement)).splitlines().index(f"  {statement}") + 1
    assert [_gap_of(m) for m in missing] == [gap] and missing[0].startswith(f"line {line}: ")


def test_commented_definition_is_pointed_at() -> None:
    _, missing = from_adl("#define LepT = leptons[0].pT\n" + HEAD + _region("select LepT > 1"))
    assert "defined only in a comment (line 1)" in missing[0]


@pytest.mark.parametrize(
    ("block", "gap"),
    [
        (
            "object cleanjets\n  take jets\n  select dR(jets_, electrons_) >= 0.4 OR "
            "{electrons_}Pt/{jets_}Pt ][ 0.5 2.0\n",
            "pairwise condition between collections",
        ),
        (  # both conditions must hold for the same photon: not min_delta_r and a separate pt
            "object photons\n  take Photon\n"
            "object cleanjets\n  take jets\n  reject dR(jets, photons) < 0.4 and "
            "photons.pt / jets.pt [] 0.5 2.0\n",
            "pairwise condition between collections",
        ),
        (
            "object mega\n  take jets\n  select fmegajets(jets) == 2\n",
            "collection-building function as a condition",
        ),
    ],
)
def test_object_cut_gaps_are_named(block: str, gap: str) -> None:
    sel, missing = from_adl(HEAD + block + _region("select size(jets) >= 1"))
    obj = sel.objects[-1]
    assert not obj.cuts[0].executable and gap in (obj.cuts[0].notes or "")
    assert [_gap_of(m) for m in missing] == [gap]


def test_tau_objects_and_large_r_jets_are_collections() -> None:
    """Since 1.1.0 taus and AK8 jets are canonical collections; before, both were named gaps."""
    text = (
        "object taus\n  take Tau\n  select pt > 18\n  select idMVAnewDM2017v2 >= 4\n"
        "object wjets\n  take FatJet\n  select msoftdrop [] 65 105\n  select tau2 / tau1 <= 0.4\n"
    )
    sel, missing = from_adl(HEAD + text + _region("select size(taus) == 0 and size(wjets) >= 1"))
    assert missing == []
    taus, wjets = sel.objects[-2:]
    assert (taus.kind, wjets.kind) == ("tau", "fatjet")
    assert [cut_expression(c) for c in taus.cuts] == ["pt > 18", "id_mva >= 4"]
    expected = ["65 <= msoftdrop and msoftdrop <= 105", "tau2 / tau1 <= 0.4"]
    assert all(
        same_meaning(cut_expression(c), e) for c, e in zip(wjets.cuts, expected, strict=True)
    )


def test_reclustering_and_undefined_takes_are_named_gaps() -> None:
    text = (
        "define large = antikT(jets, 1.2)\nobject vetoe\n  take Elec tron\n"
        "object vetol\n  take vetoe\n  take muons\n"
    )
    _, missing = from_adl(HEAD + text + _region("select size(jets) >= 1"))
    assert sorted(_gap_of(m) for m in missing) == [
        "built on an unrepresented definition",
        "jet reclustering",
        "name undefined in the ADL file",
    ]


def test_every_gap_class_is_documented() -> None:
    from pipeline.selection import adl_import
    from pipeline.selection.adl_text import KNOWN_GAPS

    classes = {gap for gap, _ in KNOWN_GAPS.values()} | {
        value for name, value in vars(adl_import).items() if name.startswith("GAP_")
    }
    assert classes == _documented_gaps()


ADL_FILES = sorted(
    str(p.relative_to(SHARED / "corpus" / "adl"))
    for p in (SHARED / "corpus" / "adl").glob("*/*.adl")
)


@pytest.mark.parametrize("name", ADL_FILES)
def test_what_a_shared_file_leaves_out_is_a_documented_gap(name: str) -> None:
    path = shared_path("corpus", "adl", *name.split("/"))
    _, missing = from_adl(path.read_text(encoding="utf-8"), source=path.name)
    documented = _documented_gaps()
    for entry in missing:
        assert re.match(r"line \d+: ", entry) and _gap_of(entry) in documented, entry


def test_met_in_an_object_cut_is_not_another_collection() -> None:
    """MET is one object per event: an object's cut on dphi(jet, MET) is not pairwise."""
    block = "object aligned\n  take jets\n  select abs(dphi(jets.phi, MET.phi)) > 0.4\n"
    _, missing = from_adl(HEAD + block + _region("select size(jets) >= 1"))
    assert not [m for m in missing if "pairwise" in m]

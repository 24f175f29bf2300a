"""``reproduce validate | show | diff | adl | schema`` as real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import shared_path

ROOT = Path(__file__).resolve().parents[1]
HZZ = ROOT / "papers" / "arXiv-1712.02304" / "selection.reviewed.json"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd or ROOT,
    )


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_validate_good_file() -> None:
    result = run("validate", str(HZZ))
    assert result.returncode == 0, result.stderr
    assert "valid (0 errors, 0 warnings)" in result.stdout


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {
                "paper": {"id": "x"},
                "selection": [{"id": "a", "description": "", "expr": "x.y > 1"}],
            },
            "attribute access",
        ),
        (
            {
                "paper": {"id": "x"},
                "selection": [{"id": "a", "description": "", "expr": "lambda: 1"}],
            },
            "lambda",
        ),
        (
            {
                "paper": {"id": "x"},
                "selection": [{"id": "a", "description": "", "expr": "count(jest) > 1"}],
            },
            "unknown name 'jest'",
        ),
        (
            {"paper": {"id": "x"}, "selection": [{"id": "a", "description": "", "expr": 5}]},
            "$.selection[0].expr",
        ),
        ({"paper": {"id": "x"}, "bogus": 1}, "Additional properties"),
        (
            {
                "paper": {"id": "x"},
                "objects": [
                    {
                        "name": "electrons",
                        "kind": "electron",
                        "cuts": [
                            {
                                "id": "e",
                                "description": "",
                                "scope": "object",
                                "target": "electrons",
                                "variable": "eta",
                                "op": "<",
                                "value": 2.5,
                                "unit": "GeV",
                            }
                        ],
                    }
                ],
            },
            "dimensionless",
        ),
    ],
)
def test_validate_bad_files(tmp_path: Path, data: object, expected: str) -> None:
    result = run("validate", str(_write(tmp_path / "bad.json", data)))
    assert result.returncode == 1
    assert expected in result.stdout and "invalid" in result.stdout
    assert "Traceback" not in result.stderr


def test_validate_json_output_and_missing_file(tmp_path: Path) -> None:
    result = run("validate", "--json", str(HZZ), str(tmp_path / "nope.json"))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["files"][str(HZZ)] == []
    assert "does not exist" in report["files"][str(tmp_path / "nope.json")][0]["message"]


def test_show_selection_table() -> None:
    result = run("show", str(HZZ))
    assert result.returncode == 0, result.stderr
    for text in (
        "Cutflow",
        "mass_window",
        "118 < m4l < 129",
        "interp(m4l, [140, 190], [12, 50])",
        "reviewed",
        "Assumption ledger",
        "isolation_cones",
        "Unresolved",
        "best: minimise",
    ):
        assert text in result.stdout, text


def test_show_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run("show", str(tmp_path / "nothing.json"))
    assert (
        result.returncode == 2
        and "does not exist" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_diff(tmp_path: Path) -> None:
    data = json.loads(HZZ.read_text(encoding="utf-8"))
    data["selection"][-1]["expr"] = "115 < m4l < 130"
    data["selection"].pop(0)
    other = _write(tmp_path / "other.json", data)
    same = run("diff", str(HZZ), str(HZZ))
    assert same.returncode == 0 and "no semantic differences" in same.stdout
    result = run("diff", str(HZZ), str(other))
    assert result.returncode == 1
    assert "- removed cut trigger" in result.stdout and "115 < m4l < 130" in result.stdout
    as_json = json.loads(run("diff", "--json", str(HZZ), str(other)).stdout)
    assert as_json["identical"] is False and as_json["removed"] == ["trigger"]


def test_schema_commands() -> None:
    assert run("schema", "--check").returncode == 0
    schema = json.loads(run("schema").stdout)
    assert schema["title"] == "SelectionList"


def test_adl_import_export(tmp_path: Path) -> None:
    adl = shared_path("corpus", "adl", "CMS-SUS-16-035", "CMS-SUS-16-035_CutLang.adl")
    out = tmp_path / "sel.json"
    result = run("adl", "import", str(adl), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "22 cuts (22 represented, 100%), 0 constructs not represented" in result.stderr
    assert (
        "not represented: line" not in result.stderr
    )  # dR(Jet, leptons) is min_delta_r(leptons) now
    assert run("validate", str(out)).returncode == 0
    exported = run("adl", "export", str(out))
    assert (
        exported.returncode == 0
        and "object muons" in exported.stdout
        and "region baseline" not in exported.stdout
    )
    assert "region cutflow" in exported.stdout
    missing = run("adl", "import", str(tmp_path / "none.adl"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr


def test_show_a_paper_goes_to_the_document_viewer(tmp_path: Path) -> None:
    pdf = shared_path("corpus", "papers", "arXiv-1402.4735.pdf")
    result = run("show", str(pdf))
    assert result.returncode == 0, result.stderr
    assert "Searching for Exotic Particles" in result.stdout
    other = run(
        "show",
        str(_write(tmp_path / "doc.json", {"text": "neither a selection list nor a document"})),
    )
    assert other.returncode != 0 and "error:" in other.stderr and "Traceback" not in other.stderr


def test_show_lists_the_observables_and_their_binning() -> None:
    bench = (
        Path(__file__).resolve().parent.parent / "papers" / "adl-benchmarks" / "benchmark-6.json"
    )
    result = run("show", str(bench))
    assert result.returncode == 0, result.stderr
    for text in ("Observables", "top_max_btag", "100 bins, 0 to 400", "50 bins, 0 to 1"):
        assert text in result.stdout, text

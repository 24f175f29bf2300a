"""The review web app over HTTP: a real ``reproduce serve`` subprocess on 127.0.0.1, real
requests."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pymupdf
import pytest

from pipeline.review.sources import ZOOM
from pipeline.selection.store import load_selection
from tests.conftest import shared_path
from tests.test_review_helpers import PAPER, ROOT, build_run, serving

# a traversal out of the checkout to a directory that exists, wherever the checkout is
TO_ETC = os.path.relpath("/etc", ROOT)

RUNS = ("run-state", "run-stale", "run-invalid", "run-add", "run-png")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("webhome")
    for run_id in RUNS:
        build_run(home, run_id)
    return home


@pytest.fixture(scope="module")
def base(home: Path) -> Iterator[str]:
    with serving(home) as url:
        yield url


def api(base: str, run_id: str) -> str:
    return f"{base}/api/r/1312.1956/{run_id}"


def post(base: str, run_id: str, payload: dict) -> httpx.Response:
    return httpx.post(api(base, run_id) + "/decision", json=payload, timeout=30)


def raw_get(base: str, path: str, host: str | None = None) -> tuple[int, bytes]:
    """GET ``path`` byte for byte (http.client does not normalise '..' the way browsers do)."""
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.putrequest("GET", path, skip_host=host is not None)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_index_lists_runs_and_page_loads(base: str) -> None:
    index = httpx.get(base + "/", timeout=10)
    assert index.status_code == 200
    assert all(f"/r/1312.1956/{run_id}/" in index.text for run_id in RUNS)
    page = httpx.get(base + "/r/1312.1956/run-state/", timeout=10)
    assert page.status_code == 200
    assert 'data-api="/api/r/1312.1956/run-state"' in page.text
    assert "http://" not in page.text and "https://" not in page.text  # self-contained, no CDN
    assert (
        httpx.get(base + "/static/review.js", timeout=10)
        .headers["content-type"]
        .startswith("text/javascript")
    )


def test_state_lists_every_cut(base: str) -> None:
    state = httpx.get(api(base, "run-state") + "/state", timeout=10).json()
    assert state["version"] == 0 and state["undecided"] == 12
    rows = {row["id"]: row for row in state["cuts"]}
    assert list(rows)[:3] == ["el_pt", "el_eta", "el_crack"]
    assert rows["el_eta"]["machine"] == "electrons: abs(eta) < 2.47"
    assert rows["bjet_pt"]["status"] == "unverified" and rows["bjet_pt"]["agreement"] == 0.4
    assert rows["mu_iso"]["quote"] == "Muons with Iµ < 0.05 are selected."
    assert state["assumptions"][0]["id"] == "btag_wp"
    assert "region:CR3" in state["containers"]


def _highlight_share(png: bytes, box: list[float]) -> float:
    pix = pymupdf.Pixmap(png)
    x0, y0, x1, y1 = (int(v * ZOOM) for v in box)
    tinted = total = 0
    for y in range(y0 + 2, y1 - 2, 2):
        for x in range(x0 + 2, x1 - 2, 3):
            r, g, b = pix.pixel(x, y)[:3]
            total += 1
            tinted += r > 230 and g > 200 and b < 200
    return tinted / max(total, 1)


@pytest.mark.parametrize(
    "cut_id, page, method",
    [("el_pt", 4, "bbox"), ("el_crack", 4, "search"), ("cr3_bjets", 6, "search")],
)
def test_page_png_shows_the_quote_highlighted(
    base: str, cut_id: str, page: int, method: str
) -> None:
    source = httpx.get(api(base, "run-png") + f"/source/{cut_id}", timeout=30).json()
    assert (source["page"], source["method"], source["found"], source["image"]) == (
        page,
        method,
        True,
        True,
    )
    png = httpx.get(api(base, "run-png") + f"/page/{cut_id}.png", timeout=30)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert _highlight_share(png.content, source["boxes"][0]) > 0.3
    with pymupdf.open(shared_path(*PAPER)) as doc:  # the same page without the highlight
        plain = (
            doc[page - 1].get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), alpha=False).tobytes("png")
        )
    assert _highlight_share(plain, source["boxes"][0]) < 0.05


TRAVERSALS = [
    "/r/../../etc/passwd",
    "/r/..%2F..%2Fetc/passwd/",
    "/api/r/..%2F..%2F..%2Fetc/passwd/state",
    "/api/r/1312.1956/..%2F..%2F..%2Fetc/state",
    "/api/r/1312.1956/%2e%2e/state",
    "/api/r/%2e%2e/%2e%2e/state",
    "/api/r/1312.1956/run-state/page/..%2F..%2F..%2F..%2Fetc%2Fpasswd.png",
    "/api/r/1312.1956/run-state/source/..%2Fdocument.json",
    "/static/..%2F..%2F..%2Fpipeline%2Freview%2Fweb%2Fapp.py",
    "/static/review.html",
    "/api/r/1312.1956/run-state/../../../../etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_is_refused(base: str, path: str) -> None:
    status, body = raw_get(base, path)
    assert status in (400, 404), (path, status)
    assert b"root:" not in body and b"build_app" not in body and b"sha256" not in body


@pytest.mark.parametrize("host", ["evil.example", "attacker.test:8765"])
def test_foreign_host_header_is_refused(base: str, host: str) -> None:
    status, _ = raw_get(base, "/api/r/1312.1956/run-state/state", host=host)
    assert status == 400


def test_unknown_run_and_cut_are_404_with_a_message(base: str) -> None:
    missing = httpx.get(base + "/api/r/1312.1956/run-nope/state", timeout=10)
    assert missing.status_code == 404 and "run-nope" in missing.json()["error"]
    cut = httpx.get(api(base, "run-state") + "/source/el_ptt", timeout=10)
    assert cut.status_code == 404 and "el_ptt" in cut.json()["error"]


def test_stale_save_is_refused_with_409_and_no_edit_is_lost(base: str, home: Path) -> None:
    first = post(
        base,
        "run-stale",
        {"base_version": 0, "action": "edit", "cut_id": "el_pt", "changes": {"value": "26"}},
    )
    assert first.status_code == 200 and first.json()["version"] == 1
    stale = post(
        base,
        "run-stale",
        {"base_version": 0, "action": "edit", "cut_id": "mu_pt", "changes": {"value": "27"}},
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 1 and "not saved" in stale.json()["error"]
    retry = post(
        base,
        "run-stale",
        {"base_version": 1, "action": "edit", "cut_id": "mu_pt", "changes": {"value": "27"}},
    )
    assert retry.status_code == 200 and retry.json()["version"] == 2
    run_dir = home / "outputs" / "1312.1956" / "run-stale"
    cuts = {c.id: c for c in load_selection(run_dir / "selection.reviewed.json").all_cuts()}
    assert (cuts["el_pt"].value, cuts["mu_pt"].value) == (26.0, 27.0)
    log = httpx.get(api(base, "run-stale") + "/log", timeout=10).json()
    # the server's reviewer, never a name from the request (tests/test_review_web_hardening.py)
    assert [(e["who"], e["cut"], e["version"]) for e in log] == [
        ("server-default", "el_pt", 1),
        ("server-default", "mu_pt", 2),
    ]
    diff = {d["id"]: d for d in httpx.get(api(base, "run-stale") + "/diff", timeout=10).json()}
    assert diff["mu_pt"]["fields"]["value"] == [25.0, 27.0]


@pytest.mark.parametrize(
    "payload, status, words",
    [
        (
            {
                "base_version": 0,
                "action": "edit",
                "cut_id": "el_pt",
                "changes": {"op": "between", "value": "25"},
            },
            422,
            "needs value",
        ),
        (
            {
                "base_version": 0,
                "action": "edit",
                "cut_id": "four_jets",
                "changes": {"expr": "count(jetz) >= 4"},
            },
            422,
            "jetz",
        ),
        (
            {"base_version": 0, "action": "edit", "cut_id": "el_pt", "changes": {"unit": "parsec"}},
            422,
            "unknown unit",
        ),
        (
            {"base_version": 0, "action": "edit", "cut_id": "el_pt", "changes": {"id": "x"}},
            400,
            "cannot edit",
        ),
        ({"base_version": 0, "action": "explode", "cut_id": "el_pt"}, 400, "malformed"),
        ({"action": "approve", "cut_id": "el_pt"}, 400, "malformed"),
        ({"base_version": 0, "action": "approve", "cut_id": "nope"}, 404, "nope"),
    ],
)
def test_invalid_decisions_are_refused_and_nothing_is_saved(
    base: str, home: Path, payload: dict, status: int, words: str
) -> None:
    response = post(base, "run-invalid", payload)
    assert response.status_code == status, response.text
    assert words in response.json()["error"]
    run_dir = home / "outputs" / "1312.1956" / "run-invalid"
    assert (
        not (run_dir / "selection.reviewed.json").exists()
        and not (run_dir / "review" / "review_log.jsonl").exists()
    )


def test_decision_must_be_json(base: str) -> None:
    form = httpx.post(
        api(base, "run-invalid") + "/decision",
        data={"base_version": "0", "action": "approve"},
        timeout=10,
    )
    assert form.status_code == 415


def test_add_missing_cut_through_the_api(base: str, home: Path) -> None:
    quote = "Jets from additional pp interactions are suppressed"
    response = post(
        base,
        "run-add",
        {
            "base_version": 0,
            "action": "add",
            "cut_id": "jet_jvf",
            "into": "object:jets",
            "quote": "Jets from additional pp interactions are sup-pressed",
            "page": 3,
            "changes": {"description": "jet vertex fraction", "text": quote},
        },
    )
    assert response.status_code == 200, response.text
    after = response.json()["entry"]["after"]
    assert (
        after["provenance"]["page"] == 3
        and after["provenance"]["bbox"]
        and after["status"] == "reviewed"
    )
    source = httpx.get(api(base, "run-add") + "/source/jet_jvf", timeout=30).json()
    assert source["found"] and source["method"] == "bbox"


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REPRO_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_single_run_server_serves_only_that_run(repro_home: Path) -> None:
    build_run(repro_home, "run-1")
    build_run(repro_home, "run-2")
    with serving(repro_home, "1312.1956/run-1") as url:
        index = httpx.get(url + "/", timeout=10)
        assert index.status_code == 302 and index.headers["location"] == "/r/1312.1956/run-1/"
        other = httpx.get(url + "/api/r/1312.1956/run-2/state", timeout=10)
        assert other.status_code == 400 and "only run 1312.1956/run-1" in other.json()["error"]
        assert httpx.get(url + "/api/r/1312.1956/run-1/state", timeout=10).json()["version"] == 0


@pytest.mark.parametrize(
    "name, words",
    [("1312.1956/..", "invalid"), (TO_ETC, "not a run directory"), ("run-9", "no run")],
)
def test_serve_refuses_bad_run_names(repro_home: Path, name: str, words: str) -> None:
    build_run(repro_home)
    done = run_cli(repro_home, "serve", name, "--port", "1")
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr


def test_serve_state_round_trips_through_json(base: str) -> None:
    state = httpx.get(api(base, "run-state") + "/state", timeout=10)
    assert json.loads(state.text)["run"] == "1312.1956/run-state"


CITED_QUOTE = "Electrons must satisfy pT > 7 GeV and |eta| < 2.47 in the cited analysis."


def _cited_pdf(path: Path) -> None:
    """A two-page PDF standing in for a cited paper in the fetch cache (generated, not copied)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pymupdf.open() as doc:
        doc.new_page().insert_text((72, 100), "Page one of the cited paper.", fontsize=11)
        doc.new_page().insert_text((72, 300), CITED_QUOTE, fontsize=11)
        doc.save(path)


def test_cut_from_a_cited_paper_shows_that_papers_page(base: str, home: Path) -> None:
    from pipeline.selection.store import save_selection

    run_dir = build_run(home, "run-cited")
    _cited_pdf(home / "papers" / "1712.02304" / "paper.pdf")
    selection = load_selection(run_dir / "selection.extracted.json")
    data = selection.model_dump(mode="json")
    data["selection"].append(
        {
            "id": "cited_el",
            "description": "electron pT from Ref. [45]",
            "expr": "count(electrons) >= 1",
            "provenance": {
                "source": "cited",
                "document": "arXiv:1712.02304v2",
                "reference": "[45]",
                "page": 2,
                "quote": CITED_QUOTE,
            },
        }
    )
    save_selection(type(selection).model_validate(data), run_dir / "selection.extracted.json")
    source = httpx.get(api(base, "run-cited") + "/source/cited_el", timeout=30).json()
    assert (source["document"], source["page"], source["found"]) == ("paper.pdf", 2, True)
    png = httpx.get(api(base, "run-cited") + "/page/cited_el.png", timeout=30)
    assert png.status_code == 200 and _highlight_share(png.content, source["boxes"][0]) > 0.3
    # a cited paper nobody fetched: the cut is listed, the page says the source is not available
    data["selection"][-1]["provenance"]["document"] = "arXiv:1111.11111"
    save_selection(type(selection).model_validate(data), run_dir / "selection.extracted.json")
    missing = httpx.get(api(base, "run-cited") + "/source/cited_el", timeout=30).json()
    assert missing["image"] is False and missing["document"] is None
    assert httpx.get(api(base, "run-cited") + "/page/cited_el.png", timeout=30).status_code == 400


def test_serve_on_a_busy_port_is_a_clear_error(repro_home: Path) -> None:
    import socket

    build_run(repro_home)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        done = run_cli(repro_home, "serve", "run-1", "--port", str(busy.getsockname()[1]))
    assert (
        done.returncode == 2
        and "cannot listen on 127.0.0.1" in done.stderr
        and "--port" in done.stderr
    )
    assert "Traceback" not in done.stderr

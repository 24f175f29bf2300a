"""Fetching against a local server speaking the arXiv protocol (the real ``arxiv`` client runs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import Settings, load_settings
from pipeline.errors import FetchError, UsageError
from pipeline.fetch import fetch_paper, load_entry
from pipeline.io import sha256_file
from tests.fakes.arxiv_server import FakeArxiv, FakePaper, make_paper_pdf, make_source_tarball

PDF = make_paper_pdf()
TARBALL = make_source_tarball({"main.tex": "\\section{Event selection}\n$|\\eta| < 2.47$\n"})


@pytest.fixture
def server() -> Iterator[FakeArxiv]:
    with FakeArxiv() as fake:
        fake.add(
            FakePaper("1312.1956", PDF, TARBALL, title="Search for a multi-Higgs-boson cascade")
        )
        fake.add(FakePaper("hep-ex/0612017", PDF, None, version=2))
        fake.add(
            FakePaper(
                "1501.00001",
                PDF,
                TARBALL,
                version=3,
                comment="This paper has been withdrawn by the authors",
            )
        )
        yield fake


@pytest.fixture
def settings(server: FakeArxiv, repro_home: Path) -> Settings:
    return replace(
        load_settings(),
        arxiv_api_url=server.api_url,
        arxiv_export_url=server.url,
        network_timeout=2.0,
    )


def test_fetch_stores_meta_pdf_and_source(settings: Settings, server: FakeArxiv) -> None:
    entry = fetch_paper("arXiv:1312.1956", settings)
    assert entry.dir == (settings.papers_dir / "1312.1956").resolve()
    assert entry.meta.title == "Search for a multi-Higgs-boson cascade"
    assert entry.meta.authors == ["The ATLAS Collaboration"]
    assert entry.meta.version == 1 and entry.meta.categories == ["hep-ex"]
    assert entry.source_path is not None and entry.source_path.name == "source.tar.gz"
    assert entry.pdf_path.read_bytes() == PDF
    for name, info in entry.meta.files.items():
        assert sha256_file(entry.dir / name) == info.sha256
    on_disk = json.loads((entry.dir / "meta.json").read_text())
    assert on_disk["fetched_at"] and on_disk["paper_id"] == "arXiv:1312.1956"


def test_cached_paper_is_not_downloaded_again(settings: Settings, server: FakeArxiv) -> None:
    fetch_paper("1312.1956", settings)
    count = len(server.requests)
    again = fetch_paper("https://arxiv.org/abs/1312.1956", settings)
    assert len(server.requests) == count
    fetch_paper("1312.1956", settings, refresh=True)
    assert len(server.requests) == 2 * count
    assert again.slug == "1312.1956"


def test_old_style_id_without_source(settings: Settings) -> None:
    entry = fetch_paper("hep-ex/0612017v2", settings)
    assert entry.slug == "hep-ex_0612017v2"
    assert entry.source_path is None
    assert set(entry.meta.files) == {"paper.pdf"}


@pytest.mark.parametrize(
    ("paper", "message"),
    [
        ("arXiv:1912.99999", "arXiv has no paper"),
        ("1312.1956v7", "arXiv has no paper"),
        ("1501.00001", "withdrawn"),
    ],
)
def test_unknown_and_withdrawn_leave_no_entry(settings: Settings, paper: str, message: str) -> None:
    with pytest.raises(FetchError, match=message) as info:
        fetch_paper(paper, settings)
    assert info.value.hint
    assert not settings.papers_dir.exists() or not any(settings.papers_dir.iterdir())


def test_server_error_is_a_fetch_error(settings: Settings, server: FakeArxiv) -> None:
    server.fail_status = 503
    with pytest.raises(FetchError, match="HTTP 503"):
        fetch_paper("1312.1956", settings)
    assert not (settings.papers_dir / "1312.1956").exists()


def test_timeout_is_a_fetch_error(settings: Settings, server: FakeArxiv) -> None:
    server.hang_seconds = 1.5
    with pytest.raises(FetchError, match="cannot reach"):
        fetch_paper("1312.1956", replace(settings, network_timeout=0.3))


def test_connection_refused_mentions_mirror(settings: Settings, tmp_path: Path) -> None:
    offline = replace(settings, arxiv_api_url="http://127.0.0.1:9/api/query", mirror=tmp_path / "m")
    with pytest.raises(FetchError, match="mirror") as info:
        fetch_paper("1312.1956", offline)
    assert "--mirror" in (info.value.hint or "")


def test_mirror_is_used_before_network(
    settings: Settings, server: FakeArxiv, tmp_path: Path
) -> None:
    mirror_settings = replace(settings, home=tmp_path / "login-node")
    fetch_paper("1312.1956", mirror_settings)
    mirror = mirror_settings.papers_dir
    server.fail_status = 500  # the compute node has no network
    entry = fetch_paper("1312.1956", replace(settings, mirror=mirror))
    assert entry.meta.origin == "mirror"
    assert entry.source_path is not None


def test_corrupt_mirror_entry_is_rejected(settings: Settings, tmp_path: Path) -> None:
    fetch_paper("1312.1956", replace(settings, home=tmp_path / "login"))
    pdf = tmp_path / "login" / "papers" / "1312.1956" / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4 tampered")
    with pytest.raises(FetchError, match="sha256"):
        fetch_paper("1312.1956", replace(settings, mirror=tmp_path / "login" / "papers"))
    assert not (settings.papers_dir / "1312.1956").exists()


def test_interrupted_fetch_leaves_nothing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.fetch import arxiv_api

    def explode(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(arxiv_api, "source_name", explode)
    with pytest.raises(KeyboardInterrupt):
        fetch_paper("1312.1956", settings)
    leftovers = list(settings.papers_dir.iterdir()) if settings.papers_dir.exists() else []
    assert leftovers == []


def test_local_pdf_and_doi(settings: Settings, tmp_path: Path) -> None:
    local = tmp_path / "my-paper.pdf"
    local.write_bytes(PDF)
    entry = fetch_paper(str(local), settings)
    assert entry.slug == "my-paper" and entry.meta.origin == "local"
    assert fetch_paper("10.48550/arXiv.1312.1956", settings).slug == "1312.1956"
    with pytest.raises(FetchError, match="cannot resolve DOI"):
        fetch_paper("10.1103/PhysRevD.89.032002", settings)


def test_local_file_that_is_not_a_pdf(settings: Settings, tmp_path: Path) -> None:
    fake = tmp_path / "notes.pdf"
    fake.write_text("hello")
    with pytest.raises(UsageError, match="not a PDF"):
        fetch_paper(str(fake), settings)


def test_damaged_cache_entry_is_refetched(settings: Settings) -> None:
    entry = fetch_paper("1312.1956", settings)
    (entry.dir / "paper.pdf").unlink()
    with pytest.raises(FetchError, match="lacks"):
        load_entry(entry.dir)
    assert fetch_paper("1312.1956", settings).pdf_path.is_file()


def _cli(args: list[str], server: FakeArxiv, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        REPRO_HOME=str(home),
        REPRO_ARXIV_API_URL=server.api_url,
        REPRO_ARXIV_EXPORT_URL=server.url,
        REPRO_NETWORK_TIMEOUT="2",
    )
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_cli_fetch_and_errors(server: FakeArxiv, repro_home: Path) -> None:
    ok = _cli(["fetch", "arXiv:1312.1956"], server, repro_home)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["slug"] == "1312.1956"
    bad = _cli(["fetch", "arXiv:12.34"], server, repro_home)
    assert bad.returncode == 2 and "valid forms" in bad.stderr and "Traceback" not in bad.stderr
    missing = _cli(["fetch", "1912.99999"], server, repro_home)
    assert missing.returncode == 1 and "error: arXiv has no paper" in missing.stderr
    mirror = _cli(
        ["fetch", "1402.4735", "--mirror", str(repro_home / "papers")], server, repro_home
    )
    assert mirror.returncode == 1 and "mirror" in mirror.stderr

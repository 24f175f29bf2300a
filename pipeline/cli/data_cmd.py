"""``reproduce data list|fetch|generate|inspect``: the H->4l samples, synthetic ones, file
checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from pipeline.cli.common import echo_json, info
from pipeline.errors import DataError


@click.group("data")
def data() -> None:
    """Datasets: list and fetch the open-data H->4l samples, generate synthetic ones, inspect
    files."""


@data.command("list")
@click.option(
    "--release", type=click.Choice(["2025", "2020", "all"]), default="all", show_default=True
)
def list_samples(release: str) -> None:
    """The H->4l samples of both ATLAS Open Data releases with their public URLs (JSON)."""
    from pipeline.data.samples import SAMPLES

    rows = [
        {**s.model_dump(mode="json"), "url": s.url}
        for s in SAMPLES.values()
        if release in ("all", s.release)
    ]
    echo_json(rows)


def _download(url: str, target: Path) -> None:
    import httpx

    part = target.with_name(f".{target.name}.part")
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=60.0) as resp:
            if resp.status_code != 200:
                raise DataError(
                    f"GET {url}: HTTP {resp.status_code}",
                    hint="check the URL or use --mirror with a local copy",
                )
            with part.open("wb") as handle:
                for block in resp.iter_bytes(1 << 20):
                    handle.write(block)
        part.replace(target)
    except httpx.HTTPError as err:
        part.unlink(missing_ok=True)
        raise DataError(
            f"GET {url} failed: {err}",
            hint="no network? pass --mirror DIR pointing at a local copy",
        ) from err
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _fetch_one(key: str, out: Path, mirror: str | None) -> dict[str, object]:
    from pipeline.data.samples import get_sample, resolve_url
    from pipeline.io import sha256_file

    sample = get_sample(key)
    name = Path(sample.filename or f"{sample.dsid}.root").name
    target = out / name
    if mirror and not mirror.startswith(("http://", "https://")):
        candidates = [Path(mirror) / (sample.filename or name), Path(mirror) / name]
        source = next((c for c in candidates if c.is_file()), None)
        if source is None:
            raise DataError(
                f"{key}: {name} not found in mirror {mirror}",
                path=mirror,
                hint="the mirror keeps the portal's layout or flat file names",
            )
        part = target.with_name(f".{target.name}.part")
        shutil.copyfile(source, part)
        part.replace(target)
    else:
        url = (
            (mirror.rstrip("/") + "/" + (sample.filename or name))
            if mirror
            else resolve_url(sample)
        )
        info(f"fetching {url}")
        _download(url, target)
    return {
        "key": key,
        "path": str(target),
        "sha256": sha256_file(target),
        "bytes": target.stat().st_size,
    }


@data.command("fetch")
@click.argument("keys", nargs=-1, required=True)
@click.option(
    "--out", required=True, type=click.Path(file_okay=False), help="Directory to write to."
)
@click.option(
    "--mirror",
    default=None,
    help="A local directory or base URL mirroring the portal (offline use).",
)
def fetch(keys: tuple[str, ...], out: str, mirror: str | None) -> None:
    """Download samples by key (see `reproduce data list`)."""
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    echo_json([_fetch_one(k, target, mirror) for k in keys])


@data.command("generate")
@click.option("--release", type=click.Choice(["2025", "2020"]), default="2025", show_default=True)
@click.option(
    "--events",
    "n_events",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Total events, shared among the processes.",
)
@click.option("--out", required=True, type=click.Path(file_okay=False))
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--process",
    "processes",
    multiple=True,
    help="ggH125_ZZ4lep, ZZ, Zjets, ttbar (repeatable; default all).",
)
def generate_cmd(
    release: str, n_events: int, out: str, seed: int, processes: tuple[str, ...]
) -> None:
    """Write SYNTHETIC samples (clearly labelled) in the 2025 or 2020 schema."""
    from pipeline.data.synthetic import PROCESSES, generate

    info(f"generating {n_events} synthetic events ({release} schema, seed {seed})")
    paths = generate(
        out, release=release, n_events=n_events, seed=seed, processes=processes or tuple(PROCESSES)
    )
    echo_json([str(p) for p in paths])


@data.command("inspect")
@click.argument("files", nargs=-1, required=True)
@click.option("--release", default="auto", show_default=True)
@click.option("--tree", default=None)
def inspect_cmd(files: tuple[str, ...], release: str, tree: str | None) -> None:
    """Check files and show their release, events and the canonical fields they provide."""
    from pipeline.data import open_dataset

    ds = open_dataset(list(files), release=release, tree=tree)
    echo_json(
        {
            "release": ds.release,
            "tree": ds.schema.tree,
            "n_events": ds.n_events,
            "synthetic": ds.synthetic,
            "files": [f.model_dump(mode="json") for f in ds.files],
            "provides": sorted(ds.provides),
        }
    )

"""Open ROOT files of any supported schema as one :class:`Dataset` of canonical events.

``open_dataset(paths)`` checks every file up front (readable, ROOT, the expected tree,
the core branches, one release for all), so a bad input fails before any output is
written. ``Dataset.iterate`` then reads only the branches the requested fields need,
chunk by chunk, local paths or HTTPS URLs alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import awkward as ak
import uproot

from pipeline.contract import InputFile
from pipeline.data.build import (
    LEPTON_COLLECTIONS,
    branches_for,
    build_events,
    electron_count_branch,
    provided_subfields,
    weight_branches,
)
from pipeline.data.schemas import BUILTIN, Schema
from pipeline.errors import DataError, closest_names
from pipeline.io import sha256_input
from pipeline.selection.fields import COLLECTIONS, EVENT_FIELDS

SYNTHETIC_KEY = "synthetic"
DEFAULT_STEP = "50 MB"
KEEP_OPEN = 8  # files whose inspected tree stays open for the first read (bounded: file handles)


def is_url(path: str) -> bool:
    return path.startswith(("http://", "https://", "root://"))


@dataclass
class _FileInfo:
    path: str
    schema: Schema
    branches: set[str]
    entries: int
    synthetic: bool
    # the tree opened to inspect the file, kept for the first pass over it (opening a NanoAOD
    # tree again reads its branch metadata again: ~0.05 s a file); later passes reopen it
    tree: uproot.TTree | None = field(default=None, repr=False, compare=False)

    def take_tree(self) -> uproot.TTree | None:
        tree, self.tree = self.tree, None
        return tree


def _open(path: str) -> uproot.ReadOnlyDirectory:
    if not is_url(path):
        p = Path(path)
        if not p.is_file():
            raise DataError(
                f"{path}: no such file",
                path=path,
                hint="check the path (a directory? pass its .root files)",
            )
        if p.stat().st_size == 0:
            raise DataError(
                f"{path}: the file is empty (0 bytes)",
                path=path,
                hint="the download or copy failed; fetch the file again",
            )
        with p.open("rb") as handle:
            if handle.read(4) != b"root":
                raise DataError(
                    f"{path}: not a ROOT file (no 'root' magic bytes)",
                    path=path,
                    hint="pass ROOT ntuples (.root)",
                )
    try:
        return uproot.open(path)
    except Exception as err:  # uproot raises many kinds for damaged files
        raise DataError(
            f"{path}: cannot open as ROOT: {type(err).__name__}: {err}",
            path=path,
            hint="the file may be truncated or corrupt; fetch it again",
        ) from err


def _detect(path: str, handle: uproot.ReadOnlyDirectory, release: str, tree: str | None) -> Schema:
    keys = {k.split(";")[0] for k in handle.keys(recursive=False)}
    if release not in ("auto", *BUILTIN):
        raise DataError(
            f"unknown release {release!r}",
            closest=closest_names(release, list(BUILTIN)),
            hint=f"use auto or one of {', '.join(BUILTIN)}",
        )
    candidates = list(BUILTIN.values()) if release == "auto" else [BUILTIN[release]]
    for schema in candidates:
        name = tree or schema.tree
        if name in keys and isinstance(handle[name], uproot.TTree):
            have = set(handle[name].keys())
            if release != "auto" or set(schema.required) & have:
                return schema.model_copy(update={"tree": name})
    trees = sorted(k for k in keys if k != SYNTHETIC_KEY)
    for schema in candidates:
        name = tree or schema.tree
        if name not in keys:
            continue
        if not isinstance(handle[name], uproot.TTree):
            raise DataError(
                f"{path}: {name!r} is a {handle.classname_of(name)}, not a TTree",
                path=path,
                hint="write ntuples as TTrees (uproot: file.mktree(...))",
            )
        names = sorted(handle[name].keys())
        raise DataError(
            f"{path}: tree {name!r} matches no known schema (first branches: "
            f"{', '.join(names[:8])})",
            path=path,
            closest=closest_names(schema.required[0], names),
            hint=f"known schemas: {', '.join(BUILTIN)}; their key branches: "
            + "; ".join(f"{s.release}: {s.tree}/{s.required[0]}" for s in BUILTIN.values()),
        )
    wanted = tree or (candidates[0].tree if release != "auto" else "analysis (2025) or mini (2020)")
    raise DataError(
        f"{path}: no tree {wanted!r} (the file holds: {', '.join(trees) or 'nothing'})",
        path=path,
        closest=closest_names(str(tree or candidates[0].tree), trees),
        hint="pass --tree NAME, or --release for a known schema",
    )


def _inspect(path: str, release: str, tree: str | None, *, keep_open: bool = False) -> _FileInfo:
    handle = _open(path)
    schema = _detect(path, handle, release, tree)
    try:
        ttree = handle[schema.tree]
        branches = set(ttree.keys())
        entries = int(ttree.num_entries)
    except Exception as err:
        raise DataError(
            f"{path}: tree {schema.tree!r} is unreadable: {err}",
            path=path,
            hint="the file may be truncated; fetch it again",
        ) from err
    missing = [b for b in schema.required if b not in branches]
    if missing:
        b = missing[0]
        close = closest_names(b, sorted(branches))
        raise DataError(
            f"{path}: branch {b!r} missing from tree {schema.tree!r} ({schema.release} schema)",
            path=path,
            closest=close,
            hint=f"closest branch names: {', '.join(close) or 'none'}",
        )
    schema = _with_tagger(schema, ttree, branches)
    keys = {k.split(";")[0] for k in handle.keys(recursive=False)}
    synthetic = SYNTHETIC_KEY in keys or Path(path).name.startswith("synthetic_")
    info = _FileInfo(path, schema, branches, entries, synthetic)
    if keep_open and not is_url(path):
        info.tree = ttree
    return info


def _with_tagger(schema: Schema, ttree: uproot.TTree, branches: set[str]) -> Schema:
    """The schema reading btag from the first of its taggers the file fills: a branch whose
    first entries hold a score in [0, 1] (not only placeholders such as -1 or -3000)."""
    for branch, point in schema.btag_taggers:
        if branch not in branches:
            continue
        try:
            first = ak.flatten(ttree[branch].array(entry_stop=1000, library="ak"), axis=None)
        except Exception:
            continue
        if len(first) and bool(ak.any((first >= 0) & (first <= 1))):
            jets = {**schema.jets, "btag": branch}
            return schema.model_copy(update={"jets": jets, "btag_working_point": point})
    return schema


@dataclass
class Dataset:
    """Files of one release, presented as canonical events (see ``pipeline.selection.fields``)."""

    release: str
    schema: Schema
    infos: list[_FileInfo]
    # sha256 of each file, computed in a background thread from open_dataset on (hashing
    # releases the GIL, so it overlaps the analysis reading the files); `files` waits for it
    hashes: list[Future[str]] = field(default_factory=list, repr=False)

    @property
    def files(self) -> list[InputFile]:
        """The input files by path, sha256 (waited for), release and size in events."""
        try:
            digests = [h.result() for h in self.hashes]
        except OSError as err:
            raise DataError(f"cannot read an input file to hash it: {err}") from err
        return [
            InputFile(
                path=info.path,
                sha256=digest,
                release=info.schema.release,
                synthetic=info.synthetic,
                events=info.entries,
            )
            for info, digest in zip(self.infos, digests, strict=True)
        ]

    @property
    def provides(self) -> set[str]:
        """Canonical names available in every file: event fields and ``collection.field``."""
        common = set.intersection(*(i.branches for i in self.infos))
        out = {f for f, b in self.schema.event.items() if b in common}
        if weight_branches(self.schema) and weight_branches(self.schema) <= common:
            out |= {"weight", "is_data"}
        for name in COLLECTIONS:
            subs = provided_subfields(self.schema, name, common)
            if {"pt", "eta", "phi", "e"} <= subs:
                out |= {f"{name}.{s}" for s in subs}
        return out

    @property
    def synthetic(self) -> bool:
        return any(i.synthetic for i in self.infos)

    @property
    def n_events(self) -> int:
        return sum(i.entries for i in self.infos)

    def _plan(self, fields: Iterable[str] | None) -> tuple[set[str], dict[str, set[str]], set[str]]:
        provides = self.provides
        wanted_events: set[str] = set()
        wanted: dict[str, set[str]] = {}
        for name in sorted(provides) if fields is None else fields:
            coll, _, sub = name.partition(".")
            if coll in COLLECTIONS:
                subs = {s.split(".", 1)[1] for s in provides if s.startswith(coll + ".")}
                if not subs:
                    self._missing(name)
                if sub and sub not in subs and sub not in self._readable(provides, coll):
                    self._missing(name)
                wanted.setdefault(coll, set()).update({sub} if sub else subs)
            elif name in provides:
                wanted_events.add(name)
            else:
                self._missing(name)
        branches: set[str] = {self.schema.event[f] for f in wanted_events if f in self.schema.event}
        if wanted_events & {"weight", "is_data"}:
            branches |= weight_branches(self.schema)
        # the lepton collections are built from one set of fields (those any of them wants)
        lepton_fields = set().union(*(wanted[c] for c in LEPTON_COLLECTIONS if c in wanted))
        for coll, subs in wanted.items():
            branches |= branches_for(
                self.schema, coll, lepton_fields if coll in LEPTON_COLLECTIONS else subs
            )
        if self.schema.split_leptons and "muons" in wanted and "index" in lepton_fields:
            # a muon's index counts the electrons before it
            branches.add(electron_count_branch(self.schema))
        return wanted_events, wanted, branches

    def readable_names(self) -> set[str]:
        """Every name that can be read: the provided ones, and the one-flavour fields of
        NanoAOD's joint lepton list (see :meth:`_readable`)."""
        provides = self.provides
        return provides | {f"leptons.{sub}" for sub in self._readable(provides, "leptons")}

    def readable(self, name: str) -> bool:
        return name in self.readable_names()

    def _readable(self, provides: set[str], coll: str) -> set[str]:
        """Subfields of ``coll`` a compiled script may read. Of NanoAOD's joint lepton list also
        those of one flavour (NaN for the other): the electron and muon cuts of a list run on
        it by flavour."""
        owners: tuple[str, ...] = (coll,)
        if coll == "leptons" and self.schema.split_leptons:
            owners = ("leptons", "electrons", "muons")
        return {s.split(".", 1)[1] for s in provides if s.split(".", 1)[0] in owners and "." in s}

    def _missing(self, name: str) -> None:
        coll, _, sub = name.partition(".")
        src = self._mapping(coll, self.schema)
        known = sorted(EVENT_FIELDS) + [f"{c}.{f}" for c, fs in COLLECTIONS.items() for f in fs]
        if name not in known:
            raise DataError(
                f"unknown canonical field {name!r}",
                closest=closest_names(name, known),
                hint=f"closest: {', '.join(closest_names(name, known)) or '-'}",
            )
        common = sorted(set.intersection(*(i.branches for i in self.infos)))
        key = sub or coll
        if key in src:
            branch = src[key]
            detail = f"branch {branch!r} is missing"
        else:  # the schema has no branch for it: look for what the 2025 release calls it
            branch = self._mapping(coll, BUILTIN["2025"]).get(key, key)
            detail = f"the {self.release} schema has no branch for it (2025 calls it {branch!r})"
        close = closest_names(branch, common)
        raise DataError(
            f"field {name!r} is not available in this {self.release} dataset ({detail})",
            closest=close,
            hint=f"closest branch names: {', '.join(close) or 'none'}",
        )

    @staticmethod
    def _mapping(coll: str, schema: Schema) -> dict[str, str]:
        if coll not in COLLECTIONS:
            return dict(schema.event)
        if coll in LEPTON_COLLECTIONS:
            return dict(schema.leptons or schema.muons)
        return dict(getattr(schema, coll))

    def iterate(
        self,
        fields: Iterable[str] | None = None,
        *,
        step_size: int | str = DEFAULT_STEP,
    ) -> Iterator[ak.Array]:
        """Chunks of canonical event records; ``fields`` None means everything provided."""
        events, wanted, branches = self._plan(fields)
        for info in self.infos:
            try:
                for raw in _raw_chunks(info, self.schema.tree, sorted(branches), step_size):
                    yield build_events(raw, self.schema, events, wanted, synthetic=info.synthetic)
            except DataError:
                raise
            except Exception as err:  # truncated baskets surface only while reading
                raise DataError(
                    f"{info.path}: reading failed: {type(err).__name__}: {err}",
                    path=info.path,
                    hint="the file may be truncated or corrupt; fetch it again",
                ) from err

    def read_all(self, fields: Iterable[str] | None = None) -> ak.Array:
        chunks = list(self.iterate(fields))
        return ak.concatenate(chunks) if len(chunks) > 1 else chunks[0]


def _raw_chunks(
    info: _FileInfo, tree: str, branches: list[str], step_size: int | str
) -> Iterator[ak.Array]:
    """Chunks of raw branches of one file, from the tree still open since its inspection."""
    opened = info.take_tree()
    if opened is not None:
        return opened.iterate(branches, step_size=step_size, library="ak")  # type: ignore[no-any-return]
    source = {info.path: tree}  # a dict: no "path:tree" parsing of URLs
    return uproot.iterate(source, branches, step_size=step_size, library="ak")  # type: ignore[no-any-return]


def _expand(paths: Iterable[str | Path]) -> list[str]:
    out: list[str] = []
    for p in paths:
        s = str(p)
        if not is_url(s) and Path(s).is_dir():
            found = sorted(str(f) for f in Path(s).glob("*.root"))
            if not found:
                raise DataError(f"{s}: directory holds no .root files", path=s)
            out.extend(found)
        else:
            out.append(s)
    if not out:
        raise DataError("no input files given", hint="pass one or more ROOT files or a directory")
    return out


def open_dataset(
    paths: Iterable[str | Path],
    *,
    release: str = "auto",
    tree: str | None = None,
) -> Dataset:
    """Check the files and return a :class:`Dataset`; mixed releases are refused."""
    infos = [
        _inspect(p, release, tree, keep_open=i < KEEP_OPEN) for i, p in enumerate(_expand(paths))
    ]
    releases = sorted({i.schema.release for i in infos})
    if len(releases) > 1:
        detail = "; ".join(f"{Path(i.path).name}: {i.schema.release}" for i in infos)
        raise DataError(
            f"mixed releases in one dataset ({', '.join(releases)}): {detail}",
            hint="run each release separately: units, weights and variables differ",
        )
    hashes = [_HASHING.submit(_digest, i.path) for i in infos]
    return Dataset(release=releases[0], schema=infos[0].schema, infos=infos, hashes=hashes)


def _digest(path: str) -> str:
    """The file's sha256, from the hash cache while the file is unchanged (pipeline.io)."""
    return "" if is_url(path) else sha256_input(path)


# one thread: hashing is I/O and C code; it runs beside the analysis, not in its way
_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")

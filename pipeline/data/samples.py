"""The H->4l samples of both ATLAS Open Data releases: ids, metadata, public URLs.

The 2020 release keeps the normalisation (cross section, sum of weights) in a
metadata table, reproduced here for the H->4l samples; the 2025 release stores it in
branches of every file, so only names and URLs are listed. ``atlasopenmagic`` (optional)
resolves any 2025 dataset id to its URLs when the network is there.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from pipeline.errors import DataError, closest_names

BASE_2020 = "https://atlas-opendata.web.cern.ch/atlas-opendata/samples/2020/4lep/"
BASE_2025 = "https://opendata.cern.ch/eos/opendata/atlas/rucio/opendata/"


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="short unique name, e.g. 2020:ggH125_ZZ4lep")
    release: str
    dsid: int | None = Field(None, description="dataset id; None for collision data")
    process: str
    role: str = Field(description="data, signal or background")
    filename: str | None = Field(None, description="file name; None when only atlasopenmagic knows")
    xsec_pb: float | None = None
    kfac: float = 1.0
    filteff: float = 1.0
    sumw: float | None = None

    @property
    def url(self) -> str | None:
        if self.filename is None:
            return None
        return (BASE_2020 if self.release == "2020" else BASE_2025) + self.filename


def _mc2020(name: str, dsid: int, role: str, xsec: float, sumw: float) -> Sample:
    return Sample(
        key=f"2020:{name}",
        release="2020",
        dsid=dsid,
        process=name,
        role=role,
        filename=f"MC/mc_{dsid}.{name}.4lep.root",
        xsec_pb=xsec,
        sumw=sumw,
    )


_SAMPLES_2020 = [
    *(
        Sample(
            key=f"2020:data_{p}",
            release="2020",
            dsid=None,
            process=f"data period {p}",
            role="data",
            filename=f"Data/data_{p}.4lep.root",
        )
        for p in "ABCD"
    ),
    _mc2020("ggH125_ZZ4lep", 345060, "signal", 0.0060239, 27881776.6536),
    _mc2020("VBFH125_ZZ4lep", 344235, "signal", 0.0004633012, 3680490.83243),
    _mc2020("WH125_ZZ4lep", 341964, "signal", 0.0003769, 149400.0),
    _mc2020("ZH125_ZZ4lep", 341947, "signal", 2.1424784e-06, 150000.0),
    _mc2020("llll", 363490, "background", 1.2578, 7538705.8077),
    _mc2020("Zee", 361106, "background", 1950.5295, 150277594200.0),
    _mc2020("Zmumu", 361107, "background", 1950.6321, 147334691090.0),
    _mc2020("Ztautau", 361108, "background", 1950.6321, 56171652547.3),
    _mc2020("ttbar_lep", 410000, "background", 452.693559, 49386600.0),
    _mc2020("lllv", 363491, "background", 4.6049, 5441475.00407),
    _mc2020("llvv", 363492, "background", 12.466, 5039259.9696),
    _mc2020("ZqqZll", 363356, "background", 2.20355112, 3439266.11559),
    _mc2020("WqqZll", 363358, "background", 3.4328, 241438.72705),
]

_KNOWN_2025_FILES = {
    345060: (
        "ODEO_FEB2025_v0_4lep_mc_345060.PowhegPythia8EvtGen_NNLOPS_nnlo_30_ggH125_ZZ4l.4lep.root"
    ),
    700600: "ODEO_FEB2025_v0_4lep_mc_700600.Sh_2212_llll.4lep.root",
}
_SIGNAL_2025 = (345060, 346228, 346310, 346311, 346312, 346340, 346341, 346342)
_BACKGROUND_2025 = (
    700600,
    410470,
    410155,
    410218,
    410219,
    412043,
    364242,
    364243,
    364246,
    364248,
    700320,
    700321,
    700322,
    700323,
    700324,
    700325,
)


def _mc2025(dsid: int, role: str) -> Sample:
    return Sample(
        key=f"2025:{dsid}",
        release="2025",
        dsid=dsid,
        process=f"mc {dsid}",
        role=role,
        filename=_KNOWN_2025_FILES.get(dsid),
    )


_SAMPLES_2025 = [
    Sample(
        key="2025:data15_periodD",
        release="2025",
        dsid=None,
        process="data15 period D (exactly4lep)",
        role="data",
        filename="ODEO_FEB2025_v0_exactly4lep_data15_periodD.exactly4lep.root",
    ),
    *(_mc2025(d, "signal") for d in _SIGNAL_2025),
    *(_mc2025(d, "background") for d in _BACKGROUND_2025),
]

SAMPLES: dict[str, Sample] = {s.key: s for s in (*_SAMPLES_2020, *_SAMPLES_2025)}
METADATA_2020: dict[int, Sample] = {s.dsid: s for s in _SAMPLES_2020 if s.dsid is not None}


def get_sample(key: str) -> Sample:
    try:
        return SAMPLES[key]
    except KeyError as err:
        raise DataError(
            f"unknown sample {key!r}",
            closest=closest_names(key, list(SAMPLES)),
            hint=f"closest: {', '.join(closest_names(key, list(SAMPLES))) or '-'}; "
            "`reproduce data list` shows all",
        ) from err


def resolve_url(sample: Sample) -> str:
    """The sample's public URL; 2025 ids outside the table go through ``atlasopenmagic``."""
    if sample.url is not None:
        return sample.url
    try:
        import atlasopenmagic as atom  # type: ignore[import-not-found]
    except ImportError as err:
        raise DataError(
            f"no URL known for {sample.key} without atlasopenmagic",
            hint=(
                "pip install atlasopenmagic (needs network), or download the file and pass its path"
            ),
        ) from err
    try:
        atom.set_release("2025e-13tev-beta")
        urls = atom.get_urls(str(sample.dsid), skim="4lep", protocol="https")
    except Exception as err:  # the SDK raises assorted network/lookup errors
        raise DataError(f"atlasopenmagic could not resolve {sample.key}: {err}") from err
    if not urls:
        raise DataError(f"atlasopenmagic knows no 4lep file for {sample.key}")
    return str(urls[0])

"""What the report's plots say about their inputs, in the field's conventions: the experiment label
the data allow, sqrt(s), the luminosity of the data used (only when it is known), sample names and
colours, 'Events / 2.5 GeV' axis labels."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.contract import AnalysisResult, InputFile
from pipeline.data.schemas import LUMI_2020_PB, LUMI_2025_PB

# the luminosity a set of data files amounts to, where the release states it: the 2020 release gives
# 10.064 fb-1 for periods A-D together, not per period, so a subset is shown without a luminosity
DATA_LUMI_FB: dict[tuple[str, frozenset[str]], float] = {
    ("2020", frozenset("ABCD")): LUMI_2020_PB / 1000.0,
}
MC_LUMI_FB = {"2020": LUMI_2020_PB / 1000.0, "2025": LUMI_2025_PB / 1000.0}
COM_TEV = 13

# (pattern on the sample name, legend label, colour, is signal); first match wins
PROCESSES: list[tuple[str, str, str, bool]] = [
    (r"H125|ggH|VBFH|WH|ZH|ttH", r"Signal ($m_H$ = 125 GeV)", "#00cdff", True),
    (r"llll|ZZ|lllv", r"Background $ZZ^{*}$", "#d91e18", False),
    (r"ttbar", r"Background $t\bar{t}$", "#7f3fbf", False),
    (r"Z(ll|ee|mumu|tautau|jets)|Zll", r"Background $Z$+jets", "#a26ee0", False),
]


@dataclass(frozen=True)
class PlotLabel:
    """The label of a plot: the experiment as the data allow, sqrt(s), the luminosity."""

    synthetic: bool
    has_data: bool
    lumi_fb: float | None  # of the data used; None when not known
    mc_lumi_fb: float | None  # what the simulation is normalised to

    def lumi_text(self) -> str:
        """'10.1 fb-1 (13 TeV)' for the data used; simulation only: the luminosity it is normalised
        to."""
        lumi = self.lumi_fb if self.has_data else self.mc_lumi_fb
        norm = "" if self.has_data else "sim. norm. "
        return (f"{norm}{lumi:.1f} fb$^{{-1}}$ " if lumi else "") + f"({COM_TEV} TeV)"


def _period(path: str) -> str | None:
    match = re.search(r"data_([A-Z])\.", path.rsplit("/", 1)[-1])
    return match.group(1) if match else None


def _is_data_file(f: InputFile) -> bool:
    name = f.path.rsplit("/", 1)[-1].lower()
    return not f.synthetic and "data" in name and "mc_" not in name


def plot_label(result: AnalysisResult | None) -> PlotLabel:
    inputs: Sequence[InputFile] = result.inputs if result else []
    data = [f for f in inputs if _is_data_file(f)]
    releases = {f.release for f in inputs}
    release = next(iter(releases)) if len(releases) == 1 else ""
    periods = frozenset(p for f in data if (p := _period(f.path)))
    lumi = DATA_LUMI_FB.get((release, periods)) if data and len(periods) == len(data) else None
    return PlotLabel(
        synthetic=bool(result and result.synthetic),
        has_data=bool(data),
        lumi_fb=lumi,
        mc_lumi_fb=MC_LUMI_FB.get(release) if len(data) < len(inputs) else None,
    )


def process_style(name: str) -> tuple[str, str, bool]:
    """(legend label, colour, is signal) of a sample name such as 'mc_345060.ggH125_ZZ4lep.4lep'."""
    stem = name.split(":", 1)[-1]
    for pattern, label, colour, signal in PROCESSES:
        if re.search(pattern, stem):
            return label, colour, signal
    parts = stem.split(".")
    return (parts[1] if len(parts) > 2 else stem), "#bbbbbb", False


def events_per_bin(edges: Sequence[float], unit: str = "GeV") -> str:
    """'Events / 2.5 GeV' for uniform bins, 'Events / bin' otherwise."""
    widths = {round(b - a, 9) for a, b in zip(edges[:-1], edges[1:], strict=True)}
    if len(widths) != 1:
        return "Events / bin"
    return f"Events / {next(iter(widths)):g} {unit}"

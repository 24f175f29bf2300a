"""The result of comparing generated outputs with a baseline's."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    # NaN observables are findings: keep them as "NaN" in JSON (the default writes null, which reads
    # back as an error)
    model_config = ConfigDict(extra="forbid", ser_json_inf_nan="strings")


class StepComparison(_Model):
    id: str
    baseline_id: str | None = Field(
        None, description="the baseline step this generated step was mapped to (--step-map)"
    )
    generated_raw: int | None = None
    baseline_raw: int | None = None
    generated_weighted: float | None = None
    baseline_weighted: float | None = None
    generated_applicable: bool | None = None
    baseline_applicable: bool | None = None
    same: bool


class EventRow(_Model):
    run: int
    event: int
    dsid: int = 0
    channel: str
    m4l: float
    weight: float
    other_channel: str | None = Field(None, description="for matched events whose values differ")
    other_m4l: float | None = None


class EventComparison(_Model):
    matched: int
    only_generated: list[EventRow] = Field(default_factory=list)
    only_baseline: list[EventRow] = Field(default_factory=list)
    value_differences: list[EventRow] = Field(
        default_factory=list, description="matched, different m4l or channel"
    )
    nan_generated: list[EventRow] = Field(
        default_factory=list,
        description="matched; m4l NaN in the generated output, a number in the baseline",
    )
    nan_baseline: list[EventRow] = Field(
        default_factory=list,
        description="matched; m4l a number in the generated output, NaN in the baseline",
    )
    nan_both: list[EventRow] = Field(
        default_factory=list,
        description="matched; m4l NaN on both sides: nothing to compare the value with",
    )


class Yields(_Model):
    generated_raw: int
    baseline_raw: int
    generated_weighted: float
    baseline_weighted: float


class HistogramAgreement(_Model):
    edges: list[float]
    generated: list[float]
    baseline: list[float]
    chi2: float
    ndf: int
    identical: bool


class StepMapProposal(_Model):
    """A generated step and a baseline step with the same counts: a candidate for the step map, for
    a reviewer to accept (``--step-map``) after reading both definitions - agreeing counts are not
    proof."""

    generated_id: str
    baseline_id: str
    generated_raw: int
    baseline_raw: int
    generated_weighted: float
    baseline_weighted: float
    evidence: str
    alternatives: list[str] = Field(
        default_factory=list, description="other baseline steps with the same counts"
    )


class RegionComparison(_Model):
    """One region's own cutflow on both sides (``only``: the one side that has the region)."""

    name: str
    only: Literal["generated", "baseline"] | None = None
    steps: list[StepComparison] = Field(default_factory=list)
    first_divergence: str | None = None
    generated_selected: int | None = None
    baseline_selected: int | None = None

    @property
    def same(self) -> bool:
        return self.only is None and all(s.same for s in self.steps)


class ObservableComparison(_Model):
    """One ``region/observable`` on both sides: events, values and histogram bins."""

    name: str
    only: Literal["generated", "baseline"] | None = None
    matched: int = 0
    only_generated: int = 0
    only_baseline: int = 0
    values_differ: int = Field(0, description="matched events whose values differ")
    first_differences: list[str] = Field(default_factory=list, description="run:event")
    bins_differ: int | None = Field(None, description="None when the binnings differ")
    histograms_comparable: bool = False

    @property
    def same(self) -> bool:
        return (
            self.only is None
            and self.only_generated == self.only_baseline == self.values_differ == 0
            and self.bins_differ in (0, None)
        )


class RegionsAndObservables(_Model):
    regions: list[RegionComparison] = Field(default_factory=list)
    observables: list[ObservableComparison] = Field(default_factory=list)

    def differences(self) -> list[str]:
        """What differs, in words, for the verdict's reason (one-sided items are not counted)."""
        out = []
        for r in self.regions:
            if r.only is None and not r.same:
                out.append(
                    f"region {r.name}: {r.generated_selected} vs {r.baseline_selected} events"
                    + (f", first diverging step {r.first_divergence}" if r.first_divergence else "")
                )
        for o in self.observables:
            if o.only is None and not o.same:
                what = [
                    f"{n} {text}"
                    for n, text in (
                        (o.only_generated, "events only generated"),
                        (o.only_baseline, "events only in the baseline"),
                        (o.values_differ, "events with other values"),
                        (o.bins_differ or 0, "bins differ"),
                    )
                    if n
                ]
                out.append(f"{o.name}: {', '.join(what)}")
        return out


class Comparison(_Model):
    schema_version: Literal["1.0.0"] = "1.0.0"
    generated: str
    baseline: str
    verdict: Literal["identical", "compatible", "different"]
    reason: str
    first_divergence: str | None = None
    steps: list[StepComparison]
    events: EventComparison
    yields: Yields
    histogram: HistogramAgreement
    step_map: dict[str, str] = Field(
        default_factory=dict, description="the map applied (generated id -> baseline id)"
    )
    proposed_step_map: list[StepMapProposal] = Field(
        default_factory=list, description="unaligned steps whose counts agree, proposed for review"
    )
    regions: list[RegionComparison] = Field(
        default_factory=list, description="each region's own cutflow (lists with regions)"
    )
    observables: list[ObservableComparison] = Field(
        default_factory=list, description="each declared observable, region by region"
    )

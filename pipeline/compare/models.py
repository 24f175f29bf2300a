"""The result of comparing generated outputs with a baseline's."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StepComparison(_Model):
    id: str
    baseline_id: str | None = Field(None, description="the baseline step this generated step was mapped to (--step-map)")
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
    value_differences: list[EventRow] = Field(default_factory=list, description="matched, different m4l or channel")


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

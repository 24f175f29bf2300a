"""Two things a repair request needs that ``repair_loop`` cannot give: the task, and a second word.

``with_task``: a repair prompt carries the failing script and its error; the model also needs
what the script is for. The code-generation call of the same run (in the call log) holds it -
the selection list, the fields the data provide and the output contract - so a repair request
is sent as the continuation of that conversation: the code-generation messages, the model's
script, then the repair instructions and prompt. The prefix is byte-identical to the earlier
request, so a llama.cpp server answers from its prompt cache instead of reading thousands of
tokens again (at 20 tokens/s on a loaded CPU that is minutes). The request key (and so replay)
stays that of the messages the caller built; the record keeps what was sent as ``sent_messages``.

A script longer than ``answers.SHOWN_LINES`` lines is sent back as its head and a line saying
how many lines followed (a script that ran to ``max_tokens`` in a loop filled a 16k context).

``resubmission_prompt``: small models often answer a repair request with the failing script
byte for byte (compared as shown). Running it again would only fail the same way and spend an
attempt, so the answer is met with a different prompt (the same conversation, plus: "that is the
same script") and the second answer is the call's answer. When that one is the failing script
again, the call fails (``LLMOutputError``): at temperature 0 the next repair prompt would be the
same prompt, so another attempt could only run the same script into the same error.
"""

from __future__ import annotations

import json
from typing import Any

from pipeline.llm.answers import extract_code, shown
from pipeline.llm.base import CallLog, LLMOutputError, Messages

CODEGEN_PURPOSE = "codegen"
TASK_MARKER = "Selection list:"
RESUBMISSION = (
    "That is the failing script again, byte for byte: it would fail the same way. Read the error "
    "above, change the lines it points at (and anything else that is wrong), and answer with the "
    "whole corrected script in one ```python block."
)


def with_task(messages: Messages, purpose: str, log: CallLog) -> Messages:
    """``messages`` of a repair request with the run's code-generation task put in front, when
    known."""
    if (
        not purpose.startswith("repair")
        or not messages
        or any(TASK_MARKER in m.get("content", "") for m in messages)
    ):
        return messages
    task = codegen_task(log)
    if task is None:
        return messages
    earlier, script = task
    code = extract_code(script)
    if shown(code) != code:  # a script that ran on in a loop is not sent back whole
        script = f"```python\n{shown(code)}```"
    instructions = "\n\n".join(
        m.get("content", "") for m in messages[:-1] if m.get("role") == "system"
    )
    request = (
        f"{instructions}\n\n{messages[-1].get('content', '')}"
        if instructions
        else messages[-1].get("content", "")
    )
    return [
        *earlier,
        {"role": "assistant", "content": script},
        {"role": "user", "content": request},
    ]


def codegen_task(log: CallLog) -> tuple[Messages, str] | None:
    """The messages and answer of the last successful code-generation call in ``log`` (memory, then
    file)."""
    records: list[dict[str, Any]] = list(log.records)
    if (
        not any(r.get("purpose") == CODEGEN_PURPOSE for r in records)
        and log.path is not None
        and log.path.is_file()
    ):
        with open(log.path, encoding="utf-8") as handle:
            records = [
                json.loads(line) for line in handle if f'"purpose": "{CODEGEN_PURPOSE}"' in line
            ]
    for record in reversed(records):
        if (
            record.get("purpose") == CODEGEN_PURPOSE
            and record.get("ok")
            and "messages" not in (record.get("truncated") or [])
        ):
            messages = record.get("messages") or []
            if (
                messages
                and TASK_MARKER in str(messages[-1].get("content", ""))
                and isinstance(record.get("response"), str)
            ):
                return list(messages), record["response"]
    return None


def resubmission_prompt(sent: Messages, answer: str) -> Messages | None:
    """The follow-up conversation when ``answer``'s script is the one the request said failed, else
    None."""
    failing = _last_script(sent)
    if failing is None or shown(extract_code(answer)).strip() != failing.strip():
        return None
    return [
        *sent,
        {"role": "assistant", "content": answer},
        {"role": "user", "content": RESUBMISSION},
    ]


UNCHANGED = "unchanged script"  # the ``last_error`` of :func:`unchanged_error`


def unchanged_error(model: str) -> LLMOutputError:
    return LLMOutputError(
        f"model {model} returned the failing script unchanged, also after being told so; another "
        "repair attempt would send the same prompt",
        model=model,
        last_error=UNCHANGED,
        attempts=2,
        hint=(
            "use a stronger model (REPRO_LLM_BASE_URL, REPRO_LLM_MODEL), a temperature above 0, "
            "or --codegen compile"
        ),
    )


def _last_script(messages: Messages) -> str | None:
    users = [m.get("content", "") for m in messages if m.get("role") == "user"]
    if not users or "```" not in users[-1]:
        return None
    # the script is the last fenced block of the prompt (a task in front may hold other blocks)
    blocks = users[-1].split("```python\n")
    return extract_code("```python\n" + blocks[-1]) if len(blocks) > 1 else None

"""Stage two, execution: generated code in a sandbox, with a bounded repair loop."""

from __future__ import annotations

from pipeline.sandbox.limits import Limits
from pipeline.sandbox.policy import Violation, check_policy
from pipeline.sandbox.runner import RunResult, run_script

__all__ = ["Limits", "RunResult", "Violation", "check_policy", "run_script"]

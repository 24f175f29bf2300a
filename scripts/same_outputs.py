#!/usr/bin/env python
"""Did two runs write the same bytes? Compares the output hashes of two run manifests.

Usage: python scripts/same_outputs.py BEFORE/manifest.json AFTER/manifest.json

Used to check that a refactoring changed no output: run the demo (or a real-data run) before and
after, then compare. Only the ``outputs`` section is compared (the ``code`` section hashes the
pipeline's own source and changes with every edit). Exit 0 when every output is byte-identical,
1 when any differs or is missing on one side, 2 for unreadable input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def output_hashes(path: Path) -> dict[str, str]:
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {name: entry["sha256"] for name, entry in manifest["outputs"].items()}


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    lines = []
    for name in sorted(before.keys() | after.keys()):
        if name not in after:
            lines.append(f"only before: {name}")
        elif name not in before:
            lines.append(f"only after:  {name}")
        elif before[name] != after[name]:
            lines.append(f"differs:     {name}")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        before, after = (output_hashes(Path(arg)) for arg in argv)
    except (OSError, ValueError, KeyError) as err:
        print(f"error: cannot read a manifest's outputs: {err}", file=sys.stderr)
        return 2
    lines = differences(before, after)
    for line in lines:
        print(line)
    print(
        f"{len(before)} outputs compared: " + ("identical" if not lines else f"{len(lines)} differ")
    )
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

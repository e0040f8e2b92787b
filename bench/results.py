"""bench/results.json: each benchmark merges its own entry under its name, keeping the others'."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS_FILE = Path(__file__).resolve().parent / "results.json"


def write_results(name: str, figures: dict[str, Any]) -> None:
    try:
        results = json.loads(RESULTS_FILE.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        results = {}
    results[name] = figures
    RESULTS_FILE.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")

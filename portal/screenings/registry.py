"""The criteria sets loaded at start-up, as the web app sees them."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from portal.criteria.loader import load_criteria
from portal.criteria.model import CriteriaSet

EXTENSION_KEY = "criteria_sets"
STATUS_LABELS = {
    "in_force": "In force",
    "superseded": "Superseded",
    "provisional": "Provisional",
    "voluntary": "Voluntary",
}


def init_criteria(app: Flask) -> None:
    """Load and validate every set once; a broken set stops start-up with every problem listed."""
    app.extensions[EXTENSION_KEY] = load_criteria(Path(app.config["CRITERIA_DIR"]))


def all_sets() -> dict[str, CriteriaSet]:
    return current_app.extensions[EXTENSION_KEY]

"""The criteria sets loaded at start-up, as the web app sees them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app

from portal.criteria.loader import folder_digest, load_criteria
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
    root = Path(app.config["CRITERIA_DIR"]).resolve()
    app.extensions[EXTENSION_KEY] = dict(_loaded(str(root), folder_digest(root)))


@lru_cache(maxsize=4)
def _loaded(root: str, digest: str) -> dict[str, CriteriaSet]:
    """Parsing and validating the YAML files is most of the cost of making an app (~0.4 s): a process that makes
    several apps (the test suite makes one per test) does it once per content of the folder. The sets are frozen;
    each app gets its own dict of them. `digest` is the cache key: a changed file is a new load."""
    del digest
    return load_criteria(Path(root))


def all_sets() -> dict[str, CriteriaSet]:
    return current_app.extensions[EXTENSION_KEY]

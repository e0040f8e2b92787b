"""The criteria sets loaded at start-up, as the web app sees them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, has_request_context
from flask_babel import get_locale

from portal.criteria.loader import folder_digest, load_criteria
from portal.criteria.model import CriteriaSet
from portal.i18n.languages import DEFAULT_LOCALE, code_of
from portal.i18n.marks import N_

EXTENSION_KEY = "criteria_sets"
# Marked for the catalogue, translated where a page shows them (`|translated`); the API answers with the English.
STATUS_LABELS = {
    "in_force": N_("In force"),
    "superseded": N_("Superseded"),
    "provisional": N_("Provisional"),
    "voluntary": N_("Voluntary"),
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


def display_language() -> str:
    """The portal code (en, zh_CN) of the language the current page is shown in; English outside a request."""
    return code_of(get_locale()) if has_request_context() else DEFAULT_LOCALE


def localized(criteria_set: CriteriaSet) -> CriteriaSet:
    """The set as the current reader sees it: its text in their language where the file translates it, English
    elsewhere. For display only: screen and store with the set from all_sets() (its results stay in English)."""
    return criteria_set.localized(display_language())


def localized_sets(criteria_sets: Iterable[CriteriaSet]) -> list[CriteriaSet]:
    language = display_language()
    return [criteria_set.localized(language) for criteria_set in criteria_sets]

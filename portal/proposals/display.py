"""Proposal values as shown to the reader, in their language: the choice labels of portal/proposals/fields.py and what
completeness finds missing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext

from portal.criteria.model import CriteriaSet
from portal.proposals import completeness, fields


def display_value(name: str, value: str | None) -> str:
    """fields.display_value, with a choice's label translated; free text is shown as it was written."""
    shown = fields.display_value(name, value)
    return gettext(shown) if shown and name in fields.CHOICE_LABELS and value in fields.CHOICE_LABELS[name] else shown


def missing_items(snapshot: dict[str, Any], criteria_sets: Iterable[CriteriaSet] = ()) -> list[str]:
    """completeness.missing_items in the reader's language (a field's label translated too)."""
    shown = []
    for message, values in completeness.missing(snapshot, criteria_sets):
        values = {key: gettext(value) if key == "field" else value for key, value in values.items()}
        shown.append(gettext(message, **values))
    return shown

"""Proposal values as shown to the reader: the choice labels of portal/proposals/fields.py in their language."""

from __future__ import annotations

from flask_babel import gettext

from portal.proposals import fields


def display_value(name: str, value: str | None) -> str:
    """fields.display_value, with a choice's label translated; free text is shown as it was written."""
    shown = fields.display_value(name, value)
    return gettext(shown) if shown and name in fields.CHOICE_LABELS and value in fields.CHOICE_LABELS[name] else shown

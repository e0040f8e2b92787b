"""Marking a message for the catalogue where it is defined, translating it where it is shown.

For strings that must stay English in one place and be translated in another: ERROR_TITLES are the API's problem
titles (English) and the error pages' headings (the reader's language). Pure: no Flask, no Babel."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the name pybabel extract looks for by default
    """Return the message unchanged; `pybabel extract` collects it into the catalogue."""
    return message

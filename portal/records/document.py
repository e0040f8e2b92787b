"""The record as HTML for the PDF: an autoescaping Jinja template fed plain values.

The template never sees markup from the record: every value is text that Jinja escapes, so a record that
contains `<img src=file:///...>` shows those characters and WeasyPrint never sees an element to fetch.

The labels are printed in the record's `language` (the institution's setting when the record was made; English for a
record without one), from the portal's catalogues through Babel: no Flask here, this runs outside any request. The
record's data (titles, names, rationales, criteria-set content) is printed as it is in the record, never translated.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from babel import Locale
from jinja2 import Environment

from portal.audit.canonical import canonical_json
from portal.config import ROOT
from portal.i18n.catalogues import SOURCE_LANGUAGE, translated_environment
from portal.records.shape import SCHEMA_PATH

TEMPLATE_DIR = ROOT / "templates" / "records"
DEFAULT_LANGUAGE = SOURCE_LANGUAGE  # the language the template is written in


@cache
def _printed_fields() -> frozenset[str]:
    """The top-level fields the template prints in their own places; any other field goes under "Other fields"."""
    return frozenset(json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["properties"])


@cache
def _languages() -> frozenset[str]:
    """The languages a record may name (the schema's enum of `language`, the portal's languages)."""
    return frozenset(json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["properties"]["language"]["enum"])


def record_language(record: dict[str, Any]) -> str:
    """The record's language when it names one the portal has, else English (records made before it had one)."""
    language = record.get("language")
    return language if language in _languages() else DEFAULT_LANGUAGE


def _environment(language: str = DEFAULT_LANGUAGE) -> Environment:
    return translated_environment(TEMPLATE_DIR, language)


def _html_lang(language: str) -> str:
    """The BCP 47 tag for <html lang>: zh_CN is zh-Hans (fonts pick the simplified forms from it)."""
    locale = Locale.parse(language)
    return "-".join(part for part in (locale.language, locale.script) if part)


def record_html(envelope: dict[str, Any]) -> str:
    language = record_language(envelope["record"])
    page = _environment(language).get_template("record.html")
    return page.render(**record_view(envelope), html_lang=_html_lang(language))


def record_view(envelope: dict[str, Any]) -> dict[str, Any]:
    """What the template shows: the record, plus the joins a reader would otherwise do by hand."""
    record = envelope["record"]
    provisional = {s["set_id"]: s["provisional_outcome"] for s in record["screenings"]}
    screened_titles = {s["set_id"]: s["set_title"] for s in record["screenings"]}
    determinations = [
        {**d, "provisional": _provisional_title(provisional.get(d["set_id"]), d["provisional_outcome_id"],
                                                d.get("provisional_outcome_title")),
         # The policy's title is printed once, in the screening above, when it is the same there.
         "title_as_screened": screened_titles.get(d["set_id"]) == d["set_title"]}
        for d in record["determinations"]
    ]
    return {
        "record": record,
        "determinations": determinations,
        "judgments": record["judgments"],
        "integrity": {key: envelope[key] for key in ("fingerprint", "signature", "key_id", "algorithm")},
        "other_fields": [
            (key, value if isinstance(value, str) else canonical_json(value))
            for key, value in sorted(record.items())
            if key not in _printed_fields()
        ],
    }


def _provisional_title(outcome: dict[str, Any] | None, outcome_id: str | None, title: str | None) -> str | None:
    """The provisional outcome as printed, or None when none is recorded (the template says so in its language)."""
    if outcome and (outcome_id is None or outcome["id"] == outcome_id):
        return f"{outcome['title']} ({outcome['id']})"
    if title and outcome_id:
        return f"{title} ({outcome_id})"
    return outcome_id or None

"""The record as HTML for the PDF: an autoescaping Jinja template fed plain values.

The template never sees markup from the record: every value is text that Jinja escapes, so a record that
contains `<img src=file:///...>` shows those characters and WeasyPrint never sees an element to fetch.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from portal.audit.canonical import canonical_json
from portal.config import ROOT
from portal.records.shape import SCHEMA_PATH

TEMPLATE_DIR = ROOT / "templates" / "records"


@cache
def _printed_fields() -> frozenset[str]:
    """The top-level fields the template prints in their own places; any other field goes under "Other fields"."""
    return frozenset(json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["properties"])


@cache
def _environment() -> Environment:
    # Outside Flask, Jinja does not escape by default (security-test-plan.md §2.2): say so explicitly.
    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def record_html(envelope: dict[str, Any]) -> str:
    return _environment().get_template("record.html").render(**record_view(envelope))


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


def _provisional_title(outcome: dict[str, Any] | None, outcome_id: str | None, title: str | None) -> str:
    if outcome and (outcome_id is None or outcome["id"] == outcome_id):
        return f"{outcome['title']} ({outcome['id']})"
    if title and outcome_id:
        return f"{title} ({outcome_id})"
    return outcome_id or "none recorded"

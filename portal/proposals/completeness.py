"""What is still missing before a proposal can be submitted. Pure: works on a snapshot dict.

Each item is an English message marked with N_ and its values (`missing`); `missing_items` gives them as English
sentences (the API, refusals), portal/proposals/display.py in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from portal.criteria.engine import unanswered_questions
from portal.criteria.model import CriteriaSet
from portal.i18n.marks import N_
from portal.proposals.fields import FIELDS

EMPTY_FIELD = N_("%(field)s is empty.")
NO_DOCUMENT = N_("Attach at least one PDF document (for example the research plan).")
UNANSWERED_ONE = N_("Answer the %(num)d remaining screening question.")
UNANSWERED_MANY = N_("Answer the %(num)d remaining screening questions.")


def missing(snapshot: dict[str, Any], criteria_sets: Iterable[CriteriaSet] = ()) -> list[tuple[str, dict[str, Any]]]:
    """What must be added, as (message, values); empty when the proposal is complete. A "field" value is a label."""
    items: list[tuple[str, dict[str, Any]]] = [
        (EMPTY_FIELD, {"field": spec.label})
        for spec in FIELDS
        if spec.required and not str(snapshot["fields"].get(spec.name) or "").strip()
    ]
    if not snapshot["attachments"]:
        items.append((NO_DOCUMENT, {}))
    unanswered = unanswered_screening_questions(snapshot, criteria_sets)
    if unanswered:
        count = len(unanswered)
        items.append((UNANSWERED_ONE if count == 1 else UNANSWERED_MANY, {"num": count}))
    return items


def missing_items(snapshot: dict[str, Any], criteria_sets: Iterable[CriteriaSet] = ()) -> list[str]:
    """Plain-language (English) list of what must be added; empty when the proposal is complete."""
    return [message % values if values else message for message, values in missing(snapshot, criteria_sets)]


def unanswered_screening_questions(snapshot: dict[str, Any], criteria_sets: Iterable[CriteriaSet]) -> list[str]:
    answers = snapshot.get("screening_answers", {})
    seen: dict[str, None] = {}
    for criteria_set in criteria_sets:
        seen.update(dict.fromkeys(unanswered_questions(criteria_set, answers)))
    return list(seen)

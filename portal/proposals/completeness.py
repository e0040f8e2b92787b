"""What is still missing before a proposal can be submitted. Pure: works on a snapshot dict."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from portal.criteria.engine import unanswered_questions
from portal.criteria.model import CriteriaSet
from portal.proposals.fields import FIELDS


def missing_items(snapshot: dict[str, Any], criteria_sets: Iterable[CriteriaSet] = ()) -> list[str]:
    """Plain-language list of what must be added; empty when the proposal is complete."""
    missing = [
        f"{spec.label} is empty."
        for spec in FIELDS
        if spec.required and not str(snapshot["fields"].get(spec.name) or "").strip()
    ]
    if not snapshot["attachments"]:
        missing.append("Attach at least one PDF document (for example the research plan).")
    unanswered = unanswered_screening_questions(snapshot, criteria_sets)
    if unanswered:
        count = len(unanswered)
        missing.append(f"Answer the {count} remaining screening question{'s' if count != 1 else ''}.")
    return missing


def unanswered_screening_questions(snapshot: dict[str, Any], criteria_sets: Iterable[CriteriaSet]) -> list[str]:
    answers = snapshot.get("screening_answers", {})
    seen: dict[str, None] = {}
    for criteria_set in criteria_sets:
        seen.update(dict.fromkeys(unanswered_questions(criteria_set, answers)))
    return list(seen)

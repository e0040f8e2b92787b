"""Whether given screening answers fit their questions: the same rules the questionnaire's form applies, for
answers that arrive without a form (the API). Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from portal.criteria.model import Question

UNSURE = "unsure"
TEXT_MAX = 5000


def answer_errors(questions: Iterable[Question], answers: dict[str, Any]) -> dict[str, str]:
    """Question id -> what is wrong with its answer; empty when every answer fits."""
    by_id = {question.id: question for question in questions}
    errors: dict[str, str] = {}
    for question_id, value in answers.items():
        question = by_id.get(question_id)
        problem = ("Not a question of the criteria sets your institution applies." if question is None
                   else _problem(question, value))
        if problem:
            errors[question_id] = problem
    return errors


def _choices(question: Question) -> set[str]:
    return {choice.id for choice in question.choices} | ({UNSURE} if question.allow_unsure else set())


def _problem(question: Question, value: Any) -> str | None:
    kind = question.type
    if kind == "multiple_choice":
        if not isinstance(value, list) or not value:
            return "Give a list of one or more choice ids."
        unknown = [item for item in value if item not in _choices(question)]
        return f"Not a choice of this question: {', '.join(map(str, unknown))}." if unknown else None
    if not isinstance(value, str):
        return "Give this answer as text."
    if kind == "yes_no_unsure":
        return None if value in ("yes", "no", UNSURE) else "Answer yes, no or unsure."
    if kind == "single_choice":
        return None if value in _choices(question) else f"Choose one of: {', '.join(sorted(_choices(question)))}."
    if kind == "attestation":
        return None if value == "yes" else 'An attestation is given with "yes" (leave it out otherwise).'
    if kind == "number":
        return None if _is_number(value) else "Give a number, for example 12 or 3.5."
    if kind == "date":
        return None if _is_date(value) else "Give a date as YYYY-MM-DD."
    if not value.strip() or len(value) > TEXT_MAX:
        return f"Give between 1 and {TEXT_MAX} characters."
    return None


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip().lower() not in ("nan", "inf", "-inf", "infinity", "-infinity")


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True

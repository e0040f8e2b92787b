"""The questionnaire across several sets: each question once, gates first, follow-ups as they apply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from portal.criteria.engine import applicable_questions
from portal.criteria.model import CriteriaSet, Question
from portal.i18n.marks import N_


@dataclass(frozen=True)
class Section:
    title: str  # a set's title, or (set_id None) the portal's own heading, marked with N_ and translated where shown
    questions: tuple[Question, ...]
    set_id: str | None = None


def sections(criteria_sets: Sequence[CriteriaSet]) -> list[Section]:
    """Shared questions first (answered once for every set), then each set's own questions."""
    shared: dict[str, Question] = {}
    for criteria_set in criteria_sets:
        for question in criteria_set.questions:
            if question.shared:
                shared.setdefault(question.id, question)
    result = [Section(N_("Questions for every policy"), tuple(shared.values()))] if shared else []
    for criteria_set in criteria_sets:
        own = tuple(q for q in criteria_set.questions if not q.shared)
        if own:
            result.append(Section(criteria_set.title, own, criteria_set.id))
    return result


def all_questions(criteria_sets: Sequence[CriteriaSet]) -> list[Question]:
    return [q for section in sections(criteria_sets) for q in section.questions]


def shown_questions(criteria_sets: Sequence[CriteriaSet], answers: dict[str, Any]) -> set[str]:
    shown: set[str] = set()
    for criteria_set in criteria_sets:
        shown |= applicable_questions(criteria_set, answers)
    return shown


def settle(criteria_sets: Sequence[CriteriaSet], answers: dict[str, Any]) -> dict[str, Any]:
    """Drop answers to questions that no longer apply (a gate changed to "no"), until nothing changes."""
    for _ in range(20):
        shown = shown_questions(criteria_sets, answers)
        kept = {qid: value for qid, value in answers.items() if qid in shown}
        if kept == answers:
            return kept
        answers = kept
    return answers

"""Screening answers for the fictional demo proposals: every applicable question answered, from a
profile of a few chosen answers plus plain defaults ("no", "none of these", attestations ticked)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from portal.criteria.engine import applicable_questions, unanswered_questions
from portal.criteria.model import CriteriaSet, Question

REFLECTION = "A short reflection written for the fictional demo."


def default_answer(question: Question) -> Any:
    choice_ids = [c.id for c in question.choices]
    if question.type == "yes_no_unsure":
        return "no"
    if question.type == "multiple_choice":
        return ["none_of_these"] if "none_of_these" in choice_ids else choice_ids[:1]
    if question.type == "single_choice":
        return "none_of_these" if "none_of_these" in choice_ids else choice_ids[0]
    if question.type == "attestation":
        return "yes"
    if question.type == "number":
        return "0"
    if question.type == "date":
        return "2026-01-15"
    return REFLECTION


def demo_answers(criteria_sets: Sequence[CriteriaSet], profile: dict[str, Any]) -> dict[str, Any]:
    """Start from the profile, then answer whatever still applies, until nothing is left."""
    answers = dict(profile)
    by_id = {q.id: q for s in criteria_sets for q in s.questions}
    for _ in range(50):
        open_ids = [qid for s in criteria_sets for qid in unanswered_questions(s, answers)]
        # Optional reflections are written too, as a diligent investigator would.
        open_ids += [
            qid
            for s in criteria_sets
            for qid in applicable_questions(s, answers)
            if qid not in answers and by_id[qid].type == "text"
        ]
        if not open_ids:
            return answers
        for qid in open_ids:
            answers.setdefault(qid, default_answer(by_id[qid]))
    return answers

"""A set's worked examples: compiled, and checked against the set's own questions, outcomes and criteria.

The examples are unit tests of the policy (tests/criteria/test_shipped_sets.py runs them), so an example
that names a question the set does not ask, or an answer the form could never send, is refused at load.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from portal.criteria.model import Example, Question
from portal.criteria.source import KeyPath

CHOICE_TYPES = ("single_choice", "multiple_choice")


def compile_examples(items: Iterable[Mapping[str, Any]]) -> tuple[Example, ...]:
    return tuple(
        Example(
            e["name"],
            e["answers"],
            e["expect"],
            tuple(e["expect_criteria"]) if "expect_criteria" in e else None,
        )
        for e in items
    )


def example_problems(
    items: Iterable[Mapping[str, Any]],
    questions: Iterable[Question],
    outcome_ids: Collection[str],
    criterion_ids: Collection[str],
) -> list[tuple[KeyPath, str]]:
    """(key path, message) for every example naming what the set does not have."""
    problems: list[tuple[KeyPath, str]] = []
    by_id = {q.id: q for q in questions}
    for index, example in enumerate(items):
        for qid, answer in example["answers"].items():
            path = ("examples", index, "answers", qid)
            if qid not in by_id:
                problems.append((path, f"unknown question '{qid}'"))
                continue
            bad = _invalid_values(by_id[qid], answer)
            if bad:
                problems.append((path, f"{bad} is not an answer question '{qid}' accepts"))
        if example["expect"] not in outcome_ids:
            problems.append((("examples", index, "expect"), f"unknown outcome '{example['expect']}'"))
        for cid in example.get("expect_criteria", []):
            if cid not in criterion_ids:
                problems.append((("examples", index, "expect_criteria"), f"unknown criterion '{cid}'"))
    return problems


def _invalid_values(question: Question, answer: Any) -> list[Any]:
    """The parts of an example answer that the question could never receive from the form."""
    if question.type == "yes_no_unsure":
        return [] if answer in ("yes", "no", "unsure") else [answer]
    if question.type == "attestation":
        return [] if answer == "yes" else [answer]
    if question.type not in CHOICE_TYPES:
        return []
    allowed = {c.id for c in question.choices} | ({"unsure"} if question.allow_unsure else set())
    values = answer if question.type == "multiple_choice" and isinstance(answer, list) else [answer]
    if question.type == "multiple_choice" and not isinstance(answer, list):
        return [answer]
    return [v for v in values if v not in allowed]

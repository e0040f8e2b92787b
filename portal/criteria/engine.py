"""screen(criteria_set, answers) -> Screening. Pure and deterministic: no clock, no I/O.

The engine screens, explains and routes; it never determines. Its outcome is provisional, and every
criterion that needs a person's judgment comes back as a required judgment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.criteria.conditions import UNSURE, Context, explain
from portal.criteria.model import Clause, CriteriaSet, Finding, Screening, Severity

ENGINE_VERSION = "1"


def screen(criteria_set: CriteriaSet, answers: Mapping[str, Any]) -> Screening:
    context, _shown = _applicability(criteria_set, answers)
    missing, unsure = _unanswered_and_unsure(criteria_set, context)
    findings = tuple(_finding(criterion, context) for criterion in criteria_set.criteria)
    outcome, via_unsure = _outcome(criteria_set, context)
    total = sum(f.weight for f in findings)
    score = round(100 * sum(f.weight for f in findings if f.triggered) / total) if total else 0
    return Screening(
        set_id=criteria_set.id,
        set_version=criteria_set.version,
        set_digest=criteria_set.digest,
        engine_version=ENGINE_VERSION,
        outcome_id=outcome.id,
        outcome_title=outcome.title,
        severity=outcome.severity,
        outcome_via_unsure=via_unsure,
        outcome_clauses=_clauses(outcome.when, context) if outcome.when is not None else (),
        score=score,
        findings=findings,
        required_judgments=tuple(
            (f.criterion_id, f.human_judgment) for f in findings if f.triggered and f.human_judgment
        ),
        missing=missing,
        unsure=unsure,
        hidden=tuple(q.id for q in criteria_set.questions if q.id in context.hidden),
    )


def applicable_questions(criteria_set: CriteriaSet, answers: Mapping[str, Any]) -> set[str]:
    """The questions a form should show now: a follow-up appears once its gate is answered yes or unsure."""
    return _applicability(criteria_set, answers, blank_hides_follow_ups=True)[1]


def unanswered_questions(criteria_set: CriteriaSet, answers: Mapping[str, Any]) -> list[str]:
    """Required questions a form shows now that have no answer yet; none left means ready to submit."""
    shown = applicable_questions(criteria_set, answers)
    return [q.id for q in criteria_set.questions if q.id in shown and q.required and _blank(answers.get(q.id))]


def _applicability(
    criteria_set: CriteriaSet, answers: Mapping[str, Any], *, blank_hides_follow_ups: bool = False
) -> tuple[Context, set[str]]:
    context = Context(answers)
    blank_that_hides = (
        [q.id for q in criteria_set.questions] if blank_hides_follow_ups else criteria_set.optional_questions
    )
    for question in blank_that_hides:
        if _blank(answers.get(question)):
            context.hidden.add(question)  # an optional question left empty does not apply
    shown = set()
    for question in criteria_set.question_order:
        # A question applies unless its show_if is definitely false; "unsure" keeps it shown.
        if question.show_if is not None and question.show_if.fn(context) is False:
            context.hidden.add(question.id)
        else:
            shown.add(question.id)
    return context, shown


def _unanswered_and_unsure(criteria_set: CriteriaSet, context: Context) -> tuple[tuple[str, ...], tuple[str, ...]]:
    missing, unsure = [], []
    for question in criteria_set.questions:
        if question.id in context.hidden:
            continue
        answer = context.answers.get(question.id)
        if _blank(answer):
            if question.required:
                missing.append(question.id)
        elif answer == UNSURE or (isinstance(answer, list) and UNSURE in answer):
            unsure.append(question.id)
    return tuple(missing), tuple(unsure)


def _finding(criterion: Any, context: Context) -> Finding:
    value = criterion.when.fn(context)
    context.criteria[criterion.id] = value
    triggered = value is not False
    return Finding(
        criterion_id=criterion.id,
        title=criterion.title,
        triggered=triggered,
        via_unsure=value is None,
        weight=criterion.weight,
        answers=tuple((qid, context.answers.get(qid)) for qid in criterion.question_ids if qid not in context.hidden),
        clauses=_clauses(criterion.when, context) if triggered else (),
        human_judgment=criterion.human_judgment,
    )


def _outcome(criteria_set: CriteriaSet, context: Context) -> tuple[Any, bool]:
    """The first gate that holds; a cautious gate also fires when it depends on an unsure answer."""
    for outcome in criteria_set.outcomes:
        value = outcome.when.fn(context)
        if value is True:
            return outcome, False
        if value is None and outcome.severity > Severity.NONE:
            return outcome, True
    return criteria_set.default_outcome, False


def _clauses(condition: Any, context: Context) -> tuple[Clause, ...]:
    return tuple(Clause(text, value) for text, value in explain(condition, context))


def _blank(answer: Any) -> bool:
    return answer is None or answer == "" or answer == []

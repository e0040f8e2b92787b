"""Criteria sets over the API: public policy text, so any valid token may read them, whatever its scopes. Each
says whether the caller's institution applies it."""

from __future__ import annotations

from portal.api.criteria_schemas import (
    CriteriaCriterion,
    CriteriaOutcome,
    CriteriaQuestion,
    CriteriaSetDetail,
    CriteriaSetList,
    CriteriaSetSummary,
    Judgment,
    OutcomeClock,
    QuestionChoice,
    SourceLink,
)
from portal.api.problems import ApiProblem
from portal.api.spec import operation
from portal.auth.models import User
from portal.criteria.model import CriteriaSet, Outcome, Question
from portal.screenings.queries import activation_map, display_order
from portal.screenings.registry import STATUS_LABELS, all_sets

TAG = "Criteria sets"


def _summary(criteria_set: CriteriaSet, applied: bool) -> dict[str, object]:
    return {
        "id": criteria_set.id, "title": criteria_set.title, "version": criteria_set.version,
        "digest": criteria_set.digest, "policy_status": criteria_set.policy_status,
        "policy_status_label": STATUS_LABELS[criteria_set.policy_status],
        "jurisdiction": criteria_set.jurisdiction, "effective_from": criteria_set.effective_from,
        "effective_until": criteria_set.effective_until, "summary": criteria_set.summary,
        "sources": [SourceLink(**source) for source in criteria_set.sources],
        "applied_by_my_institution": applied,
    }


def _applied(user: User) -> dict[str, bool]:
    return activation_map(user.institution_id)


@operation("/criteria-sets", summary="List the criteria sets", tag=TAG, scope=None, response=CriteriaSetList)
def list_criteria_sets(user: User) -> CriteriaSetList:
    """Every criteria set the portal ships, with the status of its source policy, its jurisdiction, effective
    dates and sources, and whether your institution applies it (each institution chooses its sets)."""
    applied = _applied(user)
    return CriteriaSetList(items=[CriteriaSetSummary(**_summary(s, applied.get(s.id, False)))
                                  for s in display_order(all_sets().values())])


def _question(question: Question) -> CriteriaQuestion:
    return CriteriaQuestion(
        id=question.id, text=question.text, type=question.type, help=question.help,  # type: ignore[arg-type]
        choices=[QuestionChoice(id=c.id, label=c.label) for c in question.choices],
        allow_unsure=question.allow_unsure, shared=question.shared, required=question.required,
    )


def _outcome(criteria_set: CriteriaSet, outcome: Outcome) -> CriteriaOutcome:
    return CriteriaOutcome(
        id=outcome.id, title=outcome.title, severity=outcome.severity.label, description=outcome.description,
        default=outcome is criteria_set.default_outcome,
        routing=list(criteria_set.routing.get(outcome.id, ())),
        clocks=[OutcomeClock(kind=c.kind, title=c.title, due_days=c.due_days, owner=c.owner,
                             repeat_days=c.repeat_days) for c in criteria_set.clocks.get(outcome.id, ())],
    )


@operation("/criteria-sets/<set_id>", summary="Read a criteria set", tag=TAG, scope=None,
           response=CriteriaSetDetail)
def get_criteria_set(user: User, set_id: str) -> CriteriaSetDetail:
    """One set in full: its questions (with their help and choices), its criteria (weight, and the human
    judgment each requires), and its outcomes from most to least cautious with the committees each is routed to
    and the clocks it starts. The conditions that trigger criteria and outcomes are left out: they are compiled
    from the set's YAML file, which is the readable source (see the set's page under Criteria)."""
    criteria_set = all_sets().get(set_id)
    if criteria_set is None:
        raise ApiProblem(404, f"There is no criteria set `{set_id[:100]}`; GET /api/v1/criteria-sets lists them.")
    return CriteriaSetDetail(
        **_summary(criteria_set, _applied(user).get(criteria_set.id, False)),
        questions=[_question(q) for q in criteria_set.questions],
        criteria=[CriteriaCriterion(id=c.id, title=c.title, description=c.description, weight=c.weight,
                                    human_judgment=None if c.human_judgment is None else Judgment(
                                        question=c.human_judgment.question, by=list(c.human_judgment.by)))
                  for c in criteria_set.criteria],
        outcomes=[_outcome(criteria_set, o) for o in criteria_set.all_outcomes],
    )

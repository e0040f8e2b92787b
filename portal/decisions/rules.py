"""What a decision must hold before it can be made, who must sign it, and when its clocks fall due. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.criteria.model import DECISION_OUTCOMES, Clock, Determination
from portal.i18n.marks import N_

# Labels are English, marked with N_ and translated where a page shows them (the record and the API keep English).
OUTCOME_LABELS = {
    "approved": N_("Approved"),
    "approved_with_conditions": N_("Approved with conditions (a risk mitigation plan)"),
    "revisions_required": N_("Revisions required"),
    "not_approved": N_("Not approved"),
    "referred_to_funding_agency": N_("Referred to the funding agency"),
    "prohibited": N_("Prohibited: the research must not be carried out"),
}
APPROVALS = ("approved", "approved_with_conditions")
JUDGMENT_ANSWERS = {"yes": N_("Yes"), "no": N_("No")}
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class SetFacts:
    """One criteria set as the decision form needs it: the stored screening and the set's determinations."""

    set_id: str
    set_title: str
    set_version: int
    set_digest: str
    provisional_id: str
    provisional_title: str
    judgments: tuple[tuple[str, str], ...]  # (criterion id, question) the screening left to people
    determinations: tuple[Determination, ...]


@dataclass(frozen=True)
class ConditionDraft:
    description: str
    owner: str  # "investigator" or "coordinator"
    due_on: date | None


@dataclass
class DecisionDraft:
    """What the decision form collected; keys: set id, and (set id, criterion id) for judgments."""

    determinations: dict[str, tuple[str, str]] = field(default_factory=dict)  # set -> (determination id, rationale)
    judgments: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # -> (answer, rationale)
    outcome: str = ""
    rationale: str = ""
    conditions: list[ConditionDraft] = field(default_factory=list)


def chosen(sets: Iterable[SetFacts], draft: DecisionDraft) -> list[tuple[SetFacts, Determination]]:
    """The determination chosen for each set, where a known one was chosen."""
    pairs = []
    for facts in sets:
        wanted = draft.determinations.get(facts.set_id, ("", ""))[0]
        found = next((d for d in facts.determinations if d.id == wanted), None)
        if found is not None:
            pairs.append((facts, found))
    return pairs


def forbidden_outcomes(pairs: Iterable[tuple[SetFacts, Determination]]) -> dict[str, str]:
    """Outcome -> why the chosen determinations rule it out."""
    reasons: dict[str, str] = {}
    for facts, determination in pairs:
        for outcome in determination.forbids:
            reasons.setdefault(outcome, f"“{determination.title}” under {facts.set_title} rules it out")
    return reasons


def decision_problems(sets: Sequence[SetFacts], draft: DecisionDraft, today: date) -> dict[str, str]:
    """Everything that stops the decision, keyed by the form field it concerns; empty when it can be made."""
    problems: dict[str, str] = {}
    for facts in sets:
        determination_id, rationale = draft.determinations.get(facts.set_id, ("", ""))
        if not any(d.id == determination_id for d in facts.determinations):
            problems[f"determination-{facts.set_id}"] = f"Choose the determination under {facts.set_title}."
        elif not rationale.strip():
            problems[f"determination-rationale-{facts.set_id}"] = f"Give the rationale under {facts.set_title}."
        for criterion, question in facts.judgments:
            answer, reason = draft.judgments.get((facts.set_id, criterion), ("", ""))
            key = f"{facts.set_id}/{criterion}"
            if answer not in JUDGMENT_ANSWERS:
                problems[f"judgment-{key}"] = f"Answer the judgment “{question}”."
            elif not reason.strip():
                problems[f"judgment-rationale-{key}"] = f"Give the rationale for “{question}”."
    problems.update(_outcome_problems(sets, draft, today))
    return problems


def _outcome_problems(sets: Sequence[SetFacts], draft: DecisionDraft, today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    forbidden = forbidden_outcomes(chosen(sets, draft))
    if draft.outcome not in DECISION_OUTCOMES:
        problems["outcome"] = "Choose the outcome."
    elif draft.outcome in forbidden:
        problems["outcome"] = f"{OUTCOME_LABELS[draft.outcome]} is not possible: {forbidden[draft.outcome]}."
    if not draft.rationale.strip():
        problems["rationale"] = "Give the rationale for the decision."
    if draft.outcome == "approved_with_conditions" and not draft.conditions:
        problems["conditions"] = "Approval with conditions needs at least one condition."
    for n, condition in enumerate(draft.conditions):
        if condition.due_on is None or condition.due_on < today:
            problems[f"condition-due-{n}"] = f"Condition {n + 1} needs a due date that is not in the past."
        if condition.owner not in ("investigator", "coordinator"):
            problems[f"condition-owner-{n}"] = f"Condition {n + 1} needs an owner."
    return problems


def signatures_required(determinations: Iterable[Determination]) -> int:
    """A final dual-use determination needs two distinct signers; any other decision one."""
    return 2 if any(d.dual_use for d in determinations) else 1


def clock_schedule(decided_on: date, pairs: Iterable[tuple[SetFacts, Determination]]) -> list[tuple[str, Clock, date]]:
    """(set id, clock, due date) for every clock the chosen determinations start, soonest first."""
    due = [
        (facts.set_id, clock, decided_on + timedelta(days=clock.due_days)) for facts, d in pairs for clock in d.clocks
    ]
    return sorted(due, key=lambda row: (row[2], row[0], row[1].kind))


def clock_status(due_on: date, completed: bool, today: date) -> str:
    """done, overdue, due_soon (within DUE_SOON_DAYS) or open: the text always names it, colour only repeats."""
    if completed:
        return "done"
    if today > due_on:
        return "overdue"
    if (due_on - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "open"


def out_of_scope_determinations(sets: Iterable[SetFacts]) -> dict[str, tuple[str, str]] | None:
    """For an administrative determination: each set's first determination that is not a dual-use one (the
    sets list "not in scope" first), or None when a set has none."""
    found = {}
    for facts in sets:
        first = next((d for d in facts.determinations if not d.dual_use), None)
        if first is None:
            return None
        found[facts.set_id] = (first.id, "Out of scope under every applied set, with no unsure answer.")
    return found

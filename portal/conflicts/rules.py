"""Why a person may not review a proposal. Pure: facts in, reasons out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portal.i18n.marks import N_, Message


@dataclass(frozen=True)
class ProposalFacts:
    pi_id: int
    pi_department_id: int | None
    team_ids: frozenset[int]
    declared: dict[int, tuple[str, ...]]  # user id -> declared reasons


def conflict_reasons(user_id: int, user_department_id: int | None, facts: ProposalFacts) -> list[str]:
    reasons = []
    if user_id == facts.pi_id:
        reasons.append(Message(N_("is the principal investigator")))
    elif user_id in facts.team_ids:
        reasons.append(Message(N_("is on the proposal's team")))
    if user_department_id is not None and user_department_id == facts.pi_department_id and user_id != facts.pi_id:
        reasons.append(Message(N_("works in the principal investigator's department")))
    reasons.extend(Message(N_("declared: %(reason)s"), reason=reason) for reason in facts.declared.get(user_id, ()))
    return reasons


def conflicted(user_ids: Iterable[tuple[int, int | None]], facts: ProposalFacts) -> dict[int, list[str]]:
    """Every conflicted person among (user id, department id) pairs, with the reasons."""
    found = {}
    for user_id, department_id in user_ids:
        reasons = conflict_reasons(user_id, department_id, facts)
        if reasons:
            found[user_id] = reasons
    return found

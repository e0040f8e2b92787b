"""Quorum, computed from who is present and who is recused. Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class QuorumRule:
    count: int | None
    percent: int | None
    require_non_scientist: bool


@dataclass(frozen=True)
class Seat:
    user_id: int
    votes: bool
    non_scientist: bool


@dataclass(frozen=True)
class QuorumState:
    needed: int
    counted: int  # present voting members who are not recused
    non_scientist_present: bool
    holds: bool
    reason: str


def members_needed(rule: QuorumRule, voting_members: int) -> int:
    if rule.count is not None:
        return rule.count
    return max(1, math.ceil(voting_members * (rule.percent or 0) / 100))


def quorum(rule: QuorumRule, seats: list[Seat], present: set[int], recused: set[int]) -> QuorumState:
    """Recused members do not count; where the rule asks for it, a non-scientist must be present."""
    voting = [s for s in seats if s.votes]
    needed = members_needed(rule, len(voting))
    counted = sum(1 for s in voting if s.user_id in present and s.user_id not in recused)
    lay_present = any(s.non_scientist and s.user_id in present and s.user_id not in recused for s in seats)
    if counted < needed:
        return QuorumState(
            needed,
            counted,
            lay_present,
            False,
            f"{counted} of the {needed} voting members needed are present and not recused",
        )
    if rule.require_non_scientist and not lay_present:
        return QuorumState(needed, counted, lay_present, False, "no non-scientist member is present")
    return QuorumState(needed, counted, lay_present, True, f"{counted} voting members present; quorum is {needed}")

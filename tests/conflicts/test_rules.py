"""Derived and declared conflicts, as pure rules."""

from __future__ import annotations

from portal.conflicts.rules import ProposalFacts, conflict_reasons, conflicted

FACTS = ProposalFacts(pi_id=1, pi_department_id=10, team_ids=frozenset({2, 3}), declared={4: ("former student",)})


def test_the_pi_is_conflicted():
    assert conflict_reasons(1, 10, FACTS) == ["is the principal investigator"]


def test_team_members_are_conflicted():
    assert conflict_reasons(2, 99, FACTS) == ["is on the proposal's team"]


def test_sharing_the_pis_department_is_a_conflict():
    assert conflict_reasons(5, 10, FACTS) == ["works in the principal investigator's department"]


def test_declared_conflicts_carry_their_reason():
    assert conflict_reasons(4, 99, FACTS) == ["declared: former student"]


def test_no_department_and_no_relation_is_no_conflict():
    assert conflict_reasons(6, None, FACTS) == []
    assert conflict_reasons(6, 11, FACTS) == []


def test_conflicted_lists_everyone_with_reasons():
    found = conflicted([(1, 10), (5, 10), (6, 11), (4, None)], FACTS)
    assert set(found) == {1, 5, 4}

"""The pure quorum module: who counts, what is needed, and the non-scientist rule."""

from __future__ import annotations

import pytest

from portal.committees.quorum import QuorumRule, Seat, members_needed, quorum

COUNT_3 = QuorumRule(count=3, percent=None, require_non_scientist=False)


def seats(voting: int, *, lay: tuple[int, ...] = (), alternates: int = 0) -> list[Seat]:
    """Voting seats with ids 1..voting (those in `lay` are non-scientists), then alternates."""
    board = [Seat(n, votes=True, non_scientist=n in lay) for n in range(1, voting + 1)]
    return board + [Seat(100 + n, votes=False, non_scientist=False) for n in range(alternates)]


def test_exactly_at_quorum_holds():
    state = quorum(COUNT_3, seats(5), present={1, 2, 3}, recused=set())
    assert (state.needed, state.counted, state.holds) == (3, 3, True)


def test_one_short_of_quorum_does_not_hold():
    state = quorum(COUNT_3, seats(5), present={1, 2}, recused=set())
    assert (state.counted, state.holds) == (2, False)
    assert state.reason == "2 of the 3 voting members needed are present and not recused"


def test_a_recusal_drops_the_meeting_below_quorum():
    state = quorum(COUNT_3, seats(5), present={1, 2, 3}, recused={2})
    assert (state.counted, state.holds) == (2, False)


def test_a_recused_member_who_is_absent_changes_nothing():
    state = quorum(COUNT_3, seats(5), present={1, 2, 3}, recused={5})
    assert (state.counted, state.holds) == (3, True)


@pytest.mark.parametrize(
    ("present", "recused", "holds", "lay_present"),
    [
        ({1, 2, 3}, set(), True, True),  # the non-scientist (1) is there
        ({2, 3, 4}, set(), False, False),  # enough members, but no non-scientist
        ({1, 2, 3, 4}, {1}, False, False),  # the only non-scientist is recused
    ],
    ids=["present", "absent", "recused"],
)
def test_the_non_scientist_requirement(present, recused, holds, lay_present):
    rule = QuorumRule(count=3, percent=None, require_non_scientist=True)
    state = quorum(rule, seats(5, lay=(1,)), present=present, recused=recused)
    assert (state.holds, state.non_scientist_present) == (holds, lay_present)
    if not holds:
        assert state.reason == "no non-scientist member is present"


def test_without_the_requirement_no_non_scientist_is_needed():
    state = quorum(COUNT_3, seats(5, lay=(1,)), present={2, 3, 4}, recused=set())
    assert state.holds


@pytest.mark.parametrize(
    ("percent", "voting", "needed"),
    [(50, 4, 2), (50, 5, 3), (51, 4, 3), (34, 3, 2), (33, 3, 1), (100, 7, 7), (1, 7, 1), (50, 0, 1), (50, 1, 1)],
)
def test_a_percentage_rounds_up_and_never_needs_fewer_than_one(percent, voting, needed):
    assert members_needed(QuorumRule(count=None, percent=percent, require_non_scientist=False), voting) == needed


def test_a_count_is_needed_whatever_the_size():
    assert members_needed(COUNT_3, 2) == 3  # a committee too small for its rule cannot reach quorum
    assert quorum(COUNT_3, seats(2), present={1, 2}, recused=set()).holds is False


def test_alternates_do_not_count_as_voting_members():
    rule = QuorumRule(count=None, percent=50, require_non_scientist=False)
    board = seats(4, alternates=3)

    state = quorum(rule, board, present={1, 100, 101, 102}, recused=set())

    assert state.needed == 2  # 50% of the 4 voting members, not of all 7 seats
    assert (state.counted, state.holds) == (1, False)
    assert quorum(rule, board, present={1, 2, 100}, recused=set()).holds

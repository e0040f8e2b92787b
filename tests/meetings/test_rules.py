"""The pure meeting modules: the two lifecycles, who may be recorded voting what, the tally, and the minutes text."""

from __future__ import annotations

from datetime import datetime

import pytest

from portal.committees.quorum import QuorumRule, Seat
from portal.meetings.minutes import (
    Attendee,
    MeetingFacts,
    MinutesItemFacts,
    ProposalItemFacts,
    general_text,
    minutes_item_text,
    proposal_item_text,
    withheld_text,
)
from portal.meetings.rules import Choice, Room, Tally, item_quorum, meeting_quorum, tally, vote_refusal
from portal.meetings.states import (
    MeetingState,
    MeetingStep,
    MinutesState,
    MinutesStep,
    TransitionRefused,
    next_meeting_state,
    next_minutes_state,
)

RULE = QuorumRule(count=3, percent=None, require_non_scientist=True)
# Voting seats 1-4 (4 is the non-scientist) and an alternate, 9.
SEATS = (Seat(1, True, False), Seat(2, True, False), Seat(3, True, False), Seat(4, True, True), Seat(9, False, False))


def room(*present: int) -> Room:
    return Room(RULE, SEATS, frozenset(present))


def refusal(the_room: Room, voter: int, choice: Choice = Choice.FOR, recused: set[int] = frozenset(), session=True):  # noqa: ANN001, ANN201
    return vote_refusal(the_room, voter_id=voter, voter_name="Pat", choice=choice, recused=recused, in_session=session)


def test_the_meeting_lifecycle():
    assert next_meeting_state(MeetingState.SCHEDULED, MeetingStep.START) is MeetingState.IN_SESSION
    assert next_meeting_state(MeetingState.IN_SESSION, MeetingStep.END) is MeetingState.ENDED
    with pytest.raises(TransitionRefused, match="cannot start again"):
        next_meeting_state(MeetingState.ENDED, MeetingStep.START)
    with pytest.raises(TransitionRefused, match="has not started yet"):
        next_meeting_state(MeetingState.SCHEDULED, MeetingStep.END)


def test_the_minutes_lifecycle_ends_in_approved_for_good():
    assert next_minutes_state(MinutesState.NONE, MinutesStep.GENERATE) is MinutesState.DRAFT
    assert next_minutes_state(MinutesState.DRAFT, MinutesStep.APPROVE) is MinutesState.APPROVED
    for step in MinutesStep:
        with pytest.raises(TransitionRefused):
            next_minutes_state(MinutesState.APPROVED, step)


def test_exactly_at_quorum_a_vote_is_accepted():
    assert refusal(room(1, 2, 4), 1) is None
    assert item_quorum(room(1, 2, 4), set()).counted == 3


def test_a_recusal_that_drops_the_item_below_quorum_refuses_votes():
    message = refusal(room(1, 2, 4), 1, recused={2})
    assert message == (
        "Quorum does not hold for this item: 2 of the 3 voting members needed are present and not recused. "
        "No vote was recorded."
    )
    assert meeting_quorum(room(1, 2, 4)).holds  # the meeting as a whole still has its quorum


def test_the_non_scientist_must_be_present():
    assert "no non-scientist member is present" in refusal(room(1, 2, 3), 1)
    assert refusal(room(1, 2, 3, 4), 1) is None
    assert "no non-scientist member is present" in refusal(room(1, 2, 3, 4), 1, recused={4})


@pytest.mark.parametrize(
    ("voter", "choice", "recused", "session", "message"),
    [
        (1, Choice.FOR, set(), False, "only while the meeting is in session"),
        (9, Choice.FOR, set(), True, "Pat is not a voting member"),
        (77, Choice.FOR, set(), True, "Pat is not a voting member"),
        (3, Choice.FOR, set(), True, "Pat is not recorded as present"),
        (1, Choice.AGAINST, {1}, True, "Pat is recused from this item and can only be recorded as recused"),
        (1, Choice.RECUSED, set(), True, "declare the recusal first"),
    ],
    ids=["not in session", "alternate", "not a member", "absent", "recused", "recused without recusal"],
)
def test_vote_refusals(voter, choice, recused, session, message):
    assert message in refusal(room(1, 2, 4, 9), voter, choice, recused, session)


def test_a_recused_member_can_be_recorded_as_recused_while_quorum_holds():
    assert refusal(room(1, 2, 3, 4), 1, Choice.RECUSED, {1}) is None


def test_the_tally_counts_recused_members_whatever_was_recorded():
    votes = {1: "for", 2: "against", 3: "abstain", 4: "for"}
    assert tally(room(1, 2, 3, 4), votes, set()) == Tally(2, 1, 1, 0)
    # 4's conflict was found after the vote: the vote is void; 2 is recused and present but unrecorded.
    assert tally(room(1, 2, 3, 4), {1: "for", 4: "for"}, {2, 4}) == Tally(1, 0, 0, 2)


FACTS = MeetingFacts(
    committee="Review Entity",
    title="December meeting",
    starts_at=datetime(2026, 12, 1, 14, 0),
    location="Room 4",
    started_at=datetime(2026, 12, 1, 14, 5),
    ended_at=datetime(2026, 12, 1, 15, 40),
    attendees=(
        Attendee("Chair Person", "Chair", False, True),
        Attendee("Lee Lay", "Member", True, True),
        Attendee("Mia Member", "Member", False, False),
    ),
    non_scientist_required=True,
)


def test_the_general_section_records_attendance_and_the_non_scientist():
    text = general_text(FACTS)
    assert "Minutes of December meeting, a meeting of Review Entity" in text
    assert "Scheduled for 2026-12-01 14:00 UTC at Room 4." in text
    assert "Opened 2026-12-01 14:05 UTC; closed 2026-12-01 15:40 UTC." in text
    assert "Present (2): Chair Person (Chair), Lee Lay (Member, non-scientist)" in text
    assert "Absent (1): Mia Member (Member)" in text
    assert "A non-scientist member was present." in text


def test_an_item_section_records_quorum_recusals_votes_changes_and_issues():
    item = ProposalItemFacts(
        position=2,
        title="A fictional policy study",
        version=3,
        quorum_at_vote=(3, 3),
        non_scientist_required=True,
        recused=("Dee Deputy",),
        tally=Tally(2, 1, 0, 1),
        requested_changes=("Round 1: Describe the data management plan.",),
        controverted=("Reasonably anticipated outcome (Policy set)",),
        notes="Discussed the oversight plan.",
    )
    text = proposal_item_text(item)
    assert text.splitlines()[0] == "Item 2: A fictional policy study (version 3)"
    assert "Quorum at the vote: held; 3 voting members present and not recused, 3 needed, with a non-scientist" in text
    assert "Recused: Dee Deputy." in text
    assert "Votes: for 2, against 1, abstain 0, recused 1." in text
    assert "Basis for required changes:\n- Round 1: Describe the data management plan." in text
    assert "Controverted issues:\n- Reasonably anticipated outcome (Policy set)" in text
    assert "Discussion notes: Discussed the oversight plan." in text


def test_an_item_without_votes_says_so():
    item = ProposalItemFacts(1, "T", 1, None, False, (), None, (), (), "")
    text = proposal_item_text(item)
    assert "no vote was recorded" in text and "Votes: none recorded." in text and "Recused: none." in text


def test_a_minutes_item_and_the_withheld_line():
    approved = MinutesItemFacts(1, "November meeting", datetime(2026, 11, 3, 14, 0), True)
    assert minutes_item_text(approved) == (
        "Item 1: Minutes of November meeting (2026-11-03)\nThe minutes were approved at this meeting."
    )
    assert withheld_text(4) == "Item 4: withheld — you are recused (conflict of interest)"

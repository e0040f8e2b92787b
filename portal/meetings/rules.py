"""Quorum per agenda item, who may be recorded as voting what, and the tally. Pure: facts in, answers out.

Quorum itself is portal.committees.quorum: recused members do not count, and where the committee asks for it
a non-scientist member must be present and not recused.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from enum import StrEnum

from portal.committees.quorum import QuorumRule, QuorumState, Seat, quorum
from portal.i18n.marks import N_, Message


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"
    RECUSED = "recused"

    @property
    def label(self) -> str:
        return CHOICE_LABELS[self]


# English, marked with N_ and translated where shown (the minutes keep the English).
CHOICE_LABELS = {
    Choice.FOR: N_("For"),
    Choice.AGAINST: N_("Against"),
    Choice.ABSTAIN: N_("Abstain"),
    Choice.RECUSED: N_("Recused"),
}


@dataclass(frozen=True)
class Room:
    """The committee's current seats and who is present: the facts every item's quorum starts from."""

    rule: QuorumRule
    seats: tuple[Seat, ...]
    present: frozenset[int]

    def seat(self, user_id: int) -> Seat | None:
        return next((s for s in self.seats if s.user_id == user_id), None)


def meeting_quorum(room: Room) -> QuorumState:
    """The quorum of the meeting as a whole (approving minutes, say): nobody is recused from it."""
    return quorum(room.rule, list(room.seats), set(room.present), set())


def item_quorum(room: Room, recused: Set[int]) -> QuorumState:
    """The quorum for one item: its recused members (by conflict or by declaration) do not count."""
    return quorum(room.rule, list(room.seats), set(room.present), set(recused))


def vote_refusal(
    room: Room, *, voter_id: int, voter_name: str, choice: Choice, recused: Set[int], in_session: bool
) -> Message | None:
    """Why this vote cannot be recorded now, or None when it can. The checks run in the order a chair would
    explain them: the meeting, the person, their presence, their recusal, then the item's quorum. The answer is
    the English text, which can still be translated where it is shown (`Message`)."""
    if not in_session:
        return Message(N_("Votes can be recorded only while the meeting is in session."))
    seat = room.seat(voter_id)
    if seat is None or not seat.votes:
        return Message(N_("%(name)s is not a voting member of the committee (alternates attend but do not vote)."),
                       name=voter_name)
    if voter_id not in room.present:
        return Message(N_("%(name)s is not recorded as present; record their attendance first."), name=voter_name)
    if voter_id in recused and choice is not Choice.RECUSED:
        return Message(N_("%(name)s is recused from this item and can only be recorded as recused."), name=voter_name)
    if voter_id not in recused and choice is Choice.RECUSED:
        return Message(N_("%(name)s is not recused from this item; declare the recusal first, with its reason."),
                       name=voter_name)
    state = item_quorum(room, recused)
    if not state.holds:
        return Message(N_("Quorum does not hold for this item: %(reason)s. No vote was recorded."),
                       reason=quorum_reason(state))
    return None


def quorum_reason(state: QuorumState) -> Message:
    """QuorumState.reason (English, portal/committees/quorum.py) as a message that can be translated: the same
    msgids as the quorum_reason macro of templates/committees/_macros.html."""
    if state.counted < state.needed:
        message = Message(N_("%(counted)s of the %(needed)s voting members needed are present and not recused"),
                          counted=state.counted, needed=state.needed)
    elif not state.holds:
        message = Message(N_("no non-scientist member is present"))
    else:
        message = Message(N_("%(counted)s voting members present; quorum is %(needed)s"),
                          counted=state.counted, needed=state.needed)
    return message if message == state.reason else Message(state.reason)  # the facts' own text, if it ever differs


@dataclass(frozen=True)
class Tally:
    for_: int
    against: int
    abstain: int
    recused: int

    def as_dict(self) -> dict[str, int]:
        return {"for": self.for_, "against": self.against, "abstain": self.abstain, "recused": self.recused}


def tally(room: Room, votes: Mapping[int, str], recused: Set[int]) -> Tally:
    """Votes per choice. A recused member counts as recused whatever was recorded for them (a conflict found
    after their vote voids it), and a present recused voting member counts as recused even unrecorded."""
    counted = {Choice.FOR: 0, Choice.AGAINST: 0, Choice.ABSTAIN: 0}
    recused_voters = {s.user_id for s in room.seats if s.votes and s.user_id in room.present and s.user_id in recused}
    for user_id, choice in votes.items():
        if user_id in recused or choice == Choice.RECUSED:
            recused_voters.add(user_id)
        else:
            counted[Choice(choice)] += 1
    return Tally(counted[Choice.FOR], counted[Choice.AGAINST], counted[Choice.ABSTAIN], len(recused_voters))

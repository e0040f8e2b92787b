"""Minutes as text, generated from the recorded facts of a meeting. Pure: plain facts in, text out.

The minutes are kept as a general section and one section per agenda item, so that each reader is shown
only the sections they may read: a person conflicted with an item's proposal gets withheld_text() instead.
Recused members are named, never the reasons for their recusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.meetings.rules import Tally

WITHHELD = "Item {position}: withheld — you are recused (conflict of interest)"


@dataclass(frozen=True)
class Attendee:
    name: str
    role: str  # "Chair", "Member" or "Alternate"
    non_scientist: bool
    present: bool


@dataclass(frozen=True)
class MeetingFacts:
    committee: str
    title: str
    starts_at: datetime
    location: str
    started_at: datetime | None
    ended_at: datetime | None
    attendees: tuple[Attendee, ...]
    non_scientist_required: bool


@dataclass(frozen=True)
class ProposalItemFacts:
    position: int
    title: str
    version: int
    quorum_at_vote: tuple[int, int] | None  # (voting members counted, needed) at the last vote; None: no vote
    non_scientist_required: bool
    recused: tuple[str, ...]  # names
    tally: Tally | None  # None when no vote was recorded
    requested_changes: tuple[str, ...]  # "Round N: text"
    controverted: tuple[str, ...]  # criteria the reviewers disagreed with the screen on
    notes: str


@dataclass(frozen=True)
class MinutesItemFacts:
    position: int
    meeting_title: str
    meeting_starts_at: datetime
    approved_here: bool


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "not recorded"


def _person(attendee: Attendee) -> str:
    flags = attendee.role + (", non-scientist" if attendee.non_scientist else "")
    return f"{attendee.name} ({flags})"


def _bullets(heading: str, lines: tuple[str, ...], empty: str) -> list[str]:
    if not lines:
        return [f"{heading}: {empty}"]
    return [f"{heading}:", *(f"- {line}" for line in lines)]


def general_text(facts: MeetingFacts) -> str:
    """The heading and the attendance, with whether a non-scientist member was present."""
    present = [a for a in facts.attendees if a.present]
    absent = [a for a in facts.attendees if not a.present]
    lay = any(a.non_scientist for a in present)
    where = f" at {facts.location}" if facts.location else ""
    lines = [
        f"Minutes of {facts.title}, a meeting of {facts.committee}",
        f"Scheduled for {_when(facts.starts_at)}{where}. Opened {_when(facts.started_at)}; "
        f"closed {_when(facts.ended_at)}.",
        "",
        "Attendance",
        f"Present ({len(present)}): " + (", ".join(_person(a) for a in present) or "nobody recorded"),
        f"Absent ({len(absent)}): " + (", ".join(_person(a) for a in absent) or "none"),
        "A non-scientist member was present." if lay else "No non-scientist member was present.",
    ]
    if facts.non_scientist_required:
        lines.append("The committee requires a non-scientist member to be present for quorum.")
    return "\n".join(lines)


def _quorum_line(item: ProposalItemFacts) -> str:
    if item.quorum_at_vote is None:
        return "Quorum at the vote: no vote was recorded."
    counted, needed = item.quorum_at_vote
    lay = ", with a non-scientist member present" if item.non_scientist_required else ""
    return f"Quorum at the vote: held; {counted} voting members present and not recused, {needed} needed{lay}."


def _votes_line(tally: Tally | None) -> str:
    if tally is None:
        return "Votes: none recorded."
    return f"Votes: for {tally.for_}, against {tally.against}, abstain {tally.abstain}, recused {tally.recused}."


def proposal_item_text(item: ProposalItemFacts) -> str:
    lines = [
        f"Item {item.position}: {item.title} (version {item.version})",
        _quorum_line(item),
        "Recused: " + (", ".join(item.recused) if item.recused else "none") + ".",
        _votes_line(item.tally),
        *_bullets("Basis for required changes", item.requested_changes, "no changes were requested."),
        *_bullets("Controverted issues", item.controverted, "none recorded."),
        "Discussion notes: " + (item.notes.strip() or "none recorded."),
    ]
    return "\n".join(lines)


def minutes_item_text(item: MinutesItemFacts) -> str:
    outcome = "were approved at this meeting" if item.approved_here else "were not approved at this meeting"
    return (
        f"Item {item.position}: Minutes of {item.meeting_title} ({item.meeting_starts_at.strftime('%Y-%m-%d')})\n"
        f"The minutes {outcome}."
    )


def withheld_text(position: int) -> str:
    return WITHHELD.format(position=position)

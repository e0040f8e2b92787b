"""Meetings, their agenda, attendance, recusals and votes. The minutes live on the meeting (general section) and
on each agenda item (that item's section), so that each reader can be shown only what they may read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.committees.models import Committee
from portal.extensions import db
from portal.meetings.rules import Choice
from portal.meetings.states import MeetingState, MinutesState
from portal.proposals.models import Proposal

_STATES = ", ".join(f"'{s.value}'" for s in MeetingState)
_MINUTES = ", ".join(f"'{s.value}'" for s in MinutesState)
_CHOICES = ", ".join(f"'{c.value}'" for c in Choice)
PROPOSAL_ITEM = "proposal"
MINUTES_ITEM = "minutes"


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATES})", name="state"),
        CheckConstraint(f"minutes_state IN ({_MINUTES})", name="minutes_state"),
        CheckConstraint("state = 'scheduled' OR started_at IS NOT NULL", name="started"),
        CheckConstraint("(state = 'ended') = (ended_at IS NOT NULL)", name="ended"),
        CheckConstraint(
            "minutes_state = 'none' OR (state = 'ended' AND minutes_generated_at IS NOT NULL)", name="minutes_after_end"
        ),
        CheckConstraint("(minutes_state = 'approved') = (minutes_approved_at IS NOT NULL)", name="approved_at"),
        CheckConstraint("(minutes_state = 'approved') = (minutes_approved_in_id IS NOT NULL)", name="approved_in"),
        CheckConstraint("minutes_approved_in_id IS NULL OR minutes_approved_in_id <> id", name="approved_later"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]  # naive UTC, as every stored time
    location: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16), default=MeetingState.SCHEDULED.value)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    minutes_state: Mapped[str] = mapped_column(String(16), default=MinutesState.NONE.value)
    minutes_general: Mapped[str] = mapped_column(Text, default="")
    minutes_generated_at: Mapped[datetime | None]
    minutes_approved_at: Mapped[datetime | None]
    # The later meeting at which these minutes were approved.
    minutes_approved_in_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    # Optimistic locking: a minutes edit based on an older copy is refused with "changed since you opened it".
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    committee: Mapped[Committee] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        foreign_keys="AgendaItem.meeting_id",
        cascade="all, delete-orphan",
        order_by="AgendaItem.position",
    )
    attendance: Mapped[list[Attendance]] = relationship(cascade="all, delete-orphan", order_by="Attendance.id")
    minutes_approved_in: Mapped[Meeting | None] = relationship(remote_side=[id])

    @property
    def state_enum(self) -> MeetingState:
        return MeetingState(self.state)

    @property
    def minutes_enum(self) -> MinutesState:
        return MinutesState(self.minutes_state)

    @property
    def present_ids(self) -> frozenset[int]:
        return frozenset(a.user_id for a in self.attendance if a.present)


class AgendaItem(db.Model):
    """A proposal awaiting the committee's decision, or the minutes of an earlier meeting to approve."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("proposal_id", "meeting_id"),
        UniqueConstraint("minutes_of_id", "meeting_id"),
        CheckConstraint(f"kind IN ('{PROPOSAL_ITEM}', '{MINUTES_ITEM}')", name="kind"),
        CheckConstraint(f"(kind = '{PROPOSAL_ITEM}') = (proposal_id IS NOT NULL)", name="proposal_item"),
        CheckConstraint(f"(kind = '{MINUTES_ITEM}') = (minutes_of_id IS NOT NULL)", name="minutes_item"),
        CheckConstraint("minutes_of_id IS NULL OR minutes_of_id <> meeting_id", name="earlier_minutes"),
        CheckConstraint("position >= 1", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    minutes_of_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    notes: Mapped[str] = mapped_column(Text, default="")  # the chair's discussion notes
    minutes_text: Mapped[str] = mapped_column(Text, default="")  # this item's section of the minutes

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])
    proposal: Mapped[Proposal | None] = relationship()
    minutes_of: Mapped[Meeting | None] = relationship(foreign_keys=[minutes_of_id])
    recusals: Mapped[list[Recusal]] = relationship(cascade="all, delete-orphan", order_by="Recusal.id")
    votes: Mapped[list[Vote]] = relationship(cascade="all, delete-orphan", order_by="Vote.id")

    @property
    def is_proposal(self) -> bool:
        return self.kind == PROPOSAL_ITEM


class Attendance(db.Model):
    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    present: Mapped[bool] = mapped_column(Boolean)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Recusal(db.Model):
    """A recusal declared at the meeting. Conflicted members are recused without one: that is derived, live,
    from portal.conflicts. The reason is kept for the record and never shown in the minutes."""

    __tablename__ = "meeting_recusals"
    __table_args__ = (UniqueConstraint("item_id", "user_id"), CheckConstraint("reason <> ''", name="reason"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    declared_at: Mapped[datetime] = mapped_column(default=utcnow)


class Vote(db.Model):
    """One member's vote on one item, recorded while the item's quorum held; the quorum is kept with it."""

    __tablename__ = "meeting_votes"
    __table_args__ = (
        UniqueConstraint("item_id", "user_id"),
        CheckConstraint(f"choice IN ({_CHOICES})", name="choice"),
        CheckConstraint("quorum_needed >= 1 AND quorum_counted >= quorum_needed", name="quorum_held"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(16))
    quorum_counted: Mapped[int] = mapped_column(Integer)  # voting members present and not recused, at the vote
    quorum_needed: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

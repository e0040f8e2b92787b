from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.extensions import db

_ROLES = ", ".join(f"'{r.value}'" for r in MemberRole)


class Committee(db.Model):
    __tablename__ = "committees"
    __table_args__ = (
        UniqueConstraint("institution_id", "name"),
        CheckConstraint("(quorum_count IS NULL) <> (quorum_percent IS NULL)", name="one_quorum_rule"),
        CheckConstraint("quorum_count IS NULL OR quorum_count >= 1", name="quorum_count"),
        CheckConstraint(
            "quorum_percent IS NULL OR (quorum_percent > 0 AND quorum_percent <= 100)", name="quorum_percent"
        ),
        CheckConstraint(
            "reviewers_per_proposal >= 1 AND review_due_days >= 1 AND max_revision_rounds >= 0", name="settings"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))  # ire, ibc, ethics, biosafety_office, or a custom kind
    quorum_count: Mapped[int | None] = mapped_column(Integer)
    quorum_percent: Mapped[int | None] = mapped_column(Integer)  # of voting members, rounded up
    require_non_scientist: Mapped[bool] = mapped_column(Boolean, default=True)
    reviewers_per_proposal: Mapped[int] = mapped_column(Integer, default=2)
    review_due_days: Mapped[int] = mapped_column(Integer, default=14)
    max_revision_rounds: Mapped[int] = mapped_column(Integer, default=3)
    closed_review: Mapped[bool] = mapped_column(Boolean, default=True)  # investigators never see reviewers
    # Takes the chair's duties for a proposal where the chair is conflicted.
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": lock_version}

    members: Mapped[list[CommitteeMember]] = relationship(
        back_populates="committee", cascade="all, delete-orphan", order_by="CommitteeMember.id"
    )


class CommitteeMember(db.Model):
    __tablename__ = "committee_members"
    __table_args__ = (
        UniqueConstraint("committee_id", "user_id"),
        CheckConstraint(f"role IN ({_ROLES})", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=MemberRole.MEMBER.value)
    non_scientist: Mapped[bool] = mapped_column(Boolean, default=False)  # non-scientist or community member
    external_expert: Mapped[bool] = mapped_column(Boolean, default=False)
    access_until: Mapped[date | None]  # external experts' access ends after this day
    expertise: Mapped[str] = mapped_column(Text, default="")  # comma-separated tags, for suggestions
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")

    @property
    def votes(self) -> bool:
        """Alternates attend but vote only when standing in; chairs and members vote."""
        return self.role in (MemberRole.CHAIR, MemberRole.MEMBER)

    def active_on(self, day: date) -> bool:
        return self.access_until is None or day <= self.access_until

    @property
    def expertise_tags(self) -> set[str]:
        return {t.strip().lower() for t in self.expertise.split(",") if t.strip()}

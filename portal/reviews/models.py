from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.models import Committee
from portal.extensions import db
from portal.proposals.models import Proposal, ProposalVersion

ACTIVE = "active"
WITHDRAWN = "withdrawn"


class Assignment(db.Model):
    """A committee member asked to review one version of a proposal the committee received at triage."""

    __tablename__ = "review_assignments"
    __table_args__ = (
        UniqueConstraint("proposal_id", "committee_id", "reviewer_id", "version_id"),
        CheckConstraint(f"state IN ('{ACTIVE}', '{WITHDRAWN}')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("proposal_versions.id"))
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The backref lets the pure visibility predicate see a proposal's assignments without a query of its own.
    proposal: Mapped[Proposal] = relationship(
        backref=backref("review_assignments", order_by="Assignment.id", lazy="select")
    )
    committee: Mapped[Committee] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    version: Mapped[ProposalVersion] = relationship()

    @property
    def active(self) -> bool:
        return self.state == ACTIVE

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.clock import utcnow
from portal.committees.models import Committee
from portal.extensions import db
from portal.proposals.models import Proposal


class ProposalCommittee(db.Model):
    """A committee a proposal was routed to at triage: proposed by the rules, or chosen by the coordinator."""

    __tablename__ = "proposal_committees"
    __table_args__ = (UniqueConstraint("proposal_id", "committee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("proposal_versions.id"))
    proposed: Mapped[bool] = mapped_column(Boolean)  # the routing rules proposed it
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")  # why the coordinator overrode the proposal
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[Committee] = relationship(lazy="joined")
    # The backref lets the pure visibility predicate see where a proposal was routed without a query of its own.
    proposal: Mapped[Proposal] = relationship(backref=backref("routes", order_by="ProposalCommittee.id", lazy="select"))

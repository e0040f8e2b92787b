"""Revision requests and their items. A request exists only once it was confirmed and sent: what the
investigator sees is exactly what the chair or coordinator previewed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.models import Committee
from portal.extensions import db
from portal.proposals.models import ProposalVersion


class RevisionRequest(db.Model):
    __tablename__ = "revision_requests"
    __table_args__ = (
        UniqueConstraint("proposal_id", "committee_id", "round"),
        CheckConstraint("round >= 1", name="round"),
        CheckConstraint("(answered_version_id IS NULL) = (answered_at IS NULL)", name="answered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("proposal_versions.id"))  # the version reviewed
    round: Mapped[int] = mapped_column(Integer)  # 1, 2 ... per proposal and committee
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_version_id: Mapped[int | None] = mapped_column(ForeignKey("proposal_versions.id"))
    answered_at: Mapped[datetime | None]

    committee: Mapped[Committee] = relationship(lazy="joined")
    version: Mapped[ProposalVersion] = relationship(foreign_keys=[version_id], lazy="joined")
    answered_version: Mapped[ProposalVersion | None] = relationship(foreign_keys=[answered_version_id])
    sent_by: Mapped[User] = relationship()
    items: Mapped[list[RevisionItem]] = relationship(
        back_populates="request", order_by="RevisionItem.position", lazy="selectin"
    )

    @property
    def open(self) -> bool:
        return self.answered_version_id is None

    @property
    def unanswered(self) -> list[RevisionItem]:
        return [item for item in self.items if not item.response.strip()]


class RevisionItem(db.Model):
    """One change the committee asks for, and the investigator's answer to it."""

    __tablename__ = "revision_items"
    __table_args__ = (UniqueConstraint("request_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("revision_requests.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # The review whose investigator comment the item was drawn from, if any (named only in open review).
    source_review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    response: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None]
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[RevisionRequest] = relationship(back_populates="items")

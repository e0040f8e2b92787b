from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db


class ConflictDeclaration(db.Model):
    """A person who must not review a proposal, declared by themselves or by the investigators."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (
        UniqueConstraint("proposal_id", "user_id", "source"),
        CheckConstraint("source IN ('self', 'investigator')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(16))  # "self" (a reviewer) or "investigator"
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Which institutions a cross-institution governance user reads reports across.

A governance user with no scope row reads their own institution, as before. One with scope rows is a
cross-institution reader (a funding agency liaison, a national or consortium body): they see aggregates of the
scoped institutions only, with small cells suppressed, and never a proposal or a decision.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db


class GovernanceScope(db.Model):
    __tablename__ = "governance_scopes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), primary_key=True, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The backref lets the pure predicates (reports.permissions.is_cross_institution) see a user's scope; it loads
    # only when a governance user's access is decided, so no other page pays a statement for it.
    user: Mapped[User] = relationship(
        foreign_keys=[user_id], backref=backref("governance_scopes", lazy="select", cascade="all, delete-orphan")
    )

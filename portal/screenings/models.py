from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db


class Screening(db.Model):
    __tablename__ = "screenings"
    __table_args__ = (UniqueConstraint("version_id", "set_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("proposal_versions.id"), index=True)
    set_id: Mapped[str] = mapped_column(String(80))
    set_version: Mapped[int] = mapped_column(Integer)
    set_digest: Mapped[str] = mapped_column(String(64))
    engine_version: Mapped[str] = mapped_column(String(16))
    outcome_id: Mapped[str] = mapped_column(String(80))
    severity: Mapped[str] = mapped_column(String(16))
    via_unsure: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(Text)  # canonical JSON of the engine's Screening
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InstitutionCriteriaSet(db.Model):
    """Which sets an institution applies: its own choice, whatever the source policy's status."""

    __tablename__ = "institution_criteria_sets"

    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), primary_key=True)
    set_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

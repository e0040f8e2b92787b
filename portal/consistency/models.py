"""A consistency check of one submitted version, and what it found.

The check is run by a job (portal.consistency.job); its row says which matcher ran, with which indicators, and
when. Its findings are possible inconsistencies for a person to read: nothing here is read by the screening
engine, the routing, the determinations or the decisions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.jobs.models import Job


class ConsistencyCheck(db.Model):
    __tablename__ = "consistency_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("proposal_versions.id"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Filled in by the run: what compared the text, with what, and what it found.
    matcher: Mapped[str | None] = mapped_column(String(16))  # lexical or semantic
    matcher_version: Mapped[str | None] = mapped_column(String(80))
    indicators_digest: Mapped[str | None] = mapped_column(String(64))  # sha256 of the criteria and phrases compared
    criteria_compared: Mapped[int] = mapped_column(Integer, default=0)
    finding_count: Mapped[int] = mapped_column(Integer, default=0)
    checked_at: Mapped[datetime | None]

    job: Mapped[Job] = relationship(lazy="joined")  # its state is the check's state: shown with every check
    findings: Mapped[list[PossibleInconsistency]] = relationship(
        order_by="PossibleInconsistency.id", cascade="all, delete-orphan", back_populates="check"
    )

    @property
    def state(self) -> str:
        return self.job.state


class PossibleInconsistency(db.Model):
    """A passage of the version's text that reads like a criterion its screening answers denied."""

    __tablename__ = "possible_inconsistencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("consistency_checks.id", ondelete="CASCADE"), index=True)
    set_id: Mapped[str] = mapped_column(String(80))
    set_version: Mapped[int] = mapped_column(Integer)
    criterion_id: Mapped[str] = mapped_column(String(80))
    criterion_title: Mapped[str] = mapped_column(String(300))
    field: Mapped[str] = mapped_column(String(40))
    passage_index: Mapped[int] = mapped_column(Integer)
    passage: Mapped[str] = mapped_column(Text)
    indicator: Mapped[str] = mapped_column(String(200))
    similarity: Mapped[float] = mapped_column(Float)

    check: Mapped[ConsistencyCheck] = relationship(back_populates="findings")

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


class Job(db.Model):
    """One piece of background work for one person. Its state lives in the database, so any worker (or host)
    can show its progress."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"state IN ('{QUEUED}', '{RUNNING}', '{DONE}', '{FAILED}')", name="state"),
        CheckConstraint("done >= 0 AND total >= 0 AND done <= total", name="progress"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=QUEUED)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")  # what the owner is told: progress, or why it failed
    params: Mapped[str] = mapped_column(Text, default="{}")
    result_path: Mapped[str | None] = mapped_column(Text)  # a server path; never shown
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    def parameters(self) -> dict[str, Any]:
        return json.loads(self.params)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.state == DONE else 0)

    @property
    def finished(self) -> bool:
        return self.state in (DONE, FAILED)

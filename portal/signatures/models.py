from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db


class Signature(db.Model):
    """An electronic signature: who, printed name, when (UTC), what it means, over which content."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    printed_name: Mapped[str] = mapped_column(String(200))
    # "Approved with conditions … signed as chair of <a committee name of up to 200 characters>"
    meaning: Mapped[str] = mapped_column(String(500))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    content_sha256: Mapped[str] = mapped_column(String(64))

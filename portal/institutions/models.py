from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db


class Institution(db.Model):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(80))
    # When on, chairs, coordinators and administrators must use two-step sign-in (an admin turns it on).
    require_mfa_for_staff: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The language the labels of its decision records are printed in (a code of portal.i18n.languages.LANGUAGES),
    # whoever downloads them; the records' data (titles, names, rationales) is printed as it was written.
    record_language: Mapped[str] = mapped_column(String(16), default="en", server_default=text("'en'"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    departments: Mapped[list[Department]] = relationship(back_populates="institution", order_by="Department.name")


class Department(db.Model):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("institution_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))

    institution: Mapped[Institution] = relationship(back_populates="departments")

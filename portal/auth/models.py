from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.roles import AccountStatus, Role
from portal.clock import utcnow
from portal.extensions import db
from portal.institutions.models import Department, Institution

_ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)
_STATUS_VALUES = ", ".join(f"'{s.value}'" for s in AccountStatus)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_VALUES})", name="status"),
        CheckConstraint(f"requested_role IS NULL OR requested_role IN ({_ROLE_VALUES})", name="requested_role"),
        CheckConstraint(
            "status = 'pending' OR status = 'refused' OR password_hash IS NOT NULL", name="active_has_password"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default=AccountStatus.ACTIVE.value)
    # Bumped on sign-out, password change and disabling: every older session cookie stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Two-step sign-in (TOTP, RFC 6238). The secret is set when enrolment is confirmed; the last accepted
    # time step is kept so a code seen by someone else (over the shoulder, a phishing proxy) cannot be replayed.
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_enabled_at: Mapped[datetime | None]
    mfa_last_step: Mapped[int | None] = mapped_column(Integer)
    requested_role: Mapped[str | None] = mapped_column(String(20))
    affiliation_statement: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The person's language (a code of portal.i18n.languages.LANGUAGES); NULL: follow the browser's Accept-Language.
    locale: Mapped[str | None] = mapped_column(String(10))
    # How the person takes notification e-mail: immediate, digest (once a day) or off (portal.notifications.models).
    notify_delivery: Mapped[str] = mapped_column(String(12), default="immediate", server_default="immediate")

    institution: Mapped[Institution] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_active(self) -> bool:  # Flask-Login: only active accounts may hold a session
        return self.status == AccountStatus.ACTIVE

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None and self.mfa_secret is not None


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLE_VALUES})", name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class Invitation(db.Model):
    """A single-use, expiring link an admin gives to a person whose identity they have checked."""

    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLE_VALUES})", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the link's token
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution: Mapped[Institution] = relationship()


class RecoveryCode(db.Model):
    """One of the ten codes shown once at enrolment; each signs in once when the authenticator is lost.

    Codes carry 50 random bits, so a SHA-256 digest (as for invitation tokens) is enough: there is no
    dictionary to try against it, and a slow hash would make each sign-in check ten of them slowly."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PasswordReset(db.Model):
    """A single-use, expiring link sent to the address of an existing account; stored only as a hash."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

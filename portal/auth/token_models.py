"""Personal API tokens: a person's named, scoped, expiring credential for the JSON API (/api/v1).

Only the SHA-256 of a token is stored (portal/auth/api_tokens.py says why a fast hash is enough); its first
characters are kept in clear so people recognise it in their list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.api_tokens import Scope, TokenState, parse_scopes, token_state
from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint(
            "(revoked_at IS NULL AND revoked_by_id IS NULL) OR (revoked_at IS NOT NULL AND revoked_by_id IS NOT NULL)",
            name="revoked_by_someone",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))  # the person's own label
    prefix: Mapped[str] = mapped_column(String(16))  # the token's first 12 characters
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated Scope values
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def scope_set(self) -> frozenset[Scope]:
        return parse_scopes(self.scopes)

    def has_scope(self, scope: Scope) -> bool:
        return scope in self.scope_set

    @property
    def state(self) -> TokenState:
        """Active, expired or revoked, now."""
        return token_state(self.expires_at, self.revoked_at, utcnow())

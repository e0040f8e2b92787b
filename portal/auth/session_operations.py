"""Audit of sessions the server ended by itself. One event per function; the caller commits."""

from __future__ import annotations

from portal.audit.operations import record
from portal.auth.models import User


def record_session_expired(user: User, reason: str) -> None:
    """`reason` is "idle" or "absolute": which of the two timeouts ended the session."""
    record("user.session_expired", actor=user, target=user, data={"reason": reason})

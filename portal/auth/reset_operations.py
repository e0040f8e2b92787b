"""Write path for "forgot password". Every function writes exactly one audit event; the caller commits.

A request for an unknown address does the same work as one for a known address (a token is made and hashed,
one audit event is written) so that neither the page nor its timing says whether an account exists.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update

from portal.audit.operations import record
from portal.auth.models import PasswordReset, User
from portal.auth.operations import AccountError, find_user_by_email, normalise_email
from portal.auth.passwords import hash_password
from portal.auth.roles import AccountStatus
from portal.clock import utcnow
from portal.extensions import db
from portal.i18n.marks import N_


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def request_reset(email: str, *, minutes: int) -> tuple[User, str] | None:
    """Make a single-use link for an active account; returns its owner and token, or None (told to nobody)."""
    user = find_user_by_email(email)
    token = secrets.token_urlsafe(32)
    token_hash = _token_hash(token)
    if user is None or user.status != AccountStatus.ACTIVE:
        record("password_reset.requested", actor=None, target=("users", None), data={"email": _clip(email)})
        return None
    reset = PasswordReset(user_id=user.id, token_hash=token_hash, expires_at=utcnow() + timedelta(minutes=minutes))
    db.session.add(reset)
    record(
        "password_reset.requested",
        actor=None,
        target=("users", user.id),
        data={"email": user.email, "expires_at": reset.expires_at.isoformat()},
    )
    return user, token


def _clip(email: str) -> str:
    return normalise_email(email)[:254]


def find_open_reset(token: str) -> PasswordReset | None:
    reset = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _token_hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at < utcnow():
        return None
    if reset.user.status != AccountStatus.ACTIVE:
        return None
    return reset


def _close(which: ColumnElement[bool], now: datetime) -> int:
    closed = db.session.execute(
        update(PasswordReset)
        .where(which, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return closed.rowcount


def complete_reset(reset: PasswordReset, new_password: str) -> User:
    """Set the new password. This link, every other open link of the account and all its sessions stop working."""
    user, now = reset.user, utcnow()
    if _close(PasswordReset.id == reset.id, now) != 1:  # a second tab or a replay raced this one and won
        raise AccountError(N_("This link has already been used. Ask for a new one."))
    _close(PasswordReset.user_id == user.id, now)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    record("user.password_reset", actor=user, target=user, data={"reset_id": reset.id})
    return user

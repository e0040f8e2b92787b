"""Appending to the audit chain. Called by every operation, inside the operation's transaction."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import select, text

from portal.audit.canonical import canonical_json, sha256_hex
from portal.audit.models import GENESIS_HASH, AuditEvent
from portal.clock import iso, utcnow
from portal.extensions import db

# Any constant works; it only has to be the same in every worker.
_CHAIN_LOCK_KEY = 7_270_001


class Actor(Protocol):
    id: int
    name: str


class Identified(Protocol):
    __tablename__: str
    id: int


def record(
    action: str,
    *,
    actor: Actor | None,
    target: Identified | tuple[str, object] | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event (`noun.past_tense`) to the chain and flush; the caller commits."""
    target_type, target_id = _target_key(target)
    seq, prev_hash = _lock_head()
    event = AuditEvent(
        seq=seq,
        at=iso(utcnow()),
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.name if actor is not None else "system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        data=canonical_json(data or {}),
        prev_hash=prev_hash,
    )
    event.hash = sha256_hex(event.hashed_fields())
    db.session.add(event)
    db.session.flush()
    return event


def _target_key(target: Identified | tuple[str, object] | None) -> tuple[str | None, str | None]:
    if target is None:
        return None, None
    if isinstance(target, tuple):
        kind, ident = target
        return kind, None if ident is None else str(ident)
    db.session.flush()  # a new target needs its id before we can name it
    return target.__tablename__, str(target.id)


def _lock_head() -> tuple[int, str]:
    """Serialise appends across workers, then read the head of the chain.

    On PostgreSQL a transaction-scoped advisory lock makes concurrent appenders queue; on SQLite
    the write transaction (BEGIN IMMEDIATE) already holds the only write lock. The primary key on
    `seq` is the last line of defence: a fork would be a duplicate key, never a silent branch.
    """
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    head = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    if head is None:
        return 1, GENESIS_HASH
    return head.seq + 1, head.hash

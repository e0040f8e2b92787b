"""Walking the chain from genesis: is every event where it was, as it was?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.audit.canonical import sha256_hex
from portal.audit.models import GENESIS_HASH, AuditEvent
from portal.extensions import db


@dataclass(frozen=True)
class ChainStatus:
    intact: bool
    count: int
    first_bad_seq: int | None = None
    reason: str | None = None
    head_hash: str | None = None


def verify_chain() -> ChainStatus:
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    result = db.session.execute(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000))
    try:
        for event in result.scalars():
            problem = _problem(event, expected_seq, prev_hash)
            if problem:
                # A gap names the missing event; anything else names the event that fails.
                return ChainStatus(False, count, min(event.seq, expected_seq), problem)
            count += 1
            expected_seq, prev_hash = event.seq + 1, event.hash
    finally:
        result.close()  # a server-side cursor on PostgreSQL
    return ChainStatus(True, count, head_hash=prev_hash)


def _problem(event: AuditEvent, expected_seq: int, prev_hash: str) -> str | None:
    if event.seq != expected_seq:
        return f"sequence gap: expected event {expected_seq}, found {event.seq}"
    if event.prev_hash != prev_hash:
        return "its previous-hash does not match the event before it"
    if sha256_hex(event.hashed_fields()) != event.hash:
        return "its content does not match its hash (the event was altered)"
    return None

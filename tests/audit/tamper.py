"""What a database owner can do to the audit chain, and the chain (with its anchors) must reveal.

Each function commits. On PostgreSQL the test connects as the database owner, who may disable the
append-only trigger; on SQLite whoever holds the file may drop the triggers.
"""

from __future__ import annotations

from sqlalchemy import select, text

from portal.audit.canonical import sha256_hex
from portal.audit.models import AuditEvent
from portal.extensions import db


def bypass_append_only_triggers() -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    else:
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
    db.session.commit()


def alter_data(seq: int) -> None:
    bypass_append_only_triggers()
    db.session.execute(text("UPDATE audit_events SET data = :d WHERE seq = :s"), {"d": '{"forged":true}', "s": seq})
    db.session.commit()


def delete_event(seq: int) -> None:
    bypass_append_only_triggers()
    db.session.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": seq})
    db.session.commit()


def swap(seq: int) -> None:
    """Reorder events `seq` and `seq + 1`, in three steps: the primary key is checked row by row."""
    bypass_append_only_triggers()
    for old, new in ((seq, -1), (seq + 1, seq), (-1, seq + 1)):
        db.session.execute(text("UPDATE audit_events SET seq = :new WHERE seq = :old"), {"new": new, "old": old})
    db.session.commit()


def cut_tail(first: int) -> None:
    """Remove event `first` and everything after it."""
    bypass_append_only_triggers()
    db.session.execute(text("DELETE FROM audit_events WHERE seq >= :s"), {"s": first})
    db.session.commit()


def rewrite_from(seq: int) -> None:
    """Forge event `seq`, then recompute every later hash so that the chain alone still verifies."""
    bypass_append_only_triggers()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.seq >= seq - 1).order_by(AuditEvent.seq)).all()
    prev_hash = events[0].hash if seq > 1 else events[0].prev_hash
    for event in events if seq == 1 else events[1:]:
        if event.seq == seq:
            event.data = '{"forged":true}'
        event.prev_hash = prev_hash
        event.hash = sha256_hex(event.hashed_fields())
        prev_hash = event.hash
    db.session.commit()
    db.session.expire_all()

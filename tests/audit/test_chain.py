"""The audit chain: appended in the same transaction, verified end to end, tamper-evident."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from portal.audit.models import GENESIS_HASH, AuditEvent
from portal.audit.operations import record
from portal.audit.verify import verify_chain
from portal.auth.roles import Role
from portal.extensions import db
from tests.audit import tamper


def test_empty_chain_verifies(app):
    status = verify_chain()
    assert status.intact and status.count == 0


def test_operations_append_linked_events(app, factory):
    user = factory.user(Role.INVESTIGATOR)
    factory.proposal(user, submitted=True)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    actions = {e.action for e in events}
    assert {
        "user.created",
        "proposal.created",
        "attachment.uploaded",
        "proposal.submit",
    } <= actions
    assert verify_chain().intact


def test_cli_verify_exits_zero_with_a_count(app, factory):
    factory.user(Role.ADMIN)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output and "events verified" in result.output


def test_altering_one_event_is_detected_and_named(app, factory):
    user = factory.user(Role.INVESTIGATOR)
    factory.proposal(user)
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    target = total // 2
    tamper.bypass_append_only_triggers()
    db.session.execute(text("UPDATE audit_events SET data = :d WHERE seq = :s"), {"d": '{"forged":true}', "s": target})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {target}" in result.output
    assert "altered" in result.output


def test_deleting_a_middle_event_is_detected(app, factory):
    factory.proposal(factory.user(Role.INVESTIGATOR))
    tamper.bypass_append_only_triggers()
    db.session.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    db.session.commit()
    status = verify_chain()
    assert not status.intact and status.first_bad_seq == 3 and "gap" in status.reason


def test_database_refuses_update_and_delete_of_events(app, factory):
    factory.user(Role.INVESTIGATOR)
    statements = (
        "UPDATE audit_events SET action = 'x' WHERE seq = 1",
        "UPDATE audit_events SET seq = seq + 100",
        "DELETE FROM audit_events WHERE seq = 1",
        "DELETE FROM audit_events",  # SQLite's truncate optimisation is off while a delete trigger exists
    )
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
            db.session.flush()
        db.session.rollback()
    assert verify_chain().intact


def test_event_and_change_commit_together_or_not_at_all(app, factory):
    user = factory.user(Role.INVESTIGATOR)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    from portal.proposals.operations import create_proposal

    create_proposal(title="Rolled back", actor=user)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert verify_chain().intact


def test_concurrent_appends_do_not_fork_the_chain(app, factory):
    factory.user(Role.INVESTIGATOR)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            with app.app_context():
                for n in range(15):
                    record("test.appended", actor=None, data={"worker": name, "n": n})
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    status = verify_chain()
    assert status.intact
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "test.appended")) == 45

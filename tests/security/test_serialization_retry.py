"""Check 24: PostgreSQL refuses a transaction for a concurrent change (40001 under REPEATABLE READ); `run_in_txn`
runs the unit again and succeeds within three attempts, or gives up with a 409 "try again", never a 500.

The conflicts are real, not mocked: a second connection commits a change to the row the unit has read (its
snapshot is taken) and is about to write. PostgreSQL only; SQLite has one writer and no such refusal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import has_request_context
from sqlalchemy import event, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from portal.audit.verify import verify_chain
from portal.auth.models import User
from portal.auth.roles import Role
from portal.errors import CONCURRENT_CHANGE, ConcurrentChangeError
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.transactions import run_in_txn
from tests.conftest import post
from tests.databases import BACKEND
from tests.proposals.conftest import events, reload, signed_in
from tests.proposals.test_views import edit_data

pg_only = pytest.mark.skipif(BACKEND != "postgresql",
                             reason="40001/40P01 are PostgreSQL's; SQLite serialises writers")


def _meanwhile(sql: str, **params: object) -> None:
    """Another connection commits a change at once (and would rather fail than wait on a lock)."""
    with db.engine.connect() as other:
        other.execute(text("SET lock_timeout = '2s'"))
        other.execute(text(sql), params)
        other.commit()


class RenameUnit:
    """Read a user's name (REPEATABLE READ: the snapshot is taken), let someone else rename them on the first
    `conflicts` attempts, then write a new name over it."""

    def __init__(self, user_id: int, conflicts: int) -> None:
        self.user_id, self.conflicts, self.attempts = user_id, conflicts, 0

    def __call__(self) -> str:
        self.attempts += 1
        seen = db.session.scalar(select(User.name).where(User.id == self.user_id))
        if self.attempts <= self.conflicts:
            _meanwhile("UPDATE users SET name = :n WHERE id = :id", n=f"Renamed meanwhile {self.attempts}",
                       id=self.user_id)
        db.session.execute(update(User).where(User.id == self.user_id).values(name=f"{seen} (checked)"))
        return seen


@pytest.fixture
def person(app, factory) -> int:  # noqa: ANN001
    """A user's id, with the test's session left outside any transaction, as run_in_txn requires."""
    ident = factory.user(Role.REVIEWER, name="Pat Example").id
    db.session.commit()
    return ident


def _name(user_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(select(User.name).where(User.id == user_id))


@pytest.mark.pg
@pg_only
def test_a_serialization_failure_is_retried_and_the_unit_succeeds(person):
    unit, pauses = RenameUnit(person, conflicts=1), []
    seen = run_in_txn(unit, isolation_level="REPEATABLE READ", sleep=pauses.append)
    assert unit.attempts == 2 and len(pauses) == 1
    assert seen == "Renamed meanwhile 1"  # the second attempt ran on a fresh snapshot, not the stale one
    assert _name(person) == "Renamed meanwhile 1 (checked)"


@pytest.mark.pg
@pg_only
def test_two_conflicts_still_succeed_on_the_third_attempt_with_growing_pauses(person):
    unit, pauses = RenameUnit(person, conflicts=2), []
    run_in_txn(unit, isolation_level="REPEATABLE READ", sleep=pauses.append)
    assert unit.attempts == 3 and len(pauses) == 2 and pauses[0] < pauses[1]
    assert _name(person) == "Renamed meanwhile 2 (checked)"


@pytest.mark.pg
@pg_only
def test_a_conflict_on_every_attempt_gives_up_with_a_message_and_saves_nothing(person):
    unit = RenameUnit(person, conflicts=99)
    with pytest.raises(ConcurrentChangeError, match="at the same moment") as raised:
        run_in_txn(unit, isolation_level="REPEATABLE READ", sleep=lambda _s: None)
    assert unit.attempts == 3
    assert getattr(raised.value.__cause__.orig, "sqlstate", None) == "40001"
    assert _name(person) == "Renamed meanwhile 3"  # the other writer's change stands; none of the unit's


@pytest.mark.pg
@pg_only
def test_other_database_errors_are_not_retried(person):
    attempts = []

    def unit() -> None:
        attempts.append(1)
        db.session.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(Exception, match="no_such_table"):
        run_in_txn(unit, sleep=lambda _s: None)
    assert len(attempts) == 1


@contextmanager
def _request_conflicts(proposal_id: int) -> Iterator[None]:
    """Requests run REPEATABLE READ here (the portal's default is READ COMMITTED, which rarely meets 40001), and
    just before a request writes the proposal, another connection changes it."""

    def after_begin(_session: Session, _transaction: object, connection) -> None:  # noqa: ANN001
        if has_request_context():
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    def before_flush(session: Session, _context: object, _instances: object) -> None:
        if has_request_context() and any(isinstance(o, Proposal) and o.id == proposal_id for o in session.dirty):
            _meanwhile("UPDATE proposals SET title = title WHERE id = :id", id=proposal_id)

    event.listen(Session, "after_begin", after_begin)
    event.listen(Session, "before_flush", before_flush)
    try:
        yield
    finally:
        event.remove(Session, "after_begin", after_begin)
        event.remove(Session, "before_flush", before_flush)


@pytest.mark.pg
@pg_only
def test_a_request_that_meets_40001_gets_a_409_to_try_again_never_a_500(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, title="Before the clash")
    db.session.commit()
    client = signed_in(app, pi)
    before = len(events("proposal.updated"))

    with _request_conflicts(proposal.id):
        response = post(client, f"/proposals/{proposal.id}/edit", edit_data(title="After the clash"))
    assert response.status_code == 409
    assert CONCURRENT_CHANGE in response.get_data(as_text=True)
    assert reload(Proposal, proposal.id).title == "Before the clash"
    assert len(events("proposal.updated")) == before
    assert verify_chain().intact

    again = post(client, f"/proposals/{proposal.id}/edit", edit_data(title="After the clash"))
    assert again.status_code == 302  # still signed in; trying again works
    assert reload(Proposal, proposal.id).title == "After the clash"


class _Deadlock(Exception):
    sqlstate = "40P01"  # what psycopg's DeadlockDetected carries


def test_a_deadlock_reported_at_commit_is_a_409_on_any_backend(app, factory):
    """The 409 path itself, without PostgreSQL: the database reports 40P01 as the request commits."""
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, title="Before the clash")
    db.session.commit()
    client = signed_in(app, pi)

    def before_commit(_session: Session) -> None:
        if has_request_context():
            raise OperationalError("COMMIT", {}, _Deadlock("deadlock detected (injected)"))

    event.listen(Session, "before_commit", before_commit)
    try:
        response = post(client, f"/proposals/{proposal.id}/edit", edit_data(title="After the clash"))
    finally:
        event.remove(Session, "before_commit", before_commit)
    assert response.status_code == 409 and CONCURRENT_CHANGE in response.get_data(as_text=True)
    assert reload(Proposal, proposal.id).title == "Before the clash"

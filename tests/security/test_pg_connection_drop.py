"""Check 22: the database connection of a request is dropped mid-transaction (PostgreSQL terminates its backend,
as on a failover or an administrator's kill). The person gets the 500 page with an incident reference; nothing the
request flushed persists; the chain verifies; the next request succeeds on a fresh connection. And a pooled
connection that died while idle is replaced before use (pool_pre_ping) instead of failing a request."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import has_request_context
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from portal.audit.verify import verify_chain
from portal.auth.roles import Role
from portal.backup.manifest import build_manifest
from portal.extensions import db
from portal.proposals.models import Proposal
from tests.conftest import post
from tests.databases import BACKEND
from tests.proposals.conftest import reload, signed_in
from tests.proposals.test_views import edit_data

pytestmark = [
    pytest.mark.pg,
    pytest.mark.skipif(BACKEND != "postgresql", reason="terminates a PostgreSQL backend; SQLite has no server"),
]


@pytest.fixture
def admin_engine(app) -> Iterator[Engine]:  # noqa: ANN001
    """A connection outside the app's pool, as the operator's psql would be. In autocommit: PostgreSQL reads
    pg_stat_activity once per transaction, so inside one a backend that was still exiting at the first look stays
    "alive" however long one waits (the cause of this test's rare failures under load)."""
    engine = create_engine(db.engine.url.render_as_string(hide_password=False), poolclass=NullPool,
                           isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _terminate(admin_engine: Engine, pids: list[int]) -> None:
    """Terminate the backends and wait until they are gone, so the next statement on them surely fails."""
    with admin_engine.connect() as connection:
        for _ in range(200):
            # Asked again each round: a backend busy in a statement exits only when it next checks for signals.
            for pid in pids:
                connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            alive = connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                                       {"pids": pids}).scalar()
            if not alive:
                return
            time.sleep(0.05)
        survivors = connection.execute(text("SELECT pid, backend_type, state, left(query, 80) FROM pg_stat_activity "
                                            "WHERE pid = ANY(:pids)"), {"pids": pids}).all()
    raise AssertionError(f"backends outlived pg_terminate_backend: {survivors}")


def _pool_backends(admin_engine: Engine) -> list[int]:
    with admin_engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"  # not an autovacuum worker passing through
        )).scalars())


@contextmanager
def _dropped_after_first_flush(admin_engine: Engine) -> Iterator[list[int]]:
    """The first flush of a request: its backend is terminated from the operator's connection."""
    killed: list[int] = []

    def after_flush(session: Session, _context: object) -> None:
        if has_request_context() and not killed:
            killed.append(session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar())
            _terminate(admin_engine, killed)

    event.listen(Session, "after_flush", after_flush)
    try:
        yield killed
    finally:
        event.remove(Session, "after_flush", after_flush)


def _state() -> dict:
    db.session.commit()
    with db.engine.connect() as connection:
        return build_manifest(connection)["tables"]


def test_a_connection_dropped_mid_transaction_fails_cleanly_and_the_next_request_recovers(app, factory,
                                                                                          admin_engine):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, title="Before the drop")
    db.session.commit()
    client = signed_in(app, pi)
    before = _state()

    with _dropped_after_first_flush(admin_engine) as killed:
        failed = post(client, f"/proposals/{proposal.id}/edit", edit_data(title="During the drop"))
    assert killed, "the request never flushed, so nothing was dropped"
    assert failed.status_code in (500, 503)
    assert "tell your administrator this reference" in failed.get_data(as_text=True)
    assert _state() == before, "the dropped transaction left rows or audit events behind"
    assert verify_chain().intact

    again = post(client, f"/proposals/{proposal.id}/edit", edit_data(title="After the drop"))
    assert again.status_code == 302, again.get_data(as_text=True)[:500]
    assert reload(Proposal, proposal.id).title == "After the drop"
    assert verify_chain().intact


def test_pooled_connections_that_died_while_idle_are_replaced_before_use(app, factory, admin_engine):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping") is True
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, title="Before the restart")
    db.session.commit()
    client = signed_in(app, pi)
    db.session.commit()
    idle = _pool_backends(admin_engine)
    assert idle, "the pool holds no connection to kill"
    _terminate(admin_engine, idle)  # every connection the pool keeps, the test's own included

    response = post(client, f"/proposals/{proposal.id}/edit", edit_data(title="After the restart"))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert reload(Proposal, proposal.id).title == "After the restart"

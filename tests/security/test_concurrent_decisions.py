"""Two people deciding the same proposal at the same moment (security-test-plan.md check 23; v5 2.3.4/15.4.2): two
real processes, each with its own app and connection, post a complete decision together. A hook holds each one
after it has checked that no decision is pending, until both have checked (or 3 s pass), so the database itself
must serialise them: exactly one decision and one decision.made event; the other person gets 409 and a clear
message. On SQLite the write transaction (BEGIN IMMEDIATE) serialises; on PostgreSQL a row lock on the proposal."""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from pathlib import Path

from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain
from portal.decisions.models import Decision
from portal.extensions import db
from tests.conftest import FreshContextClient, _make_app, csrf_token, sign_in
from tests.decisions.conftest import awaiting_decision, decision_form
from tests.factories import PASSWORD
from tests.reviews.conftest import make_world

HOLD_SECONDS = 3.0


def _decide(url: str, instance: str, email: str, proposal_id: int, start, checked, results) -> None:  # noqa: ANN001
    """One person's browser in its own process: sign in, then post the decision when the other is ready too."""
    import portal.decisions.operations as operations

    original = operations.pending_decision

    def checked_then_wait(proposal_id: int):  # noqa: ANN202
        found = original(proposal_id)
        # Both have checked: only the database can stop a second decision now. A broken barrier means the other
        # is held by the database, as it should be.
        with contextlib.suppress(threading.BrokenBarrierError):
            checked.wait(HOLD_SECONDS)
        return found

    operations.pending_decision = checked_then_wait
    app = _make_app(url, Path(instance))
    app.test_client_class = FreshContextClient  # a fresh `g` per request, or the anonymous page's CSRF token sticks
    with app.app_context():
        client = app.test_client()
        sign_in(client, email, PASSWORD)
        token = csrf_token(client, "/dashboard")
        start.wait(30)
        response = client.post(f"/proposals/{proposal_id}/decision", data={"csrf_token": token, **decision_form()})
        results.put((email, response.status_code, response.get_data(as_text=True)))
        db.engine.dispose()


def test_two_processes_deciding_at_once_make_one_decision(app, factory, tmp_path):
    w = make_world(factory)
    awaiting_decision(w)
    proposal_id, url = w.proposal.id, app.config["DATABASE_URL"]
    people = (w.chair.email, w.coordinator.email)
    db.session.commit()  # and read nothing more: a new transaction here would hold SQLite's lock against the children
    db.engine.dispose()  # the children open their own connections
    context = multiprocessing.get_context("spawn")  # SQLite connections must not cross a fork()
    start, checked, results = context.Barrier(2), context.Barrier(2), context.Queue()
    workers = [context.Process(target=_decide, args=(url, str(tmp_path / f"i{n}"), email, proposal_id, start, checked,
                                                     results)) for n, email in enumerate(people)]
    for worker in workers:
        worker.start()
    outcomes = sorted((results.get(timeout=60) for _ in workers), key=lambda r: r[1])
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0

    assert [status for _email, status, _body in outcomes] == [302, 409]
    assert "waiting for signatures" in outcomes[1][2] or "decided at the same moment" in outcomes[1][2]
    assert db.session.scalar(select(func.count()).where(Decision.proposal_id == proposal_id)) == 1
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "decision.made")) == 1
    assert verify_chain().intact

"""Check 26, in-process half (security-test-plan.md §6; §2.9 SQLite locking): when the database answers "database is
locked" inside a request's unit of work, after the change was flushed or just before the commit, the person gets
503 with `Retry-After` and a message saying to try again, not a 500 with an incident reference; nothing of the
change (business row or audit event) persists; and the same form sent again succeeds. The live half, 20 threads
against 3 gunicorn workers, is tests/security/test_live_contention.py."""

from __future__ import annotations

import pytest

from portal.audit.verify import verify_chain
from portal.auth.roles import Role
from tests.conftest import csrf_token
from tests.reviews.conftest import client_for
from tests.security.faults import POINTS, failing
from tests.security.manifest import database_state

LOCKED = "database is locked"


@pytest.mark.parametrize("point", POINTS)
def test_a_locked_database_is_a_503_to_retry_and_leaves_nothing(app, factory, point: str) -> None:
    investigator = factory.user(Role.INVESTIGATOR)
    client = client_for(app, investigator)
    form = {"csrf_token": csrf_token(client, "/dashboard"), "title": "A fictional contention drill"}
    before = database_state()

    with failing(point, LOCKED) as fault:
        busy = client.post("/proposals/new", data=form)

    assert fault.fired == 1, f"the request never reached {point}"
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "2"
    page = busy.get_data(as_text=True)
    assert "try again in a moment; nothing was lost" in page
    assert "tell your administrator this reference" not in page, "a busy database is not an incident"
    assert database_state() == before, "the refused change left rows or audit events behind"
    assert verify_chain().intact

    retried = client.post("/proposals/new", data=form)
    assert retried.status_code == 302, retried.get_data(as_text=True)[:500]
    assert database_state() != before

"""Check 21 (and v5 2.3.3, all-or-nothing): an OperationalError injected after the state change was flushed, or
just before the commit, at write endpoints of every area, in the demo world. The person gets a 500 page with an
incident reference; neither the business change nor its audit event persists (every table hashes as before); the
chain verifies. The same request without the fault then succeeds and changes the database, which proves the fault
hit a real write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from portal.audit.verify import verify_chain
from portal.auth.models import User
from portal.backup.manifest import build_manifest
from portal.demo.seed import DEMO_PASSWORD, seed_demo
from portal.extensions import db
from tests.committees.conftest import settings_form
from tests.conftest import csrf_token
from tests.security.faults import POINTS, failing

Request = tuple[str, dict]


def _id(model_query) -> int:  # noqa: ANN001
    found = db.session.scalar(model_query)
    assert found is not None, "the demo world changed: this fault case needs a new object"
    return found


def _draft_of_investigator() -> int:
    from portal.proposals.models import Proposal

    pi = select(User.id).where(User.email == "investigator@northbridge.example").scalar_subquery()
    return _id(select(Proposal.id).where(Proposal.pi_id == pi, Proposal.state == "draft").order_by(Proposal.id))


def _scheduled_meeting() -> int:
    from portal.meetings.models import Meeting

    return _id(select(Meeting.id).where(Meeting.state == "scheduled").order_by(Meeting.id))


def _pending_account() -> int:
    return _id(select(User.id).where(User.status == "pending"))


@dataclass(frozen=True)
class Case:
    name: str
    persona: str | None  # demo e-mail; None: not signed in
    request: Callable[[], Request]


CASES = [
    Case("sign in", None, lambda: ("/sign-in", {"email": "investigator@northbridge.example",
                                                "password": DEMO_PASSWORD})),
    Case("create a proposal", "investigator@northbridge.example",
         lambda: ("/proposals/new", {"title": "A fictional fault drill"})),
    Case("add a collaborator", "investigator@northbridge.example",
         lambda: (f"/proposals/{_draft_of_investigator()}/collaborators",
                  {"name": "Dr Fictional", "affiliation": "Fictional Institute"})),
    Case("create a committee", "coordinator@northbridge.example",
         lambda: ("/committees/new", settings_form(name="Fault drill committee"))),
    Case("start a meeting", "chair@northbridge.example", lambda: (f"/meetings/{_scheduled_meeting()}/start", {})),
    Case("approve an account", "admin@northbridge.example",
         lambda: (f"/admin/accounts/{_pending_account()}/approve", {"roles": ["investigator"]})),
    Case("apply a criteria set", "admin@northbridge.example", lambda: ("/criteria/usg-durc-2014/activate", {})),
]


def _state() -> dict:
    db.session.commit()  # end the test's own transaction (on SQLite it would hold the write lock)
    with db.engine.connect() as connection:
        return build_manifest(connection)["tables"]


def _client(app: Flask, persona: str | None):  # noqa: ANN202
    client = app.test_client()
    if persona:
        signed = client.post("/sign-in", data={"csrf_token": csrf_token(client), "email": persona,
                                               "password": DEMO_PASSWORD})
        assert signed.status_code == 302, persona
    return client, csrf_token(client, "/dashboard" if persona else "/sign-in")


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_failure_inside_the_unit_of_work_leaves_nothing_behind(app, case: Case, point: str) -> None:
    seed_demo()
    db.session.commit()
    client, token = _client(app, case.persona)
    path, data = case.request()
    before = _state()
    with failing(point) as fault:
        failed = client.post(path, data={"csrf_token": token, **data})
    assert fault.fired == 1, f"{case.name}: the request never reached {point}"
    page = failed.get_data(as_text=True)
    assert failed.status_code in (500, 503)
    assert "tell your administrator this reference" in page
    assert _state() == before, "a failed unit of work left rows or audit events behind"
    assert verify_chain().intact

    # The browser must not hold what the database refused: a sign-in whose commit failed signs nobody in.
    if case.persona is None:
        assert client.get("/dashboard").status_code == 302, "a sign-in whose commit failed signed the browser in"
    control = client.post(path, data={"csrf_token": token, **data})
    assert control.status_code in (200, 302), control.get_data(as_text=True)[:500]
    assert _state() != before, f"{case.name}: without the fault nothing was written, so the case proves nothing"
    assert verify_chain().intact

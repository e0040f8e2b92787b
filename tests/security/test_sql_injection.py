"""Check 12, SQL injection (security-test-plan.md §6), on SQLite and PostgreSQL alike: payloads in every query
parameter the portal reads (the /audit filters and its page key, the diff's version numbers) and in a stored title.
A payload is a 400 with a message or is treated as plain text: the page shows exactly the events a literal match
gives (computed here in Python, not by the portal's query), LIKE wildcards match only themselves, nothing is
written and every table is still there. Never a 500. (The AST gate in test_static_gates.py keeps raw `text()` out.)"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.audit.queries import PAGE_SIZE, visible_events
from portal.auth.models import User
from portal.auth.roles import Role
from portal.extensions import db
from portal.proposals import operations as proposal_ops
from portal.proposals.models import Proposal
from tests.conftest import csrf_token
from tests.factories import PASSWORD, Factory
from tests.reviews.conftest import client_for
from tests.security.manifest import database_state

PAYLOADS = [
    "1 OR 1=1",
    "' OR '1'='1",
    "x'; DROP TABLE audit_events; --",
    "name desc, (select 1)",
    "1) UNION SELECT seq, hash FROM audit_events --",
    "%",
    "_",
    "proposal%",  # a LIKE pattern would match every proposal event
    "user.sign_in_fa_led",
]
TEXT_FILTERS = ("action", "actor", "target_type", "target_id")
DATE_FILTERS = ("since", "until")
SEQS = re.compile(r'<tr id="event-(\d+)">')


@pytest.fixture(scope="module")
def world(module_app: Flask) -> dict:
    """An admin, and in their institution an investigator whose name holds a literal % and a proposal in two
    versions, so wildcards have something to match only literally."""
    factory = Factory()
    admin = factory.user(Role.ADMIN, name="Ada Admin")
    pi = factory.user(Role.INVESTIGATOR, institution=admin.institution, name="Pat 100% Sure")
    proposal = factory.proposal(pi, submitted=True, title="Two versions")
    proposal_ops.update_proposal(proposal, {"aims": "Amended aims."}, actor=pi)
    proposal_ops.submit_proposal(proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True)
    db.session.commit()
    return {"admin_id": admin.id, "admin": client_for(module_app, admin), "pi": client_for(module_app, pi),
            "proposal_id": proposal.id, "before": database_state()}


def _literally(event: AuditEvent, name: str, value: str) -> bool:
    """What each filter means, written out in Python: a prefix, a case-blind part of the name, an exact value."""
    if name == "action":
        return event.action.startswith(value)
    if name == "actor":
        return event.actor_id is None if value == "system" else value.lower() in (event.actor_name or "").lower()
    return getattr(event, name) == value


def _expected_seqs(admin_id: int, name: str | None = None, value: str = "") -> list[int]:
    admin = db.session.get(User, admin_id)
    visible = db.session.scalars(visible_events(admin).order_by(AuditEvent.seq.desc())).all()
    return [e.seq for e in visible if name is None or _literally(e, name, value)][:PAGE_SIZE]


def _shown(client: FlaskClient, **query: str) -> tuple[int, str, list[int]]:
    response = client.get("/audit", query_string=query)
    body = response.get_data(as_text=True)
    return response.status_code, body, [int(seq) for seq in SEQS.findall(body)]


def test_the_literal_filters_find_what_they_should(world) -> None:
    """Positive controls: the oracle and the page agree where there is something to find."""
    for name, value in (("actor", "100%"), ("action", "proposal."), ("target_type", "proposals")):
        status, _body, seqs = _shown(world["admin"], **{name: value})
        assert status == 200
        assert seqs and seqs == _expected_seqs(world["admin_id"], name, value), (name, value)
    assert len(_expected_seqs(world["admin_id"], "actor", "100%")) < len(_expected_seqs(world["admin_id"]))


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("name", TEXT_FILTERS)
def test_text_filters_take_payloads_as_plain_text(world, name: str, payload: str) -> None:
    status, body, seqs = _shown(world["admin"], **{name: payload})

    assert status == 200, body[:500]
    assert seqs == _expected_seqs(world["admin_id"], name, payload)
    assert database_state() == world["before"], "a read wrote, or a table is gone"


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("name", DATE_FILTERS)
def test_date_filters_refuse_payloads_with_a_message(world, name: str, payload: str) -> None:
    status, body, seqs = _shown(world["admin"], **{name: payload})

    assert status == 400
    assert "is not a date: write it as YYYY-MM-DD." in body
    assert seqs == _expected_seqs(world["admin_id"]), "an unreadable date filters nothing"
    assert database_state() == world["before"]


@pytest.mark.parametrize("payload", [*PAYLOADS, "-1", "99999999999", "1e9", "\u00b2", "\u0661\u0662"])
def test_the_page_key_ignores_payloads(world, payload: str) -> None:
    status, body, seqs = _shown(world["admin"], before=payload)

    assert status == 200, body[:500]
    assert seqs == _expected_seqs(world["admin_id"])
    assert database_state() == world["before"]


@pytest.mark.parametrize("payload", [*PAYLOADS, "-1", "0", "3", "99999999999999999999", "1.5"])
def test_diff_version_numbers_take_no_payload(world, payload: str) -> None:
    url = f"/proposals/{world['proposal_id']}/diff"
    for query in ({"a": payload, "b": "2"}, {"a": "1", "b": payload}):
        response = world["pi"].get(url, query_string=query)
        assert response.status_code in (200, 404), (query, response.status_code)
        if response.status_code == 200:
            assert "Version 1 compared with version 2" in response.get_data(as_text=True)
    assert database_state() == world["before"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_title_holding_a_payload_round_trips_literally(world, payload: str) -> None:
    client = world["pi"]
    title = f"Fictional study {payload}"

    response = client.post("/proposals/new", data={"csrf_token": csrf_token(client, "/dashboard"), "title": title})

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    stored = db.session.scalar(select(Proposal).where(Proposal.title == title))
    assert stored is not None and stored.title == title
    assert str(escape(title)) in client.get(f"/proposals/{stored.id}").get_data(as_text=True)
    assert set(database_state()) == set(world["before"]), "every table is still there"

"""Check 6, mass assignment (security-test-plan.md §6; v5 15.3.3): each form that writes is posted with its valid
data plus fields it does not own (a state or status, another person's id as owner, PI, creator or signer, an
admin flag or role, another institution, one signature instead of two, a lock version). The form does its own
work and nothing more: only the tables it owns change (and the audit log, with one event), and in the rows it
wrote no column named by an extra field took the extra's value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.auth.roles import Role
from portal.extensions import db
from tests.auth.test_accounts import request_form
from tests.committees.conftest import make_committee, settings_form
from tests.conftest import csrf_token
from tests.decisions.conftest import decision_form, make_decision_world
from tests.factories import PASSWORD, Factory
from tests.reviews.conftest import client_for, complete_form, items_of, make_world
from tests.security.manifest import database_state

NEW_PASSWORD = "a different, much longer passphrase"


@dataclass(frozen=True)
class Case:
    client: FlaskClient
    url: str
    data: dict
    owned: frozenset[str]  # the tables this form writes (besides audit_events)
    sets: frozenset[str] = frozenset()  # columns named like an extra that this form itself changes


def _extras(stranger_id: int, elsewhere_id: int) -> dict[str, object]:
    """Fields no form here owns, with values that would each be an escalation if they stuck."""
    return {
        "status": "active", "state": "final", "decision": "approved", "outcome": "approved",
        "owner_id": stranger_id, "pi_id": stranger_id, "created_by_id": stranger_id, "signer_id": stranger_id,
        "user_id": stranger_id, "is_admin": "1", "roles": "admin", "role": "admin",
        "institution_id": elsewhere_id, "required_signatures": "1", "lock_version": "999",
    }


def _request_account(app: Flask, factory: Factory) -> Case:
    return Case(app.test_client(), "/request-account", request_form(factory.institution()),
                frozenset({"users", "user_roles"}))


def _change_password(app: Flask, factory: Factory) -> Case:
    data = {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    return Case(client_for(app, factory.user()), "/account/password", data, frozenset({"users"}))


def _review(app: Flask, factory: Factory) -> Case:
    from portal.reviews.operations import assign_reviewer

    w = make_world(factory)
    assignment = assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=None, actor=w.coordinator)
    db.session.commit()
    data = {**complete_form(items_of(assignment)), "lock_version": ""}
    return Case(client_for(app, w.reviewer), f"/assignments/{assignment.id}/review", data,
                frozenset({"reviews", "review_assignments"}))


def _decision(app: Flask, factory: Factory) -> Case:
    w = make_decision_world(factory)
    return Case(client_for(app, w.chair), f"/proposals/{w.proposal.id}/decision", decision_form(),
                frozenset({"decisions", "decision_conditions", "proposals"}))


def _sign(app: Flask, factory: Factory) -> Case:
    from portal.decisions.models import Decision

    w = make_decision_world(factory)
    chair = client_for(app, w.chair)
    made = chair.post(f"/proposals/{w.proposal.id}/decision",
                      data={"csrf_token": csrf_token(chair, "/dashboard"), **decision_form()})
    assert made.status_code == 302
    decision = db.session.scalar(select(Decision).where(Decision.proposal_id == w.proposal.id))
    return Case(chair, f"/decisions/{decision.id}/sign", {"printed_name": w.chair.name, "password": PASSWORD},
                frozenset({"decision_signatures", "signatures"}))


def _committee(app: Flask, factory: Factory) -> Case:
    coordinator = factory.user(Role.COORDINATOR)
    committee = make_committee(coordinator.institution)
    return Case(client_for(app, coordinator), f"/committees/{committee.id}/edit",
                settings_form(name="Renamed committee", lock_version=str(committee.lock_version)),
                frozenset({"committees"}))


def _approve(app: Flask, factory: Factory) -> Case:
    from portal.auth.models import User

    admin = factory.user(Role.ADMIN)
    anonymous = app.test_client()
    form = request_form(admin.institution, email="pending.applicant@example.org")
    assert anonymous.post("/request-account", data={"csrf_token": csrf_token(anonymous), **form}).status_code == 200
    pending = db.session.scalar(select(User).where(User.email == "pending.applicant@example.org"))
    return Case(client_for(app, admin), f"/admin/accounts/{pending.id}/approve", {"roles": ["investigator"]},
                frozenset({"users", "user_roles"}), frozenset({"status"}))


def _collaborator(app: Flask, factory: Factory) -> Case:
    pi = factory.user(Role.INVESTIGATOR)
    draft = factory.proposal(pi, complete=False)
    return Case(client_for(app, pi), f"/proposals/{draft.id}/collaborators",
                {"name": "Dr Fictional", "affiliation": "Fictional Institute", "role": "Adviser"},
                frozenset({"external_collaborators"}))


def _api_token(app: Flask, factory: Factory) -> Case:
    return Case(client_for(app, factory.user()), "/account/tokens",
                {"name": "Reporting script", "scopes": ["proposals:read"], "days": "30"}, frozenset({"api_tokens"}))


CASES: dict[str, Callable[[Flask, Factory], Case]] = {
    "request an account": _request_account,
    "change one's password": _change_password,
    "submit a review": _review,
    "make a decision": _decision,
    "sign a decision": _sign,
    "edit a committee": _committee,
    "approve an account": _approve,
    "add a collaborator": _collaborator,
    "create an API token": _api_token,
}


def _rows(tables: frozenset[str]) -> dict[str, dict[object, dict]]:
    db.session.commit()
    found = {}
    for name in tables:
        table = db.metadata.tables[name]
        key = list(table.primary_key.columns)
        found[name] = {tuple(row[c.name] for c in key): dict(row) for row in
                       db.session.execute(select(table)).mappings()}
    return found


@pytest.mark.parametrize("name", CASES)
def test_a_form_writes_only_what_it_owns(app: Flask, factory: Factory, name: str) -> None:
    case = CASES[name](app, factory)
    stranger = factory.user(Role.ADMIN, name="Somebody else")
    extras = {k: v for k, v in _extras(stranger.id, stranger.institution_id).items() if k not in case.data}
    before, rows_before = database_state(), _rows(case.owned)
    token = csrf_token(case.client, "/sign-in" if name == "request an account" else "/dashboard")

    response = case.client.post(case.url, data={"csrf_token": token, **extras, **case.data})

    assert response.status_code in (200, 302), response.get_data(as_text=True)[:800]
    after = database_state()
    changed = {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}
    assert changed - {"audit_events"} <= case.owned, f"{name} wrote tables it does not own"
    assert changed & case.owned, f"{name} wrote nothing: the case proves nothing"
    assert after["audit_events"]["rows"] == before["audit_events"]["rows"] + 1, "one operation, one event"
    stuck = []
    for table, rows in _rows(case.owned).items():
        for key, row in rows.items():
            old = rows_before[table].get(key)
            stuck += [f"{table} {key}: {column}={row[column]!r}" for column, value in extras.items()
                      if column in row and column not in case.sets and str(row[column]) == str(value)
                      and (old is None or old[column] != row[column])]
    assert stuck == [], "extra fields stuck"

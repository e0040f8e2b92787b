"""The audit chain's status over the API: what the /audit page says (intact, events verified, the newest anchored
event), broken at the first tampered event, and for institution administrators only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.api_tokens import Scope
from portal.auth.roles import Role
from portal.extensions import db
from tests.api.conftest import as_user, bearer, problem, token_for
from tests.api.schema_keys import assert_fits_its_schema
from tests.audit import tamper
from tests.reviews.conftest import client_for

PATH = "/api/v1/audit/status"


def _head() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.max(AuditEvent.seq)))


@pytest.fixture
def admin(factory):  # noqa: ANN001, ANN201
    """An administrator, with a submitted proposal's events in the chain."""
    admin = factory.user(Role.ADMIN, name="Ada Admin")
    factory.proposal(factory.user(Role.INVESTIGATOR, institution=admin.institution), submitted=True)
    return admin


def test_a_fresh_chain_is_intact_as_the_page_says(app, api, admin) -> None:  # noqa: ANN001
    headers, browser = as_user(admin), client_for(app, admin)  # both sign-ins audited before the walks
    response = api.get(PATH, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    status = response.get_json()
    head = _head()
    assert status["intact"] is True and status["events_verified"] == head > 5
    assert (status["first_bad_seq"], status["reason"], status["anchored_seq"], status["anchors_checked"]) == (
        None, None, None, 0)
    assert status["head_hash"] == db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == head))
    assert f"The audit chain is intact: {head} events verified" in browser.get("/audit").get_data(as_text=True)
    assert_fits_its_schema(api, response, PATH)


def test_the_newest_anchor_is_named(app, api, admin) -> None:  # noqa: ANN001
    headers = as_user(admin)
    assert app.test_cli_runner().invoke(args=["audit", "checkpoint"]).exit_code == 0
    anchored = _head()
    status = api.get(PATH, headers=headers).get_json()
    assert status["intact"] and (status["anchored_seq"], status["anchors_checked"]) == (anchored, 1)


def test_one_altered_event_breaks_the_chain_there(app, api, admin) -> None:  # noqa: ANN001
    headers = as_user(admin)
    bad = _head() // 2
    tamper.alter_data(bad)
    response = api.get(PATH, headers=headers)
    status = response.get_json()
    assert status["intact"] is False and status["first_bad_seq"] == bad
    assert status["events_verified"] == bad - 1 and "altered" in status["reason"]
    assert status["head_hash"] is None
    assert f"The audit chain is broken at event {bad}" in client_for(app, admin).get("/audit").get_data(as_text=True)
    assert_fits_its_schema(api, response, PATH)


def test_only_those_who_open_the_audit_page(api, admin, factory) -> None:  # noqa: ANN001
    for role in (Role.INVESTIGATOR, Role.COORDINATOR, Role.GOVERNANCE, Role.CHAIR):
        other = factory.user(role, institution=admin.institution)
        assert "administrators" in problem(api.get(PATH, headers=as_user(other)), 403)["detail"], role
    without_scope = bearer(token_for(admin, [Scope.DECISIONS_READ, Scope.REPORTS_READ]))
    assert "audit:read" in problem(api.get(PATH, headers=without_scope), 403)["detail"]
    problem(api.get(PATH), 401)

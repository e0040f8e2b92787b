"""Helpers for the committee tests: signed-in browsers, committees made through the operations, audit look-ups."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.committees import operations as ops
from portal.committees.kinds import MemberRole
from portal.committees.models import Committee, CommitteeMember
from portal.extensions import db
from portal.institutions.models import Institution
from tests.conftest import sign_in
from tests.factories import PASSWORD

# What a browser sends for a valid committee; unticked checkboxes are left out, as a browser does.
VALID_SETTINGS = {
    "name": "Institutional Biosafety Committee",
    "kind": "ibc",
    "custom_kind": "",
    "quorum_rule": "percent",
    "quorum_value": "50",
    "require_non_scientist": "y",
    "reviewers_per_proposal": "2",
    "review_due_days": "14",
    "max_revision_rounds": "3",
    "closed_review": "y",
}


def settings_form(**overrides: object) -> dict[str, object]:
    """The valid settings with some changed; a value of None leaves the field out."""
    form = {**VALID_SETTINGS, **overrides}
    return {key: value for key, value in form.items() if value is not None}


def signed_in(app: Flask, user: User) -> FlaskClient:
    browser = app.test_client()
    response = sign_in(browser, user.email, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)
    return browser


def make_committee(institution: Institution, name: str = "Biosafety Committee", **settings: object) -> Committee:
    values = {"name": name, "kind": "ibc", "quorum_count": None, "quorum_percent": 50, **settings}
    committee = ops.create_committee(institution_id=institution.id, settings=values, actor=None)
    db.session.commit()
    return committee


def add(committee: Committee, user: User, role: MemberRole = MemberRole.MEMBER, **flags: object) -> CommitteeMember:
    member = ops.add_member(committee, user, role=role, actor=None, **flags)
    db.session.commit()
    return member


def reload(committee_id: int) -> Committee | None:
    db.session.expire_all()
    return db.session.get(Committee, committee_id)


def committee_named(name: str) -> Committee | None:
    db.session.expire_all()
    return db.session.scalar(select(Committee).where(Committee.name == name))


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def event_data(event: AuditEvent) -> dict:
    return json.loads(event.data)


def text(response: object) -> str:
    return response.get_data(as_text=True)

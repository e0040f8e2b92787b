"""Helpers for the proposal tests: signed-in clients, uploads, fresh reads, audit look-ups.

The shared harness (tests/conftest.py) gives each test request its own app context and ends the
test body's transaction before it, so these helpers only add what the proposal tests repeat.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.proposals.models import Attachment, Proposal, ProposalVersion
from tests.conftest import post, sign_in
from tests.factories import PASSWORD


def signed_in(app: Flask, user: object, password: str = PASSWORD) -> FlaskClient:
    """A new browser, signed in as `user`."""
    client = app.test_client()
    response = sign_in(client, user.email, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def text(response: object) -> str:
    return response.get_data(as_text=True)


def reload(model: type, ident: int):  # noqa: ANN201
    """Read a row again from the database, not from the session's identity map."""
    db.session.expire_all()
    return db.session.get(model, ident)


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def event_data(event: AuditEvent) -> dict:
    return json.loads(event.data)


def versions_of(proposal_id: int) -> list[ProposalVersion]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ProposalVersion).where(ProposalVersion.proposal_id == proposal_id).order_by(ProposalVersion.number)
        )
    )


def attachments_of(proposal_id: int) -> list[Attachment]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(Attachment).where(Attachment.proposal_id == proposal_id).order_by(Attachment.id))
    )


def stored_files(app: Flask) -> list[str]:
    """Every file in the attachment folder, hidden temporary files included."""
    folder = Path(app.config["ATTACHMENT_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def upload(client: FlaskClient, proposal_id: int, content: bytes, filename: str = "plan.pdf", **kwargs: object):  # noqa: ANN201
    return post(
        client,
        f"/proposals/{proposal_id}/attachments",
        {"document": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        **kwargs,
    )


def sign_and_submit(client: FlaskClient, proposal: Proposal | int, user: object, **overrides: object):  # noqa: ANN201
    proposal_id = proposal if isinstance(proposal, int) else proposal.id
    data = {"attest": "y", "printed_name": user.name, "password": PASSWORD, **overrides}
    data = {k: v for k, v in data.items() if v is not None}
    return post(client, f"/proposals/{proposal_id}/submit", data, follow_redirects=True)

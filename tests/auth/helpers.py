"""Small helpers shared by the account tests."""

from __future__ import annotations

import json
import re

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db

# The meta tag and every hidden csrf_token input: <... csrf-token" content="…"> / <... csrf_token" ... value="…">
_TOKEN_VALUES = re.compile(r'(csrf[-_]token"[^>]*?(?:value|content)=")[^"]*"')


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def event_data(event: AuditEvent) -> dict:
    return json.loads(event.data)


def without_tokens(body: str) -> str:
    """A page with its per-request CSRF token values blanked out."""
    return _TOKEN_VALUES.sub(r'\1"', body)


def is_signed_in(client: FlaskClient) -> bool:
    """What the person sees: the dashboard, not a redirect to sign in."""
    response = client.get("/dashboard")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    return False


def text(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)

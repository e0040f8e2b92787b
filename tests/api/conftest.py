"""Helpers for the API tests: a token for a user, its headers, problem checks."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from portal.auth.api_tokens import Scope
from portal.auth.models import User
from portal.auth.token_operations import create_token
from portal.errors import PROBLEM_MEDIA_TYPE
from portal.extensions import db


def token_for(user: User, scopes: Iterable[Scope] = tuple(Scope), days: int = 30) -> str:
    """A new token of `user` with `scopes`; its plain text."""
    _, raw = create_token(actor=user, name="test token", scopes=list(scopes), days=days)
    db.session.commit()
    return raw


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def as_user(user: User, scopes: Iterable[Scope] = tuple(Scope)) -> dict[str, str]:
    return bearer(token_for(user, scopes))


def problem(response, status: int) -> dict:  # noqa: ANN001
    """The response's problem document, after checking it is one with `status`."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM_MEDIA_TYPE
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["type"].startswith("/api/v1/docs#problem-")
    return body


@pytest.fixture
def api(client):  # noqa: ANN001, ANN201 - a test client with no session: the API reads none
    return client

"""Local fixtures for the account tests: signed-in browsers and an institution administrator.

The shared `app` fixture gives every test-client request its own application context (a fresh
`flask.g` and database session, as in production). These tests depend on that: a brand-new client
must not inherit Flask-Login's cached user, or a revoked cookie would look valid.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.auth.models import User
from portal.auth.roles import Role
from tests.conftest import sign_in
from tests.factories import PASSWORD


@pytest.fixture
def signed_in_client(app: Flask):  # noqa: ANN201
    """Make a new browser and sign it in; fails loudly if sign-in does not work."""

    def make(user: User, password: str = PASSWORD) -> FlaskClient:
        browser = app.test_client()
        response = sign_in(browser, user.email, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        assert response.headers["Location"] == "/dashboard"
        return browser

    return make


@pytest.fixture
def admin(factory) -> User:  # noqa: ANN001
    return factory.user(Role.ADMIN)

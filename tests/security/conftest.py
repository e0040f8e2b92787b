"""Fixtures of the security checks: an app whose seeded world is built once per module (the sweeps only read, or
are refused), and signed-in clients cached per user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.auth.models import User
from portal.extensions import db, limiter
from tests.conftest import FreshContextClient, _make_app, csrf_token
from tests.databases import TemplateDatabase
from tests.reviews.conftest import client_for


@pytest.fixture(scope="module")
def module_app(template_db: TemplateDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Like the suite's `app`, but shared by a module's tests: a world is seeded once and swept many times."""
    tmp = tmp_path_factory.mktemp("security")
    url = template_db.copy_url(tmp)
    application = _make_app(url, Path(tmp) / "instance")
    application.test_client_class = FreshContextClient
    limiter.reset()
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()
    template_db.release(url)


class Browsers:
    """One signed-in client and its CSRF token per user, so a sweep signs each person in once."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._clients: dict[int, tuple[FlaskClient, str]] = {}
        self._tokens: dict[int, dict[str, str]] = {}

    def of(self, user: User) -> tuple[FlaskClient, str]:
        if user.id not in self._clients:
            client = client_for(self.app, user)
            self._clients[user.id] = (client, csrf_token(client, "/dashboard"))
        return self._clients[user.id]

    def api_headers(self, user: User) -> dict[str, str]:
        """Headers with a token of every scope of `user`'s, used once already: its first use is noted (a write),
        so make it before any snapshot of the database."""
        if user.id not in self._tokens:
            from tests.api.conftest import bearer, token_for

            headers = bearer(token_for(user))
            assert self.app.test_client().get("/api/v1/criteria-sets", headers=headers).status_code == 200
            self._tokens[user.id] = headers
        return self._tokens[user.id]

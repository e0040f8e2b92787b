"""Fixtures: a migrated database per test (SQLite or PostgreSQL), the app, clients, factories."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.auth.passwords import use_cheapest_hashing_for_tests
from portal.extensions import db, limiter
from tests.databases import BACKEND, IN_CI, TemplateDatabase, pg_available

use_cheapest_hashing_for_tests()

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def pytest_report_header(config: pytest.Config) -> str:
    return f"portal test database backend: {BACKEND}"


# Tests whose subject does not depend on the database engine: the criteria engine, PDF rendering and signing, the
# translations and the pages' language, static gates, charts, the README's examples. They run on the SQLite pass;
# the PostgreSQL pass leaves them out (deselected, not skipped) to keep `make test` near ten minutes.
# PORTAL_TEST_EVERYTHING=1 runs them on PostgreSQL too.
BACKEND_INDEPENDENT = (
    "tests/criteria/",
    "tests/i18n/",
    "tests/records/test_render.py", "tests/records/test_limits.py", "tests/records/test_ssrf.py",
    "tests/records/test_signing.py", "tests/records/test_verify.py", "tests/records/test_cjk.py",
    "tests/reports/test_report_charts.py",
    "tests/api/test_readme_examples.py", "tests/api/test_docs.py",
    "tests/test_layering.py", "tests/security/test_static_gates.py",
    # The consistency check's pure parts (the matchers, passages, candidates, the evaluation set); test_checks.py,
    # which goes through the database, runs on both.
    "tests/consistency/test_semantic.py", "tests/consistency/test_lexical.py", "tests/consistency/test_passages.py",
    "tests/consistency/test_candidates.py", "tests/consistency/test_evaluation.py",
)
ROOT = Path(__file__).resolve().parents[1]


def _engine_independent(item: pytest.Item) -> bool:
    return item.path.resolve().relative_to(ROOT).as_posix().startswith(BACKEND_INDEPENDENT)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `pg` are about PostgreSQL itself (a terminated backend, SQLSTATE 40001): on the SQLite pass they
    are deselected, not skipped; the PostgreSQL pass runs them (and fails under CI if PostgreSQL is absent).
    The PostgreSQL pass deselects the BACKEND_INDEPENDENT tests, which the SQLite pass runs."""
    if BACKEND == "postgresql":
        if os.environ.get("PORTAL_TEST_EVERYTHING") == "1":
            return
        left_out = [item for item in items if _engine_independent(item)]
    else:
        left_out = [item for item in items if item.get_closest_marker("pg") is not None]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        dropped = set(left_out)
        items[:] = [item for item in items if item not in dropped]


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDatabase]:
    if BACKEND == "postgresql":
        reason = pg_available()
        if reason:
            if IN_CI:
                pytest.fail(f"CI must run the PostgreSQL suite: {reason}")
            pytest.skip(reason)
    template = TemplateDatabase(tmp_path_factory.mktemp("template"))
    app = _make_app(template.empty_url(), tmp_path_factory.mktemp("template-instance"))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    yield template
    template.close()


def _make_app(url: str, instance: Path, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "JOBS_RUN_INLINE": True,
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(instance),
        "ATTACHMENT_DIR": str(instance / "attachments"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "API_RATE_LIMIT": "100000 per minute",  # crawls and sweeps call the API hundreds of times; tests/api tests it
        # Tests send notification e-mail when they mean to (tests/notifications), not after every request.
        "MAIL_SEND_AFTER_REQUEST": False,
        "CONSISTENCY_MATCHER": "lexical",  # a model load per test process would cost seconds; test_semantic.py asks
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app_config() -> dict[str, object]:
    """Override in a test module to change configuration for its app."""
    return {}


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production: a fresh `g` and database session.

    Flask reuses an app context that is already pushed (the `app` fixture pushes one for the
    test body), which would let `g` and the ORM identity map leak from one request to the next.
    """

    def open(self, *args: object, **kwargs: object):  # noqa: ANN201
        # End the test body's transaction first: outside a request it holds SQLite's write lock.
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own session then sees what the request committed
        return response


@pytest.fixture
def app(template_db: TemplateDatabase, tmp_path: Path, app_config: dict[str, object]) -> Iterator[Flask]:
    url = template_db.copy_url(tmp_path)
    application = _make_app(url, tmp_path / "instance", **app_config)
    application.test_client_class = FreshContextClient
    limiter.reset()
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()
    template_db.release(url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """The CSRF token of the client's session, as a page would embed it."""
    page = client.get(path)
    match = CSRF_META.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs: object):  # noqa: ANN201
    """POST with the session's CSRF token, the way a browser form does."""
    token_page = "/dashboard" if _signed_in(client) else "/sign-in"
    payload = {"csrf_token": csrf_token(client, token_page), **(data or {})}
    return client.post(path, data=payload, **kwargs)


def _signed_in(client: FlaskClient) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def sign_in(client: FlaskClient, email: str, password: str):  # noqa: ANN201
    return client.post("/sign-in", data={"csrf_token": csrf_token(client), "email": email, "password": password})


@pytest.fixture
def factory(app: Flask):  # noqa: ANN201
    from tests.factories import Factory

    return Factory()

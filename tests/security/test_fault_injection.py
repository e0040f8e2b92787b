"""Check 21 (and v5 2.3.3, all-or-nothing): an OperationalError injected after the state change was flushed, or
just before the commit, at every POST rule of the app that writes, in the demo world (the cases: fault_cases*.py).
The person gets a 500 page with an incident reference; neither the business change nor its audit event persists
(every table hashes as before) and no file stays behind; the chain verifies; a sign-in whose commit failed signs
nobody in. The same request without the fault then succeeds and changes the database, which proves the fault hit
a real write."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import tests.security.fault_cases_notifications  # noqa: F401 - registers its cases
import tests.security.fault_cases_proposals  # noqa: F401 - registers its cases
import tests.security.fault_cases_review  # noqa: F401 - registers its cases
from portal.audit.verify import verify_chain
from portal.demo.seed import DEMO_PASSWORD
from portal.extensions import limiter
from tests.api.conftest import bearer, token_for
from tests.conftest import FreshContextClient, _make_app, csrf_token
from tests.databases import TemplateDatabase
from tests.security.fault_cases import CASES, EXEMPT, FaultCase, Upload, user
from tests.security.faults import POINTS, failing
from tests.security.manifest import database_state
from tests.security.routes import all_rules
from tests.security.seeded_demo import SeededDemo

WRITE_METHODS = {"POST", "PATCH"}
POST_ENDPOINTS = {r.endpoint for r in all_rules() if r.methods & WRITE_METHODS}


def test_every_post_rule_has_a_fault_case() -> None:
    assert POST_ENDPOINTS - CASES.keys() - EXEMPT.keys() == set(), "add a fault case (or an exemption with reason)"
    assert (CASES.keys() | EXEMPT.keys()) - POST_ENDPOINTS == set(), "these POST rules no longer exist"
    assert CASES.keys() & EXEMPT.keys() == set(), "a rule is both faulted and exempt"


@pytest.fixture(scope="module")
def seeded(template_db: TemplateDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededDemo]:
    """One app for the module, on the demo world seeded once (each case then gets a fresh copy)."""
    tmp = tmp_path_factory.mktemp("faults")
    url = template_db.copy_url(tmp)
    application = _make_app(url, tmp / "instance")
    application.test_client_class = FreshContextClient
    with application.app_context():
        world = SeededDemo(application, tmp)
        yield world
        world.close()
    template_db.release(url)


@pytest.fixture
def demo_app(seeded: SeededDemo) -> Flask:
    """The module's app on a fresh copy of the demo world."""
    from flask import current_app

    seeded.restore()
    limiter.reset()
    return current_app._get_current_object()


def _client(app: Flask, persona: str | None) -> FlaskClient:
    client = app.test_client()
    if persona:
        signed = client.post("/sign-in", data={"csrf_token": csrf_token(client), "email": persona,
                                               "password": DEMO_PASSWORD})
        assert signed.status_code == 302, persona
    return client


def _files(app: Flask) -> set[Path]:
    """Every file the app keeps outside the database (attachments, exports), by path."""
    return {p for p in Path(app.config["INSTANCE_PATH"]).rglob("*") if p.is_file()}


def _form(data: dict) -> dict:
    """The form to post, with a fresh stream for each file: a stream is read once."""
    return {k: (io.BytesIO(v.content), v.filename) if isinstance(v, Upload) else v for k, v in data.items()}


def _form_sender(client: FlaskClient, case: FaultCase, path: str, data: dict) -> Callable[[], TestResponse]:
    token = csrf_token(client, "/dashboard" if case.persona else "/sign-in")
    return lambda: client.post(path, data={"csrf_token": token, **_form(data)})


def _api_sender(client: FlaskClient, case: FaultCase, method: str, path: str,
                data: dict) -> Callable[[], TestResponse]:
    """The persona's token, used once before the world is measured: its first use is bookkeeping (last used at),
    not part of the unit of work under test."""
    headers = bearer(token_for(user(case.persona)))
    assert client.get("/api/v1/criteria-sets", headers=headers).status_code == 200
    return lambda: client.open(path, method=method, json=data, headers=headers)


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_failure_inside_the_unit_of_work_leaves_nothing_behind(demo_app: Flask, endpoint: str, point: str) -> None:
    case: FaultCase = CASES[endpoint]
    client = _client(demo_app, case.persona)
    path, data = case.build(client)
    method = next(iter(WRITE_METHODS & next(r for r in all_rules() if r.endpoint == endpoint).methods))
    assert demo_app.url_map.bind("localhost").match(path, method=method)[0] == endpoint, path
    send = _api_sender(client, case, method, path, data) if case.api else _form_sender(client, case, path, data)
    before, files = database_state(), _files(demo_app)
    with failing(point) as fault:
        failed = send()
    assert fault.fired == 1, f"{endpoint}: the request never reached {point}"
    assert failed.status_code in (500, 503)
    if case.api:
        assert failed.get_json(force=True)["incident"], "an API 500 names no incident"
    else:
        assert "tell your administrator this reference" in failed.get_data(as_text=True)
    assert database_state() == before, "a failed unit of work left rows or audit events behind"
    assert _files(demo_app) == files, "a failed unit of work left files behind"
    assert verify_chain().intact

    # The browser must not hold what the database refused: a sign-in whose commit failed signs nobody in.
    if case.persona is None:
        assert client.get("/dashboard").status_code == 302, "a sign-in whose commit failed signed the browser in"
    control = send()
    assert control.status_code in (200, 201, 302), control.get_data(as_text=True)[:500]
    assert database_state() != before, f"{endpoint}: without the fault nothing was written, so the case proves nothing"
    assert verify_chain().intact

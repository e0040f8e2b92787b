"""Schemathesis against /api/v1/openapi.json, in process (WSGI), on the demo world (issue 8, acceptance 1).

Every operation of the document gets Schemathesis's generated calls — its coverage phase (boundaries, each field
missing or of the wrong type) and a bounded number of random examples, valid and invalid — each sent with the
token of a demo person who can reach that part of the portal. Every response must pass Schemathesis's checks: no
5xx, a status the document lists, the declared media type, a body that conforms to its schema, invalid input
refused and calls without a token refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from portal.api.spec import openapi_document
from portal.api.views import INFO
from portal.auth.api_tokens import Scope
from portal.auth.operations import find_user_by_email
from portal.extensions import db
from tests.api.conftest import token_for
from tests.conftest import _make_app
from tests.databases import TemplateDatabase

EXAMPLES = 20  # random examples per operation, beyond the coverage phase; `make slow` could raise it
# Who calls each part of the API: someone the demo gives something to see there.
CALLER_BY_TAG = {
    "Proposals": "investigator@northbridge.example",
    "Versions": "investigator@northbridge.example",
    "Reports": "governance@northbridge.example",
    "Audit": "admin@northbridge.example",
}
DEFAULT_CALLER = "coordinator@northbridge.example"


@pytest.fixture(scope="module")
def demo_api(template_db: TemplateDatabase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo world on its own database, with a token of every scope for each caller. No app context stays
    pushed: each generated call gets its own, as in production."""
    from portal.demo.seed import seed_demo

    tmp = tmp_path_factory.mktemp("schemathesis")
    url = template_db.copy_url(tmp)
    app = _make_app(url, tmp / "instance", API_RATE_LIMIT="1000000 per minute")
    with app.app_context():
        seed_demo()
        db.session.commit()
        emails = {*CALLER_BY_TAG.values(), DEFAULT_CALLER}
        app.config["TEST_TOKENS"] = {email: token_for(find_user_by_email(email), tuple(Scope)) for email in emails}
        db.session.remove()
    DEMO_APP.target = app
    yield app
    DEMO_APP.target = None
    with app.app_context():
        db.engine.dispose()
    template_db.release(url)


class DemoApp:
    """The WSGI app Schemathesis calls: it forwards to the demo world's app, which exists once its fixture ran."""

    target: Flask | None = None

    def __call__(self, environ: dict, start_response: object) -> object:
        assert self.target is not None, "the demo_api fixture has not run"
        return self.target(environ, start_response)


DEMO_APP = DemoApp()
# The document is built from the code alone (no app, no database), so the tests can be made at collection time.
# A request can be valid by the document and still refused for what a schema cannot say (no user has that e-mail
# address, the password is wrong, the proposal is not complete yet): the API answers 409 or 422 with the reason,
# so those count as accepting valid data; anything else (a 400 or 5xx for a valid request) still fails.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}}})
schema = schemathesis.openapi.from_dict(openapi_document(INFO), config=CONFIG)
schema.app = DEMO_APP  # every call, and every probe a check sends, goes in process to the demo world


@schema.parametrize()
# Derandomized: make test draws the same examples every run, so a red run is a change of ours, never luck; the
# cases are still the coverage phase's boundaries plus 20 random-looking examples per operation.
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_every_generated_call_gets_an_answer_its_document_describes(case, demo_api: Flask) -> None:  # noqa: ANN001
    tag = (case.operation.definition.raw.get("tags") or [""])[0]
    token = demo_api.config["TEST_TOKENS"][CALLER_BY_TAG.get(tag, DEFAULT_CALLER)]
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})

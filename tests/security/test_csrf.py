"""Check 7, CSRF (security-test-plan.md §6; v5 3.5.1), swept over every POST rule of the URL map, each sent by a
role the matrix (policy_matrix.yaml) allows, on an object of the seeded world: a form with no token, with another
signed-in person's valid token, or with the person's own token an hour and a second old is refused with 400 and
"Your form expired"; nothing is written (every table hashes as before); and each refusal is logged on
"portal.security" with the check that failed, never the token. A GET on a POST-only rule is 405."""

from __future__ import annotations

import logging
import time

import pytest
from flask import Flask
from itsdangerous.timed import TimestampSigner
from werkzeug.routing import Rule

from tests.security.manifest import database_state
from tests.security.routes import all_rules, methods
from tests.security.test_role_matrix import ROLES, _urls, load_matrix, personas  # noqa: F401 - personas: fixture

WRITE_RULES = [r for r in all_rules() if r.methods & {"POST", "PATCH"}]
# The JSON API reads no session cookie, so a forged cross-site request carries nothing it accepts: it is exempt
# from CSRF tokens, and the test below shows a signed-in browser's cookie gets it nowhere.
API_WRITE_RULES = [r for r in WRITE_RULES if r.rule.startswith("/api/")]
POST_RULES = [r for r in WRITE_RULES if "POST" in r.methods and r not in API_WRITE_RULES]
GET_PATHS = {r.rule for r in all_rules() if "GET" in r.methods}  # an API path may have its GET on another rule
POST_ONLY_RULES = [r for r in WRITE_RULES if "POST" in r.methods and r.rule not in GET_PATHS]
EXPIRED = "Your form expired or was sent from another page."
TIME_LIMIT = 3600  # WTF_CSRF_TIME_LIMIT in portal/config.py


def _rule_id(rule: Rule) -> str:
    return f"{'+'.join(methods(rule))} {rule.rule}"


def _sender(rule: Rule) -> str:
    """The first role, in ROLES order, the matrix lets POST to this rule."""
    allowed = load_matrix()[0][rule.endpoint]["POST"]
    assert allowed, f"{rule.endpoint}: the matrix lets nobody POST here"
    return next(role for role in ROLES if role in allowed)


def _someone_else(role: str) -> str:
    return "admin" if role != "admin" else "investigator"


def _refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "portal.security"]


@pytest.mark.parametrize("rule", POST_RULES, ids=_rule_id)
def test_a_post_without_a_valid_fresh_token_of_its_own_is_refused(
    module_app: Flask, personas, rule: Rule, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    role = _sender(rule)
    client, own_token, _api_headers = personas[role]
    other_token = personas[_someone_else(role)][1]
    assert other_token != own_token
    url = _urls(module_app, rule)[0]
    before = database_state()
    caplog.set_level(logging.INFO, logger="portal.security")

    without = client.post(url, data={})
    borrowed = client.post(url, data={"csrf_token": other_token})
    signed_now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: signed_now + TIME_LIMIT + 1)
    expired = client.post(url, data={"csrf_token": own_token})
    monkeypatch.undo()

    for case, response in (("no token", without), ("another's token", borrowed), ("expired token", expired)):
        assert response.status_code == 400, f"{case}: POST {url} as {role} gave {response.status_code}"
        assert EXPIRED in response.get_data(as_text=True), case
    assert database_state() == before, "a refused form changed the database"
    # Which check refused each one: so the borrowed and the expired token were otherwise good tokens.
    logged = _refusals(caplog)
    assert [line.rsplit(": ", 1)[1] for line in logged] == [
        "The CSRF token is missing.", "The CSRF tokens do not match.", "The CSRF token has expired.",
    ]
    assert all(f"POST {url.split('?')[0]!r}" in line for line in logged), logged
    assert not any(own_token in line or other_token in line for line in logged)


@pytest.mark.parametrize("rule", POST_ONLY_RULES, ids=_rule_id)
def test_a_get_on_a_post_only_rule_is_405(module_app: Flask, personas, rule: Rule) -> None:  # noqa: F811
    client, _token, _api_headers = personas[_sender(rule)]
    url = _urls(module_app, rule)[0]

    response = client.get(url)

    assert response.status_code == 405
    assert "That action is not available here" in response.get_data(as_text=True)


@pytest.mark.parametrize("rule", API_WRITE_RULES, ids=_rule_id)
def test_the_api_ignores_a_signed_in_browsers_cookie(module_app: Flask, personas, rule: Rule) -> None:  # noqa: F811
    """What a CSRF token protects against cannot happen to the API: the session cookie a forged request would carry
    authenticates nothing there (401), so nothing changes."""
    client, _token, _api_headers = personas[_sender(rule)]
    url = _urls(module_app, rule)[0]
    before = database_state()
    for method in sorted(rule.methods & {"POST", "PATCH"}):
        response = client.open(url, method=method, json={"title": "Forged from another site"})
        assert response.status_code == 401, f"{method} {url}: {response.status_code}"
    assert database_state() == before

"""Check 1, the IDOR sweep (security-test-plan.md §6, v5 8.2.2): for every rule that takes an object id, every object
of that kind in the seeded world, and every person who may not see it, GET (and POST with a valid CSRF token where
the rule takes POST) answers 404, never 403 (existence would leak), shows no canary, changes nothing, and leaves
exactly one `access.denied` audit event (every loader refuses through portal/audit/denials.py). The full product
runs: every object, every person, every method."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.routing import Rule

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.extensions import db
from tests.security.conftest import Browsers
from tests.security.manifest import database_state
from tests.security.routes import Target, id_rules, methods, targets
from tests.security.world import CANARY_PREFIX, SweepWorld, build_sweep_world


@pytest.fixture(scope="module")
def sweep(module_app: Flask) -> tuple[SweepWorld, Browsers]:
    world = build_sweep_world()
    browsers = Browsers(module_app)
    for person in world.outsiders + world.conflicted:
        browsers.of(person)  # sign everyone in before any snapshot: signing in writes
        browsers.api_headers(person)  # and use a token of theirs once: its first use is noted
    return world, browsers


def _denials() -> int:
    count = db.session.scalar(select(func.count()).where(AuditEvent.action == "access.denied"))
    db.session.commit()  # outside a request every transaction writes on SQLite: do not hold its lock
    return count


def _cases(world: SweepWorld, target: Target):  # noqa: ANN202
    """(person, canaries they must not see) for everyone who may not see the target's object."""
    if not world.is_home(target.table, target.row_id):
        return
    for person in world.outsiders:
        yield person, {CANARY_PREFIX}
    proposal = world.proposal_of(target.table, target.row_id)
    for person in world.conflicted:
        if proposal in world.conflicts[person.id]:
            yield person, world.leak.hidden_from_conflicted


# The CSRF token is the one random text on a page, and it is URL-safe base64: "LK-" turns up in it now and then
# (a red run on 2026-11-30 found the outsiders' canary prefix in two 404 pages of one person within a second).
CSRF_TOKEN = re.compile(r'(name="csrf-token" content|name="csrf_token" value)="[^"]*"')


def _problem(response, canaries: set[str], denied: int) -> str | None:  # noqa: ANN001
    body = CSRF_TOKEN.sub(r'\1=""', response.get_data().decode("utf-8", errors="replace"))
    if response.status_code != 404:
        return f"{response.status_code}"
    leaked = sorted(c for c in canaries if c in body)
    if leaked:
        return f"shows {leaked}"
    if denied != 1:
        return f"{denied} access.denied events, expected 1"
    return None


# A valid body for each API write on an object, so the refusal met is the object's (404), not the body's (422).
API_BODIES = {
    "api.update_proposal": {"lock_version": 1, "title": "Changed by someone who may not"},
    "api.submit_proposal": {"password": "a password", "printed_name": "A Name", "attest": True},
}


def _send(browsers: Browsers, person: User, rule: Rule, method: str, url: str):  # noqa: ANN202
    """A page as the person's browser; the JSON API with the person's token (it reads no session)."""
    client, token = browsers.of(person)
    if rule.rule.startswith("/api/"):
        body = API_BODIES.get(rule.endpoint) if method != "GET" else None
        assert method == "GET" or body is not None, f"{rule.endpoint}: add a valid body to API_BODIES"
        return client.open(url, method=method, json=body, headers=browsers.api_headers(person))
    return client.post(url, data={"csrf_token": token}) if method == "POST" else client.get(url)


def _methods(rule: Rule) -> list[str]:
    return sorted(rule.methods & {"GET", "POST", "PATCH"}) if rule.rule.startswith("/api/") else methods(rule)


@pytest.mark.parametrize("rule", id_rules(), ids=lambda r: f"{'+'.join(_methods(r))} {r.rule}")
def test_nobody_reaches_an_object_they_may_not_see(module_app: Flask, sweep, rule: Rule) -> None:
    world, browsers = sweep
    before, failures, requests = database_state(without=("audit_events",)), [], 0
    for target in list(targets(module_app, rule)):
        for person, canaries in _cases(world, target):
            for method in _methods(rule):
                count = _denials()
                response = _send(browsers, person, rule, method, target.url)
                requests += 1
                problem = _problem(response, canaries, _denials() - count)
                response.close()
                if problem:
                    failures.append(f"{method} {target.url} as {person.name}: {problem}")
    assert requests > 0, f"{rule.rule}: the world has no object of this kind to try"
    assert failures == [], "\n".join(failures[:30])
    assert database_state(without=("audit_events",)) == before, "a refused request changed the database"

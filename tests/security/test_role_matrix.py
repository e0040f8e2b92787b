"""Check 2, the role matrix (security-test-plan.md §6; v5 8.2.1 function-level authorization): every route of the
URL map, as every role at its most privileged standing in the seeded world (the PI of a proposal, an assigned
reviewer, the committee's chair, its coordinator, the institution's governance user and admin, and a visitor who
is not signed in), against policy_matrix.yaml (read with yaml.safe_load). A role the matrix does not name must
never get a 200 or a 302 (other than to sign in) on any object of the route, by GET or by POST with a valid CSRF
token; a role it names must reach each GET route on at least one object, so the matrix cannot over-allow unseen."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from flask import Flask, url_for
from sqlalchemy import select
from werkzeug.routing import Rule

from portal.auth.models import User
from portal.auth.roles import Role
from portal.extensions import db
from tests.api.conftest import bearer, token_for
from tests.factories import Factory
from tests.security.conftest import Browsers
from tests.security.routes import all_rules, choices, methods, object_arguments, targets
from tests.security.world import build_sweep_world

MATRIX_FILE = Path(__file__).with_name("policy_matrix.yaml")
ROLES = ("anonymous", "investigator", "reviewer", "chair", "coordinator", "governance", "admin")
FIXED = {"set_id": "usg-durc-pepp-2024", "token": "not-a-token"}
API_PREFIX = "/api/"


Allowed = dict[str, set[str]]  # method -> roles


def _roles(value: str | list[str] | None, groups: dict[str, set[str]]) -> set[str]:
    names = [value] if isinstance(value, str) else value or []
    roles = set().union(*(groups.get(n, {n}) for n in names)) if names else set()
    assert roles <= set(ROLES), f"unknown role or group in {value}"
    return roles


def load_matrix() -> tuple[dict[str, Allowed], set[str]]:
    """Every route's allowed roles per method, and the routes still being built (they may be absent)."""
    raw = yaml.safe_load(MATRIX_FILE.read_text(encoding="utf-8"))
    groups = {name: set(members) for name, members in raw["groups"].items()}
    entries = {**raw["routes"], **(raw.get("pending") or {})}
    matrix = {
        endpoint: {m: _roles(value.get(m), groups) for m in ("GET", "POST")} if isinstance(value, dict)
        else dict.fromkeys(("GET", "POST"), _roles(value, groups))
        for endpoint, value in entries.items()
    }
    return matrix, set(raw.get("pending") or {})


def _pages_for_every_role(world, governance: User) -> None:  # noqa: ANN001
    """What the canary world lacks for a role to show its pages: a proposal awaiting triage, one in review that
    nobody is conflicted with, and a finished export job and what-if of the governance user."""
    from flask import current_app

    from portal.committees.models import Committee
    from portal.decisions.export import export_records
    from portal.decisions.models import Decision
    from portal.jobs import runner
    from portal.jobs.operations import create_job
    from portal.routing.operations import triage_proposal
    from tests.reports.whatif_world import finished_whatif
    from tests.routing.test_triage import REFERRED, _screened

    home = world.leak.chair.institution
    _screened(Factory(), home, REFERRED, title="Awaiting triage")
    routed = _screened(Factory(), home, REFERRED, title="In review")
    ire = db.session.scalar(select(Committee).where(Committee.institution_id == home.id,
                                                    Committee.name == "Review Entity"))
    triage_proposal(routed, [ire], proposed=[ire], reason="", actor=world.leak.coordinator)
    decision_ids = list(db.session.scalars(select(Decision.id)))
    job_id = create_job("record_export", {"decision_ids": decision_ids}, total=len(decision_ids), actor=governance).id
    db.session.commit()
    runner.run(current_app._get_current_object(), job_id, export_records)
    finished_whatif(governance)


@pytest.fixture(scope="module")
def personas(module_app: Flask) -> dict[str, tuple]:
    world = build_sweep_world()
    home = world.leak.chair.institution
    reviewer = db.session.scalar(select(User).where(User.name == "Reviewer LK-RN1", User.institution_id == home.id))
    people = {"investigator": world.leak.pi, "reviewer": reviewer, "chair": world.leak.chair,
              "coordinator": world.leak.coordinator,
              "governance": Factory().user(Role.GOVERNANCE, institution=home, name="Governance person"),
              "admin": Factory().user(Role.ADMIN, institution=home, name="Admin person")}
    _pages_for_every_role(world, people["governance"])
    browsers = Browsers(module_app)
    signed_in = {role: (*browsers.of(person), bearer(token_for(person))) for role, person in people.items()}
    signed_in["anonymous"] = (module_app.test_client(), _anonymous_token(module_app), {})
    return signed_in


def _call(persona: tuple, method: str, url: str):  # noqa: ANN202
    """A page as the person's browser (POST with its CSRF token); the JSON API with the person's own token of
    every scope (POST with an empty JSON body), since the API reads no session."""
    client, csrf, api_headers = persona
    if url.startswith(API_PREFIX):
        return client.post(url, json={}, headers=api_headers) if method == "POST" else client.get(url,
                                                                                                  headers=api_headers)
    return client.post(url, data={"csrf_token": csrf}) if method == "POST" else client.get(url)


def _anonymous_token(app: Flask) -> str:
    from tests.conftest import csrf_token

    return csrf_token(app.test_client(), "/sign-in")


def _urls(app: Flask, rule: Rule) -> list[str]:
    if object_arguments(rule):
        return [t.url for t in targets(app, rule)]
    fixed = {a: FIXED[a] for a in rule.arguments if a in FIXED}
    words = [{name: word} for name, values in choices(rule).items() for word in values] or [{}]
    with app.test_request_context():
        return [url_for(rule.endpoint, **fixed, **w) for w in words]


def _reached(response) -> bool:  # noqa: ANN001
    response.close()  # downloads hold their file open until closed
    if response.status_code == 200:
        return True
    return response.status_code == 302 and "/sign-in" not in response.headers.get("Location", "")


def test_the_matrix_names_every_route_and_only_real_ones() -> None:
    endpoints = {r.endpoint for r in all_rules()}
    matrix, pending = load_matrix()
    assert endpoints - set(matrix) == set(), "add these routes to policy_matrix.yaml"
    assert set(matrix) - pending - endpoints == set(), "these routes no longer exist"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: f"{'+'.join(methods(r))} {r.rule}")
def test_no_role_reaches_a_route_the_matrix_does_not_give_it(module_app: Flask, personas, rule: Rule) -> None:
    allowed = load_matrix()[0][rule.endpoint]
    urls = _urls(module_app, rule)
    assert urls, f"{rule.rule}: the world has no object of this kind"
    failures = []
    for method in methods(rule):
        for role in sorted(set(ROLES) - allowed[method]):  # only refused roles POST: nothing may change
            for url in urls:
                response = _call(personas[role], method, url)
                if _reached(response):
                    failures.append(f"{method} {url} as {role}: {response.status_code}")
    assert failures == [], "\n".join(failures[:30])
    if "GET" in rule.methods and allowed["GET"] - {"anonymous"} and "token" not in rule.arguments:
        # The matrix must not be vacuous: someone it allows reaches the page in this world.
        assert any(_reached(_call(personas[role], "GET", url)) for role in sorted(allowed["GET"]) for url in urls), \
            f"GET {rule.rule}: no role the matrix allows reaches any object"

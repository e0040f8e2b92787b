"""Scenario for the governance report's scope of institutions."""

from __future__ import annotations

from portal.auth.roles import Role
from tests.audit.scenarios import Call, call, scenario
from tests.factories import Factory


@scenario("portal.reports.operations.set_governance_scope", "governance.scope_set")
def _set_scope(factory: Factory) -> Call:
    home, other = factory.institution(), factory.institution()
    admin = factory.user(Role.ADMIN, institution=home)
    return call(factory.user(Role.GOVERNANCE, institution=home), [home, other], actor=admin)

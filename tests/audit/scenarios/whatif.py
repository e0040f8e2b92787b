"""Scenario for the what-if request: a coordinator asks to re-screen their institution's versions under a shipped
set (the job runs separately; asking is the one audited act)."""

from __future__ import annotations

from portal.auth.roles import Role
from portal.reports.whatif_queries import Scope
from portal.screenings.registry import all_sets
from tests.audit.scenarios import Call, call, scenario
from tests.factories import Factory


@scenario("portal.reports.whatif_operations.request_whatif", "whatif.requested")
def _request_whatif(factory: Factory) -> Call:
    coordinator = factory.user(Role.COORDINATOR)
    return call(all_sets()["usg-durc-pepp-2024"], Scope((coordinator.institution_id,)), total=0, upload=None,
                actor=coordinator)

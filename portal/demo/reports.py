"""The demo's governance reports: a consortium liaison who reads aggregates across Northbridge and a second
fictional institution, with small cells suppressed (the other governance user reads Northbridge alone)."""

from __future__ import annotations

from portal.auth.models import User
from portal.institutions.models import Institution
from portal.institutions.operations import add_department, create_institution
from portal.reports.operations import set_governance_scope

CONSORTIUM_EMAIL = "consortium@northbridge.example"
PARTNER_INSTITUTION = "Eastmoor Institute (fictional)"


def seed_reports(home: Institution, users: list[User]) -> None:
    partner = create_institution(PARTNER_INSTITUTION, "EMI", "Fictional Republic", actor=None)
    add_department(partner, "Research Office", actor=None)
    liaison = next(u for u in users if u.email == CONSORTIUM_EMAIL)
    set_governance_scope(liaison, [home, partner], actor=None)

"""A hand-counted portfolio over two institutions (tests/reports/portfolio.py), and the people who read it.

Northfield (A), six proposals:
  P1 screened refer_ire_cat1 (high); Category 1, approved with conditions, 10 days after submission.
     Clocks: notify (5 days overdue), draft plan (due in 10 days), progress report (due in 300 days),
     one met. Conditions: an investigator's 3 days overdue, a coordinator's with evidence in, one verified.
  P2 screened refer_ire_cat1 (high); first decided Category 1, not approved, after 20 days (its clock superseded),
     then corrected to not in scope, approved, after 25 days: the correction is current.
  P3 screened out of scope (none); not in scope, approved administratively after 30 days.
  P4 screened coordinator_check (low); Category 2, not approved, after 40 days.
  P5 screened refer_ire_cat2 (high); undecided.
  P6 two versions: out of scope, then refer_ire_cat2 (high); undecided.
Southbank (B), two proposals:
  Q1 refer_ire_cat1 (high); Category 1, approved with conditions after 50 days; its notify clock 2 days overdue.
  Q2 out of scope (none); not in scope, approved after 60 days.
Every proposal was submitted 200 to 130 days ago.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.auth.models import User
from portal.auth.roles import Role
from portal.extensions import db
from portal.institutions.models import Institution
from portal.reports.operations import set_governance_scope
from tests.reports.portfolio import Built, Case, Ruling, build_portfolio

HIGH, NONE, LOW = "high", "none", "low"


@dataclass
class Portfolio:
    a: Institution
    b: Institution
    coordinator: User  # of A
    governance: User  # of A, one institution
    cross: User  # governance, scoped to A and B
    pi: User
    built: Built


def portfolio_cases(a: int, b: int) -> list[Case]:
    return [
        Case(a, "P1 Fictional survey of policy uptake", 200, (("refer_ire_cat1", HIGH),),
             Ruling("approved_with_conditions", "category_1", 10),
             clocks=(("notify_funding_agency", -5, "open"), ("submit_draft_rmp", 10, "open"),
                     ("progress_report", 300, "open"), ("continuing_review", -30, "done")),
             conditions=(("investigator", -3, "open"), ("coordinator", 20, "evidence_submitted"),
                         ("investigator", -40, "verified"))),
        Case(a, "P2 Fictional review of training records", 190, (("refer_ire_cat1", HIGH),),
             Ruling("not_approved", "category_1", 20),
             correction=Ruling("approved", "not_in_scope", 25, kind="correction")),
        Case(a, "P3 Fictional archive study", 180, (("out_of_scope_pi_attested", NONE),),
             Ruling("approved", "not_in_scope", 30, kind="administrative"), committee=False),
        Case(a, "P4 Fictional governance workshop", 170, (("coordinator_check", LOW),),
             Ruling("not_approved", "category_2", 40)),
        Case(a, "P5 Fictional oversight interviews", 160, (("refer_ire_cat2", HIGH),)),
        Case(a, "P6 Fictional policy comparison", 150, (("out_of_scope_pi_attested", NONE), ("refer_ire_cat2", HIGH))),
        Case(b, "Q1 Fictional consortium survey", 140, (("refer_ire_cat1", HIGH),),
             Ruling("approved_with_conditions", "category_1", 50), clocks=(("notify_funding_agency", -2, "open"),)),
        Case(b, "Q2 Fictional records audit", 130, (("out_of_scope_pi_attested", NONE),),
             Ruling("approved", "not_in_scope", 60)),
    ]


@pytest.fixture
def portfolio(app, factory) -> Portfolio:  # noqa: ANN001
    a, b = factory.institution("Northfield University"), factory.institution("Southbank Institute")
    coordinator = factory.user(Role.COORDINATOR, institution=a, name="Casey Coordinator")
    governance = factory.user(Role.GOVERNANCE, institution=a, name="Gale Governance")
    cross = factory.user(Role.GOVERNANCE, institution=a, name="Morgan Consortium")
    pi = factory.user(Role.INVESTIGATOR, institution=a, name="Pat Investigator")
    set_governance_scope(cross, [a, b], actor=None)
    built = build_portfolio(portfolio_cases(a.id, b.id), pi_id=pi.id, coordinator_id=coordinator.id)
    db.session.commit()
    return Portfolio(a, b, coordinator, governance, cross, pi, built)

"""A small world for the what-if tests: one institution applying the 2024 US policy, five submitted versions whose
answers do or do not meet a gate that an edited copy of the shipped set changes, and the edited copy itself.

The edit: the shipped set sends a voluntary request for review to "voluntary_review" whoever funds the work; the
copy does so only for federally funded work. So exactly the version asking for voluntary review without federal
funding changes (voluntary_review -> out_of_scope_pi_attested); the others keep their outcomes, and a version
submitted while the institution applied no set is "never screened under this set id".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from portal.auth.models import User
from portal.auth.roles import Role
from portal.demo.answers import demo_answers
from portal.extensions import db
from portal.institutions.models import Institution
from portal.proposals import operations as proposal_ops
from portal.proposals.models import Proposal
from portal.screenings.models import Screening
from portal.screenings.queries import active_sets_for
from tests.criteria.shipped import CRITERIA_DIR
from tests.factories import PASSWORD, Factory
from tests.screenings.helpers import CAT1_PROFILE, DURC_2024, activate

SHIPPED_GATE = "    severity: low\n    when: {criterion: x_voluntary}\n"
EDITED_GATE = "    severity: low\n    when: {all: [{criterion: x_voluntary}, {criterion: x_federal}]}\n"
VOLUNTARY_NOT_FEDERAL = {"agents.works_with_agents": "no", "durc24.voluntary_review": "yes", "funding.us_federal": "no"}
VOLUNTARY_FEDERAL = {"agents.works_with_agents": "no", "durc24.voluntary_review": "yes", "funding.us_federal": "yes"}
NOTHING = {"agents.works_with_agents": "no", "durc24.voluntary_review": "no", "funding.us_federal": "no"}


def edited_copy() -> str:
    """The shipped file with one gate changed and its version bumped, as a compliance officer would edit it."""
    text = (CRITERIA_DIR / f"{DURC_2024}.yaml").read_text(encoding="utf-8")
    assert text.count(SHIPPED_GATE) == 1 and text.count("\nversion: 2\n") == 1
    return text.replace(SHIPPED_GATE, EDITED_GATE).replace("\nversion: 2\n", "\nversion: 3\n")


@dataclass
class WhatIfWorld:
    institution: Institution
    coordinator: User
    governance: User
    changes: Proposal  # voluntary review, not federally funded: the one that changes
    federal: Proposal  # voluntary review, federally funded: unchanged
    cat1: Proposal  # refer as Category 1: unchanged
    nothing: Proposal  # out of scope: unchanged
    unscreened: Proposal  # submitted while no set applied


def submitted(factory: Factory, pi: User, title: str, profile: dict[str, Any], *, screened: bool = True) -> Proposal:
    proposal = factory.proposal(pi, title=title)
    sets = active_sets_for(pi.institution_id) if screened else []
    if screened:
        proposal_ops.record_screening_answers(proposal, demo_answers(sets, profile), actor=pi)
    else:
        proposal_ops.record_screening_answers(proposal, dict(profile), actor=pi)
    proposal_ops.submit_proposal(proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True,
                                 criteria_sets=sets)
    db.session.commit()
    return proposal


def make_whatif_world(factory: Factory) -> WhatIfWorld:
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    unscreened = submitted(factory, pi, "Fictional study submitted before any set applied", VOLUNTARY_NOT_FEDERAL,
                            screened=False)
    activate(institution, DURC_2024)
    world = WhatIfWorld(
        institution=institution,
        coordinator=factory.user(Role.COORDINATOR, institution=institution),
        governance=factory.user(Role.GOVERNANCE, institution=institution),
        changes=submitted(factory, pi, "Fictional survey asking for voluntary review", VOLUNTARY_NOT_FEDERAL),
        federal=submitted(factory, pi, "Fictional federally funded study asking for review", VOLUNTARY_FEDERAL),
        cat1=submitted(factory, pi, "Fictional study referred as Category 1", CAT1_PROFILE),
        nothing=submitted(factory, pi, "Fictional desk review out of scope", NOTHING),
        unscreened=unscreened,
    )
    stored = dict(db.session.execute(select(Screening.proposal_id, Screening.outcome_id)
                                     .where(Screening.set_id == DURC_2024)).all())
    assert stored == {world.changes.id: "voluntary_review", world.federal.id: "voluntary_review",
                      world.cat1.id: "refer_ire_cat1", world.nothing.id: "out_of_scope_pi_attested"}
    return world


def finished_whatif(owner: User) -> int:
    """A what-if the owner asked for under the shipped 2024 set, run to the end as the job runner runs it."""
    from flask import current_app

    from portal.jobs import runner
    from portal.reports.whatif_job import run_whatif
    from portal.reports.whatif_operations import request_whatif
    from portal.reports.whatif_queries import Scope, count_versions
    from portal.screenings.registry import all_sets

    scope = Scope((owner.institution_id,))
    job_id = request_whatif(all_sets()[DURC_2024], scope, total=count_versions(scope), upload=None, actor=owner).id
    db.session.commit()
    runner.run(current_app._get_current_object(), job_id, run_whatif)
    return job_id

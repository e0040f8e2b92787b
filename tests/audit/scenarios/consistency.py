"""Scenarios of the consistency checks' write path."""

from __future__ import annotations

from flask import current_app

from portal.auth.roles import Role
from portal.consistency.queries import latest_check
from portal.demo.answers import demo_answers
from portal.extensions import db
from portal.jobs import runner
from portal.proposals import operations as proposal_ops
from tests.audit.scenarios import Call, call, scenario
from tests.audit.scenarios.proposals import REFERRED, _with_sets
from tests.factories import PASSWORD, Factory


@scenario("portal.consistency.operations.request_check", "consistency.requested")
def _check_again(factory: Factory) -> Call:
    """A submitted version whose first check has run: a coordinator asks for another."""
    proposal, pi, sets = _with_sets(factory)
    proposal_ops.record_screening_answers(proposal, demo_answers(sets, REFERRED), actor=pi)
    version = proposal_ops.submit_proposal(proposal, actor=pi, password=PASSWORD, printed_name=pi.name,
                                           attested=True, criteria_sets=sets)
    db.session.commit()
    job_id = latest_check(version.id).job_id
    db.session.commit()  # ends the read: the run's own session would wait on SQLite's lock
    runner.run(current_app._get_current_object(), job_id)
    coordinator = factory.user(Role.COORDINATOR, institution=pi.institution)
    db.session.commit()
    return call(db.session.get(type(proposal), proposal.id), actor=coordinator)

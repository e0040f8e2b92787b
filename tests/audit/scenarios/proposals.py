"""Scenarios for proposals: the working copy, its team and files, submission (signed, screened) and withdrawal."""

from __future__ import annotations

from flask import current_app

from portal.auth.roles import Role
from portal.demo.answers import demo_answers
from portal.extensions import db
from portal.proposals import operations as proposal_ops
from portal.proposals.fields import TeamRole
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.queries import active_sets_for
from portal.screenings.registry import all_sets
from tests.audit.scenarios import Call, call, scenario
from tests.factories import PASSWORD, Factory
from tests.routing.test_triage import REFERRED

PROPOSALS = "portal.proposals.operations"


def _draft(factory: Factory):  # noqa: ANN202
    pi = factory.user(Role.INVESTIGATOR)
    return factory.proposal(pi), pi


@scenario(f"{PROPOSALS}.create_proposal", "proposal.created")
def _create(factory: Factory) -> Call:
    return call(title="A fictional study", actor=factory.user(Role.INVESTIGATOR))


@scenario(f"{PROPOSALS}.update_proposal", "proposal.updated")
def _update(factory: Factory) -> Call:
    proposal, pi = _draft(factory)
    return call(proposal, {"aims": "Changed aims."}, actor=pi)


@scenario(f"{PROPOSALS}.add_member", "proposal.member_added")
def _add_member(factory: Factory) -> Call:
    proposal, pi = _draft(factory)
    colleague = factory.user(Role.INVESTIGATOR, institution=pi.institution)
    return call(proposal, colleague, TeamRole.CO_INVESTIGATOR, actor=pi)


@scenario(f"{PROPOSALS}.remove_member", "proposal.member_removed")
def _remove_member(factory: Factory) -> Call:
    proposal, pi = _draft(factory)
    member = proposal_ops.add_member(proposal, factory.user(institution=pi.institution), TeamRole.CO_INVESTIGATOR,
                                     actor=pi)
    db.session.commit()
    return call(proposal, member, actor=pi)


@scenario(f"{PROPOSALS}.add_collaborator", "proposal.collaborator_added")
def _add_collaborator(factory: Factory) -> Call:
    proposal, pi = _draft(factory)
    return call(proposal, name="Dr External", affiliation="Elsewhere", role="Advisor", actor=pi)


@scenario(f"{PROPOSALS}.remove_collaborator", "proposal.collaborator_removed")
def _remove_collaborator(factory: Factory) -> Call:
    proposal, pi = _draft(factory)
    collaborator = proposal_ops.add_collaborator(proposal, name="Dr External", affiliation="Elsewhere",
                                                 role="Advisor", actor=pi)
    db.session.commit()
    return call(proposal, collaborator, actor=pi)


@scenario(f"{PROPOSALS}.add_attachment", "attachment.uploaded")
def _add_attachment(factory: Factory) -> Call:
    proposal, pi = _draft(factory)
    return call(proposal, filename="more.pdf", content=factory.pdf("More."),
                directory=current_app.config["ATTACHMENT_DIR"], actor=pi)


@scenario(f"{PROPOSALS}.remove_attachment", "attachment.removed")
def _remove_attachment(factory: Factory) -> Call:
    proposal, pi = _draft(factory)
    return call(proposal, proposal.attachments[0], actor=pi)


def _with_sets(factory: Factory):  # noqa: ANN202
    institution = factory.institution()
    for set_id in ("usg-durc-pepp-2024", "mirror-life"):
        set_criteria_set_active(institution, all_sets()[set_id], True, actor=None)
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    db.session.commit()
    return factory.proposal(pi), pi, active_sets_for(institution.id)


@scenario(f"{PROPOSALS}.record_screening_answers", "proposal.screening_answered")
def _answer(factory: Factory) -> Call:
    proposal, pi, sets = _with_sets(factory)
    return call(proposal, demo_answers(sets, REFERRED), actor=pi)


@scenario(f"{PROPOSALS}.submit_proposal", "proposal.submit")
def _submit(factory: Factory) -> Call:
    """Signed, frozen as version 1 and screened under two sets: one event says all of it."""
    proposal, pi, sets = _with_sets(factory)
    proposal_ops.record_screening_answers(proposal, demo_answers(sets, REFERRED), actor=pi)
    db.session.commit()
    return call(proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True, criteria_sets=sets)


@scenario(f"{PROPOSALS}.withdraw_proposal", "proposal.withdraw")
def _withdraw(factory: Factory) -> Call:
    proposal, pi = _draft(factory)
    return call(proposal, reason="No longer funded.", actor=pi)

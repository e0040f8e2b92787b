"""Scenarios for committees and their members, declared conflicts, and triage."""

from __future__ import annotations

from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member
from portal.extensions import db
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.registry import all_sets
from tests.audit.scenarios import Call, call, scenario
from tests.factories import Factory
from tests.routing.test_triage import REFERRED, _committee, _screened

COMMITTEES = "portal.committees.operations"
SETTINGS = {"name": "Review Entity", "kind": "ire", "quorum_count": None, "quorum_percent": 50}


def _committee_with(factory: Factory, *roles: MemberRole):  # noqa: ANN202
    institution = factory.institution()
    committee = _committee(institution, "Review Entity", "ire")
    members = [add_member(committee, factory.user(Role.REVIEWER, institution=institution), role=role, actor=None)
               for role in roles]
    db.session.commit()
    return committee, members, factory.user(Role.COORDINATOR, institution=institution)


@scenario(f"{COMMITTEES}.create_committee", "committee.created")
def _create(factory: Factory) -> Call:
    return call(institution_id=factory.institution().id, settings=SETTINGS, actor=factory.user(Role.ADMIN))


@scenario(f"{COMMITTEES}.update_committee", "committee.updated")
def _update(factory: Factory) -> Call:
    committee, _members, coordinator = _committee_with(factory)
    return call(committee, {"review_due_days": 21}, actor=coordinator)


@scenario(f"{COMMITTEES}.add_member", "committee.member_added")
def _add_member(factory: Factory) -> Call:
    committee, _members, coordinator = _committee_with(factory)
    person = factory.user(Role.REVIEWER, institution=coordinator.institution)
    return call(committee, person, role=MemberRole.MEMBER, actor=coordinator)


@scenario(f"{COMMITTEES}.remove_member", "committee.member_removed")
def _remove_member(factory: Factory) -> Call:
    committee, [member], coordinator = _committee_with(factory, MemberRole.MEMBER)
    return call(committee, member, actor=coordinator)


@scenario(f"{COMMITTEES}.set_deputy", "committee.deputy_set")
def _set_deputy(factory: Factory) -> Call:
    committee, [_chair, member], coordinator = _committee_with(factory, MemberRole.CHAIR, MemberRole.MEMBER)
    return call(committee, member, actor=coordinator)


@scenario(f"{COMMITTEES}.change_member_role", "committee.member_role_changed")
def _change_role(factory: Factory) -> Call:
    committee, [member], coordinator = _committee_with(factory, MemberRole.MEMBER)
    return call(committee, member, MemberRole.CHAIR, actor=coordinator)


def _screened_proposal(factory: Factory):  # noqa: ANN202
    institution = factory.institution()
    set_criteria_set_active(institution, all_sets()["usg-durc-pepp-2024"], True, actor=None)
    ire = _committee(institution, "Review Entity", "ire")
    coordinator = factory.user(Role.COORDINATOR, institution=institution)
    return _screened(factory, institution, REFERRED), ire, coordinator


@scenario("portal.conflicts.operations.declare_conflict", "conflict.declared")
def _declare_conflict(factory: Factory) -> Call:
    proposal, _ire, coordinator = _screened_proposal(factory)
    return call(proposal, coordinator, reason="Shares a grant with the PI.", actor=coordinator)


@scenario("portal.routing.operations.triage_proposal", "proposal.triaged")
def _triage(factory: Factory) -> Call:
    proposal, ire, coordinator = _screened_proposal(factory)
    return call(proposal, [ire], proposed=[ire], reason="", actor=coordinator)


@scenario("portal.routing.operations.confirm_out_of_scope", "proposal.confirm_out_of_scope")
def _out_of_scope(factory: Factory) -> Call:
    proposal, _ire, coordinator = _screened_proposal(factory)
    return call(proposal, reason="Desk review only: no agent is handled.", actor=coordinator)

"""Assigning reviewers and withdrawing assignments. Each write is audited; the caller commits."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.audit.operations import record
from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.models import Committee
from portal.conflicts.queries import reasons_for
from portal.errors import PortalError
from portal.extensions import db
from portal.proposals.models import Proposal
from portal.reviews.models import ACTIVE, WITHDRAWN, Assignment
from portal.routing.models import ProposalCommittee


class AssignmentError(PortalError):
    """An assignment was refused; the message is for the user."""


def default_due_on(committee: Committee) -> date:
    return utcnow().date() + timedelta(days=committee.review_due_days)


def assign_reviewer(
    proposal: Proposal, committee: Committee, member_user: User, *, due_on: date | None, actor: User
) -> Assignment:
    """Ask a member of a committee the proposal was routed to to review its latest version."""
    today = utcnow().date()
    name = member_user.name
    routed = db.session.scalar(
        select(ProposalCommittee.id).where(
            ProposalCommittee.proposal_id == proposal.id, ProposalCommittee.committee_id == committee.id
        )
    )
    if routed is None:
        raise AssignmentError(f"This proposal was not sent to {committee.name}.")
    reasons = reasons_for(member_user, proposal)
    if reasons:
        raise AssignmentError(f"{name} cannot review: {'; '.join(reasons)}.")
    member = next((m for m in committee.members if m.user_id == member_user.id), None)
    if member is None:
        raise AssignmentError(f"{name} is not a member of {committee.name}.")
    if not member_user.is_active:
        raise AssignmentError(f"{name}'s account is not active.")
    if not member.active_on(today):
        raise AssignmentError(f"{name}'s access as an external expert ended on {member.access_until.isoformat()}.")
    if not proposal.versions:
        raise AssignmentError("The proposal has no submitted version to review.")
    version = proposal.versions[-1]
    existing = db.session.scalar(
        select(Assignment).where(
            Assignment.proposal_id == proposal.id,
            Assignment.committee_id == committee.id,
            Assignment.reviewer_id == member_user.id,
            Assignment.version_id == version.id,
        )
    )
    if existing is not None:
        was = "is already assigned to" if existing.state == ACTIVE else "was withdrawn from"
        raise AssignmentError(f"{name} {was} version {version.number} for {committee.name}.")
    due_on = due_on or default_due_on(committee)
    if due_on < today:
        raise AssignmentError("The due date cannot be in the past.")
    assignment = Assignment(
        proposal_id=proposal.id,
        committee_id=committee.id,
        reviewer_id=member_user.id,
        version_id=version.id,
        assigned_by_id=actor.id,
        due_on=due_on,
        state=ACTIVE,
    )
    db.session.add(assignment)
    db.session.flush()
    # Targeted at the assignment, not the proposal: in closed review investigators must not learn who reviews.
    record(
        "assignment.created",
        actor=actor,
        target=assignment,
        data={
            "proposal_id": proposal.id,
            "reviewer_id": member_user.id,
            "committee_id": committee.id,
            "version": version.number,
            "due_on": due_on.isoformat(),
        },
    )
    return assignment


def withdraw_assignment(assignment: Assignment, *, reason: str, actor: User) -> None:
    reason = " ".join(reason.split())
    if not reason:
        raise AssignmentError("Say why the assignment is withdrawn.")
    if assignment.state != ACTIVE:
        raise AssignmentError("This assignment was already withdrawn.")
    assignment.state = WITHDRAWN
    assignment.withdrawn_reason = reason[:2000]
    record(
        "assignment.withdrawn",
        actor=actor,
        target=assignment,
        data={"proposal_id": assignment.proposal_id, "reviewer_id": assignment.reviewer_id, "reason": reason[:2000]},
    )

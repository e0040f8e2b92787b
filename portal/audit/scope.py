"""Which proposal and which institution an audit event is about, as SQL expressions over audit_events.

The log is one chain for the whole portal, but its readers are institution admins: each may see only the events
about their own institution's objects, and none about a proposal they are conflicted with. An event names its
target (a table and an id) and often the proposal in its data; from these the proposal and the institution are
found in the same statement that reads the page. An event that belongs to no institution (a backup of the whole
database, a failed sign-in for an unknown address) is shown to nobody here: `flask audit verify` covers it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, case, cast, func, select
from sqlalchemy.dialects.postgresql import JSONB

from portal.audit.models import AuditEvent
from portal.auth.models import Invitation, User
from portal.committees.models import Committee
from portal.consistency.models import ConsistencyCheck
from portal.decisions.models import Appeal, Condition, Decision, RegulatoryClock
from portal.institutions.models import Department
from portal.jobs.models import Job
from portal.meetings.models import AgendaItem, Meeting
from portal.proposals.models import Attachment, Proposal, ProposalVersion
from portal.reviews.models import Assignment, Review
from portal.revisions.models import RevisionRequest

# Targets that belong to one proposal, by the column that names it.
_PROPOSAL_OF = {
    model.__tablename__: model
    for model in (Attachment, ProposalVersion, Decision, Condition, RegulatoryClock, Assignment, Review,
                  RevisionRequest, ConsistencyCheck)
}


def _target_id() -> ColumnElement[int]:
    # Only ever evaluated inside a CASE branch whose target type has integer ids.
    return cast(AuditEvent.target_id, Integer)


def data_int(key: str, dialect: str) -> ColumnElement[int]:
    """An integer from the event's canonical JSON data, NULL when it has none."""
    if dialect == "postgresql":
        return cast(cast(AuditEvent.data, JSONB).op("->>")(key), Integer)
    return cast(func.json_extract(AuditEvent.data, f"$.{key}"), Integer)


def proposal_id_of_event(dialect: str) -> ColumnElement[int]:
    """The proposal an event is about: its target, the proposal its target belongs to, or the one its data names."""
    target = _target_id()
    named = data_int("proposal_id", dialect)
    branches = [(AuditEvent.target_type == "proposals", target)]
    branches += [
        (AuditEvent.target_type == table, select(model.proposal_id).where(model.id == target).scalar_subquery())
        for table, model in _PROPOSAL_OF.items()
    ]
    appealed = select(Decision.proposal_id).join(Appeal, Appeal.decision_id == Decision.id).where(Appeal.id == target)
    item = select(AgendaItem.proposal_id).where(AgendaItem.id == data_int("item_id", dialect))
    branches += [
        (AuditEvent.target_type == "appeals", appealed.scalar_subquery()),
        # A vote, a recusal or notes name the agenda item; the item names the proposal.
        (AuditEvent.target_type == "meetings", func.coalesce(named, item.scalar_subquery())),
    ]
    return case(*branches, else_=named)


def institution_id_of_target() -> ColumnElement[int]:
    """The institution of an event's target when the target is not (about) a proposal."""
    target = _target_id()
    meeting = select(Committee.institution_id).join(Meeting, Meeting.committee_id == Committee.id)
    job = select(User.institution_id).join(Job, Job.owner_id == User.id)
    actor = select(User.institution_id).where(User.id == AuditEvent.actor_id)
    return case(
        (AuditEvent.target_type == "institutions", target),
        (AuditEvent.target_type == "users", select(User.institution_id).where(User.id == target).scalar_subquery()),
        (AuditEvent.target_type == "committees",
         select(Committee.institution_id).where(Committee.id == target).scalar_subquery()),
        (AuditEvent.target_type == "departments",
         select(Department.institution_id).where(Department.id == target).scalar_subquery()),
        (AuditEvent.target_type == "invitations",
         select(Invitation.institution_id).where(Invitation.id == target).scalar_subquery()),
        (AuditEvent.target_type == "meetings", meeting.where(Meeting.id == target).scalar_subquery()),
        (AuditEvent.target_type == "jobs", job.where(Job.id == target).scalar_subquery()),
        # No target (a refused signature): the actor's own institution.
        (AuditEvent.target_type.is_(None), actor.scalar_subquery()),
        else_=None,
    )


def proposal_join_condition(dialect: str) -> ColumnElement[bool]:
    return Proposal.id == proposal_id_of_event(dialect)


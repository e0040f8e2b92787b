"""Imports every model so that SQLAlchemy's metadata (and Alembic) sees every table."""

from portal.audit.models import AuditEvent
from portal.auth.models import Invitation, PasswordReset, RecoveryCode, User, UserRole
from portal.auth.token_models import ApiToken
from portal.committees.models import Committee, CommitteeMember
from portal.conflicts.models import ConflictDeclaration
from portal.consistency.models import ConsistencyCheck, PossibleInconsistency
from portal.decisions.models import Appeal, Condition, Decision, DecisionSignature, RegulatoryClock
from portal.institutions.models import Department, Institution
from portal.jobs.models import Job
from portal.meetings.models import AgendaItem, Attendance, Meeting, Recusal, Vote
from portal.notifications.models import Notification, Reminder
from portal.proposals.models import (
    Attachment,
    ExternalCollaborator,
    Proposal,
    ProposalMember,
    ProposalVersion,
)
from portal.reports.models import GovernanceScope
from portal.reviews.models import Assignment, Review
from portal.revisions.models import RevisionItem, RevisionRequest
from portal.routing.models import ProposalCommittee
from portal.signatures.models import Signature

__all__ = [
    "ApiToken",
    "Notification", "Reminder",
    "Job",
    "ConsistencyCheck", "PossibleInconsistency",
    "GovernanceScope",
    "Appeal", "Condition", "Decision", "DecisionSignature", "RegulatoryClock",
    "AgendaItem", "Attendance", "Meeting", "Recusal", "Vote",
    "Assignment",
    "Review",
    "RevisionItem",
    "RevisionRequest",
    "Committee", "CommitteeMember", "ConflictDeclaration", "ProposalCommittee",
    "Attachment",
    "AuditEvent",
    "Department",
    "ExternalCollaborator",
    "Institution",
    "Invitation",
    "PasswordReset",
    "RecoveryCode",
    "Proposal",
    "ProposalMember",
    "ProposalVersion",
    "Signature",
    "User",
    "UserRole",
]

"""The decision register (final decisions a governance user or coordinator may have the records of) and the bulk
export job: the selected records signed, rendered two at a time off the request, and packed into one ZIP."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from portal.audit.operations import record
from portal.auth.models import User
from portal.auth.roles import Role
from portal.conflicts.queries import not_conflicted_clause
from portal.decisions.models import FINAL, Decision
from portal.decisions.permissions import can_read_record
from portal.decisions.record import build_record, record_id
from portal.decisions.rules import OUTCOME_LABELS
from portal.errors import PortalError
from portal.extensions import db
from portal.institutions.models import Institution
from portal.jobs.models import Job
from portal.proposals.models import Proposal, ProposalMember
from portal.records import service
from portal.records.files import DiskFullError, FileWriteError
from portal.reports.permissions import is_cross_institution

REGISTER_ROLES = (Role.GOVERNANCE, Role.COORDINATOR, Role.CHAIR)
EXPORT_LIMIT = 500
DISK_FULL = ("The export could not be saved: the server is out of disk space. Nothing was kept; try again later, "
             "and tell your administrator if it happens again.")
NOT_SAVED = "The export could not be saved on the server. Nothing was kept; try again later."


class ExportNotSaved(PortalError):
    """The records were rendered but the ZIP could not be written; nothing is left on disk."""


@dataclass(frozen=True)
class RegisterRow:
    decision_id: int
    record_id: str
    title: str
    outcome: str
    kind: str
    finalized_at: datetime
    superseded: bool


def can_open_register(user: User | None) -> bool:
    """Not for a cross-institution governance user: they read aggregates only (portal.reports)."""
    return bool(user and getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*REGISTER_ROLES)
                and not is_cross_institution(user))


def register(user: User) -> list[RegisterRow]:
    """Final decisions of the user's institution, newest first, leaving out proposals the user is conflicted with
    or is on the team of (the same rule as permissions.can_read_record for these roles). One statement."""
    later = aliased(Decision)
    on_team = Proposal.id.in_(select(ProposalMember.proposal_id).where(ProposalMember.user_id == user.id))
    rows = db.session.execute(
        select(Decision.id, Institution.short_name, Proposal.title, Decision.outcome, Decision.kind,
               Decision.finalized_at, exists().where(later.supersedes_id == Decision.id))
        .join(Proposal, Proposal.id == Decision.proposal_id)
        .join(Institution, Institution.id == Proposal.institution_id)
        .where(Decision.state == FINAL, Proposal.institution_id == user.institution_id, not_conflicted_clause(user),
               Proposal.pi_id != user.id, ~on_team)
        .order_by(Decision.finalized_at.desc(), Decision.id.desc())
    )
    return [RegisterRow(i, f"{short}-D-{i:06d}", title, OUTCOME_LABELS[outcome], kind, at, bool(superseded))
            for i, short, title, outcome, kind, at, superseded in rows]


def export_records(job: Job, progress: Callable[[int, str], None]) -> tuple[str, str]:
    """The job's work. Who may have each record is checked again now: a conflict declared since the export was
    asked for takes that record out."""
    job_id, owner = job.id, db.session.get(User, job.owner_id)
    chosen = [db.session.get(Decision, i) for i in job.parameters()["decision_ids"]]
    readable = [d for d in chosen if d is not None and can_read_record(owner, d)]
    institution = db.session.get(Institution, owner.institution_id)
    items = [(record_id(d, institution), build_record(d)) for d in readable]
    # End the reading transaction before the long render, and touch no loaded object until it is over: progress
    # ticks write through sessions of their own, and on SQLite an open transaction here holds the lock they need.
    db.session.commit()
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        path = service.export_zip(
            items,
            folder / f"job-{job_id}-{secrets.token_hex(8)}.zip",  # not guessable, and never shown
            progress=lambda p: progress(p.done, f"{p.done} of {p.total} records signed and rendered."),
        )
    except FileWriteError as problem:  # its message names the file on the server: say what it means instead
        raise ExportNotSaved(DISK_FULL if isinstance(problem, DiskFullError) else NOT_SAVED) from problem
    left_out = len(chosen) - len(readable)
    record("records.exported", actor=owner, target=("jobs", job_id),
           data={"records": [record_id for record_id, _ in items], "left_out": left_out})
    note = f" {left_out} could no longer be exported for you and were left out." if left_out else ""
    return str(path), f"{len(items)} decision records exported.{note}"

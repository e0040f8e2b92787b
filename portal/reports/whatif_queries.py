"""Read paths of the what-if: the scope of past submitted versions (in batches, columns only, each with the outcome
its stored screening under the set id gave), and which of the changed versions a person may see listed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from portal.auth.models import User
from portal.extensions import db
from portal.institutions.models import Institution
from portal.jobs.models import Job
from portal.proposals.models import Proposal, ProposalVersion
from portal.proposals.queries import visible_proposals_clause
from portal.reports.whatif import Prior
from portal.reports.whatif_permissions import WHATIF_KIND
from portal.screenings.models import Screening

BATCH = 1000


@dataclass(frozen=True)
class Scope:
    """Past submitted versions of these institutions (None: every institution, for the CLI), submitted on or after
    `since` when given."""

    institution_ids: tuple[int, ...] | None
    since: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"institution_ids": None if self.institution_ids is None else list(self.institution_ids),
                "since": self.since.isoformat() if self.since else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scope:
        ids = data.get("institution_ids")
        since = data.get("since")
        return cls(None if ids is None else tuple(ids), date.fromisoformat(since) if since else None)


def _in_scope(scope: Scope) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if scope.institution_ids is not None:
        clauses.append(Proposal.institution_id.in_(scope.institution_ids))
    if scope.since is not None:
        clauses.append(ProposalVersion.created_at >= datetime.combine(scope.since, datetime.min.time()))
    return clauses


def count_versions(scope: Scope) -> int:
    return db.session.scalar(
        select(func.count(ProposalVersion.id)).join(Proposal, Proposal.id == ProposalVersion.proposal_id)
        .where(*_in_scope(scope))
    ) or 0


def prior_batches(scope: Scope, set_id: str, batch: int = BATCH, *, end_reads: bool = True) -> Iterator[list[Prior]]:
    """The scope in id order, `batch` versions per statement. Each batch ends its read transaction (unless the
    caller's unit of work is still open, as the demo seed's is), so a long re-screening holds no lock that the
    job's progress ticks (written through sessions of their own) wait for."""
    after = 0
    stored = and_(Screening.version_id == ProposalVersion.id, Screening.set_id == set_id)
    while True:
        rows = db.session.execute(
            select(ProposalVersion.id, ProposalVersion.proposal_id, ProposalVersion.snapshot, Screening.outcome_id)
            .join(Proposal, Proposal.id == ProposalVersion.proposal_id)
            .outerjoin(Screening, stored)
            .where(ProposalVersion.id > after, *_in_scope(scope))
            .order_by(ProposalVersion.id)
            .limit(batch)
        ).all()
        if end_reads:
            db.session.commit()
        if not rows:
            return
        yield [Prior(*row) for row in rows]
        after = rows[-1][0]


@dataclass(frozen=True)
class ListedChange:
    proposal_id: int
    title: str
    version_number: int
    before: str | None
    after: str


def listed_changes(user: User, scope: Scope, changes: list[dict[str, Any]]) -> list[ListedChange]:
    """The changed versions `user` may see (the proposals' own access rule, in SQL), in proposal order. One
    statement whatever the number of changes: the visible versions of the scope are read and matched here."""
    if not changes:
        return []
    visible = {
        version_id: (proposal_id, title, number)
        for version_id, proposal_id, title, number in db.session.execute(
            select(ProposalVersion.id, Proposal.id, Proposal.title, ProposalVersion.number)
            .join(Proposal, Proposal.id == ProposalVersion.proposal_id)
            .where(visible_proposals_clause(user), *_in_scope(scope))
        )
    }
    listed = [ListedChange(*visible[c["version_id"]], c["from"], c["to"])
              for c in changes if c["version_id"] in visible]
    return sorted(listed, key=lambda c: (c.proposal_id, c.version_number))


def institution_names(ids: tuple[int, ...]) -> list[str]:
    return list(db.session.scalars(select(Institution.name).where(Institution.id.in_(ids)).order_by(Institution.name)))


def my_whatifs(user: User, limit: int = 20) -> list[tuple[int, str, datetime, dict[str, Any]]]:
    """The person's own what-ifs, newest first: (job id, state, asked at, the set they named). One statement."""
    rows = db.session.execute(select(Job.id, Job.state, Job.created_at, Job.params)
                              .where(Job.owner_id == user.id, Job.kind == WHATIF_KIND)
                              .order_by(Job.id.desc()).limit(limit))
    return [(job_id, state, at, _named(params)) for job_id, state, at, params in rows]


def _named(params: str) -> dict[str, Any]:
    data = json.loads(params)
    return {key: data.get(key) for key in ("set_id", "set_version", "filename")}

"""The auditor's page of events: filtered, newest first, a keyset page at a time, in one statement.

Only events of the viewer's own institution are read, and none about a proposal the viewer is conflicted with
(portal.audit.scope; portal.conflicts.queries.not_conflicted_clause).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, or_, select

from portal.audit.anchors import anchor_folder, read_anchors
from portal.audit.models import AuditEvent
from portal.audit.scope import institution_id_of_target, proposal_join_condition
from portal.audit.verify import ChainStatus, verify_chain
from portal.auth.models import User
from portal.conflicts.queries import not_conflicted_clause
from portal.errors import PortalError
from portal.extensions import db
from portal.proposals.models import Proposal

PAGE_SIZE = 50


@dataclass(frozen=True)
class EventFilter:
    action: str = ""  # a prefix: "proposal." or "decision.signed"
    actor: str = ""  # part of the actor's name as recorded, or "system"
    target_type: str = ""
    target_id: str = ""
    since: date | None = None
    until: date | None = None  # inclusive

    @property
    def active(self) -> bool:
        return any((self.action, self.actor, self.target_type, self.target_id, self.since, self.until))


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    older_than: int | None  # the `before` of the next page, None on the last


def visible_events(viewer: User) -> Select:
    """Events of the viewer's institution, without those about a proposal the viewer is conflicted with."""
    dialect = db.session.get_bind().dialect.name
    institution = func.coalesce(Proposal.institution_id, institution_id_of_target())
    return (
        select(AuditEvent)
        .outerjoin(Proposal, proposal_join_condition(dialect))
        .where(institution == viewer.institution_id, or_(Proposal.id.is_(None), not_conflicted_clause(viewer)))
    )


def _filtered(query: Select, wanted: EventFilter) -> Select:
    if wanted.action:
        query = query.where(AuditEvent.action.startswith(wanted.action, autoescape=True))
    if wanted.actor == "system":
        query = query.where(AuditEvent.actor_id.is_(None))
    elif wanted.actor:
        query = query.where(func.lower(AuditEvent.actor_name).contains(wanted.actor.lower(), autoescape=True))
    if wanted.target_type:
        query = query.where(AuditEvent.target_type == wanted.target_type)
    if wanted.target_id:
        query = query.where(AuditEvent.target_id == wanted.target_id)
    # `at` is canonical UTC text (2026-11-30T17:21:50.000000Z): dates compare as its prefix.
    if wanted.since:
        query = query.where(AuditEvent.at >= wanted.since.isoformat())
    if wanted.until:
        query = query.where(AuditEvent.at < (wanted.until + timedelta(days=1)).isoformat())
    return query


def event_page(viewer: User, wanted: EventFilter, before: int | None = None) -> EventPage:
    query = _filtered(visible_events(viewer), wanted)
    if before is not None:
        query = query.where(AuditEvent.seq < before)
    rows = list(db.session.scalars(query.order_by(AuditEvent.seq.desc()).limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return EventPage(rows, rows[-1].seq if more else None)


def chain_status() -> tuple[ChainStatus, str | None]:
    """The whole chain walked and checked against its anchors, as the /audit page's status line says it; when the
    anchors cannot be read (no public key), the chain alone, and why."""
    try:
        return verify_chain(read_anchors(anchor_folder())), None
    except PortalError as problem:
        return verify_chain(), f"The anchors could not be checked: {problem}"

"""Decisions, their signed records and their clocks over the API. Each operation loads with the pages' predicates
(decisions.permissions; their SQL form in decisions.queries for the lists) and shows what the decision page shows."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, lazyload

from portal.api.decision_schemas import (
    AppealInfo,
    ClockInfo,
    ClockList,
    ClockListQuery,
    CommitteeRef,
    ConditionInfo,
    DecisionDetail,
    DecisionList,
    DecisionListQuery,
    DecisionSignatureInfo,
    DecisionSummary,
    Determination,
    Judgment,
)
from portal.api.problems import ApiProblem
from portal.api.spec import Document, operation
from portal.audit.denials import load_or_deny
from portal.auth.api_tokens import Scope
from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.models import Committee
from portal.decisions import permissions as can
from portal.decisions.models import Appeal, Decision, RegulatoryClock
from portal.decisions.queries import clock_status_clause, clocks_for, visible_decisions_clause
from portal.decisions.record import build_record
from portal.decisions.rules import OUTCOME_LABELS
from portal.extensions import db
from portal.proposals.models import Proposal, ProposalVersion
from portal.records import service
from portal.records.render import envelope_json
from portal.records.shape import SCHEMA_PATH
from portal.records.signing import ENVELOPE_KEYS

TAG = "Decisions"
_later = aliased(Decision)
SORTS = {"created_at": Decision.created_at.asc(), "-created_at": Decision.created_at.desc(),
         "id": Decision.id.asc(), "-id": Decision.id.desc()}
CLOCK_SORTS = {"due_on": RegulatoryClock.due_on.asc(), "-due_on": RegulatoryClock.due_on.desc(),
               "id": RegulatoryClock.id.asc(), "-id": RegulatoryClock.id.desc()}


def _record_document() -> Document:
    """The signed envelope embedded in the PDF/A as record.json; its `record` is the record.schema.json the portal
    publishes (its `$id` kept, so its `#/$defs/...` references resolve inside it; `$schema` dropped, as OpenAPI
    3.1 sets the dialect)."""
    record = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    record.pop("$schema", None)
    return Document(name="DecisionRecord", schema={
        "title": "Signed decision record",
        "description": "Exactly the record.json embedded in the decision's PDF/A: the record, its fingerprint and "
                       "the institution's Ed25519 signature over it. Verify it with the portal's public key.",
        "type": "object",
        "required": list(ENVELOPE_KEYS),
        "additionalProperties": False,
        "properties": {
            "record": record,
            "fingerprint": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$",
                            "description": "sha256: and the SHA-256 of the record's canonical JSON."},
            "signature": {"type": "string", "description": "Base64 of the Ed25519 signature over the fingerprint."},
            "key_id": {"type": "string", "description": "Which public key verifies the signature."},
            "algorithm": {"const": "Ed25519"},
        },
    })


DECISION_RECORD = _record_document()


def _listed(where: list[Any]) -> Select:
    """Decisions with what a summary names, in one statement: proposal, version, committee, what superseded it."""
    return (
        select(Decision, Proposal.title, ProposalVersion.number, Committee.name, _later.id)
        .join(Proposal, Proposal.id == Decision.proposal_id)
        .join(ProposalVersion, ProposalVersion.id == Decision.version_id)
        .outerjoin(Committee, Committee.id == Decision.committee_id)
        .outerjoin(_later, _later.supersedes_id == Decision.id)
        .where(*where)
    )


def _summary(decision: Decision, title: str, number: int, committee: str | None, later: int | None) -> dict:
    return {
        "id": decision.id, "proposal_id": decision.proposal_id, "proposal_title": title, "version_number": number,
        "committee": CommitteeRef(id=decision.committee_id, name=committee) if decision.committee_id else None,
        "kind": decision.kind, "outcome": decision.outcome, "outcome_label": OUTCOME_LABELS[decision.outcome],
        "state": decision.state, "required_signatures": decision.required_signatures,
        "created_at": decision.created_at, "finalized_at": decision.finalized_at,
        "supersedes_id": decision.supersedes_id, "superseded_by_id": later,
    }


@operation("/decisions", summary="List the decisions you can see", tag=TAG, scope=Scope.DECISIONS_READ,
           response=DecisionList, query=DecisionListQuery)
def list_decisions(user: User, *, query: DecisionListQuery) -> DecisionList:
    """The decisions whose page you may open (whoever may see the proposal, and the institution's governance users;
    never someone conflicted with it), filtered and sorted, one page at a time."""
    where = [visible_decisions_clause(user)]
    if query.outcome is not None:
        where.append(Decision.outcome == query.outcome)
    if query.kind is not None:
        where.append(Decision.kind == query.kind)
    if query.state is not None:
        where.append(Decision.state == query.state)
    if query.proposal_id is not None:
        where.append(Decision.proposal_id == query.proposal_id)
    if query.decided_since is not None:
        where.append(Decision.finalized_at >= query.decided_since)
    counted = select(func.count()).select_from(Decision).join(Proposal, Proposal.id == Decision.proposal_id)
    total = db.session.scalar(counted.where(*where)) or 0
    page = (_listed(where).options(lazyload(Decision.signatures), lazyload(Decision.conditions))
            .order_by(SORTS[query.sort], Decision.id.asc()).offset(query.offset).limit(query.per_page))
    rows = db.session.execute(page)
    return DecisionList(items=[DecisionSummary(**_summary(*row)) for row in rows], page=query.info(total))


def _clock(clock: RegulatoryClock, today: Any) -> ClockInfo:
    return ClockInfo(id=clock.id, proposal_id=clock.proposal_id, decision_id=clock.decision_id, set_id=clock.set_id,
                     kind=clock.kind, title=clock.title, owner=clock.owner, due_on=clock.due_on,
                     status=clock.status_on(today), repeats_every_days=clock.repeat_days,
                     completed_at=clock.completed_at)


def _detail(decision: Decision, user: User) -> DecisionDetail:
    today = utcnow().date()
    [row] = db.session.execute(_listed([Decision.id == decision.id])).all()
    appeals = db.session.scalars(select(Appeal).where(Appeal.decision_id == decision.id).order_by(Appeal.id))
    return DecisionDetail(
        **_summary(*row),
        rationale=decision.rationale,
        determinations=[Determination(**d) for d in decision.determination_list()],
        judgments=[Judgment(**j) for j in decision.judgment_list()],
        content_sha256=decision.content_sha256,
        signatures=[DecisionSignatureInfo(signer_id=s.signer_id, printed_name=s.signature.printed_name,
                                          meaning=s.signature.meaning, signed_at=s.signature.signed_at)
                    for s in decision.signatures],
        conditions=[ConditionInfo(id=c.id, position=c.position, description=c.description, owner=c.owner,
                                  due_on=c.due_on, stored_status=c.status, status=c.status_on(today),
                                  evidence=c.evidence, review_note=c.review_note) for c in decision.conditions],
        clocks=[_clock(c, today) for c in clocks_for(decision.proposal_id) if c.decision_id == decision.id],
        appeals=[AppealInfo(id=a.id, level=a.level, appellant_name=a.appellant.name, grounds=a.grounds,
                            filed_on=a.filed_on, outcome=a.outcome, reviewer=a.reviewer, outcome_note=a.outcome_note,
                            decided_on=a.decided_on, new_decision_id=a.new_decision_id) for a in appeals],
        record_available=can.can_read_record(user, decision),
    )


@operation("/decisions/<int:decision_id>", summary="Read a decision", tag=TAG, scope=Scope.DECISIONS_READ,
           response=DecisionDetail)
def get_decision(user: User, decision_id: int) -> DecisionDetail:
    """What the decision page shows: determinations, judgments, rationale, signatures, the conditions of the risk
    mitigation plan, the clocks it started, appeals, and what it supersedes or was superseded by."""
    return _detail(load_or_deny(Decision, decision_id, can.can_view_decision, user), user)


@operation("/decisions/<int:decision_id>/record.json", summary="Read a decision's signed record", tag=TAG,
           scope=Scope.DECISIONS_READ, response=DECISION_RECORD)
def get_decision_record(user: User, decision_id: int) -> bytes:
    """The verifiable record of a final decision: byte for byte the record.json its PDF/A embeds. For the
    committee, coordinators and governance, as on the pages (403 for the proposal's team, who read the decision;
    404 while the decision awaits signatures: there is no record yet)."""
    decision = load_or_deny(Decision, decision_id, can.can_view_decision, user)
    if not can.can_read_record(user, decision):
        if decision.final:
            raise ApiProblem(403, "The signed record is for the committee, coordinators and governance; read the "
                                  f"decision itself at /api/v1/decisions/{decision.id}.")
        raise ApiProblem(404, "This decision is not final yet: it has no record until it is signed.")
    return envelope_json(service.sign(build_record(decision)))


@operation("/clocks", summary="List the regulatory clocks you can see", tag="Clocks", scope=Scope.DECISIONS_READ,
           response=ClockList, query=ClockListQuery)
def list_clocks(user: User, *, query: ClockListQuery) -> ClockList:
    """The deadlines started by the decisions you may read (as each decision page lists them), with their status
    today: open, due soon (within 14 days), overdue, done, or superseded by a later decision."""
    today = utcnow().date()
    where = [visible_decisions_clause(user)]
    if query.state is not None:
        where.append(clock_status_clause(query.state, today))
    if query.proposal_id is not None:
        where.append(RegulatoryClock.proposal_id == query.proposal_id)
    base = select(RegulatoryClock).join(Proposal, Proposal.id == RegulatoryClock.proposal_id).where(*where)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(base.order_by(CLOCK_SORTS[query.sort], RegulatoryClock.id.asc())
                              .offset(query.offset).limit(query.per_page))
    return ClockList(items=[_clock(c, today) for c in rows], page=query.info(total))

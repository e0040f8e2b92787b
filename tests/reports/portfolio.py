"""A portfolio of decided and undecided proposals, inserted with Core in a few statements, for the report's
tests and bench/report.py. Aggregates only care about the rows; the proposals' own workflow is tested elsewhere.

Each Case names its institution, when it was submitted, how each version screened, its decisions (the first, and
an optional correction that supersedes it), the clocks and the conditions those started. Titles are fictional.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from portal.clock import utcnow
from portal.committees.models import Committee
from portal.decisions.models import Condition, Decision, RegulatoryClock
from portal.extensions import db
from portal.proposals.models import Proposal, ProposalVersion
from portal.routing.models import ProposalCommittee
from portal.screenings.models import Screening
from portal.signatures.models import Signature

SET = "usg-durc-pepp-2024"
SET_TITLE = "US policy for oversight of DURC and PEPP (2024)"
OUTCOME_TITLES = {
    "refer_ire_cat1": "Refer as possible Category 1 research",
    "refer_ire_cat2": "Refer as possible Category 2 research",
    "out_of_scope_pi_attested": "Out of scope, as attested",
    "coordinator_check": "The coordinator checks the screening",
}
_committees = itertools.count(1)
DETERMINATIONS = {"not_in_scope": ("Not in scope", False), "category_1": ("Category 1 research", True),
                  "category_2": ("Category 2 research", True)}


@dataclass(frozen=True)
class Ruling:
    outcome: str  # a decision outcome
    determination: str  # under SET
    after_days: int  # from the first submission to becoming final
    kind: str = "committee"


@dataclass(frozen=True)
class Case:
    institution_id: int
    title: str
    submitted_days_ago: int
    screens: tuple[tuple[str, str], ...]  # per version: (outcome id, severity) under SET
    ruling: Ruling | None = None
    correction: Ruling | None = None  # supersedes the first ruling
    clocks: tuple[tuple[str, int, str], ...] = ()  # (kind, due in days from today, "open"|"done"|"superseded")
    conditions: tuple[tuple[str, int, str], ...] = ()  # (owner, due in days from today, status)
    committee: bool = True  # decided by the institution's committee (else administratively)


@dataclass
class Built:
    proposal_ids: list[int] = field(default_factory=list)
    committee_ids: dict[int, int] = field(default_factory=dict)  # institution -> its committee


def _determinations(case: Case, ruling: Ruling) -> str:
    title, dual_use = DETERMINATIONS[ruling.determination]
    outcome_id = case.screens[-1][0]
    return json.dumps([{"set_id": SET, "set_title": SET_TITLE, "set_version": 1, "set_digest": "0" * 64,
                        "determination_id": ruling.determination, "title": title, "dual_use": dual_use,
                        "rationale": "A fictional rationale.", "provisional_outcome_id": outcome_id,
                        "provisional_outcome_title": OUTCOME_TITLES[outcome_id]}])


def build_portfolio(cases: list[Case], *, pi_id: int, coordinator_id: int) -> Built:
    """Insert the cases; one committee per institution. Returns the proposal ids in case order."""
    now = utcnow().replace(microsecond=0)
    today = now.date()
    built = Built()
    for institution_id in sorted({c.institution_id for c in cases}):
        built.committee_ids[institution_id] = db.session.execute(
            insert(Committee).values(institution_id=institution_id, kind="ire", quorum_count=1,
                                     name=f"Review entity {institution_id}.{next(_committees)}")
            .returning(Committee.id)).scalar_one()
    signature_id = db.session.execute(insert(Signature).values(
        signer_id=pi_id, printed_name="A. Fictional", meaning="Submitted", content_sha256="0" * 64,
    ).returning(Signature.id)).scalar_one()
    submitted = [now - timedelta(days=c.submitted_days_ago) for c in cases]
    returning_ids = insert(Proposal).returning(Proposal.id, sort_by_parameter_order=True)
    built.proposal_ids = list(db.session.scalars(returning_ids, [
        {"institution_id": c.institution_id, "pi_id": pi_id, "created_by_id": pi_id,
         "title": c.title, "state": "active" if c.ruling else "in_review", "version_count": len(c.screens),
         "submitted_at": submitted[n], "created_at": submitted[n]} for n, c in enumerate(cases)]))
    _versions_and_screenings(cases, built, submitted, signature_id, pi_id)
    _decisions(cases, built, submitted, coordinator_id, today)
    return built


def _versions_and_screenings(cases: list[Case], built: Built, submitted: list[datetime], signature_id: int,
                             pi_id: int) -> None:
    version_rows, screens = [], []
    for n, case in enumerate(cases):
        for number, (outcome_id, severity) in enumerate(case.screens, start=1):
            at = submitted[n] + timedelta(days=number - 1)
            version_rows.append({"proposal_id": built.proposal_ids[n], "number": number,
                                 "step": "submit" if number == 1 else "resubmit", "snapshot": "{}",
                                 "content_sha256": "0" * 64, "signature_id": signature_id, "created_by_id": pi_id,
                                 "created_at": at})
            screens.append((n, outcome_id, severity))
    version_ids = list(db.session.scalars(
        insert(ProposalVersion).returning(ProposalVersion.id, sort_by_parameter_order=True), version_rows))
    screening_rows, latest = [], {}
    for version_id, row, (n, outcome_id, severity) in zip(version_ids, version_rows, screens, strict=True):
        latest[n] = version_id
        screening_rows.append({"proposal_id": row["proposal_id"], "version_id": version_id, "set_id": SET,
                               "set_version": 1, "set_digest": "0" * 64, "engine_version": "1",
                               "outcome_id": outcome_id, "severity": severity, "via_unsure": False, "score": 0,
                               "result": "{}", "created_at": row["created_at"]})
    db.session.execute(insert(Screening), screening_rows)
    route_rows = [{"proposal_id": built.proposal_ids[n], "committee_id": built.committee_ids[case.institution_id],
                   "version_id": latest[n], "proposed": True, "assigned_by_id": pi_id}
                  for n, case in enumerate(cases) if case.committee]
    if route_rows:
        db.session.execute(insert(ProposalCommittee), route_rows)


def _decision_row(case: Case, ruling: Ruling, proposal_id: int, version_id: int, committee_id: int | None,
                  submitted: datetime, creator_id: int, supersedes_id: int | None) -> dict:
    at = submitted + timedelta(days=ruling.after_days)
    return {"proposal_id": proposal_id, "version_id": version_id, "committee_id": committee_id, "kind": ruling.kind,
            "outcome": ruling.outcome, "rationale": "A fictional rationale.",
            "determinations": _determinations(case, ruling), "content_sha256": "0" * 64,
            "required_signatures": 1, "state": "final", "supersedes_id": supersedes_id, "created_by_id": creator_id,
            "created_at": at, "finalized_at": at}


def _decisions(cases: list[Case], built: Built, submitted: list[datetime], creator_id: int, today: date) -> None:
    versions = dict(db.session.execute(
        select(ProposalVersion.proposal_id, db.func.max(ProposalVersion.id))
        .where(ProposalVersion.proposal_id.in_(built.proposal_ids)).group_by(ProposalVersion.proposal_id)).all())
    clock_rows, condition_rows = [], []
    for n, case in enumerate(cases):
        if case.ruling is None:
            continue
        proposal_id = built.proposal_ids[n]
        committee_id = built.committee_ids[case.institution_id] if case.committee else None
        decision_id = db.session.execute(insert(Decision).values(**_decision_row(
            case, case.ruling, proposal_id, versions[proposal_id], committee_id, submitted[n], creator_id, None,
        )).returning(Decision.id)).scalar_one()
        if case.correction is not None:
            first = decision_id
            decision_id = db.session.execute(insert(Decision).values(**_decision_row(
                case, case.correction, proposal_id, versions[proposal_id], committee_id, submitted[n], creator_id,
                first)).returning(Decision.id)).scalar_one()
        for kind, due, state in case.clocks:
            clock_rows.append({"proposal_id": proposal_id, "decision_id": decision_id, "set_id": SET, "kind": kind,
                               "title": kind.replace("_", " ").capitalize(), "owner": "coordinator",
                               "due_on": today + timedelta(days=due),
                               "completed_at": utcnow() if state == "done" else None,
                               "superseded_at": utcnow() if state == "superseded" else None})
        for position, (owner, due, status) in enumerate(case.conditions, start=1):
            condition_rows.append({"decision_id": decision_id, "proposal_id": proposal_id, "position": position,
                                   "description": "A fictional condition.", "owner": owner,
                                   "due_on": today + timedelta(days=due), "status": status})
    if clock_rows:
        db.session.execute(insert(RegulatoryClock), clock_rows)
    if condition_rows:
        db.session.execute(insert(Condition), condition_rows)

"""Every figure of the governance report, each computed by one SQL statement over columns (never ORM objects), so
the page runs the same number of statements whatever the data (performance-anchors.md B9).

Which filter narrows which measure (the page says so too): the period is the date of what each measure counts
(a version's submission, a screening, a decision's becoming final); clocks and conditions are as of today.
Institution and committee narrow everything; the criteria set narrows screenings, determinations, concordance
and clocks; the outcome and the determination narrow the decision measures, clocks and conditions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal, select
from sqlalchemy.orm import aliased

from portal.auth.models import User
from portal.committees.models import Committee
from portal.conflicts.queries import not_conflicted_clause
from portal.decisions.models import FINAL, Condition, Decision, RegulatoryClock
from portal.extensions import db
from portal.institutions.models import Institution
from portal.proposals.models import Proposal, ProposalVersion
from portal.reports.json_rows import determination_rows, seconds_between
from portal.reports.permissions import ReportScope
from portal.reports.rules import DUE_SOON_DAYS, REFERRING_SEVERITIES, ReportFilters
from portal.routing.models import ProposalCommittee
from portal.screenings.models import Screening

FIRST_DECISIONS = ("committee", "administrative")  # corrections and appeals decide again; they are not the first


@dataclass(frozen=True)
class TimeToDecision:
    count: int
    median_seconds: float | None
    p90_seconds: float | None


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _in_period(column: ColumnElement, wanted: ReportFilters) -> list[ColumnElement[bool]]:
    clauses = []
    if wanted.since:
        clauses.append(column >= _start(wanted.since))
    if wanted.until:
        clauses.append(column < _start(wanted.until + timedelta(days=1)))
    return clauses


def _proposals(scope: ReportScope, wanted: ReportFilters) -> list[ColumnElement[bool]]:
    """Proposals of the reader's institutions (and the chosen one)."""
    clauses = [Proposal.institution_id.in_(scope.institution_ids)]
    if wanted.institution_id is not None:
        clauses.append(Proposal.institution_id == wanted.institution_id)
    return clauses


def _routed_to(committee_id: int) -> ColumnElement[bool]:
    return exists().where(ProposalCommittee.proposal_id == Proposal.id, ProposalCommittee.committee_id == committee_id)


def _current_final() -> list[ColumnElement[bool]]:
    """Final decisions that no final correction or appeal has replaced."""
    later = aliased(Decision)
    return [Decision.state == FINAL,
            ~exists().where(later.supersedes_id == Decision.id, later.state == FINAL)]


def _decision_filters(wanted: ReportFilters) -> list[ColumnElement[bool]]:
    clauses = []
    if wanted.committee_id is not None:
        clauses.append(Decision.committee_id == wanted.committee_id)
    if wanted.outcome:
        clauses.append(Decision.outcome == wanted.outcome)
    if wanted.set_id or wanted.determination:
        rows = determination_rows().subquery()
        chosen = [rows.c.decision_id == Decision.id]
        if wanted.set_id:
            chosen.append(rows.c.set_id == wanted.set_id)
        if wanted.determination:
            chosen.append(rows.c.determination_id == wanted.determination)
        clauses.append(exists().where(*chosen))
    return clauses


def _decisions(scope: ReportScope, wanted: ReportFilters, *, period: bool = True) -> Select:
    """Current final decisions in scope, matching the decision filters, as a FROM clause to select from."""
    clauses = [*_proposals(scope, wanted), *_current_final(), *_decision_filters(wanted)]
    if period:
        clauses += _in_period(Decision.finalized_at, wanted)
    return select(Decision.id).join(Proposal, Proposal.id == Decision.proposal_id).where(*clauses)


def submissions(scope: ReportScope, wanted: ReportFilters) -> list[tuple[str, int, int]]:
    """Per institution: proposals first submitted, and every submitted version (resubmissions and amendments)."""
    clauses = [*_proposals(scope, wanted), *_in_period(ProposalVersion.created_at, wanted)]
    if wanted.committee_id is not None:
        clauses.append(_routed_to(wanted.committee_id))
    if wanted.set_id:
        clauses.append(exists().where(Screening.version_id == ProposalVersion.id, Screening.set_id == wanted.set_id))
    first = func.sum(case((ProposalVersion.number == 1, 1), else_=0))
    rows = db.session.execute(
        select(Institution.short_name, first, func.count(ProposalVersion.id))
        .join(Proposal, Proposal.id == ProposalVersion.proposal_id)
        .join(Institution, Institution.id == Proposal.institution_id)
        .where(*clauses).group_by(Institution.id, Institution.short_name).order_by(Institution.short_name))
    return [(name, int(first or 0), total) for name, first, total in rows]


def screening_outcomes(scope: ReportScope, wanted: ReportFilters) -> list[tuple[str, str, str, int]]:
    """Per criteria set and provisional outcome: (set id, outcome id, severity, screenings)."""
    clauses = [*_proposals(scope, wanted), *_in_period(Screening.created_at, wanted)]
    if wanted.committee_id is not None:
        clauses.append(_routed_to(wanted.committee_id))
    if wanted.set_id:
        clauses.append(Screening.set_id == wanted.set_id)
    rows = db.session.execute(
        select(Screening.set_id, Screening.outcome_id, func.max(Screening.severity), func.count(Screening.id))
        .join(Proposal, Proposal.id == Screening.proposal_id)
        .where(*clauses).group_by(Screening.set_id, Screening.outcome_id)
        .order_by(Screening.set_id, func.count(Screening.id).desc(), Screening.outcome_id))
    return [tuple(row) for row in rows]


def decisions_by_outcome(scope: ReportScope, wanted: ReportFilters) -> list[tuple[str, int]]:
    chosen = _decisions(scope, wanted).subquery()
    rows = db.session.execute(
        select(Decision.outcome, func.count(Decision.id)).where(Decision.id.in_(select(chosen.c.id)))
        .group_by(Decision.outcome).order_by(func.count(Decision.id).desc(), Decision.outcome))
    return [tuple(row) for row in rows]


def decisions_by_determination(scope: ReportScope, wanted: ReportFilters) -> list[tuple[str, str, str, int, int]]:
    """Per set and determination: (set id, determination id, title, dual use 1/0, decisions)."""
    rows = determination_rows().subquery()
    chosen = _decisions(scope, wanted).subquery()
    clauses = [rows.c.decision_id.in_(select(chosen.c.id))]
    if wanted.set_id:
        clauses.append(rows.c.set_id == wanted.set_id)
    if wanted.determination:
        clauses.append(rows.c.determination_id == wanted.determination)
    result = db.session.execute(
        select(rows.c.set_id, rows.c.determination_id, func.max(rows.c.title), func.max(rows.c.dual_use),
               func.count())
        .where(*clauses).group_by(rows.c.set_id, rows.c.determination_id)
        .order_by(rows.c.set_id, rows.c.determination_id))
    return [tuple(row) for row in result]


def time_to_decision(scope: ReportScope, wanted: ReportFilters) -> TimeToDecision:
    """From the proposal's first submission to its first decision becoming final (committee or administrative;
    a later correction or appeal does not restart it): how many, the median and the 90th percentile (nearest
    rank), all in one statement with window functions (rules.median_ranks and rules.nearest_rank in SQL)."""
    clauses = [*_proposals(scope, wanted), Decision.state == FINAL, Decision.kind.in_(FIRST_DECISIONS),
               *_in_period(Decision.finalized_at, wanted), *_decision_filters(wanted)]
    seconds = seconds_between(Proposal.submitted_at, Decision.finalized_at).label("seconds")
    ranked = (
        select(seconds, func.row_number().over(order_by=seconds).label("rank"), func.count().over().label("n"))
        .select_from(Decision).join(Proposal, Proposal.id == Decision.proposal_id).where(*clauses)
    ).subquery()
    n, at = ranked.c.n, ranked.c.rank
    median = func.avg(case((at.in_([(n + 1) // 2, (n + 2) // 2]), ranked.c.seconds)))
    p90 = func.max(case((at == (90 * n + 99) // 100, ranked.c.seconds)))
    count, middle, high = db.session.execute(select(func.coalesce(func.max(n), 0), median, p90)).one()
    return TimeToDecision(int(count), None if middle is None else float(middle), None if high is None else float(high))


def _concordance_rows(scope: ReportScope, wanted: ReportFilters) -> Select:
    """The determinations of current decisions joined to the screening of the decided version under the same set."""
    rows = determination_rows().subquery()
    chosen = _decisions(scope, wanted).subquery()
    referred = case((Screening.severity.in_(REFERRING_SEVERITIES), 1), else_=0)
    agree = case((referred == rows.c.dual_use, 1), else_=0)
    clauses = [rows.c.decision_id.in_(select(chosen.c.id))]
    if wanted.set_id:
        clauses.append(rows.c.set_id == wanted.set_id)
    return (
        select(rows.c.set_id, rows.c.set_title, agree.label("agree"), rows.c.decision_id,
               rows.c.provisional_outcome_title, rows.c.title)
        .join(Screening, and_(Screening.version_id == rows.c.version_id, Screening.set_id == rows.c.set_id))
        .where(*clauses)
    )


def concordance(scope: ReportScope, wanted: ReportFilters) -> list[tuple[str, str, int, int]]:
    """Per set: (set id, set title, determinations compared, of which the screen and the committee agree)."""
    base = _concordance_rows(scope, wanted).subquery()
    rows = db.session.execute(
        select(base.c.set_id, func.max(base.c.set_title), func.count(), func.sum(base.c.agree))
        .group_by(base.c.set_id).order_by(base.c.set_id))
    return [(set_id, title, total, int(agree or 0)) for set_id, title, total, agree in rows]


def discordant_cases(user: User, scope: ReportScope, wanted: ReportFilters) -> list[tuple]:
    """(proposal id, title, set title, provisional outcome, determination) where they disagree; for a reader who
    lists cases (a coordinator), leaving out proposals they are conflicted with, as everywhere else."""
    base = _concordance_rows(scope, wanted).subquery()
    rows = db.session.execute(
        select(Proposal.id, Proposal.title, base.c.set_title, base.c.provisional_outcome_title, base.c.title)
        .select_from(base).join(Decision, Decision.id == base.c.decision_id)
        .join(Proposal, Proposal.id == Decision.proposal_id)
        .where(base.c.agree == 0, not_conflicted_clause(user))
        .order_by(Proposal.id, base.c.set_id))
    return [tuple(row) for row in rows]


def clocks_due(scope: ReportScope, wanted: ReportFilters, today: date) -> list[tuple[str, str, int, int, int]]:
    """Per kind of clock still running: (kind, a title, running, due within DUE_SOON_DAYS, overdue)."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    clauses = [RegulatoryClock.completed_at.is_(None), RegulatoryClock.superseded_at.is_(None),
               RegulatoryClock.decision_id.in_(_decisions(scope, wanted, period=False))]
    if wanted.set_id:
        clauses.append(RegulatoryClock.set_id == wanted.set_id)
    due_soon = func.sum(case((and_(RegulatoryClock.due_on >= today, RegulatoryClock.due_on <= soon), 1), else_=0))
    overdue = func.sum(case((RegulatoryClock.due_on < today, 1), else_=0))
    rows = db.session.execute(
        select(RegulatoryClock.kind, func.min(RegulatoryClock.title), func.count(RegulatoryClock.id), due_soon, overdue)
        .where(*clauses).group_by(RegulatoryClock.kind).order_by(RegulatoryClock.kind))
    return [(kind, title, running, int(soon_ or 0), int(late or 0)) for kind, title, running, soon_, late in rows]


def open_conditions(scope: ReportScope, wanted: ReportFilters, today: date) -> list[tuple[str, int, int, int]]:
    """Per owner, conditions of the plan not yet verified: (owner, open and not yet due, overdue, evidence in)."""
    waiting = Condition.status == "open"
    rows = db.session.execute(
        select(Condition.owner,
               func.sum(case((and_(waiting, Condition.due_on >= today), 1), else_=0)),
               func.sum(case((and_(waiting, Condition.due_on < today), 1), else_=0)),
               func.sum(case((Condition.status == "evidence_submitted", 1), else_=0)))
        .where(Condition.status != "verified", Condition.decision_id.in_(_decisions(scope, wanted, period=False)))
        .group_by(Condition.owner).order_by(Condition.owner))
    return [(owner, int(a or 0), int(b or 0), int(c or 0)) for owner, a, b, c in rows]


def filter_choices(scope: ReportScope) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The institutions and committees the reader may filter on: one statement (a UNION of the two lists)."""
    institutions = select(literal("i"), Institution.id, Institution.name).where(
        Institution.id.in_(scope.institution_ids))
    committees = select(literal("c"), Committee.id, Committee.name).where(
        Committee.institution_id.in_(scope.institution_ids))
    rows = db.session.execute(institutions.union_all(committees).order_by("name")).all()
    return ([(i, name) for kind, i, name in rows if kind == "i"], [(i, name) for kind, i, name in rows if kind == "c"])

"""Reminders of what falls due: regulatory clocks, review assignments and the conditions of a decision.

`remind(today)` (run by `flask clocks remind`, daily from cron, or as often as cron likes) finds what reached a
reminder stage by `today`, writes a Reminder row per stage (unique per subject and stage, so each is sent once
however often it runs) and notifies whoever owes it:

- a clock: 30, 14, 7 and 1 days before it falls due and on the day (`clock_due`), then the first day after and
  every 7 days while it is open (`clock_overdue`); the team for a clock owned by "investigator", otherwise the
  review office (the coordinators of the proposal's institution);
- a review assignment: 7 and 1 days before (`review_due`), the day after and weekly while the review is not
  submitted (`review_overdue`); the reviewer;
- an open condition of a final, current decision: 14 and 1 days before, the day after and weekly while no evidence
  was submitted (`condition_due`); the team for owner "investigator", otherwise the coordinators.

When cron missed days, only the most urgent stage reached is sent; the earlier ones are recorded as covered. Each
message goes through `notify(..., proposal=...)`, so a conflicted person gets nothing. A clock or condition message
names no reviewer or committee member. The whole run is a handful of statements whatever the number of subjects:
subjects, reminders already sent and recipients are each loaded in bulk. Flushes, never commits: the caller does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased, selectinload

from portal.audit.operations import record
from portal.auth.models import User, UserRole
from portal.auth.roles import AccountStatus, Role
from portal.clock import utcnow
from portal.decisions.models import FINAL, Condition, Decision, RegulatoryClock
from portal.extensions import db
from portal.notifications.models import Reminder
from portal.notifications.outbox import notify
from portal.proposals.models import Proposal, ProposalMember
from portal.proposals.states import ProposalState
from portal.reviews.models import ACTIVE, SUBMITTED, Assignment, Review

CLOCK, ASSIGNMENT, CONDITION = "clock", "assignment", "condition"
# Days before the due date at which a reminder goes, most distant first; 0 is the day itself.
CLOCK_DAYS = (30, 14, 7, 1, 0)
REVIEW_DAYS = (7, 1)
CONDITION_DAYS = (14, 1)
OVERDUE_EVERY = 7  # days between overdue reminders, after the first one the day after the due date
INVESTIGATOR = "investigator"


def stages_reached(due_on: date, today: date, days_before: Sequence[int]) -> list[str]:
    """The stages a subject due on `due_on` has reached by `today`, least urgent first: "30", "14", ..., "due"
    for the day itself, then "overdue-1" (the day after), "overdue-2" (a week later) and so on."""
    left = (due_on - today).days
    stages = ["due" if days == 0 else str(days) for days in days_before if left <= days]
    if left < 0:
        stages += [f"overdue-{n}" for n in range(1, (-left - 1) // OVERDUE_EVERY + 2)]
    return stages


@dataclass
class _Due:
    """One subject whose most urgent stage reached has not been reminded yet."""

    kind: str
    subject_id: int
    stages: list[str]  # not yet recorded, least urgent first; the last one is sent
    proposal: Proposal
    due_on: date
    owner: str = ""  # whose duty: "investigator" (the team) or an office (the coordinators); "" for a reviewer
    reviewer_id: int | None = None
    what: str = ""
    link: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def stage(self) -> str:
        return self.stages[-1]


def remind(today: date) -> int:
    """Write and notify the reminders due by `today`; returns how many subjects were reminded. The caller commits
    and then sends (portal.notifications.sender.send_due)."""
    candidates = [*_clocks(today), *_assignments(today), *_conditions(today)]
    due = _not_yet_reminded(candidates)
    if not due:
        return 0
    teams, coordinators, reviewers = _audiences(due)
    messages = 0
    for item in due:
        db.session.add_all(Reminder(subject_kind=item.kind, subject_id=item.subject_id, stage=stage)
                           for stage in item.stages)
        kind, recipients = _event_and_recipients(item, teams, coordinators, reviewers)
        messages += len(notify(kind, recipients, params=_params(item, today), proposal=item.proposal,
                               link=item.link))
    sent = sorted(f"{item.kind}:{item.subject_id}:{item.stage}" for item in due)
    record("reminders.sent", actor=None, data={"on": today.isoformat(), "reminders": sent, "messages": messages})
    db.session.flush()
    return len(due)


def remind_queued() -> int:
    """The queue's job (`flask jobs worker` runs it in an app context): remind as of today, commit, send."""
    from portal.notifications.sender import send_due

    reminded = remind(utcnow().date())
    db.session.commit()
    send_due(current_app._get_current_object())
    return reminded


# What is due: one statement per kind of subject.


def _clocks(today: date) -> list[_Due]:
    clocks = db.session.scalars(
        select(RegulatoryClock)
        .where(RegulatoryClock.completed_at.is_(None), RegulatoryClock.superseded_at.is_(None),
               RegulatoryClock.due_on <= today + timedelta(days=CLOCK_DAYS[0]))
        .options(*_proposal_loads(RegulatoryClock.proposal))
        .order_by(RegulatoryClock.id)
    )
    return [
        _Due(CLOCK, c.id, stages_reached(c.due_on, today, CLOCK_DAYS), c.proposal, c.due_on, owner=c.owner,
             what=c.title, link=f"/decisions/{c.decision_id}#clocks")
        for c in clocks
    ]


def _assignments(today: date) -> list[_Due]:
    submitted = exists().where(Review.assignment_id == Assignment.id, Review.state == SUBMITTED)
    assignments = db.session.scalars(
        select(Assignment)
        .join(Proposal, Proposal.id == Assignment.proposal_id)
        .where(Assignment.state == ACTIVE, ~submitted, Proposal.state == ProposalState.IN_REVIEW.value,
               Assignment.due_on <= today + timedelta(days=REVIEW_DAYS[0]))
        .options(*_proposal_loads(Assignment.proposal), selectinload(Assignment.committee))
        .order_by(Assignment.id)
    )
    return [
        _Due(ASSIGNMENT, a.id, stages_reached(a.due_on, today, REVIEW_DAYS), a.proposal, a.due_on,
             reviewer_id=a.reviewer_id, what=a.committee.name, link=f"/assignments/{a.id}/review")
        for a in assignments
    ]


def _conditions(today: date) -> list[_Due]:
    """Open conditions of final decisions that no final decision superseded."""
    later = aliased(Decision)
    superseded = exists().where(later.supersedes_id == Decision.id, later.state == FINAL)
    rows = db.session.execute(
        select(Condition, Proposal)
        .join(Decision, Decision.id == Condition.decision_id)
        .join(Proposal, Proposal.id == Condition.proposal_id)
        .where(Condition.status == "open", Decision.state == FINAL, ~superseded,
               Condition.due_on <= today + timedelta(days=CONDITION_DAYS[0]))
        .options(*_proposal_loads(None))
        .order_by(Condition.id)
    )
    return [
        _Due(CONDITION, c.id, stages_reached(c.due_on, today, CONDITION_DAYS), p, c.due_on, owner=c.owner,
             what=c.description, link=f"/decisions/{c.decision_id}#plan")
        for c, p in rows
    ]


def _proposal_loads(path) -> list:  # noqa: ANN001 - a relationship attribute, or None for Proposal itself
    """What the access check needs of each proposal, loaded with the subjects rather than one proposal at a time."""
    if path is None:
        return [selectinload(Proposal.members), selectinload(Proposal.conflict_declarations),
                selectinload(Proposal.pi)]
    load = selectinload(path)
    return [load.selectinload(Proposal.members), load.selectinload(Proposal.conflict_declarations),
            load.selectinload(Proposal.pi)]


def _not_yet_reminded(candidates: list[_Due]) -> list[_Due]:
    """Drop the stages already recorded, and the subjects whose most urgent stage was already sent."""
    candidates = [c for c in candidates if c.stages]
    if not candidates:
        return []
    by_kind: dict[str, set[int]] = defaultdict(set)
    for c in candidates:
        by_kind[c.kind].add(c.subject_id)
    recorded = {
        (kind, subject_id, stage) for kind, subject_id, stage in db.session.execute(
            select(Reminder.subject_kind, Reminder.subject_id, Reminder.stage).where(or_(*(
                and_(Reminder.subject_kind == kind, Reminder.subject_id.in_(sorted(ids)))
                for kind, ids in by_kind.items()
            )))
        )
    }
    due = []
    for c in candidates:
        if (c.kind, c.subject_id, c.stage) in recorded:
            continue
        c.stages = [s for s in c.stages if (c.kind, c.subject_id, s) not in recorded]
        due.append(c)
    return due


# Who hears of it: one statement per audience, for every subject at once.


def _audiences(due: list[_Due]) -> tuple[dict[int, list[User]], dict[int, list[User]], dict[int, User]]:
    """The teams of the proposals whose team is told, the coordinators of each institution whose review office is
    told, and the reviewers."""
    team_of = {d.proposal.id for d in due if d.kind != ASSIGNMENT and d.owner == INVESTIGATOR}
    office_of = {d.proposal.institution_id for d in due if d.kind != ASSIGNMENT and d.owner != INVESTIGATOR}
    reviewer_ids = {d.reviewer_id for d in due if d.reviewer_id is not None}
    teams: dict[int, list[User]] = defaultdict(list)
    if team_of:
        pis = select(Proposal.id.label("proposal_id"), Proposal.pi_id.label("user_id")).where(
            Proposal.id.in_(sorted(team_of)))
        members = select(ProposalMember.proposal_id, ProposalMember.user_id).where(
            ProposalMember.proposal_id.in_(sorted(team_of)))
        both = pis.union(members).subquery()
        for proposal_id, user in db.session.execute(
            select(both.c.proposal_id, User).join(User, User.id == both.c.user_id)
            .options(selectinload(User.role_rows)).order_by(both.c.proposal_id, User.id)
        ):
            teams[proposal_id].append(user)
    coordinators: dict[int, list[User]] = defaultdict(list)
    if office_of:
        holders = select(UserRole.user_id).where(UserRole.role == Role.COORDINATOR.value)
        for user in db.session.scalars(
            select(User).where(User.institution_id.in_(sorted(office_of)), User.status == AccountStatus.ACTIVE.value,
                               User.id.in_(holders))
            .options(selectinload(User.role_rows)).order_by(User.id)
        ):
            coordinators[user.institution_id].append(user)
    reviewers: dict[int, User] = {}
    if reviewer_ids:
        reviewers = {u.id: u for u in db.session.scalars(
            select(User).where(User.id.in_(sorted(reviewer_ids))).options(selectinload(User.role_rows)))}
    return teams, coordinators, reviewers


def _event_and_recipients(item: _Due, teams: dict[int, list[User]], coordinators: dict[int, list[User]],
                          reviewers: dict[int, User]) -> tuple[str, Iterable[User]]:
    overdue = item.stage.startswith("overdue")
    if item.kind == ASSIGNMENT:
        reviewer = reviewers.get(item.reviewer_id)
        return ("review_overdue" if overdue else "review_due"), [reviewer] if reviewer is not None else []
    kind = "condition_due" if item.kind == CONDITION else ("clock_overdue" if overdue else "clock_due")
    if item.owner == INVESTIGATOR:
        return kind, teams.get(item.proposal.id, [])
    return kind, coordinators.get(item.proposal.institution_id, [])


def _params(item: _Due, today: date) -> dict[str, Any]:
    left = (item.due_on - today).days
    return {"title": item.proposal.title, "what": item.what, "due_on": item.due_on.isoformat(),
            "days_left": max(left, 0), "days_overdue": max(-left, 0), "overdue": left < 0,
            "team_owes": item.kind != ASSIGNMENT and item.owner == INVESTIGATOR}

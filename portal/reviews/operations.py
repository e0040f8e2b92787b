"""Assigning reviewers and withdrawing assignments. Each write is audited; the caller commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from portal.audit.canonical import canonical_json
from portal.audit.operations import record
from portal.auth.models import User
from portal.clock import utcnow
from portal.committees.models import Committee
from portal.conflicts.declarations import add_declaration
from portal.conflicts.queries import reasons_for
from portal.consistency.queries import latest_finished_check
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_, Label, Labels, english_ngettext
from portal.notifications.outbox import notify
from portal.proposals.lifecycle import change_state, require_step
from portal.proposals.models import Proposal
from portal.proposals.states import ProposalState, Step
from portal.reviews.models import ACTIVE, DRAFT, SUBMITTED, WITHDRAWN, Assignment, Recommendation, Review
from portal.reviews.rules import Advice, Assessment, CriterionItem, ReviewValues, default_due_on, submission_problems
from portal.routing.models import ProposalCommittee


class AssignmentError(PortalError):
    """An assignment was refused; the message is for the user."""


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
        raise AssignmentError(N_("This proposal was not sent to %(committee)s."), committee=committee.name)
    reasons = reasons_for(member_user, proposal)
    if reasons:
        raise AssignmentError(N_("%(name)s cannot review: %(reasons)s."), name=name, reasons=Labels(reasons, sep="; "))
    member = next((m for m in committee.members if m.user_id == member_user.id), None)
    if member is None:
        raise AssignmentError(N_("%(name)s is not a member of %(committee)s."), name=name, committee=committee.name)
    if not member_user.is_active:
        raise AssignmentError(N_("%(name)s's account is not active."), name=name)
    if not member.active_on(today):
        raise AssignmentError(N_("%(name)s's access as an external expert ended on %(date)s."), name=name,
                              date=member.access_until.isoformat())
    if not proposal.versions:
        raise AssignmentError(N_("The proposal has no submitted version to review."))
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
        was = (N_("%(name)s is already assigned to version %(number)s for %(committee)s.") if existing.state == ACTIVE
               else N_("%(name)s was withdrawn from version %(number)s for %(committee)s."))
        raise AssignmentError(was, name=name, number=version.number, committee=committee.name)
    due_on = due_on or default_due_on(today, committee.review_due_days)
    if due_on < today:
        raise AssignmentError(N_("The due date cannot be in the past."))
    assignment = Assignment(
        proposal=proposal,  # keeps a loaded proposal.review_assignments current
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
    # The reviewer alone: their name goes to nobody else, least of all the investigators.
    notify("assigned", [member_user], proposal=proposal, link=f"/assignments/{assignment.id}/review",
           params={"title": proposal.title, "version": version.number, "committee": committee.name,
                   "due": due_on.isoformat()})
    return assignment


def withdraw_assignment(assignment: Assignment, *, reason: str, actor: User) -> None:
    reason = " ".join(reason.split())
    if not reason:
        raise AssignmentError(N_("Say why the assignment is withdrawn."))
    if assignment.state != ACTIVE:
        raise AssignmentError(N_("This assignment was already withdrawn."))
    _withdraw(assignment, reason)
    record(
        "assignment.withdrawn",
        actor=actor,
        target=assignment,
        data={"proposal_id": assignment.proposal_id, "reviewer_id": assignment.reviewer_id, "reason": reason[:2000]},
    )


class NotSubmitted(AssignmentError):
    """Reviews of the latest version are still missing: how many, and whose."""

    def __init__(self, count: int, /, **params: object) -> None:
        super().__init__(_not_submitted(english_ngettext, count, **params))
        self.count, self.values = count, params

    def translated(self) -> str:
        from flask_babel import ngettext

        return _not_submitted(ngettext, self.count, **self.values)


def _not_submitted(ngettext: Callable[..., str], count: int, **params: object) -> str:
    return ngettext("%(num)d review of version %(number)s is not submitted yet: %(names)s.",
                    "%(num)d reviews of version %(number)s are not submitted yet: %(names)s.", count, **params)


def _withdraw(assignment: Assignment, reason: str) -> None:
    assignment.state = WITHDRAWN
    assignment.withdrawn_reason = reason[:2000]


class ReviewChanged(PortalError):
    """The review was saved by someone else (another tab, another session) after this copy was opened."""


class ReviewIncomplete(PortalError):
    """A review cannot be submitted yet; `problems` maps each field to what it still needs."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(_incomplete(english_ngettext, len(problems)))
        self.problems = problems

    def translated(self) -> str:
        from flask_babel import ngettext

        return _incomplete(ngettext, len(self.problems))


def _incomplete(ngettext: Callable[..., str], count: int) -> str:
    return ngettext(
        "The review is not complete yet: %(num)d point to finish. Your answers were kept; nothing was submitted.",
        "The review is not complete yet: %(num)d points to finish. Your answers were kept; nothing was submitted.",
        count,
    )


def _require_reviewable(assignment: Assignment, actor: User) -> None:
    proposal = assignment.proposal
    if assignment.reviewer_id != actor.id:
        raise AssignmentError(N_("Only the assigned reviewer can write this review."))
    if assignment.state != ACTIVE:
        raise AssignmentError(N_("This assignment was withdrawn; the review can no longer be changed."))
    reasons = reasons_for(actor, proposal)
    if reasons:
        raise AssignmentError(N_("You cannot review this proposal: %(reasons)s."), reasons=Labels(reasons, sep="; "))
    if proposal.state_enum is not ProposalState.IN_REVIEW:
        raise AssignmentError(N_("The proposal is %(state)s; reviews can no longer change."),
                              state=Label(proposal.state_enum.label, lower=True))
    latest = proposal.versions[-1]
    if assignment.version_id != latest.id:
        raise AssignmentError(
            N_("Version %(number)s was replaced by version %(latest)s; review the new version."),
            number=assignment.version.number, latest=latest.number,
        )


def _assessments_json(items: list[CriterionItem], values: dict[str, Assessment]) -> str:
    known = {item.key: item for item in items}
    return canonical_json(
        {
            key: {"agree": a.agree, "rationale": a.rationale.strip()[:5000], "title": known[key].title}
            for key, a in values.items()
            if key in known
        }
    )


def _judgments_json(items: list[CriterionItem], values: dict[str, Advice]) -> str:
    known = {item.key for item in items if item.judgment}
    return canonical_json(
        {k: {"advice": a.advice, "rationale": a.rationale.strip()[:5000]} for k, a in values.items() if k in known}
    )


def save_review(
    assignment: Assignment,
    items: list[CriterionItem],
    values: ReviewValues,
    *,
    opened_lock: int | None,
    submit: bool,
    actor: User,
) -> Review:
    """Save the reviewer's draft, or submit it when complete. `opened_lock` is the review's lock_version when the
    form was opened (None for a review not saved before): a save based on an older copy is refused, never merged."""
    _require_reviewable(assignment, actor)
    review = assignment.review
    current_lock = review.lock_version if review is not None else None
    if opened_lock != current_lock:
        raise ReviewChanged(N_(
            "This review was changed since you opened it (in another window or session). Your text is below and "
            "was not saved: copy what you need, reload the page to see the saved review, then save again."
        ))
    if review is not None and review.state == SUBMITTED:
        raise AssignmentError(N_("This review was already submitted; it can no longer be changed."))
    recommendation = values.recommendation if values.recommendation in set(Recommendation) else None
    if submit:
        problems = submission_problems(items, values.assessments, values.judgments, recommendation)
        if problems:
            raise ReviewIncomplete(problems)
    # The check the review form showed; read before the review changes (a query would flush it half-written).
    shown = latest_finished_check(assignment.version_id)
    if review is None:
        review = Review(
            assignment=assignment,
            proposal_id=assignment.proposal_id,
            version_id=assignment.version_id,
            committee_id=assignment.committee_id,
            reviewer_id=actor.id,
            state=DRAFT,
        )
        db.session.add(review)
    review.assessments = _assessments_json(items, values.assessments)
    review.judgments = _judgments_json(items, values.judgments)
    review.recommendation = recommendation
    review.committee_comment = values.committee_comment.strip()[:20000]
    review.investigator_comment = values.investigator_comment.strip()[:20000]
    review.updated_at = utcnow()
    if submit:
        review.state, review.submitted_at = SUBMITTED, review.updated_at
    review.consistency_check_id = shown.id if shown is not None else None
    db.session.flush()  # raises StaleDataError if another save landed between our check and this write
    # Targeted at the review; the data names no text, since the audit log is read more widely than reviews.
    record(
        "review.submitted" if submit else "review.saved",
        actor=actor,
        target=review,
        data={
            "proposal_id": review.proposal_id,
            "version": assignment.version.number,
            "committee_id": review.committee_id,
            "recommendation": recommendation,
            "consistency_check": (
                {"id": shown.id, "matcher": shown.matcher, "findings": shown.finding_count} if shown else None
            ),
        },
    )
    return review


def complete_review(proposal: Proposal, *, actor: User) -> None:
    """Every active assignment on the latest version has a submitted review: on to the committee's decision."""
    require_step(proposal, Step.COMPLETE_REVIEW)  # a draft has no version to look at
    latest = proposal.versions[-1]
    current = [a for a in proposal.review_assignments if a.state == ACTIVE and a.version_id == latest.id]
    if not current:
        raise AssignmentError(N_("Nobody is assigned to review version %(number)s yet."), number=latest.number)
    waiting = sorted(a.reviewer.name for a in current if a.review is None or a.review.state != SUBMITTED)
    if waiting:
        raise NotSubmitted(len(waiting), number=latest.number, names=", ".join(waiting))
    moved = change_state(proposal, Step.COMPLETE_REVIEW)
    record("proposal.complete_review", actor=actor, target=proposal,
           data={**moved, "version": latest.number, "reviews": len(current)})


STEPPED_BACK = "The reviewer declared a conflict of interest."  # stored as the reason: data, in English


def declare_own_conflict(assignment: Assignment, *, reason: str, actor: User) -> None:
    """The assigned reviewer declares a conflict with the proposal and steps back from the review in one unit:
    the declaration hides the proposal from them at once (a conflict beats every role), and the withdrawn
    assignment tells the coordinator to find someone else. A draft review stays, unread by anyone."""
    if assignment.reviewer_id != actor.id:
        raise AssignmentError(N_("Only the assigned reviewer can declare their own conflict here."))
    if assignment.state != ACTIVE:
        raise AssignmentError(N_("This assignment was already withdrawn."))
    if assignment.review is not None and assignment.review.submitted:
        raise AssignmentError(N_("Your review was already submitted; ask the coordinator to record the conflict."))
    declaration = add_declaration(assignment.proposal, actor, reason=reason, actor=actor)
    _withdraw(assignment, STEPPED_BACK)
    # One event for both facts; the reason stays out of the audit data, as for every declaration.
    record("conflict.declared", actor=actor, target=assignment.proposal,
           data={"user_id": actor.id, "source": declaration.source, "assignment_id": assignment.id,
                 "assignment_withdrawn": True})

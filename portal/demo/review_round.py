"""Demo reviews and a revision round, made through the portal's own operations. Fictional, policy-level text."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.models import User
from portal.proposals import operations as proposals
from portal.proposals.models import Proposal
from portal.reviews.models import ACTIVE, Assignment
from portal.reviews.operations import assign_reviewer, complete_review, declare_own_conflict, save_review
from portal.reviews.rules import Advice, Assessment, ReviewValues, criterion_items
from portal.revisions.operations import ItemDraft, answer_items, resubmit, send_revision_request
from portal.routing.operations import triage_proposal
from portal.routing.queries import institution_committees, routes_of
from portal.screenings.queries import active_sets_for, screenings_for_version

STORAGE_ITEM = (
    "Please describe, at a high level, how collected samples and records are stored, who may access them, "
    "and how long they are kept."
)
STORAGE_ANSWER = (
    "Samples stay in the clinics' existing accredited storage; only the two named study coordinators may access "
    "the de-identified records, which are deleted five years after the study ends. The plan now says so."
)


def demo_review(assignment: Assignment, *, rationale: str, recommendation: str, for_investigator: str = "",
                for_committee: str = "") -> ReviewValues:
    """A reviewer who agrees with the screen, gives reasons where a rationale is needed and is unsure on every
    judgment (the committee decides those)."""
    items = criterion_items(screenings_for_version(assignment.version_id))
    return ReviewValues(
        assessments={i.key: Assessment(True, rationale if i.met else "") for i in items},
        judgments={i.key: Advice("unsure", "For the committee to weigh at its meeting.") for i in items if i.judgment},
        recommendation=recommendation,
        committee_comment=for_committee,
        investigator_comment=for_investigator,
    )


def _write(assignment: Assignment, values: ReviewValues, *, submit: bool = True) -> None:
    items = criterion_items(screenings_for_version(assignment.version_id))
    save_review(assignment, items, values, opened_lock=None, submit=submit, actor=assignment.reviewer)


def _current(proposal: Proposal) -> list[Assignment]:
    latest = proposal.versions[-1].id
    return [a for a in proposal.review_assignments if a.state == ACTIVE and a.version_id == latest]


def seed_revision_round(proposal: Proposal, *, chair: User, coordinator: User) -> None:
    """Both reviewers review, the chair asks for one change, the PI answers and resubmits, both review the new
    version and the coordinator sends it to the committee's decision."""
    for assignment in _current(proposal):
        first = assignment.reviewer.id != chair.id
        _write(assignment, demo_review(
            assignment,
            rationale="The screening answers match the proposal as described.",
            recommendation="revisions_required",
            for_investigator=STORAGE_ITEM if first else "",
            for_committee="Sample storage is not described; worth a revision before we decide." if first else "",
        ))
    committee = next(r.committee for r in routes_of(proposal.id) if r.committee.kind == "ire")
    request = send_revision_request(proposal, committee, [ItemDraft(STORAGE_ITEM)], confirmed=True, actor=chair)
    pi = proposal.pi
    answer_items(request, {request.items[0].id: STORAGE_ANSWER}, actor=pi)
    proposals.update_proposal(
        proposal, {"methods_summary": proposal.methods_summary + " Storage and access: see the data plan."}, actor=pi
    )
    from portal.demo.seed import DEMO_PASSWORD

    resubmit(proposal, actor=pi, password=DEMO_PASSWORD, printed_name=pi.name, attested=True,
             criteria_sets=active_sets_for(proposal.institution_id))
    for assignment in _current(proposal):
        _write(assignment, demo_review(
            assignment,
            rationale="Still consistent with the screen; the storage answer is adequate.",
            recommendation="approve_with_conditions",
            for_committee="Suggest a condition: annual confirmation of who holds access." if assignment.reviewer.id
            == chair.id else "",
        ))
    complete_review(proposal, actor=coordinator)


def seed_open_review(title: str, *, coordinator: User, reviewers: list[User], stepped_back: User) -> Proposal:
    """A proposal the screening sent nowhere, which the coordinator sent to the review entity anyway (with the
    reason); one reviewer has a draft, the other has not started: what a reviewer's dashboard looks like. A third
    reviewer declared a conflict of interest and stepped back: the coordinator's assignments page shows it."""
    from portal.extensions import db

    proposal = db.session.scalar(select(Proposal).where(Proposal.title == title))
    ire = next(c for c in institution_committees(proposal.institution_id) if c.kind == "ire")
    triage_proposal(proposal, [ire], proposed=[], actor=coordinator,
                    reason="Compares national oversight policies; the committee asked to see such studies.")
    db.session.flush()
    for reviewer in [*reviewers, stepped_back]:
        assign_reviewer(proposal, ire, reviewer, due_on=None, actor=coordinator)
    db.session.flush()
    mine = next(a for a in _current(proposal) if a.reviewer_id == stepped_back.id)
    declare_own_conflict(mine, reason="Co-authored a recent policy paper with the principal investigator "
                         "(fictional).", actor=stepped_back)
    db.session.flush()
    first = _current(proposal)[0]
    _write(first, demo_review(first, rationale="A desk study of public documents.", recommendation="approve"),
           submit=False)
    return proposal

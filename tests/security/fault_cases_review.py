"""Fault-injection cases (check 21) of the review half of the workflow, in the seeded demo world: triage, reviewer
assignments and reviews, revision requests, meetings and decisions. See fault_cases.py for how a case is built."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.clock import utcnow
from portal.demo.content import DEMO_PASSWORD, IN_REVIEW_TITLE, TRIAGED_TITLE
from portal.demo.decisions import DECIDED_TITLE
from portal.extensions import db
from tests.security.fault_cases import (
    CHAIR,
    COMMUNITY,
    COORDINATOR,
    GOVERNANCE,
    INVESTIGATOR_2,
    REVIEWER,
    Request,
    case,
    committee,
    proposal,
    user,
)

CUSTOMER_SCREENING = "Customer screening workflows of nucleic acid synthesis providers"  # screened, not triaged
COLD_CHAIN = "Cold-chain logistics for vaccine distribution: a modelling study"  # screened, out of scope
ITEM = "Please describe, at a high level, who may access the study records."
ISO_MINUTE = "%Y-%m-%dT%H:%M"


@case("routing.triage")
def _triage(_client: FlaskClient) -> Request:
    return f"/proposals/{proposal(CUSTOMER_SCREENING).id}/triage", {
        "form": "triage", "triage-committees": [str(committee("ire").id)],
        "triage-reason": "The committee asked to see studies of provider guidance."}


@case("consistency.check_again")
def _check_again(_client: FlaskClient) -> Request:
    return f"/proposals/{proposal(CUSTOMER_SCREENING).id}/consistency/check", {}


# -- reviews and revisions (the proposal in review: the reviewer has a draft, the community member nothing yet) --

def _assignment_of(email: str):  # noqa: ANN202 - an Assignment
    return next(a for a in proposal(IN_REVIEW_TITLE).review_assignments if a.reviewer.email == email)


def _review_form(assignment) -> dict:  # noqa: ANN001
    from tests.reviews.conftest import complete_form, items_of

    return {**complete_form(items_of(assignment)), "lock_version": ""}


@case("reviews.review_form", persona=COMMUNITY)
def _review(_client: FlaskClient) -> Request:
    assignment = _assignment_of(COMMUNITY)
    return f"/assignments/{assignment.id}/review", _review_form(assignment)


@case("reviews.complete")
def _complete_review(_client: FlaskClient) -> Request:
    from portal.reviews.operations import save_review
    from tests.reviews.conftest import complete_values, items_of

    for email in (REVIEWER, COMMUNITY):
        assignment = _assignment_of(email)
        lock = assignment.review.lock_version if assignment.review else None
        items = items_of(assignment)
        save_review(assignment, items, complete_values(items), opened_lock=lock, submit=True, actor=user(email))
    db.session.commit()
    return f"/proposals/{proposal(IN_REVIEW_TITLE).id}/reviews/complete", {}


@case("reviews.declare_conflict", persona=COMMUNITY)
def _declare_conflict(_client: FlaskClient) -> Request:
    return f"/assignments/{_assignment_of(COMMUNITY).id}/conflict", {
        "conflict-reason": "A close collaborator of the principal investigator (fictional)."}


@case("reviews.assignments")
def _assign(_client: FlaskClient) -> Request:
    return f"/proposals/{proposal(IN_REVIEW_TITLE).id}/assignments", {
        "committee_id": str(committee("ire").id), "reviewer_id": str(user(CHAIR).id), "due_on": ""}


@case("reviews.withdraw")
def _withdraw_assignment(_client: FlaskClient) -> Request:
    found = proposal(IN_REVIEW_TITLE)
    return f"/proposals/{found.id}/assignments/{_assignment_of(COMMUNITY).id}/withdraw", {
        "reason": "Reassigned to balance the load (fictional)."}


@case("revisions.compose", persona=CHAIR)
def _request_revisions(_client: FlaskClient) -> Request:
    return f"/proposals/{proposal(IN_REVIEW_TITLE).id}/revision-request", {
        "committee_id": str(committee("ire").id), "item-0": ITEM, "include-0": "y", "action": "send", "confirm": "y"}


@case("revisions.answer", persona=INVESTIGATOR_2)  # the principal investigator of the proposal in review
def _answer_revisions(_client: FlaskClient) -> Request:
    from portal.revisions.operations import ItemDraft, send_revision_request

    found = proposal(IN_REVIEW_TITLE)
    sent = send_revision_request(found, committee("ire"), [ItemDraft(ITEM)], confirmed=True, actor=user(CHAIR))
    db.session.commit()
    return f"/proposals/{found.id}/revision-requests/{sent.id}/answers", {
        f"answer-{sent.items[0].id}": "Only the two named study coordinators (fictional)."}


# -- meetings: one held (minutes in draft), one scheduled with those minutes on its agenda -----------------------

def _meetings():  # noqa: ANN202 - (held, upcoming) Meetings
    from portal.meetings.models import Meeting

    held, upcoming = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    return held, upcoming


def _in_session(*, with_proposal: bool = False):  # noqa: ANN202 - the upcoming Meeting
    """The upcoming meeting with everyone present, started (and the proposal awaiting decision on its agenda)."""
    from portal.meetings import operations as meetings

    _held, upcoming = _meetings()
    chair = user(CHAIR)
    if with_proposal:
        meetings.add_proposal_item(upcoming, proposal(TRIAGED_TITLE), actor=chair)
    for member in upcoming.committee.members:
        meetings.record_attendance(upcoming, member.user, present=True, actor=chair)
    meetings.start_meeting(upcoming, actor=chair)
    db.session.commit()
    return upcoming


def _proposal_item(meeting) -> int:  # noqa: ANN001
    return next(i.id for i in meeting.items if i.proposal_id is not None)


@case("meetings.schedule")
def _schedule(_client: FlaskClient) -> Request:
    starts = (utcnow() + timedelta(days=20)).strftime(ISO_MINUTE)
    return f"/meetings/committee/{committee('ire').id}/new", {
        "title": "Review Entity: extra meeting", "starts_at": starts, "location": "Meeting room 2 (fictional)"}


@case("meetings.start")
def _start(_client: FlaskClient) -> Request:
    return f"/meetings/{_meetings()[1].id}/start", {}


@case("meetings.end")
def _end(_client: FlaskClient) -> Request:
    return f"/meetings/{_in_session().id}/end", {}


@case("meetings.attendance")
def _attendance(_client: FlaskClient) -> Request:
    return f"/meetings/{_meetings()[1].id}/attendance", {"user_id": str(user(COMMUNITY).id), "present": "yes"}


@case("meetings.add_proposal_item")
def _add_proposal_item(_client: FlaskClient) -> Request:
    return f"/meetings/{_meetings()[1].id}/items", {"proposal_id": str(proposal(TRIAGED_TITLE).id)}


@case("meetings.add_minutes_item")
def _add_minutes_item(_client: FlaskClient) -> Request:
    from portal.meetings.operations import schedule_meeting

    held, upcoming = _meetings()
    later = schedule_meeting(upcoming.committee, title="Review Entity: meeting after next",
                             starts_at=upcoming.starts_at + timedelta(days=28), actor=user(COORDINATOR))
    db.session.commit()
    return f"/meetings/{later.id}/minutes-items", {"meeting_id": str(held.id)}


@case("meetings.remove_item")
def _remove_item(_client: FlaskClient) -> Request:
    upcoming = _meetings()[1]
    return f"/meetings/{upcoming.id}/items/{upcoming.items[0].id}/remove", {}


@case("meetings.approve_minutes")
def _approve_minutes(_client: FlaskClient) -> Request:
    upcoming = _in_session()
    return f"/meetings/{upcoming.id}/items/{upcoming.items[0].id}/approve", {}


@case("meetings.vote", persona=CHAIR)
def _vote(_client: FlaskClient) -> Request:
    upcoming = _in_session(with_proposal=True)
    return f"/meetings/{upcoming.id}/items/{_proposal_item(upcoming)}/votes", {
        "user_id": str(user(REVIEWER).id), "choice": "for"}


@case("meetings.notes", persona=CHAIR)
def _notes(_client: FlaskClient) -> Request:
    upcoming = _in_session(with_proposal=True)
    return f"/meetings/{upcoming.id}/items/{_proposal_item(upcoming)}/notes", {
        "notes": "The committee discussed the access list (fictional)."}


@case("meetings.recuse", persona=CHAIR)
def _recuse(_client: FlaskClient) -> Request:
    upcoming = _in_session(with_proposal=True)
    return f"/meetings/{upcoming.id}/items/{_proposal_item(upcoming)}/recusals", {
        "user_id": str(user(REVIEWER).id), "reason": "A recent co-author of the investigator (fictional)."}


@case("meetings.generate_minutes")
def _generate_minutes(_client: FlaskClient) -> Request:
    from portal.meetings.operations import end_meeting

    upcoming = _in_session()
    end_meeting(upcoming, actor=user(CHAIR))
    db.session.commit()
    return f"/meetings/{upcoming.id}/minutes/generate", {}


@case("meetings.edit_minutes", persona=CHAIR)
def _edit_minutes(_client: FlaskClient) -> Request:
    held = _meetings()[0]
    return f"/meetings/{held.id}/minutes/edit", {"lock_version": str(held.lock_version),
                                                 "general": "Review Entity: monthly meeting. Edited (fictional)."}


# -- decisions: the triaged proposal awaits one; the decided one has a final decision with conditions and clocks --

def decision_form(found) -> dict:  # noqa: ANN001 - a Proposal
    """A complete decision as the demo makes them: Category 1 under the 2024 policy, the first determination of
    every other set, approved with one condition."""
    from portal.decisions.queries import set_facts

    form = {"committee_id": str(committee("ire").id), "outcome": "approved_with_conditions",
            "rationale": "Approved under a risk mitigation plan (fictional).",
            "condition-description-0": "Confirm each year who holds access to the records.",
            "condition-owner-0": "investigator",
            "condition-due-0": (utcnow().date() + timedelta(days=60)).isoformat()}
    for facts in set_facts(found):
        dual_use = facts.set_id == "usg-durc-pepp-2024"
        form[f"determination-{facts.set_id}"] = "category_1" if dual_use else facts.determinations[0].id
        form[f"determination-rationale-{facts.set_id}"] = "Considered by the committee at its meeting."
        for criterion, _question in facts.judgments:
            form[f"judgment-{facts.set_id}/{criterion}"] = "yes" if dual_use else "no"
            form[f"judgment-rationale-{facts.set_id}/{criterion}"] = "The committee's judgment (fictional)."
    return form


def _final_decision():  # noqa: ANN202 - the Decision now in force for the decided proposal
    from portal.decisions.models import Decision

    return db.session.scalar(select(Decision).where(Decision.proposal_id == proposal(DECIDED_TITLE).id)
                             .order_by(Decision.id.desc()))


@case("decisions.decide", persona=CHAIR)
def _decide(_client: FlaskClient) -> Request:
    found = proposal(TRIAGED_TITLE)
    return f"/proposals/{found.id}/decision", decision_form(found)


@case("decisions.sign", persona=CHAIR)
def _sign(_client: FlaskClient) -> Request:
    from werkzeug.datastructures import MultiDict

    from portal.decisions.forms import decision_draft
    from portal.decisions.operations import make_decision
    from portal.decisions.queries import set_facts

    found = proposal(TRIAGED_TITLE)
    sets = set_facts(found)
    made = make_decision(found, committee("ire"), sets, decision_draft(MultiDict(decision_form(found)), sets),
                         actor=user(CHAIR))
    db.session.commit()
    return f"/decisions/{made.id}/sign", {"printed_name": user(CHAIR).name, "password": DEMO_PASSWORD}


@case("decisions.administrative")
def _administrative(_client: FlaskClient) -> Request:
    from portal.routing.operations import confirm_out_of_scope

    found = proposal(COLD_CHAIN)
    confirm_out_of_scope(found, reason="A logistics model; no criteria set applies.", actor=user(COORDINATOR))
    db.session.commit()
    return f"/proposals/{found.id}/administrative-determination", {"printed_name": user(COORDINATOR).name,
                                                                    "password": DEMO_PASSWORD}


@case("decisions.appeal")
def _appeal(_client: FlaskClient) -> Request:
    return f"/decisions/{_final_decision().id}/appeal", {
        "level": "institutional", "grounds": "The annual confirmation duplicates an existing review (fictional)."}


@case("decisions.appeal_outcome")
def _appeal_outcome(_client: FlaskClient) -> Request:
    from portal.decisions.monitoring import file_appeal

    decision = _final_decision()
    appeal = file_appeal(decision, level="institutional", grounds="The condition duplicates a review (fictional).",
                         actor=decision.proposal.pi)
    db.session.commit()
    return f"/appeals/{appeal.id}/outcome", {"outcome": "upheld", "reviewer": "Institutional appeals panel"}


@case("decisions.evidence")
def _evidence(_client: FlaskClient) -> Request:
    condition = next(c for c in _final_decision().conditions if c.owner == "investigator")
    return f"/conditions/{condition.id}/evidence", {"evidence": "The access list is filed with the records."}


@case("decisions.review")
def _review_evidence(_client: FlaskClient) -> Request:
    condition = next(c for c in _final_decision().conditions if c.status == "evidence_submitted")
    return f"/conditions/{condition.id}/review", {"action": "accept"}


@case("decisions.complete_clock")
def _complete_clock(_client: FlaskClient) -> Request:
    from portal.decisions.models import RegulatoryClock

    clock = db.session.scalar(select(RegulatoryClock).where(
        RegulatoryClock.decision_id == _final_decision().id, RegulatoryClock.owner == "investigator",
        RegulatoryClock.completed_at.is_(None)).order_by(RegulatoryClock.id))
    return f"/clocks/{clock.id}/complete", {"note": "Sent to the funding agency (fictional)."}


@case("decisions.export", persona=GOVERNANCE)
def _export(_client: FlaskClient) -> Request:
    return "/decisions/export", {"decision_id": [str(_final_decision().id)]}


@case("whatif.start", persona=GOVERNANCE)
def _whatif(_client: FlaskClient) -> Request:
    return "/reports/whatif", {"set_id": "usg-durc-pepp-2024"}

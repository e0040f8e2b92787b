"""A world seeded with canaries for the leak crawl, built only through the portal's operations.

Proposal P (title LK-PTITLE) went through a review round: two submitted reviews, a released revision item, the
team's answer, a resubmission and a draft review of version 2. Then the chair and the coordinator were named
as conflicted by the investigators, and one reviewer declared a conflict. Proposal Q, of another investigator,
has a review that the conflicted chair may read (the positive control).

The operations write notifications as they go (the coordinator chose the daily digest); the crawled people are
told of proposals before some of them are named as conflicted, so what they may read and be sent afterwards is
what the access policy allows now, not what it allowed when the message was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app

from portal.auth.models import User
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member, remove_member, set_deputy
from portal.conflicts.operations import declare_conflict
from portal.decisions.export import export_records
from portal.decisions.operations import make_decision, sign_decision
from portal.decisions.queries import set_facts
from portal.decisions.rules import ConditionDraft, DecisionDraft
from portal.extensions import db
from portal.jobs import runner
from portal.jobs.operations import create_job
from portal.meetings import operations as meetings
from portal.notifications.models import DIGEST
from portal.notifications.operations import set_delivery
from portal.proposals import operations as proposal_ops
from portal.proposals.fields import TeamRole
from portal.reviews.operations import assign_reviewer, complete_review, save_review
from portal.revisions.operations import ItemDraft, answer_items, resubmit, send_revision_request
from portal.screenings.queries import active_sets_for
from tests.factories import PASSWORD
from tests.reviews.conftest import World, complete_values, items_of, make_world

REVIEW_CANARIES = ("LK-RATIONALE", "LK-COMMITTEE", "LK-UNRELEASED", "LK-DRAFT")
# Proposal R's item at the meeting: its title, review, notes, and its one vote pattern (Q's votes are all "for").
ONE_TIME_REVIEWER = "LK-RN-P"  # the name of a reviewer of P only
MEETING_CANARIES = {"LK-RTITLE", "LK-R-RATIONALE", "LK-R-NOTES", "against 1, abstain 1", "LK-R-DECISION"}


@dataclass
class LeakWorld:
    chair: User
    coordinator: User
    recused_reviewer: User
    pi: User
    co_investigator: User
    released: str = "LK-RELEASED"
    control_for_committee: str = "LK-Q-VISIBLE"
    control_for_meeting: str = "LK-Q-NOTES"
    control_for_team: str = "AS-9"  # P's title when it was submitted (renamed LK-PTITLE later): its PI was told
    control_for_office: str = "LK-QTITLE"  # Q's title: its submission is news for the coordinator's digest
    deputy: User | None = None
    hidden_from_conflicted: set[str] = field(default_factory=set)
    hidden_from_investigators: set[str] = field(default_factory=set)


def _review(w: World, proposal, person: User, *, submit: bool = True, **texts: str) -> None:  # noqa: ANN001
    latest = proposal.versions[-1].id
    assignment = next(
        (a for a in proposal.review_assignments if a.reviewer_id == person.id and a.version_id == latest), None
    ) or assign_reviewer(proposal, w.ire, person, due_on=None, actor=w.coordinator)
    db.session.flush()
    values = complete_values(items_of(assignment), **texts)
    save_review(assignment, items_of(assignment), values, opened_lock=None, submit=submit, actor=person)
    db.session.commit()


def _meeting(w: World, factory, q, r, rn1: User, rn2: User) -> User:  # noqa: ANN001
    """A meeting with Q and R on the agenda: R's PI names the chair, the coordinator and a reviewer as
    conflicted, so the deputy runs R's item. Votes, notes and minutes."""
    deputy = factory.user(Role.REVIEWER, institution=w.institution, name="Deputy LK-DEP")
    lay = factory.user(Role.REVIEWER, institution=w.institution, name="Lay member LK-LAY")
    set_deputy(w.ire, add_member(w.ire, deputy, role=MemberRole.MEMBER, actor=None), actor=None)
    add_member(w.ire, lay, role=MemberRole.MEMBER, non_scientist=True, actor=None)
    meeting = meetings.schedule_meeting(w.ire, title="Leak meeting", starts_at=utcnow(), actor=w.coordinator)
    q_item = meetings.add_proposal_item(meeting, q, actor=w.coordinator)
    r_item = meetings.add_proposal_item(meeting, r, actor=w.coordinator)
    for person in (w.chair, w.reviewer, rn1, rn2, deputy, lay):
        meetings.record_attendance(meeting, person, present=True, actor=w.coordinator)
    meetings.start_meeting(meeting, actor=w.chair)
    for person in (w.chair, w.coordinator, rn2):
        declare_conflict(r, person, reason="Shares a grant with the PI LK-REASON", actor=r.pi)
    db.session.commit()
    for person in (w.chair, w.reviewer, rn1, deputy, lay):
        meetings.cast_vote(q_item, person, "for", actor=w.chair)
    meetings.record_notes(q_item, notes="Discussed openly LK-Q-NOTES", actor=w.chair)
    for person, choice in ((w.reviewer, "for"), (rn1, "against"), (deputy, "abstain"), (lay, "for")):
        meetings.cast_vote(r_item, person, choice, actor=deputy)
    meetings.record_notes(r_item, notes="Storage questions LK-R-NOTES", actor=deputy)
    meetings.end_meeting(meeting, actor=w.chair)
    meetings.generate_minutes(meeting, actor=w.chair)
    _decide(r, w, deputy, r_item.id)
    db.session.commit()
    return deputy


def _decide(r, w: World, deputy: User, item_id: int) -> None:  # noqa: ANN001
    """The deputy records and signs R's decision (the chair is conflicted), with a condition and its clocks."""
    sets = set_facts(r)
    draft = DecisionDraft(outcome="approved_with_conditions", rationale="Approved LK-R-DECISION",
                          conditions=[ConditionDraft("Keep the access list LK-R-DECISION", "investigator",
                                                     utcnow().date() + timedelta(days=30))])
    for facts in sets:
        draft.determinations[facts.set_id] = ("category_1", "Decided at the meeting LK-R-DECISION")
        for criterion, _question in facts.judgments:
            draft.judgments[(facts.set_id, criterion)] = ("yes", "LK-R-DECISION")
    decision = make_decision(r, w.ire, sets, draft, actor=deputy, meeting_item_id=item_id)
    for signer in (deputy, w.reviewer):
        sign_decision(decision, password=PASSWORD, printed_name=signer.name, actor=signer)
    job_id = create_job("record_export", {"decision_ids": [decision.id]}, total=1, actor=deputy).id
    db.session.commit()
    runner.run(current_app._get_current_object(), job_id, export_records)  # the deputy's export job


def _one_time_reviewer(w: World, factory, p, texts: dict[str, str]) -> None:  # noqa: ANN001
    """A member reviews P and then leaves the committee: member lists and assignment forms no longer name them,
    so their name appears only where P's reviewers are shown (a reviewer identity that conflicted people lack)."""
    person = factory.user(Role.REVIEWER, institution=w.institution, name=f"Reviewer {ONE_TIME_REVIEWER}")
    membership = add_member(w.ire, person, role=MemberRole.MEMBER, actor=None)
    db.session.commit()
    _review(w, p, person, **texts)
    remove_member(w.ire, membership, actor=w.coordinator)
    db.session.commit()


def build_leak_world(factory) -> LeakWorld:  # noqa: ANN001
    w = make_world(factory)
    # The coordinator takes the daily digest, so the digest's e-mail is read too (everyone else: immediate).
    set_delivery(w.coordinator, DIGEST, actor=w.coordinator)
    p = w.proposal
    p.title = "Leak canary LK-PTITLE"
    rn1 = factory.user(Role.REVIEWER, institution=w.institution, name="Reviewer LK-RN1")
    rn2 = factory.user(Role.REVIEWER, institution=w.institution, name="Reviewer LK-RN2")
    for person in (rn1, rn2):
        add_member(w.ire, person, role=MemberRole.MEMBER, actor=None)
    co_investigator = factory.user(Role.INVESTIGATOR, institution=w.institution, name="Co LK-COI")
    db.session.commit()

    texts = {"rationale": "LK-RATIONALE", "committee_comment": "LK-COMMITTEE", "investigator_comment": "LK-UNRELEASED"}
    _review(w, p, rn1, **texts)
    _review(w, p, rn2, **texts)
    _one_time_reviewer(w, factory, p, texts)
    request = send_revision_request(p, w.ire, [ItemDraft("Please clarify LK-RELEASED")], confirmed=True, actor=w.chair)
    db.session.commit()
    pi = p.pi
    # The co-investigator joins during the revision round, while the proposal can be edited.
    proposal_ops.add_member(p, co_investigator, TeamRole.CO_INVESTIGATOR, actor=pi)
    answer_items(request, {request.items[0].id: "Clarified LK-ANSWER"}, actor=pi)
    proposal_ops.update_proposal(p, {"sites": "Main campus and LK-SITE"}, actor=pi)
    resubmit(p, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True,
             criteria_sets=active_sets_for(w.institution.id))
    db.session.commit()
    _review(w, p, rn1, submit=False, rationale="LK-DRAFT")

    q = w.screened_and_routed(factory, "Control proposal LK-QTITLE")
    _review(w, q, rn1, rationale="LK-Q-VISIBLE")
    r = w.screened_and_routed(factory, "Meeting canary LK-RTITLE")
    _review(w, r, rn1, rationale="LK-R-RATIONALE")
    for ready in (q, r):
        complete_review(ready, actor=w.coordinator)

    declare_conflict(p, w.chair, reason="Co-author of the PI LK-REASON", actor=pi)
    declare_conflict(p, w.coordinator, reason="Former lab member LK-REASON", actor=pi)
    declare_conflict(p, rn2, reason="Collaborating on a grant LK-REASON", actor=rn2)
    db.session.commit()
    deputy = _meeting(w, factory, q, r, rn1, rn2)
    proposal_canaries = {"LK-PTITLE", "LK-SITE", "LK-RELEASED", "LK-ANSWER", "LK-REASON", ONE_TIME_REVIEWER}
    return LeakWorld(
        chair=w.chair,
        coordinator=w.coordinator,
        recused_reviewer=rn2,
        pi=pi,
        co_investigator=co_investigator,
        deputy=deputy,
        hidden_from_conflicted=proposal_canaries | set(REVIEW_CANARIES) | MEETING_CANARIES,
        # Reviewer identities (closed review), review texts, meetings, and the other investigators' proposals.
        hidden_from_investigators=set(REVIEW_CANARIES) | MEETING_CANARIES
        | {"LK-RN1", "LK-RN2", ONE_TIME_REVIEWER, "Chair Person", "LK-QTITLE", "LK-Q-VISIBLE", "LK-Q-NOTES"},
    )

"""A world seeded with canaries for the leak crawl, built only through the portal's operations.

Proposal P (title LK-PTITLE) went through a review round: two submitted reviews, a released revision item, the
team's answer, a resubmission and a draft review of version 2. Then the chair and the coordinator were named
as conflicted by the investigators, and one reviewer declared a conflict. Proposal Q, of another investigator,
has a review that the conflicted chair may read (the positive control).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.auth.models import User
from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.proposals import operations as proposal_ops
from portal.proposals.fields import TeamRole
from portal.reviews.operations import assign_reviewer, save_review
from portal.revisions.operations import ItemDraft, answer_items, resubmit, send_revision_request
from portal.screenings.queries import active_sets_for
from tests.factories import PASSWORD
from tests.reviews.conftest import World, complete_values, items_of, make_world

REVIEW_CANARIES = ("LK-RATIONALE", "LK-COMMITTEE", "LK-UNRELEASED", "LK-DRAFT")


@dataclass
class LeakWorld:
    chair: User
    coordinator: User
    recused_reviewer: User
    pi: User
    co_investigator: User
    released: str = "LK-RELEASED"
    control_for_committee: str = "LK-Q-VISIBLE"
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


def build_leak_world(factory) -> LeakWorld:  # noqa: ANN001
    w = make_world(factory)
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

    declare_conflict(p, w.chair, reason="Co-author of the PI LK-REASON", actor=pi)
    declare_conflict(p, w.coordinator, reason="Former lab member LK-REASON", actor=pi)
    declare_conflict(p, rn2, reason="Collaborating on a grant LK-REASON", actor=rn2)
    db.session.commit()

    proposal_canaries = {"LK-PTITLE", "LK-SITE", "LK-RELEASED", "LK-ANSWER", "LK-REASON"}
    return LeakWorld(
        chair=w.chair,
        coordinator=w.coordinator,
        recused_reviewer=rn2,
        pi=pi,
        co_investigator=co_investigator,
        hidden_from_conflicted=proposal_canaries | set(REVIEW_CANARIES),
        # Reviewer identities (closed review), review texts, and the other investigator's proposal.
        hidden_from_investigators=set(REVIEW_CANARIES)
        | {"LK-RN1", "LK-RN2", "Chair Person", "LK-QTITLE", "LK-Q-VISIBLE"},
    )

"""The review side's notifications, through the portal's operations and delivered over SMTP: triage tells the
team where the proposal went and each routed committee's chair that there is work; an assignment tells the
reviewer alone; a revision request and a resubmission tell who needs to know. A conflicted chair hears nothing,
and no message to the team names a reviewer or a committee member."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from flask import Flask

from portal.auth.models import User
from portal.auth.roles import Role
from portal.clock import utcnow
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member, set_deputy
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.notifications.sender import send_due
from portal.proposals.operations import update_proposal
from portal.reviews.operations import assign_reviewer
from portal.revisions.operations import ItemDraft, answer_items, resubmit, send_revision_request
from portal.routing.operations import confirm_out_of_scope, triage_proposal
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.queries import active_sets_for
from portal.screenings.registry import all_sets
from tests.factories import PASSWORD
from tests.notifications.conftest import Mailbox
from tests.reviews.conftest import World, world  # noqa: F401 - the shared fixture
from tests.revisions.test_revisions import ITEM, reviewed  # noqa: F401 - the shared fixture
from tests.routing.test_triage import REFERRED, _committee, _screened

TITLE = "Notification canary NT-3"


def _deliver(app: Flask, mailbox: Mailbox) -> list[EmailMessage]:
    """Send what is due; the messages that arrived with this send."""
    before = len(mailbox.messages)
    send_due(app)
    return mailbox.messages[before:]


def _received(mailbox: Mailbox, messages: list[EmailMessage], user: User) -> list[EmailMessage]:
    return [m for m in messages if m in mailbox.to(user.email)]


def _link(app: Flask, path: str) -> str:
    return f"{app.config['BASE_URL']}{path}"


def _triage_world(factory):  # noqa: ANN001, ANN202
    """Two committees: the review entity's chair is free; the biosafety committee's chair is conflicted with the
    proposal, so its deputy acts; a plain member hears nothing of triage."""
    institution = factory.institution()
    set_criteria_set_active(institution, all_sets()["usg-durc-pepp-2024"], True, actor=None)
    ire = _committee(institution, "Review Entity", "ire")
    ibc = _committee(institution, "Biosafety Committee", "ibc")
    people = {
        "ire_chair": factory.user(Role.CHAIR, Role.REVIEWER, institution=institution, name="Irene Chair"),
        "ibc_chair": factory.user(Role.CHAIR, Role.REVIEWER, institution=institution, name="Conrad Conflicted"),
        "deputy": factory.user(Role.REVIEWER, institution=institution, name="Dana Deputy"),
        "member": factory.user(Role.REVIEWER, institution=institution, name="Mel Member"),
        "coordinator": factory.user(Role.COORDINATOR, institution=institution, name="Cora Coordinator"),
    }
    add_member(ire, people["ire_chair"], role=MemberRole.CHAIR, actor=None)
    add_member(ibc, people["ibc_chair"], role=MemberRole.CHAIR, actor=None)
    set_deputy(ibc, add_member(ibc, people["deputy"], role=MemberRole.MEMBER, actor=None), actor=None)
    add_member(ibc, people["member"], role=MemberRole.MEMBER, actor=None)
    db.session.commit()
    return institution, ire, ibc, people


def test_triage_tells_the_team_where_it_went_and_each_acting_chair_but_not_a_conflicted_one(
    app: Flask, factory, mailbox: Mailbox  # noqa: ANN001
) -> None:
    institution, ire, ibc, people = _triage_world(factory)
    proposal = _screened(factory, institution, REFERRED, title=TITLE)
    declare_conflict(proposal, people["ibc_chair"], reason="Co-author of the applicant", actor=proposal.pi)
    db.session.commit()
    _deliver(app, mailbox)  # the submission's own messages

    triage_proposal(proposal, [ire, ibc], proposed=[ire], reason="Biosafety questions too", actor=people["coordinator"])
    db.session.commit()
    arrived = _deliver(app, mailbox)

    to_pi, = _received(mailbox, arrived, proposal.pi)
    assert mailbox.subject(to_pi) == f"Sent for committee review: {TITLE}"
    body = to_pi.get_content()
    assert "Review Entity, Biosafety Committee" in body
    assert f"Open it in the portal: {_link(app, f'/proposals/{proposal.id}')}" in body.splitlines()
    for person in people.values():  # the team learns which committees, never who sits on them
        assert person.name not in body and person.name not in mailbox.subject(to_pi)

    to_chair, = _received(mailbox, arrived, people["ire_chair"])
    assert mailbox.subject(to_chair) == f"New proposal for Review Entity: {TITLE}"
    assert _link(app, f"/proposals/{proposal.id}/assignments") in to_chair.get_content()
    assert "Biosafety Committee" not in to_chair.get_content()  # only the committees they act for
    to_deputy, = _received(mailbox, arrived, people["deputy"])  # acts for the conflicted chair
    assert mailbox.subject(to_deputy) == f"New proposal for Biosafety Committee: {TITLE}"

    assert mailbox.to(people["ibc_chair"].email) == []  # a conflicted chair learns nothing, ever
    assert _received(mailbox, arrived, people["member"]) == []
    assert _received(mailbox, arrived, people["coordinator"]) == []  # who triaged needs no telling
    assert len(arrived) == 3


def test_a_proposal_confirmed_out_of_scope_is_announced_to_its_team_alone(
    app: Flask, factory, mailbox: Mailbox  # noqa: ANN001
) -> None:
    institution, _, _, people = _triage_world(factory)
    proposal = _screened(factory, institution, {"agents.works_with_agents": "no"}, title=TITLE)
    _deliver(app, mailbox)

    confirm_out_of_scope(proposal, reason="Desk study only", actor=people["coordinator"])
    db.session.commit()
    arrived = _deliver(app, mailbox)

    to_pi, = arrived
    assert to_pi in mailbox.to(proposal.pi.email)
    assert mailbox.subject(to_pi) == f"No committee review needed: {TITLE}"
    assert "administrative determination" in to_pi.get_content()
    assert _link(app, f"/proposals/{proposal.id}") in to_pi.get_content()


def test_an_assignment_tells_the_reviewer_alone_with_the_due_date_and_their_review_form(
    app: Flask, world: World, mailbox: Mailbox  # noqa: F811
) -> None:
    w = world
    _deliver(app, mailbox)  # submission and triage
    due = utcnow().date() + timedelta(days=10)

    assignment = assign_reviewer(w.proposal, w.ire, w.reviewer, due_on=due, actor=w.coordinator)
    db.session.commit()
    arrived = _deliver(app, mailbox)

    to_reviewer, = arrived
    assert to_reviewer in mailbox.to(w.reviewer.email)
    assert mailbox.subject(to_reviewer) == f"Review requested: {w.proposal.title} (due {due.isoformat()})"
    body = to_reviewer.get_content()
    assert "version 1" in body and "Review Entity" in body
    assert _link(app, f"/assignments/{assignment.id}/review") in body


def test_a_revision_request_and_the_resubmission_reach_the_team_and_the_reviewers_but_no_reviewer_is_named(
    app: Flask, reviewed: World, mailbox: Mailbox  # noqa: F811
) -> None:
    w = reviewed
    pi = w.proposal.pi
    _deliver(app, mailbox)  # submission, triage, assignments

    request = send_revision_request(w.proposal, w.ire, [ItemDraft(ITEM), ItemDraft("Name the site's oversight body.")],
                                    confirmed=True, actor=w.chair)
    db.session.commit()
    arrived = _deliver(app, mailbox)

    to_pi, = arrived
    assert to_pi in mailbox.to(pi.email)
    assert mailbox.subject(to_pi) == f"Revisions requested: {w.proposal.title}"
    assert "2 items to answer" in to_pi.get_content()
    assert _link(app, f"/proposals/{w.proposal.id}") in to_pi.get_content()
    assert ITEM not in to_pi.get_content()  # the items are read in the portal, behind its access checks

    update_proposal(w.proposal, {"sites": "Main campus; partner site (fictional)"}, actor=pi)
    answer_items(request, {item.id: "A named biosafety officer oversees each site." for item in request.items},
                 actor=pi)
    resubmit(w.proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True,
             criteria_sets=active_sets_for(w.institution.id))
    db.session.commit()
    arrived = _deliver(app, mailbox)

    subject = f"New version submitted: {w.proposal.title} (version 2)"
    to_pi, = _received(mailbox, arrived, pi)
    assert mailbox.subject(to_pi) == subject and "Its reviewers and the review office" in to_pi.get_content()
    for staff in (w.reviewer, w.chair, w.coordinator):
        message, = _received(mailbox, arrived, staff)
        assert mailbox.subject(message) == subject
        assert "differences from the earlier version" in message.get_content()
        assert _link(app, f"/proposals/{w.proposal.id}") in message.get_content()
    assert len(arrived) == 4

    team_mail = mailbox.to(pi.email)
    assert len(team_mail) == 4  # submitted, sent for review, revisions requested, new version
    for message in team_mail:
        for name in (w.reviewer.name, w.chair.name, w.coordinator.name):
            assert name not in mailbox.subject(message) and name not in message.get_content()

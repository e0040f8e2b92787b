"""The demo seed: what a newcomer sees after `make demo`."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.auth.models import User
from portal.auth.roles import AccountStatus, Role
from portal.clock import utcnow
from portal.committees.models import Committee
from portal.demo.seed import DEMO_PASSWORD, DEMO_USERS
from portal.extensions import db
from portal.proposals.models import Proposal, ProposalVersion
from tests.conftest import sign_in


def _seed(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_creates_one_user_per_role_and_prints_logins(app):
    output = _seed(app)
    held = {role for user in db.session.scalars(select(User)) for role in user.roles}
    assert held == set(Role)
    for user in DEMO_USERS:
        assert user.email in output
    assert DEMO_PASSWORD in output
    assert db.session.scalar(select(func.count()).where(User.status == AccountStatus.PENDING.value)) == 1


def test_seed_creates_a_dozen_proposals_in_several_states(app):
    _seed(app)
    states = dict(db.session.execute(select(Proposal.state, func.count()).group_by(Proposal.state)).all())
    assert sum(states.values()) == 13
    assert {"draft", "screened", "withdrawn"} <= set(states)
    assert db.session.scalar(select(func.max(ProposalVersion.number))) >= 3  # amendments exist


def test_seed_twice_changes_nothing_and_audit_chain_verifies(app):
    _seed(app)
    count = db.session.scalar(select(func.count()).select_from(Proposal))
    assert "already" in _seed(app)
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == count
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_every_demo_login_works(app):
    _seed(app)
    for user in DEMO_USERS:
        client = app.test_client()
        assert sign_in(client, user.email, DEMO_PASSWORD).headers["Location"].endswith("/dashboard")
        assert client.get("/dashboard").status_code == 200


def test_seed_creates_two_committees_with_a_community_member(app):
    _seed(app)
    committees = {c.name: c for c in db.session.scalars(select(Committee))}
    assert set(committees) == {"Institutional Review Entity", "Institutional Biosafety Committee"}
    ire, ibc = committees["Institutional Review Entity"], committees["Institutional Biosafety Committee"]
    assert (ire.kind, ire.quorum_percent, ire.require_non_scientist, ire.closed_review) == ("ire", 50, True, True)
    assert {(m.user.email, m.role, m.non_scientist) for m in ire.members} == {
        ("chair@northbridge.example", "chair", False),
        ("reviewer@northbridge.example", "member", False),
        ("community@northbridge.example", "member", True),
        ("reviewer2@northbridge.example", "member", False),
    }
    assert (ibc.kind, ibc.quorum_count) == ("ibc", 3)
    assert {m.user.email for m in ibc.members} == {"reviewer@northbridge.example", "chair@northbridge.example"}


def test_seed_shows_a_revision_round_a_proposal_awaiting_decision_and_one_in_review(app):
    from portal.reviews.models import Review
    from portal.revisions.models import RevisionRequest

    _seed(app)
    by_title = {p.title: p for p in db.session.scalars(select(Proposal))}
    decided_next = by_title["Community clinic surveillance of seasonal respiratory illness (observational)"]
    assert decided_next.state == "awaiting_decision"
    [request] = db.session.scalars(select(RevisionRequest))
    assert request.proposal_id == decided_next.id and request.answered_version.number == decided_next.version_count
    in_review = by_title["Comparative review of dual-use research policy frameworks"]
    assert in_review.state == "in_review"
    states = dict(db.session.execute(select(Review.state, func.count()).group_by(Review.state)).all())
    assert states == {"submitted": 6, "draft": 1}  # two of them on the decided proposal
    assert by_title["Literature triage with machine learning for biosafety review offices"].state == "screened"


def test_seed_shows_a_reviewer_who_stepped_back_for_a_conflict(app):
    from portal.conflicts.models import ConflictDeclaration

    _seed(app)
    [declaration] = db.session.scalars(select(ConflictDeclaration)).all()
    declared_by = db.session.get(User, declaration.user_id)
    assert (declared_by.email, declaration.source) == ("reviewer2@northbridge.example", "self")
    client = app.test_client()
    sign_in(client, "coordinator@northbridge.example", DEMO_PASSWORD)
    page = client.get(f"/proposals/{declaration.proposal_id}/assignments").get_data(as_text=True)
    assert "Dr Tomasz Nowak" in page and "declared: Co-authored a recent policy paper" in page
    stepped_back = app.test_client()
    sign_in(stepped_back, "reviewer2@northbridge.example", DEMO_PASSWORD)
    assert stepped_back.get(f"/proposals/{declaration.proposal_id}").status_code == 404


def test_seed_shows_a_held_meeting_with_votes_and_minutes_and_the_next_one(app):
    from portal.meetings.models import Meeting, Vote

    _seed(app)
    held, upcoming = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    assert (held.state, held.minutes_state, upcoming.state) == ("ended", "draft", "scheduled")
    assert "Votes: for 3, against 0, abstain 0, recused 0." in held.items[0].minutes_text
    assert db.session.scalar(select(func.count()).select_from(Vote)) == 3
    assert [i.minutes_of_id for i in upcoming.items] == [held.id]
    client = app.test_client()
    sign_in(client, "chair@northbridge.example", DEMO_PASSWORD)
    assert "Review Entity: next monthly meeting" in client.get("/dashboard").get_data(as_text=True)
    assert client.get(f"/meetings/{held.id}/minutes").status_code == 200


def test_seed_shows_decisions_a_superseded_one_an_appeal_conditions_and_an_overdue_clock(app):
    from portal.decisions.models import Appeal, Decision, RegulatoryClock

    _seed(app)
    decided = db.session.scalar(select(Proposal).where(Proposal.title.like("Oversight records of a regional%")))
    first, second = db.session.scalars(select(Decision).where(Decision.proposal_id == decided.id)
                                       .order_by(Decision.id)).all()
    assert (first.outcome, second.outcome, second.supersedes_id) == ("not_approved", "approved_with_conditions",
                                                                     first.id)
    assert decided.state == "active" and first.final and second.final
    appeal = db.session.scalar(select(Appeal))
    assert (appeal.decision_id, appeal.new_decision_id, appeal.outcome) == (first.id, second.id, "modified")
    assert [c.status for c in second.conditions] == ["evidence_submitted", "open"]
    clocks = db.session.scalars(select(RegulatoryClock).where(RegulatoryClock.decision_id == second.id)).all()
    statuses = {c.kind: c.status_on(utcnow().date()) for c in clocks}
    assert statuses["notify_funding_agency"] == "overdue" and statuses["submit_draft_rmp"] in ("open", "due_soon")
    coordinator = app.test_client()
    sign_in(coordinator, "coordinator@northbridge.example", DEMO_PASSWORD)
    assert "Overdue" in coordinator.get("/dashboard").get_data(as_text=True)
    administrative = db.session.scalar(select(Decision).where(Decision.kind == "administrative"))
    assert administrative.final and administrative.proposal.state == "active"
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_seed_fills_inboxes_and_sends_the_due_email_to_the_demo_mbox(app):
    """The seed's operations notified people: the investigator has unread notifications beside read ones, the chair
    takes the daily digest (their messages wait for it), and the rest was e-mailed to <instance>/mail/outbox.mbox,
    which the seed command names."""
    import email.policy
    import mailbox
    from pathlib import Path

    from portal.notifications.models import DIGEST, PENDING, SENT, Notification
    from portal.notifications.queries import inbox, unread_count

    output = _seed(app)
    outbox = Path(app.instance_path) / "mail" / "outbox.mbox"
    assert f"less {outbox}" in output  # the full path here: the tests do not run below the instance folder
    people = {user.email: user for user in db.session.scalars(select(User))}
    investigator = people["investigator@northbridge.example"]
    items, total = inbox(investigator)
    assert 0 < unread_count(investigator) < total
    assert any(n.read_at is None for n in items) and any(n.read_at is not None for n in items)

    chair = people["chair@northbridge.example"]
    assert chair.notify_delivery == DIGEST
    chairs = list(db.session.scalars(select(Notification).where(Notification.recipient_id == chair.id)))
    assert chairs and {(n.delivery, n.email_state) for n in chairs} == {(DIGEST, PENDING)}

    box = mailbox.mbox(str(outbox), create=False,
                       factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
    try:
        messages = list(box)
    finally:
        box.close()
    sent = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.email_state == SENT))
    assert len(messages) == sent > 0
    to_investigator = [m for m in messages if m["To"].addresses[0].addr_spec == investigator.email]
    assert to_investigator and all(m["Message-ID"] and m["Subject"] for m in to_investigator)
    assert "Dear Dr Amara Okafor," in to_investigator[0].get_body(("plain",)).get_content()
    assert not [m for m in messages if m["To"].addresses[0].addr_spec == chair.email]


def test_seed_shows_a_possible_inconsistency_on_the_triage_queue_and_the_proposal(app):
    """The wastewater proposal's answers deny any listed agent; its aims mention a regulated one. The coordinator
    sees the count on the triage queue and the passage on the proposal; its investigator sees neither."""
    from portal.consistency.models import ConsistencyCheck
    from portal.jobs.models import DONE, QUEUED, Job

    _seed(app)
    assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == "consistency_check",
                                                              Job.state == QUEUED)) == 0
    wastewater = db.session.scalar(select(Proposal).where(Proposal.title.startswith("Wastewater monitoring")))
    check = db.session.scalars(select(ConsistencyCheck).where(ConsistencyCheck.proposal_id == wastewater.id)).one()
    assert check.state == DONE and check.finding_count >= 1
    assert any("regulated agent or toxin" in f.passage for f in check.findings)

    coordinator = app.test_client()
    sign_in(coordinator, "coordinator@northbridge.example", DEMO_PASSWORD)
    queue = coordinator.get("/triage").get_data(as_text=True)
    row = queue.split("Wastewater monitoring")[1].split("</tr>")[0]
    assert "possible inconsistenc" in row
    page = coordinator.get(f"/proposals/{wastewater.id}").get_data(as_text=True)
    assert "Possible inconsistencies" in page and "regulated agent or toxin" in page
    investigator = app.test_client()
    sign_in(investigator, "investigator@northbridge.example", DEMO_PASSWORD)
    assert "Possible inconsistencies" not in investigator.get(f"/proposals/{wastewater.id}").get_data(as_text=True)

"""The consistency check in the portal: a submission schedules it, a job runs it after the request, coordinators and
reviewers see its findings on the proposal, the review form and the triage queue, investigators never do, a review
records the check it was written with, and nothing the check finds changes a screening, a routing or an outcome."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.audit.verify import verify_chain
from portal.auth.roles import Role
from portal.committees.kinds import MemberRole
from portal.committees.operations import add_member, create_committee
from portal.consistency.models import ConsistencyCheck, PossibleInconsistency
from portal.demo.answers import demo_answers
from portal.extensions import db
from portal.jobs.models import DONE, FAILED, QUEUED, Job
from portal.proposals import operations as proposal_ops
from portal.proposals.models import Proposal
from portal.reviews import operations as review_ops
from portal.routing import operations as routing_ops
from portal.screenings.models import Screening
from portal.screenings.operations import set_criteria_set_active
from portal.screenings.queries import active_sets_for
from portal.screenings.registry import all_sets
from tests.conftest import post, sign_in
from tests.factories import PASSWORD
from tests.proposals.conftest import sign_and_submit

# The investigator answers that no pathogen with pandemic potential is involved (durc24.ppp: no) ...
ANSWERS = {
    "agents.works_with_agents": "yes",
    "agents.groups": ["select_agents"],
    "durc24.ppp": "no",
    "durc24.unanticipated": "no",
    "durc24.voluntary_review": "no",
    "funding.us_federal": "yes",
}
# ... and the text says otherwise (public policy wording only).
CONTRADICTING = "The team will assess whether the isolate is a pathogen with pandemic potential."
NEUTRAL = "The team will write a data management plan and train new staff in the review process."


@pytest.fixture
def world(app, factory):
    return make_world(factory)


def make_world(factory) -> dict:
    """An institution applying the 2024 US policy, its review entity (a chair and a reviewer), a coordinator."""
    institution = factory.institution()
    set_criteria_set_active(institution, all_sets()["usg-durc-pepp-2024"], True, actor=None)
    ire = create_committee(institution_id=institution.id, actor=None, settings={
        "name": "Review Entity", "kind": "ire", "quorum_count": None, "quorum_percent": 50})
    chair = factory.user(Role.CHAIR, Role.REVIEWER, institution=institution)
    add_member(ire, chair, role=MemberRole.CHAIR, actor=None)
    reviewer = factory.user(Role.REVIEWER, institution=institution)
    add_member(ire, reviewer, role=MemberRole.MEMBER, actor=None)
    coordinator = factory.user(Role.COORDINATOR, institution=institution)
    db.session.commit()
    return {"institution": institution, "ire": ire, "chair": chair, "reviewer": reviewer,
            "coordinator": coordinator}


def _client(app, user):
    client = app.test_client()
    sign_in(client, user.email, PASSWORD)
    return client


def _draft(factory, world, aims: str, title: str = "Consistency canary CC-1") -> tuple[Proposal, object]:
    pi = factory.user(Role.INVESTIGATOR, institution=world["institution"])
    proposal = factory.proposal(pi, title=title)
    proposal_ops.update_proposal(proposal, {"aims": aims}, actor=pi)
    answers = demo_answers(active_sets_for(world["institution"].id), ANSWERS)  # what ANSWERS leaves open
    proposal_ops.record_screening_answers(proposal, answers, actor=pi)
    db.session.commit()
    return proposal, pi


def _submitted(app, factory, world, aims: str, title: str = "Consistency canary CC-1") -> tuple[Proposal, object]:
    """Submitted through the page, as an investigator does: the check runs after the request (inline in tests)."""
    proposal, pi = _draft(factory, world, aims, title)
    response = sign_and_submit(_client(app, pi), proposal, pi)
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == "screened"
    return proposal, pi


def _check_of(proposal: Proposal) -> ConsistencyCheck:
    db.session.expire_all()
    return db.session.scalars(select(ConsistencyCheck).where(ConsistencyCheck.proposal_id == proposal.id)
                              .order_by(ConsistencyCheck.id.desc())).first()


def test_a_submission_is_checked_after_the_request_and_the_passage_is_found(app, factory, world):
    proposal, _pi = _submitted(app, factory, world, f"{NEUTRAL} {CONTRADICTING}")
    check = _check_of(proposal)
    assert check.state == DONE and check.matcher == "lexical" and check.matcher_version
    assert check.criteria_compared >= 1 and len(check.indicators_digest) == 64
    flagged = {(f.set_id, f.criterion_id): f for f in check.findings}
    finding = flagged[("usg-durc-pepp-2024", "c2_ppp")]
    assert finding.field == "aims" and finding.passage == CONTRADICTING and 0 < finding.similarity <= 1
    assert all(f.passage != NEUTRAL for f in check.findings)
    submitted = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "proposal.submit")).one()
    assert json.loads(submitted.data)["consistency_check"] == check.id
    checked = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "consistency.checked")).one()
    data = json.loads(checked.data)
    assert data["findings"] == check.finding_count and CONTRADICTING not in checked.data  # no text in the log
    assert verify_chain().intact


def test_coordinators_see_the_findings_and_the_investigators_never_do(app, factory, world):
    proposal, pi = _submitted(app, factory, world, CONTRADICTING)
    page = _client(app, world["coordinator"]).get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Possible inconsistencies" in page and CONTRADICTING in page.split('id="consistency"')[1]
    assert "pathogen with pandemic potential" in page and "Check again" in page
    own = _client(app, pi).get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Possible inconsistencies" not in own and 'id="consistency"' not in own
    assert post(_client(app, pi), f"/proposals/{proposal.id}/consistency/check").status_code == 403


def test_the_triage_queue_counts_the_possible_inconsistencies(app, factory, world):
    flagged, _ = _submitted(app, factory, world, CONTRADICTING, title="Flagged canary")
    clean, _ = _submitted(app, factory, world, NEUTRAL, title="Clean canary")
    page = _client(app, world["coordinator"]).get("/triage").get_data(as_text=True)
    flagged_row = page.split("Flagged canary")[1].split("</tr>")[0]
    clean_row = page.split("Clean canary")[1].split("</tr>")[0]
    count = _check_of(flagged).finding_count
    assert count >= 1
    assert (f"{count} possible inconsistenc" in flagged_row
            and f'/proposals/{flagged.id}#consistency' in flagged_row)
    assert "possible inconsistenc" not in clean_row and _check_of(clean).finding_count == 0


def test_the_check_changes_no_screening_routing_or_outcome(app, factory, world):
    """Two proposals with the same answers, one whose text the check flags: the same screening (outcome, score,
    every finding), the same proposed committees, and triaging, reviewing and deciding go the same way."""
    flagged, _ = _submitted(app, factory, world, CONTRADICTING, title="Flagged twin")
    clean, _ = _submitted(app, factory, world, NEUTRAL, title="Clean twin")
    assert _check_of(flagged).finding_count >= 1 and _check_of(clean).finding_count == 0

    def screening_of(proposal):
        rows = db.session.scalars(select(Screening).where(Screening.proposal_id == proposal.id)).all()
        return [(r.set_id, r.set_digest, r.outcome_id, r.severity, r.score, r.via_unsure,
                 json.loads(r.result)["findings"]) for r in rows]

    assert screening_of(flagged) == screening_of(clean)
    before = screening_of(flagged)
    # Run the check again (twice: one done, one more): nothing outside its own tables moves.
    coordinator = _client(app, world["coordinator"])
    assert post(coordinator, f"/proposals/{flagged.id}/consistency/check").status_code == 302
    assert screening_of(flagged) == before
    assert db.session.get(Proposal, flagged.id).state == db.session.get(Proposal, clean.id).state == "screened"

    triage_pages = [coordinator.get(f"/proposals/{p.id}/triage").get_data(as_text=True) for p in (flagged, clean)]
    proposed = [page.split('name="triage-committees"')[1].split(">")[0] for page in triage_pages]
    assert proposed[0] == proposed[1]  # the same committee proposed, and checked, for both
    for proposal in (flagged, clean):
        routing_ops.triage_proposal(db.session.get(Proposal, proposal.id), [world["ire"]], proposed=[world["ire"]],
                                    reason="", actor=world["coordinator"])
    db.session.commit()
    states = {db.session.get(Proposal, p.id).state for p in (flagged, clean)}
    assert states == {"in_review"}


def test_a_review_records_the_check_its_reviewer_was_shown(app, factory, world):
    proposal, _pi = _submitted(app, factory, world, CONTRADICTING)
    routing_ops.triage_proposal(db.session.get(Proposal, proposal.id), [world["ire"]], proposed=[world["ire"]],
                                reason="", actor=world["coordinator"])
    proposal = db.session.get(Proposal, proposal.id)
    assignment = review_ops.assign_reviewer(proposal, world["ire"], world["reviewer"], due_on=None,
                                           actor=world["chair"])
    db.session.commit()
    reviewer = _client(app, world["reviewer"])
    form = reviewer.get(f"/assignments/{assignment.id}/review").get_data(as_text=True)
    assert "Possible inconsistencies" in form and CONTRADICTING in form
    response = post(reviewer, f"/assignments/{assignment.id}/review",
                    {"lock_version": "", "action": "save", "committee_comment": "Read the flagged passage."})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    check = _check_of(proposal)
    db.session.expire_all()
    saved = db.session.get(type(assignment), assignment.id).review
    assert saved.consistency_check_id == check.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.saved")).one()
    assert json.loads(event.data)["consistency_check"] == {"id": check.id, "matcher": "lexical",
                                                           "findings": check.finding_count}


def test_check_again_is_refused_while_a_check_is_waiting(app, factory, world):
    proposal, pi = _draft(factory, world, CONTRADICTING)
    proposal_ops.submit_proposal(proposal, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True,
                                 criteria_sets=active_sets_for(world["institution"].id))
    db.session.commit()  # outside a request: scheduled, not started
    assert _check_of(proposal).state == QUEUED
    coordinator = _client(app, world["coordinator"])
    page = coordinator.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Checking the text of version 1" in page
    response = post(coordinator, f"/proposals/{proposal.id}/consistency/check", follow_redirects=True)
    assert "already waiting or running" in response.get_data(as_text=True)
    assert db.session.scalars(select(ConsistencyCheck).where(ConsistencyCheck.proposal_id == proposal.id)).all() \
        == [_check_of(proposal)]


def test_a_check_that_cannot_run_says_why_and_can_be_run_again(app, factory, world, monkeypatch):
    def broken(_setting):
        raise RuntimeError("the model could not be loaded")

    monkeypatch.setattr("portal.consistency.job.matcher_for", broken)
    proposal, _pi = _submitted(app, factory, world, CONTRADICTING)
    assert _check_of(proposal).state == FAILED
    assert db.session.scalars(select(PossibleInconsistency)).all() == []
    coordinator = _client(app, world["coordinator"])
    page = coordinator.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "The check could not run" in page and "Check again" in page
    monkeypatch.undo()
    response = post(coordinator, f"/proposals/{proposal.id}/consistency/check", follow_redirects=True)
    assert "being checked again" in response.get_data(as_text=True)
    assert _check_of(proposal).state == DONE and _check_of(proposal).finding_count >= 1
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "consistency.requested")).one()


def test_the_command_runs_waiting_checks_and_backfills_versions_without_one(app, factory, world):
    waiting, pi = _draft(factory, world, CONTRADICTING, title="Waiting canary")
    proposal_ops.submit_proposal(waiting, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True,
                                 criteria_sets=active_sets_for(world["institution"].id))
    older, pi2 = _draft(factory, world, CONTRADICTING, title="Older canary")
    proposal_ops.submit_proposal(older, actor=pi2, password=PASSWORD, printed_name=pi2.name, attested=True,
                                 criteria_sets=active_sets_for(world["institution"].id))
    db.session.commit()
    old_check = _check_of(older)
    db.session.delete(old_check)  # as if submitted before the check existed
    db.session.delete(db.session.get(Job, old_check.job_id))
    db.session.commit()

    ids = [waiting.id, older.id]
    result = CliRunner().invoke(app.cli, ["consistency", "run", "--backfill"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "scheduled 1" in result.output and "checked 2, failed 0" in result.output
    assert [_check_of(db.session.get(Proposal, i)).state for i in ids] == [DONE, DONE]

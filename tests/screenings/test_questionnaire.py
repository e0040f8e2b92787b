"""The screening questionnaire of a proposal: what it shows, how it branches, what it refuses and who may
use it, and how open questions hold back submission."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.auth.roles import Role
from portal.extensions import db
from portal.proposals import operations as ops
from portal.proposals.models import Proposal
from portal.screenings.forms import field_name
from portal.screenings.registry import all_sets
from tests.criteria.tiny_tree import write_tree
from tests.proposals.conftest import event_data, events, reload, sign_and_submit, signed_in, text, versions_of
from tests.screenings.helpers import (
    DURC_2024,
    OUT_OF_SCOPE_TITLE,
    activate,
    questionnaire_url,
    save_answers,
    saved_answers,
    screenings_of,
    shows_question,
)

GATE = "agents.works_with_agents"
GROUPS = "agents.groups"
CAT1 = "durc24.cat1_outcomes"
PPP = "durc24.ppp"
UNANTICIPATED = "durc24.unanticipated"
FEDERAL = "funding.us_federal"
NOTHING_SAVED = "Some answers need attention; nothing was saved yet."


def _draft(app, factory, *set_ids: str):  # noqa: ANN202
    """A complete draft at an institution applying `set_ids`, and its PI signed in."""
    institution = factory.institution()
    if set_ids:
        activate(institution, *set_ids)
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    proposal = factory.proposal(pi)
    return proposal, pi, signed_in(app, pi)


# --- No criteria sets ----------------------------------------------------------------------------------------


def test_with_no_active_sets_nothing_applies_and_the_version_has_no_screening(app, factory):
    proposal, pi, client = _draft(app, factory)

    page = client.get(questionnaire_url(proposal))
    assert page.status_code == 200
    body = text(page)
    assert "Your institution has not chosen any criteria sets yet, so there is nothing to answer." in body
    assert '<a href="/criteria">criteria sets</a>' in body
    assert "Save answers" not in body
    assert "What the screening says so far" not in body

    detail = text(client.get(f"/proposals/{proposal.id}"))
    assert "Your institution applies no criteria sets yet, so there are no screening questions." in detail
    assert "Complete: everything needed for submission is here." in detail

    submitted = sign_and_submit(client, proposal, pi)
    page = text(submitted)
    assert "Version 1 was signed and submitted." in page
    assert "Version 1 was submitted when no criteria sets applied, so it has no screening." in page
    assert len(versions_of(proposal.id)) == 1
    assert screenings_of(proposal) == []
    assert event_data(events("proposal.submit")[0])["screenings"] == []


# --- Branching -----------------------------------------------------------------------------------------------


def test_gate_questions_lead_and_follow_ups_appear_and_go_with_their_gate(app, factory):
    proposal, pi, client = _draft(app, factory, DURC_2024)

    page = text(client.get(questionnaire_url(proposal)))
    assert shows_question(page, GATE)
    assert shows_question(page, FEDERAL)
    for follow_up in (GROUPS, CAT1, PPP, UNANTICIPATED):
        assert not shows_question(page, follow_up), follow_up

    # Answering the gate "yes" brings in its follow-ups (the groups question among them).
    response = save_answers(client, proposal, {GATE: "yes"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(questionnaire_url(proposal) + "#questions")
    page = text(client.get(response.headers["Location"]))
    assert "Answers saved. 3 more question(s) now apply." in page
    assert shows_question(page, GROUPS)
    assert shows_question(page, PPP)
    assert not shows_question(page, CAT1)  # it waits for the groups answer
    assert saved_answers(proposal) == {GATE: "yes"}
    answered = events("proposal.screening_answered")
    assert [event_data(e)["questions"] for e in answered] == [[GATE]]
    assert answered[0].actor_id == pi.id
    assert answered[0].target_id == str(proposal.id)

    # A listed group brings in the Category 1 outcomes.
    save_answers(client, proposal, {GATE: "yes", GROUPS: ["select_agents"]})
    assert shows_question(text(client.get(questionnaire_url(proposal))), CAT1)
    everything = {
        GATE: "yes",
        GROUPS: ["select_agents"],
        CAT1: ["o7_countermeasures", "o1_transmissibility"],
        PPP: "no",
        UNANTICIPATED: "no",
        FEDERAL: "no",
    }
    assert save_answers(client, proposal, everything).status_code == 302
    assert saved_answers(proposal) == everything
    assert event_data(events("proposal.screening_answered")[-1])["questions"] == sorted(
        [CAT1, FEDERAL, PPP, UNANTICIPATED]
    )

    # The gate changes to "no": the browser still posts the follow-ups it showed, and they are dropped.
    response = save_answers(client, proposal, {**everything, GATE: "no"})
    assert response.status_code == 302
    assert saved_answers(proposal) == {GATE: "no", FEDERAL: "no"}
    assert event_data(events("proposal.screening_answered")[-1])["questions"] == sorted(
        [GATE, GROUPS, CAT1, PPP, UNANTICIPATED]
    )
    page = text(client.get(questionnaire_url(proposal)))
    for follow_up in (GROUPS, CAT1, PPP, UNANTICIPATED):
        assert not shows_question(page, follow_up), follow_up


def test_saving_the_same_answers_again_records_nothing(app, factory):
    proposal, _pi, client = _draft(app, factory, DURC_2024)
    save_answers(client, proposal, {GATE: "no", FEDERAL: "yes"})
    response = save_answers(client, proposal, {GATE: "no", FEDERAL: "yes"}, follow_redirects=True)
    assert "Answers saved." in text(response)
    assert len(events("proposal.screening_answered")) == 1


# --- Bad input -----------------------------------------------------------------------------------------------


def _assert_summary_links_to_the_question(page: str, question_id: str) -> None:
    """The error summary's link lands on the question's group of options."""
    name = field_name(question_id)
    assert f'<a href="#{name}">' in page
    assert f'<fieldset id="{name}"' in page


def test_an_unknown_radio_value_is_refused_with_a_field_error(app, factory):
    proposal, _pi, client = _draft(app, factory, DURC_2024)
    response = save_answers(client, proposal, {GATE: "maybe", FEDERAL: "no"})
    assert response.status_code == 400
    page = text(response)
    assert NOTHING_SAVED in page
    assert f'id="{field_name(GATE)}-error"' in page
    assert "Not a valid choice." in page
    _assert_summary_links_to_the_question(page, GATE)
    assert saved_answers(proposal) == {}
    assert events("proposal.screening_answered") == []


def test_an_unknown_checkbox_value_is_refused_with_a_field_error(app, factory):
    proposal, _pi, client = _draft(app, factory, DURC_2024)
    save_answers(client, proposal, {GATE: "yes"})
    response = save_answers(client, proposal, {GATE: "yes", GROUPS: ["select_agents", "martian_agents"]})
    assert response.status_code == 400
    page = text(response)
    assert NOTHING_SAVED in page
    assert f'id="{field_name(GROUPS)}-error"' in page
    assert "martian_agents" in page
    assert "is not a valid choice" in page
    _assert_summary_links_to_the_question(page, GROUPS)
    assert saved_answers(proposal) == {GATE: "yes"}
    assert len(events("proposal.screening_answered")) == 1


def test_a_post_without_the_csrf_token_is_refused(app, factory):
    proposal, _pi, client = _draft(app, factory, DURC_2024)
    response = client.post(questionnaire_url(proposal), data={field_name(GATE): "yes"})
    assert response.status_code == 400
    assert "Your form expired or was sent from another page." in text(response)
    forged = client.post(questionnaire_url(proposal), data={"csrf_token": "forged", field_name(GATE): "yes"})
    assert forged.status_code == 400
    assert saved_answers(proposal) == {}
    assert events("proposal.screening_answered") == []


class TestNumberAndDateQuestions:
    """No shipped set asks for a number or a date, so these use the tiny test folder (tests/criteria)."""

    @pytest.fixture
    def app_config(self, tmp_path: Path) -> dict[str, object]:
        return {"CRITERIA_DIR": str(write_tree(tmp_path / "review_criteria"))}

    def test_a_non_number_and_a_bad_date_are_refused(self, app, factory):
        proposal, _pi, client = _draft(app, factory, "tiny")
        response = save_answers(client, proposal, {"gate": "no", "tiny.count": "twelve", "tiny.start": "2026-13-45"})
        assert response.status_code == 400
        page = text(response)
        assert NOTHING_SAVED in page
        assert "Enter a number, for example 12 or 3.5." in page
        assert "Enter a date as YYYY-MM-DD." in page
        assert saved_answers(proposal) == {}

        good = {"gate": "no", "tiny.count": "12.5", "tiny.start": "2026-03-01"}
        assert save_answers(client, proposal, good).status_code == 302
        assert saved_answers(proposal) == good


# --- Who may answer ------------------------------------------------------------------------------------------


def test_an_investigator_not_on_the_team_gets_404(app, factory):
    proposal, pi, _client = _draft(app, factory, DURC_2024)
    outsider = signed_in(app, factory.user(Role.INVESTIGATOR, institution=pi.institution))
    assert outsider.get(questionnaire_url(proposal)).status_code == 404
    assert save_answers(outsider, proposal, {GATE: "yes"}).status_code == 404
    assert saved_answers(proposal) == {}
    assert len(events("access.denied")) == 2


def test_a_coordinator_reads_a_submitted_questionnaire_but_cannot_change_it(app, factory):
    institution = factory.institution()
    activate(institution, DURC_2024)
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    proposal = factory.proposal(pi)
    pi_client = signed_in(app, pi)
    save_answers(pi_client, proposal, {GATE: "no", FEDERAL: "yes"})
    sign_and_submit(pi_client, proposal, pi)
    assert reload(Proposal, proposal.id).state == "screened"

    coordinator = signed_in(app, factory.user(Role.COORDINATOR, institution=institution))
    page = coordinator.get(questionnaire_url(proposal))
    assert page.status_code == 200
    body = text(page)
    assert shows_question(body, GATE)
    assert "disabled" in body
    assert "Save answers" not in body
    assert save_answers(coordinator, proposal, {GATE: "yes", FEDERAL: "yes"}).status_code == 403
    assert saved_answers(proposal) == {GATE: "no", FEDERAL: "yes"}

    # A coordinator of another institution does not see it at all.
    elsewhere = signed_in(app, factory.user(Role.COORDINATOR, institution=factory.institution()))
    assert elsewhere.get(questionnaire_url(proposal)).status_code == 404


def test_a_withdrawn_proposal_cannot_be_answered_any_more(app, factory):
    proposal, pi, client = _draft(app, factory, DURC_2024)
    save_answers(client, proposal, {GATE: "no"})
    ops.withdraw_proposal(db.session.get(Proposal, proposal.id), reason="Not going ahead.", actor=pi)
    db.session.commit()

    page = client.get(questionnaire_url(proposal))
    assert page.status_code == 200
    assert "Save answers" not in text(page)
    assert save_answers(client, proposal, {GATE: "yes", FEDERAL: "no"}).status_code == 403
    assert saved_answers(proposal) == {GATE: "no"}
    assert len(events("proposal.screening_answered")) == 1


# --- Preview and completeness --------------------------------------------------------------------------------


def test_the_preview_waits_until_every_applicable_question_is_answered(app, factory):
    proposal, _pi, client = _draft(app, factory, DURC_2024)
    waiting = "The provisional outcome under each policy appears here when all the applicable questions have answers."

    page = text(client.get(questionnaire_url(proposal)))
    assert "What the screening says so far" in page
    assert waiting in page
    assert "2 questions still to answer before the proposal can be submitted." in page
    assert OUT_OF_SCOPE_TITLE not in page
    assert "The review coordinator checks the screening" not in page

    save_answers(client, proposal, {GATE: "no"})
    page = text(client.get(questionnaire_url(proposal)))
    assert "1 question still to answer before the proposal can be submitted." in page
    assert waiting in page
    assert OUT_OF_SCOPE_TITLE not in page

    save_answers(client, proposal, {GATE: "no", FEDERAL: "yes"})
    page = text(client.get(questionnaire_url(proposal)))
    assert "Every question that applies is answered." in page
    assert waiting not in page
    assert OUT_OF_SCOPE_TITLE in page
    assert f"Set usg-durc-pepp-2024, version {all_sets()[DURC_2024].version}" in page
    assert "Provisional screening outcome: a person decides." in page


def test_open_questions_are_listed_and_hold_back_submission(app, factory):
    proposal, pi, client = _draft(app, factory, DURC_2024)

    detail = text(client.get(f"/proposals/{proposal.id}"))
    assert "Answer the 2 remaining screening questions." in detail
    assert "2 screening questions to answer, from 1 policy applied at your institution." in detail
    refused = text(sign_and_submit(client, proposal, pi))
    assert "The proposal is not complete yet: Answer the 2 remaining screening questions." in refused
    assert versions_of(proposal.id) == []

    # The gate's follow-ups join the count once it is answered "yes".
    save_answers(client, proposal, {GATE: "yes"})
    assert "Answer the 4 remaining screening questions." in text(client.get(f"/proposals/{proposal.id}"))

    save_answers(client, proposal, {GATE: "no"})
    detail = text(client.get(f"/proposals/{proposal.id}"))
    assert "Answer the 1 remaining screening question." in detail
    refused = text(sign_and_submit(client, proposal, pi))
    assert "Answer the 1 remaining screening question." in refused
    assert versions_of(proposal.id) == []
    assert reload(Proposal, proposal.id).state == "draft"

    save_answers(client, proposal, {GATE: "no", FEDERAL: "no"})
    detail = text(client.get(f"/proposals/{proposal.id}"))
    assert "remaining screening question" not in detail
    assert "All screening questions that apply are answered." in detail
    assert "Version 1 was signed and submitted." in text(sign_and_submit(client, proposal, pi))
    assert len(versions_of(proposal.id)) == 1
    assert [row.outcome_id for row in screenings_of(proposal)] == ["out_of_scope_pi_attested"]

"""Proposal pages as an investigator, a preparer, a coordinator and an outsider use them."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.audit.canonical import sha256_hex
from portal.auth.roles import Role
from portal.errors import InvalidTransitionError
from portal.extensions import db
from portal.proposals import operations as ops
from portal.proposals.fields import FIELDS
from portal.proposals.lifecycle import change_state
from portal.proposals.models import ExternalCollaborator, Proposal, ProposalMember
from portal.proposals.states import Step
from portal.signatures.models import Signature
from tests.conftest import post
from tests.factories import COMPLETE_FIELDS, PASSWORD
from tests.proposals.conftest import (
    event_data,
    events,
    reload,
    sign_and_submit,
    signed_in,
    text,
    upload,
    versions_of,
)

ALL_FIELDS = {"title": "A fictional proposal", **COMPLETE_FIELDS}


def edit_data(**changes: str) -> dict[str, str]:
    return {**ALL_FIELDS, **changes}


def complete_draft(app, factory, pi, content: bytes | None = None):  # noqa: ANN001, ANN201
    """A draft completed through the pages, with a PDF uploaded through the page; returns it and the bytes."""
    client = signed_in(app, pi)
    proposal = factory.proposal(pi, complete=False)
    assert post(client, f"/proposals/{proposal.id}/edit", edit_data()).status_code == 302
    content = content or factory.pdf("The research plan.")
    assert upload(client, proposal.id, content, "research-plan.pdf").status_code == 302
    return client, reload(Proposal, proposal.id), content


# --- creating, editing, completeness -------------------------------------------------------------


def test_investigator_creates_edits_and_completes_a_draft(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    client = signed_in(app, pi)

    response = post(client, "/proposals/new", {"title": "Surveillance of fictional pathogens"})
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal).where(Proposal.pi_id == pi.id))
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}/edit")
    assert proposal.state == "draft"
    assert proposal.title == "Surveillance of fictional pathogens"
    assert proposal.created_by_id == pi.id
    assert [event_data(e)["title"] for e in events("proposal.created")] == ["Surveillance of fictional pathogens"]

    page = text(client.get(f"/proposals/{proposal.id}/edit"))
    assert "Draft created" in page
    assert 'value="Surveillance of fictional pathogens"' in page

    response = post(
        client,
        f"/proposals/{proposal.id}/edit",
        {"title": "Surveillance of fictional pathogens", "lay_summary": "  A short summary.  ", "then": "continue"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}/edit")
    assert reload(Proposal, proposal.id).lay_summary == "A short summary."
    assert event_data(events("proposal.updated")[-1])["fields"] == ["lay_summary"]

    page = text(client.get(f"/proposals/{proposal.id}"))
    assert "Completeness check" in page
    assert "Before it can be submitted, this proposal needs" in page
    for label in ("Aims is empty.", "Funding source is empty.", "Highest containment level is empty."):
        assert label in page
    assert "Lay summary is empty." not in page
    assert "Award or application number is empty." not in page  # optional
    assert "Attach at least one PDF document" in page

    response = post(client, f"/proposals/{proposal.id}/edit", edit_data(title="Surveillance of fictional pathogens"))
    assert response.status_code == 302
    page = text(client.get(f"/proposals/{proposal.id}"))
    assert "Saved." in page
    assert "is empty." not in page
    assert "Attach at least one PDF document" in page

    assert upload(client, proposal.id, factory.pdf()).status_code == 302
    page = text(client.get(f"/proposals/{proposal.id}"))
    assert "Complete: everything needed for submission is here." in page
    assert "Before it can be submitted" not in page
    stored = reload(Proposal, proposal.id)
    for name, value in COMPLETE_FIELDS.items():
        assert getattr(stored, name) == value
    assert "Federal (government) funding" in page  # choices are shown by their labels


def test_saving_without_changes_says_so(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi)
    client = signed_in(app, pi)
    before = len(events("proposal.updated"))
    response = post(client, f"/proposals/{proposal.id}/edit", edit_data(), follow_redirects=True)
    assert response.status_code == 200
    assert "No changes to save." in text(response)
    assert len(events("proposal.updated")) == before


def test_empty_title_is_a_form_error_and_nothing_changes(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, title="The saved title")
    client = signed_in(app, pi)
    before = len(events("proposal.updated"))

    response = post(client, f"/proposals/{proposal.id}/edit", edit_data(title="", aims="Changed aims"))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert "Give the proposal a title." in page
    assert "nothing was saved yet" in page
    stored = reload(Proposal, proposal.id)
    assert stored.title == "The saved title"
    assert stored.aims == COMPLETE_FIELDS["aims"]
    assert len(events("proposal.updated")) == before


def test_whitespace_only_title_is_refused_like_an_empty_one(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, title="The saved title")
    client = signed_in(app, pi)

    response = post(client, f"/proposals/{proposal.id}/edit", edit_data(title="   "))
    assert response.status_code == 400
    assert "Give the proposal a title." in text(response)
    assert reload(Proposal, proposal.id).title == "The saved title"

    response = post(client, "/proposals/new", {"title": " \t "})
    assert response.status_code == 200
    assert "Give the proposal a title." in text(response)
    assert db.session.scalar(select(Proposal).where(Proposal.title == "")) is None


def test_overlong_title_is_refused_and_the_saved_title_kept(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, title="The saved title")
    client = signed_in(app, pi)

    response = post(client, f"/proposals/{proposal.id}/edit", edit_data(title="x" * 100_000))
    assert response.status_code == 400
    assert "at most 300 characters" in text(response)
    assert reload(Proposal, proposal.id).title == "The saved title"

    response = post(client, "/proposals/new", {"title": "y" * 100_000})
    assert response.status_code == 200
    assert "at most 300 characters" in text(response)
    assert db.session.scalar(select(Proposal).where(Proposal.title.startswith("yyy"))) is None


def test_overlong_text_field_is_refused(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi)
    client = signed_in(app, pi)
    response = post(client, f"/proposals/{proposal.id}/edit", edit_data(lay_summary="z" * 5_001))
    assert response.status_code == 400
    assert "Use at most 5,000 characters." in text(response)
    assert reload(Proposal, proposal.id).lay_summary == COMPLETE_FIELDS["lay_summary"]


def test_unknown_choice_is_refused(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi)
    client = signed_in(app, pi)
    response = post(client, f"/proposals/{proposal.id}/edit", edit_data(containment_level="bsl9"))
    assert response.status_code == 400
    assert reload(Proposal, proposal.id).containment_level == "bsl2"


def test_extra_fields_in_an_edit_are_ignored(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    other_institution = factory.institution()
    other = factory.user(Role.INVESTIGATOR, institution=other_institution)
    proposal = factory.proposal(pi)
    client = signed_in(app, pi)

    response = post(
        client,
        f"/proposals/{proposal.id}/edit",
        edit_data(
            title="A new title",
            state="decided",
            pi_id=str(other.id),
            owner_id=str(other.id),
            created_by_id=str(other.id),
            version_count="9",
            institution_id=str(other_institution.id),
            submitted_at="2020-01-01",
            screening_answers='{"q1": "no"}',
        ),
    )
    assert response.status_code == 302
    stored = reload(Proposal, proposal.id)
    assert stored.title == "A new title"
    assert stored.state == "draft"
    assert stored.pi_id == pi.id
    assert stored.created_by_id == pi.id
    assert stored.institution_id == pi.institution_id
    assert stored.version_count == 0
    assert stored.submitted_at is None
    assert stored.screening_answers == "{}"
    assert versions_of(proposal.id) == []
    assert event_data(events("proposal.updated")[-1])["fields"] == ["title"]


def test_edit_without_csrf_token_is_refused(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, title="The saved title")
    client = signed_in(app, pi)
    before = len(events("proposal.updated"))

    response = client.post(f"/proposals/{proposal.id}/edit", data=edit_data(title="Forged"))
    assert response.status_code == 400
    assert "Your form expired" in text(response)
    assert "nothing was saved" in text(response)
    assert reload(Proposal, proposal.id).title == "The saved title"
    assert len(events("proposal.updated")) == before

    response = client.post(f"/proposals/{proposal.id}/edit", data={**edit_data(title="Forged"), "csrf_token": "bogus"})
    assert response.status_code == 400
    assert reload(Proposal, proposal.id).title == "The saved title"


def test_signed_out_visitor_is_sent_to_sign_in(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi)
    response = app.test_client().get(f"/proposals/{proposal.id}")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


# --- who may see what -------------------------------------------------------------------------------


@pytest.fixture
def two_proposals(factory):  # noqa: ANN201
    """A PI with a submitted proposal (two versions) and a draft."""
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    submitted = factory.proposal(pi, submitted=True, title="Submitted one")
    ops.update_proposal(submitted, {"aims": "Amended aims."}, actor=pi)
    ops.submit_proposal(submitted, actor=pi, password=PASSWORD, printed_name=pi.name, attested=True)
    db.session.commit()
    draft = factory.proposal(pi, title="Draft one")
    return institution, pi, submitted, draft


def _private_urls(proposal: Proposal) -> list[tuple[str, str]]:
    attachment = proposal.attachments[0]
    return [
        ("GET", f"/proposals/{proposal.id}"),
        ("GET", f"/proposals/{proposal.id}/versions/1"),
        ("GET", f"/proposals/{proposal.id}/diff?a=1&b=2"),
        ("GET", f"/proposals/{proposal.id}/attachments/{attachment.id}"),
        ("GET", f"/proposals/{proposal.id}/edit"),
        ("POST", f"/proposals/{proposal.id}/edit"),
        ("GET", f"/proposals/{proposal.id}/submit"),
        ("POST", f"/proposals/{proposal.id}/submit"),
        ("GET", f"/proposals/{proposal.id}/withdraw"),
        ("POST", f"/proposals/{proposal.id}/withdraw"),
        ("POST", f"/proposals/{proposal.id}/team"),
        ("POST", f"/proposals/{proposal.id}/collaborators"),
        ("POST", f"/proposals/{proposal.id}/attachments"),
        ("POST", f"/proposals/{proposal.id}/attachments/{attachment.id}/remove"),
    ]


@pytest.mark.parametrize("same_institution", [True, False], ids=["same-institution", "other-institution"])
def test_outsiders_get_404_everywhere(app, factory, two_proposals, same_institution):
    institution, pi, submitted, draft = two_proposals
    outsider = factory.user(Role.INVESTIGATOR, institution=institution if same_institution else None)
    client = signed_in(app, outsider)
    title_before = submitted.title

    for proposal in (submitted, draft):
        for method, url in _private_urls(proposal):
            if method == "GET":
                response = client.get(url)
            else:
                response = post(
                    client,
                    url,
                    {
                        **edit_data(title="Hijacked"),
                        "attest": "y",
                        "printed_name": outsider.name,
                        "password": PASSWORD,
                        "reason": "Because",
                        "email": outsider.email,
                        "role": "co_investigator",
                        "name": "Someone",
                        "affiliation": "Somewhere",
                    },
                )
            assert response.status_code == 404, (method, url, response.status_code)
            assert "Hijacked" not in text(response)
            assert "Submitted one" not in text(response)

    assert reload(Proposal, submitted.id).title == title_before
    assert reload(Proposal, draft.id).title == "Draft one"
    assert len(versions_of(submitted.id)) == 2
    assert versions_of(draft.id) == []
    assert reload(Proposal, draft.id).state == "draft"
    assert reload(Proposal, submitted.id).state == "submitted"
    denied = [e for e in events("access.denied") if e.actor_id == outsider.id]
    assert len(denied) == 2 * len(_private_urls(submitted))
    assert "My proposals" in text(client.get("/dashboard"))
    assert "Submitted one" not in text(client.get("/dashboard"))


def test_missing_proposal_is_404(app, factory):
    client = signed_in(app, factory.user(Role.INVESTIGATOR))
    assert client.get("/proposals/999999").status_code == 404
    assert client.get("/proposals/999999/versions/1").status_code == 404


def test_coordinator_sees_submitted_but_not_draft_proposals(app, factory, two_proposals):
    institution, pi, submitted, draft = two_proposals
    coordinator = factory.user(Role.COORDINATOR, institution=institution)
    client = signed_in(app, coordinator)

    page = text(client.get(f"/proposals/{submitted.id}"))
    assert "Submitted one" in page
    assert "Completeness check" not in page  # not an editor
    assert client.get(f"/proposals/{submitted.id}/versions/1").status_code == 200
    assert client.get(f"/proposals/{submitted.id}/diff?a=1&b=2").status_code == 200
    attachment = submitted.attachments[0]
    download = client.get(f"/proposals/{submitted.id}/attachments/{attachment.id}")
    assert download.status_code == 200
    download.close()

    # Seeing is not editing.
    assert client.get(f"/proposals/{submitted.id}/edit").status_code == 403
    assert post(client, f"/proposals/{submitted.id}/edit", edit_data(title="Coordinated")).status_code == 403
    assert reload(Proposal, submitted.id).title == "Submitted one"
    assert post(client, f"/proposals/{submitted.id}/withdraw", {"reason": "No"}).status_code == 403
    assert reload(Proposal, submitted.id).state == "submitted"

    for url in (f"/proposals/{draft.id}", f"/proposals/{draft.id}/edit", f"/proposals/{draft.id}/submit"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Draft one" not in text(response)


def test_coordinator_of_another_institution_sees_nothing(app, factory, two_proposals):
    _, _, submitted, draft = two_proposals
    client = signed_in(app, factory.user(Role.COORDINATOR))
    assert client.get(f"/proposals/{submitted.id}").status_code == 404
    assert client.get(f"/proposals/{submitted.id}/versions/1").status_code == 404
    assert client.get(f"/proposals/{draft.id}").status_code == 404


# --- signing and submitting -------------------------------------------------------------------------


def test_wrong_password_signs_nothing_and_is_audited(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    client, proposal, _ = complete_draft(app, factory, pi)

    response = sign_and_submit(client, proposal, pi, password="not the password")
    assert response.status_code == 200
    assert "The password you entered is not correct. Nothing was signed." in text(response)
    assert versions_of(proposal.id) == []
    assert reload(Proposal, proposal.id).state == "draft"
    assert db.session.scalar(select(Signature).where(Signature.signer_id == pi.id)) is None
    refused = events("signature.refused")
    assert len(refused) == 1
    assert refused[0].actor_id == pi.id
    assert "not correct" in event_data(refused[0])["reason"]
    assert events("proposal.submit") == []


def test_wrong_printed_name_signs_nothing(app, factory):
    pi = factory.user(Role.INVESTIGATOR, name="Ada Fictional")
    client, proposal, _ = complete_draft(app, factory, pi)
    response = sign_and_submit(client, proposal, pi, printed_name="Somebody Else")
    assert "Type your name exactly as it appears on your account: Ada Fictional." in text(response)
    assert versions_of(proposal.id) == []
    assert len(events("signature.refused")) == 1


def test_missing_attestation_signs_nothing(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    client, proposal, _ = complete_draft(app, factory, pi)
    response = sign_and_submit(client, proposal, pi, attest=None)
    assert response.status_code == 200
    assert "Tick the attestation to confirm it before signing." in text(response)
    assert versions_of(proposal.id) == []
    assert reload(Proposal, proposal.id).state == "draft"
    assert events("proposal.submit") == []


def test_incomplete_proposal_cannot_be_submitted(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, complete=False)
    client = signed_in(app, pi)

    page = text(client.get(f"/proposals/{proposal.id}/submit"))
    assert "Not ready to submit" in page
    assert "Lay summary is empty." in page

    response = sign_and_submit(client, proposal, pi)
    page = text(response)
    assert "The proposal is not complete yet:" in page
    for spec in FIELDS:
        if spec.required and spec.name != "title":
            assert f"{spec.label} is empty." in page
    assert "Attach at least one PDF document" in page
    assert versions_of(proposal.id) == []
    assert reload(Proposal, proposal.id).state == "draft"
    assert events("proposal.submit") == []


def test_pi_signs_and_submits_version_1(app, factory):
    pi = factory.user(Role.INVESTIGATOR, name="Grace Fictional")
    content = factory.pdf("The plan, version one.")
    client, proposal, _ = complete_draft(app, factory, pi, content)
    assert "Sign and submit" in text(client.get(f"/proposals/{proposal.id}"))
    form = text(client.get(f"/proposals/{proposal.id}/submit"))
    assert "I attest that this proposal is accurate" in form
    assert "submitted as principal investigator" in form
    before = datetime.now(UTC).replace(tzinfo=None)

    response = sign_and_submit(client, proposal, pi, printed_name="  grace   fictional ")
    assert response.status_code == 200
    assert "Version 1 was signed and submitted." in text(response)

    [version] = versions_of(proposal.id)
    assert version.number == 1
    assert version.step == "submit"
    assert version.created_by_id == pi.id
    snapshot = json.loads(version.snapshot)
    assert version.content_sha256 == sha256_hex(snapshot)
    assert set(snapshot["fields"]) == {spec.name for spec in FIELDS}
    assert snapshot["fields"] == ALL_FIELDS
    assert "screening_answers" in snapshot
    assert snapshot["screening_answers"] == {}
    assert snapshot["pi"]["id"] == pi.id
    assert [a["sha256"] for a in snapshot["attachments"]] == [hashlib.sha256(content).hexdigest()]
    assert snapshot["attachments"][0]["filename"] == "research-plan.pdf"
    assert snapshot["attachments"][0]["size"] == len(content)

    stored = reload(Proposal, proposal.id)
    assert stored.state == "screened"  # screened at once, under the sets the institution applies (none here)
    assert stored.version_count == 1
    assert stored.submitted_at is not None

    signature = version.signature
    assert signature.signer_id == pi.id
    assert signature.printed_name == "Grace Fictional"
    assert "principal investigator" in signature.meaning
    assert signature.content_sha256 == version.content_sha256
    assert signature.signed_at.tzinfo is None  # stored as naive UTC
    after = datetime.now(UTC).replace(tzinfo=None)
    assert before - timedelta(seconds=1) <= signature.signed_at <= after + timedelta(seconds=1)

    # One event says all that the submission did: the version, its signature, the screenings (none here).
    [submitted] = events("proposal.submit")
    data = event_data(submitted)
    assert (data["from"], data["through"], data["to"]) == ("draft", ["submitted"], "screened")
    assert data["version"] == {"id": version.id, "number": 1, "content_sha256": version.content_sha256,
                               "attachments": [hashlib.sha256(content).hexdigest()]}
    assert data["signature"] == {"id": signature.id, "meaning": signature.meaning,
                                 "content_sha256": version.content_sha256, "printed_name": "Grace Fictional"}
    assert data["screenings"] == []

    page = text(client.get(f"/proposals/{proposal.id}/versions/1"))
    assert "Grace Fictional" in page
    assert version.content_sha256 in page
    assert signature.signed_at.strftime("%Y-%m-%d %H:%M:%S") in page


def test_preparer_edits_but_only_the_pi_submits(app, factory):
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    preparer = factory.user(Role.INVESTIGATOR, institution=institution)
    client = signed_in(app, preparer)

    response = post(client, "/proposals/new", {"title": "Prepared for the PI", "pi_email": pi.email.upper()})
    assert response.status_code == 302
    proposal = db.session.scalar(select(Proposal).where(Proposal.title == "Prepared for the PI"))
    assert proposal.pi_id == pi.id
    assert proposal.created_by_id == preparer.id
    assert [(m.user_id, m.role) for m in proposal.members] == [(preparer.id, "preparer")]

    assert post(client, f"/proposals/{proposal.id}/edit", edit_data(title="Prepared for the PI")).status_code == 302
    assert upload(client, proposal.id, factory.pdf()).status_code == 302
    assert reload(Proposal, proposal.id).aims == COMPLETE_FIELDS["aims"]

    page = text(client.get(f"/proposals/{proposal.id}"))
    assert "Complete: everything needed" in page
    assert f"/proposals/{proposal.id}/submit" not in page

    response = client.get(f"/proposals/{proposal.id}/submit", follow_redirects=True)
    assert "Only the principal investigator can sign and submit this proposal." in text(response)
    response = sign_and_submit(client, proposal, preparer)
    assert response.status_code == 200
    assert "Only the principal investigator can sign and submit this proposal." in text(response)
    assert versions_of(proposal.id) == []
    assert events("proposal.submit") == []
    assert reload(Proposal, proposal.id).state == "draft"

    # The PI signs; the preparer is recorded on the team in the snapshot.
    pi_client = signed_in(app, pi)
    assert "Version 1 was signed" in text(sign_and_submit(pi_client, proposal, pi))
    [version] = versions_of(proposal.id)
    assert json.loads(version.snapshot)["team"][0]["role"] == "preparer"

    # A preparer cannot withdraw either.
    assert post(client, f"/proposals/{proposal.id}/withdraw", {"reason": "No"}).status_code == 403


def test_preparer_cannot_name_a_pi_from_another_institution_or_unknown(app, factory):
    preparer = factory.user(Role.INVESTIGATOR)
    elsewhere = factory.user(Role.INVESTIGATOR)
    client = signed_in(app, preparer)

    page = text(post(client, "/proposals/new", {"title": "T1", "pi_email": elsewhere.email}))
    assert "The principal investigator must belong to your institution." in page
    page = text(post(client, "/proposals/new", {"title": "T2", "pi_email": "nobody@example.org"}))
    assert "No active portal user has this e-mail address." in page
    coordinator = factory.user(Role.COORDINATOR, institution=preparer.institution)
    page = text(post(client, "/proposals/new", {"title": "T3", "pi_email": coordinator.email}))
    assert "must hold the investigator role" in page
    assert db.session.scalar(select(Proposal)) is None


def test_preparer_added_to_the_team_can_edit_but_not_submit(app, factory):
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    helper = factory.user(Role.INVESTIGATOR, institution=institution)
    proposal = factory.proposal(pi)
    pi_client = signed_in(app, pi)
    response = post(pi_client, f"/proposals/{proposal.id}/team", {"email": helper.email, "role": "preparer"})
    assert response.status_code == 302

    client = signed_in(app, helper)
    assert post(client, f"/proposals/{proposal.id}/edit", edit_data(aims="Helper's aims")).status_code == 302
    assert reload(Proposal, proposal.id).aims == "Helper's aims"
    response = sign_and_submit(client, proposal, helper)
    assert "Only the principal investigator can sign and submit this proposal." in text(response)
    assert versions_of(proposal.id) == []


def test_submitting_someone_elses_proposal_is_404(app, factory):
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    proposal = factory.proposal(pi)
    intruder = factory.user(Role.INVESTIGATOR, institution=institution)
    client = signed_in(app, intruder)
    response = post(
        client,
        f"/proposals/{proposal.id}/submit",
        {"attest": "y", "printed_name": intruder.name, "password": PASSWORD},
    )
    assert response.status_code == 404
    assert versions_of(proposal.id) == []
    assert reload(Proposal, proposal.id).state == "draft"
    assert events("proposal.submit") == []


# --- amendments and differences ---------------------------------------------------------------------


def test_amendment_makes_version_2_and_the_diff_shows_it(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    client, proposal, content = complete_draft(app, factory, pi)
    assert "Version 1 was signed" in text(sign_and_submit(client, proposal, pi))

    assert "Sign and submit changes" in text(client.get(f"/proposals/{proposal.id}"))
    edit_page = text(client.get(f"/proposals/{proposal.id}/edit"))
    assert "Version 1 has been submitted." in edit_page
    amended = edit_data(aims="To exercise the new portal.")
    old_aims = "To exercise the old portal."
    assert post(client, f"/proposals/{proposal.id}/edit", edit_data(aims=old_aims)).status_code == 302
    assert "Version 2 was signed" in text(sign_and_submit(client, proposal, pi))
    assert post(client, f"/proposals/{proposal.id}/edit", amended).status_code == 302
    page = text(client.get(f"/proposals/{proposal.id}"))
    assert "changes that are not in version 2 yet" in page

    response = sign_and_submit(client, proposal, pi)
    assert "Version 3 was signed and submitted." in text(response)
    versions = versions_of(proposal.id)
    assert [(v.number, v.step) for v in versions] == [(1, "submit"), (2, "amend"), (3, "amend")]
    assert "amendment submitted as principal investigator" == versions[2].signature.meaning
    assert json.loads(versions[2].snapshot)["fields"]["aims"] == "To exercise the new portal."
    assert json.loads(versions[1].snapshot)["fields"]["aims"] == old_aims  # earlier versions never change
    assert reload(Proposal, proposal.id).state == "screened"
    assert reload(Proposal, proposal.id).version_count == 3

    # Signing again with nothing changed makes no version.
    response = sign_and_submit(client, proposal, pi)
    assert "Nothing has changed since version 3" in text(response)
    assert len(versions_of(proposal.id)) == 3

    diff = text(client.get(f"/proposals/{proposal.id}/diff?a=2&b=3"))
    assert "Version 2 compared with version 3" in diff
    sections = {m.group(1).strip(): m.group(0) for m in re.finditer(r"<h2>([^<]+)<span.*?</section>", diff, re.S)}
    assert "Changed" in sections["Aims"]
    assert re.search(r"<del><span[^>]*>\[removed: </span>old<span", sections["Aims"])
    assert re.search(r"<ins><span[^>]*>\[added: </span>new<span", sections["Aims"])
    assert "To exercise the " in sections["Aims"]
    assert "Title" not in sections  # unchanged fields are listed once, not shown as panels
    assert re.search(r"<strong>Unchanged:</strong>[^<]*\bTitle\b", diff)

    # The order of a and b does not matter; the older one is on the left.
    assert "Version 2 compared with version 3" in text(client.get(f"/proposals/{proposal.id}/diff?a=3&b=2"))
    assert client.get(f"/proposals/{proposal.id}/diff?a=1&b=9").status_code == 404
    same = client.get(f"/proposals/{proposal.id}/diff?a=2&b=2")
    assert same.status_code == 200
    assert "Choose two different versions to compare." in text(same)

    for number in (1, 2, 3):
        page = text(client.get(f"/proposals/{proposal.id}/versions/{number}"))
        assert "research-plan.pdf" in page
        assert hashlib.sha256(content).hexdigest() in page
    assert client.get(f"/proposals/{proposal.id}/versions/4").status_code == 404
    assert "What changed since version 2" in text(client.get(f"/proposals/{proposal.id}/versions/3"))


def test_diff_needs_two_versions(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, submitted=True)
    client = signed_in(app, pi)
    response = client.get(f"/proposals/{proposal.id}/diff", follow_redirects=True)
    assert response.status_code == 200
    assert "There is only one version so far" in text(response)


# --- withdrawing, and the lifecycle underneath --------------------------------------------------------


def test_withdraw_with_reason_then_everything_is_refused_politely(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, submitted=True)
    client = signed_in(app, pi)

    response = post(client, f"/proposals/{proposal.id}/withdraw", {"reason": ""})
    assert response.status_code == 200
    assert "There is a problem" in text(response)
    response = post(client, f"/proposals/{proposal.id}/withdraw", {"reason": "   "})
    assert "Say briefly why the proposal is withdrawn." in text(response)
    assert reload(Proposal, proposal.id).state == "submitted"

    response = post(client, f"/proposals/{proposal.id}/withdraw", {"reason": "Funding ended."}, follow_redirects=True)
    assert response.status_code == 200
    assert "The proposal was withdrawn." in text(response)
    stored = reload(Proposal, proposal.id)
    assert stored.state == "withdrawn"
    assert stored.withdrawn_at is not None
    [event] = events("proposal.withdraw")
    assert event.actor_id == pi.id
    assert event_data(event) == {"from": "submitted", "to": "withdrawn", "reason": "Funding ended."}

    page = text(client.get(f"/proposals/{proposal.id}"))
    assert "Withdrawn" in page
    assert f"/proposals/{proposal.id}/edit" not in page
    assert f"/proposals/{proposal.id}/withdraw" not in page

    attachment_id = proposal.attachments[0].id
    refusals = [
        post(client, f"/proposals/{proposal.id}/withdraw", {"reason": "Again."}),
        client.get(f"/proposals/{proposal.id}/withdraw"),
        client.get(f"/proposals/{proposal.id}/edit"),
        post(client, f"/proposals/{proposal.id}/edit", edit_data(title="After withdrawal")),
        client.get(f"/proposals/{proposal.id}/submit"),
        sign_and_submit(client, proposal, pi),
        upload(client, proposal.id, factory.pdf()),
        post(client, f"/proposals/{proposal.id}/attachments/{attachment_id}/remove"),
        post(client, f"/proposals/{proposal.id}/collaborators", {"name": "N", "affiliation": "A"}),
    ]
    for response in refusals:
        assert response.status_code == 403
        assert "You do not have access to this page" in text(response)
    stored = reload(Proposal, proposal.id)
    assert stored.state == "withdrawn"
    assert stored.title == "A fictional proposal"
    assert len(events("proposal.withdraw")) == 1
    assert len(versions_of(proposal.id)) == 1
    # What was submitted stays readable.
    assert client.get(f"/proposals/{proposal.id}/versions/1").status_code == 200


def test_withdrawing_a_draft(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, complete=False)
    client = signed_in(app, pi)
    assert post(client, f"/proposals/{proposal.id}/withdraw", {"reason": "Not needed."}).status_code == 302
    assert reload(Proposal, proposal.id).state == "withdrawn"
    assert event_data(events("proposal.withdraw")[0])["from"] == "draft"


def test_illegal_transition_is_refused_by_the_operation_layer(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi)
    before = len(events("proposal.decide"))
    with pytest.raises(InvalidTransitionError) as refusal:
        change_state(proposal, Step.DECIDE)
    message = str(refusal.value)
    assert message.startswith("A proposal that is draft cannot be asked to decide.")
    assert "From here you can: submit, withdraw." in message
    assert proposal.state == "draft"
    assert len(events("proposal.decide")) == before


def test_database_refuses_a_bogus_state(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi)
    proposal.state = "approved-by-magic"
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert reload(Proposal, proposal.id).state == "draft"


def test_database_refuses_submitted_without_a_version(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi)
    proposal.state = "submitted"
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- the team -------------------------------------------------------------------------------------


def test_team_members_and_collaborators_are_added_removed_and_audited(app, factory):
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    colleague = factory.user(Role.INVESTIGATOR, institution=institution, name="Colleague Fictional")
    proposal = factory.proposal(pi)
    client = signed_in(app, pi)

    response = post(
        client,
        f"/proposals/{proposal.id}/team",
        {"email": colleague.email, "role": "co_investigator"},
        follow_redirects=True,
    )
    assert "Colleague Fictional joined the team." in text(response)
    [member] = db.session.scalars(select(ProposalMember).where(ProposalMember.proposal_id == proposal.id))
    assert (member.user_id, member.role) == (colleague.id, "co_investigator")
    assert event_data(events("proposal.member_added")[-1]) == {"user_id": colleague.id, "role": "co_investigator"}
    assert "Colleague Fictional — co-investigator" in text(client.get(f"/proposals/{proposal.id}"))

    response = post(
        client,
        f"/proposals/{proposal.id}/team",
        {"email": colleague.email, "role": "preparer"},
        follow_redirects=True,
    )
    assert "Colleague Fictional is already on the team." in text(response)
    response = post(
        client, f"/proposals/{proposal.id}/team", {"email": pi.email, "role": "preparer"}, follow_redirects=True
    )
    assert "is already the principal investigator." in text(response)

    response = post(
        client,
        f"/proposals/{proposal.id}/team",
        {"email": "nobody@example.org", "role": "co_investigator"},
        follow_redirects=True,
    )
    assert "No active portal user has this e-mail address." in text(response)
    assert len(events("proposal.member_added")) == 1

    # A co-investigator may view and edit but not manage the team.
    colleague_client = signed_in(app, colleague)
    assert colleague_client.get(f"/proposals/{proposal.id}").status_code == 200
    assert post(colleague_client, f"/proposals/{proposal.id}/edit", edit_data(sites="Field station")).status_code == 302
    assert (
        post(colleague_client, f"/proposals/{proposal.id}/collaborators", {"name": "X", "affiliation": "Y"}).status_code
        == 403
    )

    response = post(
        client,
        f"/proposals/{proposal.id}/collaborators",
        {"name": "Dr External", "affiliation": "Fictional University", "role": "Statistician"},
        follow_redirects=True,
    )
    assert "Collaborator added." in text(response)
    [collaborator] = db.session.scalars(
        select(ExternalCollaborator).where(ExternalCollaborator.proposal_id == proposal.id)
    )
    assert (collaborator.name, collaborator.affiliation, collaborator.role) == (
        "Dr External",
        "Fictional University",
        "Statistician",
    )
    assert event_data(events("proposal.collaborator_added")[-1]) == {
        "name": "Dr External",
        "affiliation": "Fictional University",
    }
    assert "Dr External, Fictional University — Statistician" in text(client.get(f"/proposals/{proposal.id}"))

    response = post(
        client, f"/proposals/{proposal.id}/collaborators", {"name": "", "affiliation": ""}, follow_redirects=True
    )
    assert "Name:" in text(response)
    assert len(events("proposal.collaborator_added")) == 1

    collaborator_id, member_id = collaborator.id, member.id
    response = post(client, f"/proposals/{proposal.id}/collaborators/{collaborator_id}/remove", follow_redirects=True)
    assert "Collaborator removed." in text(response)
    assert db.session.scalar(select(ExternalCollaborator)) is None
    assert event_data(events("proposal.collaborator_removed")[-1]) == {"name": "Dr External"}

    response = post(client, f"/proposals/{proposal.id}/team/{member_id}/remove", follow_redirects=True)
    assert "Removed from the team." in text(response)
    assert db.session.scalar(select(ProposalMember)) is None
    assert event_data(events("proposal.member_removed")[-1]) == {"user_id": colleague.id}
    # Once removed, the colleague no longer sees it.
    assert colleague_client.get(f"/proposals/{proposal.id}").status_code == 404

    # Removing something that is not there is a 404, not a 500.
    assert post(client, f"/proposals/{proposal.id}/team/{member_id}/remove").status_code == 404
    assert post(client, f"/proposals/{proposal.id}/collaborators/{collaborator_id}/remove").status_code == 404


def test_blank_collaborator_details_are_refused(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi)
    client = signed_in(app, pi)
    response = post(
        client, f"/proposals/{proposal.id}/collaborators", {"name": "   ", "affiliation": " "}, follow_redirects=True
    )
    assert "Collaborator added." not in text(response)
    assert db.session.scalar(select(ExternalCollaborator)) is None
    assert events("proposal.collaborator_added") == []


def test_team_changes_need_a_csrf_token(app, factory):
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    colleague = factory.user(Role.INVESTIGATOR, institution=institution)
    proposal = factory.proposal(pi)
    client = signed_in(app, pi)
    response = client.post(f"/proposals/{proposal.id}/team", data={"email": colleague.email, "role": "preparer"})
    assert response.status_code == 400
    assert db.session.scalar(select(ProposalMember)) is None


def test_saving_over_someone_elses_newer_save_is_refused_and_keeps_the_text(app, factory):
    pi = factory.user(Role.INVESTIGATOR)
    proposal = factory.proposal(pi, title="The saved title")
    client = signed_in(app, pi)
    opened_on = str(reload(Proposal, proposal.id).lock_version)
    assert (
        post(
            client, f"/proposals/{proposal.id}/edit", edit_data(title="Saved by a colleague", lock_version=opened_on)
        ).status_code
        == 302
    )

    response = post(client, f"/proposals/{proposal.id}/edit", edit_data(title="My stale edit", lock_version=opened_on))
    assert response.status_code == 409
    assert "Someone else saved this proposal" in text(response)
    assert "My stale edit" in text(response)
    assert reload(Proposal, proposal.id).title == "Saved by a colleague"

"""Fault-injection cases (check 21) of committees, proposals and their screening, in the seeded demo world. See
fault_cases.py for how a case is built."""

from __future__ import annotations

from flask.testing import FlaskClient

from portal.demo.content import DEMO_PASSWORD
from portal.demo.pdf import simple_pdf
from tests.security.fault_cases import (
    CHAIR,
    COMMUNITY,
    INVESTIGATOR,
    REVIEWER,
    SCREENED_TITLE,
    Request,
    Upload,
    case,
    committee,
    draft,
    proposal,
    user,
)

# -- committees -------------------------------------------------------------------------------------------------

def seat(kind: str, email: str):  # noqa: ANN201 - a CommitteeMember
    return next(m for m in committee(kind).members if m.user.email == email)


@case("committees.create")
def _create_committee(_client: FlaskClient) -> Request:
    from tests.committees.conftest import settings_form

    return "/committees/new", settings_form(name="Fault drill committee")


@case("committees.edit")
def _edit_committee(_client: FlaskClient) -> Request:
    from tests.committees.conftest import settings_form

    ire = committee("ire")
    return f"/committees/{ire.id}/edit", settings_form(name=ire.name, kind="ire", quorum_value="60",
                                                       lock_version=str(ire.lock_version))


@case("committees.add_member")
def _add_committee_member(_client: FlaskClient) -> Request:
    return f"/committees/{committee('ibc').id}/members", {"email": COMMUNITY, "role": "member"}


@case("committees.remove_member")
def _remove_committee_member(_client: FlaskClient) -> Request:
    return f"/committees/{committee('ibc').id}/members/{seat('ibc', CHAIR).id}/remove", {}


@case("committees.change_role")
def _change_committee_role(_client: FlaskClient) -> Request:
    return f"/committees/{committee('ibc').id}/members/{seat('ibc', REVIEWER).id}/role", {"role": "alternate"}


@case("committees.set_deputy")
def _set_deputy(_client: FlaskClient) -> Request:
    return f"/committees/{committee('ire').id}/deputy", {"deputy": str(seat("ire", REVIEWER).id)}


# -- proposals --------------------------------------------------------------------------------------------------

@case("proposals.create")
def _create_proposal(_client: FlaskClient) -> Request:
    return "/proposals/new", {"title": "A fictional fault drill"}


@case("proposals.edit")
def _edit_proposal(_client: FlaskClient) -> Request:
    found = draft()
    return f"/proposals/{found.id}/edit", {"lock_version": str(found.lock_version), "title": f"{found.title} (2)"}


@case("proposals.submit")
def _submit(_client: FlaskClient) -> Request:
    return f"/proposals/{draft().id}/submit", {"attest": "y", "printed_name": user(INVESTIGATOR).name,
                                               "password": DEMO_PASSWORD}


@case("api.create_proposal", INVESTIGATOR, api=True)
def _api_create_proposal(_client: FlaskClient) -> Request:
    return "/api/v1/proposals", {"title": "A fictional fault drill, over the API"}


@case("api.update_proposal", INVESTIGATOR, api=True)
def _api_update_proposal(_client: FlaskClient) -> Request:
    found = draft()
    return f"/api/v1/proposals/{found.id}", {"lock_version": found.lock_version, "title": f"{found.title} (API)"}


@case("api.submit_proposal", INVESTIGATOR, api=True)
def _api_submit(_client: FlaskClient) -> Request:
    return f"/api/v1/proposals/{draft().id}/submit", {"attest": True, "printed_name": user(INVESTIGATOR).name,
                                                      "password": DEMO_PASSWORD}


@case("proposals.withdraw")
def _withdraw(_client: FlaskClient) -> Request:
    return f"/proposals/{proposal(SCREENED_TITLE).id}/withdraw", {"reason": "The funding ended (fictional)."}


@case("proposals.upload")
def _upload(_client: FlaskClient) -> Request:
    content = simple_pdf(["Data plan (fictional).", "High-level description only."])
    return f"/proposals/{draft().id}/attachments", {"document": Upload("data-plan.pdf", content)}


@case("proposals.remove_attachment")
def _remove_attachment(_client: FlaskClient) -> Request:
    found = draft()
    return f"/proposals/{found.id}/attachments/{found.current_attachments[0].id}/remove", {}


@case("proposals.add_member")
def _add_team_member(_client: FlaskClient) -> Request:
    return f"/proposals/{draft().id}/team", {"email": "preparer@northbridge.example", "role": "preparer"}


@case("proposals.remove_member")
def _remove_team_member(_client: FlaskClient) -> Request:
    found = draft()
    return f"/proposals/{found.id}/team/{found.members[0].id}/remove", {}


@case("proposals.add_collaborator")
def _add_collaborator(_client: FlaskClient) -> Request:
    return f"/proposals/{draft().id}/collaborators", {"name": "Dr Fictional", "affiliation": "Fictional Institute"}


@case("proposals.remove_collaborator")
def _remove_collaborator(_client: FlaskClient) -> Request:
    found = draft()
    return f"/proposals/{found.id}/collaborators/{found.collaborators[0].id}/remove", {}


@case("screenings.questionnaire")
def _screening(_client: FlaskClient) -> Request:
    from portal.screenings.forms import field_name

    return f"/proposals/{draft().id}/screening", {field_name("agents.works_with_agents"): "no"}

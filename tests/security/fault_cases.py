"""One fault-injection case per POST rule (check 21), in the seeded demo world: who sends it and what, on an object
in the right state, made through the operations first where the demo has none. The account cases are here;
fault_cases_proposals.py adds committees and proposals, fault_cases_review.py routing, reviews, revisions, meetings
and decisions.

A builder gets the persona's signed-in client (a few need it: two-step sign-in keeps its secret in the session),
may prepare the world through the operations (it commits), and returns the URL and the form to post. Everything
is fictional and at the level of public policy text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyotp
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.auth.models import User
from portal.auth.roles import Role
from portal.demo.content import DEMO_PASSWORD, DEMO_USERS
from portal.extensions import db
from portal.proposals.models import Proposal
from tests.security.routes import all_rules
from tests.security.test_csrf import _sender

INVESTIGATOR = "investigator@northbridge.example"
INVESTIGATOR_2 = "investigator2@northbridge.example"
REVIEWER = "reviewer@northbridge.example"
CHAIR = "chair@northbridge.example"
COORDINATOR = "coordinator@northbridge.example"
GOVERNANCE = "governance@northbridge.example"
ADMIN = "admin@northbridge.example"
COMMUNITY = "community@northbridge.example"
NEW_PASSWORD = "a different, much longer passphrase"  # noqa: S105 - a test value
# The investigator's complete draft: a co-investigator, a collaborator, an attachment and screening answers.
DRAFT_TITLE = "Public attitudes to biosafety oversight: a survey study"
SCREENED_TITLE = "Wastewater monitoring of antimicrobial resistance trends"  # the investigator's, not yet triaged

Request = tuple[str, dict]
Build = Callable[[FlaskClient], Request]


@dataclass(frozen=True)
class Upload:
    """A file field; the test opens a fresh stream for each post (the faulted one and the control)."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class FaultCase:
    endpoint: str
    persona: str | None  # a demo e-mail; None: not signed in
    build: Build
    api: bool = False  # a JSON API operation: the body is JSON, sent with the persona's token


CASES: dict[str, FaultCase] = {}
BY_MATRIX = "the first role the policy matrix lets POST here"
# POST rules whose request writes nothing, so there is no unit of work to fault.
EXEMPT = {
    "records.verify": "reads an uploaded record and reports whether it is intact; it writes no row and no event",
}


def _persona_of(role: str) -> str | None:
    """The demo person the CSRF sweep would send as (the first role the matrix allows)."""
    if role == "anonymous":
        return None
    return next(u.email for u in DEMO_USERS if Role(role) in u.roles)


def case(endpoint: str, persona: str | None = BY_MATRIX, *, api: bool = False) -> Callable[[Build], Build]:
    """Register a builder; by default the case is sent by the role test_csrf.py picks for the rule. An `api` case
    returns its JSON body and is sent with the persona's token."""

    def register(build: Build) -> Build:
        assert endpoint not in CASES, f"two fault cases for {endpoint}"
        who = persona
        if who == BY_MATRIX:
            rule = next(r for r in all_rules() if r.endpoint == endpoint)
            who = _persona_of(_sender(rule))
        CASES[endpoint] = FaultCase(endpoint, who, build, api)
        return build

    return register


# -- the demo world ---------------------------------------------------------------------------------------------

def user(email: str) -> User:
    found = db.session.scalar(select(User).where(User.email == email))
    assert found is not None, f"the demo has no {email}"
    return found


def proposal(title: str) -> Proposal:
    found = db.session.scalar(select(Proposal).where(Proposal.title == title))
    assert found is not None, f"the demo has no proposal “{title}”"
    return found


def draft() -> Proposal:
    return proposal(DRAFT_TITLE)


def committee(kind: str):  # noqa: ANN201 - a Committee
    from portal.committees.models import Committee

    return db.session.scalar(select(Committee).where(Committee.kind == kind))


def totp_code(secret: str) -> str:
    from portal.auth.mfa import current_step

    return pyotp.TOTP(secret).generate_otp(current_step())


def enrolled(email: str) -> list[str]:
    """Turn two-step sign-in on for the person; their recovery codes."""
    from portal.auth import mfa
    from portal.auth.mfa_operations import enrol

    person, secret = user(email), mfa.new_secret()
    codes = enrol(person, secret, totp_code(secret), DEMO_PASSWORD)
    db.session.commit()
    return codes


# -- accounts ---------------------------------------------------------------------------------------------------

@case("auth.sign_in", persona=None)
def _sign_in(_client: FlaskClient) -> Request:
    return "/sign-in", {"email": INVESTIGATOR, "password": DEMO_PASSWORD}


@case("auth.second_factor", persona=None)
def _second_factor(client: FlaskClient) -> Request:
    from tests.conftest import csrf_token

    recovery_code = enrolled(GOVERNANCE)[0]
    half_way = client.post("/sign-in", data={"csrf_token": csrf_token(client), "email": GOVERNANCE,
                                              "password": DEMO_PASSWORD})
    assert half_way.headers.get("Location", "").endswith("/sign-in/code"), half_way.status_code
    return "/sign-in/code", {"code": recovery_code}


@case("auth.sign_out")
def _sign_out(_client: FlaskClient) -> Request:
    return "/sign-out", {}


@case("auth.change_password")
def _change_password(_client: FlaskClient) -> Request:
    return "/account/password", {"current_password": DEMO_PASSWORD, "password": NEW_PASSWORD,
                                 "confirm": NEW_PASSWORD}


@case("auth.mfa_setup")
def _mfa_setup(client: FlaskClient) -> Request:
    assert client.get("/account/two-step").status_code == 200  # the page puts the new secret in the session
    with client.session_transaction() as session:
        secret = session["mfa_setup_secret"]
    return "/account/two-step", {"code": totp_code(secret), "password": DEMO_PASSWORD}


@case("auth.api_tokens")
def _create_api_token(_client: FlaskClient) -> Request:
    return "/account/tokens", {"name": "Reporting script", "scopes": ["proposals:read"], "days": "30"}


@case("auth.revoke_api_token")
def _revoke_api_token(_client: FlaskClient) -> Request:
    from portal.auth.token_models import ApiToken
    from portal.demo.tokens import SYNC_LABEL

    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == SYNC_LABEL))
    assert token_id is not None, "the demo has no grants-system token"
    return f"/account/tokens/{token_id}/revoke", {}


@case("auth.set_language")
def _set_language(_client: FlaskClient) -> Request:
    return "/account/language", {"locale": "zh_CN"}


@case("auth.forgot_password", persona=None)
def _forgot_password(_client: FlaskClient) -> Request:
    return "/forgot-password", {"email": INVESTIGATOR}


@case("auth.reset_password", persona=None)
def _reset_password(_client: FlaskClient) -> Request:
    from portal.auth.reset_operations import request_reset

    made = request_reset(INVESTIGATOR, minutes=30)
    assert made is not None
    db.session.commit()
    return f"/reset-password/{made[1]}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}


@case("auth.accept_invitation", persona=None)
def _accept_invitation(_client: FlaskClient) -> Request:
    from portal.auth.operations import create_invitation

    _invitation, token = create_invitation(email="new.fellow@northbridge.example", name="Dr Fictional Fellow",
                                           role=Role.INVESTIGATOR, department=None, days=7, actor=user(ADMIN))
    db.session.commit()
    return f"/invitations/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}


@case("auth.request_account", persona=None)
def _request_account(_client: FlaskClient) -> Request:
    from tests.auth.test_accounts import request_form

    return "/request-account", request_form(user(ADMIN).institution, email="pat.applicant@northbridge.example")


def _pending_account() -> int:
    return db.session.scalar(select(User.id).where(User.status == "pending"))


@case("admin.approve")
def _approve(_client: FlaskClient) -> Request:
    return f"/admin/accounts/{_pending_account()}/approve", {"roles": ["investigator"]}


@case("admin.refuse")
def _refuse(_client: FlaskClient) -> Request:
    return f"/admin/accounts/{_pending_account()}/refuse", {"reason": "Not known to the department (fictional)."}


@case("admin.disable")
def _disable(_client: FlaskClient) -> Request:
    return f"/admin/accounts/{user(COMMUNITY).id}/disable", {}


@case("admin.reset_mfa")
def _reset_mfa(_client: FlaskClient) -> Request:
    enrolled(GOVERNANCE)
    return f"/admin/accounts/{user(GOVERNANCE).id}/two-step/reset", {}


@case("admin.staff_mfa")
def _staff_mfa(_client: FlaskClient) -> Request:
    return "/admin/institution/staff-two-step/require", {}


@case("admin.record_language")
def _record_language(_client: FlaskClient) -> Request:
    return "/admin/institution/record-language", {"record_language": "zh_CN"}


@case("admin.invite")
def _invite(_client: FlaskClient) -> Request:
    return "/admin/invitations/new", {"name": "Dr Fictional Fellow", "email": "new.fellow@northbridge.example",
                                      "department": "0", "role": "investigator"}


@case("screenings.toggle")
def _toggle_criteria_set(_client: FlaskClient) -> Request:
    return "/criteria/usg-durc-2014/activate", {}  # the one shipped set the demo does not apply


# -- meetings: the agenda sent to the members, the decision letters of a meeting ------------------------------------

@case("meetings.publish_agenda")
def _publish_agenda(_client: FlaskClient) -> Request:
    from tests.security.fault_cases_review import _meetings

    return f"/meetings/{_meetings()[1].id}/agenda/publish", {}


@case("meetings.send_letters")
def _send_letters(_client: FlaskClient) -> Request:
    """The proposal awaiting decision is decided at the meeting in session and the decision made final."""
    from werkzeug.datastructures import MultiDict

    from portal.decisions.forms import decision_draft
    from portal.decisions.operations import make_decision, sign_decision
    from portal.decisions.queries import set_facts
    from portal.demo.content import TRIAGED_TITLE
    from tests.security.fault_cases_review import _in_session, _proposal_item, decision_form

    meeting = _in_session(with_proposal=True)
    found = proposal(TRIAGED_TITLE)
    sets = set_facts(found)
    made = make_decision(found, committee("ire"), sets, decision_draft(MultiDict(decision_form(found)), sets),
                         actor=user(CHAIR), meeting_item_id=_proposal_item(meeting))
    for signer in (user(CHAIR), user(COORDINATOR))[:made.required_signatures]:
        sign_decision(made, password=DEMO_PASSWORD, printed_name=signer.name, actor=signer)
    db.session.commit()
    return f"/meetings/{meeting.id}/letters", {}

"""Getting an account: requests verified by an admin, invitations, and the `flask users create` command."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, text, update

from portal.auth.models import Invitation, User
from portal.auth.roles import AccountStatus, Role
from portal.clock import utcnow
from portal.extensions import db
from portal.institutions.models import Institution
from tests.auth.helpers import event_data, events, is_signed_in
from tests.auth.helpers import text as body
from tests.conftest import post, sign_in
from tests.factories import PASSWORD

STATEMENT = "I am a postdoctoral researcher in the Microbiology department, supervised by Prof. Example."
INVITE_LINK = re.compile(r'id="invite-link"[^>]*value="([^"]+)"')


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def request_form(institution: Institution, **overrides: str) -> dict[str, str]:
    department = institution.departments[0]
    form = {
        "name": "Pat Applicant",
        "email": "pat.applicant@example.org",
        "affiliation": f"{institution.id}:{department.id}",
        "requested_role": Role.INVESTIGATOR.value,
        "affiliation_statement": STATEMENT,
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    form.update(overrides)
    return form


def request_account(client, institution: Institution, **overrides: str):  # noqa: ANN001, ANN201
    page = client.get("/request-account")
    assert page.status_code == 200
    form = request_form(institution, **overrides)
    department = institution.departments[0]
    # The select offers each department under its institution, with the value "<institution>:<department>".
    option = re.search(rf'<optgroup label="{re.escape(institution.name)}">(.*?)</optgroup>', body(page), re.S)
    assert option, body(page)
    assert f'<option value="{institution.id}:{department.id}">{department.name}</option>' in option.group(1)
    return post(client, "/request-account", form)


# --- account requests -------------------------------------------------------------------------------


def test_requested_account_waits_for_an_admin_then_can_sign_in(app, client, factory, signed_in_client):
    admin = factory.user(Role.ADMIN)
    institution = admin.institution

    response = request_account(client, institution)

    assert response.status_code == 200
    assert "Request received" in body(response)
    assert institution.name in body(response)
    pending = user_by_email("pat.applicant@example.org")
    assert pending.status == AccountStatus.PENDING
    assert pending.roles == frozenset()
    requested = events("account.requested")
    assert [e.target_id for e in requested] == [str(pending.id)]
    assert event_data(requested[0])["requested_role"] == "investigator"
    assert PASSWORD not in requested[0].data

    # The right password shows the waiting page, not a session.
    applicant = app.test_client()
    waiting = sign_in(applicant, "pat.applicant@example.org", PASSWORD)
    assert waiting.status_code == 200
    assert "Your account is awaiting verification" in body(waiting)
    with applicant.session_transaction() as session:
        assert "_user_id" not in session
    assert not is_signed_in(applicant)
    assert events("user.signed_in") == []

    # The admin of that institution sees the request and approves it with roles.
    admin_browser = signed_in_client(admin)
    listing = admin_browser.get("/admin/accounts")
    assert listing.status_code == 200
    assert "Requests awaiting verification (1)" in body(listing)
    assert "pat.applicant@example.org" in body(listing)
    assert STATEMENT in body(listing)
    approved = post(admin_browser, f"/admin/accounts/{pending.id}/approve", {"roles": ["investigator", "reviewer"]})
    assert approved.status_code == 302
    assert urlsplit(approved.headers["Location"]).path == "/admin/accounts"
    assert "Pat Applicant can now sign in." in body(admin_browser.get("/admin/accounts"))

    user = user_by_email("pat.applicant@example.org")
    assert user.status == AccountStatus.ACTIVE
    assert user.roles == {Role.INVESTIGATOR, Role.REVIEWER}
    approval = events("account.approved")
    assert [(e.actor_id, e.target_id) for e in approval] == [(admin.id, str(user.id))]
    assert event_data(approval[0])["roles"] == ["investigator", "reviewer"]

    assert sign_in(applicant, "pat.applicant@example.org", PASSWORD).status_code == 302
    assert is_signed_in(applicant)


def test_approval_needs_at_least_one_role(client, factory, signed_in_client):
    admin = factory.user(Role.ADMIN)
    request_account(client, admin.institution)
    pending = user_by_email("pat.applicant@example.org")
    admin_browser = signed_in_client(admin)

    response = post(admin_browser, f"/admin/accounts/{pending.id}/approve", {})

    assert response.status_code == 302
    assert "Choose at least one role to grant." in body(admin_browser.get("/admin/accounts"))
    assert user_by_email("pat.applicant@example.org").status == AccountStatus.PENDING
    assert events("account.approved") == []


def test_refusal_is_audited_and_the_person_cannot_sign_in(app, client, factory, signed_in_client):
    admin = factory.user(Role.ADMIN)
    request_account(client, admin.institution)
    pending = user_by_email("pat.applicant@example.org")
    admin_browser = signed_in_client(admin)

    response = post(
        admin_browser, f"/admin/accounts/{pending.id}/refuse", {"reason": "Not known to the department head."}
    )

    assert response.status_code == 302
    assert user_by_email("pat.applicant@example.org").status == AccountStatus.REFUSED
    refused = events("account.refused")
    assert [(e.actor_id, e.target_id) for e in refused] == [(admin.id, str(pending.id))]
    assert event_data(refused[0])["reason"] == "Not known to the department head."

    applicant = app.test_client()
    attempt = sign_in(applicant, "pat.applicant@example.org", PASSWORD)
    assert attempt.status_code == 200
    assert "This account is not active" in body(attempt)
    assert not is_signed_in(applicant)
    # A refused request cannot be approved afterwards by replaying the form.
    post(admin_browser, f"/admin/accounts/{pending.id}/approve", {"roles": ["investigator"]})
    assert user_by_email("pat.applicant@example.org").status == AccountStatus.REFUSED
    assert events("account.approved") == []


def test_refusal_needs_a_reason(client, factory, signed_in_client):
    admin = factory.user(Role.ADMIN)
    request_account(client, admin.institution)
    pending = user_by_email("pat.applicant@example.org")
    admin_browser = signed_in_client(admin)

    post(admin_browser, f"/admin/accounts/{pending.id}/refuse", {"reason": ""})

    assert user_by_email("pat.applicant@example.org").status == AccountStatus.PENDING
    assert events("account.refused") == []


def test_an_admin_of_another_institution_cannot_see_or_decide(client, factory, signed_in_client):
    home_admin = factory.user(Role.ADMIN)
    stranger = factory.user(Role.ADMIN)  # a different institution
    assert stranger.institution_id != home_admin.institution_id
    request_account(client, home_admin.institution)
    pending = user_by_email("pat.applicant@example.org")
    browser = signed_in_client(stranger)

    listing = browser.get("/admin/accounts")
    assert listing.status_code == 200
    assert "pat.applicant@example.org" not in body(listing)
    assert "Requests awaiting verification (0)" in body(listing)
    assert post(browser, f"/admin/accounts/{pending.id}/approve", {"roles": ["admin"]}).status_code == 404
    assert post(browser, f"/admin/accounts/{pending.id}/refuse", {"reason": "no"}).status_code == 404
    assert post(browser, f"/admin/accounts/{home_admin.id}/disable").status_code == 404

    assert user_by_email("pat.applicant@example.org").status == AccountStatus.PENDING
    assert events("account.approved") == events("account.refused") == events("account.disabled") == []


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.REVIEWER, Role.CHAIR, Role.COORDINATOR, Role.GOVERNANCE])
def test_a_non_admin_gets_404_on_account_pages(factory, signed_in_client, role):
    user = factory.user(role)
    other = factory.user(institution=user.institution)
    browser = signed_in_client(user)

    assert browser.get("/admin/accounts").status_code == 404
    assert browser.get("/admin/invitations/new").status_code == 404
    assert post(browser, f"/admin/accounts/{other.id}/disable").status_code == 404
    assert events("account.disabled") == []


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/accounts")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


@pytest.mark.parametrize("email", ["taken@example.org", "TAKEN@Example.org"])
def test_duplicate_email_on_request_is_a_field_error(client, factory, email):
    existing = factory.user(email="taken@example.org")

    response = request_account(client, existing.institution, email=email)

    assert response.status_code == 200
    assert "An account with this e-mail address already exists or has been requested." in body(response)
    assert 'aria-invalid="true"' in body(response)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert events("account.requested") == []


def test_request_with_a_weak_password_is_refused(client, factory):
    institution = factory.institution()

    response = request_account(client, institution, password="short", confirm="short")

    assert response.status_code == 200
    assert "Use at least 12 characters." in body(response)
    assert user_by_email("pat.applicant@example.org") is None


def test_request_with_a_department_of_another_institution_is_refused(client, factory):
    first = factory.institution()
    second = factory.institution()

    response = request_account(client, first, affiliation=f"{first.id}:{second.departments[0].id}")

    assert response.status_code == 200
    assert user_by_email("pat.applicant@example.org") is None


# --- invitations ------------------------------------------------------------------------------------


def create_invitation(browser, email: str = "invitee@example.org", role: Role = Role.REVIEWER, department: int = 0):  # noqa: ANN001
    form = browser.get("/admin/invitations/new")
    assert form.status_code == 200
    response = post(
        browser,
        "/admin/invitations/new",
        {"name": "Ivy Invitee", "email": email, "department": str(department), "role": role.value},
    )
    assert response.status_code == 200, body(response)
    match = INVITE_LINK.search(body(response))
    assert match, body(response)
    return match.group(1)


def test_invitation_link_creates_an_account_once(app, factory, signed_in_client):
    admin = factory.user(Role.ADMIN)
    admin_browser = signed_in_client(admin)

    link = create_invitation(admin_browser)

    path = urlsplit(link).path
    token = path.rsplit("/", 1)[1]
    assert path == f"/invitations/{token}"
    assert len(token) >= 32
    assert [event_data(e)["email"] for e in events("invitation.created")] == ["invitee@example.org"]
    # The link is shown only on the page that created it.
    assert token not in body(admin_browser.get("/admin/accounts"))
    assert token not in body(admin_browser.get("/admin/invitations/new"))

    invitee = app.test_client()
    welcome = invitee.get(path)
    assert welcome.status_code == 200
    assert "Welcome, Ivy Invitee" in body(welcome)
    accepted = post(invitee, path, {"password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 302
    assert urlsplit(accepted.headers["Location"]).path == "/sign-in"

    user = user_by_email("invitee@example.org")
    assert user.status == AccountStatus.ACTIVE
    assert user.roles == {Role.REVIEWER}
    assert user.institution_id == admin.institution_id
    assert [(e.target_id, event_data(e)["invitation_id"]) for e in events("invitation.accepted")] == [
        (str(user.id), int(events("invitation.created")[0].target_id))
    ]
    assert sign_in(invitee, "invitee@example.org", PASSWORD).status_code == 302
    assert is_signed_in(invitee)

    # Used once: the same link now shows the invalid-invitation page, for GET and POST alike.
    again = app.test_client()
    second = again.get(path)
    assert second.status_code == 404
    assert "This invitation cannot be used" in body(second)
    assert post(again, path, {"password": PASSWORD, "confirm": PASSWORD}).status_code == 404
    assert len(events("invitation.accepted")) == 1


def test_invitation_places_the_person_in_the_chosen_department(app, factory, signed_in_client):
    admin = factory.user(Role.ADMIN)
    department = admin.institution.departments[1]
    department_id, department_name = department.id, department.name
    path = urlsplit(create_invitation(signed_in_client(admin), role=Role.INVESTIGATOR, department=department_id)).path

    response = post(app.test_client(), path, {"password": PASSWORD, "confirm": PASSWORD})

    assert response.status_code == 302
    user = user_by_email("invitee@example.org")
    assert user.department_id == department_id
    assert user.department.name == department_name
    assert user.roles == {Role.INVESTIGATOR}


def test_invitation_with_a_weak_password_gives_a_field_error(app, factory, signed_in_client):
    admin_browser = signed_in_client(factory.user(Role.ADMIN))
    path = urlsplit(create_invitation(admin_browser)).path
    invitee = app.test_client()

    response = post(invitee, path, {"password": "short", "confirm": "short"})

    assert response.status_code == 200
    assert "Use at least 12 characters." in body(response)
    assert user_by_email("invitee@example.org") is None
    assert invitee.get(path).status_code == 200  # still usable


def test_expired_invitation_is_refused(app, factory, signed_in_client):
    admin_browser = signed_in_client(factory.user(Role.ADMIN))
    path = urlsplit(create_invitation(admin_browser)).path
    db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    invitee = app.test_client()

    page = invitee.get(path)
    assert page.status_code == 404
    assert "This invitation cannot be used" in body(page)
    assert post(invitee, path, {"password": PASSWORD, "confirm": PASSWORD}).status_code == 404
    assert user_by_email("invitee@example.org") is None
    assert events("invitation.accepted") == []


def test_an_unknown_token_is_refused(client):
    response = client.get("/invitations/not-a-real-token")
    assert response.status_code == 404
    assert "This invitation cannot be used" in body(response)


def test_invitation_token_is_stored_only_hashed(factory, signed_in_client):
    admin_browser = signed_in_client(factory.user(Role.ADMIN))

    token = urlsplit(create_invitation(admin_browser)).path.rsplit("/", 1)[1]

    rows = db.session.execute(text("SELECT * FROM invitations")).all()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    audit_text = " ".join(e.data for e in events("invitation.created"))
    assert token not in audit_text


def test_invitation_for_an_existing_address_is_a_field_error(factory, signed_in_client):
    admin = factory.user(Role.ADMIN)
    factory.user(email="already@example.org")
    browser = signed_in_client(admin)

    response = post(
        browser,
        "/admin/invitations/new",
        {"name": "Someone", "email": "Already@example.org", "department": "0", "role": "reviewer"},
    )

    assert response.status_code == 200
    assert "already exists" in body(response)
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


# --- the command line -------------------------------------------------------------------------------


def run_cli(app, *args: str, password: str = PASSWORD):  # noqa: ANN001, ANN201
    db.session.commit()  # the command has its own session; do not hold a transaction open meanwhile
    result = app.test_cli_runner().invoke(args=["users", *args], input=password + "\n")
    db.session.expire_all()
    return result


def test_a_fresh_database_has_no_users(app):
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_makes_an_active_account(app, client, factory):
    institution = factory.institution()
    short_name, name = institution.short_name, institution.name

    result = run_cli(
        app,
        "create",
        "--email",
        "First.Admin@example.org",
        "--name",
        "First Admin",
        "--institution",
        short_name,
        "--department",
        "Immunology",
        "--role",
        "admin",
        "--role",
        "coordinator",
        "--password-stdin",
    )

    assert result.exit_code == 0, result.output
    assert "Created first.admin@example.org" in result.output
    assert name in result.output
    assert PASSWORD not in result.output
    user = user_by_email("first.admin@example.org")
    assert user.status == AccountStatus.ACTIVE
    assert user.roles == {Role.ADMIN, Role.COORDINATOR}
    assert user.department.name == "Immunology"
    created = [e for e in events("user.created") if e.target_id == str(user.id)]
    assert len(created) == 1
    assert PASSWORD not in created[0].data
    assert sign_in(client, "first.admin@example.org", PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_users_create_accepts_the_full_institution_name(app, factory):
    name = factory.institution().name

    result = run_cli(app, "create", "--email", "a@example.org", "--name", "A", "--institution", name)
    assert result.exit_code == 2  # --role is required
    result = run_cli(
        app,
        "create",
        "--email",
        "a@example.org",
        "--name",
        "A",
        "--institution",
        name,
        "--role",
        "admin",
        "--password-stdin",
    )

    assert result.exit_code == 0, result.output
    assert user_by_email("a@example.org") is not None


def test_users_create_needs_an_existing_institution(app, factory):
    factory.institution()

    result = run_cli(
        app,
        "create",
        "--email",
        "x@example.org",
        "--name",
        "X",
        "--institution",
        "Nowhere University",
        "--role",
        "admin",
        "--password-stdin",
    )

    assert result.exit_code == 2
    assert "No institution called 'Nowhere University'" in result.output
    assert PASSWORD not in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_needs_a_known_department(app, factory):
    short_name = factory.institution().short_name

    result = run_cli(
        app,
        "create",
        "--email",
        "x@example.org",
        "--name",
        "X",
        "--institution",
        short_name,
        "--department",
        "Astrology",
        "--role",
        "admin",
        "--password-stdin",
    )

    assert result.exit_code == 2
    assert "no department called 'Astrology'" in result.output
    assert user_by_email("x@example.org") is None


@pytest.mark.parametrize("weak", ["short", "aaaaaaaaaaaaaaaa", "x@example.org"])
def test_users_create_refuses_a_weak_password(app, factory, weak):
    short_name = factory.institution().short_name

    result = run_cli(
        app,
        "create",
        "--email",
        "x@example.org",
        "--name",
        "X",
        "--institution",
        short_name,
        "--role",
        "admin",
        "--password-stdin",
        password=weak,
    )

    assert result.exit_code == 2
    assert "Password refused" in result.output
    assert weak not in result.output
    assert user_by_email("x@example.org") is None


def test_users_create_refuses_a_taken_address(app, factory):
    existing = factory.user(email="taken@example.org")
    short_name = existing.institution.short_name

    result = run_cli(
        app,
        "create",
        "--email",
        "Taken@example.org",
        "--name",
        "X",
        "--institution",
        short_name,
        "--role",
        "admin",
        "--password-stdin",
    )

    assert result.exit_code == 2
    assert "already exists" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1

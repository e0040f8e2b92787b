"""Two-step sign-in (security-test-plan #8): enrolment with a real TOTP client (pyotp), the code after the password,
no code used twice, single-use recovery codes, throttling, the institution's requirement for staff, admin reset."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.auth import mfa
from portal.auth.models import RecoveryCode, User
from portal.auth.roles import Role
from portal.clock import shifted
from portal.extensions import db
from tests.auth.helpers import event_data, events, is_signed_in, text
from tests.conftest import csrf_token, post, sign_in
from tests.factories import PASSWORD

KEY = re.compile(r'id="totp-key">([A-Z2-7 ]+)</code>')
QR = re.compile(r'<img class="qr" src="([^"]+)"')
CODES = re.compile(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>")


def later_code(secret: str, steps: int = 1) -> str:
    """The code of a coming time step: still inside the drift window, and later than any step used so far."""
    return pyotp.TOTP(secret).at(datetime.now(UTC) + timedelta(seconds=30 * steps))


def enrol(browser: FlaskClient, password: str = PASSWORD) -> tuple[str, list[str]]:
    page = browser.get("/account/two-step")
    assert page.status_code == 200, text(page)
    secret = KEY.search(text(page)).group(1).replace(" ", "")
    response = post_from_setup(browser, "/account/two-step", {"code": pyotp.TOTP(secret).now(), "password": password})
    assert response.status_code == 200
    codes = CODES.findall(text(response))
    assert len(codes) == 10, text(response)
    return secret, codes


def post_from_setup(browser: FlaskClient, path: str, data: dict):  # noqa: ANN201
    """POST with the token of the enrolment page: the one page a person who must enrol can open."""
    return browser.post(path, data={"csrf_token": csrf_token(browser, "/account/two-step"), **data})


@pytest.fixture
def enrolled(factory, signed_in_client):  # noqa: ANN001, ANN201
    """A user with two-step sign-in set up, the secret their app holds, and their recovery codes."""

    def make(*roles: Role, **kwargs: object) -> tuple[User, str, list[str]]:
        user = factory.user(*roles, **kwargs)
        secret, codes = enrol(signed_in_client(user))
        db.session.expire_all()
        return user, secret, codes

    return make


def password_step(client: FlaskClient, user: User, next_url: str | None = None):  # noqa: ANN201
    path = "/sign-in" + (f"?next={next_url}" if next_url else "")
    return client.post(path, data={"csrf_token": csrf_token(client), "email": user.email, "password": PASSWORD})


def code_step(client: FlaskClient, code: str):  # noqa: ANN201
    return client.post("/sign-in/code", data={"csrf_token": csrf_token(client, "/sign-in/code"), "code": code})


# --- enrolment --------------------------------------------------------------------------------------


def test_the_enrolment_page_shows_a_server_made_svg_qr_code_and_the_key(factory, signed_in_client):
    user = factory.user()
    page = signed_in_client(user).get("/account/two-step")

    body = text(page)
    secret = KEY.search(body).group(1).replace(" ", "")
    src = html.unescape(QR.search(body).group(1))
    assert src.startswith("data:image/svg+xml")
    assert src == mfa.qr_data_uri(mfa.provisioning_uri(secret, user.email))
    assert "otpauth://totp/" in mfa.provisioning_uri(secret, user.email)
    assert "<script" not in body
    assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


def test_enrolling_with_an_app_gives_ten_single_use_codes_stored_only_hashed(enrolled):
    user, _secret, codes = enrolled()

    assert len(set(codes)) == 10
    assert user.mfa_enabled and user.mfa_last_step is not None
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert sorted(stored) == sorted(mfa.recovery_code_hash(c) for c in codes)
    assert not any(c in h or c.replace("-", "") in h for c in codes for h in stored)
    assert [(e.target_id, event_data(e)) for e in events("mfa.enrolled")] == [(str(user.id), {"recovery_codes": 10})]


def test_enrolment_needs_the_right_code_and_the_password(factory, signed_in_client):
    user = factory.user()
    browser = signed_in_client(user)
    secret = KEY.search(text(browser.get("/account/two-step"))).group(1).replace(" ", "")

    wrong_code = post(browser, "/account/two-step", {"code": "000000", "password": PASSWORD})
    wrong_password = post(browser, "/account/two-step", {"code": pyotp.TOTP(secret).now(), "password": "not mine"})

    assert "That code does not match" in text(wrong_code)
    assert "Your password is not correct." in text(wrong_password)
    db.session.expire_all()
    assert not db.session.get(User, user.id).mfa_enabled
    assert [event_data(e) for e in events("mfa.enrolment_failed")] == [{"wrong": "code"}, {"wrong": "password"}]
    # The key stays the same across attempts, so the app need not be set up again.
    assert KEY.search(text(browser.get("/account/two-step"))).group(1).replace(" ", "") == secret


def test_enrolment_signs_out_the_other_sessions(factory, signed_in_client):
    user = factory.user()
    other = signed_in_client(user)
    here = signed_in_client(user)
    enrol(here)

    assert is_signed_in(here)
    assert not is_signed_in(other)


# --- signing in -------------------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_after_the_password(app, enrolled):
    user, secret, _codes = enrolled()
    browser = app.test_client()

    response = password_step(browser, user)

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/code"
    assert not is_signed_in(browser)  # a right password alone is not a sign-in
    assert "Enter your code" in text(browser.get("/sign-in/code"))
    done = code_step(browser, later_code(secret))
    assert done.status_code == 302 and done.headers["Location"] == "/dashboard"
    assert is_signed_in(browser)
    assert events("mfa.code_accepted")[-1].target_id == str(user.id)
    assert events("user.signed_in")[-1].actor_id == user.id


def test_the_code_step_keeps_where_the_person_was_going(app, enrolled):
    user, secret, _codes = enrolled(Role.INVESTIGATOR)
    browser = app.test_client()
    password_step(browser, user, next_url="/proposals/new")

    assert code_step(browser, later_code(secret)).headers["Location"] == "/proposals/new"


def test_a_code_cannot_be_used_twice(app, enrolled):
    user, secret, _codes = enrolled()
    code = later_code(secret)
    first = app.test_client()
    password_step(first, user)
    assert code_step(first, code).status_code == 302

    second = app.test_client()
    password_step(second, user)
    replay = code_step(second, code)

    assert replay.status_code == 200
    assert "already been used" in text(replay)
    assert not is_signed_in(second)
    assert event_data(events("mfa.code_refused")[-1]) == {"replayed": True}


def test_an_old_code_is_refused_once_a_newer_one_was_used(app, enrolled):
    user, secret, _codes = enrolled()
    browser = app.test_client()
    password_step(browser, user)
    assert code_step(browser, later_code(secret, 1)).status_code == 302

    again = app.test_client()
    password_step(again, user)
    assert code_step(again, pyotp.TOTP(secret).now()).status_code == 200


def test_a_recovery_code_signs_in_once(app, enrolled):
    user, _secret, codes = enrolled()
    browser = app.test_client()
    password_step(browser, user)

    response = code_step(browser, codes[3].upper().replace("-", " "))  # as copied from paper

    assert response.status_code == 302
    assert is_signed_in(browser)
    assert event_data(events("mfa.recovery_code_used")[-1]) == {"left": 9}
    again = app.test_client()
    password_step(again, user)
    assert code_step(again, codes[3]).status_code == 200
    assert not is_signed_in(again)


def test_wrong_codes_are_throttled_per_account(app, enrolled):
    user, secret, _codes = enrolled()
    browser = app.test_client()
    password_step(browser, user)

    statuses = [code_step(browser, f"{n:06d}").status_code for n in range(7)]

    assert statuses == [200] * 5 + [429] * 2
    assert code_step(browser, later_code(secret)).status_code == 429
    fresh = app.test_client()  # starting again from the password does not reset the count
    password_step(fresh, user)
    assert code_step(fresh, later_code(secret)).status_code == 429
    assert not is_signed_in(fresh)
    assert len(events("mfa.code_refused")) == 5


def test_the_code_step_lapses_after_five_minutes(app, enrolled):
    user, secret, _codes = enrolled()
    browser = app.test_client()
    password_step(browser, user)

    with shifted(timedelta(minutes=6)):
        response = browser.get("/sign-in/code")

    assert urlsplit(response.headers["Location"]).path == "/sign-in"


def test_the_code_page_without_a_password_step_goes_to_sign_in(client):
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"


# --- the institution's requirement and the administrator ------------------------------------------


def require_for_staff(browser: FlaskClient) -> None:
    assert post(browser, "/admin/institution/staff-two-step/require").status_code == 302


@pytest.mark.parametrize("role", [Role.CHAIR, Role.COORDINATOR, Role.ADMIN])
def test_staff_must_enrol_before_doing_anything_else_when_required(factory, enrolled, signed_in_client, role):
    admin, _secret, _codes = enrolled(Role.ADMIN)
    admin_browser = signed_in_client_with_code(signed_in_client, admin, _secret)
    require_for_staff(admin_browser)
    staff = factory.user(role, institution=admin.institution)
    browser = signed_in_client(staff)

    for path in ("/dashboard", "/account/password", "/criteria"):
        response = browser.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/two-step", path
    new = "a brand new passphrase"
    change = {"current_password": PASSWORD, "password": new, "confirm": new}
    refused = post_from_setup(browser, "/account/password", change)
    assert refused.headers["Location"] == "/account/two-step"
    assert events("user.password_changed") == []
    assert "requires two-step sign-in for your role" in text(browser.get("/account/two-step"))

    enrol(browser)
    assert browser.get("/dashboard").status_code == 200


def signed_in_client_with_code(signed_in_client, user: User, secret: str) -> FlaskClient:  # noqa: ANN001
    """signed_in_client for a user who has two-step sign-in: password, then a fresh code."""
    from flask import current_app

    browser = current_app.test_client()
    password_step(browser, user)
    assert code_step(browser, later_code(secret)).status_code == 302
    return browser


def test_investigators_and_reviewers_are_not_forced(factory, admin, signed_in_client):
    admin_browser = signed_in_client(admin)
    require_for_staff(admin_browser)  # the admin is sent to enrol, but the setting is saved first
    for role in (Role.INVESTIGATOR, Role.REVIEWER, Role.GOVERNANCE):
        browser = signed_in_client(factory.user(role, institution=admin.institution))
        assert browser.get("/dashboard").status_code == 200


def test_the_requirement_is_per_institution_and_audited(factory, admin, signed_in_client):
    require_for_staff(signed_in_client(admin))
    elsewhere = signed_in_client(factory.user(Role.CHAIR))

    assert elsewhere.get("/dashboard").status_code == 200
    db.session.expire_all()
    assert admin.institution.require_mfa_for_staff is True
    assert [(e.actor_id, e.target_id) for e in events("institution.staff_mfa_required")] == [
        (admin.id, str(admin.institution_id))
    ]


def test_only_an_admin_may_change_the_requirement(factory, signed_in_client):
    chair = signed_in_client(factory.user(Role.CHAIR))
    assert post(chair, "/admin/institution/staff-two-step/require").status_code == 404
    assert events("institution.staff_mfa_required") == []


def test_an_admin_resets_a_lost_authenticator_and_the_sessions_end(app, factory, enrolled, signed_in_client):
    admin = factory.user(Role.ADMIN)
    user, secret, _codes = enrolled(institution=admin.institution)
    user_browser = signed_in_client_with_code(signed_in_client, user, secret)

    response = post(signed_in_client(admin), f"/admin/accounts/{user.id}/two-step/reset")

    assert response.status_code == 302
    assert not is_signed_in(user_browser)
    db.session.expire_all()
    assert not db.session.get(User, user.id).mfa_enabled
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    assert [(e.actor_id, e.target_id) for e in events("mfa.reset")] == [(admin.id, str(user.id))]
    assert sign_in(app.test_client(), user.email, PASSWORD).headers["Location"] == "/dashboard"


def test_an_admin_of_another_institution_cannot_reset(factory, enrolled, signed_in_client):
    user, _secret, _codes = enrolled()
    outsider = signed_in_client(factory.user(Role.ADMIN))

    assert post(outsider, f"/admin/accounts/{user.id}/two-step/reset").status_code == 404
    assert events("mfa.reset") == []


def test_the_accounts_page_shows_who_has_two_step_sign_in(factory, admin, enrolled, signed_in_client):
    enrolled(institution=admin.institution)
    page = text(signed_in_client(admin).get("/admin/accounts"))
    assert "Require two-step sign-in for staff" in page
    assert "/two-step/reset" in page

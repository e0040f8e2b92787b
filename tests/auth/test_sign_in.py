"""Signing in and out: what a person sees, what is recorded, and which sessions stop working."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.redirects import safe_next
from portal.auth.roles import Role
from portal.auth.views import THROTTLE_MESSAGE
from portal.extensions import db
from tests.auth.helpers import event_data, events, is_signed_in, text, without_tokens
from tests.conftest import csrf_token, post, sign_in
from tests.factories import PASSWORD

NEW_PASSWORD = "a different, much longer passphrase"


def session_keys(client) -> set[str]:  # noqa: ANN001
    with client.session_transaction() as session:
        return set(session.keys())


# --- signing in -------------------------------------------------------------------------------------


def test_successful_sign_in_goes_to_the_dashboard_and_is_audited(client, factory):
    user = factory.user(Role.INVESTIGATOR)

    response = sign_in(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert f"Welcome, {user.name}" in text(page)
    signed_in = events("user.signed_in")
    assert [(e.actor_id, e.target_type, e.target_id) for e in signed_in] == [(user.id, "users", str(user.id))]
    assert events("user.sign_in_failed") == []


def test_sign_in_is_case_insensitive_on_the_email_address(client, factory):
    user = factory.user(email="Mixed.Case@Example.org")

    response = sign_in(client, "  MIXED.case@example.ORG ", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)
    assert user.email == "mixed.case@example.org"


def test_sign_in_starts_a_new_session(client, factory):
    user = factory.user()
    token = csrf_token(client)  # the anonymous visitor now has a session cookie
    with client.session_transaction() as session:
        session["planted"] = "x"
    before = client.get_cookie("session").value

    response = client.post("/sign-in", data={"csrf_token": token, "email": user.email, "password": PASSWORD})

    assert response.status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    keys = session_keys(client)
    assert "planted" not in keys
    assert "_user_id" in keys
    # The pre-login cookie, put back in a browser, carries no sign-in.
    old = client.application.test_client()
    old.set_cookie("session", before)
    assert not is_signed_in(old)


def test_unknown_email_and_wrong_password_look_the_same(client, factory):
    user = factory.user()
    unknown = "nobody-here@example.org"

    wrong_password = sign_in(client, user.email, "not the right password at all")
    no_such_user = sign_in(client, unknown, "not the right password at all")

    assert wrong_password.status_code == no_such_user.status_code == 200
    first = without_tokens(text(wrong_password)).replace(user.email, "EMAIL")
    second = without_tokens(text(no_such_user)).replace(unknown, "EMAIL")
    assert "The e-mail address or password is not correct." in first
    assert first == second
    assert not is_signed_in(client)

    failed = events("user.sign_in_failed")
    assert [event_data(e)["email"] for e in failed] == [user.email, unknown]
    assert [e.target_id for e in failed] == [str(user.id), None]
    assert events("user.signed_in") == []


def test_repeated_failures_lock_the_address_but_not_others(client, factory):
    user = factory.user()
    other = factory.user()

    statuses = [sign_in(client, user.email, f"wrong password number {n}").status_code for n in range(20)]

    assert statuses[:10] == [200] * 10  # the first attempts show the ordinary error
    assert set(statuses[10:]) == {429}
    locked = sign_in(client, user.email, PASSWORD)
    assert locked.status_code == 429
    assert THROTTLE_MESSAGE in text(locked)
    assert "Too many attempts" in text(locked)
    assert not is_signed_in(client)
    assert events("user.signed_in") == []
    # The address is locked, not the whole sign-in page: another person can still sign in.
    elsewhere = client.application.test_client()
    response = sign_in(elsewhere, other.email, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(elsewhere)


def test_sign_in_without_a_csrf_token_is_refused(client, factory):
    user = factory.user()
    client.get("/sign-in")

    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 400
    assert "Your form expired" in text(response)
    assert "_user_id" not in session_keys(client)
    assert not is_signed_in(client)
    assert events("user.signed_in") == []


def test_sign_in_with_a_forged_csrf_token_is_refused(client, factory):
    user = factory.user()
    client.get("/sign-in")

    response = client.post("/sign-in", data={"csrf_token": "forged", "email": user.email, "password": PASSWORD})

    assert response.status_code == 400
    assert not is_signed_in(client)


def test_disabled_account_cannot_sign_in(client, factory, admin, signed_in_client):
    user = factory.user(institution=admin.institution)
    admin_browser = signed_in_client(admin)
    assert post(admin_browser, f"/admin/accounts/{user.id}/disable").status_code == 302

    response = sign_in(client, user.email, PASSWORD)

    assert response.status_code == 200
    assert "This account is not active" in text(response)
    assert not is_signed_in(client)


# --- signing out and revoked cookies ----------------------------------------------------------------


def test_sign_out_ends_the_session_and_a_replayed_cookie_does_not_work(app, factory, signed_in_client):
    user = factory.user()
    browser = signed_in_client(user)
    stolen = browser.get_cookie("session").value

    response = post(browser, "/sign-out")

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert not is_signed_in(browser)
    assert [e.actor_id for e in events("user.signed_out")] == [user.id]

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    dashboard = replay.get("/dashboard")
    assert dashboard.status_code == 302
    assert urlsplit(dashboard.headers["Location"]).path == "/sign-in"


def test_sign_out_needs_a_post_with_a_token(factory, signed_in_client):
    browser = signed_in_client(factory.user())

    assert browser.get("/sign-out").status_code == 405
    assert browser.post("/sign-out").status_code == 400
    assert is_signed_in(browser)


def test_password_change_keeps_this_browser_and_signs_out_the_others(app, client, factory, signed_in_client):
    user = factory.user()
    here = signed_in_client(user)
    elsewhere = signed_in_client(user)

    response = post(
        here,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert [e.target_id for e in events("user.password_changed")] == [str(user.id)]
    # Only the new password works from now on.
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 200
    assert sign_in(client, user.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short", "Use at least 12 characters."),
        ("aaaaaaaaaaaaaaaa", "Use more varied characters."),
    ],
)
def test_weak_new_password_gives_a_field_error(factory, signed_in_client, new_password, message):
    user = factory.user()
    browser = signed_in_client(user)

    response = post(
        browser,
        "/account/password",
        {"current_password": PASSWORD, "password": new_password, "confirm": new_password},
    )

    assert response.status_code == 200
    assert message in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert events("user.password_changed") == []
    assert is_signed_in(browser)


def test_password_change_needs_the_current_password(factory, signed_in_client):
    user = factory.user()
    browser = signed_in_client(user)

    response = post(
        browser,
        "/account/password",
        {"current_password": "not my password at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert "Your current password is not correct." in text(response)
    assert events("user.password_changed") == []


def test_disabling_a_user_ends_their_open_session(factory, admin, signed_in_client):
    user = factory.user(institution=admin.institution)
    victim = signed_in_client(user)
    admin_browser = signed_in_client(admin)

    response = post(admin_browser, f"/admin/accounts/{user.id}/disable")

    assert response.status_code == 302
    assert not is_signed_in(victim)
    assert [(e.actor_id, e.target_id) for e in events("account.disabled")] == [(admin.id, str(user.id))]
    assert is_signed_in(admin_browser)


# --- where people land after signing in -------------------------------------------------------------


def sign_in_with_next(client, email: str, target: str):  # noqa: ANN001, ANN201
    token = csrf_token(client)
    return client.post(
        "/sign-in?" + urlencode({"next": target}),
        data={"csrf_token": token, "email": email, "password": PASSWORD},
    )


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/dashboard",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        " //evil.example",
        "////evil.example",
        "%2F%2Fevil.example",
        "\t//evil.example",
        "https:evil.example",
        "http://localhost.evil.example",
    ],
)
def test_next_cannot_leave_the_site(client, factory, target):
    user = factory.user()

    response = sign_in_with_next(client, user.email, target)

    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/dashboard"
    assert urlsplit(location).netloc == ""
    assert is_signed_in(client)


def test_a_local_next_is_honoured(client, factory):
    user = factory.user()

    response = sign_in_with_next(client, user.email, "/proposals/new")

    assert response.status_code == 302
    assert response.headers["Location"] == "/proposals/new"


def test_a_protected_page_sends_you_back_after_signing_in(client, factory):
    user = factory.user(Role.INVESTIGATOR)
    bounced = client.get("/proposals/new")
    assert bounced.status_code == 302
    sign_in_page = bounced.headers["Location"]
    assert urlsplit(sign_in_page).path == "/sign-in"

    token = csrf_token(client)
    response = client.post(sign_in_page, data={"csrf_token": token, "email": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/proposals/new"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/proposals/new", "/proposals/new"),
        ("/proposals/7?tab=files#top", "/proposals/7?tab=files#top"),
        ("/", "/"),
        (None, "/home"),
        ("", "/home"),
        ("//evil.example", "/home"),
        ("///evil.example", "/home"),
        ("/\\evil.example", "/home"),
        ("\\/evil.example", "/home"),
        ("\\\\evil.example", "/home"),
        ("https://evil.example", "/home"),
        ("HTTPS://evil.example/x", "/home"),
        ("http:/evil.example", "/home"),
        ("http:evil.example", "/home"),
        ("javascript:alert(1)", "/home"),
        ("data:text/html,<script>alert(1)</script>", "/home"),
        ("evil.example", "/home"),
        ("proposals/new", "/home"),
        (" /proposals/new", "/home"),
        ("/\t/evil.example", "/home"),
        ("/\n/evil.example", "/home"),
        ("/\r\nSet-Cookie: x=1", "/home"),
        ("/\x00/evil.example", "/home"),
        ("/\x7f/evil.example", "/home"),
        ("////evil.example", "/home"),
        ("%2F%2Fevil.example", "/home"),
        ("\t//evil.example", "/home"),
        ("https:evil.example", "/home"),
        ("http://localhost.evil.example", "/home"),
    ],
)
def test_safe_next(target, expected):
    assert safe_next(target, "/home") == expected


def test_safe_next_default_is_the_root():
    assert safe_next("//evil.example") == "/"


# Pieces that make redirect tricks (plan §2.8), so Hypothesis meets them far more often than plain text would.
REDIRECT_PIECES = st.sampled_from(["/", "//", "\\", "\\\\", ":", "http:", "https://", "evil.example", "%2F", "@",
                                   "\t", "\n", "\x00", " ", ".", "?", "#", "javascript:", "localhost"])
NEXT_CANDIDATES = st.one_of(st.text(), st.lists(REDIRECT_PIECES | st.text(max_size=3), max_size=8).map("".join))


@given(NEXT_CANDIDATES)
@settings(max_examples=500, deadline=None)
def test_safe_next_only_ever_gives_a_path_on_this_site(target):
    default = "/the-default"
    result = safe_next(target, default)

    if result == default:
        return
    # Browsers read a backslash as a slash; the sanitizer hands back the path in that form.
    assert result == target.replace("\\", "/"), "the sanitizer keeps a safe target, or drops it"
    assert result.startswith("/") and not result.startswith("//")
    parts = urlsplit(result)
    assert parts.scheme == "" and parts.netloc == ""
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in result)


def test_sign_out_ignores_a_next_that_leaves_the_site(factory, signed_in_client):
    browser = signed_in_client(factory.user())

    response = post(browser, "/sign-out?" + urlencode({"next": "//evil.example"}))

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert not is_signed_in(browser)


# --- brute force hygiene (check 18) -----------------------------------------------------------------


def test_an_attempted_password_is_never_recorded_or_logged(client, factory, caplog):
    user = factory.user()
    attempted = "Distinctive-Guess-7Q4Z-never-stored"
    caplog.set_level(logging.DEBUG)  # every logger, at its most talkative

    statuses = [sign_in(client, user.email, attempted).status_code for _ in range(20)]

    assert 429 in statuses, "twenty bad attempts must reach the throttle"
    failed = events("user.sign_in_failed")
    assert failed, "the failures themselves are recorded"
    every_event = db.session.scalars(select(AuditEvent)).all()
    assert every_event
    for event in every_event:
        assert attempted not in json.dumps([event.action, event.actor_name, event.target_id, event.data])
    assert caplog.records, "the throttle logs its refusals, so the capture is live"
    assert attempted not in caplog.text


@pytest.mark.parametrize("app_config", [{"LOGIN_THROTTLE": "3 per 2 seconds"}])
def test_the_throttle_lifts_after_its_window(client, factory):
    # A 2-second window, not 1: on a shared, busy machine the four attempts must fall inside one window.
    user = factory.user()

    statuses = [sign_in(client, user.email, f"wrong password number {n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert sign_in(client, user.email, PASSWORD).status_code == 429, "while locked even the right password waits"

    time.sleep(2.1)

    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert is_signed_in(client)

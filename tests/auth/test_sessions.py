"""Session lifecycle (security-test-plan #12, #13, check 17): the production cookie's attributes, and the idle and
absolute timeouts enforced on the server, walked forward with portal.clock.shifted()."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.clock import shifted
from tests.auth.helpers import event_data, events, is_signed_in, text
from tests.conftest import csrf_token, post, sign_in
from tests.factories import PASSWORD

STRONG_KEY = "3c9e1f7a5b2d8e4f6a1c3e5b7d9f0a2c4e6b8d1f3a5c7e9b0d2f4a6c8e1b3d5f"


def set_cookie(response) -> tuple[str, SimpleCookie]:  # noqa: ANN001
    header = response.headers["Set-Cookie"]
    return header, SimpleCookie(header)


class TestProductionCookie:
    """No TESTING and no DEMO: the configuration production runs with."""

    @pytest.fixture
    def app_config(self) -> dict[str, object]:
        return {"TESTING": False, "SECRET_KEY": STRONG_KEY}

    def test_the_session_cookie_is_host_prefixed_secure_httponly_and_lax(self, app):
        browser = app.test_client()

        header, cookie = set_cookie(browser.get("/sign-in", base_url="https://portal.example"))

        assert list(cookie) == ["__Host-portal-session"]
        morsel = cookie["__Host-portal-session"]
        assert morsel["secure"] is True
        assert morsel["httponly"] is True
        assert morsel["samesite"] == "Lax"
        assert morsel["path"] == "/"
        assert "domain" not in header.lower()  # __Host- forbids a Domain attribute

    def test_signing_in_works_over_https_and_the_new_cookie_has_the_same_attributes(self, app, factory):
        user = factory.user()
        browser = app.test_client()
        https = {"base_url": "https://portal.example"}
        token = csrf_token_over(browser, https)

        response = browser.post(
            "/sign-in",
            data={"csrf_token": token, "email": user.email, "password": PASSWORD},
            headers={"Referer": "https://portal.example/sign-in"},  # what Referrer-Policy: same-origin lets through
            **https,
        )

        assert response.status_code == 302
        header, cookie = set_cookie(response)
        assert "__Host-portal-session" in cookie and "Secure" in header and "HttpOnly" in header
        assert browser.get("/dashboard", **https).status_code == 200

    def test_hsts_is_sent_when_the_cookie_is_secure(self, app):
        response = app.test_client().get("/sign-in", base_url="https://portal.example")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def csrf_token_over(browser, options: dict) -> str:  # noqa: ANN001
    from tests.conftest import CSRF_META

    return CSRF_META.search(text(browser.get("/sign-in", **options))).group(1)


def test_dev_and_demo_over_plain_http_keep_an_unprefixed_cookie_without_secure(app, client):
    header, cookie = set_cookie(client.get("/sign-in"))

    assert list(cookie) == ["session"]
    assert "Secure" not in header
    assert cookie["session"]["httponly"] is True
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


# --- timeouts ---------------------------------------------------------------------------------------


def test_idle_timeout_ends_the_session_after_30_minutes_without_a_request(app, factory, signed_in_client):
    user = factory.user()
    browser = signed_in_client(user)

    with shifted(timedelta(minutes=29)):
        assert is_signed_in(browser)  # activity moves "last seen" forward
    with shifted(timedelta(minutes=58)):
        assert is_signed_in(browser)
    with shifted(timedelta(minutes=89)):
        response = browser.get("/proposals/new")

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sign-in"
    assert parse_qs(location.query)["next"] == ["/proposals/new"]
    with shifted(timedelta(minutes=89)):
        assert not is_signed_in(browser)
        page = browser.get("/sign-in")
    assert "signed out after 30 minutes without activity" in text(page)
    assert [(e.actor_id, event_data(e)["reason"]) for e in events("user.session_expired")] == [(user.id, "idle")]


def test_absolute_timeout_ends_even_an_active_session_after_12_hours(factory, signed_in_client):
    user = factory.user()
    browser = signed_in_client(user)

    for minutes in range(25, 12 * 60, 25):  # never idle for long
        with shifted(timedelta(minutes=minutes)):
            assert is_signed_in(browser), f"signed out early, after {minutes} minutes"
    with shifted(timedelta(hours=12, minutes=1)):
        assert not is_signed_in(browser)

    assert [event_data(e)["reason"] for e in events("user.session_expired")] == ["absolute"]


def test_a_copied_cookie_expires_on_the_server_too(app, factory, signed_in_client):
    """The timestamps are inside the signed cookie: replaying an old copy later does not revive it."""
    browser = signed_in_client(factory.user())
    copy = browser.get_cookie("session").value

    replay = app.test_client()
    replay.set_cookie("session", copy)
    with shifted(timedelta(minutes=31)):
        assert not is_signed_in(replay)


def test_a_post_after_the_idle_timeout_changes_nothing(factory, signed_in_client):
    user = factory.user()
    browser = signed_in_client(user)
    token = csrf_token(browser, "/account/password")

    with shifted(timedelta(minutes=31)):
        response = browser.post(
            "/account/password",
            data={"csrf_token": token, "current_password": PASSWORD, "password": "a new and long passphrase",
                  "confirm": "a new and long passphrase"},
        )

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"
    assert events("user.password_changed") == []


@pytest.mark.parametrize("app_config", [{"SESSION_IDLE_MINUTES": 5, "SESSION_ABSOLUTE_HOURS": 1}])
def test_the_timeouts_are_settings(factory, signed_in_client):
    browser = signed_in_client(factory.user())
    with shifted(timedelta(minutes=4)):
        assert is_signed_in(browser)
    with shifted(timedelta(minutes=10)):
        assert not is_signed_in(browser)

    again = signed_in_client(factory.user())
    for minutes in (4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56):
        with shifted(timedelta(minutes=minutes)):
            assert is_signed_in(again)
    with shifted(timedelta(minutes=61)):
        assert not is_signed_in(again)


def test_a_session_without_its_times_is_not_accepted(app, factory):
    """Fail closed: a session not made by signing in (a forged or pre-upgrade cookie) carries no sign-in."""
    user = factory.user()
    browser = app.test_client()
    sign_in(browser, user.email, PASSWORD)
    with browser.session_transaction() as session:
        del session["signed_in_at"]

    assert not is_signed_in(browser)


def test_signing_in_again_after_a_timeout_works(app, factory, signed_in_client):
    user = factory.user()
    browser = signed_in_client(user)
    with shifted(timedelta(minutes=45)):
        assert not is_signed_in(browser)
        assert sign_in(browser, user.email, PASSWORD).status_code == 302
        assert is_signed_in(browser)


def test_sign_out_still_works_with_a_post(factory, signed_in_client):
    browser = signed_in_client(factory.user())
    assert post(browser, "/sign-out").status_code == 302
    assert not is_signed_in(browser)

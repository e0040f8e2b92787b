"""Forgot password (security-test-plan #5, check 18): one answer for every address, in about the same time; a
link only for an existing account, which works once, expires, and ends the account's sessions."""

from __future__ import annotations

import logging
import re
import statistics
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.auth.models import PasswordReset
from portal.clock import shifted
from portal.extensions import db
from tests.auth.helpers import event_data, events, is_signed_in, text, without_tokens
from tests.conftest import csrf_token, post, sign_in
from tests.factories import PASSWORD

NEW_PASSWORD = "a lantern by the harbour wall"
LINK = re.compile(r"at (http://localhost/reset-password/\S+)")


def ask_for_reset(client, email: str):  # noqa: ANN001, ANN201
    return post(client, "/forgot-password", {"email": email})


def reset_path(caplog: pytest.LogCaptureFixture, client, email: str) -> str:  # noqa: ANN001
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="portal.outbox"):
        assert ask_for_reset(client, email).status_code == 200
    links = [LINK.search(r.getMessage()) for r in caplog.records if r.name == "portal.outbox"]
    assert len(links) == 1 and links[0], caplog.text
    return urlsplit(links[0].group(1)).path


def test_known_and_unknown_addresses_get_the_same_page(client, factory, caplog):
    user = factory.user()
    unknown = "nobody-here@example.org"

    with caplog.at_level(logging.INFO, logger="portal.outbox"):
        known = ask_for_reset(client, user.email)
        nobody = ask_for_reset(client, unknown)

    assert known.status_code == nobody.status_code == 200
    assert without_tokens(text(known)) == without_tokens(text(nobody))
    assert "If the address you entered belongs to an active account" in text(known)
    sent = [r.getMessage() for r in caplog.records if r.name == "portal.outbox"]
    assert len(sent) == 1 and sent[0].startswith(f"To {user.email}:")
    requested = events("password_reset.requested")
    assert [event_data(e)["email"] for e in requested] == [user.email, unknown]
    assert [e.target_id for e in requested] == [str(user.id), None]


@pytest.mark.parametrize("app_config", [{"PASSWORD_RESET_THROTTLE": "100 per hour"}])
def test_the_answer_takes_about_as_long_for_an_unknown_address(client, factory):
    """Same status, same body, and timing within a tolerance (medians, so one slow request does not decide)."""
    user = factory.user()

    known = _median_seconds(client, "/forgot-password", [{"email": user.email}] * 10)
    unknown = _median_seconds(client, "/forgot-password", [{"email": f"nobody{n}@example.org"} for n in range(10)])

    assert abs(known - unknown) < max(0.05, 0.5 * unknown), (known, unknown)


def _median_seconds(client, path: str, forms: list[dict]) -> float:  # noqa: ANN001
    token = csrf_token(client)
    times = []
    for form in forms:
        start = time.perf_counter()
        response = client.post(path, data={"csrf_token": token, **form})
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    return statistics.median(times)


@pytest.mark.parametrize("app_config", [{"LOGIN_THROTTLE": "100 per hour"}])
def test_a_wrong_password_and_an_unknown_address_take_about_as_long_to_refuse(client, factory):
    """The unknown address is checked against a dummy hash, so both refusals cost one argon2 verification."""
    user = factory.user()
    wrong = [{"email": user.email, "password": f"wrong password {n}"} for n in range(10)]
    unknown = [{"email": f"nobody{n}@example.org", "password": f"wrong password {n}"} for n in range(10)]

    known_time = _median_seconds(client, "/sign-in", wrong)
    unknown_time = _median_seconds(client, "/sign-in", unknown)

    assert abs(known_time - unknown_time) < max(0.05, 0.5 * unknown_time), (known_time, unknown_time)


def test_a_disabled_account_gets_no_link(client, factory, admin, signed_in_client, caplog):
    user = factory.user(institution=admin.institution)
    post(signed_in_client(admin), f"/admin/accounts/{user.id}/disable")

    with caplog.at_level(logging.INFO, logger="portal.outbox"):
        assert ask_for_reset(client, user.email).status_code == 200

    assert not [r for r in caplog.records if r.name == "portal.outbox"]


def test_the_link_sets_a_new_password_once_and_ends_every_session(app, client, factory, signed_in_client, caplog):
    user = factory.user()
    open_session = signed_in_client(user)
    path = reset_path(caplog, client, user.email)
    assert client.get(path).status_code == 200

    response = post(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert not is_signed_in(open_session)
    assert [e.target_id for e in events("user.password_reset")] == [str(user.id)]
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 200
    assert sign_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    again = app.test_client()
    assert again.get(path).status_code == 404
    assert "This link cannot be used" in text(again.get(path))


def test_a_new_link_retires_the_older_ones_once_used(client, factory, caplog):
    user = factory.user()
    first = reset_path(caplog, client, user.email)
    second = reset_path(caplog, client, user.email)

    assert post(client, second, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302

    assert client.get(first).status_code == 404


def test_the_link_expires(client, factory, caplog):
    user = factory.user()
    path = reset_path(caplog, client, user.email)

    with shifted(timedelta(minutes=61)):
        response = post(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 404
    assert events("user.password_reset") == []


def test_the_token_is_stored_only_hashed(client, factory, caplog):
    user = factory.user()
    token = reset_path(caplog, client, user.email).rsplit("/", 1)[1]

    stored = db.session.scalars(select(PasswordReset.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


@pytest.mark.parametrize(("password", "message"), [("short", "Use at least 12 characters."),
                                                   ("qwerty123456", "most commonly used passwords")])
def test_the_new_password_follows_the_policy(client, factory, caplog, password, message):
    user = factory.user()
    path = reset_path(caplog, client, user.email)

    response = post(client, path, {"password": password, "confirm": password})

    assert response.status_code == 200
    assert message in text(response)
    assert events("user.password_reset") == []
    assert client.get(path).status_code == 200  # still usable


def test_the_password_may_not_be_the_address(client, factory, caplog):
    user = factory.user(email="long.address.person@example.org")
    path = reset_path(caplog, client, user.email)

    response = post(client, path, {"password": user.email, "confirm": user.email})

    assert "Do not use your e-mail address as your password." in text(response)


def test_reset_requests_are_throttled_per_address_known_or_not(client, factory):
    user = factory.user()
    for email in (user.email, "nobody-at-all@example.org"):
        statuses = [ask_for_reset(client, email).status_code for _ in range(7)]
        assert statuses == [200] * 5 + [429] * 2


def test_the_sign_in_page_links_to_it(client):
    assert 'href="/forgot-password"' in text(client.get("/sign-in"))

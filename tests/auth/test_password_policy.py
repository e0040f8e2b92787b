"""The password policy (security-test-plan #1-#3, #7): length without truncation, and the bundled list of the
10,000 most common passwords refused everywhere a password is chosen, with a clear field error."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from portal.auth.passwords import MAX_LENGTH, MIN_LENGTH, common_passwords, password_problem
from portal.auth.roles import Role
from tests.auth.helpers import events, is_signed_in, text
from tests.auth.test_accounts import create_invitation, request_account, run_cli, user_by_email
from tests.conftest import post, sign_in
from tests.factories import PASSWORD

COMMON = "qwerty123456"  # long enough for the length rule, so only the list refuses it
COMMON_MESSAGE = "This is one of the most commonly used passwords"


def test_the_bundled_list_holds_the_ten_thousand_most_common_passwords():
    listed = common_passwords()
    assert len(listed) == 10_000
    assert {"123456", "password", "qwerty", COMMON, "1qaz2wsx3edc"} <= listed
    assert not any(line.startswith("#") for line in listed)


@pytest.mark.parametrize("password", [COMMON, "QWERTY123456", "1qaz2wsx3edc", "leavemealone"])
def test_common_passwords_are_refused_whatever_their_case(password):
    assert password_problem(password).startswith(COMMON_MESSAGE)


def test_an_uncommon_passphrase_of_the_same_length_is_fine():
    assert password_problem("qwerty123457 harbour") is None


@pytest.mark.parametrize("length", [MIN_LENGTH, 64, 100, MAX_LENGTH])
def test_long_passwords_round_trip(client, factory, length):
    password = ("river-lantern-" * 80)[:length]
    user = factory.user(password=password)

    assert password_problem(password) is None
    assert sign_in(client, user.email, password).status_code == 302
    assert is_signed_in(client)


def test_a_password_over_the_limit_is_refused():
    assert password_problem("x" * (MAX_LENGTH - 10) + "abcdefghij!") == f"Use at most {MAX_LENGTH} characters."


def test_no_truncation_an_80_character_password_is_not_its_72_character_prefix(app, client, factory):
    """bcrypt reads only 72 bytes; argon2 reads every character, so the prefix is a wrong password."""
    password = "".join(f"{n:02d}-lighthouse " for n in range(8))[:80]
    assert len(password) == 80
    user = factory.user(password=password)
    assert user.password_hash.startswith("$argon2id$")
    assert password not in user.password_hash

    assert sign_in(client, user.email, password[:72]).status_code == 200
    assert not is_signed_in(client)
    assert sign_in(app.test_client(), user.email, password[:79]).status_code == 200
    assert sign_in(client, user.email, password).status_code == 302


def test_a_common_password_is_refused_at_registration(client, factory):
    institution = factory.institution()

    response = request_account(client, institution, password=COMMON, confirm=COMMON)

    assert response.status_code == 200
    assert COMMON_MESSAGE in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert user_by_email("pat.applicant@example.org") is None


def test_a_common_password_is_refused_at_invitation_acceptance(app, factory, signed_in_client):
    path = urlsplit(create_invitation(signed_in_client(factory.user(Role.ADMIN)))).path

    response = post(app.test_client(), path, {"password": COMMON, "confirm": COMMON})

    assert response.status_code == 200
    assert COMMON_MESSAGE in text(response)
    assert user_by_email("invitee@example.org") is None


def test_a_common_password_is_refused_when_changing_it(factory, signed_in_client):
    browser = signed_in_client(factory.user())

    response = post(browser, "/account/password", {"current_password": PASSWORD, "password": COMMON, "confirm": COMMON})

    assert response.status_code == 200
    assert COMMON_MESSAGE in text(response)
    assert events("user.password_changed") == []


def test_a_common_password_is_refused_when_an_admin_account_is_created(app, factory):
    short_name = factory.institution().short_name

    result = run_cli(
        app, "create", "--email", "first@example.org", "--name", "First Admin", "--institution", short_name,
        "--role", "admin", "--password-stdin", password=COMMON,
    )

    assert result.exit_code == 2
    assert f"Password refused: {COMMON_MESSAGE}" in result.output
    assert user_by_email("first@example.org") is None

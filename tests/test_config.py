"""Configuration: the portal will not start with a guessable SECRET_KEY; PORTAL_* variables and overrides."""

from __future__ import annotations

import secrets
import stat
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.config import MIN_SECRET_KEY_LENGTH, ConfigError, secret_key_problem

# A fixed strong key with letters in it, so reading it from the environment never parses it as JSON.
STRONG_KEY = "9f2c4e7a1b3d5f60a8c2e4f6b1d3a5c7e9f0b2d4c6a8e1f3b5d7c9a0e2f4b6d8"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test sets itself: no stray PORTAL_* setting from the shell that runs the suite."""
    for name in (
        "PORTAL_SECRET_KEY",
        "PORTAL_TESTING",
        "PORTAL_DEMO",
        "PORTAL_MAX_CONTENT_LENGTH",
        "PORTAL_DATABASE_URL",
        "PORTAL_INSTANCE_PATH",
        "PORTAL_ATTACHMENT_DIR",
        "PORTAL_SESSION_COOKIE_SECURE",
        "PORTAL_SESSION_IDLE_MINUTES",
    ):
        monkeypatch.delenv(name, raising=False)


def make_app(tmp_path: Path, **overrides: object) -> Flask:
    """An app as production would build it: no TESTING, no DEMO, a throwaway SQLite file."""
    config: dict[str, object] = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    config.update(overrides)
    return create_app(config)


# --- the secret key ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        (None, "SECRET_KEY is not set"),
        ("", "SECRET_KEY is not set"),
        ("a1b2c3d4e5f6", f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters"),
        ("dev", "SECRET_KEY is a well-known placeholder"),
        ("DEV", "SECRET_KEY is a well-known placeholder"),
        ("changeme", "SECRET_KEY is a well-known placeholder"),
        ("please-change-me", "SECRET_KEY is a well-known placeholder"),
        ("ab" * 32, "SECRET_KEY repeats too few distinct characters"),
    ],
)
def test_refuses_to_start_with_a_weak_secret_key(tmp_path, key, problem):
    with pytest.raises(ConfigError) as refusal:
        make_app(tmp_path, SECRET_KEY=key)

    message = str(refusal.value)
    assert problem in message
    assert "PORTAL_SECRET_KEY" in message
    if key:
        assert key not in message.replace("SECRET_KEY", "")  # the refused key is not echoed


def test_refuses_to_start_without_any_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="PORTAL_SECRET_KEY"):
        make_app(tmp_path)


def test_refuses_a_weak_key_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "secret")

    with pytest.raises(ConfigError, match="well-known placeholder"):
        make_app(tmp_path)


def test_accepts_a_strong_random_key(tmp_path):
    key = secrets.token_hex(32)

    app = make_app(tmp_path, SECRET_KEY=key)

    assert app.config["SECRET_KEY"] == key
    assert not app.config["TESTING"]
    assert not app.config["DEMO"]


def test_accepts_a_strong_key_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_SECRET_KEY", STRONG_KEY)

    app = make_app(tmp_path)

    assert app.config["SECRET_KEY"] == STRONG_KEY


def test_an_all_digit_key_from_the_environment_stays_text(tmp_path, monkeypatch):
    """PORTAL_* values are parsed as JSON; a numeric key must not turn into an int that cannot sign cookies."""
    digits = "7305918264" * 4
    monkeypatch.setenv("PORTAL_SECRET_KEY", digits)

    app = make_app(tmp_path)

    assert app.config["SECRET_KEY"] == digits
    assert app.test_client().get("/sign-in").status_code == 200


def test_testing_without_a_key_gets_a_random_one(tmp_path):
    first = make_app(tmp_path, TESTING=True)
    second = make_app(tmp_path, TESTING=True)

    assert secret_key_problem(first.config["SECRET_KEY"]) is None
    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]


# --- environment and overrides ----------------------------------------------------------------------


def test_portal_environment_variables_are_read(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_MAX_CONTENT_LENGTH", "12345")

    app = make_app(tmp_path, SECRET_KEY=STRONG_KEY)

    assert app.config["MAX_CONTENT_LENGTH"] == 12345


def test_overrides_win_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_MAX_CONTENT_LENGTH", "12345")
    monkeypatch.setenv("PORTAL_SECRET_KEY", "dev")

    app = make_app(tmp_path, SECRET_KEY=STRONG_KEY, MAX_CONTENT_LENGTH=999)

    assert app.config["MAX_CONTENT_LENGTH"] == 999
    assert app.config["SECRET_KEY"] == STRONG_KEY


def test_defaults_apply_without_environment_or_overrides(tmp_path):
    app = make_app(tmp_path, SECRET_KEY=STRONG_KEY)

    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["ATTACHMENT_DIR"] == str(tmp_path / "instance" / "attachments")


def test_database_defaults_to_sqlite_in_the_instance_folder(tmp_path):
    instance = tmp_path / "instance"

    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": STRONG_KEY})

    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'portal.db'}"


# --- the demo ---------------------------------------------------------------------------------------


def test_demo_generates_a_key_file_and_reuses_it(tmp_path):
    key_file = tmp_path / "instance" / "demo-secret-key"
    assert not key_file.exists()

    first = make_app(tmp_path, DEMO=True)

    assert key_file.exists()
    key = key_file.read_text().strip()
    assert first.config["SECRET_KEY"] == key
    assert secret_key_problem(key) is None
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    second = make_app(tmp_path, DEMO=True)  # a restart keeps the key, so sessions survive it

    assert second.config["SECRET_KEY"] == key
    assert key_file.read_text().strip() == key


def test_demo_key_files_differ_between_instances(tmp_path):
    first = make_app(tmp_path / "one", DEMO=True)
    second = make_app(tmp_path / "two", DEMO=True)

    assert first.config["SECRET_KEY"] != second.config["SECRET_KEY"]


def test_demo_with_an_explicit_key_does_not_write_a_key_file(tmp_path):
    app = make_app(tmp_path, DEMO=True, SECRET_KEY=STRONG_KEY)

    assert app.config["SECRET_KEY"] == STRONG_KEY
    assert not (tmp_path / "instance" / "demo-secret-key").exists()


# --- the session cookie and timeouts ----------------------------------------------------------------


def test_production_sends_the_session_cookie_only_over_https_under_a_host_prefixed_name(tmp_path):
    app = make_app(tmp_path, SECRET_KEY=STRONG_KEY)

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-portal-session"
    assert app.config["SESSION_COOKIE_PATH"] == "/"
    assert app.config["SESSION_COOKIE_DOMAIN"] is None
    assert app.config["PREFERRED_URL_SCHEME"] == "https"


@pytest.mark.parametrize("mode", ["DEMO", "TESTING"])
def test_the_demo_and_the_tests_run_over_plain_http(tmp_path, mode):
    app = make_app(tmp_path, SECRET_KEY=STRONG_KEY, **{mode: True})

    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_NAME"] == "session"


def test_secure_cookies_can_be_turned_off_explicitly(tmp_path, monkeypatch):
    """For a deployment really served over http (a closed lab network): no prefix, which browsers would refuse."""
    monkeypatch.setenv("PORTAL_SESSION_COOKIE_SECURE", "false")

    app = make_app(tmp_path, SECRET_KEY=STRONG_KEY)

    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_NAME"] == "session"


def test_session_timeouts_default_and_come_from_the_environment(tmp_path, monkeypatch):
    assert make_app(tmp_path / "a", SECRET_KEY=STRONG_KEY).config["SESSION_IDLE_MINUTES"] == 30
    assert make_app(tmp_path / "a", SECRET_KEY=STRONG_KEY).config["SESSION_ABSOLUTE_HOURS"] == 12
    monkeypatch.setenv("PORTAL_SESSION_IDLE_MINUTES", "15")

    assert make_app(tmp_path / "b", SECRET_KEY=STRONG_KEY).config["SESSION_IDLE_MINUTES"] == 15

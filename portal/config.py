"""Configuration: defaults, then PORTAL_* environment variables, then the caller's overrides.

Outside testing and the demo the portal refuses to start without a strong SECRET_KEY: a guessable
key lets anyone forge a session cookie and sign in as any user.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # defaults to SQLite in the instance folder
    "ATTACHMENT_DIR": None,  # defaults to <instance>/attachments
    "CRITERIA_DIR": str(ROOT / "review_criteria"),
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,  # bytes per request; larger uploads get the 413 page
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    "LOGIN_THROTTLE": "10 per 15 minutes",  # failed sign-ins per e-mail address
    "LOGIN_THROTTLE_PER_ADDRESS": "60 per 15 minutes",  # failed sign-ins per client address
    "RATELIMIT_STORAGE_URI": None,  # None: the Redis below when set (limits shared by every worker), else memory://
    "INVITATION_DAYS": 7,
    "DEMO": False,
    "TESTING": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # None: Secure (and the __Host- cookie name) everywhere but the demo and the tests, which run over plain http.
    "SESSION_COOKIE_SECURE": None,
    "SESSION_IDLE_MINUTES": 30,  # a session unused this long ends (checked on the server, every request)
    "SESSION_ABSOLUTE_HOURS": 12,  # and every session ends this long after signing in, however active
    "PASSWORD_RESET_MINUTES": 60,  # a reset link works once, for this long
    "PASSWORD_RESET_THROTTLE": "5 per hour",  # reset requests per e-mail address (known or not: no enumeration)
    "MFA_THROTTLE": "5 per 15 minutes",  # wrong sign-in codes per account
    "API_RATE_LIMIT": "300 per minute",  # JSON API calls per token (per client address without one)
    "WTF_CSRF_TIME_LIMIT": 3600,
    "PREFERRED_URL_SCHEME": "http",
    # Decision records: the institution's Ed25519 key pair (default <instance>/records/), render limits,
    # and the largest PDF the verify page accepts.
    "RECORDS_PRIVATE_KEY": None,
    "RECORDS_PUBLIC_KEY": None,
    "RECORDS_RENDER_TIMEOUT": 60,  # seconds per record
    "RECORDS_RENDER_MEMORY_MB": 1024,  # address space of each render process
    "RECORDS_VERIFY_MAX_BYTES": 10 * 1024 * 1024,
    # Background jobs run in a thread of the worker that accepted them; the tests run them before the request
    # returns (PORTAL_JOBS_RUN_INLINE=1 does the same anywhere).
    "JOBS_RUN_INLINE": False,
    # Redis (PORTAL_REDIS_URL, e.g. redis://127.0.0.1:6379/0): jobs go on this RQ queue and run in `flask jobs worker`
    # processes instead of web threads, and rate limits are counted there.
    "REDIS_URL": None,
    "REDIS_QUEUE": "portal",
    "JOBS_RETRIES": 3,  # re-runs after a worker died mid-job (RQ Retry), 10 s, 1 min, 5 min apart
    "JOBS_TIMEOUT_SECONDS": 1800,  # RQ stops a job running longer than this; it then fails, visibly
    # A job `running` (or `queued`) longer than this is taken to be lost and is queued again by `flask jobs worker`
    # and `flask jobs requeue-stale`. Longer than the timeout, so a job still running is never taken for lost.
    "JOBS_LEASE_SECONDS": 3600,
    "JOBS_TEST_HOLD_FILE": None,  # tests only (honoured under TESTING): a job waits at its first progress tick
    # Links in e-mail point here (PORTAL_BASE_URL): the address people reach the portal at.
    "BASE_URL": "http://127.0.0.1:5000",
    # E-mail (portal.notifications). MAIL_TRANSPORT "smtp" or "mbox"; unset: SMTP when MAIL_SMTP_HOST is set, else an
    # mbox file in MAIL_FOLDER (default <instance>/mail/) that the demo's newcomer can read.
    "MAIL_TRANSPORT": None,
    "MAIL_FOLDER": None,
    "MAIL_FROM": "Dual-Use Review Portal <portal@localhost>",
    "MAIL_MESSAGE_ID_DOMAIN": "portal.localhost",
    "MAIL_SMTP_HOST": None,
    "MAIL_SMTP_PORT": 25,
    "MAIL_SMTP_SECURITY": "none",  # "none", "starttls" or "ssl"
    "MAIL_SMTP_USERNAME": None,
    "MAIL_SMTP_PASSWORD": None,
    "MAIL_SMTP_TIMEOUT": 20,
    "MAIL_MAX_ATTEMPTS": 6,  # then the message is `failed` (and logged); the inbox still has it
    "MAIL_BACKOFF_SECONDS": [60, 300, 1800, 7200, 21600],  # before the 2nd, 3rd ... attempt
    "MAIL_SENDING_LEASE_SECONDS": 300,  # a claim older than this is a sender that died: another takes it over
    "MAIL_SEND_AFTER_REQUEST": True,  # send (or queue a send) once a request that notified has answered
    # Consistency checks (PORTAL_CONSISTENCY_MATCHER): "auto" compares with sentence embeddings when the `semantic`
    # extra is installed and with words otherwise; "lexical" or "semantic" choose one (semantic without the extra
    # falls back to lexical, and the check says so).
    "CONSISTENCY_MATCHER": "auto",
    # Governance reports: a count below this shows as "<N" to a cross-institution reader (PORTAL_REPORT_SMALL_CELL).
    "REPORT_SMALL_CELL": 5,
}

# Keys that appear in tutorials and sample files; never acceptable in production.
KNOWN_WEAK_KEYS = {"dev", "secret", "changeme", "change-me", "development", "test", "please-change-me"}
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to change."""


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("PORTAL")
    if "PORTAL_SECRET_KEY" in os.environ:
        # from_prefixed_env parses values as JSON: an all-digit key would become an int and break signing.
        app.config["SECRET_KEY"] = os.environ["PORTAL_SECRET_KEY"]
    if overrides:
        app.config.update(overrides)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'portal.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if not app.config["RATELIMIT_STORAGE_URI"]:
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "memory://"
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    if not app.config["ATTACHMENT_DIR"]:
        app.config["ATTACHMENT_DIR"] = str(instance / "attachments")
    app.config["RECORDS_PRIVATE_KEY"] = app.config["RECORDS_PRIVATE_KEY"] or str(instance / "records" / "signing.key")
    app.config["RECORDS_PUBLIC_KEY"] = app.config["RECORDS_PUBLIC_KEY"] or str(instance / "records" / "signing.pub")
    _settle_secret_key(app, instance)
    _settle_session_cookie(app)


def _settle_secret_key(app: Flask, instance: Path) -> None:
    key = app.config.get("SECRET_KEY")
    if app.config["TESTING"] and not key:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    if app.config["DEMO"] and not key:
        # The demo keeps a generated key in the instance folder so sessions survive a restart.
        key_file = instance / "demo-secret-key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()
        return
    if app.config["TESTING"] or app.config["DEMO"]:
        return
    problem = secret_key_problem(key)
    if problem:
        raise ConfigError(
            f"Refusing to start: {problem}. Set PORTAL_SECRET_KEY to a random value of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters, for example the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )


SECURE_COOKIE_NAME = "__Host-portal-session"


def _settle_session_cookie(app: Flask) -> None:
    """Production sends the session only over https, under a name browsers bind to this exact host.

    The __Host- prefix makes a browser refuse the cookie unless it is Secure, has Path=/ and no Domain, so a
    sibling subdomain cannot plant or overwrite it (ASVS v5.0.0-3.3.3). Plain-http dev and demo keep the
    default name, which a browser would otherwise drop."""
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not (app.config["TESTING"] or app.config["DEMO"])
    if app.config["SESSION_COOKIE_SECURE"]:
        app.config["SESSION_COOKIE_NAME"] = SECURE_COOKIE_NAME
        app.config["SESSION_COOKIE_PATH"] = "/"
        app.config["SESSION_COOKIE_DOMAIN"] = None
        app.config["PREFERRED_URL_SCHEME"] = "https"


def secret_key_problem(key: object) -> str | None:
    """Say why a SECRET_KEY is unacceptable, or None when it is fine."""
    if not key:
        return "SECRET_KEY is not set"
    text = key if isinstance(key, str) else str(key)
    if text.lower() in KNOWN_WEAK_KEYS:
        return "SECRET_KEY is a well-known placeholder"
    if len(text) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    if len(set(text)) < 8:
        return "SECRET_KEY repeats too few distinct characters"
    return None

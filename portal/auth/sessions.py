"""Sessions: what sign-in puts in the session, and the rules checked before every request.

Flask's session is a signed cookie, so the server keeps no session rows. What makes a copied cookie useless:
- the user's session version inside it (bumped on sign-out, password change or reset, disabling, MFA changes);
- the sign-in and last-seen times inside it, checked here against the idle and absolute timeouts (ASVS v5.0.0
  7.3.1/7.3.2). The cookie is signed, so a client cannot move them; time only makes an old copy more expired.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from portal.auth.mfa_operations import must_enrol
from portal.auth.models import User
from portal.auth.session_operations import record_session_expired
from portal.clock import utcnow
from portal.extensions import db
from portal.i18n.marks import N_

_EPOCH = datetime(1970, 1, 1)
PENDING_MFA_SECONDS = 300  # between a correct password and its code
SEEN_RESOLUTION_SECONDS = 30  # last-seen is rewritten at most this often, so the cookie is not reissued every request
ENROLMENT_ENDPOINTS = {"auth.mfa_setup", "auth.sign_out", "static"}
EXPIRED_MESSAGES = {
    "idle": N_("You were signed out after %(minutes)s minutes without activity. Sign in again to continue."),
    "absolute": N_("Your session reached its %(hours)s-hour limit. Sign in again to continue."),
}


class UnitOfWorkSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a response whose unit of work failed (the 500 and 503 pages set
    `g.unit_of_work_failed`) carries no change to the session: the database rolled back, so must the cookie. A
    sign-in whose commit failed must not sign the browser in; the browser keeps the cookie it came with."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if g.get("unit_of_work_failed"):
            return
        super().save_session(app, session, response)


def now_seconds() -> int:
    return int((utcnow() - _EPOCH).total_seconds())


def start(user: User) -> None:
    """A fresh session for a fully authenticated person: nothing from before sign-in survives it (no fixation)."""
    session.clear()
    login_user(user)
    now = now_seconds()
    session["signed_in_at"] = session["seen_at"] = now
    session["sid"] = secrets.token_urlsafe(16)


def begin_second_factor(user: User, next_url: str) -> None:
    """The password was right; the session holds only who is half-way in, not a sign-in."""
    session.clear()
    session["mfa_pending"] = {"user": user.get_id(), "at": now_seconds(), "next": next_url}


def pending_second_factor() -> tuple[User, str] | None:
    """Who is between password and code, and where they were going; None when that has lapsed or was revoked."""
    pending = session.get("mfa_pending")
    if not isinstance(pending, dict) or now_seconds() - int(pending.get("at", 0)) > PENDING_MFA_SECONDS:
        return None
    ident, _, version = str(pending.get("user", "")).partition(".")
    user = db.session.get(User, int(ident)) if ident.isdigit() else None
    if user is None or str(user.session_version) != version or not user.is_active or not user.mfa_enabled:
        return None
    return user, str(pending.get("next") or url_for("home.dashboard"))


def enforce() -> Response | None:
    """Before every request: end timed-out sessions; keep staff who must enrol in MFA on the enrolment page."""
    if request.endpoint == "static" or request.path.startswith("/api/") or not current_user.is_authenticated:
        return None  # the API reads no session: its token is checked by portal/api/access.py
    reason = _expired(now_seconds())
    if reason:
        return _end(reason)
    if now_seconds() - session["seen_at"] >= SEEN_RESOLUTION_SECONDS:
        session["seen_at"] = now_seconds()
    if request.endpoint not in ENROLMENT_ENDPOINTS and must_enrol(current_user):
        flash(_("Your institution requires two-step sign-in for your role. Set it up to continue."), "info")
        return redirect(url_for("auth.mfa_setup"))
    return None


def _expired(now: int) -> str | None:
    config = current_app.config
    signed_in_at, seen_at = session.get("signed_in_at"), session.get("seen_at")
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return "absolute"  # a session without its times was not made by start(): fail closed
    if now - signed_in_at > int(config["SESSION_ABSOLUTE_HOURS"]) * 3600:
        return "absolute"
    if now - seen_at > int(config["SESSION_IDLE_MINUTES"]) * 60:
        return "idle"
    return None


def _end(reason: str) -> Response:
    user = current_user._get_current_object()
    logout_user()
    session.clear()
    record_session_expired(user, reason)
    db.session.commit()
    config = current_app.config
    limits = {"minutes": config["SESSION_IDLE_MINUTES"], "hours": config["SESSION_ABSOLUTE_HOURS"]}
    flash(_(EXPIRED_MESSAGES[reason], **limits), "info")
    target = request.full_path if request.method == "GET" else None
    return redirect(url_for("auth.sign_in", next=target.rstrip("?") if target else None))

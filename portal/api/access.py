"""Who is calling the API: a personal token sent as `Authorization: Bearer <token>`, its scopes and its person.

The API reads no session cookie, so a page can never be made to call it on someone's behalf (no CSRF), and the
person behind a token passes through the same `can_*` predicates as on the pages: a token adds no rights, its
scopes only take some away."""

from __future__ import annotations

import hashlib
import logging

from flask import current_app, g, request

from portal.api.problems import ApiProblem
from portal.auth.api_tokens import Scope, looks_like_token
from portal.auth.models import User
from portal.auth.token_operations import TokenCheck, authenticate_token, note_use
from portal.extensions import db

security_log = logging.getLogger("portal.security")

_CHALLENGE = 'Bearer realm="portal"'
_REFUSALS = {
    "unknown": "This API token is not valid. Check that it was copied whole, or create a new one.",
    "expired": "This API token has expired. Create a new one under Account › API tokens.",
    "revoked": "This API token was revoked. Create a new one under Account › API tokens.",
    "disabled": "The account this API token belongs to is not active.",
}


def bearer_token() -> str | None:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


def authenticate(scope: Scope | None) -> User:
    """The token's person, made the request's `current_user`; 401 without a usable token, 403 without `scope`."""
    raw = bearer_token()
    if raw is None:
        raise ApiProblem(401, "Send a personal API token as `Authorization: Bearer <token>`; create one under "
                              "Account › API tokens.", headers={"WWW-Authenticate": _CHALLENGE})
    check = authenticate_token(raw) if looks_like_token(raw) else TokenCheck("unknown", None)
    if check.status != "ok" or check.token is None:
        security_log.warning("API token refused (%s) from %s for %s %s", check.status, request.remote_addr,
                             request.method, request.path)
        raise ApiProblem(401, _REFUSALS[check.status],
                         headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'})
    token = check.token
    if scope is not None and scope.value not in token.scopes.split():
        raise ApiProblem(403, f"This token does not have the `{scope.value}` scope. Create a token with it under "
                              "Account › API tokens.",
                         headers={"WWW-Authenticate": f'{_CHALLENGE}, error="insufficient_scope", scope="{scope}"'})
    g._login_user = token.user  # Flask-Login's current_user for this request: the same predicates as the pages
    g.api_token_id = token.id
    note_use(token)
    if db.session.is_modified(token):
        db.session.commit()  # the bookkeeping stands alone (at most once a minute); the request's writes commit later
    return token.user


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def rate_limit_key() -> str:
    """Per token (by a digest of it, so the limiter's store never holds a usable token); per address without one."""
    raw = bearer_token()
    if raw:
        return "api-token:" + hashlib.sha256(raw.encode()).hexdigest()[:24]
    return "api-address:" + (request.remote_addr or "unknown")

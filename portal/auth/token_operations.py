"""Write path for personal API tokens, and the check the JSON API makes on every request.

Creating and revoking write one audit event each; the caller commits. A token's text exists only in the value
create_token returns: the database keeps its SHA-256 hash and its first characters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal.audit.operations import record
from portal.auth.api_tokens import (
    EXPIRY_CHOICES,
    MAX_LIVE_TOKENS,
    Scope,
    hash_token,
    join_scopes,
    looks_like_token,
    new_token_text,
    shown_prefix,
)
from portal.auth.models import User
from portal.auth.token_models import ApiToken
from portal.clock import iso, utcnow
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_

NOTE_USE_EVERY = timedelta(minutes=1)
NAME_LENGTH = 100


class TokenRefused(PortalError):
    """A token change was refused; the message is for the person, `field` the form field it belongs to."""

    def __init__(self, message: str, /, *, field: str = "name", **params: object) -> None:
        super().__init__(message, **params)
        self.field = field


@dataclass(frozen=True)
class TokenCheck:
    """What a presented token is worth; `token` is None only when no token matches."""

    status: Literal["ok", "unknown", "expired", "revoked", "disabled"]
    token: ApiToken | None


def create_token(*, actor: User, name: str, scopes: Iterable[Scope | str], days: int) -> tuple[ApiToken, str]:
    """A new token for the actor; returns the row and the token's text, which is never shown or stored again."""
    return _issue(actor, name, scopes, days, new_token_text())


def create_token_with_text(
    *, actor: User, name: str, scopes: Iterable[Scope | str], days: int, text: str
) -> ApiToken:
    """As create_token, with a token text chosen by the caller. Only the demo seed uses it, for a token printed
    with the demo logins; a real token must be random (create_token)."""
    if not looks_like_token(text):
        raise TokenRefused(N_("That is not the shape of a portal token."))
    return _issue(actor, name, scopes, days, text)[0]


def _issue(actor: User, name: str, scopes: Iterable[Scope | str], days: int, text: str) -> tuple[ApiToken, str]:
    name, chosen = (name or "").strip(), _scopes(scopes)
    _check_request(actor, name, chosen, days)
    now = utcnow()
    token = ApiToken(
        user_id=actor.id,
        name=name,
        prefix=shown_prefix(text),
        token_hash=hash_token(text),
        scopes=join_scopes(chosen),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    data = {"name": name, "prefix": token.prefix, "scopes": sorted(chosen), "expires_at": iso(token.expires_at)}
    record("api_token.created", actor=actor, target=token, data=data)  # never the token or its hash
    return token, text


def _scopes(scopes: Iterable[Scope | str]) -> frozenset[Scope]:
    try:
        return frozenset(Scope(s) for s in scopes)
    except ValueError:
        raise TokenRefused(N_("Choose what the token may do from the list."), field="scopes") from None


def _check_request(actor: User, name: str, scopes: frozenset[Scope], days: int) -> None:
    if not name:
        raise TokenRefused(N_("Give the token a name, so you can tell it apart from your others."))
    if len(name) > NAME_LENGTH:
        raise TokenRefused(N_("Keep the name to %(limit)d characters."), limit=NAME_LENGTH)
    if not scopes:
        raise TokenRefused(N_("Choose at least one thing the token may do."), field="scopes")
    if days not in EXPIRY_CHOICES:
        choices = ", ".join(str(d) for d in EXPIRY_CHOICES)
        raise TokenRefused(N_("Choose how long the token lasts: %(choices)s days."), field="days", choices=choices)
    if live_token_count(actor) >= MAX_LIVE_TOKENS:
        raise TokenRefused(
            N_("You already have %(count)d active tokens. Revoke one you no longer use, then create this one."),
            count=MAX_LIVE_TOKENS,
        )


def live_token_count(user: User) -> int:
    live = (ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > utcnow())
    return db.session.scalar(select(func.count()).select_from(ApiToken).where(*live))


def revoke_token(token: ApiToken, *, actor: User) -> None:
    """The token stops working at once. A conditional UPDATE, so two revocations racing cannot both succeed."""
    now = utcnow()
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if revoked.rowcount != 1:
        raise TokenRefused(N_("The token “%(name)s” was already revoked."), name=token.name)
    set_committed_value(token, "revoked_at", now)  # already written by the UPDATE: no second one
    set_committed_value(token, "revoked_by_id", actor.id)
    record("api_token.revoked", actor=actor, target=token, data={"name": token.name, "prefix": token.prefix})


def authenticate_token(raw: str) -> TokenCheck:
    """Whether a presented token may be used now. One query on the unique hash index (the owner is joined in);
    comparing hashes in the database reveals nothing about a token through timing. Not audited here: the API
    layer records the refusals it answers."""
    if not looks_like_token(raw):
        return TokenCheck("unknown", None)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None:
        return TokenCheck("unknown", None)
    state = token.state
    if state != "active":
        return TokenCheck(state, token)
    if not token.user.is_active:
        return TokenCheck("disabled", token)
    return TokenCheck("ok", token)


def note_use(token: ApiToken) -> None:
    """Remember when the token was last used, at most once a minute, so that reading through the API is not a
    write on every request. No audit event: this is bookkeeping for the owner's list, not a decision or a change
    anyone made; the API's own events say what the token was used for. The caller commits."""
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= NOTE_USE_EVERY:
        token.last_used_at = now

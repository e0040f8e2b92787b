"""Personal API tokens: created on the account pages and shown once, stored as a hash, revoked by their owner only,
and checked by authenticate_token for the JSON API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth import token_operations as token_ops
from portal.auth.api_tokens import (
    DEFAULT_EXPIRY,
    MAX_LIVE_TOKENS,
    SCOPE_LABELS,
    Scope,
    hash_token,
    looks_like_token,
    new_token_text,
)
from portal.auth.models import User
from portal.auth.roles import AccountStatus
from portal.auth.token_models import ApiToken
from portal.clock import shifted, utcnow
from portal.extensions import db
from tests.auth.helpers import event_data, events, text
from tests.conftest import post, sign_in
from tests.factories import PASSWORD, Factory

SHOWN = re.compile(r'<code class="mono" id="api-token">([^<]+)</code>')
FORM = {"name": "Grants system sync", "scopes": ["proposals:read", "decisions:read"], "days": "30"}


def signed_in(client: FlaskClient, user: User) -> FlaskClient:
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    return client


def all_tokens() -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def made(user: User, *scopes: Scope, days: int = 90, name: str = "Script") -> tuple[ApiToken, str]:
    token, raw = token_ops.create_token(actor=user, name=name, scopes=scopes or [Scope.PROPOSALS_READ], days=days)
    db.session.commit()
    return token, raw


def test_a_created_token_is_shown_once_and_stored_only_as_its_hash(client, factory: Factory) -> None:
    user = factory.user()
    signed_in(client, user)
    page = client.get("/account/tokens")
    assert page.status_code == 200
    assert "/api/v1/docs" in text(page) and SCOPE_LABELS[Scope.AUDIT_READ] in text(page)
    assert 'value="90" selected' in text(page) or "selected value=\"90\"" in text(page)

    response = post(client, "/account/tokens", FORM)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Copy it now: it will not be shown again" in text(response)
    raw = SHOWN.search(text(response)).group(1)
    assert looks_like_token(raw)
    [token] = all_tokens()
    assert (token.user_id, token.name, token.scopes) == (user.id, "Grants system sync", "proposals:read decisions:read")
    assert token.token_hash == hash_token(raw) and token.prefix == raw[:12]
    assert raw not in {getattr(token, c.name) for c in ApiToken.__table__.columns}
    assert abs(token.expires_at - (token.created_at + timedelta(days=30))) < timedelta(seconds=1)
    again = client.get("/account/tokens")
    assert raw not in text(again)
    assert token.prefix in text(again) and "Grants system sync" in text(again) and "Active" in text(again)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scopes": []}, "Choose at least one thing the token may do."),
        ({"name": ""}, "Give the token a name"),
        ({"name": "   "}, "Give the token a name"),
        ({"days": "1000"}, "Not a valid choice"),
        ({"scopes": ["admin:everything"]}, "not a valid choice"),
    ],
)
def test_a_bad_form_is_shown_again_with_the_problem_and_saves_nothing(client, factory: Factory, change: dict,
                                                                      message: str) -> None:
    signed_in(client, factory.user())
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))

    response = post(client, "/account/tokens", {**FORM, **change})

    assert response.status_code == 400
    assert message in text(response)
    assert "There is a problem" in text(response)
    assert all_tokens() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_the_operation_refuses_what_the_form_would(factory: Factory) -> None:
    user = factory.user()
    refusals = [
        {"name": " ", "scopes": [Scope.PROPOSALS_READ], "days": 90},
        {"name": "x", "scopes": [], "days": 90},
        {"name": "x", "scopes": ["nonsense"], "days": 90},
        {"name": "x", "scopes": [Scope.PROPOSALS_READ], "days": 3},
        {"name": "x" * 101, "scopes": [Scope.PROPOSALS_READ], "days": 90},
    ]
    for values in refusals:
        with pytest.raises(token_ops.TokenRefused):
            token_ops.create_token(actor=user, **values)
    assert all_tokens() == []


def test_no_more_than_twenty_live_tokens_per_person(factory: Factory) -> None:
    user = factory.user()
    expired, _ = made(user, name="Old")
    revoked, _ = made(user, name="Gone")
    expired.expires_at = utcnow() - timedelta(seconds=1)
    token_ops.revoke_token(revoked, actor=user)
    db.session.commit()
    for n in range(MAX_LIVE_TOKENS):  # expired and revoked ones do not count
        made(user, name=f"Token {n}")

    with pytest.raises(token_ops.TokenRefused, match="20 active tokens"):
        made(user, name="One too many")


def test_the_created_event_names_the_token_but_never_holds_it(client, factory: Factory) -> None:
    user = factory.user()
    signed_in(client, user)
    raw = SHOWN.search(text(post(client, "/account/tokens", FORM))).group(1)
    [token] = all_tokens()
    token_ops.revoke_token(token, actor=user)
    db.session.commit()

    [created] = events("api_token.created")
    assert event_data(created) == {"name": "Grants system sync", "prefix": raw[:12],
                                   "scopes": ["decisions:read", "proposals:read"],
                                   "expires_at": event_data(created)["expires_at"]}
    assert (created.actor_id, created.target_type, created.target_id) == (user.id, "api_tokens", str(token.id))
    for event in db.session.scalars(select(AuditEvent)):
        assert raw not in event.data and token.token_hash not in event.data


def test_the_owner_revokes_a_token_and_it_is_audited(client, factory: Factory) -> None:
    user = factory.user()
    token, raw = made(user)
    signed_in(client, user)

    response = post(client, f"/account/tokens/{token.id}/revoke")

    assert response.status_code == 302 and response.headers["Location"] == "/account/tokens"
    [token] = all_tokens()
    assert token.revoked_at is not None and token.revoked_by_id == user.id
    [event] = events("api_token.revoked")
    assert event.actor_id == user.id and event_data(event) == {"name": "Script", "prefix": raw[:12]}
    page = client.get("/account/tokens")
    assert "is revoked" in text(page) and "Revoked" in text(page)
    assert token_ops.authenticate_token(raw).status == "revoked"


def test_revoking_twice_is_refused_clearly(client, factory: Factory) -> None:
    user = factory.user()
    token, _ = made(user)
    token_ops.revoke_token(token, actor=user)
    db.session.commit()
    with pytest.raises(token_ops.TokenRefused, match="already revoked"):
        token_ops.revoke_token(token, actor=user)
    db.session.rollback()

    signed_in(client, user)
    response = post(client, f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "was already revoked" in text(response)
    assert len(events("api_token.revoked")) == 1


def test_another_persons_token_is_not_found_and_the_attempt_is_audited(client, factory: Factory) -> None:
    owner, other = factory.user(), factory.user(institution=None)
    token, raw = made(owner)
    signed_in(client, other)

    response = post(client, f"/account/tokens/{token.id}/revoke")

    assert response.status_code == 404
    assert all_tokens()[0].revoked_at is None
    [denied] = events("access.denied")
    assert (denied.actor_id, denied.target_type, denied.target_id) == (other.id, "api_tokens", str(token.id))
    assert events("api_token.revoked") == []
    assert "Script" not in text(client.get("/account/tokens"))
    assert token_ops.authenticate_token(raw).status == "ok"
    assert post(client, "/account/tokens/999999/revoke").status_code == 404
    assert len(events("access.denied")) == 1  # nothing to protect behind a missing id


def test_authenticate_token_says_why_a_token_does_not_work(factory: Factory) -> None:
    user = factory.user()
    ok, ok_raw = made(user, name="ok")
    expired, expired_raw = made(user, name="expired")
    revoked, revoked_raw = made(user, name="revoked")
    expired.expires_at = utcnow() - timedelta(seconds=1)
    token_ops.revoke_token(revoked, actor=user)
    db.session.commit()

    check = token_ops.authenticate_token(ok_raw)
    assert (check.status, check.token.id, check.token.user.id) == ("ok", ok.id, user.id)
    assert token_ops.authenticate_token(expired_raw).status == "expired"
    assert token_ops.authenticate_token(revoked_raw).status == "revoked"
    for unknown in (new_token_text(), "dur_short", "not a token", "", ok_raw + "x", ok_raw.upper()):
        assert token_ops.authenticate_token(unknown) == token_ops.TokenCheck("unknown", None)

    user.status = AccountStatus.DISABLED.value
    db.session.commit()
    assert token_ops.authenticate_token(ok_raw).status == "disabled"


def test_authenticating_writes_no_audit_event(factory: Factory) -> None:
    _token, raw = made(factory.user())
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    token_ops.authenticate_token(raw)
    token_ops.authenticate_token(new_token_text())
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_note_use_writes_at_most_once_a_minute(factory: Factory) -> None:
    token, _ = made(factory.user())
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    token_ops.note_use(token)
    db.session.commit()
    first = token.last_used_at
    assert first is not None

    with shifted(timedelta(seconds=30)):
        token_ops.note_use(token)
        assert not db.session.dirty
    assert token.last_used_at == first
    with shifted(timedelta(seconds=61)):
        token_ops.note_use(token)
        db.session.commit()
    assert token.last_used_at > first
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_the_list_is_the_owners_newest_first_with_each_state(client, factory: Factory) -> None:
    from portal.auth.token_queries import tokens_for

    user, other = factory.user(), factory.user()
    made(other, name="Not mine")
    with shifted(-timedelta(days=2)):
        expired, _ = made(user, name="Expired one", days=7)
    expired.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    made(user, name="Newest", days=DEFAULT_EXPIRY)

    assert [t.name for t in tokens_for(user)] == ["Newest", "Expired one"]
    page = text(signed_in(client, user).get("/account/tokens"))
    assert "Not mine" not in page
    assert page.index("Newest") < page.index("Expired one")
    assert "Expired" in page and "Never" in page


def test_the_account_pages_link_to_the_tokens(client, factory: Factory) -> None:
    signed_in(client, factory.user())
    assert 'href="/account/tokens"' in text(client.get("/account/password"))


def test_a_token_is_long_random_and_recognisable(app: Flask) -> None:
    tokens = {new_token_text() for _ in range(50)}
    assert len(tokens) == 50
    assert all(t.startswith("dur_") and looks_like_token(t) and len(t) >= 40 for t in tokens)
    assert looks_like_token("dur_demo_northbridge_coordinator_read_only")
    assert not looks_like_token("dur_" + "a" * 101)
    assert not looks_like_token("dur_abc/def+ghijklmnopq")
    assert len(hash_token("dur_x")) == 64


def test_the_demo_seed_prints_a_working_read_only_token_and_shows_every_state(app: Flask) -> None:
    from portal.demo.tokens import DEMO_API_TOKEN, READ_ONLY_LABEL

    output = app.test_cli_runner().invoke(args=["demo", "seed"]).output
    assert f"API token (coordinator, read-only): {DEMO_API_TOKEN}" in output
    check = token_ops.authenticate_token(DEMO_API_TOKEN)
    assert check.status == "ok" and check.token.user.email == "coordinator@northbridge.example"
    assert check.token.name == READ_ONLY_LABEL and check.token.token_hash == hash_token(DEMO_API_TOKEN)
    assert check.token.scope_set == {Scope.PROPOSALS_READ, Scope.DECISIONS_READ, Scope.REPORTS_READ, Scope.AUDIT_READ}
    investigator = db.session.scalar(select(User).where(User.email == "investigator@northbridge.example"))
    states = {t.name: (t.state, t.scopes) for t in all_tokens() if t.user_id == investigator.id}
    assert states == {"Grants system sync": ("active", "proposals:read proposals:write"),
                      "Old laptop script": ("revoked", "proposals:read")}

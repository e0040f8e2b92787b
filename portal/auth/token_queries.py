"""Reading personal API tokens."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.models import User
from portal.auth.token_models import ApiToken
from portal.extensions import db


def tokens_for(user: User) -> list[ApiToken]:
    """The person's tokens, newest first, revoked and expired ones included (their list shows the state)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    return list(db.session.scalars(query))

"""Fault cases (check 21) for the inbox and the e-mail preference: the investigator's own notifications, which the
seeded demo's submissions wrote."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.notifications.models import Notification
from tests.security.fault_cases import INVESTIGATOR, Request, case


def _own_notification() -> int:
    """An unread one: reading a read notification again changes nothing, so there would be no write to fault."""
    user_id = db.session.scalar(select(User.id).where(User.email == INVESTIGATOR))
    notification_id = db.session.scalar(
        select(Notification.id).where(Notification.recipient_id == user_id, Notification.in_inbox.is_(True),
                                      Notification.read_at.is_(None))
        .order_by(Notification.id.desc())
    )
    assert notification_id is not None, "the demo's investigator has no unread notification"
    return notification_id


@case("notifications.open_notification", persona=INVESTIGATOR)
def _open(_client: FlaskClient) -> Request:
    return f"/inbox/{_own_notification()}/open", {}


@case("notifications.mark_read", persona=INVESTIGATOR)
def _mark_read(_client: FlaskClient) -> Request:
    return f"/inbox/{_own_notification()}/read", {}


@case("notifications.mark_all_read", persona=INVESTIGATOR)
def _mark_all_read(_client: FlaskClient) -> Request:
    return "/inbox/read-all", {}


@case("notifications.preferences", persona=INVESTIGATOR)
def _preferences(_client: FlaskClient) -> Request:
    return "/account/notifications", {"delivery": "digest"}

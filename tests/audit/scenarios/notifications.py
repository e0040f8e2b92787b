"""Scenarios for people's own notification writes: reading them, and choosing how e-mail comes."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.roles import Role
from portal.extensions import db
from portal.notifications.models import Notification
from tests.audit.scenarios import Call, call, scenario
from tests.factories import Factory

NOTIFICATIONS = "portal.notifications.operations"


def _notified(factory: Factory):  # noqa: ANN202 - (the PI, their first notification)
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    factory.proposal(pi, submitted=True)  # the submission notifies its PI
    notification = db.session.scalar(select(Notification).where(Notification.recipient_id == pi.id))
    return pi, notification


@scenario(f"{NOTIFICATIONS}.mark_read", "notification.read")
def _mark_read(factory: Factory) -> Call:
    pi, notification = _notified(factory)
    return call(notification, actor=pi)


@scenario(f"{NOTIFICATIONS}.mark_all_read", "notification.all_read")
def _mark_all_read(factory: Factory) -> Call:
    pi, _ = _notified(factory)
    return call(actor=pi)


@scenario(f"{NOTIFICATIONS}.set_delivery", "account.notify_delivery_changed")
def _set_delivery(factory: Factory) -> Call:
    user = factory.user(Role.REVIEWER)
    return call(user, "digest", actor=user)

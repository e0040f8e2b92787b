"""The write path for people's own notification writes: marking read and the e-mail preference. Each function
audits, flushes and never commits. The messages themselves are written by portal.notifications.outbox, inside the
operation whose event they report (that operation's one audit event covers them)."""

from __future__ import annotations

from portal.audit.operations import record
from portal.auth.models import User
from portal.clock import utcnow
from portal.errors import PortalError
from portal.extensions import db
from portal.i18n.marks import N_
from portal.notifications.models import DELIVERIES, Notification


class NotificationError(PortalError):
    """A notification step was refused; the message is for the person."""


def mark_read(notification: Notification, *, actor: User) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        record("notification.read", actor=actor, target=("notification", notification.id))
        db.session.flush()


def mark_all_read(*, actor: User) -> int:
    unread = db.session.scalars(
        db.select(Notification).where(Notification.recipient_id == actor.id, Notification.read_at.is_(None),
                                      Notification.in_inbox.is_(True))
    ).all()
    now = utcnow()
    for notification in unread:
        notification.read_at = now
    if unread:
        record("notification.all_read", actor=actor, data={"count": len(unread)})
        db.session.flush()
    return len(unread)


def set_delivery(user: User, delivery: str, *, actor: User) -> None:
    if delivery not in DELIVERIES:
        raise NotificationError(N_("Choose immediate, daily digest or off."))
    if user.notify_delivery != delivery:
        previous, user.notify_delivery = user.notify_delivery, delivery
        record("account.notify_delivery_changed", actor=actor, target=user,
               data={"from": previous, "to": delivery})
        db.session.flush()

"""The demo's inboxes and e-mail. The seed's own operations (submissions, triage, assignments, the revision round,
meetings, decisions) wrote every notification; here the chair takes the daily digest before any of them, and at
the end of the story each person has read what is older than a week, so every inbox has read and unread items.
`flask demo seed` then sends what is due to the demo's mbox (<instance>/mail/outbox.mbox)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.notifications import operations as notifications
from portal.notifications.models import DIGEST, Notification

DIGEST_PERSON = "chair@northbridge.example"  # a busy chair: one e-mail a day (regulatory reminders still at once)
READ_BEFORE = timedelta(days=7)  # people have read what reached them more than a week ago


def choose_deliveries(users: list[User]) -> None:
    """The demo's one digest reader chooses it themselves, before the story's first event."""
    chair = next(user for user in users if user.email == DIGEST_PERSON)
    notifications.set_delivery(chair, DIGEST, actor=chair)


def read_older_notifications(users: list[User]) -> int:
    """Each person opens what arrived more than a week ago; the rest stays unread. Returns how many were read."""
    cutoff = utcnow() - READ_BEFORE
    read = 0
    for user in users:
        older = select(Notification).where(Notification.recipient_id == user.id, Notification.in_inbox.is_(True),
                                           Notification.created_at < cutoff, Notification.read_at.is_(None))
        for notification in db.session.scalars(older).all():
            notifications.mark_read(notification, actor=user)
            read += 1
    return read

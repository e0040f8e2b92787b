"""A notification is its recipient's alone, and one about a proposal only while they may still see the proposal:
a conflict declared after the message was written hides it from the inbox (the access policy applies when it is
read, as everywhere; the sender checks again before e-mailing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.proposals.permissions import can_view_proposal

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.notifications.models import Notification


def can_read_notification(user: User | None, notification: Notification) -> bool:
    if not (user is not None and getattr(user, "is_authenticated", False) and notification.in_inbox):
        return False
    return notification.recipient_id == user.id and may_still_see(user, notification)


def may_still_see(recipient: User, notification: Notification) -> bool:
    """Whether the message may reach its recipient now: in the inbox, by e-mail, in a digest."""
    return recipient.is_active and (notification.proposal is None
                                    or can_view_proposal(recipient, notification.proposal))

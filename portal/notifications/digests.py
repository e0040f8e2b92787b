"""The daily digest: for each person who chose it, one e-mail carrying what gathered since the last one."""

from __future__ import annotations

from itertools import groupby

from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.notifications.models import DIGEST, NOT_SENT, OFF, PENDING, Notification
from portal.notifications.outbox import write_digest
from portal.notifications.permissions import may_still_see


def write_due_digests() -> int:
    """One digest per person with digest notifications not yet carried; the caller commits and sends."""
    waiting = db.session.scalars(
        select(Notification)
        .where(Notification.delivery == DIGEST, Notification.email_state == PENDING)
        .order_by(Notification.recipient_id, Notification.id)
    ).all()
    written = 0
    for recipient_id, items in groupby(waiting, key=lambda n: n.recipient_id):
        recipient = db.session.get(User, recipient_id)
        carried = list(items)
        if recipient is None or not recipient.is_active or recipient.notify_delivery == OFF:
            withheld, carried = carried, []  # e-mail off (or gone) since: the inbox has these, the mail never will
        else:  # about a proposal they may no longer see (a conflict declared since): neither the digest nor the inbox
            withheld = [item for item in carried if not may_still_see(recipient, item)]
            carried = [item for item in carried if may_still_see(recipient, item)]
        for item in withheld:
            item.email_state = NOT_SENT
        if not carried:
            continue
        write_digest(recipient, carried)
        written += 1
    db.session.flush()
    return written

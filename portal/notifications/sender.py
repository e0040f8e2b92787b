"""The sender: after the commit, it hands pending messages to the transport, one at a time.

Each message is claimed (a conditional UPDATE, committed) before it is sent and marked sent (committed) after, so
two senders never send one message, a failed attempt is retried with backoff (MAIL_BACKOFF_SECONDS, then
`failed` after MAIL_MAX_ATTEMPTS), and a sender that died mid-way leaves a claim that another takes over once
MAIL_SENDING_LEASE_SECONDS have passed. What the server accepted is written to the delivery journal at once
(<MAIL_FOLDER>/delivered.log, fsync'd; not the database, which may be what failed): a message taken over after a
crash is looked up there first and marked sent instead of being sent again. Only a crash in the instant between
the server's acceptance and that line can send a message twice, with the same Message-ID, so mail systems drop it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import and_, or_, select, update

from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.notifications.models import DIGEST, FAILED, NOT_SENT, PENDING, SENDING, SENT, Notification
from portal.notifications.permissions import may_still_see
from portal.notifications.transports import mail_folder, transport_for

ERROR_LENGTH = 500


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0  # found in the delivery journal after a crash: marked sent, not sent again
    withheld: int = 0  # about a proposal the recipient may no longer see


class DeliveryJournal:
    """Message-IDs the mail server accepted, one per line, appended and fsync'd right after each acceptance."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, message_id: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="ascii") as journal:
            journal.write(message_id + "\n")
            journal.flush()
            os.fsync(journal.fileno())

    def has(self, message_id: str) -> bool:
        if not self.path.exists():
            return False
        with self.path.open(encoding="ascii") as journal:
            return any(line.rstrip("\n") == message_id for line in journal)


def send_due(app: Flask, *, limit: int = 500) -> SendReport:
    """Send what is due now: pending immediate messages whose time has come, and claims whose sender died."""
    transport = transport_for(app)
    journal = DeliveryJournal(mail_folder(app) / "delivered.log")
    report = SendReport()
    for notification_id, taken_over in _due(app, limit):
        claim = _claim(app, notification_id)
        if claim is None:
            continue  # another sender took it
        notification = db.session.get(Notification, notification_id)
        if not _still_allowed(notification):
            _settle(notification_id, claim, state=NOT_SENT)  # a conflict declared since: the inbox hides it too
            report.withheld += 1
            continue
        if taken_over and journal.has(notification.message_id):  # only a dead sender may have sent it already
            _settle(notification_id, claim, state=SENT)
            report.suppressed += 1
            continue
        message = email_message(app, notification)
        db.session.commit()  # hold no transaction while the mail server takes its time
        try:
            transport.send(message)
        except Exception as error:  # noqa: BLE001 - any failure of the transport is one failed attempt
            gave_up = _give_up_or_retry(app, notification_id, claim, error)
            report.failed += gave_up
            report.retried += 1 - gave_up
            continue
        journal.add(message["Message-ID"])
        mark_sent(notification_id, claim)
        report.sent += 1
    return report


def _still_allowed(notification: Notification) -> bool:
    recipient = db.session.get(User, notification.recipient_id)
    return recipient is not None and may_still_see(recipient, notification)


def _due(app: Flask, limit: int) -> list[tuple[int, bool]]:
    """(id, taken over from a sender that died) of what is due."""
    now = utcnow()
    lease = now - timedelta(seconds=int(app.config["MAIL_SENDING_LEASE_SECONDS"]))
    due = [(row[0], bool(row[1])) for row in db.session.execute(
        select(Notification.id, Notification.email_state == SENDING)
        .where(Notification.delivery != DIGEST, or_(
            and_(Notification.email_state == PENDING, Notification.next_attempt_at <= now),
            and_(Notification.email_state == SENDING, Notification.claimed_at < lease),
        ))
        .order_by(Notification.id)
        .limit(limit)
    )]
    db.session.commit()
    return due


def _claim(app: Flask, notification_id: int) -> datetime | None:
    now = utcnow()
    lease = now - timedelta(seconds=int(app.config["MAIL_SENDING_LEASE_SECONDS"]))
    taken = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, or_(
            and_(Notification.email_state == PENDING, Notification.next_attempt_at <= now),
            and_(Notification.email_state == SENDING, Notification.claimed_at < lease),
        ))
        .values(email_state=SENDING, claimed_at=now, attempts=Notification.attempts + 1)
    ).rowcount
    db.session.commit()
    return now if taken == 1 else None


def mark_sent(notification_id: int, claim: datetime) -> None:
    """After the server accepted the message (a separate function, so a test can crash the sender here)."""
    _settle(notification_id, claim, state=SENT)


def _settle(notification_id: int, claim: datetime, *, state: str, **values: object) -> None:
    extra = {"sent_at": utcnow()} if state == SENT else {}
    db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.claimed_at == claim)
        .values(email_state=state, **extra, **values)
    )
    db.session.commit()


def _give_up_or_retry(app: Flask, notification_id: int, claim: datetime, error: Exception) -> int:
    """1 when the message failed for good, 0 when it will be tried again."""
    db.session.rollback()
    attempts = db.session.scalar(select(Notification.attempts).where(Notification.id == notification_id)) or 0
    reason = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    if attempts >= int(app.config["MAIL_MAX_ATTEMPTS"]):
        _settle(notification_id, claim, state=FAILED, last_error=reason)
        current_app.logger.error("notification %s failed after %s attempts: %s", notification_id, attempts, reason)
        return 1
    backoff = list(app.config["MAIL_BACKOFF_SECONDS"])
    delay = backoff[min(attempts - 1, len(backoff) - 1)]
    _settle(notification_id, claim, state=PENDING, last_error=reason,
            next_attempt_at=utcnow() + timedelta(seconds=int(delay)))
    return 0


def email_message(app: Flask, notification: Notification) -> EmailMessage:
    recipient = db.session.get(User, notification.recipient_id)
    message = EmailMessage()
    message["From"] = app.config["MAIL_FROM"]
    message["To"] = Address(display_name=recipient.name, addr_spec=recipient.email)
    message["Subject"] = notification.subject
    message["Message-ID"] = notification.message_id
    message["Date"] = format_datetime(notification.created_at.replace(tzinfo=UTC))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to the portal
    # 8bit, not quoted-printable: readable as it is stored (the demo's mbox, a Chinese body), and every current mail
    # server takes 8BITMIME; lines stay short.
    message.set_content(notification.body, cte="8bit")
    message["Content-Language"] = notification.language.replace("_", "-")  # after set_content, which clears Content-*
    return message


def send_after_this_request() -> None:
    """Once per request that wrote notifications: after the response is sent (so after the commit, and without
    keeping the person waiting on the mail server), queue a send job, or send here when no queue is configured."""
    if not has_request_context() or g.get("_notifications_pending"):
        return
    g._notifications_pending = True
    from flask import after_this_request

    app = current_app._get_current_object()

    @after_this_request
    def _after(response):  # noqa: ANN001, ANN202 - Flask's response hook
        response.call_on_close(lambda: send_soon(app))
        return response


def send_soon(app: Flask) -> None:
    if not app.config["MAIL_SEND_AFTER_REQUEST"]:
        return
    with app.app_context():
        if app.config.get("REDIS_URL"):
            from portal.jobs.queue import job_queue

            job_queue(app).enqueue("portal.notifications.sender.send_queued", description="portal: send e-mail")
            return
        try:
            send_due(app)
        finally:
            db.session.remove()


def send_queued() -> int:
    """The queue's job (`flask jobs worker` runs it in an app context): send what is due."""
    return send_due(current_app._get_current_object()).sent

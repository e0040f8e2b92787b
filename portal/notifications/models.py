"""A notification is one message to one person: an inbox item and, unless they turned e-mail off, an outbox row.

It is written in the transaction of the event that causes it (portal.notifications.outbox.notify), already
rendered for its recipient, so that what is sent is what the access policy allowed at that moment. The sender
(portal.notifications.sender) moves `email_state` after the commit: pending -> sending -> sent, with retries and
backoff, or failed; a digest gathers the `digest` ones once a day.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import utcnow
from portal.extensions import db
from portal.proposals.models import Proposal

# How a person takes their e-mail (users.notify_delivery); mandatory reminders are always sent at once.
IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"
DELIVERIES = (IMMEDIATE, DIGEST, OFF)
# Where a message's e-mail is.
PENDING, SENDING, SENT, FAILED, DIGESTED, NOT_SENT = "pending", "sending", "sent", "failed", "digested", "not_sent"
EMAIL_STATES = (PENDING, SENDING, SENT, FAILED, DIGESTED, NOT_SENT)


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(f"email_state IN {EMAIL_STATES!r}", name="email_state"),
        CheckConstraint(f"delivery IN {DELIVERIES!r}", name="delivery"),
        Index("ix_notifications_inbox", "recipient_id", "in_inbox", "read_at"),
        Index("ix_notifications_outbox", "email_state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RFC 5322 Message-ID: fixed when written, so a message sent twice (a crash after the server accepted it and
    # before it was marked sent) is the same message to every mail system that sees both.
    message_id: Mapped[str] = mapped_column(String(120), unique=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")  # a path in the portal, "" for none
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)  # a regulatory reminder: cannot be turned off
    in_inbox: Mapped[bool] = mapped_column(Boolean, default=True)  # False for a digest, which only gathers others
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    delivery: Mapped[str] = mapped_column(String(12), default=IMMEDIATE)
    email_state: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]  # when a sender took it; a claim older than the lease is taken again
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"))  # the digest that carried it

    proposal: Mapped[Proposal | None] = relationship()


class Reminder(db.Model):
    """A reminder sent: one row per thing reminded of (a clock, an assignment, a condition) and stage ("30", "7",
    "due", "overdue-2" ...), so `flask clocks remind` can run as often as cron likes and remind once."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("subject_kind", "subject_id", "stage", name="uq_reminders_stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

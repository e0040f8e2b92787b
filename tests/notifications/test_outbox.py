"""The outbox: written with the event, sent after the commit over real SMTP, retried with backoff, and a sender
that crashes after the server accepted a message does not lose it and does not send it again."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from portal.auth.roles import Role
from portal.clock import shifted
from portal.extensions import db
from portal.notifications import sender
from portal.notifications.models import FAILED, PENDING, SENDING, SENT, Notification
from tests.notifications.conftest import Mailbox


def _world(factory):  # noqa: ANN001, ANN202
    institution = factory.institution()
    coordinator = factory.user(Role.COORDINATOR, institution=institution, name="Dr Coordinator")
    pi = factory.user(Role.INVESTIGATOR, institution=institution, name="Dr Investigator")
    return institution, coordinator, pi


def _outbox() -> list[Notification]:
    return list(db.session.scalars(select(Notification).order_by(Notification.id)))


def test_a_submission_is_in_the_outbox_before_anything_is_sent_and_reaches_each_recipient_by_smtp(
    app: Flask, factory, mailbox: Mailbox  # noqa: ANN001
) -> None:
    _, coordinator, pi = _world(factory)
    proposal = factory.proposal(pi, title="Fictional survey of laboratory practice", submitted=True)
    written = _outbox()
    assert [(n.recipient_id, n.event, n.email_state) for n in written] == [
        (pi.id, "submission_received", PENDING), (coordinator.id, "submission_received", PENDING)]
    assert mailbox.messages == []  # written with the event; sending waits for the sender

    report = sender.send_due(app)

    assert report.sent == 2
    to_pi, = mailbox.to(pi.email)
    assert mailbox.subject(to_pi) == "Submitted for review: Fictional survey of laboratory practice (version 1)"
    assert to_pi["Message-ID"] == written[0].message_id
    assert f"/proposals/{proposal.id}" in to_pi.get_content()
    assert "triage" in to_pi.get_content()  # the team's wording
    to_coordinator, = mailbox.to(coordinator.email)
    assert "waiting for triage" in to_coordinator.get_content()  # the review office's wording
    assert [n.email_state for n in _outbox()] == [SENT, SENT]
    assert sender.send_due(app).sent == 0  # nothing is sent twice


def test_a_refused_send_is_retried_with_backoff_and_fails_for_good_after_the_last_attempt(
    app: Flask, factory, mailbox: Mailbox  # noqa: ANN001
) -> None:
    _, coordinator, pi = _world(factory)
    factory.proposal(pi, submitted=True)
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    mailbox.refuse = 2  # the server answers 451 twice: both messages fail their first attempt

    first = sender.send_due(app)

    assert (first.sent, first.retried) == (0, 2)
    waiting = _outbox()
    assert {n.email_state for n in waiting} == {PENDING}
    assert all("451" in n.last_error for n in waiting)
    assert sender.send_due(app).sent == 0  # not before the backoff has passed
    with shifted(timedelta(seconds=61)):
        assert sender.send_due(app).sent == 2
    assert len(mailbox.messages) == 2

    factory.proposal(pi, title="Another fictional proposal", submitted=True)
    mailbox.refuse = 100
    for minutes in (0, 2, 10):  # attempts 1, 2, 3 (backoff 60 s, then 300 s)
        with shifted(timedelta(minutes=minutes)):
            sender.send_due(app)
    failed = [n for n in _outbox() if n.email_state == FAILED]
    assert len(failed) == 2 and all(n.attempts == 3 for n in failed)


def _crash(*args: object) -> None:
    raise SystemExit("the sender's process dies here")


def _send_and_die(app: Flask) -> None:
    try:
        sender.send_due(app)
    except SystemExit:
        db.session.rollback()


def test_a_crash_between_sending_and_marking_sent_neither_loses_the_message_nor_sends_it_again(
    app: Flask, factory, mailbox: Mailbox, monkeypatch  # noqa: ANN001
) -> None:
    _, _, pi = _world(factory)
    factory.proposal(pi, submitted=True)
    with monkeypatch.context() as patch:
        patch.setattr(sender, "mark_sent", _crash)  # after the server accepted the first message
        _send_and_die(app)
    assert len(mailbox.messages) == 1  # the server has it; the database never heard
    assert [n.email_state for n in _outbox()] == [SENDING, PENDING]

    assert sender.send_due(app).sent == 1  # the other message goes; a claim within its lease is left alone
    with shifted(timedelta(seconds=app.config["MAIL_SENDING_LEASE_SECONDS"] + 1)):
        report = sender.send_due(app)

    assert (report.sent, report.suppressed) == (0, 1)  # taken over, found in the delivery journal, marked sent
    assert [n.email_state for n in _outbox()] == [SENT, SENT]
    assert len(mailbox.messages) == 2 and len({m["Message-ID"] for m in mailbox.messages}) == 2


def test_a_crash_before_the_delivery_is_journalled_sends_at_most_one_duplicate_with_the_same_message_id(
    app: Flask, factory, mailbox: Mailbox, monkeypatch  # noqa: ANN001
) -> None:
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    factory.proposal(pi, submitted=True)
    with monkeypatch.context() as patch:
        patch.setattr(sender.DeliveryJournal, "add", _crash)  # the instant after the server's 250
        _send_and_die(app)
    with shifted(timedelta(seconds=app.config["MAIL_SENDING_LEASE_SECONDS"] + 1)):
        assert sender.send_due(app).sent == 1
        assert sender.send_due(app).sent == 0

    first, again = mailbox.messages
    assert first["Message-ID"] == again["Message-ID"]  # the same message: mail systems keep one
    assert [n.email_state for n in _outbox()] == [SENT]

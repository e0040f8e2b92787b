"""The inbox and the e-mail preference: unread counts in the menu, opening and marking read, the daily digest,
e-mail off, a conflict declared after a message hides it, and the send that follows a request."""

from __future__ import annotations

import mailbox as mbox
from pathlib import Path

from flask import Blueprint, Flask
from flask_login import current_user
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.roles import Role
from portal.conflicts.operations import declare_conflict
from portal.extensions import db
from portal.notifications import sender
from portal.notifications.commands import digest_command
from portal.notifications.models import DIGESTED, NOT_SENT, SENT, Notification
from portal.notifications.outbox import notify
from tests.conftest import post, sign_in
from tests.factories import PASSWORD
from tests.notifications.conftest import Mailbox


def _mine(user_id: int) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.recipient_id == user_id)
                                   .order_by(Notification.id)))


def test_the_menu_counts_unread_and_opening_a_notification_marks_it_read_and_goes_to_its_page(
    app: Flask, factory, client  # noqa: ANN001
) -> None:
    pi = factory.user(Role.INVESTIGATOR)
    first = factory.proposal(pi, title="First fictional study", submitted=True)
    factory.proposal(pi, title="Second fictional study", submitted=True)
    sign_in(client, pi.email, PASSWORD)

    page = client.get("/inbox").get_data(as_text=True)
    assert "2 unread notifications." in page
    assert page.index("Second fictional study") < page.index("First fictional study")  # newest first
    menu = client.get("/dashboard").get_data(as_text=True)
    assert '<span class="badge count">2<span class="visually-hidden"> unread</span>' in menu

    older = _mine(pi.id)[0]
    opened = post(client, f"/inbox/{older.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/proposals/{first.id}")
    assert "1 unread notification." in client.get("/inbox").get_data(as_text=True)
    done = post(client, "/inbox/read-all", follow_redirects=True)
    assert "Marked 1 notification as read." in done.get_data(as_text=True)
    assert "0 unread notifications." in client.get("/inbox").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("notification.%"))
                                 .order_by(AuditEvent.seq)).all()
    assert actions == ["notification.read", "notification.all_read"]


def test_someone_elses_notification_is_not_found(app: Flask, factory, client) -> None:  # noqa: ANN001
    institution = factory.institution()
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    other = factory.user(Role.INVESTIGATOR, institution=institution)
    factory.proposal(pi, submitted=True)
    sign_in(client, other.email, PASSWORD)
    assert post(client, f"/inbox/{_mine(pi.id)[0].id}/open").status_code == 404
    assert _mine(pi.id)[0].read_at is None


def test_a_digest_reader_gets_one_mail_a_day_and_an_e_mail_off_reader_none_but_both_keep_the_inbox(
    app: Flask, factory, client, mailbox: Mailbox  # noqa: ANN001
) -> None:
    institution = factory.institution()
    coordinator = factory.user(Role.COORDINATOR, institution=institution)
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    sign_in(client, coordinator.email, PASSWORD)
    saved = post(client, "/account/notifications", {"delivery": "digest"}, follow_redirects=True)
    assert "Your e-mail preference is saved." in saved.get_data(as_text=True)
    bad = post(client, "/account/notifications", {"delivery": "hourly"})
    assert bad.status_code == 400 and "Not a valid choice" in bad.get_data(as_text=True)
    pi.notify_delivery = "off"
    db.session.commit()

    factory.proposal(pi, title="Digest study one", submitted=True)
    factory.proposal(pi, title="Digest study two", submitted=True)
    assert sender.send_due(app).sent == 0  # nothing immediate: one waits for the digest, one is off
    assert {n.email_state for n in _mine(pi.id)} == {NOT_SENT}

    result = app.test_cli_runner().invoke(digest_command)
    assert result.exit_code == 0, result.output
    digest, = mailbox.to(coordinator.email)
    assert mailbox.subject(digest) == "Your daily digest: 2 notifications"
    assert "Digest study one" in digest.get_content() and "Digest study two" in digest.get_content()
    assert {n.email_state for n in _mine(coordinator.id) if n.in_inbox} == {DIGESTED}
    assert mailbox.to(pi.email) == []
    pi_client = app.test_client()
    sign_in(pi_client, pi.email, PASSWORD)
    assert "2 unread notifications." in pi_client.get("/inbox").get_data(as_text=True)
    assert app.test_cli_runner().invoke(digest_command).output.startswith("digests 0")  # once


def test_a_conflict_declared_after_a_message_hides_it_and_withholds_its_mail(
    app: Flask, factory, client, mailbox: Mailbox  # noqa: ANN001
) -> None:
    institution = factory.institution()
    coordinator = factory.user(Role.COORDINATOR, institution=institution)
    pi = factory.user(Role.INVESTIGATOR, institution=institution)
    factory.proposal(pi, title="A study the coordinator must step away from", submitted=True)
    proposal_id = _mine(pi.id)[0].proposal_id
    from portal.proposals.models import Proposal

    declare_conflict(db.session.get(Proposal, proposal_id), coordinator, reason="A close collaborator.", actor=pi)
    db.session.commit()

    report = sender.send_due(app)
    assert (report.sent, report.withheld) == (1, 1)
    assert mailbox.to(coordinator.email) == []
    sign_in(client, coordinator.email, PASSWORD)
    page = client.get("/inbox").get_data(as_text=True)
    assert "step away" not in page and "0 unread notifications." in page
    assert post(client, f"/inbox/{_mine(coordinator.id)[0].id}/open").status_code == 404


def test_a_request_that_notifies_sends_once_it_has_answered(app: Flask, factory, tmp_path: Path) -> None:  # noqa: ANN001
    """The demo's path (no queue): the mail goes after the response, into the mbox a newcomer reads."""
    app.config.update(MAIL_SEND_AFTER_REQUEST=True, MAIL_TRANSPORT="mbox", MAIL_FOLDER=str(tmp_path))
    ping = Blueprint("ping", __name__)

    @ping.route("/test-only/notify-me")
    def notify_me() -> str:
        notify("digest", [current_user], params={"items": []}, link="/inbox")
        db.session.commit()
        return "written"

    app.register_blueprint(ping)
    user = factory.user(Role.REVIEWER)
    client = app.test_client()
    sign_in(client, user.email, PASSWORD)
    response = client.get("/test-only/notify-me")
    assert response.get_data(as_text=True) == "written"
    response.close()  # the server has sent the response

    box = mbox.mbox(str(tmp_path / "outbox.mbox"))
    try:
        delivered = list(box)
    finally:
        box.close()
    assert len(delivered) == 1 and delivered[0]["To"].endswith(f"<{user.email}>")
    assert db.session.scalar(select(func.count()).where(Notification.email_state == SENT)) == 1

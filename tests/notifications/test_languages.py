"""Each person reads their notifications in their own language, in the inbox and in the mail the SMTP server got."""

from __future__ import annotations

from flask import Flask

from portal.auth.roles import Role
from portal.extensions import db
from portal.notifications import sender
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.notifications.conftest import Mailbox

TITLE = "Fictional survey of laboratory practice"


def test_the_same_event_reaches_an_english_and_a_chinese_reader_each_in_their_language(
    app: Flask, factory, mailbox: Mailbox, client  # noqa: ANN001
) -> None:
    institution = factory.institution()
    coordinator = factory.user(Role.COORDINATOR, institution=institution, name="Dr Li Wei")
    coordinator.locale = "zh_CN"
    pi = factory.user(Role.INVESTIGATOR, institution=institution, name="Dr Ada Example")
    db.session.commit()
    factory.proposal(pi, title=TITLE, submitted=True)

    assert sender.send_due(app).sent == 2

    to_pi, = mailbox.to(pi.email)
    assert mailbox.subject(to_pi) == f"Submitted for review: {TITLE} (version 1)"
    assert to_pi["Content-Language"] == "en"
    assert "Dear Dr Ada Example," in to_pi.get_content()
    assert "you will hear when it has been routed to a committee" in to_pi.get_content()
    to_coordinator, = mailbox.to(coordinator.email)
    assert mailbox.subject(to_coordinator) == f"已提交审查：{TITLE}（第 1 版）"
    assert to_coordinator["Content-Language"] == "zh-CN"
    body = to_coordinator.get_content()
    assert "Dr Li Wei，您好：" in body and "正在等待分诊" in body and "选择接收这些邮件的方式" in body
    assert "Submitted" not in body and "Dear" not in body

    sign_in(client, coordinator.email, PASSWORD)
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "收件箱" in inbox and f"已提交审查：{TITLE}（第 1 版）" in inbox

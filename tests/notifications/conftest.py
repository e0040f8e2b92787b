"""A real SMTP server in the test process (aiosmtpd): the portal's sender talks SMTP to it over loopback, and the
tests read what arrived, parsed as a mail client would."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """What the SMTP server accepted, in order; `refuse` makes it answer 451 (try again later) to the next ones."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd's hook
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.envelopes.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    @staticmethod
    def subject(message: EmailMessage) -> str:
        """The subject as a mail client shows it, unfolded (Python's parser keeps a fold's space after the colon)."""
        return " ".join(str(message["Subject"]).split())

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m, rcpt in zip(self.messages, self.envelopes, strict=True) if address in rcpt]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.fixture
def app_config(app_config: dict[str, object], smtp: tuple[Mailbox, int]) -> dict[str, object]:
    _, port = smtp
    return {**app_config, "MAIL_TRANSPORT": "smtp", "MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": port,
            "MAIL_SMTP_TIMEOUT": 5}


@pytest.fixture
def mailbox(smtp: tuple[Mailbox, int]) -> Mailbox:
    return smtp[0]

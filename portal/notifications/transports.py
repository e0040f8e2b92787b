"""Where e-mail goes: an SMTP server (production), or a local mbox file the demo's newcomer can read
(`less instance/mail/outbox.mbox`). Chosen by MAIL_TRANSPORT, or by whether MAIL_SMTP_HOST is set."""

from __future__ import annotations

import mailbox
import smtplib
import ssl
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from flask import Flask


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message over, or raise: any exception is a failed attempt, retried later."""


class SmtpTransport:
    def __init__(self, app: Flask) -> None:
        config = app.config
        self.host = str(config["MAIL_SMTP_HOST"])
        self.port = int(config["MAIL_SMTP_PORT"])
        self.username = config["MAIL_SMTP_USERNAME"]
        self.password = config["MAIL_SMTP_PASSWORD"]
        self.security = str(config["MAIL_SMTP_SECURITY"])  # "none", "starttls" or "ssl"
        self.timeout = float(config["MAIL_SMTP_TIMEOUT"])

    def send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self.security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with server:
            if self.security == "starttls":
                server.starttls(context=context)
            if self.username:
                server.login(str(self.username), str(self.password or ""))
            server.send_message(message)


# The sender runs after each request that notified, in the thread that served it: threads of one web worker may
# append at the same moment.
_MBOX_WRITERS = threading.Lock()


class MboxTransport:
    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: EmailMessage) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _MBOX_WRITERS:  # the mbox's fcntl lock keeps other processes out, not other threads of this one
            box = mailbox.mbox(str(self.path))
            try:
                box.lock()
                try:
                    box.add(message)
                    box.flush()
                finally:
                    box.unlock()
            finally:
                box.close()  # whatever failed above: no file is left open


def mail_folder(app: Flask) -> Path:
    return Path(app.config["MAIL_FOLDER"] or Path(app.instance_path) / "mail")


def transport_for(app: Flask) -> Transport:
    chosen = app.config["MAIL_TRANSPORT"] or ("smtp" if app.config["MAIL_SMTP_HOST"] else "mbox")
    if chosen == "smtp":
        return SmtpTransport(app)
    if chosen == "mbox":
        return MboxTransport(mail_folder(app) / "outbox.mbox")
    raise ValueError(f"MAIL_TRANSPORT must be 'smtp' or 'mbox', not {chosen!r}")

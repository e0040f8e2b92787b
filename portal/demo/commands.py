"""`flask demo seed`: fill an empty database with the fictional demo, send its due e-mail to the demo's mbox, then
print the logins and where to read that e-mail."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.demo.seed import DEMO_PASSWORD, DEMO_USERS, demo_exists, seed_demo
from portal.demo.tokens import DEMO_API_TOKEN
from portal.extensions import db
from portal.notifications.sender import send_due
from portal.notifications.transports import MboxTransport, mail_folder, transport_for

demo_cli = AppGroup("demo", help="The fictional demo data.")


@demo_cli.command("seed")
def seed_command() -> None:
    """Create the demo institution, one user per role and a dozen proposals (once), and send their e-mail."""
    app = current_app._get_current_object()
    to_mbox = isinstance(transport_for(app), MboxTransport)  # never mail the demo's fictional people through SMTP
    if demo_exists():
        click.echo("The demo data is already in this database.")
    else:
        seed_demo()
        db.session.commit()
        click.echo("Demo data created.")
        if to_mbox:
            report = send_due(app)
            click.echo(f"Demo e-mail sent to the local mbox: {report.sent} messages.")
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
    for user in DEMO_USERS:
        roles = ", ".join(r.value for r in user.roles)
        click.echo(f"  {user.email:<36} {user.name:<36} {roles}")
    click.echo(f"\nAPI token (coordinator, read-only): {DEMO_API_TOKEN}")
    if to_mbox:
        click.echo(f"E-mail the portal sent (the same messages are in each person's inbox): "
                   f"less {_shown(mail_folder(app))}")


def _shown(folder: Path) -> str:
    """The outbox's path as the reader can type it: relative to where they ran the command, when it is below it."""
    path = folder / "outbox.mbox"
    try:
        return str(path.resolve().relative_to(Path(os.getcwd()).resolve()))
    except ValueError:
        return str(path)

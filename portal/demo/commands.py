"""`flask demo seed`: fill an empty database with the fictional demo, then print the logins."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.demo.seed import DEMO_PASSWORD, DEMO_USERS, demo_exists, seed_demo
from portal.demo.tokens import DEMO_API_TOKEN
from portal.extensions import db

demo_cli = AppGroup("demo", help="The fictional demo data.")


@demo_cli.command("seed")
def seed_command() -> None:
    """Create the demo institution, one user per role and a dozen proposals (once)."""
    if demo_exists():
        click.echo("The demo data is already in this database.")
    else:
        seed_demo()
        db.session.commit()
        click.echo("Demo data created.")
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
    for user in DEMO_USERS:
        roles = ", ".join(r.value for r in user.roles)
        click.echo(f"  {user.email:<36} {user.name:<36} {roles}")
    click.echo(f"\nAPI token (coordinator, read-only): {DEMO_API_TOKEN}")

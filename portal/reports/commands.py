"""`flask reports scope EMAIL --institution SHORT ...`: the institutions a governance user reads reports across."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db
from portal.institutions.models import Institution
from portal.reports.operations import ScopeError, set_governance_scope

reports_cli = AppGroup("reports", help="Governance reports.")


@reports_cli.command("scope")
@click.argument("email")
@click.option("--institution", "short_names", multiple=True,
              help="An institution's short name; repeat for several. None: the user's own institution only.")
def scope_command(email: str, short_names: tuple[str, ...]) -> None:
    """Give a governance user a scope of institutions: they then read aggregates across them, never a proposal."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account has the address {email}.")
    wanted = {name.strip().lower() for name in short_names}
    found = db.session.scalars(select(Institution).where(func.lower(Institution.short_name).in_(wanted))).all()
    missing = wanted - {i.short_name.lower() for i in found}
    if missing:
        raise click.ClickException(f"No institution has the short name {', '.join(sorted(missing))}. Nothing changed.")
    try:
        set_governance_scope(user, found, actor=None)
    except ScopeError as problem:
        raise click.ClickException(str(problem)) from problem
    db.session.commit()
    names = ", ".join(sorted(i.short_name for i in found)) or "their own institution only"
    click.echo(f"{user.name} now reads reports across: {names}.")
